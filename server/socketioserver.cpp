// SPDX-License-Identifier: MIT
#include "socketioserver.h"

#include "adapter.h"
#include "engineioserver.h"
#include "engineiosession.h"
#include "randomid.h"
#include "serverlogging.h"
#include "socketiopacket.h"

#include <QtCore/QPointer>
#include <QtCore/QSet>
#include <QtCore/QTimer>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace Confab {

using SocketIo::PacketType;

// One client in one namespace. Owned by its Client; its Namespace only indexes it by sid.
struct SocketIoServer::Socket
{
    QString sid;
    QString nsp;
    Client *client = nullptr;
    QDateTime connectedAt;
    QVariantMap session;
    //! Its private session id for connection state recovery (empty when off).
    QString pid;
    bool recovered = false;
    //! While the connect handler runs: packets for this socket wait behind the CONNECT ack.
    bool connecting = true;
    //! disconnectClient() was called from the connect handler: done once the handler returns.
    bool disconnectRequested = false;
    bool closeRequested = false;
    QList<EngineIo::Packet> heldBack;
    qint64 nextAckId = 0;
    QHash<qint64, AckCallback> pendingAcks;
};

// One Engine.IO session and the namespaces it joined; owned by m_clients, under its session.
struct SocketIoServer::Client
{
    explicit Client(EngineIoSession *engineSession)
        : key(engineSession)
        , session(engineSession)
    { }

    Socket *socket(const QString &nsp) const
    {
        const auto it = sockets.find(nsp);
        return it == sockets.end() ? nullptr : it->second.get();
    }
    //! The namespaces joined, as a copy: a disconnect handler may remove sockets while the
    //! caller walks them.
    QStringList namespaces() const
    {
        QStringList names;
        names.reserve(qsizetype(sockets.size()));
        for (const auto &[nsp, socket] : sockets)
            names.append(nsp);
        return names;
    }

    //! This client's key in m_clients (the session's address, valid as a key to the end).
    EngineIoSession *const key;
    QPointer<EngineIoSession> session;
    SocketIo::Decoder decoder;
    //! nsp → socket: the one owner of the sockets. A handful per client at most.
    std::unordered_map<QString, std::unique_ptr<Socket>> sockets;
    //! Namespaces whose connect handler refused this session: never asked again (see
    //! refuseRepeatedConnect()).
    QSet<QString> refused;
    //! Closing for a repeated CONNECT: the rest of what the client sent is ignored.
    bool closing = false;
    WheelTimer connectTimer;
};

struct SocketIoServer::Namespace
{
    QString name;
    ConnectHandler onConnect;
    DisconnectHandler onDisconnect;
    QHash<QString, EventHandler> handlers;
    QHash<QString, AsyncEventHandler> asyncHandlers;
    CatchAllHandler catchAll;
    std::unique_ptr<Adapter> adapter;
    //! sid → socket, owned by its Client: the per-recipient lookup of a broadcast.
    QHash<QString, Socket *> sockets;
};

struct Ack::State
{
    QPointer<SocketIoServer> server;
    QString sid;
    QString nsp;
    std::optional<qint64> id;
    bool sent = false;
};

bool Ack::isRequested() const
{
    return m_state && m_state->id.has_value();
}

void Ack::operator()(const QVariantList &args) const
{
    if (!m_state || !m_state->id || m_state->sent || !m_state->server)
        return;
    m_state->sent = true;
    m_state->server->sendAck(m_state->sid, m_state->nsp, *m_state->id, args);
}

namespace {

//! Bookkeeping of one stored event beyond its bytes (deque slot, lists, frame headers).
constexpr qint64 StoredPacketOverhead = 160;

qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
}

bool recoverable(SocketIoServer::DisconnectReason reason)
{
    // As socket.io: a lost connection, not a socket that was told (or asked) to leave.
    using R = SocketIoServer::DisconnectReason;
    return reason == R::TransportClose || reason == R::TransportError || reason == R::PingTimeout
            || reason == R::ServerShutdown;
}

SocketIoServer::DisconnectReason reasonFor(EngineIoSession::CloseReason reason)
{
    using R = EngineIoSession::CloseReason;
    switch (reason) {
    case R::ServerClose:
        return SocketIoServer::DisconnectReason::ServerShutdown;
    case R::ClientClose:
        return SocketIoServer::DisconnectReason::TransportClose;
    case R::TransportClose:
        return SocketIoServer::DisconnectReason::TransportClose;
    case R::TransportError:
        return SocketIoServer::DisconnectReason::TransportError;
    case R::PingTimeout:
        return SocketIoServer::DisconnectReason::PingTimeout;
    case R::ParseError:
        return SocketIoServer::DisconnectReason::ParseError;
    }
    return SocketIoServer::DisconnectReason::TransportClose;
}

} // namespace

QString SocketIoServer::reasonText(DisconnectReason reason)
{
    switch (reason) {
    case DisconnectReason::ClientNamespaceDisconnect:
        return u"client namespace disconnect"_s;
    case DisconnectReason::ServerNamespaceDisconnect:
        return u"server namespace disconnect"_s;
    case DisconnectReason::ServerShutdown:
        return u"server shutting down"_s;
    case DisconnectReason::PingTimeout:
        return u"ping timeout"_s;
    case DisconnectReason::TransportClose:
        return u"transport close"_s;
    case DisconnectReason::TransportError:
        return u"transport error"_s;
    case DisconnectReason::ParseError:
        return u"parse error"_s;
    }
    return {};
}

SocketIoServer::SocketIoServer(const SocketIoOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_engine(std::make_unique<EngineIoServer>(options.engine))
{
    qRegisterMetaType<ClientInfo>();
    ensureNamespace(u"/"_s);
    connect(m_engine.get(), &EngineIoServer::sessionOpened, this, &SocketIoServer::onSessionOpened);
    if (m_options.recovery.enabled) {
        // Expired sessions and events go without waiting for the next broadcast; a quarter of
        // the window (at most a minute) keeps them at most that much past it.
        m_recoveryTimer = new QTimer(this);
        m_recoveryTimer->setInterval(std::clamp(m_options.recovery.maxDisconnectionDuration / 4,
                                                std::chrono::milliseconds(100),
                                                std::chrono::milliseconds(60000)));
        connect(m_recoveryTimer, &QTimer::timeout, this, &SocketIoServer::pruneRecovery);
        m_recoveryTimer->start();
    }
}

SocketIoServer::~SocketIoServer()
{
    // Tear down quietly: no handlers or signals while half destroyed.
    m_closing = true;
    for (EngineIoSession *session : m_engine->sessions())
        session->disconnect(this);
    // The clients own the sockets; their connect timers run on the engine's wheel, so they
    // go before the engine.
    m_clients.clear();
    for (auto &ns : m_namespaceStore)
        ns->sockets.clear();
    m_engine.reset();
}

bool SocketIoServer::listen(const QHostAddress &address, quint16 port)
{
    return m_engine->listen(address, port);
}

void SocketIoServer::close()
{
    m_engine->close();
}

bool SocketIoServer::isListening() const
{
    return m_engine->isListening();
}

quint16 SocketIoServer::serverPort() const
{
    return m_engine->serverPort();
}

QUrl SocketIoServer::serverUrl() const
{
    QHostAddress address = m_engine->serverAddress();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress::LocalHost;
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(address.toString());
    url.setPort(serverPort());
    url.setPath(u"/"_s);
    return url;
}

QString SocketIoServer::errorString() const
{
    return m_engine->errorString();
}

quint64 SocketIoServer::bytesReceived() const
{
    return m_engine->bytesReceived();
}

quint64 SocketIoServer::bytesSent() const
{
    return m_engine->bytesSent();
}

// ---- namespaces and handlers ----

SocketIoServer::Namespace *SocketIoServer::findNamespace(const QString &nsp) const
{
    return m_namespaces.value(nsp.isEmpty() ? u"/"_s : nsp);
}

SocketIoServer::Namespace *SocketIoServer::ensureNamespace(const QString &name)
{
    const QString nsp = name.isEmpty() ? u"/"_s : name;
    if (Namespace *existing = m_namespaces.value(nsp))
        return existing;
    auto ns = std::make_unique<Namespace>();
    ns->name = nsp;
    Namespace *raw = ns.get();
    ns->adapter = std::make_unique<InMemoryAdapter>(
            [this, raw](const QString &sid, const QList<EngineIo::Packet> &frames) {
                if (Socket *socket = raw->sockets.value(sid))
                    deliver(socket, frames);
            });
    m_namespaces.insert(nsp, raw);
    m_namespaceStore.push_back(std::move(ns));
    return raw;
}

void SocketIoServer::addNamespace(const QString &nsp)
{
    ensureNamespace(nsp);
}

void SocketIoServer::allowNamespaces(const QRegularExpression &pattern)
{
    m_namespacePatterns.append(pattern);
}

QStringList SocketIoServer::namespaces() const
{
    QStringList names = m_namespaces.keys();
    names.sort();
    return names;
}

void SocketIoServer::onConnect(ConnectHandler handler, const QString &nsp)
{
    ensureNamespace(nsp)->onConnect = std::move(handler);
}

void SocketIoServer::onDisconnect(DisconnectHandler handler, const QString &nsp)
{
    ensureNamespace(nsp)->onDisconnect = std::move(handler);
}

void SocketIoServer::on(const QString &event, EventHandler handler, const QString &nsp)
{
    ensureNamespace(nsp)->handlers.insert(event, std::move(handler));
}

void SocketIoServer::onAsync(const QString &event, AsyncEventHandler handler, const QString &nsp)
{
    ensureNamespace(nsp)->asyncHandlers.insert(event, std::move(handler));
}

void SocketIoServer::onAny(CatchAllHandler handler, const QString &nsp)
{
    ensureNamespace(nsp)->catchAll = std::move(handler);
}

// ---- sessions and packets ----

void SocketIoServer::onSessionOpened(EngineIoSession *session)
{
    auto owned = std::make_unique<Client>(session);
    Client *client = owned.get();
    Protocol::Limits limits;
    limits.maxPayload = m_options.engine.maxPayload;
    client->decoder = SocketIo::Decoder(limits);
    m_clients.insert_or_assign(session, std::move(owned));

    client->connectTimer.setWheel(m_engine->timerWheel());
    client->connectTimer.setCallback([client] {
        if (client->sockets.empty() && client->session) {
            qCDebug(lcSocketIo) << client->session->sid() << "sent no CONNECT in time";
            client->session->close(EngineIoSession::CloseReason::ServerClose);
        }
    });
    client->connectTimer.start(m_options.connectTimeout);

    connect(session, &EngineIoSession::messageReceived, this,
            [this, client](const EngineIo::Packet &packet) {
                onEnginePacket(client, packet.data, packet.binary);
            });
    connect(session, &EngineIoSession::closed, this,
            [this, session](EngineIoSession::CloseReason reason) {
                onSessionClosed(session, int(reason));
            });
    connect(session, &EngineIoSession::transportChanged, this, [this, client] {
        const QString transport = client->session ? client->session->transportName() : QString();
        for (const QString &nsp : client->namespaces()) {
            if (const Socket *socket = client->socket(nsp))
                Q_EMIT transportChanged(socket->sid, socket->nsp, transport);
        }
    });

    if (session->version() == EngineIo::Version::V3) {
        // Socket.IO v2 clients are connected to "/" without asking (protocol v4).
        handleConnect(client, u"/"_s, QVariantMap{});
    }
}

void SocketIoServer::onSessionClosed(EngineIoSession *session, int reason)
{
    const auto it = m_clients.find(session);
    if (it == m_clients.end())
        return;
    Client *client = it->second.get();
    const DisconnectReason why = reasonFor(EngineIoSession::CloseReason(reason));
    for (const QString &nsp : client->namespaces()) {
        if (Socket *socket = client->socket(nsp)) // a handler may have removed it already
            removeSocket(socket, why);
    }
    // By key, not by the iterator: the handlers above may have opened other clients.
    m_clients.erase(session);
}

void SocketIoServer::protocolViolation(Client *client, const QString &detail)
{
    if (!client->session)
        return;
    qCInfo(lcSocketIo) << client->session->sid() << "closing:" << detail;
    client->session->abort(EngineIoSession::CloseReason::ParseError, detail);
}

void SocketIoServer::refuseRepeatedConnect(Client *client, const QString &nsp)
{
    // One CONNECT per namespace per Engine.IO session: otherwise one POST of CONNECT packets
    // is thousands of password guesses. Clients (socket.io-client, python-socketio, Confab)
    // open a new session to try again after a refusal, and never CONNECT twice to a
    // namespace they are in.
    EngineIoSession *session = client->session;
    qCInfo(lcSocketIo).noquote() << session->sid() << "closing: a second CONNECT to" << nsp
                                 << "from" << session->handshakeRequest().remoteAddress.toString();
    SocketIo::Packet error = SocketIo::Packet::connectError(
            nsp, u"one connection attempt per namespace: reconnect to try again"_s);
    if (session->version() == EngineIo::Version::V3)
        error.data = error.data.toMap().value(u"message"_s);
    session->send(SocketIo::toEngineIoPackets(error));
    ++m_packetsOut;
    client->closing = true;
    // Gracefully, so that the CONNECT_ERROR reaches the client before the close.
    session->close(EngineIoSession::CloseReason::ParseError);
}

void SocketIoServer::onEnginePacket(Client *client, const QByteArray &data, bool binary)
{
    if (client->closing)
        return;
    auto step = binary ? client->decoder.addBinary(data) : client->decoder.addText(data);
    if (!step) {
        protocolViolation(client, step.error().toString());
        return;
    }
    if (!step->has_value())
        return; // waiting for attachments
    ++m_packetsIn;
    noteStats();
    SocketIo::Packet packet = std::move(**step);
    const bool v3 = client->session && client->session->version() == EngineIo::Version::V3;
    if (v3) {
        // Protocol v4 clients put a query in the namespace: "/admin?token=1".
        const qsizetype query = packet.nsp.indexOf(u'?');
        if (query >= 0)
            packet.nsp.truncate(query);
    }

    if (packet.type == PacketType::Connect) {
        if (client->sockets.contains(packet.nsp) || client->refused.contains(packet.nsp)) {
            refuseRepeatedConnect(client, packet.nsp);
            return;
        }
        QVariant auth = packet.data;
        if (auth.typeId() != QMetaType::QVariantMap)
            auth = QVariantMap{}; // as the reference: no payload means {}
        handleConnect(client, packet.nsp, auth);
        return;
    }

    Socket *socket = client->socket(packet.nsp);
    if (!socket) {
        protocolViolation(
                client,
                u"packet for namespace %1, which the client has not joined"_s.arg(packet.nsp));
        return;
    }
    switch (packet.type) {
    case PacketType::Disconnect:
        removeSocket(socket, DisconnectReason::ClientNamespaceDisconnect);
        return;
    case PacketType::Event:
    case PacketType::BinaryEvent:
        handleEvent(socket, packet.eventName(), packet.arguments(), packet.id);
        return;
    case PacketType::Ack:
    case PacketType::BinaryAck:
        handleAck(socket, packet.id.value_or(-1), packet.arguments());
        return;
    case PacketType::ConnectError:
    case PacketType::Connect:
        protocolViolation(client, u"CONNECT_ERROR from a client"_s);
        return;
    }
}

void SocketIoServer::handleConnect(Client *client, const QString &nspName, const QVariant &auth)
{
    EngineIoSession *session = client->session;
    const bool v3 = session->version() == EngineIo::Version::V3;
    Namespace *ns = findNamespace(nspName);
    if (!ns) {
        const bool allowed = std::any_of(
                m_namespacePatterns.cbegin(), m_namespacePatterns.cend(),
                [&](const QRegularExpression &re) { return re.match(nspName).hasMatch(); });
        if (allowed)
            ns = ensureNamespace(nspName);
    }
    if (!ns) {
        SocketIo::Packet error = SocketIo::Packet::connectError(nspName, u"Invalid namespace"_s);
        if (v3)
            error.data = u"Invalid namespace"_s; // protocol v4 errors are strings
        session->send(SocketIo::toEngineIoPackets(error));
        ++m_packetsOut;
        return;
    }

    // Connection state recovery: a socket.io 4.6+ client sends back the pid of its CONNECT
    // ack and the offset of the last event it got, merged into its auth.
    const bool recovery = m_options.recovery.enabled && !v3;
    std::optional<PersistedSession> restored;
    QList<EngineIo::Packet> missed;
    QString pid;
    if (recovery) {
        const QVariantMap map = auth.toMap();
        const QVariant givenPid = map.value(u"pid"_s);
        const QVariant offset = map.value(u"offset"_s);
        if (givenPid.typeId() == QMetaType::QString && offset.typeId() == QMetaType::QString)
            restored = restoreSession(ns, givenPid.toString(), offset.toString(), missed);
        pid = restored ? givenPid.toString() : randomId();
    }

    auto owned = std::make_unique<Socket>();
    Socket *socket = owned.get();
    socket->sid = restored ? restored->sid : randomId();
    socket->nsp = ns->name;
    socket->client = client;
    socket->connectedAt = QDateTime::currentDateTimeUtc();
    socket->pid = pid;
    socket->recovered = restored.has_value();
    ns->sockets.insert(socket->sid, socket);
    client->sockets.emplace(ns->name, std::move(owned));
    if (restored) {
        socket->session = restored->session;
        QStringList rooms = restored->rooms;
        if (!rooms.contains(socket->sid))
            rooms.prepend(socket->sid);
        ns->adapter->addAll(socket->sid, rooms);
        qCDebug(lcSocketIo) << "recovered" << socket->sid << "in" << ns->name << "with"
                            << missed.size() << "frames missed";
    } else {
        ns->adapter->addAll(socket->sid, {socket->sid});
    }

    ConnectResult result;
    if (ns->onConnect && !(restored && m_options.recovery.skipMiddlewares)) {
        Environ environ{session->handshakeRequest(), session->transportName(), socket->recovered};
        QPointer<EngineIoSession> guard(session);
        const QString sid = socket->sid;
        result = ns->onConnect(sid, environ, auth);
        if (!guard || ns->sockets.value(sid) != socket)
            return; // the session ended inside the handler
    }
    if (!result.accepted) {
        detachSocket(socket);
        client->refused.insert(ns->name);
        SocketIo::Packet error
                = SocketIo::Packet::connectError(ns->name, result.message, result.data);
        if (v3)
            error.data = result.message;
        session->send(SocketIo::toEngineIoPackets(error));
        ++m_packetsOut;
        return;
    }

    client->connectTimer.stop();
    SocketIo::Packet ack = SocketIo::Packet::connect(ns->name);
    if (!v3 && socket->pid.isEmpty())
        ack.data = QVariantMap{{u"sid"_s, socket->sid}};
    else if (!v3)
        ack.data = QVariantMap{{u"sid"_s, socket->sid}, {u"pid"_s, socket->pid}};
    else if (ns->name == u"/")
        ack.nsp = u"/"_s; // v4 protocol: "40" for the main namespace
    // What a recovered socket missed comes first, as from socket.io (socket.io-client
    // buffers it until the ack); then the CONNECT ack; then what the handler emitted.
    QList<EngineIo::Packet> frames = std::move(missed);
    frames.append(SocketIo::toEngineIoPackets(ack));
    frames.append(std::exchange(socket->heldBack, {}));
    socket->connecting = false;
    session->send(frames);
    ++m_packetsOut;
    noteStats();
    qCDebug(lcSocketIo) << "connected" << socket->sid << "to" << ns->name;
    Q_EMIT clientConnected(infoOf(socket));
    Q_EMIT clientCountChanged();
    // A handler that disconnected the client: it gets CONNECT, then DISCONNECT, as from
    // the reference server.
    if (socket->disconnectRequested)
        disconnectClient(socket->sid, socket->nsp, socket->closeRequested);
}

void SocketIoServer::handleEvent(Socket *socket, const QString &event, const QVariantList &args,
                                 std::optional<qint64> id)
{
    Namespace *ns = findNamespace(socket->nsp);
    const QString sid = socket->sid;
    Q_EMIT eventReceived(sid, socket->nsp, event, args);
    if (!ns->sockets.contains(sid))
        return; // a slot disconnected it

    Ack ack;
    ack.m_state = QSharedPointer<Ack::State>::create();
    ack.m_state->server = this;
    ack.m_state->sid = sid;
    ack.m_state->nsp = socket->nsp;
    ack.m_state->id = id;

    if (auto it = ns->handlers.constFind(event); it != ns->handlers.cend()) {
        const EventHandler handler = *it; // the handler may re-register handlers
        const QVariantList reply = handler(sid, args);
        ack(reply);
    } else if (auto async = ns->asyncHandlers.constFind(event); async != ns->asyncHandlers.cend()) {
        const AsyncEventHandler handler = *async;
        handler(sid, args, ack);
    } else if (ns->catchAll) {
        const CatchAllHandler handler = ns->catchAll;
        handler(sid, event, args, ack);
    } else {
        qCDebug(lcSocketIo) << "no handler for" << event << "in" << ns->name;
    }
}

void SocketIoServer::handleAck(Socket *socket, qint64 id, const QVariantList &args)
{
    AckCallback callback = socket->pendingAcks.take(id);
    if (!callback) {
        qCDebug(lcSocketIo) << socket->sid << "sent an ack nobody waits for:" << id;
        return;
    }
    callback(false, args);
}

void SocketIoServer::sendAck(const QString &sid, const QString &nsp, qint64 id,
                             const QVariantList &args)
{
    Socket *socket = findSocket(sid, nsp);
    if (!socket)
        return;
    deliver(socket, SocketIo::toEngineIoPackets(SocketIo::Packet::ack(id, args, nsp)));
}

void SocketIoServer::deliver(Socket *socket, const QList<EngineIo::Packet> &frames)
{
    ++m_packetsOut;
    noteStats();
    if (socket->connecting) {
        socket->heldBack.append(frames);
        return;
    }
    if (socket->client->session)
        socket->client->session->send(frames);
}

std::unique_ptr<SocketIoServer::Socket> SocketIoServer::detachSocket(Socket *socket)
{
    Namespace *ns = findNamespace(socket->nsp);
    ns->adapter->removeAll(socket->sid);
    ns->sockets.remove(socket->sid);
    Client *client = socket->client;
    const auto it = client->sockets.find(socket->nsp);
    std::unique_ptr<Socket> owned = std::move(it->second);
    client->sockets.erase(it);
    return owned;
}

void SocketIoServer::removeSocket(Socket *socket, DisconnectReason reason)
{
    Namespace *ns = findNamespace(socket->nsp);
    const QString sid = socket->sid;
    const bool wasConnected = !socket->connecting;
    if (wasConnected && !m_closing)
        persistSession(socket, reason);
    const auto acks = std::exchange(socket->pendingAcks, {});
    detachSocket(socket); // the socket is gone with the returned owner

    for (const AckCallback &callback : acks)
        callback(true, {});
    if (!wasConnected)
        return;
    qCDebug(lcSocketIo) << "disconnected" << sid << "from" << ns->name << reasonText(reason);
    if (ns->onDisconnect && !m_closing)
        ns->onDisconnect(sid, reason);
    if (m_closing)
        return;
    Q_EMIT clientDisconnected(sid, ns->name, reason);
    Q_EMIT clientCountChanged();
}

SocketIoServer::Socket *SocketIoServer::findSocket(const QString &sid, const QString &nsp) const
{
    const Namespace *ns = findNamespace(nsp);
    return ns ? ns->sockets.value(sid) : nullptr;
}

// ---- sending ----

int SocketIoServer::emitEvent(const QString &event, const QVariantList &args,
                              const EmitOptions &options)
{
    Namespace *ns = findNamespace(options.nsp);
    if (!ns)
        return 0;
    if (!m_options.recovery.enabled) {
        // Encoded once: every recipient is handed the same (implicitly shared) packets.
        const QList<EngineIo::Packet> frames
                = SocketIo::toEngineIoPackets(SocketIo::Packet::event(event, args, ns->name));
        return ns->adapter->broadcast(frames, {options.to, options.skipSids});
    }
    // With recovery, the event's offset is its last argument (as socket.io puts it, so that
    // the client knows the last one it got); still encoded once, and stored once.
    const quint64 seq = m_nextSeq++;
    QVariantList withOffset = args;
    withOffset.append(QString::number(seq));
    const QList<EngineIo::Packet> frames
            = SocketIo::toEngineIoPackets(SocketIo::Packet::event(event, withOffset, ns->name));
    storePacket(ns, frames, options, seq);
    return ns->adapter->broadcast(frames, {options.to, options.skipSids});
}

int SocketIoServer::send(const QVariant &data, const EmitOptions &options)
{
    return emitEvent(u"message"_s, {data}, options);
}

void SocketIoServer::emitWithAck(const QString &sid, const QString &event, const QVariantList &args,
                                 AckCallback callback,
                                 std::optional<std::chrono::milliseconds> timeout,
                                 const QString &nsp)
{
    Socket *socket = findSocket(sid, nsp);
    if (!socket) {
        if (callback)
            QTimer::singleShot(0, this, [callback] { callback(true, {}); });
        return;
    }
    const qint64 id = socket->nextAckId++;
    if (callback)
        socket->pendingAcks.insert(id, std::move(callback));
    deliver(socket,
            SocketIo::toEngineIoPackets(SocketIo::Packet::event(event, args, socket->nsp, id)));
    QTimer::singleShot(timeout.value_or(m_options.ackTimeout), this, [this, sid, nsp, id] {
        if (Socket *s = findSocket(sid, nsp)) {
            if (AckCallback cb = s->pendingAcks.take(id))
                cb(true, {});
        }
    });
}

// ---- rooms ----

void SocketIoServer::enterRoom(const QString &sid, const QString &room, const QString &nsp)
{
    Namespace *ns = findNamespace(nsp);
    if (!ns || !ns->sockets.contains(sid))
        return;
    if (ns->adapter->socketRooms(sid).contains(room))
        return;
    ns->adapter->addAll(sid, {room});
    Q_EMIT roomsChanged(sid, ns->name, ns->adapter->socketRooms(sid));
}

void SocketIoServer::leaveRoom(const QString &sid, const QString &room, const QString &nsp)
{
    Namespace *ns = findNamespace(nsp);
    if (!ns || !ns->sockets.contains(sid) || !ns->adapter->socketRooms(sid).contains(room))
        return;
    ns->adapter->remove(sid, room);
    Q_EMIT roomsChanged(sid, ns->name, ns->adapter->socketRooms(sid));
}

void SocketIoServer::closeRoom(const QString &room, const QString &nsp)
{
    Namespace *ns = findNamespace(nsp);
    if (!ns)
        return;
    for (const QString &sid : ns->adapter->sockets({room}))
        leaveRoom(sid, room, nsp);
}

QStringList SocketIoServer::rooms(const QString &sid, const QString &nsp) const
{
    const Namespace *ns = findNamespace(nsp);
    return ns && ns->sockets.contains(sid) ? ns->adapter->socketRooms(sid) : QStringList();
}

QStringList SocketIoServer::participants(const QString &room, const QString &nsp) const
{
    const Namespace *ns = findNamespace(nsp);
    if (!ns)
        return {};
    QStringList sids = ns->adapter->sockets({room}).values();
    sids.sort();
    return sids;
}

QStringList SocketIoServer::allRooms(const QString &nsp) const
{
    const Namespace *ns = findNamespace(nsp);
    return ns ? ns->adapter->rooms() : QStringList();
}

// ---- clients ----

void SocketIoServer::disconnectClient(const QString &sid, const QString &nsp, bool closeConnection)
{
    Socket *socket = findSocket(sid, nsp);
    if (!socket)
        return;
    if (socket->connecting) {
        // Inside the connect handler: finish connecting first (see handleConnect()).
        socket->disconnectRequested = true;
        socket->closeRequested = socket->closeRequested || closeConnection;
        return;
    }
    EngineIoSession *const key = socket->client->key;
    QPointer<EngineIoSession> session = socket->client->session;
    // Closing the connection leaves every namespace, each told so, so that no client
    // reconnects a namespace it was thrown out of.
    const QStringList leaving
            = closeConnection ? socket->client->namespaces() : QStringList{socket->nsp};
    for (const QString &name : leaving) {
        // A disconnect handler may have removed the socket, or closed the whole client.
        const auto client = m_clients.find(key);
        Socket *s = client == m_clients.end() ? nullptr : client->second->socket(name);
        if (!s)
            continue;
        if (session && !s->connecting)
            session->send(SocketIo::toEngineIoPackets(SocketIo::Packet::disconnect(s->nsp)));
        removeSocket(s, DisconnectReason::ServerNamespaceDisconnect);
    }
    if (closeConnection && session)
        session->close(EngineIoSession::CloseReason::ServerClose);
}

bool SocketIoServer::isConnected(const QString &sid, const QString &nsp) const
{
    const Socket *socket = findSocket(sid, nsp);
    return socket && !socket->connecting;
}

ClientInfo SocketIoServer::infoOf(const Socket *socket) const
{
    ClientInfo info;
    info.sid = socket->sid;
    info.nsp = socket->nsp;
    info.connectedAt = socket->connectedAt;
    if (const EngineIoSession *session = socket->client->session) {
        const Http::HttpRequest &request = session->handshakeRequest();
        info.engineSid = session->sid();
        info.address = request.remoteAddress;
        info.port = request.remotePort;
        info.transport = session->transportName();
        info.userAgent = QString::fromUtf8(request.header("user-agent"));
    }
    info.rooms = findNamespace(socket->nsp)->adapter->socketRooms(socket->sid);
    info.recovered = socket->recovered;
    return info;
}

std::optional<ClientInfo> SocketIoServer::client(const QString &sid, const QString &nsp) const
{
    const Socket *socket = findSocket(sid, nsp);
    if (!socket || socket->connecting)
        return std::nullopt;
    return infoOf(socket);
}

QList<ClientInfo> SocketIoServer::clients(const QString &nsp) const
{
    QList<ClientInfo> result;
    for (const Namespace *ns : m_namespaces) {
        if (!nsp.isEmpty() && ns->name != nsp)
            continue;
        for (const Socket *socket : ns->sockets) {
            if (!socket->connecting)
                result.append(infoOf(socket));
        }
    }
    std::sort(result.begin(), result.end(), [](const ClientInfo &a, const ClientInfo &b) {
        return a.connectedAt < b.connectedAt || (a.connectedAt == b.connectedAt && a.sid < b.sid);
    });
    return result;
}

int SocketIoServer::clientCount() const
{
    int count = 0;
    for (const Namespace *ns : m_namespaces)
        count += int(ns->sockets.size());
    return count;
}

QVariantMap SocketIoServer::session(const QString &sid, const QString &nsp) const
{
    const Socket *socket = findSocket(sid, nsp);
    return socket ? socket->session : QVariantMap();
}

void SocketIoServer::saveSession(const QString &sid, const QVariantMap &session, const QString &nsp)
{
    if (Socket *socket = findSocket(sid, nsp))
        socket->session = session;
}

void SocketIoServer::noteStats()
{
    if (m_statsPending)
        return;
    m_statsPending = true;
    QTimer::singleShot(250ms, this, [this] {
        m_statsPending = false;
        Q_EMIT statsChanged();
    });
}

// ---- connection state recovery ----

void SocketIoServer::storePacket(Namespace *ns, const QList<EngineIo::Packet> &frames,
                                 const EmitOptions &options, quint64 seq)
{
    StoredPacket stored;
    stored.seq = seq;
    stored.emittedAt = steadyMs();
    stored.ns = ns;
    stored.rooms = options.to; // implicitly shared, as are the frames
    stored.except = options.skipSids;
    stored.frames = frames;
    stored.cost = StoredPacketOverhead;
    for (const EngineIo::Packet &frame : frames)
        stored.cost += frame.data.size();
    m_recoveryBytes += stored.cost;
    m_recoveryLog.push_back(std::move(stored));
    // The oldest go first: past the window, or past the memory bound.
    const qint64 expired = m_recoveryLog.back().emittedAt
            - qint64(m_options.recovery.maxDisconnectionDuration.count());
    while (m_recoveryLog.size() > 1
           && (m_recoveryBytes > m_options.recovery.maxBufferedBytes
               || m_recoveryLog.front().emittedAt < expired)) {
        m_recoveryBytes -= m_recoveryLog.front().cost;
        m_recoveryLog.pop_front();
    }
}

void SocketIoServer::persistSession(Socket *socket, DisconnectReason reason)
{
    if (socket->pid.isEmpty() || !recoverable(reason) || m_options.recovery.maxSessions <= 0)
        return;
    const Namespace *ns = findNamespace(socket->nsp);
    PersistedSession persisted;
    persisted.sid = socket->sid;
    persisted.nsp = socket->nsp;
    persisted.rooms = ns->adapter->socketRooms(socket->sid);
    persisted.session = socket->session;
    persisted.disconnectedAt = steadyMs();
    m_persisted.insert(socket->pid, persisted);
    m_persistedOrder.emplace_back(persisted.disconnectedAt, socket->pid);
    // Over the bound, the longest gone goes (entries of sessions already recovered or
    // expired are skipped).
    while (m_persisted.size() > m_options.recovery.maxSessions && !m_persistedOrder.empty()) {
        const auto [at, oldest] = m_persistedOrder.front();
        m_persistedOrder.pop_front();
        const auto it = m_persisted.constFind(oldest);
        if (it != m_persisted.cend() && it->disconnectedAt == at)
            m_persisted.erase(it);
    }
}

std::optional<SocketIoServer::PersistedSession>
SocketIoServer::restoreSession(Namespace *ns, const QString &pid, const QString &offset,
                               QList<EngineIo::Packet> &missed)
{
    const auto it = m_persisted.find(pid);
    if (it == m_persisted.end() || it->nsp != ns->name)
        return std::nullopt;
    const qint64 now = steadyMs();
    if (now - it->disconnectedAt > qint64(m_options.recovery.maxDisconnectionDuration.count())) {
        m_persisted.erase(it);
        return std::nullopt;
    }
    if (ns->sockets.contains(it->sid))
        return std::nullopt; // taken meanwhile (cannot happen with random sids; cheap to check)
    // The offset is the sequence number of the last event the client got: every later one
    // must still be stored, or what it missed is no longer whole.
    bool ok = false;
    const quint64 last = offset.toULongLong(&ok);
    const quint64 first = m_recoveryLog.empty() ? m_nextSeq : m_recoveryLog.front().seq;
    if (!ok || last >= m_nextSeq || last + 1 < first) {
        qCDebug(lcSocketIo) << "cannot recover" << it->sid << "from offset" << offset;
        return std::nullopt;
    }
    // A socket gets at most half of its send queue this way: more would overflow it, and is
    // better fetched by the application (a chat's history) than pushed in one go.
    const qint64 budget = m_options.engine.sendQueueLimit() / 2;
    qint64 bytes = 0;
    const QStringList &rooms = it->rooms;
    for (auto packet = m_recoveryLog.cbegin() + qsizetype(last + 1 - first);
         packet != m_recoveryLog.cend(); ++packet) {
        if (packet->ns != ns)
            continue;
        const bool included = packet->rooms.isEmpty()
                || std::any_of(packet->rooms.cbegin(), packet->rooms.cend(),
                               [&](const QString &room) { return rooms.contains(room); });
        if (!included)
            continue;
        const bool excluded
                = std::any_of(packet->except.cbegin(), packet->except.cend(),
                              [&](const QString &room) { return rooms.contains(room); });
        if (excluded)
            continue;
        bytes += packet->cost;
        if (bytes > budget) {
            qCInfo(lcSocketIo) << "not recovering" << it->sid << ": it missed over" << budget
                               << "bytes";
            missed.clear();
            return std::nullopt;
        }
        missed.append(packet->frames);
    }
    PersistedSession restored = std::move(*it);
    m_persisted.erase(it);
    return restored;
}

void SocketIoServer::pruneRecovery()
{
    const qint64 threshold
            = steadyMs() - qint64(m_options.recovery.maxDisconnectionDuration.count());
    while (!m_recoveryLog.empty() && m_recoveryLog.front().emittedAt < threshold) {
        m_recoveryBytes -= m_recoveryLog.front().cost;
        m_recoveryLog.pop_front();
    }
    while (!m_persistedOrder.empty() && m_persistedOrder.front().first < threshold) {
        const auto [at, pid] = m_persistedOrder.front();
        m_persistedOrder.pop_front();
        const auto it = m_persisted.constFind(pid);
        if (it != m_persisted.cend() && it->disconnectedAt == at)
            m_persisted.erase(it);
    }
}

} // namespace Confab
