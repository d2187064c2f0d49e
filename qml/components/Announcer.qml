// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import Confab
import Confab.Ui

//! Tells a screen reader about new messages in the current room without moving the focus.
//!
//! Qt 6.4 has no Accessible.announce(), and its AT-SPI bridge drops QAccessible::Alert. What it
//! does send is "showing" when an accessible item becomes visible, and screen readers (Orca)
//! speak an object of role "notification" when it starts showing, whatever has the focus. So
//! this is a notification, shown with the news and hidden again a few seconds later (hidden,
//! it is also left out of the tree). A burst becomes one announcement ("3 new messages, the
//! last from Bob: …") at most every `interval` ms: the screen reader is not flooded and the
//! delivery path does no more than count.
Item {
    id: announcer
    objectName: "announcer"

    //! The room whose messages are announced (Controller.roomState, or a test double).
    required property RoomState roomState
    //! Whether to announce at all: while the window is not active, desktop notifications
    //! speak instead.
    property bool active: true
    //! How long at least between two announcements.
    property int interval: 600
    //! What was announced last.
    property string text

    property int pending: 0

    function announce() {
        const messages = announcer.roomState.messages
        const row = messages.rowCount() - 1
        if (announcer.pending === 0 || row < 0)
            return
        const index = messages.index(row, 0)
        const name = messages.data(index, MessageListModel.NameRole)
        const body = messages.data(index, MessageListModel.TextRole)
        announcer.text = announcer.pending === 1
                ? qsTr("%1: %2").arg(name).arg(body)
                : qsTr("%n new messages, the last from %1: %2", "", announcer.pending)
                      .arg(name).arg(body)
        announcer.pending = 0
        // Hidden then shown: "showing" is sent on every announcement, also when one follows
        // another before the first was hidden.
        announcer.visible = false
        announcer.Accessible.ignored = false
        announcer.visible = true
        hideTimer.restart()
    }

    // Qt reports an item without area as invisible, which screen readers skip: one pixel,
    // drawn as nothing.
    width: 1
    height: 1
    visible: false
    Accessible.role: Accessible.Notification
    Accessible.name: announcer.text
    Accessible.ignored: true

    Connections {
        target: announcer.roomState.messages
        function onRowsInserted(parent, first, last) {
            const messages = announcer.roomState.messages
            // Older messages loaded at the top are not news, nor is the history that fills an
            // empty room when it is shown (a block at row 0), nor our own messages.
            if (!announcer.active || last !== messages.rowCount() - 1 || (first === 0 && last > 0))
                return
            if (messages.data(messages.index(last, 0), MessageListModel.OwnRole))
                return
            announcer.pending += last - first + 1
            if (!coalesce.running)
                coalesce.start()
        }
        function onModelReset() {
            announcer.pending = 0
        }
    }
    // Another room is another model: nothing of the old one is news in the new one.
    Connections {
        target: announcer.roomState
        function onCurrentRoomChanged() {
            announcer.pending = 0
        }
    }
    Timer {
        id: coalesce
        interval: announcer.interval
        onTriggered: announcer.announce()
    }
    Timer {
        id: hideTimer
        interval: 5000
        onTriggered: {
            announcer.visible = false
            announcer.Accessible.ignored = true
        }
    }
}
