// SPDX-License-Identifier: MIT
#pragma once

#include "chatclient.h"
#include "desktopnotifier.h"
#include "eventlogmodel.h"
#include "messagelistmodel.h"
#include "roomlistmodel.h"
#include "sidlistmodel.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QTimer>
#include <QtCore/QUrl>
#include <QtNetwork/QHostAddress>
#include <QtQml/QQmlEngine>

#include <memory>

namespace Confab {
namespace App {
class EmbeddedHost;
}
struct ClientInfo;
} // namespace Confab

//! \brief Everything the desktop UI talks to: hosting or joining, rooms, messages, sids, and
//! the inspector's event log.
//!
//! Owns the Socket.IO client, the ChatClient event bus over it, the models, and when a person
//! hosts, an embedded Confab::ChatHost on a thread of its own (Confab::App::EmbeddedHost). The
//! app's own client joins its own host over loopback, through exactly the code path of a
//! remote join.
//!
//! A QML singleton: main() creates one and hands it to setInstance() before QML loads, so
//! that QML and C++ share it; create() returns that instance.
class AppController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(Mode mode READ mode NOTIFY modeChanged)
    //! Human-readable: "Connecting…", "Connected", "Reconnecting in 3 s", "Refused: <reason>".
    Q_PROPERTY(QString connectionState READ connectionState NOTIFY connectionStateChanged)
    Q_PROPERTY(bool connected READ isConnected NOTIFY connectionStateChanged)
    //! The last thing that went wrong, for the error banner; empty when dismissed.
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    //! The name the user wants (remembered across runs).
    Q_PROPERTY(QString userName READ userName WRITE setUserName NOTIFY userNameChanged)
    //! The name the host gave us (may carry a suffix such as "alice (2)").
    Q_PROPERTY(QString myName READ myName NOTIFY myNameChanged)
    Q_PROPERTY(QString mySid READ mySid NOTIFY mySidChanged)
    Q_PROPERTY(QStringList recentServers READ recentServers NOTIFY recentServersChanged)
    //! Where others can join our host: one URL per non-loopback address.
    Q_PROPERTY(QStringList hostUrls READ hostUrls NOTIFY hostUrlsChanged)
    Q_PROPERTY(int hostPort READ hostPort NOTIFY hostUrlsChanged)
    Q_PROPERTY(QUrl serverUrl READ serverUrl NOTIFY serverUrlChanged)
    Q_PROPERTY(QString currentRoom READ currentRoom WRITE setCurrentRoom NOTIFY currentRoomChanged)
    //! The messages of currentRoom (an empty model when there is none).
    Q_PROPERTY(MessageListModel *messages READ messages NOTIFY currentRoomChanged)
    //! "Bob is typing…" for the current room, or empty.
    Q_PROPERTY(QString typingText READ typingText NOTIFY typingTextChanged)
    Q_PROPERTY(bool loadingOlder READ isLoadingOlder NOTIFY loadingOlderChanged)
    Q_PROPERTY(RoomListModel *rooms READ rooms CONSTANT)
    Q_PROPERTY(SidListModel *sids READ sids CONSTANT)
    Q_PROPERTY(EventLogFilterModel *eventLog READ eventLog CONSTANT)
    //! Notifications and the unread badge while the window is not active.
    Q_PROPERTY(DesktopNotifier *notifier READ notifier CONSTANT)
    //! The answer to the inspector's last emitRaw(): the ack as JSON, or why there is none.
    Q_PROPERTY(QString lastReply READ lastReply NOTIFY lastReplyChanged)
public:
    enum class Mode {
        Idle, //!< on the start page
        Hosting, //!< running a host, and joined to it
        Joined, //!< joined to someone else's server
    };
    Q_ENUM(Mode)

    //! The port a host tries first, and how many after it when taken.
    static constexpr quint16 DefaultPort = 3000;
    static constexpr int PortAttempts = 20;

    //! No default argument on purpose: Qt 6.4 constructs a default-constructible singleton
    //! itself and never calls create(), so QML would get a second controller.
    explicit AppController(QObject *parent);
    ~AppController() override;

    //! \brief The instance QML gets; set it before the engine loads anything.
    static void setInstance(AppController *instance);
    static AppController *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);

    // Configuration from C++ (command line, tests).
    //! Where a host listens; all addresses by default.
    void setHostAddress(const QHostAddress &address) { m_hostAddress = address; }
    //! The host's message store: a folder or ":memory:"; empty means the app's data folder.
    void setHostDataLocation(const QString &location) { m_hostDataLocation = location; }
    //! Shorter reconnection delays, for tests.
    void setReconnectionDelays(int firstMs, int maxMs);

    Mode mode() const { return m_mode; }
    QString connectionState() const;
    bool isConnected() const;
    QString lastError() const { return m_lastError; }
    QString userName() const { return m_userName; }
    void setUserName(const QString &name);
    QString myName() const;
    QString mySid() const;
    QStringList recentServers() const { return m_recentServers; }
    QStringList hostUrls() const { return m_hostUrls; }
    int hostPort() const;
    QUrl serverUrl() const { return m_serverUrl; }
    QString currentRoom() const { return m_currentRoom; }
    void setCurrentRoom(const QString &room);
    MessageListModel *messages() const;
    QString typingText() const { return m_typingText; }
    bool isLoadingOlder() const { return m_loadingOlder; }
    RoomListModel *rooms() const { return m_rooms; }
    SidListModel *sids() const { return m_sids; }
    EventLogFilterModel *eventLog() const { return m_eventLogFilter; }
    EventLogModel *eventLogSource() const { return m_eventLog; }
    DesktopNotifier *notifier() const { return m_notifier; }
    QString lastReply() const { return m_lastReply; }

    Confab::Client::SocketIoClient *socket() const { return m_socket; }
    Confab::Client::ChatClient *chat() const { return m_chat; }
    //! The running host (it lives on a thread of its own), or null.
    Confab::App::EmbeddedHost *host() const { return m_host.get(); }
    //! The model of \a room, created on demand.
    MessageListModel *messagesOf(const QString &room);

    //! \brief Starts a host on \a port (the next free one if taken; 0 picks any) and joins it.
    Q_INVOKABLE bool hostChat(int port = DefaultPort, const QString &password = {});
    //! \brief Joins the server at \a url ("host:port" is read as http://host:port/).
    Q_INVOKABLE bool joinServer(const QString &url, const QString &password = {});
    //! \brief Disconnects, stops hosting, and returns to Idle.
    Q_INVOKABLE void leave();

    Q_INVOKABLE void joinRoom(const QString &room);
    Q_INVOKABLE void leaveRoom(const QString &room);
    //! \brief Sends \a text to the current room; returns the message's client id.
    Q_INVOKABLE QString sendMessage(const QString &text);
    Q_INVOKABLE bool retryMessage(const QString &clientId);
    //! \brief Asks for the messages before the oldest one shown.
    Q_INVOKABLE void loadOlder();
    //! \brief The composer's text changed: tells the room we are typing, and that we stopped
    //! after a pause or when it is cleared.
    Q_INVOKABLE void composerEdited(const QString &text);
    Q_INVOKABLE void rename(const QString &name);
    Q_INVOKABLE void refreshSids();
    //! \brief Hosting only: disconnects \a sid and closes its connection.
    Q_INVOKABLE void disconnectSid(const QString &sid, const QString &nsp = QStringLiteral("/"));
    //! \brief Emits \a event with \a jsonArgs (comma-separated JSON values, may be empty).
    //! False (and lastError set) when the arguments are not valid JSON.
    Q_INVOKABLE bool emitRaw(const QString &event, const QString &jsonArgs, bool wantAck);
    Q_INVOKABLE void clearError();

Q_SIGNALS:
    void modeChanged();
    void connectionStateChanged();
    void lastErrorChanged();
    void userNameChanged();
    void myNameChanged();
    void mySidChanged();
    void recentServersChanged();
    void hostUrlsChanged();
    void serverUrlChanged();
    void currentRoomChanged();
    void typingTextChanged();
    void loadingOlderChanged();
    void lastReplyChanged();

protected:
    //! Re-emits the texts made in C++ (connection state, who is typing) when the language
    //! changes, so that QML shows them in the new one.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Typer
    {
        QString name;
        qint64 until = 0; //!< ms since epoch after which the notice is stale
    };

    void setMode(Mode mode);
    void setLastError(const QString &error);
    void setLoadingOlder(bool loading);
    //! \a deviceScope: see ChatClient::connectToHost().
    void startSession(const QUrl &url, const QString &password, const QString &deviceScope = {});
    void resetSession();
    void rememberServer(const QString &url);
    void watchHost();
    void updateTypingText();
    void updateMemberCount(const QString &room);
    void scheduleWho();

    void onWelcomed(const QString &name, const QString &sid,
                    const QList<Confab::Client::ChatRoomSummary> &rooms);
    void onRoomJoined(const QString &room, const QList<Confab::Client::ChatMember> &members,
                      const QList<Confab::Client::ChatMessage> &history);
    void onRoomLeft(const QString &room);
    void onMemberJoined(const QString &room, const QString &sid, const QString &name);
    void onMemberLeft(const QString &room, const QString &sid, const QString &name);
    void onMessageReceived(const Confab::Client::ChatMessage &message);
    void onTyping(const QString &room, const QString &sid, const QString &name, bool typing);
    void onRenamed(const QString &sid, const QString &oldName, const QString &name);
    void onPeers(const QList<Confab::Client::ChatPeer> &peers);
    static QStringList displayRooms(const QString &sid, const QString &nsp,
                                    const QStringList &socketIoRooms);
    void onHostClientConnected(const Confab::ClientInfo &info);

    static AppController *s_instance;

    Confab::Client::SocketIoClient *m_socket;
    Confab::Client::ChatClient *m_chat;
    std::unique_ptr<Confab::App::EmbeddedHost> m_host;
    RoomListModel *m_rooms;
    SidListModel *m_sids;
    EventLogModel *m_eventLog;
    EventLogFilterModel *m_eventLogFilter;
    DesktopNotifier *m_notifier;
    MessageListModel *m_noMessages; //!< what messages() returns without a current room
    QHash<QString, MessageListModel *> m_messages; //!< by room; children of this
    QHash<QString, QHash<QString, QString>> m_members; //!< room → sid → name, rooms we are in
    QHash<QString, QHash<QString, Typer>> m_typers; //!< room → sid → who is typing
    QString m_autoOpenRoom; //!< a room the user asked to join: shown once joined

    Mode m_mode = Mode::Idle;
    QHostAddress m_hostAddress = QHostAddress::Any;
    QString m_hostDataLocation;
    QUrl m_serverUrl;
    QString m_refusal; //!< the host's CONNECT_ERROR message, until the next attempt
    QString m_lastError;
    QString m_userName;
    QStringList m_recentServers;
    QStringList m_hostUrls;
    QString m_currentRoom;
    QString m_typingText;
    QString m_lastReply;
    bool m_loadingOlder = false;
    QTimer m_countdown; //!< refreshes "Reconnecting in N s"
    QTimer m_typingIdle; //!< stops our typing notice after a pause
    QTimer m_typingExpiry; //!< drops others' typing notices that were never cleared
    QTimer m_whoDebounce; //!< joined mode: re-asks `who` after presence changes
};
