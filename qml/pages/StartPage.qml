// SPDX-License-Identifier: MIT
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab
import Confab.Ui

//! The first screen: a name, then either host a chat here or join a server.
Page {
    id: page
    //! What this page draws: the app's session (Controller.session) or a test double of the
    //! same type, and the settings (the name, the recent servers).
    required property Session session
    required property Preferences preferences
    objectName: "startPage"

    background: Rectangle {
        color: Theme.window
    }

    ToolButton {
        objectName: "settingsButton"
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: Theme.spacing
        text: "⚙  " + qsTr("Settings")
        onClicked: settingsDialog.open()
    }

    SettingsDialog {
        id: settingsDialog
        preferences: page.preferences
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 4 * Theme.spacing, 760)
        spacing: 3 * Theme.spacing

        ColumnLayout {
            Layout.alignment: Qt.AlignHCenter
            spacing: Theme.spacing / 2
            Label {
                Layout.alignment: Qt.AlignHCenter
                text: "Confab"
                font.pixelSize: 40
                font.weight: Font.DemiBold
                color: Theme.accent
            }
            Label {
                Layout.alignment: Qt.AlignHCenter
                text: qsTr("Chat with the people on your network, or look inside any Socket.IO server.")
                color: Theme.mutedText
            }
        }

        RowLayout {
            Layout.alignment: Qt.AlignHCenter
            spacing: Theme.spacing
            Label {
                text: qsTr("Your name")
            }
            TextField {
                id: nameField
                objectName: "nameField"
                Layout.preferredWidth: 260
                text: page.preferences.userName
                placeholderText: qsTr("e.g. Alice")
                maximumLength: 32
                onTextEdited: page.preferences.userName = text
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 2 * Theme.spacing

            Frame {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 1

                ColumnLayout {
                    anchors.fill: parent
                    spacing: Theme.spacing

                    Label {
                        text: qsTr("Host a chat on this network")
                        font.bold: true
                        font.pixelSize: 18
                    }
                    Label {
                        Layout.fillWidth: true
                        text: qsTr("Starts a Confab host on this computer. Anyone on your network can join it from Confab, a browser app or any Socket.IO client.")
                        wrapMode: Text.Wrap
                        color: Theme.mutedText
                    }
                    GridLayout {
                        columns: 2
                        columnSpacing: Theme.spacing
                        Label {
                            text: qsTr("Port")
                        }
                        SpinBox {
                            id: portField
                            objectName: "portField"
                            from: 0
                            to: 65535
                            value: 3000
                            editable: true
                            textFromValue: (value) => String(value)
                            valueFromText: (text) => parseInt(text)
                        }
                        Label {
                            text: qsTr("Password")
                        }
                        TextField {
                            id: hostPassword
                            objectName: "hostPassword"
                            Layout.fillWidth: true
                            echoMode: TextInput.Password
                            placeholderText: qsTr("optional")
                        }
                    }
                    Item {
                        Layout.fillHeight: true
                    }
                    Button {
                        objectName: "hostButton"
                        Layout.alignment: Qt.AlignRight
                        text: qsTr("Host")
                        highlighted: true
                        onClicked: page.session.hostChat(portField.value, hostPassword.text)
                    }
                }
            }

            Frame {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 1

                ColumnLayout {
                    anchors.fill: parent
                    spacing: Theme.spacing

                    Label {
                        objectName: "joinTitle"
                        text: qsTr("Join a server")
                        font.bold: true
                        font.pixelSize: 18
                    }
                    Label {
                        Layout.fillWidth: true
                        text: qsTr("Another Confab host, or any Socket.IO v4 server.")
                        wrapMode: Text.Wrap
                        color: Theme.mutedText
                    }
                    GridLayout {
                        columns: 2
                        columnSpacing: Theme.spacing
                        Label {
                            text: qsTr("Address")
                        }
                        ComboBox {
                            id: urlField
                            objectName: "urlField"
                            Layout.fillWidth: true
                            editable: true
                            model: page.preferences.recentServers
                            Component.onCompleted: editText = page.preferences.recentServers.length > 0
                                                   ? page.preferences.recentServers[0]
                                                   : "http://127.0.0.1:3000"
                            onAccepted: joinButton.clicked()
                        }
                        Label {
                            text: qsTr("Password")
                        }
                        TextField {
                            id: joinPassword
                            objectName: "joinPassword"
                            Layout.fillWidth: true
                            echoMode: TextInput.Password
                            placeholderText: qsTr("if the host asks for one")
                        }
                    }
                    Item {
                        Layout.fillHeight: true
                    }
                    Button {
                        id: joinButton
                        objectName: "joinButton"
                        Layout.alignment: Qt.AlignRight
                        text: qsTr("Join")
                        highlighted: true
                        enabled: urlField.editText.trim().length > 0
                        onClicked: page.session.joinServer(urlField.editText, joinPassword.text)
                    }
                }
            }
        }
    }
}
