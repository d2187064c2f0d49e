// SPDX-License-Identifier: MIT
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Confab.Ui

//! A strip across the top of the window for the last error; hidden when there is none.
Rectangle {
    id: banner

    property string text
    signal dismissed

    visible: text.length > 0
    implicitHeight: visible ? row.implicitHeight + 2 * Theme.spacing : 0
    color: Theme.errorBackground
    // One alert with the error's text; without an error, nothing at all in the tree (the
    // children of an ignored item would still be listed, so they are ignored too).
    Accessible.role: Accessible.AlertMessage
    Accessible.name: qsTr("Error: %1").arg(banner.text)
    Accessible.ignored: !visible

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: 2 * Theme.spacing
        anchors.rightMargin: Theme.spacing
        spacing: Theme.spacing

        Label {
            text: "⚠"
            Accessible.ignored: true // decoration; the banner says "Error"
            color: Theme.error
            font.bold: true
        }
        Label {
            objectName: "errorText"
            Layout.fillWidth: true
            text: banner.text
            Accessible.ignored: true // the banner's name
            // Server and network texts (a CONNECT_ERROR, an HTTP body): never markup.
            textFormat: Text.PlainText
            color: Theme.error
            wrapMode: Text.Wrap
            // A server's error can be any length: a few lines, never the whole window.
            maximumLineCount: 4
            elide: Text.ElideRight
        }
        ToolButton {
            objectName: "dismissButton"
            text: qsTr("Dismiss")
            Accessible.name: qsTr("Dismiss the error")
            Accessible.ignored: !visible
            onClicked: banner.dismissed()
        }
    }
}
