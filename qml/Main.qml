// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab
import Confab.Ui

ApplicationWindow {
    id: window

    width: 1120
    height: 720
    minimumWidth: 720
    minimumHeight: 480
    visible: true
    readonly property string baseTitle: AppController.mode === AppController.Idle
           ? qsTr("Confab")
           : qsTr("Confab — %1").arg(AppController.serverUrl.toString())
    // The unread badge: messages that arrived while the window was not active.
    title: AppController.notifier.unreadCount > 0
           ? qsTr("(%1) %2").arg(AppController.notifier.unreadCount).arg(baseTitle)
           : baseTitle
    color: Theme.window

    // Fusion draws the controls from this palette: the theme's colours, light or dark, rather
    // than the platform's (which "System" follows through Preferences.dark anyway).
    palette.window: Theme.window
    palette.windowText: Theme.text
    palette.base: Theme.base
    palette.alternateBase: Theme.alternateBase
    palette.text: Theme.text
    palette.button: Theme.button
    palette.buttonText: Theme.text
    palette.brightText: Theme.highlightedText
    palette.highlight: Theme.highlight
    palette.highlightedText: Theme.highlightedText
    palette.placeholderText: Theme.placeholderText
    palette.toolTipBase: Theme.base
    palette.toolTipText: Theme.text
    palette.link: Theme.accent
    palette.light: Theme.dark ? Qt.lighter(Theme.button, 1.5) : "#ffffff"
    palette.midlight: Theme.dark ? Qt.lighter(Theme.button, 1.2) : Qt.darker(Theme.button, 1.03)
    palette.mid: Theme.dark ? Qt.darker(Theme.button, 1.3) : Qt.darker(Theme.button, 1.25)
    palette.dark: Theme.dark ? Qt.darker(Theme.button, 1.6) : Qt.darker(Theme.button, 1.5)
    palette.shadow: "#000000"
    palette.disabled.windowText: Theme.placeholderText
    palette.disabled.text: Theme.placeholderText
    palette.disabled.buttonText: Theme.placeholderText

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        ErrorBanner {
            Layout.fillWidth: true
            text: AppController.lastError
            onDismissed: AppController.clearError()
        }

        StackView {
            id: stack
            objectName: "stack"
            Layout.fillWidth: true
            Layout.fillHeight: true
            initialItem: AppController.mode === AppController.Idle ? startPage : chatPage
        }
    }

    Component {
        id: startPage
        StartPage {}
    }
    Component {
        id: chatPage
        ChatPage {}
    }

    Connections {
        target: AppController
        function onModeChanged() {
            const idle = AppController.mode === AppController.Idle
            if (idle !== (stack.currentItem.objectName === "startPage"))
                stack.replace(idle ? startPage : chatPage)
        }
    }
}
