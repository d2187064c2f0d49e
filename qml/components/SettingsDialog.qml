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

    title: qsTr("Settings")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(420, (parent ? parent.width : 420) - 4 * Theme.spacing)
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
                checked: dialog.preferences.theme === modelData.value
                ButtonGroup.group: themeGroup
                onClicked: dialog.preferences.theme = modelData.value
            }
        }
    }

    header: Label {
        text: dialog.title
        font.bold: true
        font.pixelSize: 18
        padding: 2 * Theme.spacing
        bottomPadding: 0
    }

    footer: DialogButtonBox {
        Button {
            objectName: "settingsClose"
            text: qsTr("Close")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }
}
