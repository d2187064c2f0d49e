// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import Confab
import Confab.Ui

//! The settings dialog switches the language and the theme of the running UI.
TestCase {
    id: testCase
    name: "Settings"
    when: windowShown
    visible: true
    width: 900
    height: 640

    Component {
        id: pageComponent
        StartPage {
            width: testCase.width
            height: testCase.height
            session: Controller.session
            preferences: Preferences
            foundHosts: Controller.foundHosts
        }
    }

    Component {
        id: chatComponent
        ChatPage {
            width: testCase.width
            height: testCase.height
            session: Controller.session
            roomState: Controller.roomState
            sids: Controller.sids
            inspector: Controller.inspector
            preferences: Preferences
        }
    }

    function createPage(component) {
        const page = createTemporaryObject(component || pageComponent, testCase)
        verify(page)
        waitForRendering(page)
        return page
    }

    function openSettings(page) {
        mouseClick(findChild(page, "settingsButton"))
        const dialog = findChild(page, "settingsDialog")
        verify(dialog)
        tryCompare(dialog, "opened", true)
        return dialog
    }

    function choose(dialog, objectName) {
        const button = findChild(dialog.contentItem, objectName)
        verify(button, objectName)
        mouseClick(button)
        verify(button.checked)
    }

    function cleanup() {
        Preferences.language = "en"
        Preferences.theme = Preferences.System
        Controller.session.leave()
    }

    function test_languageSwitchRetranslatesThePage_data() {
        // Texts from the start page and from C++ (Controller.session.connectionState).
        return [
            { tag: "zh_CN", radio: "languageChinese", language: "zh_CN",
              host: "开始主持", join: "加入服务器", state: "未连接" },
            { tag: "en", radio: "languageEnglish", language: "en",
              host: "Host", join: "Join a server", state: "Not connected" }
        ]
    }

    function test_languageSwitchRetranslatesThePage(data) {
        const page = createPage()
        const hostButton = findChild(page, "hostButton")
        const joinTitle = findChild(page, "joinTitle")
        verify(hostButton && joinTitle)
        // Start from the other language, so that each row sees a switch.
        Preferences.language = data.language === "en" ? "zh_CN" : "en"
        verify(hostButton.text !== data.host)

        const dialog = openSettings(page)
        choose(dialog, data.radio)
        compare(Preferences.language, data.language)
        compare(Preferences.effectiveLanguage, data.language)
        compare(hostButton.text, data.host)
        compare(joinTitle.text, data.join)
        compare(Controller.session.connectionState, data.state)
        dialog.close()
        tryCompare(dialog, "visible", false)

        // Back to English: the same items, retranslated in place.
        Preferences.language = "en"
        compare(hostButton.text, "Host")
        compare(joinTitle.text, "Join a server")
    }

    function test_chatPageOpensSettings() {
        verify(Controller.session.hostChat(0, ""))
        tryCompare(Controller.roomState, "currentRoom", "lobby", 10000)
        const page = createPage(chatComponent)
        const inspectorTab = findChild(page, "inspectorTab")
        compare(inspectorTab.text, "Inspector")

        const dialog = openSettings(page)
        choose(dialog, "languageChinese")
        compare(inspectorTab.text, "事件检查器")
        compare(Controller.session.connectionState, "已连接")
        choose(dialog, "themeDark")
        verify(Theme.dark)
        choose(dialog, "languageEnglish")
        compare(inspectorTab.text, "Inspector")
        compare(Controller.session.connectionState, "Connected")
        dialog.close()
        tryCompare(dialog, "visible", false)
        page.destroy() // before leave(), as when the window swaps pages
    }

    function test_themeSwitchChangesColours() {
        const page = createPage()
        const dialog = openSettings(page)

        choose(dialog, "themeLight")
        compare(Preferences.theme, Preferences.Light)
        verify(!Theme.dark)
        verify(Theme.window.hslLightness > 0.5)
        verify(Theme.text.hslLightness < 0.5)
        // A copy: a color read from a property stays tied to it.
        const lightWindow = Theme.window.toString()

        choose(dialog, "themeDark")
        compare(Preferences.theme, Preferences.Dark)
        verify(Theme.dark)
        verify(!Qt.colorEqual(Theme.window, lightWindow))
        verify(Theme.window.hslLightness < 0.5)
        verify(Theme.text.hslLightness > 0.5)
        verify(Theme.base.hslLightness < 0.5)

        // The offscreen platform's palette is light: System draws light again.
        choose(dialog, "themeSystem")
        compare(Preferences.theme, Preferences.System)
        verify(!Theme.dark)
        verify(Qt.colorEqual(Theme.window, lightWindow))
    }
}
