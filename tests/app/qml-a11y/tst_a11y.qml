// SPDX-License-Identifier: MIT
// What a screen reader gets: each page's accessibility tree (TestHelper.accessibleTree, the
// QAccessibleInterfaces the AT-SPI bridge serves) walked in full. Every interactive object
// shown has a name in words and a role; nothing hidden is in the tree; a message is one
// object with its author, time and text. Then the keyboard alone: shortcuts, Tab out of the
// composer, Esc. Language-neutral (no English texts compared): ctest runs it in English and
// in Chinese.
import QtQuick
import QtQuick.Controls
import QtTest
import Confab
import Confab.Ui
import ConfabTest

TestCase {
    id: testCase
    name: "Accessibility"
    when: windowShown
    visible: true
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
    Component {
        id: bannerComponent
        ErrorBanner {
            width: testCase.width
        }
    }

    property Item page

    function setUp(component, props) {
        const fake = createTemporaryObject(fakeComponent, testCase)
        verify(fake)
        fake.set(props || {})
        page = createTemporaryObject(component, testCase, {fake: fake})
        verify(page)
        waitForRendering(page)
        return [page, fake]
    }

    function cleanup() {
        if (page) {
            page.destroy()
            page = null
            wait(0)
        }
    }

    // Roles a user acts on: each needs a name in words. Scroll bars are left out: the lists
    // they scroll are named, and the keyboard scrolls the list itself.
    readonly property var interactiveRoles: [
        Accessible.Button, Accessible.CheckBox, Accessible.RadioButton, Accessible.ComboBox,
        Accessible.SpinBox, Accessible.EditableText, Accessible.PageTab, Accessible.ListItem,
        Accessible.Slider, Accessible.Link, Accessible.MenuItem
    ]
    // The tab pages: the hidden one is one object marked not showing, with all it holds.
    readonly property var tabPages: ["chatView", "inspector"]

    function describe(node) {
        return node.roleName + " '" + node.name + "' " + node.className + " " + node.objectName
    }
    function hasWords(text) {
        return /[A-Za-z\u00C0-\u024F\u3400-\u9FFF]/.test(text)
    }

    //! The tree of the test window, without the hidden tab page's contents.
    function tree() {
        const nodes = TestHelper.accessibleTree(testCase)
        verify(nodes.length > 0, "no accessibility tree")
        const shown = []
        let skipBelow = -1
        for (const node of nodes) {
            if (skipBelow >= 0 && node.depth > skipBelow)
                continue
            skipBelow = -1
            if (node.invisible && tabPages.indexOf(node.objectName) >= 0) {
                skipBelow = node.depth
                continue
            }
            shown.push(node)
        }
        return shown
    }

    //! Every object in \a nodes is on screen, and every interactive one is named in words.
    function checkTree(nodes) {
        let interactive = 0
        for (const node of nodes) {
            verify(!node.invisible, "hidden, yet in the tree: " + describe(node))
            if (interactiveRoles.indexOf(node.role) < 0)
                continue
            ++interactive
            // Qt 6.4 blanks a password field's name: its description says what it is.
            verify(hasWords(node.passwordEdit ? node.description : node.name),
                   "no name in words: " + describe(node))
        }
        return interactive
    }

    function names(nodes, role) {
        return nodes.filter(node => node.role === role).map(node => node.name)
    }

    function message(fields) {
        return Object.assign({name: "Bob", text: "Hello Alice, can you hear me?", clientId: "",
                              own: false, deliveryState: MessageListModel.Sent, error: ""},
                             fields)
    }

    //! A chat page with rooms, messages, sids and an event: every kind of row there is.
    function chatPageWithContent(props) {
        const [page, fake] = setUp(chatPageComponent, props)
        fake.addRoom({name: "lobby", members: 3, unread: 0, joined: true, current: true})
        fake.addRoom({name: "random", members: 2, unread: 4, joined: true, current: false})
        fake.addRoom({name: "quiet", members: 1, unread: 0, joined: false, current: false})
        fake.addMessage(message({}))
        fake.addMessage(message({name: "tester", own: true, text: "yes", clientId: "c-1"}))
        fake.addSid({sid: "me", name: "tester", address: "127.0.0.1", transport: "websocket",
                     roomsText: "lobby", own: true})
        fake.addSid({sid: "s-bob", name: "Bob", address: "127.0.0.2", transport: "polling",
                     roomsText: "lobby, random", own: false})
        fake.addEvent(EventLogModel.Incoming, "/", "news", [{a: 1}])
        fake.addEvent(EventLogModel.Outgoing, "/", "who", [])
        tryCompare(findChild(page, "messageList"), "count", 2)
        waitForRendering(page)
        return [page, fake]
    }

    function test_pageTree_data() {
        return [
            {tag: "start page", start: true},
            {tag: "chat, hosting", mode: Session.Hosting},
            {tag: "chat, joined", mode: Session.Joined},
            {tag: "inspector", mode: Session.Joined, inspector: true},
            {tag: "sids panel", mode: Session.Hosting, popup: "sidDrawer"},
            {tag: "settings", mode: Session.Joined, popup: "settingsDialog"},
            {tag: "shortcuts", mode: Session.Joined, popup: "shortcutsDialog"},
        ]
    }
    function test_pageTree(data) {
        let page
        if (data.start) {
            page = setUp(startPageComponent, {mode: Session.Idle})[0]
        } else {
            page = chatPageWithContent({mode: data.mode})[0]
            if (data.inspector) {
                findChild(page, "tabs").currentIndex = 1
                waitForRendering(page)
            }
        }
        if (data.popup) {
            const popup = findChild(page, data.popup)
            popup.open()
            tryCompare(popup, "opened", true)
        }
        const nodes = tree()
        const interactive = checkTree(nodes)
        verify(interactive >= 3, "only " + interactive + " interactive objects")
        if (data.popup)
            findChild(page, data.popup).close()
    }

    function test_fieldsAreNamedByTheirLabels() {
        const page = setUp(startPageComponent, {mode: Session.Idle})[0]
        const fields = tree().filter(node => node.role === Accessible.EditableText
                                             || node.role === Accessible.SpinBox
                                             || node.role === Accessible.ComboBox)
        const byName = {}
        for (const field of fields) {
            byName[field.objectName] = field.passwordEdit ? field.description : field.name
        }
        // Each field's name is its label's text, and the two passwords differ.
        for (const objectName of ["nameField", "portField", "urlField", "hostPassword", "joinPassword"])
            verify(hasWords(byName[objectName] || ""), objectName + ": " + byName[objectName])
        verify(byName.hostPassword !== byName.joinPassword)
        compare(byName.nameField, qsTranslate("StartPage", "Your name"))
        compare(byName.portField, qsTranslate("StartPage", "Port"))
        compare(byName.urlField, qsTranslate("StartPage", "Address"))
    }

    function test_messageIsOneItem_data() {
        return [
            {tag: "delivered", state: MessageListModel.Sent, own: false, extra: ""},
            {tag: "sending", state: MessageListModel.Sending, own: true, extra: qsTranslate("MessageDelegate", "(sending)")},
            {tag: "failed", state: MessageListModel.Failed, own: true,
             extra: qsTranslate("MessageDelegate", "(not sent: %1)").arg("no answer")},
        ]
    }
    function test_messageIsOneItem(data) {
        const [page, fake] = setUp(chatPageComponent, {})
        fake.addMessage(message({own: data.own, clientId: "c-1", deliveryState: data.state,
                                 error: data.state === MessageListModel.Failed ? "no answer" : ""}))
        tryCompare(findChild(page, "messageList"), "count", 1)
        waitForRendering(page)
        const nodes = tree()
        checkTree(nodes)
        const view = findChild(page, "messageView")
        tryVerify(() => view.itemAtIndex(0) !== null)
        const timeText = view.itemAtIndex(0).timeText
        verify(timeText.length > 0)
        const items = names(nodes, Accessible.ListItem)
                .filter(name => name.indexOf("Hello Alice, can you hear me?") >= 0)
        compare(items.length, 1, JSON.stringify(names(nodes, Accessible.ListItem)))
        const author = data.own ? qsTranslate("MessageDelegate", "You, %1: %2")
                                : qsTranslate("MessageDelegate", "%1, %2: %3").arg("Bob")
        const expected = (data.own ? author.arg(timeText).arg("Hello Alice, can you hear me?")
                                   : author.arg(timeText).arg("Hello Alice, can you hear me?"))
                + (data.extra.length > 0 ? " " + data.extra : "")
        compare(items[0], expected)
        // The delivery line's parts are not objects of their own; Retry is, when offered.
        const texts = nodes.map(node => node.name)
        verify(texts.indexOf(timeText) < 0, "the time alone")
        compare(nodes.filter(node => node.objectName === "retryButton").length,
                data.state === MessageListModel.Failed ? 1 : 0)
    }

    function test_roomAndSidRowsSayTheirContent() {
        const [page, fake] = chatPageWithContent({mode: Session.Hosting})
        const drawer = findChild(page, "sidDrawer")
        drawer.open()
        tryCompare(drawer, "opened", true)
        const rows = names(tree(), Accessible.ListItem)
        const room = text => qsTranslate("RoomList", text)
        verify(rows.indexOf([room("Room %1").arg("random"), room("joined"),
                             qsTranslate("RoomList", "%n member(s)", "", 2),
                             qsTranslate("RoomList", "%n unread", "", 4)].join(qsTranslate("RoomList", ", ", "between the parts of a spoken row"))) >= 0,
               JSON.stringify(rows))
        // No unread count of 0 anywhere: a room with nothing unread says nothing about it.
        const lobby = rows.filter(row => row.indexOf(room("Room %1").arg("lobby")) === 0)
        compare(lobby.length, 1)
        compare(lobby[0], [room("Room %1").arg("lobby"), room("current"),
                           qsTranslate("RoomList", "%n member(s)", "", 3)].join(qsTranslate("RoomList", ", ", "between the parts of a spoken row")))
        verify(rows.indexOf(["Bob", "polling", qsTranslate("SidPanel", "in %1").arg("lobby, random")]
                            .join(qsTranslate("SidPanel", ", ", "between the parts of a spoken row"))) >= 0, JSON.stringify(rows))
        drawer.close()
        tryCompare(drawer, "opened", false)
    }

    function test_inspectorRowsSayDirection() {
        const [page, fake] = chatPageWithContent({})
        findChild(page, "tabs").currentIndex = 1
        waitForRendering(page)
        const rows = names(tree(), Accessible.ListItem)
        const received = rows.filter(row => row.indexOf(qsTranslate("InspectorView", "Received")) >= 0 && row.indexOf("news") >= 0)
        const sent = rows.filter(row => row.indexOf(qsTranslate("InspectorView", "Sent")) >= 0 && row.indexOf("who") >= 0)
        compare(received.length, 1, JSON.stringify(rows))
        compare(sent.length, 1, JSON.stringify(rows))
        verify(received[0].indexOf('[{"a":1}]') > 0, received[0])
        for (const node of tree())
            verify(!/^[\u2190-\u21ff\u2b00-\u2bff]$/.test(node.name), "an arrow: " + describe(node))
    }

    function test_errorBanner() {
        const banner = createTemporaryObject(bannerComponent, testCase, {text: ""})
        waitForRendering(banner)
        // No error: nothing of the banner in the tree.
        verify(tree().every(node => node.role !== Accessible.AlertMessage
                                    && node.objectName !== "dismissButton"),
               JSON.stringify(tree().map(describe)))
        banner.text = "connection refused"
        waitForRendering(banner)
        const nodes = tree()
        checkTree(nodes)
        compare(names(nodes, Accessible.AlertMessage),
                [qsTranslate("ErrorBanner", "Error: %1").arg("connection refused")])
        verify(nodes.every(node => node.name !== "⚠"))
        compare(names(nodes, Accessible.Button), [qsTranslate("ErrorBanner", "Dismiss the error")])
    }

    function test_newMessagesAreAnnounced() {
        const [page, fake] = setUp(chatPageComponent, {})
        const announcer = findChild(page, "announcer")
        verify(announcer)
        compare(announcer.visible, false)
        // Hidden, the announcer is not in the tree at all.
        verify(tree().every(node => node.role !== Accessible.Notification))
        const area = findChild(page, "composerArea")
        area.forceActiveFocus()
        fake.addMessage(message({}))
        tryCompare(announcer, "visible", true)
        compare(announcer.text, qsTranslate("Announcer", "%1: %2").arg("Bob")
                                 .arg("Hello Alice, can you hear me?"))
        compare(names(tree(), Accessible.Notification), [announcer.text])
        verify(area.activeFocus, "the focus stays in the message field")
        // A burst: one announcement.
        announcer.visible = false
        fake.addMessage(message({name: "Carol", text: "one"}))
        fake.addMessage(message({name: "Carol", text: "two"}))
        fake.addMessage(message({name: "Dave", text: "three"}))
        tryCompare(announcer, "visible", true)
        compare(announcer.text, qsTranslate("Announcer", "%n new messages, the last from %1: %2", "", 3)
                                 .arg("Dave").arg("three"))
        // Our own messages are not news.
        announcer.visible = false
        fake.addMessage(message({name: "tester", own: true, text: "mine"}))
        wait(announcer.interval * 2) // nothing can arrive: a quiet interval is the assertion
        compare(announcer.visible, false)
    }

    function test_historyIsNotAnnounced() {
        const [page, fake] = setUp(chatPageComponent, {})
        const announcer = findChild(page, "announcer")
        // A room shown: its history fills the empty list at once.
        fake.addHistory([{name: "Bob", text: "old one"}, {name: "Carol", text: "old two"}])
        tryCompare(findChild(page, "messageList"), "count", 2)
        wait(announcer.interval * 2) // nothing can arrive: a quiet interval is the assertion
        compare(announcer.visible, false)
        // What comes after is news.
        fake.addMessage(message({}))
        tryCompare(announcer, "visible", true)
    }

    function callsNamed(fake, name) {
        return fake.calls.filter(call => call[0] === name)
    }
    function type(text) {
        for (const c of text)
            keyClick(c)
    }

    function test_keyboardOnly() {
        const [page, fake] = chatPageWithContent({mode: Session.Hosting})
        const area = findChild(page, "composerArea")
        // Join a room by name.
        keyClick(Qt.Key_J, Qt.ControlModifier)
        verify(findChild(page, "roomField").activeFocus)
        type("dev")
        keyClick(Qt.Key_Return)
        compare(callsNamed(fake, "joinRoom"), [["joinRoom", "dev"]])
        // Write and send.
        keyClick(Qt.Key_L, Qt.ControlModifier)
        verify(area.activeFocus)
        type("hi")
        keyClick(Qt.Key_Return)
        compare(callsNamed(fake, "sendMessage"), [["sendMessage", "hi"]])
        // The sids panel, and Esc back to the message field.
        keyClick(Qt.Key_S, Qt.ControlModifier)
        const drawer = findChild(page, "sidDrawer")
        tryCompare(drawer, "opened", true)
        keyClick(Qt.Key_Escape)
        tryCompare(drawer, "opened", false)
        tryVerify(() => area.activeFocus)
        // Rooms: next, previous (joined ones only), leave.
        keyClick(Qt.Key_Down, Qt.AltModifier)
        compare(callsNamed(fake, "joinRoom")[1], ["joinRoom", "random"])
        keyClick(Qt.Key_PageUp, Qt.ControlModifier)
        compare(callsNamed(fake, "joinRoom")[2], ["joinRoom", "random"]) // wraps around
        keyClick(Qt.Key_W, Qt.ControlModifier)
        compare(callsNamed(fake, "leaveRoom"), [["leaveRoom", "lobby"]])
        // The inspector and back.
        keyClick(Qt.Key_I, Qt.ControlModifier)
        compare(findChild(page, "tabs").currentIndex, 1)
        verify(findChild(page, "filterField").activeFocus)
        keyClick(Qt.Key_Escape)
        compare(findChild(page, "tabs").currentIndex, 0)
        verify(area.activeFocus)
        // The list of shortcuts.
        keyClick(Qt.Key_F1)
        const help = findChild(page, "shortcutsDialog")
        tryCompare(help, "opened", true)
        keyClick(Qt.Key_Escape)
        tryCompare(help, "opened", false)
    }

    Component {
        id: realChatPageComponent
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

    // The same flow against the real parts: the app hosts, and every step goes through its
    // host and back.
    function test_keyboardOnlyAgainstTheHost() {
        verify(Controller.session.hostChat(0, ""))
        try {
            tryCompare(Controller.roomState, "currentRoom", "lobby", 10000)
            page = createTemporaryObject(realChatPageComponent, testCase)
            waitForRendering(page)
            keyClick(Qt.Key_J, Qt.ControlModifier)
            type("dev")
            keyClick(Qt.Key_Return)
            tryCompare(Controller.roomState, "currentRoom", "dev", 10000)
            keyClick(Qt.Key_L, Qt.ControlModifier)
            type("hi")
            keyClick(Qt.Key_Return)
            tryVerify(() => Controller.roomState.messages.count === 1
                            && Controller.roomState.messages.data(
                                   Controller.roomState.messages.index(0, 0),
                                   MessageListModel.DeliveryStateRole) === MessageListModel.Sent,
                      10000)
            keyClick(Qt.Key_S, Qt.ControlModifier)
            const drawer = findChild(page, "sidDrawer")
            tryCompare(drawer, "opened", true)
            tryCompare(findChild(drawer.contentItem, "sidListView"), "count", 1, 10000)
            keyClick(Qt.Key_Escape)
            tryCompare(drawer, "visible", false) // closed, its exit transition over too
            keyClick(Qt.Key_Up, Qt.AltModifier) // back to lobby
            tryCompare(Controller.roomState, "currentRoom", "lobby", 10000)
            keyClick(Qt.Key_W, Qt.ControlModifier) // leave it
            tryVerify(() => {
                const rooms = Controller.roomState.rooms
                for (let row = 0; row < rooms.rowCount(); ++row) {
                    const index = rooms.index(row, 0)
                    if (rooms.data(index, RoomListModel.NameRole) === "lobby")
                        return !rooms.data(index, RoomListModel.JoinedRole)
                }
                return true
            }, 10000)
        } finally {
            if (page) {
                page.destroy()
                page = null
                wait(0)
            }
            Controller.session.leave()
            Controller.session.clearError()
        }
    }

    function test_pageKeysScrollTheMessages() {
        const [page, fake] = setUp(chatPageComponent, {})
        for (let i = 0; i < 60; ++i)
            fake.addMessage(message({text: "line " + i}))
        const list = findChild(page, "messageList")
        tryCompare(list, "count", 60)
        waitForRendering(list)
        tryVerify(() => list.contentHeight > 2 * list.height && list.atYEnd)
        const area = findChild(page, "composerArea")
        area.forceActiveFocus()
        const bottom = list.contentY
        keyClick(Qt.Key_PageUp)
        verify(list.contentY < bottom - list.height / 2, list.contentY + " from " + bottom)
        verify(area.activeFocus)
        // Scrolled up, new messages do not pull the view down.
        fake.addMessage(message({text: "new"}))
        tryCompare(list, "count", 61)
        verify(!list.atYEnd)
        keyClick(Qt.Key_PageDown)
        keyClick(Qt.Key_PageDown)
        tryVerify(() => list.atYEnd)
        // At the top, older messages are asked for.
        for (let i = 0; i < 20; ++i)
            keyClick(Qt.Key_PageUp)
        verify(callsNamed(fake, "loadOlder").length > 0)
    }

    function test_startPageKeyboard() {
        const page = setUp(startPageComponent, {mode: Session.Idle})[0]
        // Typing starts in the name field.
        tryVerify(() => findChild(page, "nameField").activeFocus)
        keyClick(Qt.Key_F1)
        const help = findChild(page, "shortcutsDialog")
        tryCompare(help, "opened", true)
        keyClick(Qt.Key_Escape)
        tryCompare(help, "visible", false)
        keyClick(Qt.Key_Comma, Qt.ControlModifier)
        const settings = findChild(page, "settingsDialog")
        tryCompare(settings, "opened", true)
        keyClick(Qt.Key_Escape)
        tryCompare(settings, "visible", false)
        // Tab walks the form: name, then the host side's port.
        findChild(page, "nameField").forceActiveFocus()
        keyClick(Qt.Key_Tab)
        verify(!findChild(page, "nameField").activeFocus)
    }

    function test_tabLeavesTheComposer() {
        const [page, fake] = setUp(chatPageComponent, {})
        const area = findChild(page, "composerArea")
        area.forceActiveFocus()
        type("a")
        keyClick(Qt.Key_Tab)
        verify(!area.activeFocus, "Tab left the field")
        compare(area.text, "a")
        verify(findChild(page, "sendButton").activeFocus)
        keyClick(Qt.Key_Tab, Qt.ShiftModifier)
        verify(area.activeFocus, "Shift+Tab came back")
        keyClick(Qt.Key_Backtab, Qt.ShiftModifier)
        verify(!area.activeFocus, "Shift+Tab left the field")
        area.forceActiveFocus()
        area.cursorPosition = area.length
        keyClick(Qt.Key_Tab, Qt.ControlModifier)
        compare(area.text, "a\t")
        verify(area.activeFocus)
    }

    // WCAG's contrast ratio of two colours.
    function contrast(a, b) {
        function luminance(c) {
            const channel = v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)
            return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
        }
        const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x)
        return (l1 + 0.05) / (l2 + 0.05)
    }

    function test_focusRing_data() {
        return [
            {tag: "light", theme: Preferences.Light},
            {tag: "dark", theme: Preferences.Dark},
        ]
    }
    function test_focusRing(data) {
        const before = Preferences.theme
        Preferences.theme = data.theme
        try {
            // Against what it is drawn on: the window, the panes, an accent-filled button.
            for (const background of [Theme.window, Theme.sidePane, Theme.base, Theme.highlight])
                verify(contrast(Theme.focusRing, background) >= 3,
                       "focus ring on " + background + ": " + contrast(Theme.focusRing, background))
            const [page, fake] = setUp(chatPageComponent, {})
            const area = findChild(page, "composerArea")
            area.forceActiveFocus()
            type("x")
            keyClick(Qt.Key_Tab)
            const send = findChild(page, "sendButton")
            verify(send.activeFocus)
            const ring = findChild(send, "focusRing")
            verify(ring, "the ring is on the focused button")
            verify(ring.visible)
            verify(Qt.colorEqual(ring.border.color, Theme.focusRing))
            verify(ring.width > send.width && ring.height > send.height)
        } finally {
            Preferences.theme = before
        }
    }
}
