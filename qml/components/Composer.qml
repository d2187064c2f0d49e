// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab.Ui

//! The message field: Enter sends, Shift+Enter starts a new line.
RowLayout {
    id: composer

    property alias text: area.text

    signal sendRequested(string text)
    signal textEdited(string text)

    function send() {
        if (area.text.trim().length === 0)
            return
        composer.sendRequested(area.text)
        area.clear()
    }

    spacing: Theme.spacing

    ScrollView {
        Layout.fillWidth: true
        Layout.preferredHeight: Math.min(area.implicitHeight, 140)

        TextArea {
            id: area
            objectName: "composerArea"
            placeholderText: qsTr("Message — Enter sends, Shift+Enter for a new line")
            wrapMode: TextEdit.Wrap
            focus: true
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
