// SPDX-License-Identifier: MIT
// Not `pragma ComponentBehavior: Bound`: Qt 6.4's Loader refuses to create a bound inline
// component ("outside its creation context") in a delegate the view made.
import QtQuick
import QtQuick.Controls
import Confab
import Confab.Ui

//! One message: ours on the right in the accent colour, others on the left with their name;
//! a run from the same person shows the name once.
//!
//! Built to be cheap per message, because a busy room inserts hundreds a second: the list
//! reuses delegates (only the required properties change), items are placed by a few
//! bindings rather than layouts, the body is a plain Text (a TextEdit, with its text document,
//! is loaded only under the mouse, for selecting), and the delivery line with its Retry button
//! exists only for our messages that are not delivered.
Item {
    id: root
    //! Where Retry goes (Controller.roomState, or a test double).
    required property RoomState roomState

    required property string name
    required property string text
    required property string timeText
    required property string clientId
    required property bool own
    required property bool groupedWithPrevious
    required property int deliveryState
    required property string error

    //! FocusRing draws around a message that has the focus from the keyboard.
    readonly property bool visualFocus: activeFocus
    //! The bubble and the lines above and below it are at most this wide.
    readonly property real maxWidth: width * 0.72
    readonly property real sideMargin: 2 * Theme.spacing
    //! Where an item of width \a w starts: ours on the right, others' on the left.
    function xFor(w: real): real {
        return own ? width - sideMargin - w : sideMargin
    }

    // One item for a screen reader: "Bob, 14:02: Hello", and the delivery when not delivered.
    // The labels inside say no more, so they are left out of the tree.
    Accessible.role: Accessible.ListItem
    Accessible.name: (own ? qsTr("You, %1: %2").arg(timeText).arg(text)
                          : qsTr("%1, %2: %3").arg(name).arg(timeText).arg(text))
                     + (deliveryState === MessageListModel.Sending ? " " + qsTr("(sending)")
                        : deliveryState === MessageListModel.Failed ? " " + qsTr("(not sent: %1)").arg(error)
                        : "")

    implicitHeight: bubble.y + bubble.height + (delivery.active ? 2 + delivery.height : 0)

    // The name and time, once per run.
    Item {
        id: header
        visible: !root.groupedWithPrevious
        y: Theme.spacing
        width: Math.min(author.implicitWidth + Theme.spacing + time.implicitWidth, root.maxWidth)
        height: Math.max(author.implicitHeight, time.implicitHeight)
        x: root.xFor(width)

        Label {
            id: author
            objectName: "author"
            Accessible.ignored: true
            width: header.width - Theme.spacing - time.implicitWidth
            anchors.verticalCenter: parent.verticalCenter
            text: root.own ? qsTr("You") : root.name
            // Names are chosen by peers: never markup, and never wider than the bubble.
            textFormat: Text.PlainText
            elide: Text.ElideRight
            font.bold: true
            color: root.own ? Theme.accent : Theme.text
        }
        Label {
            id: time
            Accessible.ignored: true
            anchors.right: parent.right
            anchors.verticalCenter: parent.verticalCenter
            text: root.timeText
            textFormat: Text.PlainText
            color: Theme.mutedText
            font.pointSize: Qt.application.font.pointSize * Theme.smallFont
        }
    }

    Rectangle {
        id: bubble
        readonly property real leftPadding: Theme.spacing + 2
        readonly property real rightPadding: Theme.spacing / 2 + 2
        readonly property real verticalPadding: Theme.spacing / 2 + 2

        y: header.visible ? header.y + header.height + 2 : 0
        width: Math.min(body.implicitWidth + 2 * Theme.spacing + 4, root.maxWidth)
        height: body.height + 2 * verticalPadding
        x: root.xFor(width)
        radius: Theme.radius
        color: root.own ? Theme.ownBubble : Theme.otherBubble
        border.width: root.deliveryState === MessageListModel.Failed || !root.own ? 1 : 0
        border.color: root.deliveryState === MessageListModel.Failed ? Theme.error : Theme.divider
        opacity: root.deliveryState === MessageListModel.Sending ? 0.7 : 1

        Text {
            id: body
            objectName: "body"
            x: bubble.leftPadding
            y: bubble.verticalPadding
            width: bubble.width - bubble.leftPadding - bubble.rightPadding
            // Hidden, not removed, while the selectable copy is over it: same size, no jump.
            opacity: selectable.item ? 0 : 1
            text: root.text
            wrapMode: Text.Wrap
            textFormat: Text.PlainText // peers' text: never markup
            color: root.own ? Theme.ownBubbleText : Theme.text
        }

        // Selecting text needs a TextEdit, which costs a text document per message: only the
        // message under the mouse has one, kept while some of it is selected.
        HoverHandler {
            id: hover
            objectName: "bubbleHover"
        }
        Loader {
            id: selectable
            //! Some of the copy is selected: it outlives the hover, so that it can be copied.
            property bool selecting: false

            x: body.x
            y: body.y
            width: body.width
            active: hover.hovered || selecting
            sourceComponent: TextEdit {
                objectName: "selectableBody"
                text: root.text
                readOnly: true
                selectByMouse: true
                wrapMode: Text.Wrap
                textFormat: TextEdit.PlainText
                font: body.font
                color: body.color
                selectionColor: Theme.accent
                onSelectedTextChanged: selectable.selecting = selectedText.length > 0
            }
        }
    }

    // Only our messages that are not delivered have this line, and only failed ones Retry.
    Loader {
        id: delivery
        active: root.own && root.deliveryState !== MessageListModel.Sent
        y: bubble.y + bubble.height + 2
        width: item ? Math.min(item.implicitWidth, root.maxWidth) : 0
        x: root.xFor(width)
        sourceComponent: Row {
            spacing: Theme.spacing
            Label {
                objectName: "deliveryLabel"
                Accessible.ignored: true
                anchors.verticalCenter: parent.verticalCenter
                // However long the server's reason, Retry stays within reach.
                width: Math.min(implicitWidth, root.maxWidth - (retry.visible ? retry.width + Theme.spacing : 0))
                text: root.deliveryState === MessageListModel.Sending
                      ? qsTr("Sending…")
                      : qsTr("Not sent: %1").arg(root.error)
                textFormat: Text.PlainText // the server's reason
                elide: Text.ElideRight
                color: root.deliveryState === MessageListModel.Failed ? Theme.error : Theme.mutedText
                font.pointSize: Qt.application.font.pointSize * Theme.smallFont
            }
            Button {
                id: retry
                objectName: "retryButton"
                Accessible.ignored: !visible
                Accessible.name: qsTr("Retry sending")
                visible: root.deliveryState === MessageListModel.Failed
                text: qsTr("Retry")
                flat: true
                onClicked: root.roomState.retryMessage(root.clientId)
            }
        }
    }
}
