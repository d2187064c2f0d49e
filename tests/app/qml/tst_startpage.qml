// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import Confab
import Confab.Ui

TestCase {
    id: testCase
    name: "StartPage"
    when: windowShown
    visible: true // TestCase is invisible by default, and invisible items take no clicks
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

    function createPage() {
        const page = createTemporaryObject(pageComponent, testCase)
        verify(page)
        // Layouts place their items on the next polish: click only once they are there.
        waitForRendering(page)
        return page
    }

    function cleanup() {
        Controller.session.leave()
        Controller.session.clearError()
    }

    function test_nameFieldEditsUserName() {
        const page = createPage()
        const field = findChild(page, "nameField")
        verify(field)
        compare(field.text, Preferences.userName)
        field.forceActiveFocus()
        field.selectAll()
        keyClick("b")
        keyClick("o")
        compare(Preferences.userName, "bo")
        field.selectAll()
        for (const c of "Tester")
            keyClick(c)
        compare(Preferences.userName, "Tester")
    }

    function test_hostButtonStartsHosting() {
        const page = createPage()
        const port = findChild(page, "portField")
        port.value = 0 // any free port
        mouseClick(findChild(page, "hostButton"))
        compare(Controller.session.mode, Session.Hosting)
        verify(Controller.session.hostPort > 0)
        tryCompare(Controller.session, "connectionState", "Connected", 10000)
    }

    function test_joinButtonNeedsAddress_data() {
        return [
            { tag: "empty", address: "", enabled: false },
            { tag: "blank", address: "   ", enabled: false },
            { tag: "host and port", address: "127.0.0.1:9", enabled: true },
        ]
    }
    function test_joinButtonNeedsAddress(data) {
        const page = createPage()
        const url = findChild(page, "urlField")
        url.editText = data.address
        compare(findChild(page, "joinButton").enabled, data.enabled)
    }

    function test_joinUnreachableShowsConnecting() {
        const page = createPage()
        findChild(page, "urlField").editText = "http://127.0.0.1:9"
        mouseClick(findChild(page, "joinButton"))
        compare(Controller.session.mode, Session.Joined)
        // Nothing listens on port 9: a first attempt that fails is reported.
        tryVerify(() => Controller.session.lastError.indexOf("127.0.0.1:9") >= 0, 10000)
    }
}
