// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab
import Confab.Ui

//! Every Socket.IO event in and out of this connection, filterable, and a form to emit any
//! event with JSON arguments and see its ack.
Pane {
    id: inspector
    //! The log and raw emits (Controller.inspector, or a test double), and the session whose
    //! connection they go over.
    required property Inspector inspector
    required property Session session
    Accessible.name: qsTr("Inspector")

    function focusFilter() {
        filterField.forceActiveFocus(Qt.ShortcutFocusReason)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            TextField {
                id: filterField
                objectName: "filterField"
                Layout.fillWidth: true
                placeholderText: qsTr("Filter by event, namespace or arguments")
                Accessible.name: qsTr("Filter events")
                text: inspector.inspector.eventLog.filterText
                onTextChanged: inspector.inspector.eventLog.filterText = text
            }
            Label {
                text: qsTr("%n events", "", inspector.inspector.eventLog.count)
                color: Theme.mutedText
            }
            Button {
                objectName: "clearButton"
                text: qsTr("Clear")
                Accessible.name: qsTr("Clear the event log")
                onClicked: inspector.inspector.eventLog.clear()
            }
        }

        Frame {
            Layout.fillWidth: true
            Layout.fillHeight: true
            padding: 1

            ListView {
                id: log
                objectName: "eventLogView"
                anchors.fill: parent
                clip: true
                // Only while on screen: hosting logs every event of the room, and a hidden
                // view would still lay out and create rows for each batch of them.
                model: inspector.visible ? inspector.inspector.eventLog : null
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Events")
                ScrollBar.vertical: ScrollBar {}
                // Rows scroll past many times a second while hosting: rebind, don't recreate.
                reuseItems: true
                // From the keyboard one event at a time, as the messages: Tab reaches the log,
                // Up/Down/Home/End move, Ctrl+C copies the event's arguments.
                activeFocusOnTab: true
                keyNavigationEnabled: true
                currentIndex: -1
                highlightMoveDuration: 0
                // Arriving at the live end (the log following new events): the newest event.
                onActiveFocusChanged: if (activeFocus && (atYEnd || currentIndex < 0 || currentIndex >= count)) currentIndex = count - 1
                Keys.onPressed: event => {
                    if (event.key === Qt.Key_Home) {
                        currentIndex = 0
                        event.accepted = true
                    } else if (event.key === Qt.Key_End) {
                        currentIndex = count - 1
                        event.accepted = true
                    } else if (event.matches(StandardKey.Copy) && currentItem) {
                        Clipboard.setText(currentItem.args)
                        event.accepted = true
                    }
                }
                onCountChanged: if (atYEnd || count < 3) Qt.callLater(log.positionViewAtEnd)

                // Placed by hand rather than by a RowLayout: one row is made (or rebound) per
                // event shown, and a layout costs a polish pass per row.
                delegate: Rectangle {
                    id: logRow
                    required property int index
                    required property string timeText
                    required property int direction
                    required property string nsp
                    required property string event
                    required property string args

                    //! FocusRing draws around the row that has the focus from the keyboard.
                    readonly property bool visualFocus: activeFocus
                    focus: ListView.isCurrentItem
                    width: ListView.view.width
                    implicitHeight: Math.max(timeLabel.implicitHeight, eventLabel.implicitHeight,
                                             argsLabel.implicitHeight) + 6
                    // One line for a screen reader, the arrow said in words; the labels
                    // inside say no more, so they are left out of the tree.
                    Accessible.role: Accessible.ListItem
                    Accessible.name: qsTr("%1 %2 at %3: %4")
                        .arg(direction === EventLogModel.Incoming ? qsTr("Received") : direction === EventLogModel.Outgoing ? qsTr("Sent") : qsTr("Ack"))
                        .arg((nsp === "/" ? "" : nsp + " ") + event).arg(timeText).arg(args)
                    color: index % 2 ? "transparent" : Theme.divider

                    // Event names and arguments are whatever the server sent: plain text,
                    // so that markup shows as written and no <img> is ever fetched.
                    Label {
                        id: timeLabel
                        Accessible.ignored: true
                        x: Theme.spacing
                        y: 3
                        text: logRow.timeText
                        textFormat: Text.PlainText
                        color: Theme.mutedText
                        font.family: Theme.monoFamily
                    }
                    Label {
                        id: arrow
                        Accessible.ignored: true
                        x: timeLabel.x + timeLabel.implicitWidth + Theme.spacing
                        y: 3
                        width: 28
                        text: logRow.direction === EventLogModel.Incoming ? "⬇"
                            : logRow.direction === EventLogModel.Outgoing ? "⬆" : "↩"
                        color: logRow.direction === EventLogModel.Incoming ? Theme.ok
                             : logRow.direction === EventLogModel.Outgoing ? Theme.accent : Theme.warning
                        font.bold: true
                        horizontalAlignment: Text.AlignHCenter
                    }
                    Label {
                        id: eventLabel
                        Accessible.ignored: true
                        objectName: "eventName"
                        x: arrow.x + arrow.width + Theme.spacing
                        y: 3
                        width: 140
                        text: (logRow.nsp === "/" ? "" : logRow.nsp + " ") + logRow.event
                        textFormat: Text.PlainText
                        font.family: Theme.monoFamily
                        font.bold: true
                        elide: Text.ElideRight
                    }
                    Label {
                        id: argsLabel
                        Accessible.ignored: true
                        objectName: "eventArgs"
                        x: eventLabel.x + eventLabel.width + Theme.spacing
                        y: 3
                        width: Math.max(0, logRow.width - x - Theme.spacing)
                        text: logRow.args
                        textFormat: Text.PlainText
                        font.family: Theme.monoFamily
                        wrapMode: Text.WrapAnywhere
                        maximumLineCount: 4
                        elide: Text.ElideRight
                    }
                }
            }
        }

        GroupBox {
            Layout.fillWidth: true
            title: qsTr("Emit an event")

            GridLayout {
                anchors.fill: parent
                columns: 4
                columnSpacing: Theme.spacing

                Label {
                    id: eventLabel
                    text: qsTr("Event")
                }
                TextField {
                    id: eventField
                    objectName: "eventField"
                    Accessible.name: eventLabel.text
                    Layout.preferredWidth: 13 * Theme.em
                    placeholderText: "who"
                }
                Label {
                    id: argsLabel
                    text: qsTr("Arguments (JSON, comma-separated)")
                }
                TextField {
                    id: argsField
                    objectName: "argsField"
                    Accessible.name: argsLabel.text
                    Layout.fillWidth: true
                    placeholderText: "{\"room\": \"lobby\"}"
                    font.family: Theme.monoFamily
                    onAccepted: emitButton.clicked()
                }
                Item {
                    implicitWidth: 1
                }
                CheckBox {
                    id: ackBox
                    objectName: "ackBox"
                    text: qsTr("Ask for an ack")
                    palette.window: Theme.indicatorWindow
                    checked: true
                }
                Label {
                    Layout.columnSpan: 1
                    Accessible.ignored: true // the reply's name
                    text: inspector.inspector.lastReply.length > 0 ? qsTr("Reply") : ""
                    color: Theme.mutedText
                }
                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        objectName: "replyLabel"
                        Layout.fillWidth: true
                        Accessible.name: qsTr("Reply: %1").arg(text)
                        Accessible.ignored: text.length === 0
                        text: inspector.inspector.lastReply
                        textFormat: Text.PlainText
                        font.family: Theme.monoFamily
                        wrapMode: Text.WrapAnywhere
                        maximumLineCount: 3
                        elide: Text.ElideRight
                    }
                    Button {
                        id: emitButton
                        objectName: "emitButton"
                        text: qsTr("Emit")
                        Accessible.name: qsTr("Emit the event")
                        highlighted: true
                        enabled: eventField.text.trim().length > 0 && inspector.session.connected
                        onClicked: inspector.inspector.emitRaw(eventField.text, argsField.text, ackBox.checked)
                    }
                }
            }
        }
    }
}
