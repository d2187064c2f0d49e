// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab
import Confab.Ui

//! While hosting: every address others join at (each LAN address, IPv4 and IPv6), each with a
//! Copy button, and a QR code of one of them for a phone on the same network to scan (the
//! host serves its web chat at that address, so a phone needs nothing installed).
Rectangle {
    id: banner
    //! The session whose host's addresses are shown (Controller.session, or a test double).
    required property Session session

    //! The address the QR code shows: the first until another one's QR button is pressed.
    property string qrUrl: session.hostUrls.length > 0 ? session.hostUrls[0] : ""
    //! Whether the QR code is shown (it takes room from the messages, so it is asked for).
    property bool showQr: false

    objectName: "joinBanner"
    implicitHeight: content.implicitHeight + Theme.spacing
    color: Theme.sidePane

    RowLayout {
        id: content
        anchors.fill: parent
        anchors.leftMargin: 2 * Theme.spacing
        anchors.rightMargin: 2 * Theme.spacing
        anchors.topMargin: Theme.spacing / 2
        anchors.bottomMargin: Theme.spacing / 2
        spacing: 2 * Theme.spacing

        ColumnLayout {
            Layout.fillWidth: true
            Layout.alignment: Qt.AlignTop
            spacing: 0

            RowLayout {
                spacing: Theme.spacing
                Label {
                    id: joinLabel
                    Accessible.ignored: true // each address's name says it
                    text: qsTr("Others join at")
                    color: Theme.mutedText
                }
                Button {
                    objectName: "qrToggle"
                    Accessible.ignored: !visible
                    text: banner.showQr ? qsTr("Hide QR code") : qsTr("Show QR code")
                    flat: true
                    checkable: true
                    checked: banner.showQr
                    onToggled: banner.showQr = checked
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("A code a phone on the same network scans to open the web chat")
                }
            }

            Repeater {
                model: banner.session.hostUrls
                delegate: RowLayout {
                    id: urlRow
                    required property string modelData
                    required property int index
                    objectName: "hostUrl" + index
                    Layout.fillWidth: true
                    spacing: Theme.spacing

                    TextEdit {
                        objectName: "hostUrlText"
                        text: urlRow.modelData
                        textFormat: TextEdit.PlainText
                        // A link with the certificate's fingerprint (#fp=…) is long: it wraps
                        // rather than push the QR code out of the window.
                        Layout.fillWidth: true
                        wrapMode: TextEdit.WrapAnywhere
                        readOnly: true
                        selectByMouse: true
                        color: Theme.text
                        font.family: Theme.monoFamily
                        Accessible.role: Accessible.StaticText
                        Accessible.name: qsTr("Others join at %1").arg(urlRow.modelData)
                        Accessible.ignored: !visible
                    }
                    Button {
                        objectName: "copyButton"
                        Accessible.ignored: !visible
                        text: qsTr("Copy")
                        flat: true
                        Accessible.name: qsTr("Copy %1").arg(urlRow.modelData)
                        onClicked: Clipboard.setText(urlRow.modelData)
                    }
                    Button {
                        objectName: "qrButton"
                        Accessible.ignored: !visible
                        visible: banner.showQr && banner.session.hostUrls.length > 1
                        text: qsTr("QR")
                        flat: true
                        checkable: true
                        checked: banner.qrUrl === urlRow.modelData
                        Accessible.name: qsTr("Show %1 as a QR code").arg(urlRow.modelData)
                        onClicked: banner.qrUrl = urlRow.modelData
                    }
                }
            }
        }

        ColumnLayout {
            visible: banner.showQr && qr.valid
            Layout.alignment: Qt.AlignTop | Qt.AlignRight
            spacing: 2
            QrCode {
                id: qr
                objectName: "qrCode"
                text: banner.qrUrl
                Layout.preferredWidth: Math.max(implicitWidth, 148)
                Layout.preferredHeight: Layout.preferredWidth
                Layout.alignment: Qt.AlignHCenter
                Accessible.role: Accessible.Graphic
                Accessible.name: qsTr("QR code of %1").arg(banner.qrUrl)
                Accessible.ignored: !visible
            }
            Label {
                Layout.alignment: Qt.AlignHCenter
                Layout.maximumWidth: qr.Layout.preferredWidth + 4 * Theme.spacing
                Accessible.ignored: !visible
                text: qsTr("Scan with a phone on the same network")
                wrapMode: Text.Wrap
                horizontalAlignment: Text.AlignHCenter
                color: Theme.mutedText
                font.pointSize: Qt.application.font.pointSize * Theme.smallFont
            }
        }
    }
}
