// SPDX-License-Identifier: MIT
#include "socketioclient.h"

#include "ackreply.h"
#include "clientlogging.h"

using namespace Qt::StringLiterals;

namespace Confab::Client {

using SocketIo::PacketType;

// --- AckHandle ---------------------------------------------------------------------------

bool AckHandle::isPending() const
{
    return d && !d->sent && d->client;
}

bool AckHandle::send(const QVariantList &args) const
{
    if (!d || d->sent || !d->client)
        return false;
    return d->client->sendAck(*d, args);
}

// --- SocketIoClient ----------------------------------------------------------------------

SocketIoClient::SocketIoClient(QObject *parent)
    : SocketIoClient(ClientOptions{}, parent)
{ }

SocketIoClient::SocketIoClient(const ClientOptions &options, QObject *parent)
    : QObject(parent)
    , m_engine(std::make_unique<EngineIoClient>(this))
{
    // Parented so that moveToThread() takes them along; as members they die before ~QObject.
    m_acks.setParent(this);
    m_reconnectTimer.setParent(this);
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcClient) << "reconnection attempt" << m_reconnectAttempt;
        startAttempt();
    });
    connect(m_engine.get(), &EngineIoClient::opened, this, &SocketIoClient::onEngineOpened);
    connect(m_engine.get(), &EngineIoClient::messageReceived, this,
            &SocketIoClient::onEngineMessage);
    connect(m_engine.get(), &EngineIoClient::closed, this, &SocketIoClient::onEngineClosed);
    connect(m_engine.get(), &EngineIoClient::transportChanged, this,
            &SocketIoClient::transportChanged);
    connect(m_engine.get(), &EngineIoClient::drained, this, [this] {
        if (std::exchange(m_closeRequested, false))
            Q_EMIT closed();
    });
    setOptions(options);
}

SocketIoClient::~SocketIoClient()
{
    // Nothing may call back into a client being destroyed: silence the engine and drop every
    // pending ack callback.
    m_reconnectTimer.stop();
    m_engine->disconnect(this);
    m_engine.reset();
    m_acks.clear();
}

void SocketIoClient::setOptions(const ClientOptions &options)
{
    const bool urlChanged = options.url != m_options.url;
    m_options = options;
    m_endpoint = resolveEndpoint(options);
    m_backoff.setMin(options.reconnectionDelay);
    m_backoff.setMax(options.reconnectionDelayMax);
    m_backoff.setJitter(options.randomizationFactor);
    QStringList wanted = options.namespaces;
    if (wanted.isEmpty())
        wanted.append(m_endpoint.nsp.isEmpty() ? u"/"_s : m_endpoint.nsp);
    for (const QString &nsp : std::as_const(wanted)) {
        if (!m_namespaces.contains(nsp)) {
            m_namespaces.insert(nsp, Namespace{});
            m_namespaceOrder.append(nsp);
        }
    }
    if (urlChanged)
        Q_EMIT this->urlChanged();
}

QString SocketIoClient::transport() const
{
    return m_engine->transportName();
}

void SocketIoClient::setState(State state)
{
    if (m_state == state)
        return;
    qCDebug(lcClient) << "state" << state;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void SocketIoClient::setError(Error error, const QString &message)
{
    qCInfo(lcClient).noquote() << "error:" << error << message;
    m_error = error;
    m_lastError = message;
    QPointer<SocketIoClient> self(this);
    Q_EMIT lastErrorChanged();
    if (self)
        Q_EMIT errorOccurred(error, message);
}

void SocketIoClient::open()
{
    if (m_state == State::Connected || m_state == State::Connecting)
        return;
    if (!m_endpoint.error.isEmpty()) {
        setError(Error::InvalidUrl, m_endpoint.error);
        return;
    }
    // A fresh start: namespaces the server disconnected or refused are asked again.
    for (Namespace &ns : m_namespaces) {
        ns.status = Namespace::Status::Offline;
        ns.refused = false;
    }
    m_reconnectTimer.stop();
    m_reconnectAttempt = 0;
    m_backoff.reset();
    m_everConnected = false;
    m_closeRequested = false;
    m_nextReconnectAt = {};
    setState(State::Connecting);
    startAttempt();
}

void SocketIoClient::startAttempt()
{
    m_nextReconnectAt = {};
    EngineIoClient::Options options;
    options.httpUrl = m_endpoint.httpUrl;
    options.wsUrl = m_endpoint.wsUrl;
    options.query = m_options.query;
    options.headers = m_options.headers;
    options.transports = m_options.transports;
    options.connectTimeout = m_options.connectTimeout;
    options.trustedCertificateSha256 = m_options.trustedCertificateSha256;
    options.limits = m_options.limits;
    m_engine->open(options);
}

void SocketIoClient::close()
{
    m_reconnectTimer.stop();
    m_nextReconnectAt = {};
    m_reconnectAttempt = 0;
    m_closeRequested = true;
    QPointer<SocketIoClient> self(this);
    if (m_engine->isDrained()) {
        QTimer::singleShot(0, this, [this] {
            if (m_closeRequested && m_engine->isDrained()) {
                m_closeRequested = false;
                Q_EMIT closed();
            }
        });
    }
    if (m_state == State::Disconnected)
        return;
    if (m_engine->state() == EngineIoClient::State::Open) {
        for (const QString &nsp : std::as_const(m_namespaceOrder)) {
            if (m_namespaces.value(nsp).status != Namespace::Status::Offline)
                sendPacket(SocketIo::Packet::disconnect(nsp));
        }
    }
    // The engine reports ClientClose, which onEngineClosed() ignores: this is the close path.
    m_engine->close();
    markNamespacesOffline(DisconnectReason::ClientDisconnect);
    if (self)
        setState(State::Disconnected);
}

void SocketIoClient::joinNamespace(const QString &nsp, const QVariant &auth)
{
    auto it = m_namespaces.find(nsp);
    if (it == m_namespaces.end()) {
        it = m_namespaces.insert(nsp, Namespace{});
        m_namespaceOrder.append(nsp);
    }
    it->auth = auth;
    it->refused = false;
    if (m_state == State::Connected && it->status == Namespace::Status::Offline)
        sendConnect(nsp);
}

void SocketIoClient::leaveNamespace(const QString &nsp)
{
    auto it = m_namespaces.find(nsp);
    if (it == m_namespaces.end())
        return;
    const bool wasConnected = it->status == Namespace::Status::Connected;
    if (it->status != Namespace::Status::Offline && m_state == State::Connected)
        sendPacket(SocketIo::Packet::disconnect(nsp));
    m_namespaces.erase(it);
    m_namespaceOrder.removeAll(nsp);
    QPointer<SocketIoClient> self(this);
    m_acks.failAll(nsp, AckStatus::Disconnected, true);
    if (self)
        m_acks.failAll(nsp, AckStatus::NotSent, false);
    if (self && wasConnected)
        Q_EMIT disconnected(nsp, DisconnectReason::ClientDisconnect);
    if (self)
        closeIfNoNamespaceLeft();
}

QStringList SocketIoClient::namespaces() const
{
    return m_namespaceOrder;
}

bool SocketIoClient::isConnected(const QString &nsp) const
{
    auto it = m_namespaces.constFind(nsp);
    return it != m_namespaces.cend() && it->status == Namespace::Status::Connected;
}

bool SocketIoClient::recovered(const QString &nsp) const
{
    auto it = m_namespaces.constFind(nsp);
    return it != m_namespaces.cend() && it->status == Namespace::Status::Connected && it->recovered;
}

QString SocketIoClient::socketId(const QString &nsp) const
{
    return isConnected(nsp) ? m_namespaces.value(nsp).sid : QString();
}

// --- emitting ------------------------------------------------------------------------------

bool SocketIoClient::emitEvent(const QString &event, const QVariantList &args, const QString &nsp,
                               EmitFlags flags)
{
    if (SocketIo::isReservedEventName(event)) {
        qCWarning(lcClient) << "not emitting reserved event name" << event;
        return false;
    }
    return queueOrSend(SocketIo::Packet::event(event, args, nsp), flags, std::nullopt);
}

bool SocketIoClient::emitWithAck(const QString &event, const QVariantList &args,
                                 const QObject *context,
                                 std::function<void(const AckResult &)> callback,
                                 std::chrono::milliseconds timeout, const QString &nsp,
                                 EmitFlags flags)
{
    const qint64 id = m_acks.add(nsp, context, std::move(callback), timeout);
    if (SocketIo::isReservedEventName(event)
        || !queueOrSend(SocketIo::Packet::event(event, args, nsp, id), flags, id)) {
        m_acks.failLater(id, AckStatus::NotSent);
        return false;
    }
    return true;
}

AckReply *SocketIoClient::call(const QString &event, const QVariantList &args,
                               std::chrono::milliseconds timeout, const QString &nsp)
{
    auto *reply = new AckReply(this);
    emitWithAck(
            event, args, reply, [reply](const AckResult &result) { reply->complete(result); },
            timeout, nsp);
    return reply;
}

bool SocketIoClient::queueOrSend(SocketIo::Packet packet, EmitFlags flags,
                                 std::optional<qint64> ackId)
{
    auto it = m_namespaces.find(packet.nsp);
    if (it == m_namespaces.end() || it->refused) {
        qCWarning(lcClient) << "emit on namespace" << packet.nsp << "that is not joined";
        return false;
    }
    if (it->status == Namespace::Status::Connected && m_state == State::Connected) {
        if (!sendPacket(packet))
            return false;
        if (ackId)
            m_acks.markSent(*ackId);
        return true;
    }
    if (flags.testFlag(Volatile)) {
        qCDebug(lcClient) << "dropping a volatile emit: namespace" << packet.nsp << "is offline";
        return false;
    }
    if (it->sendBuffer.size() >= m_options.maxBufferedEmits) {
        qCWarning(lcClient) << "offline buffer of" << packet.nsp << "is full ("
                            << m_options.maxBufferedEmits << "emits); dropping";
        return false;
    }
    it->sendBuffer.append(std::move(packet));
    return true;
}

bool SocketIoClient::sendPacket(const SocketIo::Packet &packet)
{
    return m_engine->send(SocketIo::toEngineIoPackets(packet));
}

void SocketIoClient::flushSendBuffer(const QString &nsp)
{
    auto it = m_namespaces.find(nsp);
    if (it == m_namespaces.end())
        return;
    const QList<SocketIo::Packet> buffered = std::exchange(it->sendBuffer, {});
    if (!buffered.isEmpty())
        qCDebug(lcClient) << "sending" << buffered.size() << "buffered emits on" << nsp;
    for (const SocketIo::Packet &packet : buffered) {
        const bool sent = sendPacket(packet);
        if (packet.id) {
            if (sent)
                m_acks.markSent(*packet.id);
            else
                m_acks.failLater(*packet.id, AckStatus::NotSent);
        }
    }
}

bool SocketIoClient::sendAck(AckHandle::Shared &handle, const QVariantList &args)
{
    if (handle.client != this || handle.session != m_session || !isConnected(handle.nsp))
        return false;
    handle.sent = true;
    return sendPacket(SocketIo::Packet::ack(handle.id, args, handle.nsp));
}

// --- connection lifecycle ------------------------------------------------------------------

void SocketIoClient::sendConnect(const QString &nsp)
{
    auto it = m_namespaces.find(nsp);
    if (it == m_namespaces.end())
        return;
    it->status = Namespace::Status::Connecting;
    it->earlyEvents.clear();
    it->sid.clear();
    QVariant auth = it->auth;
    if (!auth.isValid())
        auth = m_options.authProvider ? m_options.authProvider(nsp) : m_options.auth;
    if (auth.isValid() && !auth.isNull() && auth.typeId() != QMetaType::QVariantMap) {
        if (auth.typeId() == QMetaType::QVariantHash) {
            QVariantMap map;
            const QVariantHash hash = auth.toHash();
            for (auto h = hash.cbegin(); h != hash.cend(); ++h)
                map.insert(h.key(), h.value());
            auth = map;
        } else {
            qCWarning(lcClient) << "auth must be an object; sending none";
            auth = {};
        }
    }
    if (!it->pid.isEmpty() && !it->lastOffset.isEmpty()) {
        // Merged into the auth as socket.io-client does: a server with recovery on gives the
        // old sid back, with what was missed; any other ignores the two fields.
        QVariantMap map = auth.toMap();
        map.insert(u"pid"_s, it->pid);
        map.insert(u"offset"_s, it->lastOffset);
        auth = map;
    }
    qCDebug(lcClient) << "joining" << nsp;
    sendPacket(SocketIo::Packet::connect(nsp, auth));
}

void SocketIoClient::onEngineOpened()
{
    ++m_session;
    m_decoder = SocketIo::Decoder(m_options.limits);
    const bool wasReconnecting = m_state == State::Reconnecting;
    const int attempts = m_reconnectAttempt;
    m_reconnectAttempt = 0;
    m_reconnectDelay = {};
    m_nextReconnectAt = {};
    m_backoff.reset();
    m_everConnected = true;
    qCInfo(lcClient) << "connected to" << m_endpoint.httpUrl.toDisplayString() << "over"
                     << m_engine->transportName();
    QPointer<SocketIoClient> self(this);
    const quint64 session = m_session;
    setState(State::Connected);
    if (self && wasReconnecting)
        Q_EMIT reconnected(attempts);
    // Namespaces the server refused or disconnected stay offline until open()/joinNamespace().
    const QStringList order = m_namespaceOrder;
    for (const QString &nsp : order) {
        if (!self || m_session != session || m_state != State::Connected)
            return;
        auto it = m_namespaces.find(nsp);
        if (it != m_namespaces.end() && it->status == Namespace::Status::Offline && !it->refused)
            sendConnect(nsp);
    }
}

void SocketIoClient::onEngineMessage(const EngineIo::Packet &packet)
{
    auto result = packet.binary ? m_decoder.addBinary(packet.data) : m_decoder.addText(packet.data);
    if (!result) {
        qCWarning(lcClient) << "malformed packet from the server:" << result.error().toString();
        dropConnection(Error::ProtocolError, DisconnectReason::TransportError,
                       u"malformed packet from the server: "_s + result.error().toString());
        return;
    }
    if (result->has_value())
        handlePacket(**result);
}

void SocketIoClient::handlePacket(const SocketIo::Packet &packet)
{
    auto it = m_namespaces.find(packet.nsp);
    const bool known = it != m_namespaces.end() && it->status != Namespace::Status::Offline;
    QPointer<SocketIoClient> self(this);
    switch (packet.type) {
    case PacketType::Connect: {
        if (!known || it->status != Namespace::Status::Connecting) {
            qCDebug(lcClient) << "ignoring CONNECT for" << packet.nsp;
            return;
        }
        it->status = Namespace::Status::Connected;
        const QVariantMap data = packet.data.toMap();
        it->sid = data.value(u"sid"_s).toString();
        const QVariant pid = data.value(u"pid"_s);
        const QString newPid = pid.typeId() == QMetaType::QString ? pid.toString() : QString();
        it->recovered = !newPid.isEmpty() && newPid == it->pid;
        if (newPid != it->pid)
            it->lastOffset.clear();
        it->pid = newPid;
        const QList<SocketIo::Packet> early = std::exchange(it->earlyEvents, {});
        const QString nsp = packet.nsp;
        qCDebug(lcClient) << "joined" << nsp;
        Q_EMIT connected(nsp, it->sid);
        // Events the server sent before its CONNECT ack (python-socketio does), then emits
        // made while offline: the order socket.io-client uses.
        for (const SocketIo::Packet &event : early) {
            if (!self || !isConnected(nsp))
                return;
            deliverEvent(event);
        }
        if (self && isConnected(nsp))
            flushSendBuffer(nsp);
        return;
    }
    case PacketType::ConnectError: {
        if (!known)
            return;
        QString message;
        QVariant data;
        if (packet.data.typeId() == QMetaType::QVariantMap) {
            const QVariantMap map = packet.data.toMap();
            message = map.value(u"message"_s).toString();
            data = map.value(u"data"_s);
        } else {
            message = packet.data.toString();
        }
        const QString nsp = packet.nsp;
        it->status = Namespace::Status::Offline;
        it->refused = true;
        it->sendBuffer.clear();
        qCInfo(lcClient) << "namespace" << nsp << "refused:" << message;
        m_acks.failAll(nsp, AckStatus::NotSent, false);
        if (self)
            setError(Error::ConnectRefused, u"%1 refused the connection: %2"_s.arg(nsp, message));
        if (self)
            Q_EMIT connectError(nsp, message, data);
        if (self)
            closeIfNoNamespaceLeft();
        return;
    }
    case PacketType::Disconnect: {
        if (!known)
            return;
        const QString nsp = packet.nsp;
        const bool wasConnected = it->status == Namespace::Status::Connected;
        it->status = Namespace::Status::Offline;
        it->refused = true; // the server decided: not rejoined until open()/joinNamespace()
        it->sid.clear();
        it->earlyEvents.clear();
        qCInfo(lcClient) << "the server disconnected" << nsp;
        m_acks.failAll(nsp, AckStatus::Disconnected, true);
        if (self && wasConnected)
            Q_EMIT disconnected(nsp, DisconnectReason::ServerDisconnect);
        if (self && !hasActiveNamespace())
            setError(Error::ServerDisconnected, u"the server disconnected %1"_s.arg(nsp));
        if (self)
            closeIfNoNamespaceLeft();
        return;
    }
    case PacketType::Event:
    case PacketType::BinaryEvent:
        if (!known) {
            qCDebug(lcClient) << "ignoring event for namespace" << packet.nsp;
            return;
        }
        if (it->status == Namespace::Status::Connecting)
            it->earlyEvents.append(packet);
        else
            deliverEvent(packet);
        return;
    case PacketType::Ack:
    case PacketType::BinaryAck:
        if (!packet.id || !m_acks.resolve(packet.nsp, *packet.id, packet.arguments()))
            qCDebug(lcClient) << "ignoring late or unknown ack" << packet.id.value_or(-1);
        return;
    }
}

void SocketIoClient::deliverEvent(const SocketIo::Packet &packet)
{
    AckHandle ack;
    if (packet.id) {
        ack.d = std::make_shared<AckHandle::Shared>();
        ack.d->client = this;
        ack.d->nsp = packet.nsp;
        ack.d->id = *packet.id;
        ack.d->session = m_session;
    }
    QVariantList args = packet.arguments();
    // A server with recovery on (its CONNECT ack had a pid) puts the event's offset last,
    // unless the event asks for an ack: kept for the next CONNECT, and taken off, so that
    // handlers get the same arguments with recovery as without.
    const auto it = m_namespaces.find(packet.nsp);
    if (it != m_namespaces.end() && !it->pid.isEmpty() && !packet.id && !args.isEmpty()
        && args.constLast().typeId() == QMetaType::QString)
        it->lastOffset = args.takeLast().toString();
    Q_EMIT eventReceived(packet.nsp, packet.eventName(), args, ack);
}

bool SocketIoClient::hasActiveNamespace() const
{
    for (const Namespace &ns : m_namespaces) {
        if (!ns.refused)
            return true;
    }
    return false;
}

void SocketIoClient::closeIfNoNamespaceLeft()
{
    // As socket.io-client's Manager: the connection ends with its last active namespace.
    if (hasActiveNamespace() || m_state == State::Disconnected)
        return;
    qCInfo(lcClient) << "no namespace left; closing the connection";
    m_reconnectTimer.stop();
    m_nextReconnectAt = {};
    m_engine->close();
    markNamespacesOffline(DisconnectReason::ClientDisconnect);
    setState(State::Disconnected);
}

void SocketIoClient::markNamespacesOffline(DisconnectReason reason)
{
    QPointer<SocketIoClient> self(this);
    QStringList wasConnected;
    for (const QString &nsp : std::as_const(m_namespaceOrder)) {
        Namespace &ns = m_namespaces[nsp];
        if (ns.status == Namespace::Status::Connected)
            wasConnected.append(nsp);
        ns.status = Namespace::Status::Offline;
        ns.sid.clear();
        ns.earlyEvents.clear();
    }
    m_decoder.reset();
    for (const QString &nsp : std::as_const(wasConnected)) {
        if (!self)
            return;
        Q_EMIT disconnected(nsp, reason);
    }
    // Emits still in the offline buffer keep their acks: they are sent after reconnecting.
    if (self)
        m_acks.failAll({}, AckStatus::Disconnected, true);
}

void SocketIoClient::onEngineClosed(EngineIoClient::CloseReason reason, const QString &detail)
{
    const bool wasOpen = m_state == State::Connected;
    switch (reason) {
    case EngineIoClient::CloseReason::ClientClose:
        return; // close(), open() or dropConnection() started this and handles the rest
    case EngineIoClient::CloseReason::ServerClose:
        dropConnection(Error::ConnectionLost, DisconnectReason::TransportClose, detail);
        return;
    case EngineIoClient::CloseReason::TransportError:
        dropConnection(wasOpen ? Error::ConnectionLost : Error::ConnectFailed,
                       DisconnectReason::TransportClose, detail);
        return;
    case EngineIoClient::CloseReason::TlsError:
        dropConnection(Error::TlsError, DisconnectReason::TransportError, detail);
        return;
    case EngineIoClient::CloseReason::PingTimeout:
        dropConnection(Error::PingTimeout, DisconnectReason::PingTimeout, detail);
        return;
    case EngineIoClient::CloseReason::ProtocolError:
        dropConnection(Error::ProtocolError, DisconnectReason::TransportError, detail);
        return;
    }
}

void SocketIoClient::dropConnection(Error error, DisconnectReason reason, const QString &detail)
{
    QPointer<SocketIoClient> self(this);
    m_engine->abort();
    markNamespacesOffline(reason);
    if (!self)
        return;
    setError(error, detail);
    // A slot may have called close() or open() meanwhile: that decision stands.
    if (!self || m_state == State::Disconnected
        || m_engine->state() != EngineIoClient::State::Closed)
        return;
    if (m_options.reconnection && hasActiveNamespace())
        scheduleReconnect();
    else
        setState(State::Disconnected);
}

void SocketIoClient::scheduleReconnect()
{
    if (m_options.reconnectionAttempts >= 0
        && m_reconnectAttempt >= m_options.reconnectionAttempts) {
        QPointer<SocketIoClient> self(this);
        setError(Error::ReconnectFailed,
                 u"gave up after %1 reconnection attempts"_s.arg(m_reconnectAttempt));
        if (self)
            setState(State::Disconnected);
        return;
    }
    m_reconnectDelay = m_backoff.next();
    ++m_reconnectAttempt;
    m_nextReconnectAt = QDateTime::currentDateTimeUtc().addMSecs(m_reconnectDelay.count());
    qCInfo(lcClient) << "reconnecting in" << m_reconnectDelay.count() << "ms (attempt"
                     << m_reconnectAttempt << ")";
    m_reconnectTimer.start(m_reconnectDelay);
    QPointer<SocketIoClient> self(this);
    setState(State::Reconnecting);
    if (self)
        Q_EMIT reconnectScheduled(m_reconnectAttempt, m_reconnectDelay);
}

} // namespace Confab::Client
