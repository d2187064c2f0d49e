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

        delegate: MessageDelegate {
            roomState: root.roomState
            width: ListView.view.width
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
