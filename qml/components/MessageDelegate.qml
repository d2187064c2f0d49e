// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab
import Confab.Ui

//! One message: ours on the right in the accent colour, others on the left with their name;
//! a run from the same person shows the name once.
Item {
    id: root
    //! Where Retry goes (Controller.roomState, or a test double).
    required property RoomState roomState

    required property string name
    required property string text
    required property string timeText
    required property string clientId
    required property bool own
    required property bool groupedWithPrevious
    required property int deliveryState
    required property string error

    implicitHeight: column.implicitHeight + (groupedWithPrevious ? 0 : Theme.spacing)

    // One item for a screen reader: "Bob, 14:02: Hello", and the delivery when not delivered.
    // The labels inside say no more, so they are left out of the tree.
    Accessible.role: Accessible.ListItem
    Accessible.name: (own ? qsTr("You, %1: %2").arg(timeText).arg(text)
                          : qsTr("%1, %2: %3").arg(name).arg(timeText).arg(text))
                     + (deliveryState === MessageListModel.Sending ? " " + qsTr("(sending)")
                        : deliveryState === MessageListModel.Failed ? " " + qsTr("(not sent: %1)").arg(error)
                        : "")

    ColumnLayout {
        id: column
        anchors.left: root.own ? undefined : parent.left
        anchors.right: root.own ? parent.right : undefined
        anchors.bottom: parent.bottom
        anchors.leftMargin: 2 * Theme.spacing
        anchors.rightMargin: 2 * Theme.spacing
        width: Math.min(implicitWidth, root.width * 0.72)
        spacing: 2

        RowLayout {
            visible: !root.groupedWithPrevious
            Layout.alignment: root.own ? Qt.AlignRight : Qt.AlignLeft
            // As wide as the name and time, up to the bubble's width (the name then elides);
            // a layout with a fillWidth child would otherwise fill the column.
            Layout.fillWidth: false
            Layout.maximumWidth: root.width * 0.72
            spacing: Theme.spacing
            Label {
                objectName: "author"
                Accessible.ignored: true
                Layout.fillWidth: true
                text: root.own ? qsTr("You") : root.name
                // Names are chosen by peers: never markup, and never wider than the bubble.
                textFormat: Text.PlainText
                elide: Text.ElideRight
                font.bold: true
                color: root.own ? Theme.accent : Theme.text
            }
            Label {
                text: root.timeText
                Accessible.ignored: true
                textFormat: Text.PlainText
                color: Theme.mutedText
                font.pointSize: Qt.application.font.pointSize * Theme.smallFont
            }
        }

        Rectangle {
            Layout.alignment: root.own ? Qt.AlignRight : Qt.AlignLeft
            Layout.maximumWidth: root.width * 0.72
            implicitWidth: body.implicitWidth + 2 * Theme.spacing + 4
            implicitHeight: body.implicitHeight + Theme.spacing + 4
            radius: Theme.radius
            color: root.own ? Theme.ownBubble : Theme.otherBubble
            border.width: root.deliveryState === MessageListModel.Failed || !root.own ? 1 : 0
            border.color: root.deliveryState === MessageListModel.Failed ? Theme.error : Theme.divider
            opacity: root.deliveryState === MessageListModel.Sending ? 0.7 : 1

            TextEdit {
                id: body
                objectName: "body"
                anchors.fill: parent
                anchors.margins: Theme.spacing / 2 + 2
                anchors.leftMargin: Theme.spacing + 2
                text: root.text
                readOnly: true
                selectByMouse: true
                wrapMode: Text.Wrap
                textFormat: TextEdit.PlainText
                color: root.own ? Theme.ownBubbleText : Theme.text
                selectionColor: Theme.accent
            }
        }

        RowLayout {
            visible: root.own && root.deliveryState !== MessageListModel.Sent
            Layout.alignment: Qt.AlignRight
            // However long the server's reason, Retry stays within reach.
            Layout.fillWidth: false
            Layout.maximumWidth: root.width * 0.72
            spacing: Theme.spacing
            Label {
                objectName: "deliveryLabel"
                Accessible.ignored: true
                Layout.fillWidth: true
                text: root.deliveryState === MessageListModel.Sending
                      ? qsTr("Sending…")
                      : qsTr("Not sent: %1").arg(root.error)
                textFormat: Text.PlainText // the server's reason
                elide: Text.ElideRight
                color: root.deliveryState === MessageListModel.Failed ? Theme.error : Theme.mutedText
                font.pointSize: Qt.application.font.pointSize * Theme.smallFont
            }
            Button {
                objectName: "retryButton"
                Accessible.ignored: !visible
                Accessible.name: qsTr("Retry sending")
                visible: root.deliveryState === MessageListModel.Failed
                text: qsTr("Retry")
                flat: true
                onClicked: root.roomState.retryMessage(root.clientId)
            }
        }
    }
}
