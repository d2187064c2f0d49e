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
    title: AppController.mode === AppController.Idle
           ? qsTr("Confab")
           : qsTr("Confab — %1").arg(AppController.serverUrl.toString())
    color: Theme.window

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
