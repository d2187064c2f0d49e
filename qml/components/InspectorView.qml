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
                text: inspector.inspector.eventLog.filterText
                onTextChanged: inspector.inspector.eventLog.filterText = text
            }
            Label {
                text: qsTr("%n events", "", inspector.inspector.eventLog.count)
                color: Theme.mutedText
            }
            Button {
                text: qsTr("Clear")
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
                ScrollBar.vertical: ScrollBar {}
                // Rows scroll past many times a second while hosting: rebind, don't recreate.
                reuseItems: true
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

                    width: ListView.view.width
                    implicitHeight: Math.max(timeLabel.implicitHeight, eventLabel.implicitHeight,
                                             argsLabel.implicitHeight) + 6
                    color: index % 2 ? "transparent" : Theme.divider

                    // Event names and arguments are whatever the server sent: plain text,
                    // so that markup shows as written and no <img> is ever fetched.
                    Label {
                        id: timeLabel
                        x: Theme.spacing
                        y: 3
                        text: logRow.timeText
                        textFormat: Text.PlainText
                        color: Theme.mutedText
                        font.family: Theme.monoFamily
                    }
                    Label {
                        id: arrow
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
                    text: qsTr("Event")
                }
                TextField {
                    id: eventField
                    objectName: "eventField"
                    Layout.preferredWidth: 180
                    placeholderText: "who"
                }
                Label {
                    text: qsTr("Arguments (JSON, comma-separated)")
                }
                TextField {
                    id: argsField
                    objectName: "argsField"
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
                    text: inspector.inspector.lastReply.length > 0 ? qsTr("Reply") : ""
                    color: Theme.mutedText
                }
                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        objectName: "replyLabel"
                        Layout.fillWidth: true
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
                        highlighted: true
                        enabled: eventField.text.trim().length > 0 && inspector.session.connected
                        onClicked: inspector.inspector.emitRaw(eventField.text, argsField.text, ackBox.checked)
                    }
                }
            }
        }
    }
}
