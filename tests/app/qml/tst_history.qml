// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls
import QtTest
import Confab
import Confab.Ui
import ConfabTest

//! Older messages load as the person scrolls the message list to the top: by flicking or
//! dragging, and by the mouse wheel.
TestCase {
    id: testCase
    name: "History"
    when: windowShown
    visible: true
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
    property ListView view

    function init() {
        verify(Controller.session.hostChat(0, ""))
        tryCompare(Controller.roomState, "currentRoom", "lobby", 10000)
        verify(TestHelper.storeMessages("archive", 120))
        Controller.roomState.joinRoom("archive")
        tryCompare(Controller.roomState, "currentRoom", "archive", 10000)
        compare(Controller.roomState.messages.count, 50)
        page = createTemporaryObject(pageComponent, testCase)
        verify(page)
        waitForRendering(page)
        view = findChild(page, "messageList")
        verify(view)
        // Opened at the newest message, away from the top.
        tryVerify(() => view.contentHeight > view.height && !view.atYBeginning, 5000)
    }

    function cleanup() {
        page.destroy()
        page = null
        view = null
        wait(0)
        Controller.session.leave()
        Controller.session.clearError()
    }

    //! Scrolls up with \a scroll until every message is listed; true when they all are.
    function scrollToTheBeginning(scroll) {
        for (let i = 0; i < 400 && !Controller.roomState.messages.historyComplete; ++i) {
            if (!Controller.roomState.loadingOlder)
                scroll()
            wait(20)
        }
        // The last page may still be arriving.
        tryCompare(Controller.roomState, "loadingOlder", false, 10000)
        return Controller.roomState.messages.historyComplete
    }

    function checkAllListed() {
        const model = Controller.roomState.messages
        compare(model.count, 120)
        verify(model.historyComplete)
        // The top of the list is the room's first message.
        view.positionViewAtBeginning()
        tryVerify(() => view.itemAtIndex(0) !== null, 5000)
        compare(view.itemAtIndex(0).text, "m1")
        compare(view.itemAtIndex(1).text, "m2")
        // Scrolled to the beginning, nothing more is asked for.
        view.flick(0, 4000)
        wait(100)
        verify(!Controller.roomState.loadingOlder)
        compare(model.count, 120)
    }

    function test_flickToTheTop() {
        verify(scrollToTheBeginning(() => view.flick(0, 4000)))
        checkAllListed()
    }

    function test_wheelToTheTop() {
        verify(scrollToTheBeginning(() => mouseWheel(view, view.width / 2, view.height / 2,
                                                     0, 360)))
        checkAllListed()
    }
}
