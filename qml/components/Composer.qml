// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab.Ui

//! The message field: Enter sends, Shift+Enter starts a new line; Tab and Shift+Tab move to
//! the next and previous control like everywhere else, Ctrl+Tab types a tab.
RowLayout {
    id: composer

    property alias text: area.text
    //! What a screen reader calls the field ("Message to lobby").
    property string fieldName: qsTr("Message")

    signal sendRequested(string text)
    signal textEdited(string text)
    //! Page Up / Page Down in the field: scroll the messages by \a pages screens.
    signal scrollRequested(int pages)

    function focusField() {
        area.forceActiveFocus(Qt.ShortcutFocusReason)
    }

    function send() {
        if (area.text.trim().length === 0)
            return
        composer.sendRequested(area.text)
        area.clear()
    }

    spacing: Theme.spacing

    ScrollView {
        Layout.fillWidth: true
        Layout.preferredHeight: Math.min(area.implicitHeight, 10 * Theme.em)

        TextArea {
            id: area
            objectName: "composerArea"
            placeholderText: qsTr("Message — Enter sends, Shift+Enter for a new line")
            wrapMode: TextEdit.Wrap
            focus: true
            Accessible.name: composer.fieldName
            onTextChanged: composer.textEdited(text)
            background: Rectangle {
                color: Theme.base
                border.color: area.activeFocus ? Theme.accent : Theme.divider
                radius: 4
            }

            Keys.onPressed: (event) => {
                if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                        && !(event.modifiers & Qt.ShiftModifier)) {
                    event.accepted = true
                    composer.send()
                } else if ((event.key === Qt.Key_PageUp || event.key === Qt.Key_PageDown)
                           && event.modifiers === Qt.NoModifier) {
                    // The messages above, read from the keyboard while writing, as in other
                    // chat apps: the field has no pages of its own to turn.
                    event.accepted = true
                    composer.scrollRequested(event.key === Qt.Key_PageUp ? -1 : 1)
                } else if (event.key === Qt.Key_Tab && (event.modifiers & Qt.ControlModifier)) {
                    event.accepted = true
                    area.insert(area.cursorPosition, "\t")
                } else if (event.key === Qt.Key_Tab || event.key === Qt.Key_Backtab) {
                    // A TextArea keeps Tab as text; here it leaves, as in any other field.
                    event.accepted = true
                    const forward = event.key === Qt.Key_Tab
                                  && !(event.modifiers & Qt.ShiftModifier)
                    const next = area.nextItemInFocusChain(forward)
                    if (next)
                        next.forceActiveFocus(forward ? Qt.TabFocusReason : Qt.BacktabFocusReason)
                }
            }
        }
    }
    Button {
        objectName: "sendButton"
        text: qsTr("Send")
        highlighted: true
        enabled: area.text.trim().length > 0
        onClicked: composer.send()
    }
}
