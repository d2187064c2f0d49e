// SPDX-License-Identifier: MIT
import QtQuick
import Confab.Ui

//! A ring around whatever has the keyboard focus: Fusion marks focus faintly, and not at all
//! on list items and tool buttons. The ring becomes a visual child of the focused item, so it
//! moves and scrolls with it; it shows for focus that came from the keyboard (a control's
//! visualFocus) and always on an editable text field, where typing goes. Plain items: nothing
//! in the accessibility tree.
Item {
    id: tracker

    //! The item with the active focus, in the window this tracker is in.
    readonly property Item target: Window.activeFocusItem
    readonly property bool shown: target !== null
                                  && (target.visualFocus === true
                                      || (typeof target.cursorPosition === "number"
                                          && target.readOnly === false))

    Rectangle {
        objectName: "focusRing"
        parent: tracker.shown ? tracker.target : tracker
        visible: tracker.shown
        anchors.fill: parent
        anchors.margins: -2
        z: 1000
        color: "transparent"
        radius: 4
        border.width: 2
        border.color: Theme.focusRing
    }
}
