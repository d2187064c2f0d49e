// SPDX-License-Identifier: MIT
// The fake controller the page tests draw: same properties and slots as AppController, backed
// by ListModels; records each call. Shared by tst_pages_fake.qml and tst_hostile.qml.
import QtQuick
import Confab

QtObject {
    property int mode: AppController.Joined
    property string connectionState: ""
    property bool connected: true
    property string lastError: ""
    property string userName: "tester"
    property string myName: "tester"
    property string mySid: "me"
    property var recentServers: []
    property var hostUrls: []
    property int hostPort: 0
    property url serverUrl: "http://127.0.0.1:4000/"
    property string currentRoom: "lobby"
    property string typingText: ""
    property bool loadingOlder: false
    property string lastReply: ""
    property QtObject notifier: QtObject { property bool enabled: true }
    property ListModel messages: ListModel { property bool historyComplete: true }
    property ListModel rooms: ListModel {}
    property ListModel sids: ListModel {}
    property ListModel eventLog: ListModel { property string filterText: "" }

    property var calls: []
    function record(name, args) {
        calls = calls.concat([[name].concat(args)])
    }
    function hostChat(port, password) { record("hostChat", [port, password]); return true }
    function joinServer(url, password) { record("joinServer", [url, password]); return true }
    function leave() { record("leave", []) }
    function joinRoom(room) { record("joinRoom", [room]) }
    function leaveRoom(room) { record("leaveRoom", [room]) }
    function sendMessage(text) { record("sendMessage", [text]) }
    function retryMessage(clientId) { record("retryMessage", [clientId]) }
    function composerEdited(text) { record("composerEdited", [text]) }
    function loadOlder() { record("loadOlder", []) }
    function refreshSids() { record("refreshSids", []) }
    function disconnectSid(sid, nsp) { record("disconnectSid", [sid, nsp]) }
    function emitRaw(event, args, ack) { record("emitRaw", [event, args, ack]); return true }
    function clearError() { record("clearError", []) }
}
