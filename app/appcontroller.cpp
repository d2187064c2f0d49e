// SPDX-License-Identifier: MIT
#include "appcontroller.h"

#include "applogging.h"
#include "chathost.h"
#include "chatstore.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QSettings>
#include <QtCore/QUuid>

#include <cmath>

using namespace Qt::StringLiterals;
using Confab::Client::ChatClient;
using Confab::Client::ChatMessage;
using Confab::Client::SocketIoClient;

namespace {

constexpr int MaxRecentServers = 8;
constexpr int HistoryPage = 50; //!< what `join` returns and what loadOlder() asks for
constexpr int TypingIdleMs = 4000; //!< our notice stops after this long without a keystroke
constexpr qint64 TypingStaleMs = 8000; //!< others' notices expire if never cleared

const QString SettingUserName = u"userName"_s;
const QString SettingRecentServers = u"recentServers"_s;
const QString SettingInstallId = u"deviceId"_s;
const QString DefaultRoom = u"lobby"_s;

} // namespace

AppController *AppController::s_instance = nullptr;

AppController::AppController(QObject *parent)
    : QObject(parent)
    , m_socket(new SocketIoClient(this))
    , m_chat(new ChatClient(m_socket, this))
    , m_rooms(new RoomListModel(this))
    , m_sids(new SidListModel(this))
    , m_eventLog(new EventLogModel(this))
    , m_eventLogFilter(new EventLogFilterModel(m_eventLog, this))
    , m_notifier(new DesktopNotifier(this))
    , m_noMessages(new MessageListModel({}, this))
{
    // QCoreApplication::installTranslator() sends LanguageChange to the application object.
    if (QCoreApplication::instance())
        QCoreApplication::instance()->installEventFilter(this);

    QSettings settings;
    m_userName = settings.value(SettingUserName).toString();
    if (m_userName.isEmpty())
        m_userName = qEnvironmentVariable("USER");
    m_recentServers = settings.value(SettingRecentServers).toStringList();
    // One secret per install, so that hosts mark our messages as ours after a restart too.
    // Servers never see it: each gets an id derived from it and its own origin, so that no two
    // of them can link our names. (The setting kept its old name: the id is the same secret,
    // only what is sent changed.)
    QString installId = settings.value(SettingInstallId).toString();
    if (installId.isEmpty()) {
        installId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        settings.setValue(SettingInstallId, installId);
    }
    m_chat->setInstallId(installId);

    // Connection state.
    connect(m_socket, &SocketIoClient::stateChanged, this, [this](SocketIoClient::State state) {
        if (state == SocketIoClient::State::Reconnecting)
            m_countdown.start();
        else
            m_countdown.stop();
        if (state == SocketIoClient::State::Connecting)
            m_refusal.clear();
        Q_EMIT connectionStateChanged();
    });
    connect(m_socket, &SocketIoClient::reconnectScheduled, this,
            &AppController::connectionStateChanged);
    connect(m_socket, &SocketIoClient::connected, this, [this] {
        m_refusal.clear();
        Q_EMIT connectionStateChanged();
        Q_EMIT mySidChanged();
    });
    connect(m_socket, &SocketIoClient::connectError, this,
            [this](const QString &, const QString &message, const QVariant &) {
                m_refusal = message;
                setLastError(tr("The server refused the connection: %1").arg(message));
                Q_EMIT connectionStateChanged();
            });
    connect(m_socket, &SocketIoClient::errorOccurred, this,
            [this](SocketIoClient::Error error, const QString &message) {
                qCInfo(lcApp) << "connection error:" << error << message;
                switch (error) {
                case SocketIoClient::Error::ConnectFailed:
                    // While reconnecting the state line says enough; a first attempt that fails
                    // usually means a wrong address.
                    if (!m_socket->hasEverConnected())
                        setLastError(tr("Could not reach %1: %2")
                                             .arg(m_serverUrl.toDisplayString(), message));
                    break;
                case SocketIoClient::Error::InvalidUrl:
                case SocketIoClient::Error::TlsError:
                case SocketIoClient::Error::ProtocolError:
                case SocketIoClient::Error::ReconnectFailed:
                case SocketIoClient::Error::ServerDisconnected:
                    setLastError(message);
                    break;
                default:
                    break;
                }
            });
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &AppController::connectionStateChanged);

    // The inspector's log.
    connect(m_socket, &SocketIoClient::eventReceived, this,
            [this](const QString &nsp, const QString &event, const QVariantList &args) {
                m_eventLog->append(EventLogModel::Incoming, nsp, event, args);
            });
    connect(m_chat, &ChatClient::eventSent, this,
            [this](const QString &nsp, const QString &event, const QVariantList &args) {
                m_eventLog->append(EventLogModel::Outgoing, nsp, event, args);
            });
    connect(m_chat, &ChatClient::rawReplyReceived, this,
            [this](const QString &event, bool ok, const QVariantList &reply, const QString &error) {
                m_eventLog->append(EventLogModel::AckReply, u"/"_s, event,
                                   ok ? reply : QVariantList{error});
                m_lastReply = ok ? EventLogModel::toJson(reply) : error;
                Q_EMIT lastReplyChanged();
            });

    // A click on a notification shows its room (joining it again if we left meanwhile).
    connect(m_notifier, &DesktopNotifier::roomRequested, this, &AppController::joinRoom);

    // Chat.
    connect(m_chat, &ChatClient::welcomed, this, &AppController::onWelcomed);
    connect(m_chat, &ChatClient::nameChanged, this, &AppController::myNameChanged);
    connect(m_chat, &ChatClient::roomJoined, this, &AppController::onRoomJoined);
    connect(m_chat, &ChatClient::roomLeft, this, &AppController::onRoomLeft);
    connect(m_chat, &ChatClient::memberJoined, this, &AppController::onMemberJoined);
    connect(m_chat, &ChatClient::memberLeft, this, &AppController::onMemberLeft);
    connect(m_chat, &ChatClient::messageReceived, this, &AppController::onMessageReceived);
    connect(m_chat, &ChatClient::messageSent, this,
            [this](const ChatMessage &message) { messagesOf(message.room)->append(message); });
    connect(m_chat, &ChatClient::messageUpdated, this, [this](const ChatMessage &message) {
        if (!messagesOf(message.room)->update(message))
            messagesOf(message.room)->append(message);
    });
    connect(m_chat, &ChatClient::historyReceived, this,
            [this](const QString &room, const QList<ChatMessage> &messages) {
                MessageListModel *model = messagesOf(room);
                model->prepend(messages);
                if (messages.size() < HistoryPage)
                    model->setHistoryComplete(true);
                setLoadingOlder(false);
            });
    connect(m_chat, &ChatClient::roomUpdated, this, [this](const QString &room, int members) {
        // Ours are counted from their members, which `joined` and `left` keep current.
        if (!m_members.contains(room))
            m_rooms->setMembers(room, members);
    });
    connect(m_chat, &ChatClient::typingChanged, this, &AppController::onTyping);
    connect(m_chat, &ChatClient::renamed, this, &AppController::onRenamed);
    connect(m_chat, &ChatClient::peersReceived, this, &AppController::onPeers);
    connect(m_chat, &ChatClient::requestFailed, this,
            [this](const QString &, const QString &room, const QString &error) {
                // Whatever failed, a pending "load older" is not coming back with messages.
                setLoadingOlder(false);
                setLastError(room.isEmpty() ? error : u"%1: %2"_s.arg(room, error));
            });

    m_typingIdle.setSingleShot(true);
    m_typingIdle.setInterval(TypingIdleMs);
    connect(&m_typingIdle, &QTimer::timeout, this,
            [this] { m_chat->setTyping(m_currentRoom, false); });
    m_typingExpiry.setInterval(1000);
    connect(&m_typingExpiry, &QTimer::timeout, this, &AppController::updateTypingText);
    m_whoDebounce.setSingleShot(true);
    m_whoDebounce.setInterval(300);
    connect(&m_whoDebounce, &QTimer::timeout, this, &AppController::refreshSids);
}

AppController::~AppController()
{
    if (s_instance == this)
        s_instance = nullptr;
    // The client says goodbye before the host it may be talking to goes away.
    m_chat->disconnectFromHost();
    if (m_host)
        m_host->stop();
}

void AppController::setInstance(AppController *instance)
{
    s_instance = instance;
}

AppController *AppController::create(QQmlEngine *, QJSEngine *)
{
    if (!s_instance) {
        // Without an instance from main() (qmlscene-like tools), QML owns a fresh one.
        s_instance = new AppController(nullptr);
        return s_instance;
    }
    QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    return s_instance;
}

bool AppController::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::LanguageChange && watched == QCoreApplication::instance()) {
        Q_EMIT connectionStateChanged();
        m_typingText.clear(); // forces typingTextChanged() with the new wording
        updateTypingText();
    }
    return QObject::eventFilter(watched, event);
}

void AppController::setReconnectionDelays(int firstMs, int maxMs)
{
    Confab::Client::ClientOptions options = m_socket->options();
    options.reconnectionDelay = std::chrono::milliseconds(firstMs);
    options.reconnectionDelayMax = std::chrono::milliseconds(maxMs);
    m_socket->setOptions(options);
}

// --- properties ---

QString AppController::connectionState() const
{
    if (!m_refusal.isEmpty())
        return tr("Refused: %1").arg(m_refusal);
    switch (m_socket->state()) {
    case SocketIoClient::State::Disconnected:
        return m_mode == Mode::Idle ? tr("Not connected") : tr("Disconnected");
    case SocketIoClient::State::Connecting:
        return tr("Connecting…");
    case SocketIoClient::State::Connected:
        return m_socket->isConnected() ? tr("Connected") : tr("Connecting…");
    case SocketIoClient::State::Reconnecting: {
        const QDateTime at = m_socket->nextReconnectAt();
        const qint64 ms = at.isValid() ? QDateTime::currentDateTimeUtc().msecsTo(at) : 0;
        if (ms <= 0)
            return tr("Reconnecting…");
        return tr("Reconnecting in %1 s").arg(qint64(std::ceil(double(ms) / 1000.0)));
    }
    }
    return {};
}

bool AppController::isConnected() const
{
    return m_socket->isConnected();
}

void AppController::setLastError(const QString &error)
{
    if (m_lastError == error)
        return;
    if (!error.isEmpty())
        qCInfo(lcApp) << "error:" << error;
    m_lastError = error;
    Q_EMIT lastErrorChanged();
}

void AppController::clearError()
{
    setLastError({});
}

void AppController::setUserName(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (m_userName == trimmed)
        return;
    m_userName = trimmed;
    QSettings().setValue(SettingUserName, m_userName);
    Q_EMIT userNameChanged();
}

QString AppController::myName() const
{
    return m_chat->name();
}

QString AppController::mySid() const
{
    return m_chat->sid();
}

int AppController::hostPort() const
{
    return m_host ? m_host->port() : 0;
}

void AppController::setMode(Mode mode)
{
    if (m_mode == mode)
        return;
    m_mode = mode;
    qCInfo(lcApp) << "mode" << mode;
    Q_EMIT modeChanged();
    Q_EMIT connectionStateChanged();
}

void AppController::setLoadingOlder(bool loading)
{
    if (m_loadingOlder == loading)
        return;
    m_loadingOlder = loading;
    Q_EMIT loadingOlderChanged();
}

void AppController::setCurrentRoom(const QString &room)
{
    if (m_currentRoom == room)
        return;
    if (!m_currentRoom.isEmpty())
        m_chat->setTyping(m_currentRoom, false);
    m_currentRoom = room;
    m_rooms->setCurrent(room);
    m_rooms->clearUnread(room);
    setLoadingOlder(false);
    Q_EMIT currentRoomChanged();
    updateTypingText();
}

MessageListModel *AppController::messages() const
{
    return m_messages.value(m_currentRoom, m_noMessages);
}

MessageListModel *AppController::messagesOf(const QString &room)
{
    auto it = m_messages.find(room);
    if (it == m_messages.end())
        it = m_messages.insert(room, new MessageListModel(room, this));
    return *it;
}

// --- sessions ---

bool AppController::hostChat(int port, const QString &password)
{
    leave();
    if (port < 0 || port > 65535) {
        setLastError(tr("%1 is not a port number").arg(port));
        return false;
    }
    const int attempts = port == 0 ? 1 : PortAttempts;
    QString error;
    for (int i = 0; i < attempts && port + i <= 65535; ++i) {
        Confab::HostConfig config;
        config.address = m_hostAddress;
        config.port = quint16(port + i);
        config.chat.password = password;
        config.dataLocation = m_hostDataLocation;
        // A room on a LAN: Qt's well-worn WebSocket implementation (the environment may pick
        // the native engine confab-server uses for thousands of clients).
        config.socketIo.engine.webSocketEngine
                = Confab::webSocketEngineFromEnvironment(Confab::WebSocketEngine::Qt);
        auto host = std::make_unique<Confab::ChatHost>(config);
        if (host->start()) {
            m_host = std::move(host);
            break;
        }
        error = host->errorString();
        qCInfo(lcApp) << "port" << config.port << "unavailable:" << error;
    }
    if (!m_host) {
        setLastError(tr("Could not start the host: %1").arg(error));
        return false;
    }

    // Others join through these; loopback only when there is nothing else.
    const QStringList urls = m_host->joinUrls();
    m_hostUrls.clear();
    for (const QString &url : urls) {
        const QHostAddress address(QUrl(url).host());
        if (!address.isLoopback())
            m_hostUrls.append(url);
    }
    if (m_hostUrls.isEmpty())
        m_hostUrls = urls;
    Q_EMIT hostUrlsChanged();
    qCInfo(lcApp) << "hosting on port" << m_host->port() << m_hostUrls;

    watchHost();
    setMode(Mode::Hosting);
    // Our own client joins like anyone else, over loopback.
    const QString loopback = m_hostAddress.protocol() == QAbstractSocket::IPv6Protocol
                    && m_hostAddress != QHostAddress::Any
            ? u"[::1]"_s
            : u"127.0.0.1"_s;
    // The port may change from run to run; the host's store does not: our device id for our
    // own host is derived from its data location, so our messages stay ours across restarts.
    startSession(QUrl(u"http://%1:%2/"_s.arg(loopback).arg(m_host->port())), password,
                 u"confab-host:"_s + m_host->store()->databasePath());
    return true;
}

bool AppController::joinServer(const QString &text, const QString &password)
{
    leave();
    QString trimmed = text.trimmed();
    QUrl url = QUrl::fromUserInput(trimmed);
    // fromUserInput reads "host:3000" as scheme "host"; a Socket.IO server is http(s) or ws(s).
    const QStringList schemes{u"http"_s, u"https"_s, u"ws"_s, u"wss"_s};
    if (!url.isValid() || !schemes.contains(url.scheme()))
        url = QUrl(u"http://"_s + trimmed);
    if (trimmed.isEmpty() || !url.isValid() || url.host().isEmpty()) {
        setLastError(tr("“%1” is not a server address").arg(trimmed));
        return false;
    }
    rememberServer(url.toString());
    setMode(Mode::Joined);
    startSession(url, password);
    return true;
}

void AppController::startSession(const QUrl &url, const QString &password,
                                 const QString &deviceScope)
{
    m_serverUrl = url;
    Q_EMIT serverUrlChanged();
    m_refusal.clear();
    // The inspector shows one connection at a time.
    m_eventLog->clear();
    m_chat->connectToHost(url, m_userName, password, deviceScope);
    Q_EMIT connectionStateChanged();
}

void AppController::leave()
{
    if (m_mode == Mode::Idle && !m_host)
        return;
    m_chat->disconnectFromHost();
    if (m_host) {
        m_host->stop();
        m_host.reset();
        m_hostUrls.clear();
        Q_EMIT hostUrlsChanged();
    }
    resetSession();
    setMode(Mode::Idle);
}

void AppController::resetSession()
{
    setCurrentRoom({});
    m_rooms->clear();
    m_sids->clear();
    m_members.clear();
    m_typers.clear();
    updateTypingText();
    // The views hold the current model only; the others can go now.
    qDeleteAll(m_messages);
    m_messages.clear();
    m_refusal.clear();
    m_serverUrl.clear();
    Q_EMIT serverUrlChanged();
    Q_EMIT mySidChanged();
    Q_EMIT myNameChanged();
}

void AppController::rememberServer(const QString &url)
{
    m_recentServers.removeAll(url);
    m_recentServers.prepend(url);
    while (m_recentServers.size() > MaxRecentServers)
        m_recentServers.removeLast();
    QSettings().setValue(SettingRecentServers, m_recentServers);
    Q_EMIT recentServersChanged();
}

// --- host-side sids ---

void AppController::watchHost()
{
    Confab::SocketIoServer *server = m_host->server();
    for (const Confab::ClientInfo &info : server->clients())
        onHostClientConnected(info);
    connect(server, &Confab::SocketIoServer::clientConnected, this,
            &AppController::onHostClientConnected);
    connect(server, &Confab::SocketIoServer::clientDisconnected, this,
            [this](const QString &sid, const QString &nsp) { m_sids->remove(sid, nsp); });
    connect(server, &Confab::SocketIoServer::roomsChanged, this,
            [this](const QString &sid, const QString &nsp, const QStringList &rooms) {
                m_sids->setRooms(sid, displayRooms(sid, nsp, rooms), nsp);
            });
    connect(server, &Confab::SocketIoServer::transportChanged, this,
            [this](const QString &sid, const QString &nsp, const QString &transport) {
                m_sids->setTransport(sid, transport, nsp);
            });
    connect(m_host->service(), &Confab::ChatService::nameChanged, this,
            [this](const QString &sid, const QString &name) {
                m_sids->setName(sid, name, u"/"_s);
            });
}

QStringList AppController::displayRooms(const QString &sid, const QString &nsp,
                                        const QStringList &socketIoRooms)
{
    QStringList rooms;
    for (const QString &room : socketIoRooms) {
        if (room == sid)
            continue; // every sid is a room of its own
        rooms.append(nsp == u"/"_s ? Confab::ChatService::displayRoom(room) : room);
    }
    rooms.sort();
    return rooms;
}

void AppController::onHostClientConnected(const Confab::ClientInfo &info)
{
    SidListModel::Entry entry;
    entry.sid = info.sid;
    entry.nsp = info.nsp;
    entry.address = info.address.toString();
    entry.transport = info.transport;
    entry.since = info.connectedAt;
    entry.rooms = displayRooms(info.sid, info.nsp, info.rooms);
    if (info.nsp == u"/"_s && m_host)
        entry.name = m_host->service()->nameOf(info.sid);
    m_sids->upsert(entry);
}

void AppController::disconnectSid(const QString &sid, const QString &nsp)
{
    if (!m_host) {
        setLastError(tr("Only the host can disconnect others"));
        return;
    }
    qCInfo(lcApp) << "disconnecting" << sid << "from" << nsp;
    m_host->server()->disconnectClient(sid, nsp, true);
}

// --- joined-side sids ---

void AppController::refreshSids()
{
    if (m_socket->isConnected())
        m_chat->who();
}

void AppController::scheduleWho()
{
    if (m_mode == Mode::Joined)
        m_whoDebounce.start();
}

void AppController::onPeers(const QList<Confab::Client::ChatPeer> &peers)
{
    // Every room someone is in, with its head count; ours are counted from their members.
    QHash<QString, int> counts;
    for (const auto &peer : peers) {
        for (const QString &room : peer.rooms)
            ++counts[room];
    }
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (!m_members.contains(it.key()))
            m_rooms->setMembers(it.key(), it.value());
    }
    if (m_mode != Mode::Joined)
        return; // a host's sids come from its server
    QList<SidListModel::Entry> entries;
    for (const auto &peer : peers)
        entries.append({peer.sid, u"/"_s, peer.name, peer.address, peer.transport, peer.rooms,
                        peer.since});
    m_sids->replaceAll(entries);
}

// --- chat events ---

void AppController::onWelcomed(const QString &, const QString &sid,
                               const QList<Confab::Client::ChatRoomSummary> &rooms)
{
    m_sids->setOwnSid(sid);
    m_rooms->addRooms(rooms);
    Q_EMIT mySidChanged();
    // The first welcome of a session puts us in the lobby; after a reconnection the chat
    // client rejoins what we were in.
    if (m_chat->rooms().isEmpty())
        joinRoom(DefaultRoom);
    refreshSids();
}

void AppController::onRoomJoined(const QString &room,
                                 const QList<Confab::Client::ChatMember> &members,
                                 const QList<ChatMessage> &history)
{
    QHash<QString, QString> &known = m_members[room];
    known.clear();
    for (const auto &member : members)
        known.insert(member.sid, member.name);
    m_rooms->setJoined(room, true);
    updateMemberCount(room);

    MessageListModel *model = messagesOf(room);
    const bool first = model->count() == 0;
    model->merge(history);
    if (first && history.size() < HistoryPage)
        model->setHistoryComplete(true);

    if (m_currentRoom.isEmpty() || m_autoOpenRoom == room) {
        m_autoOpenRoom.clear();
        setCurrentRoom(room);
    }
}

void AppController::onRoomLeft(const QString &room)
{
    // The room's `room` update may have come before our leave was answered, and was then
    // ignored (ours are counted from their members): the others we knew of are its count now,
    // and a room left empty is forgotten.
    QHash<QString, QString> others = m_members.take(room);
    others.remove(m_chat->sid());
    m_rooms->setMembers(room, int(others.size()));
    m_typers.remove(room);
    m_rooms->setJoined(room, false);
    if (m_currentRoom == room) {
        const QStringList joined = m_chat->rooms();
        setCurrentRoom(joined.isEmpty() ? QString() : joined.constFirst());
    }
    if (MessageListModel *model = m_messages.take(room))
        model->deleteLater(); // QML may still hold it until currentRoomChanged is handled
}

void AppController::onMemberJoined(const QString &room, const QString &sid, const QString &name)
{
    // Rooms we are not in are counted by their `room` updates.
    if (m_members.contains(room)) {
        m_members[room].insert(sid, name);
        updateMemberCount(room);
    }
    // A host's sids follow the server itself; a guest's follow what the host tells it.
    if (m_mode == Mode::Joined) {
        m_sids->addRoom(sid, room);
        scheduleWho();
    }
}

void AppController::onMemberLeft(const QString &room, const QString &sid, const QString &name)
{
    Q_UNUSED(name);
    if (m_members.contains(room)) {
        m_members[room].remove(sid);
        updateMemberCount(room);
    }
    if (const auto typers = m_typers.find(room); typers != m_typers.end() && typers->remove(sid))
        updateTypingText();
    if (m_mode == Mode::Joined) {
        m_sids->removeRoom(sid, room);
        scheduleWho();
    }
}

void AppController::updateMemberCount(const QString &room)
{
    m_rooms->setMembers(room, int(m_members.value(room).size()));
}

void AppController::onMessageReceived(const ChatMessage &message)
{
    // Only rooms we are in: a server that sends messages for any room name it likes (or those
    // in flight after we left) must not create a model and an unread row per name.
    if (!m_members.contains(message.room)) {
        qCDebug(lcApp) << "ignoring a message for" << message.room << "which we are not in";
        return;
    }
    const bool added = messagesOf(message.room)->append(message);
    if (added && message.room != m_currentRoom)
        m_rooms->addUnread(message.room);
    if (added)
        m_notifier->messageArrived(message);
    // A message ends its author's typing notice.
    if (m_typers[message.room].remove(message.sid) > 0)
        updateTypingText();
}

void AppController::onTyping(const QString &room, const QString &sid, const QString &name,
                             bool typing)
{
    if (!m_members.contains(room))
        return; // as for messages: only rooms we are in
    if (typing)
        m_typers[room].insert(sid, {name, QDateTime::currentMSecsSinceEpoch() + TypingStaleMs});
    else
        m_typers[room].remove(sid);
    updateTypingText();
}

void AppController::onRenamed(const QString &sid, const QString &, const QString &name)
{
    for (auto it = m_members.begin(); it != m_members.end(); ++it) {
        if (it->contains(sid))
            it->insert(sid, name);
    }
    if (m_mode == Mode::Joined) {
        m_sids->setName(sid, name);
        scheduleWho();
    }
}

void AppController::updateTypingText()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QStringList names;
    bool any = false;
    for (auto room = m_typers.begin(); room != m_typers.end(); ++room) {
        for (auto it = room->begin(); it != room->end();) {
            if (it->until < now) {
                it = room->erase(it);
                continue;
            }
            any = true;
            if (room.key() == m_currentRoom && it.key() != m_chat->sid())
                names.append(it->name);
            ++it;
        }
    }
    if (any)
        m_typingExpiry.start();
    else
        m_typingExpiry.stop();
    names.sort();
    QString text;
    if (names.size() == 1)
        text = tr("%1 is typing…").arg(names.constFirst());
    else if (names.size() == 2)
        text = tr("%1 and %2 are typing…").arg(names.at(0), names.at(1));
    else if (names.size() > 2)
        text = tr("%n people are typing…", nullptr, int(names.size()));
    if (text == m_typingText)
        return;
    m_typingText = text;
    Q_EMIT typingTextChanged();
}

// --- user actions ---

void AppController::joinRoom(const QString &room)
{
    const QString name = room.trimmed();
    if (name.isEmpty())
        return;
    if (m_chat->rooms().contains(name)) {
        setCurrentRoom(name);
        return;
    }
    m_autoOpenRoom = name;
    m_chat->joinRoom(name);
}

void AppController::leaveRoom(const QString &room)
{
    m_chat->leaveRoom(room);
}

QString AppController::sendMessage(const QString &text)
{
    if (m_currentRoom.isEmpty())
        return {};
    m_typingIdle.stop();
    return m_chat->sendMessage(m_currentRoom, text);
}

bool AppController::retryMessage(const QString &clientId)
{
    return m_chat->retry(clientId);
}

void AppController::loadOlder()
{
    if (m_currentRoom.isEmpty() || m_loadingOlder || !m_socket->isConnected())
        return;
    MessageListModel *model = messagesOf(m_currentRoom);
    if (model->historyComplete())
        return;
    setLoadingOlder(true);
    m_chat->requestHistory(m_currentRoom, model->oldestId(), HistoryPage);
}

void AppController::composerEdited(const QString &text)
{
    if (m_currentRoom.isEmpty())
        return;
    const bool typing = !text.trimmed().isEmpty();
    m_chat->setTyping(m_currentRoom, typing);
    if (typing)
        m_typingIdle.start();
    else
        m_typingIdle.stop();
}

void AppController::rename(const QString &name)
{
    setUserName(name);
    m_chat->rename(name);
}

bool AppController::emitRaw(const QString &event, const QString &jsonArgs, bool wantAck)
{
    const QString name = event.trimmed();
    if (name.isEmpty()) {
        setLastError(tr("An event needs a name"));
        return false;
    }
    // Arguments are written as they would be in a call: comma-separated JSON values.
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(u"[%1]"_s.arg(jsonArgs).toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray()) {
        setLastError(tr("The arguments are not valid JSON: %1").arg(error.errorString()));
        return false;
    }
    m_lastReply = wantAck ? tr("Waiting for the ack…") : QString();
    Q_EMIT lastReplyChanged();
    m_chat->emitRaw(name, doc.array().toVariantList(), wantAck);
    return true;
}
