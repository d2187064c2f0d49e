// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab
import Confab.Ui

//! Every connected sid: name, sid, address, transport, rooms, since when. A host can
//! disconnect anyone but itself.
Pane {
    id: panel
    //! The session (whether we host; refresh, disconnect) and the sids it lists.
    required property Session session
    required property SidListModel sids
    padding: 0
    Accessible.name: qsTr("Connected sids")

    readonly property bool hosting: panel.session.mode === Session.Hosting

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 2 * Theme.spacing
            Label {
                Layout.fillWidth: true
                text: qsTr("Connected sids (%1)").arg(panel.sids.count)
                font.bold: true
                font.pointSize: Qt.application.font.pointSize * Theme.subheadingFont
            }
            ToolButton {
                visible: !panel.hosting
                Accessible.ignored: !visible
                Accessible.name: qsTr("Refresh the list of sids")
                text: qsTr("Refresh")
                onClicked: panel.session.refreshSids()
            }
        }

        ListView {
            objectName: "sidListView"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: panel.sids
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Connected sids")
            ScrollBar.vertical: ScrollBar {}

            delegate: ItemDelegate {
                id: entry
                required property string sid
                required property string nsp
                required property string name
                required property string address
                required property string transport
                required property string roomsText
                required property string sinceText
                required property bool own

                width: ListView.view.width
                hoverEnabled: true
                // One line for a screen reader: name, transport, rooms, then the rest.
                Accessible.name: [
                    (entry.name.length > 0 ? entry.name : qsTr("(no name)"))
                        + (entry.own ? qsTr(" (you)") : ""),
                    entry.transport,
                    entry.roomsText.length > 0 ? qsTr("in %1").arg(entry.roomsText) : qsTr("in no room")
                ].filter(part => part.length > 0).join(qsTr(", ", "between the parts of a spoken row"))
                Accessible.description: [
                    qsTr("sid %1").arg(entry.nsp === "/" ? entry.sid : entry.nsp + " " + entry.sid),
                    entry.address,
                    qsTr("since %1").arg(entry.sinceText)
                ].filter(part => part.length > 0).join(qsTr(", ", "between the parts of a spoken row"))

                contentItem: RowLayout {
                    spacing: Theme.spacing
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 2
                        // Every field comes from the server's `who` or a peer: plain text.
                        // Elided: however long, Disconnect stays within reach.
                        Label {
                            Layout.fillWidth: true
                            text: (entry.name.length > 0 ? entry.name : qsTr("(no name)"))
                                  + (entry.own ? qsTr("  · you") : "")
                            textFormat: Text.PlainText
                            Accessible.ignored: true // in the row's name and description
                            elide: Text.ElideRight
                            font.bold: true
                        }
                        Label {
                            Layout.fillWidth: true
                            text: entry.nsp === "/" ? entry.sid : entry.nsp + "  " + entry.sid
                            textFormat: Text.PlainText
                            Accessible.ignored: true // in the row's name and description
                            font.family: Theme.monoFamily
                            color: Theme.mutedText
                            elide: Text.ElideRight
                        }
                        Label {
                            Layout.fillWidth: true
                            text: [entry.address, entry.transport, qsTr("since %1").arg(entry.sinceText)]
                                  .filter(s => s.length > 0).join("  ·  ")
                            textFormat: Text.PlainText
                            Accessible.ignored: true // in the row's name and description
                            elide: Text.ElideRight
                            color: Theme.mutedText
                            font.pointSize: Qt.application.font.pointSize * Theme.smallFont
                        }
                        Label {
                            Layout.fillWidth: true
                            visible: entry.roomsText.length > 0
                            text: qsTr("in %1").arg(entry.roomsText)
                            textFormat: Text.PlainText
                            Accessible.ignored: true // in the row's name and description
                            wrapMode: Text.Wrap
                            maximumLineCount: 3
                            elide: Text.ElideRight
                            font.pointSize: Qt.application.font.pointSize * Theme.smallFont
                        }
                    }
                    Button {
                        objectName: "disconnectButton"
                        visible: panel.hosting && !entry.own
                        text: qsTr("Disconnect")
                        Accessible.ignored: !visible
                        Accessible.name: qsTr("Disconnect %1").arg(entry.name.length > 0 ? entry.name : entry.sid)
                        onClicked: panel.session.disconnectSid(entry.sid, entry.nsp)
                    }
                }
            }
        }
    }
}
