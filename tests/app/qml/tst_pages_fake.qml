// SPDX-License-Identifier: MIT
// The pages against FakeApp, test doubles of the parts' interfaces (fakeapp.h): states the real
// parts reach only through a real network (reconnecting, a failed delivery, a refused emit...)
// set directly, and every action checked by the call it makes. The real Controller is not
// touched here.
import QtQuick
import QtQuick.Controls
import QtTest
import Confab
import Confab.Ui
import ConfabTest

TestCase {
    id: testCase
    name: "PagesAgainstFakeController"
    when: windowShown
    visible: true // invisible items take no clicks
    width: 1000
    height: 700

    Component {
        id: fakeComponent
        FakeApp {}
    }
    Component {
        id: chatPageComponent
        ChatPage {
            required property FakeApp fake
            width: testCase.width
            height: testCase.height
            session: fake.session
            roomState: fake.roomState
            sids: fake.sids
            inspector: fake.inspector
            preferences: fake.preferences
        }
    }
    Component {
        id: startPageComponent
        StartPage {
            required property FakeApp fake
            width: testCase.width
            height: testCase.height
            session: fake.session
            preferences: fake.preferences
            foundHosts: fake.foundHosts
        }
    }

    property Item page

    //! A page drawing a new fake with \a props. Returns [page, fake].
    function setUp(component, props) {
        const fake = createTemporaryObject(fakeComponent, testCase)
        verify(fake)
        fake.set(props || {})
        page = createTemporaryObject(component, testCase, {fake: fake})
        verify(page)
        waitForRendering(page)
        return [page, fake]
    }

    //! The page goes before its fake, which its bindings read until then.
    function cleanup() {
        if (page) {
            page.destroy()
            page = null
            wait(0)
        }
    }

    function callsNamed(fake, name) {
        return fake.calls.filter(call => call[0] === name)
    }

    function message(fields) {
        return Object.assign({name: "bob", text: "hi", timeText: "12:00", clientId: "",
                              own: false, groupedWithPrevious: false,
                              deliveryState: MessageListModel.Sent, error: ""}, fields)
    }

    function test_connectionState_data() {
        return [
            {tag: "connecting", state: "Connecting…", connected: false},
            {tag: "connected", state: "Connected", connected: true},
            {tag: "reconnecting", state: "Reconnecting in 3 s", connected: false},
            {tag: "refused", state: "Refused: wrong password", connected: false},
        ]
    }

    function test_connectionState(data) {
        const [page, fake] = setUp(chatPageComponent, {connectionState: data.state, connected: data.connected})
        compare(findChild(page, "connectionState").text, data.state)
        compare(Qt.colorEqual(findChild(page, "stateDot").color,
                              data.connected ? Theme.ok : Theme.warning), true)
        // Live: the page follows the controller.
        fake.set({connectionState: "Connected", connected: true})
        tryCompare(findChild(page, "connectionState"), "text", "Connected")
    }

    function test_failedMessageOffersRetry() {
        const [page, fake] = setUp(chatPageComponent, {})
        fake.addMessage(message({text: "hello?", own: true, clientId: "c-1",
                                      deliveryState: MessageListModel.Failed,
                                      error: "no answer from the server"}))
        tryVerify(() => findChild(page, "deliveryLabel") !== null)
        const label = findChild(page, "deliveryLabel")
        tryVerify(() => label.visible)
        verify(label.text.indexOf("no answer from the server") >= 0, label.text)
        const retry = findChild(page, "retryButton")
        verify(retry && retry.visible)
        mouseClick(retry)
        compare(callsNamed(fake, "retryMessage"), [["retryMessage", "c-1"]])

        // Sending: a label, no retry.
        fake.setDeliveryState(0, MessageListModel.Sending)
        tryCompare(label, "text", "Sending…")
        tryCompare(retry, "visible", false)
        // Delivered: the line is gone, not hidden (nothing for a screen reader to find).
        fake.setDeliveryState(0, MessageListModel.Sent)
        tryVerify(() => findChild(page, "deliveryLabel") === null)
        compare(findChild(page, "retryButton"), null)
    }

    function test_joinBannerCopiesAndShowsQr() {
        const urls = ["http://192.168.1.20:3000/", "http://[fd00::2]:3000/",
                      "http://[fe80::1%25eth0]:3000/"]
        const [page, fake] = setUp(chatPageComponent, {mode: Session.Hosting, hostUrls: urls})
        const banner = findChild(page, "joinBanner")
        verify(banner.visible)
        // Every address, each with its Copy button.
        for (let i = 0; i < urls.length; ++i) {
            const row = findChild(banner, "hostUrl" + i)
            compare(findChild(row, "hostUrlText").text, urls[i])
            mouseClick(findChild(row, "copyButton"))
            compare(Clipboard.text(), urls[i])
        }
        // The QR code is asked for, then shows the first address, or the one chosen.
        const qr = findChild(banner, "qrCode")
        verify(!qr.visible)
        mouseClick(findChild(banner, "qrToggle"))
        tryVerify(() => qr.visible)
        compare(qr.text, urls[0])
        verify(qr.valid)
        verify(qr.width >= qr.implicitWidth, "the code is drawn smaller than 4 px a module")
        mouseClick(findChild(findChild(banner, "hostUrl1"), "qrButton"))
        compare(qr.text, urls[1])
        mouseClick(findChild(banner, "qrToggle"))
        tryVerify(() => !qr.visible)
        // Not hosting: no banner.
        fake.set({mode: Session.Joined})
        tryVerify(() => !banner.visible)
    }

    function test_messagesOneAtATimeFromTheKeyboard() {
        const [page, fake] = setUp(chatPageComponent, {})
        for (const text of ["first", "second", "third"])
            fake.addMessage(message({text: text}))
        const list = findChild(page, "messageList")
        tryCompare(list, "count", 3)
        // Shift+Tab from the message field reaches the messages, on the newest.
        const area = findChild(page, "composerArea")
        area.forceActiveFocus()
        keyClick(Qt.Key_Tab, Qt.ShiftModifier)
        tryVerify(() => list.activeFocus)
        compare(list.currentIndex, 2)
        tryVerify(() => list.currentItem && list.currentItem.activeFocus)
        verify(list.currentItem.Accessible.name.indexOf("third") >= 0, list.currentItem.Accessible.name)
        verify(findChild(page, "focusRing").visible)
        keyClick(Qt.Key_Up)
        compare(list.currentIndex, 1)
        verify(list.currentItem.activeFocus)
        keyClick(Qt.Key_C, Qt.ControlModifier)
        compare(Clipboard.text(), "second")
        keyClick(Qt.Key_Home)
        compare(list.currentIndex, 0)
        // Up on the oldest asks for older ones.
        keyClick(Qt.Key_Up)
        verify(callsNamed(fake, "loadOlder").length > 0)
        // A new message does not move the one being read, nor scroll it away.
        keyClick(Qt.Key_Down)
        compare(list.currentIndex, 1)
        fake.addMessage(message({text: "fourth"}))
        tryCompare(list, "count", 4)
        compare(list.currentIndex, 1)
        verify(!list.followEnd)
        keyClick(Qt.Key_End)
        compare(list.currentIndex, 3)
        verify(list.followEnd)
        // Tab goes on to the message field.
        keyClick(Qt.Key_Tab)
        tryVerify(() => area.activeFocus)
    }

    function test_messageSelectableUnderTheMouse() {
        const [page, fake] = setUp(chatPageComponent, {})
        fake.addMessage(message({text: "copy me please"}))
        const list = findChild(page, "messageList")
        tryVerify(() => list.itemAtIndex(0) !== null)
        const delegate = list.itemAtIndex(0)
        const body = findChild(delegate, "body")
        compare(body.text, "copy me please")
        // A message costs no text document until the mouse is over it.
        compare(findChild(delegate, "selectableBody"), null)
        mouseMove(body, body.width / 2, body.height / 2)
        tryVerify(() => findChild(delegate, "selectableBody") !== null)
        const editor = findChild(delegate, "selectableBody")
        compare(editor.text, "copy me please")
        compare(editor.textFormat, TextEdit.PlainText)
        mouseDrag(editor, 1, editor.height / 2, editor.width - 2, 0)
        tryVerify(() => editor.selectedText.length > 0)
        // The selection outlives the hover, so that it can be copied...
        mouseMove(page, 5, 5)
        tryCompare(findChild(delegate, "bubbleHover"), "hovered", false)
        verify(findChild(delegate, "selectableBody") !== null)
        // ...and the text document goes with it.
        editor.deselect()
        tryVerify(() => findChild(delegate, "selectableBody") === null)
    }

    function test_composerSendsWhileReconnecting() {
        // Messages typed while reconnecting go to the controller, which queues them.
        const [page, fake] = setUp(chatPageComponent, {connectionState: "Reconnecting in 2 s", connected: false})
        const area = findChild(page, "composerArea")
        verify(area.enabled)
        area.forceActiveFocus()
        keyClick(Qt.Key_O)
        keyClick(Qt.Key_K)
        keyClick(Qt.Key_Return, Qt.ShiftModifier) // a line break, not a send
        keyClick(Qt.Key_Return)
        compare(callsNamed(fake, "sendMessage"), [["sendMessage", "ok\n"]])
        tryCompare(area, "text", "")
        verify(callsNamed(fake, "composerEdited").length > 0)
    }

    function test_typingLine() {
        const [page, fake] = setUp(chatPageComponent, {})
        fake.set({typingText: "bob is typing…"})
        tryCompare(findChild(page, "typingLine"), "text", "bob is typing…")
    }

    function test_roomList() {
        const [page, fake] = setUp(chatPageComponent, {})
        fake.addRoom({name: "lobby", members: 3, unread: 0, joined: true, current: true})
        fake.addRoom({name: "random", members: 2, unread: 4, joined: true, current: false})
        const list = findChild(page, "roomListView")
        tryCompare(list, "count", 2)
        tryVerify(() => list.itemAtIndex(1) !== null)
        const randomRow = list.itemAtIndex(1)
        const badge = findChild(randomRow, "unreadBadge")
        verify(badge && badge.visible)
        compare(badge.children[0].text, "4")
        compare(findChild(list.itemAtIndex(0), "unreadBadge").visible, false) // nothing unread
        mouseClick(randomRow)
        compare(callsNamed(fake, "joinRoom"), [["joinRoom", "random"]])
        // A new room by name.
        const field = findChild(page, "roomField")
        field.forceActiveFocus()
        keyClick(Qt.Key_Q)
        keyClick(Qt.Key_Return)
        compare(callsNamed(fake, "joinRoom")[1], ["joinRoom", "q"])
    }

    function test_sidPanel_data() {
        return [
            {tag: "hosting", mode: Session.Hosting, canDisconnect: true},
            {tag: "joined", mode: Session.Joined, canDisconnect: false},
        ]
    }

    function test_sidPanel(data) {
        const [page, fake] = setUp(chatPageComponent, {mode: data.mode})
        fake.addSid({sid: "me", nsp: "/", name: "tester", address: "127.0.0.1",
                     transport: "websocket", roomsText: "lobby", own: true})
        fake.addSid({sid: "s-bob", nsp: "/", name: "bob", address: "127.0.0.2",
                     transport: "polling", roomsText: "lobby", own: false})
        compare(findChild(page, "peopleButton").text, "Sids (2)")
        const drawer = findChild(page, "sidDrawer")
        drawer.open()
        tryCompare(drawer, "opened", true)
        const list = findChild(drawer.contentItem, "sidListView")
        tryCompare(list, "count", 2)
        tryVerify(() => list.itemAtIndex(0) !== null && list.itemAtIndex(1) !== null)
        const own = findChild(list.itemAtIndex(0), "disconnectButton")
        const bob = findChild(list.itemAtIndex(1), "disconnectButton")
        compare(own.visible, false) // never yourself
        compare(bob.visible, data.canDisconnect)
        if (data.canDisconnect) {
            mouseClick(bob)
            compare(callsNamed(fake, "disconnectSid"), [["disconnectSid", "s-bob", "/"]])
        }
    }

    function test_inspectorEmitsWithAckAndShowsReply() {
        const [page, fake] = setUp(chatPageComponent, {})
        fake.addEvent(EventLogModel.Incoming, "/", "news", [{a: 1}])
        mouseClick(findChild(page, "inspectorTab"))
        const inspector = findChild(page, "inspector")
        tryCompare(inspector, "visible", true)
        waitForRendering(inspector)
        tryCompare(findChild(inspector, "eventLogView"), "count", 1)
        findChild(inspector, "eventField").text = "ping"
        findChild(inspector, "argsField").text = "[1, \"two\"]"
        const ack = findChild(inspector, "ackBox")
        ack.checked = true
        const emit = findChild(inspector, "emitButton")
        // Not connected: nothing can be emitted.
        fake.set({connected: false})
        tryCompare(emit, "enabled", false)
        fake.set({connected: true})
        tryCompare(emit, "enabled", true)
        mouseClick(emit)
        compare(callsNamed(fake, "emitRaw"), [["emitRaw", "ping", "[1, \"two\"]", true]])
        fake.set({lastReply: "[\"pong\"]"})
        tryCompare(findChild(inspector, "replyLabel"), "text", "[\"pong\"]")
        // The log from the keyboard: one event at a time, its arguments copied.
        fake.addEvent(EventLogModel.Outgoing, "/", "later", ["x"])
        const log = findChild(inspector, "eventLogView")
        tryCompare(log, "count", 2)
        log.forceActiveFocus()
        compare(log.currentIndex, 1)
        tryVerify(() => log.currentItem && log.currentItem.activeFocus)
        verify(log.currentItem.Accessible.name.indexOf("later") >= 0, log.currentItem.Accessible.name)
        keyClick(Qt.Key_Up)
        compare(log.currentIndex, 0)
        keyClick(Qt.Key_C, Qt.ControlModifier)
        compare(Clipboard.text(), "[{\"a\":1}]")
    }

    function test_startPage() {
        const [page, fake] = setUp(startPageComponent, {mode: Session.Idle,
                                            recentServers: ["http://127.0.0.1:4000/"]})
        const name = findChild(page, "nameField")
        compare(name.text, "tester")
        name.forceActiveFocus()
        keyClick(Qt.Key_X)
        compare(fake.preferences.userName, "testerx")
        compare(findChild(page, "urlField").editText, "http://127.0.0.1:4000/")
        mouseClick(findChild(page, "joinButton"))
        compare(callsNamed(fake, "joinServer"), [["joinServer", "http://127.0.0.1:4000/", ""]])
        findChild(page, "hostPassword").text = "s3cret"
        mouseClick(findChild(page, "hostButton"))
        compare(callsNamed(fake, "hostChat"), [["hostChat", findChild(page, "portField").value, "s3cret"]])
    }

    function test_foundHostsJoinWithOneClick() {
        const [page, fake] = setUp(startPageComponent, {mode: Session.Idle})
        const status = findChild(page, "discoveryStatus")
        const list = findChild(page, "foundHostsList")
        // Browsing, nothing found yet.
        compare(status.visible, true)
        compare(status.text, "Looking for hosts on your network…")
        compare(list.visible, false)

        fake.addFoundHost({name: "Secret <b>room</b>", address: "192.0.2.9", pw: true})
        fake.addFoundHost({name: "Lab", address: "192.0.2.1", pw: false})
        // The same host over IPv6 too: still one row, still its IPv4 address.
        fake.addFoundHost({name: "Lab", address: "fe80::1", interface: "veth-b", pw: false})
        tryCompare(list, "count", 2)
        tryCompare(status, "visible", false)
        waitForRendering(list)
        // Sorted by name; names as plain text; a lock only where a password is needed.
        const lab = findChild(list, "foundHost_0")
        const secret = findChild(list, "foundHost_1")
        compare(lab.name, "Lab")
        compare(lab.address, "192.0.2.1:3000")
        compare(secret.name, "Secret <b>room</b>")
        compare(findChild(lab, "lock").visible, false)
        compare(findChild(secret, "lock").visible, true)
        compare(lab.Accessible.name, "Join Lab at 192.0.2.1:3000")
        compare(secret.Accessible.name,
                "Join Secret <b>room</b> at 192.0.2.9:3000 (asks for a password)")

        // No password needed: one click joins.
        mouseClick(lab)
        compare(callsNamed(fake, "joinServer"), [["joinServer", "http://192.0.2.1:3000", ""]])
        compare(findChild(page, "urlField").editText, "http://192.0.2.1:3000")

        // A password needed: the click fills in the address and asks for the password;
        // Enter there joins.
        mouseClick(secret)
        compare(callsNamed(fake, "joinServer").length, 1)
        compare(findChild(page, "urlField").editText, "http://192.0.2.9:3000")
        const password = findChild(page, "joinPassword")
        tryCompare(password, "activeFocus", true)
        keyClick(Qt.Key_P)
        keyClick(Qt.Key_W)
        keyClick(Qt.Key_Return)
        compare(callsNamed(fake, "joinServer")[1], ["joinServer", "http://192.0.2.9:3000", "pw"])

        // The keyboard: Tab to the list, arrows, Enter joins the current one.
        list.forceActiveFocus()
        list.currentIndex = 1
        keyClick(Qt.Key_Up)
        compare(list.currentIndex, 0)
        keyClick(Qt.Key_Return)
        compare(callsNamed(fake, "joinServer")[2], ["joinServer", "http://192.0.2.1:3000", "pw"])

        // A host that goes disappears, once its last address goes.
        fake.removeFoundHost({name: "Lab", address: "192.0.2.1"})
        compare(list.count, 2)
        // Its remaining resolution is link-local IPv6: with its zone, in brackets.
        tryCompare(findChild(list, "foundHost_0"), "address", "[fe80::1%veth-b]:3000")
        compare(findChild(list, "foundHost_0").url, "http://[fe80::1%25veth-b]:3000")
        fake.removeFoundHost({name: "Lab", address: "fe80::1", interface: "veth-b"})
        tryCompare(list, "count", 1)
        compare(findChild(list, "foundHost_0").name, "Secret <b>room</b>")
    }

    function test_announceSwitch() {
        const [page, fake] = setUp(startPageComponent, {mode: Session.Idle})
        const box = findChild(page, "announceBox")
        compare(fake.preferences.announceHost, true) // on by default
        compare(box.checked, true)
        mouseClick(box)
        compare(fake.preferences.announceHost, false)
        mouseClick(box)
        compare(fake.preferences.announceHost, true)
    }

    function test_discoveryOff() {
        const [page, fake] = setUp(startPageComponent, {mode: Session.Idle})
        fake.setDiscoveryOff("the Avahi daemon is not running")
        const status = findChild(page, "discoveryStatus")
        tryCompare(status, "text", "Discovery is off: the Avahi daemon is not running")
        compare(status.visible, true)
        // Joining by address still works.
        findChild(page, "urlField").editText = "http://127.0.0.1:4000/"
        mouseClick(findChild(page, "joinButton"))
        compare(callsNamed(fake, "joinServer"), [["joinServer", "http://127.0.0.1:4000/", ""]])
    }
}
