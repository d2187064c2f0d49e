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
    //! The app's parts (a QML singleton): each page takes the ones it draws.
    readonly property Controller app: Controller
    readonly property string baseTitle: app.session.mode === Session.Idle
           ? qsTr("Confab")
           : qsTr("Confab — %1").arg(app.session.serverUrl.toString())
    // The unread badge: messages that arrived while the window was not active.
    title: app.notifier.unreadCount > 0
           ? qsTr("(%1) %2").arg(app.notifier.unreadCount).arg(baseTitle)
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
            text: window.app.session.lastError
            onDismissed: window.app.session.clearError()
        }

        StackView {
            id: stack
            objectName: "stack"
            Layout.fillWidth: true
            Layout.fillHeight: true
            initialItem: window.app.session.mode === Session.Idle ? startPage : chatPage
        }
    }

    Component {
        id: startPage
        StartPage {
            session: window.app.session
            preferences: Preferences
            foundHosts: window.app.foundHosts
        }
    }
    Component {
        id: chatPage
        ChatPage {
            session: window.app.session
            roomState: window.app.roomState
            sids: window.app.sids
            inspector: window.app.inspector
            preferences: Preferences
        }
    }

    Connections {
        target: window.app.session
        function onModeChanged() {
            const idle = window.app.session.mode === Session.Idle
            if (idle !== (stack.currentItem.objectName === "startPage"))
                stack.replace(idle ? startPage : chatPage)
        }
    }
}
