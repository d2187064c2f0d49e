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
    //! The Confab hosts on the local network (Controller.foundHosts, or a test's model).
    required property FoundHostsModel foundHosts
    objectName: "startPage"

    //! Joins a host from the list: its URL goes into the address field; a host that asks for
    //! a password waits for one (Enter in the password field joins).
    function joinFound(url: string, passwordRequired: bool) {
        urlField.editText = url
        if (passwordRequired && joinPassword.text.length === 0) {
            joinPassword.forceActiveFocus()
            return
        }
        page.session.joinServer(url, joinPassword.text)
    }

    background: Rectangle {
        color: Theme.window
    }
    Accessible.name: qsTr("Start")

    ToolButton {
        objectName: "settingsButton"
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: Theme.spacing
        text: "⚙  " + qsTr("Settings")
        // The gear is decoration: a screen reader says the word only.
        Accessible.name: qsTr("Settings")
        Accessible.description: qsTr("Shortcut: %1").arg(KeyMap.settings)
        onClicked: settingsDialog.open()
    }

    SettingsDialog {
        id: settingsDialog
        preferences: page.preferences
        onShortcutsRequested: shortcutsDialog.open()
    }
    ShortcutsDialog {
        id: shortcutsDialog
    }
    Shortcut {
        sequence: KeyMap.settings
        enabled: !settingsDialog.opened && !shortcutsDialog.opened
        onActivated: settingsDialog.open()
    }
    Shortcut {
        sequence: KeyMap.help
        enabled: !settingsDialog.opened && !shortcutsDialog.opened
        onActivated: shortcutsDialog.open()
    }
    FocusRing {}
    // Typing starts in the name field.
    Component.onCompleted: nameField.forceActiveFocus()

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
                font.pointSize: Qt.application.font.pointSize * Theme.logoFont
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
                id: nameLabel
                text: qsTr("Your name")
            }
            TextField {
                id: nameField
                objectName: "nameField"
                Accessible.name: nameLabel.text
                Layout.preferredWidth: 18.5 * Theme.em
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
                Accessible.role: Accessible.Grouping
                Accessible.name: hostTitle.text

                ColumnLayout {
                    anchors.fill: parent
                    spacing: Theme.spacing

                    Label {
                        id: hostTitle
                        text: qsTr("Host a chat on this network")
                        font.bold: true
                        font.pointSize: Qt.application.font.pointSize * Theme.headingFont
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
                            id: portLabel
                            text: qsTr("Port")
                        }
                        SpinBox {
                            id: portField
                            objectName: "portField"
                            Accessible.name: portLabel.text
                            from: 0
                            to: 65535
                            value: 3000
                            editable: true
                            textFromValue: (value) => String(value)
                            valueFromText: (text) => parseInt(text)
                        }
                        Label {
                            id: hostPasswordLabel
                            text: qsTr("Password")
                        }
                        TextField {
                            id: hostPassword
                            objectName: "hostPassword"
                            // Qt 6.4 blanks a password field's name, so its label goes into the
                            // description too, which screen readers say; again once Qt has set
                            // its own (the placeholder) on activation. Two fields are labelled
                            // "Password": it says which.
                            Accessible.name: qsTr("%1 for hosting").arg(hostPasswordLabel.text)
                            Accessible.description: AccessibilityState.active
                                                    ? qsTr("%1 for hosting").arg(hostPasswordLabel.text)
                                                    : qsTr("%1 for hosting").arg(hostPasswordLabel.text)
                            Layout.fillWidth: true
                            echoMode: TextInput.Password
                            placeholderText: qsTr("optional")
                        }
                    }
                    CheckBox {
                        objectName: "announceBox"
                        text: qsTr("Announce it on this network, so that others find it")
                        checked: page.preferences.announceHost
                        onToggled: page.preferences.announceHost = checked
                    }
                    Item {
                        Layout.fillHeight: true
                    }
                    Button {
                        objectName: "hostButton"
                        Layout.alignment: Qt.AlignRight
                        text: qsTr("Host")
                        Accessible.name: qsTr("Host a chat")
                        highlighted: true
                        onClicked: page.session.hostChat(portField.value, hostPassword.text)
                    }
                }
            }

            Frame {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 1
                Accessible.role: Accessible.Grouping
                Accessible.name: joinTitle.text

                ColumnLayout {
                    anchors.fill: parent
                    spacing: Theme.spacing

                    Label {
                        id: joinTitle
                        objectName: "joinTitle"
                        text: qsTr("Join a server")
                        font.bold: true
                        font.pointSize: Qt.application.font.pointSize * Theme.headingFont
                    }
                    Label {
                        Layout.fillWidth: true
                        text: qsTr("Another Confab host, or any Socket.IO v4 server.")
                        wrapMode: Text.Wrap
                        color: Theme.mutedText
                    }
                    Label {
                        text: qsTr("On your network")
                        font.bold: true
                    }
                    Label {
                        objectName: "discoveryStatus"
                        Layout.fillWidth: true
                        visible: !page.foundHosts.available || page.foundHosts.count === 0
                        text: page.foundHosts.available
                              ? qsTr("Looking for hosts on your network…")
                              : qsTr("Discovery is off: %1").arg(page.foundHosts.unavailableReason)
                        textFormat: Text.PlainText
                        wrapMode: Text.Wrap
                        color: Theme.mutedText
                        font.italic: true
                    }
                    ListView {
                        id: foundList
                        objectName: "foundHostsList"
                        Layout.fillWidth: true
                        Layout.preferredHeight: Math.min(contentHeight, 160)
                        visible: count > 0
                        clip: true
                        model: page.foundHosts
                        activeFocusOnTab: true
                        keyNavigationEnabled: true
                        boundsBehavior: Flickable.StopAtBounds
                        Accessible.role: Accessible.List
                        Accessible.name: qsTr("Hosts on your network")
                        Accessible.ignored: !visible
                        Keys.onReturnPressed: if (currentItem) currentItem.clicked()
                        Keys.onEnterPressed: if (currentItem) currentItem.clicked()

                        delegate: ItemDelegate {
                            id: hostDelegate
                            required property int index
                            required property string name
                            required property string url
                            required property string address
                            required property bool passwordRequired

                            objectName: "foundHost_" + index
                            width: ListView.view.width
                            highlighted: ListView.isCurrentItem && foundList.activeFocus
                            focusPolicy: Qt.NoFocus
                            Accessible.role: Accessible.Button
                            Accessible.name: passwordRequired
                                             ? qsTr("Join %1 at %2 (asks for a password)").arg(name).arg(address)
                                             : qsTr("Join %1 at %2").arg(name).arg(address)
                            onClicked: {
                                foundList.currentIndex = index
                                page.joinFound(url, passwordRequired)
                            }

                            contentItem: RowLayout {
                                spacing: Theme.spacing
                                Label {
                                    Layout.fillWidth: true
                                    text: hostDelegate.name
                                    textFormat: Text.PlainText
                                    elide: Text.ElideRight
                                    font.bold: true
                                }
                                Label {
                                    text: hostDelegate.address
                                    textFormat: Text.PlainText
                                    elide: Text.ElideMiddle
                                    Layout.maximumWidth: hostDelegate.width / 2
                                    color: Theme.mutedText
                                }
                                // A padlock, drawn: no icon font is needed for it. Its
                                // place is kept on every row, so the addresses line up.
                                Item {
                                    implicitWidth: 12
                                    implicitHeight: 14
                                    Accessible.ignored: true
                                    Item {
                                        objectName: "lock"
                                        anchors.fill: parent
                                        visible: hostDelegate.passwordRequired
                                        Rectangle {
                                            x: 2
                                            width: 8
                                            height: 10
                                            radius: 4
                                            color: "transparent"
                                            border.color: Theme.mutedText
                                            border.width: 2
                                        }
                                        Rectangle {
                                            y: 6
                                            width: 12
                                            height: 8
                                            radius: 2
                                            color: Theme.mutedText
                                        }
                                    }
                                }
                            }
                        }
                    }
                    GridLayout {
                        columns: 2
                        columnSpacing: Theme.spacing
                        Label {
                            id: addressLabel
                            text: qsTr("Address")
                        }
                        ComboBox {
                            id: urlField
                            objectName: "urlField"
                            Accessible.name: addressLabel.text
                            Accessible.description: qsTr("The server's address, or one used before")
                            Layout.fillWidth: true
                            editable: true
                            model: page.preferences.recentServers
                            // The editable part is a text field of its own: named too.
                            Component.onCompleted: {
                                contentItem.Accessible.name = Qt.binding(() => addressLabel.text)
                                editText = page.preferences.recentServers.length > 0
                                                   ? page.preferences.recentServers[0]
                                                   : "http://127.0.0.1:3000"
                            }
                            onAccepted: joinButton.clicked()
                        }
                        Label {
                            id: joinPasswordLabel
                            text: qsTr("Password")
                        }
                        TextField {
                            id: joinPassword
                            objectName: "joinPassword"
                            Accessible.name: qsTr("%1 for joining").arg(joinPasswordLabel.text)
                            Accessible.description: AccessibilityState.active
                                                    ? qsTr("%1 for joining").arg(joinPasswordLabel.text)
                                                    : qsTr("%1 for joining").arg(joinPasswordLabel.text)
                            Layout.fillWidth: true
                            echoMode: TextInput.Password
                            placeholderText: qsTr("if the host asks for one")
                            onAccepted: if (joinButton.enabled) joinButton.clicked()
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
                        Accessible.name: qsTr("Join the server")
                        highlighted: true
                        enabled: urlField.editText.trim().length > 0
                        onClicked: page.session.joinServer(urlField.editText, joinPassword.text)
                    }
                }
            }
        }
    }
}
