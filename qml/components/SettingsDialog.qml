// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab
import Confab.Ui

//! Language and theme. Both apply at once and are remembered (Preferences); "System" follows
//! the desktop's locale and light/dark palette.
Dialog {
    id: dialog
    objectName: "settingsDialog"
    //! The settings this dialog changes (the app's Preferences singleton).
    required property Preferences preferences
    //! The "Keyboard shortcuts" button: the page opens its list.
    signal shortcutsRequested()
    // Keys go to the dialog while it is open; Esc closes it.
    focus: true

    title: qsTr("Settings")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(30 * Theme.em, (parent ? parent.width : 30 * Theme.em) - 4 * Theme.spacing)
    padding: 2 * Theme.spacing

    // Plain lists: labels that need translating are bound in the delegates, so that a language
    // switch re-evaluates the labels and does not rebuild the buttons being clicked.
    // Language names are written in their own language, so that anyone can find theirs.
    readonly property var languages: [
        { value: "", name: "", objectName: "languageSystem" },
        { value: "en", name: "English", objectName: "languageEnglish" },
        { value: "zh_CN", name: "简体中文", objectName: "languageChinese" }
    ]
    readonly property var themes: [
        { value: Preferences.System, objectName: "themeSystem" },
        { value: Preferences.Light, objectName: "themeLight" },
        { value: Preferences.Dark, objectName: "themeDark" }
    ]

    function themeName(theme) {
        switch (theme) {
        case Preferences.Light:
            return qsTr("Light")
        case Preferences.Dark:
            return qsTr("Dark")
        }
        return qsTr("System")
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        Label {
            text: qsTr("Language")
            font.bold: true
        }
        ButtonGroup {
            id: languageGroup
        }
        Repeater {
            model: dialog.languages
            delegate: RadioButton {
                required property var modelData
                objectName: modelData.objectName
                Layout.leftMargin: Theme.spacing
                palette.window: Theme.indicatorWindow
                text: modelData.value === "" ? qsTr("System") : modelData.name
                Accessible.name: modelData.value === "" ? qsTr("System language") : modelData.name
                checked: dialog.preferences.language === modelData.value
                ButtonGroup.group: languageGroup
                onClicked: dialog.preferences.language = modelData.value
            }
        }

        Label {
            Layout.topMargin: Theme.spacing
            text: qsTr("Theme")
            font.bold: true
        }
        ButtonGroup {
            id: themeGroup
        }
        Repeater {
            model: dialog.themes
            delegate: RadioButton {
                required property var modelData
                objectName: modelData.objectName
                Layout.leftMargin: Theme.spacing
                palette.window: Theme.indicatorWindow
                text: dialog.themeName(modelData.value)
                Accessible.name: qsTr("%1 theme").arg(text)
                checked: dialog.preferences.theme === modelData.value
                ButtonGroup.group: themeGroup
                onClicked: dialog.preferences.theme = modelData.value
            }
        }

        Button {
            objectName: "shortcutsButton"
            Layout.topMargin: Theme.spacing
            text: qsTr("Keyboard shortcuts (%1)").arg(KeyMap.help)
            Accessible.name: qsTr("Keyboard shortcuts")
            Accessible.description: qsTr("Shortcut: %1").arg(KeyMap.help)
            onClicked: {
                dialog.close()
                dialog.shortcutsRequested()
            }
        }
    }

    header: Label {
        text: dialog.title
        font.bold: true
        font.pointSize: Qt.application.font.pointSize * Theme.headingFont
        padding: 2 * Theme.spacing
        bottomPadding: 0
    }

    footer: DialogButtonBox {
        Button {
            objectName: "settingsClose"
            text: qsTr("Close")
            Accessible.name: qsTr("Close the settings")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }
}
