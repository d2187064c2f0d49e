// SPDX-License-Identifier: MIT
// Text that peers and servers control, pushed through every view: names, rooms, the typing
// line, the sids panel, the inspector, the error banner, the refusal, a delivery error. Each
// must show as the literal string (plain text: no heading, no bold, no markup eaten), and a
// remote <img> in it must never be fetched (counted by a loopback server in the runner).
import QtQuick
import QtQuick.Controls
import QtTest
import Confab
import Confab.Ui
import ConfabTest

TestCase {
    id: testCase
    name: "HostileText"
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
        id: bannerComponent
        ErrorBanner {
            width: testCase.width
        }
    }
    Component {
        id: referenceLabel
        Label {
            text: "Wy"
            font.bold: true
        }
    }
    Component {
        id: controlImage
        // Fetched through the same loader as an <img> in rich text, after the views are drawn.
        Image {
            cache: false
        }
    }

    readonly property int port: TestHelper.fetchServerPort()
    property Item page

    //! The page goes before its fake, which its bindings read until then.
    function cleanup() {
        if (page) {
            page.destroy()
            page = null
            wait(0)
        }
    }

    function test_views_data() {
        const img = "<img src=\"http://127.0.0.1:" + port + "/x\">peer"
        return [
            {tag: "img", text: img},
            {tag: "img unquoted", text: "<img src=http://127.0.0.1:" + port + "/x>"},
            {tag: "h1", text: "<h1><u>BIG</u></h1>"},
            {tag: "bold", text: "<b>alice</b>"},
            {tag: "entity", text: "&lt;b&gt; &amp;"},
            {tag: "bidi", text: "\u202eecila"},
            {tag: "zero-width", text: "ali\u200bce"},
            {tag: "10 KB", text: "<font size=7>" + "W".repeat(10 * 1024) + "</font>"},
        ]
    }

    //! Every item under \a item (Popups through their content item) that draws text.
    function textItems(item, out) {
        if (!item)
            return out
        if (item.textFormat !== undefined && typeof item.text === "string")
            out.push(item)
        for (let i = 0; i < item.children.length; ++i)
            textItems(item.children[i], out)
        return out
    }

    //! Whether \a item lies within \a container horizontally (a long text must not push a
    //! button out of reach).
    function fitsIn(item, container) {
        const left = item.mapToItem(container, 0, 0).x
        return left >= 0 && left + item.width <= container.width + 1
    }

    //! The items under \a root showing \a text must exist and all draw it as plain text.
    function expectPlain(root, text, where) {
        const shown = textItems(root, []).filter(t => t.text.indexOf(text) >= 0)
        verify(shown.length > 0, where + " does not show the string")
        for (const t of shown) {
            compare(t.textFormat, Text.PlainText,
                    where + ": " + (t.objectName || t.toString()) + " renders markup")
        }
        return shown
    }

    function test_views(data) {
        const hostile = data.text
        const fake = createTemporaryObject(fakeComponent, testCase)
        verify(fake)
        fake.set({
            mode: Session.Hosting,
            myName: hostile,
            currentRoom: hostile,
            typingText: hostile + " is typing…",
            connectionState: "Refused: " + hostile,
            connected: false,
            lastReply: "[\"" + hostile + "\"]",
        })
        page = createTemporaryObject(chatPageComponent, testCase, {fake: fake})
        verify(page)
        fake.addRoom({name: hostile, members: 2, unread: 1, joined: true, current: true})
        // The body at most 200 characters: 10 KB of it wraps into a bubble taller than the view,
        // and the other message's delegate would never be created.
        fake.addMessage({name: "me", text: "hi", clientId: "c-1", own: true,
                         deliveryState: MessageListModel.Failed, error: hostile})
        fake.addMessage({name: hostile, text: hostile.slice(0, 200), clientId: "", own: false,
                         deliveryState: MessageListModel.Sent, error: ""})
        fake.addSid({sid: hostile, nsp: "/", name: hostile, address: hostile,
                     transport: hostile, roomsText: hostile, own: false})
        fake.addEvent(EventLogModel.Incoming, "/", hostile, [hostile])
        const banner = createTemporaryObject(bannerComponent, testCase, {text: hostile})
        waitForRendering(page)

        // The chat tab: room list, room title, messages, typing line, connection state.
        const rooms = findChild(page, "roomListView")
        tryVerify(() => rooms.itemAtIndex(0) !== null)
        expectPlain(rooms, hostile, "room list")
        const messages = findChild(page, "messageList")
        tryVerify(() => messages.itemAtIndex(0) !== null && messages.itemAtIndex(1) !== null)
        expectPlain(messages, hostile, "messages")
        const author = findChild(messages.itemAtIndex(1), "author")
        compare(author.text, hostile)
        compare(author.textFormat, Text.PlainText)
        // A heading would be taller than a line of bold text.
        const reference = createTemporaryObject(referenceLabel, testCase)
        verify(author.implicitHeight <= reference.implicitHeight * 1.2,
               "author is " + author.implicitHeight + " px high")
        const delivery = findChild(messages.itemAtIndex(0), "deliveryLabel")
        compare(delivery.text, "Not sent: " + hostile)
        compare(delivery.textFormat, Text.PlainText)
        // However long the server's reason or the peer's name, Retry stays on screen and the
        // name stays one line.
        const retry = findChild(messages.itemAtIndex(0), "retryButton")
        verify(retry.visible)
        verify(fitsIn(retry, messages), "Retry is pushed out of the view")
        verify(fitsIn(author, messages), "the author's name runs out of the view")
        expectPlain(findChild(page, "roomTitle"), hostile, "room title")
        compare(findChild(page, "typingLine").text, hostile + " is typing…")
        expectPlain(findChild(page, "typingLine"), hostile, "typing line")
        compare(findChild(page, "connectionState").text, "Refused: " + hostile)
        expectPlain(findChild(page, "connectionState"), hostile, "connection state")
        expectPlain(banner, hostile, "error banner")
        compare(findChild(banner, "errorText").text, hostile)
        // A server's 10 KB error takes a few lines, not the window.
        verify(banner.implicitHeight <= 6 * reference.implicitHeight,
               "the banner is " + banner.implicitHeight + " px high")
        verify(fitsIn(findChild(banner, "dismissButton"), banner), "Dismiss is out of reach")

        // The room's "leave" tooltip.
        const tip = findChild(rooms.itemAtIndex(0), "leaveToolTip")
        verify(tip, "the leave button has no tooltip of its own")
        tip.open()
        tryCompare(tip, "opened", true)
        expectPlain(tip.contentItem, hostile, "leave tooltip")
        tip.close()

        // The sids drawer.
        const drawer = findChild(page, "sidDrawer")
        drawer.open()
        tryCompare(drawer, "opened", true)
        const sids = findChild(drawer.contentItem, "sidListView")
        tryVerify(() => sids.itemAtIndex(0) !== null)
        // Name, sid, address · transport · since, and rooms: four labels.
        verify(expectPlain(sids, hostile, "sids panel").length >= 4)
        // The host can always disconnect whoever this is.
        const disconnect = findChild(sids.itemAtIndex(0), "disconnectButton")
        verify(disconnect.visible)
        verify(fitsIn(disconnect, sids), "Disconnect is pushed out of the panel")
        verify(sids.itemAtIndex(0).height <= 12 * reference.implicitHeight,
               "the sid's row is " + sids.itemAtIndex(0).height + " px high")
        drawer.close()
        tryCompare(drawer, "opened", false)

        // The inspector: event name, arguments, the last reply.
        mouseClick(findChild(page, "inspectorTab"))
        const inspector = findChild(page, "inspector")
        tryCompare(inspector, "visible", true)
        const log = findChild(inspector, "eventLogView")
        tryVerify(() => log.itemAtIndex(0) !== null)
        // The log is the real EventLogModel, which shows invisible characters (bidi
        // overrides, zero-width spaces) escaped.
        const logged = fake.loggedAs(hostile)
        compare(findChild(log.itemAtIndex(0), "eventName").text, logged)
        expectPlain(log, logged, "inspector log")
        expectPlain(findChild(inspector, "replyLabel"), hostile, "inspector reply")
        waitForRendering(page)

        // Everything on the page, whatever its name: no text showing the string as markup.
        expectPlain(page, hostile, "the chat page")

        // Nothing fetched: a control image asked for after all of the above has arrived, and
        // the <img> of the peer text never did.
        const control = "/control-" + data.tag.replace(/ /g, "-")
        ignoreWarning(new RegExp(control + " - server replied: Not Found"))
        const image = createTemporaryObject(controlImage, testCase,
                                            {source: "http://127.0.0.1:" + port + control})
        tryVerify(() => TestHelper.fetches(control) === 1, 5000)
        tryCompare(image, "status", Image.Error)
        compare(TestHelper.fetches("/x"), 0, "the peer's <img> was fetched")
    }
}
