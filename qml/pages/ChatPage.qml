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
    readonly property bool inspecting: tabs.currentIndex === 1
    //! A panel or dialog is open: the page's shortcuts wait, Esc is theirs.
    readonly property bool popupOpen: sidDrawer.opened || settingsDialog.opened
                                      || shortcutsDialog.opened

    //! \brief Shows the joined room \a step places after (or, negative, before) the current one.
    function stepRoom(step) {
        const rooms = page.roomState.rooms
        const joined = []
        for (let row = 0; row < rooms.rowCount(); ++row) {
            const index = rooms.index(row, 0)
            if (rooms.data(index, RoomListModel.JoinedRole))
                joined.push(rooms.data(index, RoomListModel.NameRole))
        }
        if (joined.length === 0)
            return
        const at = joined.indexOf(page.roomState.currentRoom)
        const next = at < 0 ? 0 : (at + step + joined.length) % joined.length
        page.roomState.joinRoom(joined[next])
    }
    function showChat() {
        tabs.currentIndex = 0
        composer.focusField()
    }
    function showInspector() {
        tabs.currentIndex = 1
        inspectorView.focusFilter()
    }

    background: Rectangle {
        color: Theme.window
    }
    Accessible.name: qsTr("Chat")

    // The keyboard (KeyMap; listed in ShortcutsDialog and README.md). Popups take their own
    // keys while open.
    Shortcut {
        sequences: KeyMap.nextRoom
        enabled: !page.popupOpen
        onActivated: page.stepRoom(1)
    }
    Shortcut {
        sequences: KeyMap.previousRoom
        enabled: !page.popupOpen
        onActivated: page.stepRoom(-1)
    }
    Shortcut {
        sequence: KeyMap.composer
        enabled: !page.popupOpen
        onActivated: page.showChat()
    }
    Shortcut {
        sequence: KeyMap.joinRoom
        enabled: !page.popupOpen
        onActivated: {
            tabs.currentIndex = 0
            roomList.focusRoomField()
        }
    }
    Shortcut {
        sequence: KeyMap.leaveRoom
        enabled: !page.popupOpen && page.roomState.currentRoom.length > 0
        onActivated: page.roomState.leaveRoom(page.roomState.currentRoom)
    }
    Shortcut {
        sequence: KeyMap.sids
        enabled: !page.popupOpen
        onActivated: sidDrawer.open()
    }
    Shortcut {
        sequence: KeyMap.inspector
        enabled: !page.popupOpen
        onActivated: page.inspecting ? page.showChat() : page.showInspector()
    }
    Shortcut {
        sequence: KeyMap.chat
        enabled: !page.popupOpen
        onActivated: page.showChat()
    }
    Shortcut {
        sequence: KeyMap.search
        enabled: !page.popupOpen
        onActivated: page.showInspector()
    }
    Shortcut {
        sequence: KeyMap.settings
        enabled: !page.popupOpen
        onActivated: settingsDialog.open()
    }
    Shortcut {
        sequence: KeyMap.help
        enabled: !page.popupOpen
        onActivated: shortcutsDialog.open()
    }
    Shortcut {
        sequence: "Esc"
        enabled: !page.popupOpen && page.inspecting
        onActivated: page.showChat()
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
                Accessible.name: qsTr("Views")
                Layout.leftMargin: 3 * Theme.spacing
                TabButton {
                    objectName: "chatTab"
                    text: qsTr("Chat")
                    width: implicitWidth
                    Accessible.description: qsTr("Shortcut: %1").arg(KeyMap.chat)
                }
                TabButton {
                    objectName: "inspectorTab"
                    text: qsTr("Inspector")
                    width: implicitWidth
                    Accessible.description: qsTr("Shortcut: %1").arg(KeyMap.inspector)
                }
            }
            Item {
                Layout.fillWidth: true
            }
            ToolButton {
                objectName: "peopleButton"
                text: qsTr("Sids (%1)").arg(page.sids.count)
                Accessible.name: qsTr("Connected sids: %1").arg(page.sids.count)
                Accessible.description: qsTr("Shortcut: %1").arg(KeyMap.sids)
                ToolTip.text: qsTr("Who is connected (%1)").arg(KeyMap.sids)
                ToolTip.visible: hovered || visualFocus
                ToolTip.delay: Qt.styleHints.mousePressAndHoldInterval
                onClicked: sidDrawer.open()
            }
            ToolButton {
                objectName: "settingsButton"
                text: "⚙  " + qsTr("Settings")
                // The gear is decoration: a screen reader says the word only.
                Accessible.name: qsTr("Settings")
                Accessible.description: qsTr("Shortcut: %1").arg(KeyMap.settings)
                ToolTip.text: qsTr("Language, theme and keyboard shortcuts (%1)").arg(KeyMap.settings)
                ToolTip.visible: hovered || visualFocus
                ToolTip.delay: Qt.styleHints.mousePressAndHoldInterval
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

        // Each tab is one object in the accessibility tree, which the hidden one marks as not
        // showing for everything in it (as GTK's notebook pages do).
        RowLayout {
            objectName: "chatView"
            spacing: 0
            Accessible.role: Accessible.Pane
            Accessible.name: qsTr("Rooms and messages")

            RoomList {
                id: roomList
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

                // Text, not Label: Qt 6.4 resets a Label's accessible role to static text,
                // and this is the room's heading.
                Text {
                    Layout.fillWidth: true
                    Layout.margins: 2 * Theme.spacing
                    Layout.bottomMargin: Theme.spacing
                    objectName: "roomTitle"
                    Accessible.role: Accessible.Heading
                    Accessible.name: text
                    color: Theme.text
                    text: page.roomState.currentRoom.length > 0 ? "# " + page.roomState.currentRoom
                                                                : qsTr("No room")
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    font.pointSize: Qt.application.font.pointSize * Theme.titleFont
                    font.bold: true
                }

                MessageView {
                    id: messageView
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
                    Accessible.ignored: page.roomState.typingText.length === 0
                    textFormat: Text.PlainText // peers' names
                    elide: Text.ElideRight
                    color: Theme.mutedText
                    font.italic: true
                    font.pointSize: Qt.application.font.pointSize * Theme.smallFont
                }

                Composer {
                    id: composer
                    objectName: "composer"
                    fieldName: page.roomState.currentRoom.length > 0
                               ? qsTr("Message to %1").arg(page.roomState.currentRoom)
                               : qsTr("Message")
                    Layout.fillWidth: true
                    Layout.margins: Theme.spacing
                    enabled: page.roomState.currentRoom.length > 0
                    onTextEdited: (text) => page.roomState.composerEdited(text)
                    onSendRequested: (text) => page.roomState.sendMessage(text)
                    onScrollRequested: (pages) => messageView.scrollPages(pages)
                }
            }
        }

        InspectorView {
            id: inspectorView
            inspector: page.inspector
            session: page.session
            objectName: "inspector"
        }
    }

    SettingsDialog {
        id: settingsDialog
        preferences: page.preferences
        onShortcutsRequested: shortcutsDialog.open()
    }
    ShortcutsDialog {
        id: shortcutsDialog
    }
    FocusRing {}
    // New messages, spoken without moving the focus. Outside the layouts: showing it must not
    // move anything.
    Announcer {
        roomState: page.roomState
        active: !page.inspecting && (page.Window.window === null || page.Window.window.active)
    }

    Drawer {
        id: sidDrawer
        objectName: "sidDrawer"
        edge: Qt.RightEdge
        width: Math.min(30 * Theme.em, page.width * 0.8)
        height: page.height
        y: page.header ? page.header.height : 0
        // Keys go to the panel while it is open (Esc closes it), and back to the message
        // field after.
        focus: true
        onClosed: if (!page.inspecting) composer.focusField()

        SidPanel {
            session: page.session
            sids: page.sids
            anchors.fill: parent
        }
    }
}
