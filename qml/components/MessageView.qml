// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab
import Confab.Ui

//! The current room's messages. Follows new messages while scrolled to the bottom, and asks
//! for older ones when scrolled to the top.
ColumnLayout {
    id: root
    //! The rooms this view draws the current one of (Controller.roomState, or a test double).
    required property RoomState roomState

    readonly property alias count: view.count
    //! The delegate at \a index, for tests.
    function itemAtIndex(index) {
        return view.itemAtIndex(index)
    }
    //! \brief Scrolls by \a pages screens (negative: up, to older messages), for the keyboard.
    function scrollPages(pages) {
        const end = view.originY + view.contentHeight + view.bottomMargin - view.height
        view.contentY = Math.max(view.originY, Math.min(end, view.contentY + pages * view.height * 0.9))
        view.followEnd = view.contentY >= end
        if (view.atYBeginning)
            root.roomState.loadOlder()
    }

    spacing: 0

    // Outside the ListView: a header would be recreated with each room's model, and Qt 6.4
    // fails to create it again ("Component is not ready").
    Label {
        Layout.fillWidth: true
        Layout.preferredHeight: visible ? implicitHeight + Theme.spacing : 0
        visible: root.roomState.loadingOlder || view.count === 0
                 || (view.atYBeginning && root.roomState.messages.historyComplete)
        horizontalAlignment: Text.AlignHCenter
        Accessible.ignored: !visible
        text: root.roomState.loadingOlder ? qsTr("Loading older messages…")
            : view.count === 0 ? qsTr("No messages yet. Say hello!")
            : qsTr("This is the start of #%1").arg(root.roomState.currentRoom)
        textFormat: Text.PlainText // room names are chosen by peers
        color: Theme.mutedText
        font.pointSize: Qt.application.font.pointSize * Theme.smallFont
    }

    ListView {
        id: view
        objectName: "messageList"

        //! Whether new messages scroll the view: true unless the user scrolled up.
        property bool followEnd: true

        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        spacing: 2
        model: root.roomState.messages
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Messages in %1").arg(root.roomState.currentRoom)
        bottomMargin: Theme.spacing
        ScrollBar.vertical: ScrollBar {}
        // A busy room scrolls a new message in and an old one out many times a second:
        // rebinding a pooled delegate costs a fraction of creating one.
        reuseItems: true

        // From the keyboard (Tab or Shift+Tab from the message field), one message at a time:
        // the focused one is what a screen reader reads; Up and Down move, Home and End go to
        // the oldest and newest loaded, Up on the oldest loads older ones, Ctrl+C copies.
        activeFocusOnTab: true
        keyNavigationEnabled: true
        currentIndex: -1
        highlightMoveDuration: 0
        // Arriving while the view follows new messages: the newest; else where the reader was.
        onActiveFocusChanged: if (activeFocus && (followEnd || currentIndex < 0 || currentIndex >= count)) currentIndex = count - 1
        // Reading an older message from the keyboard: new ones must not scroll it away.
        onCurrentIndexChanged: if (activeFocus) followEnd = currentIndex === count - 1
        Keys.onUpPressed: event => {
            if (currentIndex > 0)
                decrementCurrentIndex()
            else
                root.roomState.loadOlder()
        }
        Keys.onPressed: event => {
            if (event.key === Qt.Key_Home) {
                currentIndex = 0
                event.accepted = true
            } else if (event.key === Qt.Key_End) {
                currentIndex = count - 1
                event.accepted = true
            } else if (event.matches(StandardKey.Copy) && currentItem) {
                Clipboard.setText(currentItem.text)
                event.accepted = true
            }
        }

        delegate: MessageDelegate {
            roomState: root.roomState
            width: ListView.view.width
            // The current message takes the focus while the list has it (for the ring and
            // for screen readers, which read the focused item).
            focus: ListView.isCurrentItem
        }

        onMovementEnded: followEnd = atYEnd
        onCountChanged: if (followEnd) Qt.callLater(view.positionViewAtEnd)
        onModelChanged: {
            followEnd = true
            Qt.callLater(view.positionViewAtEnd)
        }
        onContentYChanged: if (atYBeginning && (dragging || flicking)) root.roomState.loadOlder()
    }
}
