// SPDX-License-Identifier: MIT
pragma Singleton
import QtQuick

//! The keyboard shortcuts, in one place: the Shortcut items of the pages and the list in
//! ShortcutsDialog (F1) read them from here, and README.md ("Keyboard") lists the same.
QtObject {
    readonly property var nextRoom: ["Alt+Down", "Ctrl+PgDown"]
    readonly property var previousRoom: ["Alt+Up", "Ctrl+PgUp"]
    readonly property string composer: "Ctrl+L"
    readonly property string joinRoom: "Ctrl+J"
    readonly property string leaveRoom: "Ctrl+W"
    readonly property string sids: "Ctrl+S"
    readonly property string inspector: "Ctrl+I"
    readonly property string chat: "Ctrl+1"
    readonly property string search: "Ctrl+F"
    readonly property string settings: "Ctrl+,"
    readonly property string help: "F1"
}
