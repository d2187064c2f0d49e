// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab
import Confab.Ui

//! The chat: rooms on the left, the current room's messages and the composer, the inspector
//! on a second tab, and the connected sids in a drawer.
Page {
    id: page
    //! The parts this page draws: the app's (Controller), or test doubles of the same types.
    required property Session session
    required property RoomState roomState
    required property SidListModel sids
    required property Inspector inspector
    required property Preferences preferences
    objectName: "chatPage"

    readonly property bool hosting: page.session.mode === Session.Hosting

    background: Rectangle {
        color: Theme.window
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: Theme.spacing
            anchors.rightMargin: Theme.spacing
            spacing: Theme.spacing

            Rectangle {
                objectName: "stateDot"
                implicitWidth: 10
                implicitHeight: 10
                radius: 5
                color: page.session.connected ? Theme.ok : Theme.warning
            }
            ColumnLayout {
                spacing: 0
                Label {
                    text: page.hosting ? qsTr("Hosting as %1").arg(page.session.myName)
                                       : qsTr("%1 on %2").arg(page.session.myName)
                                                         .arg(page.session.serverUrl.toString())
                    // The host picks our name (a suffix, say): plain text, like every text
                    // a peer or server controls.
                    textFormat: Text.PlainText
                    font.bold: true
                    elide: Text.ElideRight
                    Layout.maximumWidth: page.width / 3
                }
                Label {
                    objectName: "connectionState"
                    text: page.session.connectionState
                    textFormat: Text.PlainText // "Refused: <the server's reason>"
                    elide: Text.ElideRight
                    Layout.maximumWidth: page.width / 3
                    color: Theme.mutedText
                    font.pointSize: Qt.application.font.pointSize * Theme.smallFont
                }
            }
            TabBar {
                id: tabs
                objectName: "tabs"
                Layout.leftMargin: 3 * Theme.spacing
                TabButton {
                    text: qsTr("Chat")
                    width: implicitWidth
                }
                TabButton {
                    objectName: "inspectorTab"
                    text: qsTr("Inspector")
                    width: implicitWidth
                }
            }
            Item {
                Layout.fillWidth: true
            }
            ToolButton {
                objectName: "peopleButton"
                text: qsTr("Sids (%1)").arg(page.sids.count)
                onClicked: sidDrawer.open()
            }
            ToolButton {
                objectName: "settingsButton"
                text: "⚙  " + qsTr("Settings")
                onClicked: settingsDialog.open()
            }
            ToolButton {
                objectName: "leaveButton"
                text: page.hosting ? qsTr("Stop hosting") : qsTr("Disconnect")
                onClicked: page.session.leave()
            }
        }
    }

    StackLayout {
        anchors.fill: parent
        currentIndex: tabs.currentIndex

        RowLayout {
            spacing: 0

            RoomList {
                roomState: page.roomState
                Layout.preferredWidth: Theme.sidePaneWidth
                Layout.fillHeight: true
            }
            Rectangle {
                Layout.fillHeight: true
                implicitWidth: 1
                color: Theme.divider
            }
            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                spacing: 0

                // Where others join; only while hosting.
                JoinBanner {
                    Layout.fillWidth: true
                    visible: page.hosting
                    session: page.session
                }

                Label {
                    Layout.fillWidth: true
                    Layout.margins: 2 * Theme.spacing
                    Layout.bottomMargin: Theme.spacing
                    objectName: "roomTitle"
                    text: page.roomState.currentRoom.length > 0 ? "# " + page.roomState.currentRoom
                                                                : qsTr("No room")
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    font.pixelSize: 20
                    font.bold: true
                }

                MessageView {
                    roomState: page.roomState
                    objectName: "messageView"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                }

                Label {
                    objectName: "typingLine"
                    Layout.fillWidth: true
                    Layout.leftMargin: 2 * Theme.spacing
                    Layout.preferredHeight: implicitHeight
                    text: page.roomState.typingText.length > 0 ? page.roomState.typingText : " "
                    textFormat: Text.PlainText // peers' names
                    elide: Text.ElideRight
                    color: Theme.mutedText
                    font.italic: true
                    font.pointSize: Qt.application.font.pointSize * Theme.smallFont
                }

                Composer {
                    objectName: "composer"
                    Layout.fillWidth: true
                    Layout.margins: Theme.spacing
                    enabled: page.roomState.currentRoom.length > 0
                    onTextEdited: (text) => page.roomState.composerEdited(text)
                    onSendRequested: (text) => page.roomState.sendMessage(text)
                }
            }
        }

        InspectorView {
            inspector: page.inspector
            session: page.session
            objectName: "inspector"
        }
    }

    SettingsDialog {
        id: settingsDialog
        preferences: page.preferences
    }

    Drawer {
        id: sidDrawer
        objectName: "sidDrawer"
        edge: Qt.RightEdge
        width: Math.min(420, page.width * 0.8)
        height: page.height
        y: page.header ? page.header.height : 0

        SidPanel {
            session: page.session
            sids: page.sids
            anchors.fill: parent
        }
    }
}
