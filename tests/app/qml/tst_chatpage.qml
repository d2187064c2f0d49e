// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls
import QtTest
import Confab
import Confab.Ui

TestCase {
    id: testCase
    name: "ChatPage"
    when: windowShown
    visible: true // TestCase is invisible by default, and invisible items take no clicks
    width: 1000
    height: 700

    Component {
        id: pageComponent
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

    property ChatPage page

    function init() {
        verify(Controller.session.hostChat(0, ""))
        tryCompare(Controller.roomState, "currentRoom", "lobby", 10000)
        page = createTemporaryObject(pageComponent, testCase)
        verify(page)
        // Layouts place their items on the next polish: click only once they are there.
        waitForRendering(page)
    }

    function cleanup() {
        // The page goes first, as when the window replaces it with the start page.
        page.destroy()
        page = null
        wait(0)
        Controller.session.leave()
        Controller.session.clearError()
    }

    function typeInComposer(text) {
        const area = findChild(page, "composerArea")
        area.forceActiveFocus()
        for (let i = 0; i < text.length; ++i)
            keyClick(text[i])
        return area
    }

    function test_enterSendsShiftEnterBreaksLine() {
        const area = typeInComposer("hi")
        keyClick(Qt.Key_Return, Qt.ShiftModifier)
        compare(area.text, "hi\n")
        compare(Controller.roomState.messages.count, 0)
        keyClick("x")
        keyClick(Qt.Key_Return)
        compare(area.text, "")
        compare(Controller.roomState.messages.count, 1)
        tryVerify(() => {
            const view = findChild(page, "messageView")
            return view.count === 1 && view.itemAtIndex(0) !== null
                   && view.itemAtIndex(0).deliveryState === MessageListModel.Sent
        }, 10000)
        const delegate = findChild(page, "messageView").itemAtIndex(0)
        compare(delegate.text, "hi\nx")
        verify(delegate.own)
    }

    function test_blankMessageIsNotSent() {
        const area = typeInComposer("   ")
        keyClick(Qt.Key_Return)
        compare(Controller.roomState.messages.count, 0)
        verify(!findChild(page, "sendButton").enabled)
    }

    function test_joinRoomByName() {
        const field = findChild(page, "roomField")
        field.forceActiveFocus()
        for (const c of "random")
            keyClick(c)
        keyClick(Qt.Key_Return)
        tryCompare(Controller.roomState, "currentRoom", "random", 10000)
        compare(Controller.roomState.rooms.count, 2)
        compare(field.text, "")
        compare(findChild(page, "roomListView").count, 2)
    }

    function test_sidDrawerListsOurSid() {
        mouseClick(findChild(page, "peopleButton"))
        const drawer = findChild(page, "sidDrawer")
        tryCompare(drawer, "position", 1.0)
        tryCompare(findChild(drawer.contentItem, "sidListView"), "count", 1, 10000)
    }

    function test_inspectorEmitsAndShowsReply() {
        findChild(page, "tabs").currentIndex = 1
        const inspector = findChild(page, "inspector")
        tryVerify(() => findChild(inspector, "eventLogView").count > 0, 10000)
        findChild(inspector, "eventField").text = "who"
        findChild(inspector, "ackBox").checked = true
        mouseClick(findChild(inspector, "emitButton"))
        tryVerify(() => Controller.inspector.lastReply.indexOf('"ok":true') >= 0, 10000)
        compare(findChild(inspector, "replyLabel").text, Controller.inspector.lastReply)

        findChild(inspector, "filterField").text = "welcome"
        tryCompare(findChild(inspector, "eventLogView"), "count", 1)
    }

    function test_connectionStateShown() {
        compare(findChild(page, "connectionState").text, "Connected")
    }
}
