// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab.Ui

//! The keyboard shortcuts (KeyMap), opened with F1 or from Settings. Esc closes it.
Dialog {
    id: dialog
    objectName: "shortcutsDialog"

    title: qsTr("Keyboard shortcuts")
    modal: true
    anchors.centerIn: Overlay.overlay
    padding: 2 * Theme.spacing

    // Bound in the delegate, so that a language switch re-evaluates the texts.
    readonly property var rows: [
        { keys: KeyMap.nextRoom.join(", "), action: "next" },
        { keys: KeyMap.previousRoom.join(", "), action: "previous" },
        { keys: KeyMap.composer, action: "composer" },
        { keys: KeyMap.joinRoom, action: "join" },
        { keys: KeyMap.leaveRoom, action: "leave" },
        { keys: KeyMap.sids, action: "sids" },
        { keys: KeyMap.inspector, action: "inspector" },
        { keys: KeyMap.chat, action: "chat" },
        { keys: KeyMap.search, action: "search" },
        { keys: KeyMap.settings, action: "settings" },
        { keys: "Tab, Shift+Tab", action: "tab" },
        { keys: "Ctrl+Tab", action: "tabChar" },
        { keys: "Shift+Enter", action: "newline" },
        { keys: "Page Up, Page Down", action: "scroll" },
        { keys: "Shift+Tab, ↑, ↓, Home, End", action: "messages" },
        { keys: "Ctrl+C", action: "copyMessage" },
        { keys: "Esc", action: "escape" },
        { keys: KeyMap.help, action: "help" }
    ]

    function describe(action) {
        switch (action) {
        case "next": return qsTr("Next room")
        case "previous": return qsTr("Previous room")
        case "composer": return qsTr("Write a message (focus the message field)")
        case "join": return qsTr("Join a room by name")
        case "leave": return qsTr("Leave the current room")
        case "sids": return qsTr("Show the connected sids")
        case "inspector": return qsTr("Switch between the chat and the inspector")
        case "chat": return qsTr("Back to the chat")
        case "search": return qsTr("Filter the inspector's events")
        case "settings": return qsTr("Settings")
        case "tab": return qsTr("Next / previous control, also out of the message field")
        case "tabChar": return qsTr("A tab character in the message field")
        case "newline": return qsTr("A new line in the message field")
        case "scroll": return qsTr("From the message field: scroll the messages")
        case "messages": return qsTr("From the message field to the messages, then one message at a time")
        case "copyMessage": return qsTr("On a message: copy its text")
        case "escape": return qsTr("Close the open panel or dialog; from the inspector, back to the chat")
        case "help": return qsTr("This list")
        }
        return ""
    }

    header: Label {
        text: dialog.title
        font.bold: true
        font.pointSize: Qt.application.font.pointSize * Theme.headingFont
        padding: 2 * Theme.spacing
        bottomPadding: 0
    }

    GridLayout {
        columns: 2
        columnSpacing: 2 * Theme.spacing
        rowSpacing: Theme.spacing / 2
        Repeater {
            model: dialog.rows
            delegate: Label {
                required property var modelData
                required property int index
                Layout.row: index
                Layout.column: 0
                text: modelData.keys
                font.family: Theme.monoFamily
                font.bold: true
                // One accessible line per shortcut: the keys and what they do.
                Accessible.name: qsTr("%1: %2").arg(modelData.keys).arg(dialog.describe(modelData.action))
            }
        }
        Repeater {
            model: dialog.rows
            delegate: Label {
                required property var modelData
                required property int index
                Layout.row: index
                Layout.column: 1
                text: dialog.describe(modelData.action)
                Accessible.ignored: true
            }
        }
    }

    footer: DialogButtonBox {
        Button {
            objectName: "shortcutsClose"
            text: qsTr("Close")
            Accessible.name: qsTr("Close the list of shortcuts")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }
}
