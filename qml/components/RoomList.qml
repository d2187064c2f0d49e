// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab
import Confab.Ui

//! The rooms of the host with member counts and unread badges, and a field to join one.
Rectangle {
    id: pane
    //! The rooms this list draws (Controller.roomState, or a test double).
    required property RoomState roomState
    color: Theme.sidePane

    function focusRoomField() {
        roomField.forceActiveFocus(Qt.ShortcutFocusReason)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        Label {
            Layout.margins: 2 * Theme.spacing
            Layout.bottomMargin: Theme.spacing
            Accessible.ignored: true // the list's name
            text: qsTr("ROOMS")
            color: Theme.mutedText
            font.bold: true
            font.pointSize: Qt.application.font.pointSize * Theme.smallFont
        }

        ListView {
            id: list
            objectName: "roomListView"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: pane.roomState.rooms
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Rooms")

            delegate: ItemDelegate {
                id: row
                required property string name
                required property int members
                required property int unread
                required property bool joined
                required property bool current

                width: ListView.view.width
                highlighted: current
                onClicked: pane.roomState.joinRoom(name)
                Keys.onReturnPressed: clicked()
                Keys.onEnterPressed: clicked()
                // One line for a screen reader: what the row shows, in words.
                Accessible.name: [
                    qsTr("Room %1").arg(row.name),
                    row.current ? qsTr("current") : (row.joined ? qsTr("joined") : qsTr("not joined")),
                    qsTr("%n member(s)", "", row.members),
                    row.unread > 0 ? qsTr("%n unread", "", row.unread) : ""
                ].filter(part => part.length > 0).join(qsTr(", ", "between the parts of a spoken row"))

                contentItem: RowLayout {
                    spacing: Theme.spacing
                    Label {
                        Layout.fillWidth: true
                        objectName: "roomName"
                        text: "# " + row.name
                        // Anyone can name a room: never markup.
                        textFormat: Text.PlainText
                        elide: Text.ElideRight
                        font.bold: row.unread > 0 || row.current
                        opacity: row.joined ? 1 : 0.55
                        Accessible.ignored: true // in the row's name
                    }
                    Label {
                        text: row.members
                        // On the selected row's highlight the muted colour would not read.
                        color: row.highlighted ? Theme.highlightedText : Theme.mutedText
                        visible: row.members > 0
                        Accessible.ignored: true
                        font.pointSize: Qt.application.font.pointSize * Theme.smallFont
                    }
                    Rectangle {
                        objectName: "unreadBadge"
                        visible: row.unread > 0
                        implicitHeight: badgeText.implicitHeight + 4
                        implicitWidth: Math.max(implicitHeight, badgeText.implicitWidth + 10)
                        radius: implicitHeight / 2
                        color: Theme.accent
                        Label {
                            id: badgeText
                            anchors.centerIn: parent
                            text: row.unread > 99 ? "99+" : row.unread
                            Accessible.ignored: true
                            color: Theme.accentText
                            font.bold: true
                            font.pointSize: Qt.application.font.pointSize * Theme.smallFont
                        }
                    }
                    ToolButton {
                        id: leaveButton
                        visible: row.joined && (row.hovered || row.current)
                        text: "×"
                        implicitWidth: implicitHeight
                        // Hidden, it leaves the tree; shown, it says what it does in words.
                        Accessible.ignored: !visible
                        Accessible.name: qsTr("Leave %1").arg(row.name)
                        Accessible.description: qsTr("Shortcut: %1").arg(KeyMap.leaveRoom)
                        onClicked: pane.roomState.leaveRoom(row.name)
                        // Not the attached ToolTip: its text is drawn as rich text, and the room
                        // name is not ours.
                        ToolTip {
                            id: leaveTip
                            objectName: "leaveToolTip"
                            visible: leaveButton.hovered
                            delay: Qt.styleHints.mousePressAndHoldInterval
                            text: qsTr("Leave %1").arg(row.name)
                            contentItem: Label {
                                text: leaveTip.text
                                textFormat: Text.PlainText
                                wrapMode: Text.Wrap
                                font: leaveTip.font
                                color: leaveTip.palette.toolTipText
                            }
                        }
                    }
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.spacing
            spacing: Theme.spacing / 2
            TextField {
                id: roomField
                objectName: "roomField"
                Layout.fillWidth: true
                placeholderText: qsTr("Room name")
                Accessible.name: qsTr("Room to join")
                maximumLength: 64
                onAccepted: joinButton.clicked()
            }
            Button {
                id: joinButton
                objectName: "roomJoinButton"
                text: qsTr("Join")
                Accessible.name: qsTr("Join the room")
                enabled: roomField.text.trim().length > 0
                onClicked: {
                    pane.roomState.joinRoom(roomField.text)
                    roomField.clear()
                }
            }
        }
    }
}
