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
        }
    }

    property ChatPage page
    property ListView view

    function init() {
        verify(AppController.hostChat(0, ""))
        tryCompare(AppController, "currentRoom", "lobby", 10000)
        verify(TestHelper.storeMessages("archive", 120))
        AppController.joinRoom("archive")
        tryCompare(AppController, "currentRoom", "archive", 10000)
        compare(AppController.messages.count, 50)
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
        AppController.leave()
        AppController.clearError()
    }

    //! Scrolls up with \a scroll until every message is listed; true when they all are.
    function scrollToTheBeginning(scroll) {
        for (let i = 0; i < 400 && !AppController.messages.historyComplete; ++i) {
            if (!AppController.loadingOlder)
                scroll()
            wait(20)
        }
        // The last page may still be arriving.
        tryCompare(AppController, "loadingOlder", false, 10000)
        return AppController.messages.historyComplete
    }

    function checkAllListed() {
        const model = AppController.messages
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
        verify(!AppController.loadingOlder)
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
