// SPDX-License-Identifier: MIT
#include "engineioclient.h"

#include "clientlogging.h"
#include "pollingtransport_p.h"
#include "websockettransport_p.h"

#include <QtNetwork/QNetworkAccessManager>

using namespace Qt::StringLiterals;

namespace Confab::Client {

using EngineIo::Packet;
using EngineIo::PacketType;

namespace {

// How long a graceful close over polling may wait for its last POST.
constexpr std::chrono::milliseconds CloseGrace{3000};
// What the server may send before its handshake is read: an open packet is a few hundred bytes,
// so anything near this is not an Engine.IO server (an HTML page, an endless stream...).
constexpr qsizetype HandshakeResponseLimit = 64 * 1024;

} // namespace

EngineIoClient::EngineIoClient(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{
    // Parented so that moveToThread() takes the timers along.
    m_watchdog.setParent(this);
    m_connectTimer.setParent(this);
    m_closeTimer.setParent(this);
    m_watchdog.setSingleShot(true);
    m_connectTimer.setSingleShot(true);
    m_closeTimer.setSingleShot(true);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        const qint64 ms = (m_handshake.pingInterval + m_handshake.pingTimeout).count();
        qCInfo(lcClientTransport) << "no ping within" << ms << "ms; the server is gone";
        fail(CloseReason::PingTimeout, u"no ping from the server within %1 ms"_s.arg(ms));
    });
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        fail(CloseReason::TransportError,
             u"no handshake within %1 ms"_s.arg(m_options.connectTimeout.count()));
    });
    connect(&m_closeTimer, &QTimer::timeout, this, [this] {
        qCDebug(lcClientTransport) << "close: giving up waiting for the last POST";
        fail(CloseReason::ClientClose, u"closed by the client"_s);
    });
}

EngineIoClient::~EngineIoClient()
{
    // No signal may reach anyone from a half-destroyed object: drop everything silently.
    blockSignals(true);
    teardown(false);
}

QString EngineIoClient::transportName() const
{
    // A transport carries the session only once the handshake is done.
    if (!m_transport || (m_state != State::Open && m_state != State::Closing))
        return {};
    return m_transport->name();
}

bool EngineIoClient::isWebSocket() const
{
    return !transportName().isEmpty() && !polling();
}

PollingTransport *EngineIoClient::polling() const
{
    return qobject_cast<PollingTransport *>(m_transport.data());
}

void EngineIoClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void EngineIoClient::open(const Options &options)
{
    if (m_state != State::Closed)
        abort();
    m_options = options;
    m_handshake = {};
    m_writeQueue.clear();
    setState(State::Opening);
    m_connectTimer.start(std::max(options.connectTimeout, std::chrono::milliseconds(1)));
    qCDebug(lcClientTransport) << "opening" << options.httpUrl << "with"
                               << transportModeName(options.transports);
    if (options.transports == TransportMode::WebSocket)
        startWebSocket();
    else
        startPollingHandshake();
}

void EngineIoClient::close()
{
    switch (m_state) {
    case State::Closed:
    case State::Closing:
        return;
    case State::Opening:
        fail(CloseReason::ClientClose, u"closed by the client"_s);
        return;
    case State::Open:
        break;
    }
    setState(State::Closing);
    m_writeQueue.append(Packet::of(PacketType::Close));
    PollingTransport *const pollingTransport = polling();
    if (!pollingTransport) {
        // The WebSocket sends the close packet, then its close handshake while it lingers.
        flush();
        fail(CloseReason::ClientClose, u"closed by the client"_s);
        return;
    }
    // Polling: the close packet must reach the server in a POST before the session ends.
    discardTransport(std::exchange(m_probe, nullptr), false);
    m_pausing = false;
    pollingTransport->setClosing();
    m_closeTimer.start(CloseGrace);
    flush();
}

void EngineIoClient::abort()
{
    fail(CloseReason::ClientClose, u"aborted by the client"_s);
}

bool EngineIoClient::send(const QList<Packet> &packets)
{
    if (m_state != State::Open)
        return false;
    if (m_handshake.maxPayload) {
        for (const Packet &packet : packets) {
            const qsizetype size = m_transport->wireSize(packet);
            if (size > *m_handshake.maxPayload) {
                qCWarning(lcClientTransport)
                        << "not sending a packet of" << size << "bytes: the server accepts at most"
                        << *m_handshake.maxPayload;
                return false;
            }
        }
    }
    m_writeQueue.append(packets);
    flush();
    return true;
}

qsizetype EngineIoClient::receiveLimit() const
{
    const qsizetype limit = m_options.limits.maxPayload;
    return m_state == State::Opening ? qMin(limit, HandshakeResponseLimit) : limit;
}

// --- opening -------------------------------------------------------------------------------

void EngineIoClient::startPollingHandshake()
{
    auto *transport = new PollingTransport(m_options, m_nam, this);
    m_transport = transport;
    transport->setReceiveLimit(receiveLimit());
    connect(transport, &ClientTransport::packetsReceived, this, &EngineIoClient::onPollingPackets);
    connect(transport, &ClientTransport::written, this, &EngineIoClient::onPollingWritten);
    connect(transport, &ClientTransport::failed, this, &EngineIoClient::fail);
    transport->open();
}

void EngineIoClient::startWebSocket()
{
    auto *transport = new WebSocketTransport(m_options, this);
    transport->setReceiveLimit(receiveLimit());
    useWebSocket(transport);
    transport->open();
}

void EngineIoClient::useWebSocket(WebSocketTransport *transport)
{
    m_transport = transport;
    connect(transport, &ClientTransport::packetsReceived, this,
            &EngineIoClient::onWebSocketPackets);
    connect(transport, &ClientTransport::failed, this, &EngineIoClient::fail);
}

void EngineIoClient::onOpenPacket(const Packet &packet)
{
    if (packet.type != PacketType::Open) {
        fail(CloseReason::ProtocolError, u"the server did not start with an open packet"_s);
        return;
    }
    auto handshake = EngineIo::Handshake::fromJson(packet.data);
    if (!handshake) {
        fail(CloseReason::ProtocolError, u"bad handshake: "_s + handshake.error().toString());
        return;
    }
    m_handshake = *handshake;
    m_transport->setHandshake(m_handshake);
    m_connectTimer.stop();
    qCDebug(lcClientTransport) << "open: sid" << m_handshake.sid << "ping"
                               << m_handshake.pingInterval.count() << "+"
                               << m_handshake.pingTimeout.count() << "upgrades"
                               << m_handshake.upgrades;
    QPointer<EngineIoClient> self(this);
    setState(State::Open);
    // From now on the server may send up to the full limit, not just a handshake.
    if (self && m_transport)
        m_transport->setReceiveLimit(receiveLimit());
    resetWatchdog();
    if (self)
        Q_EMIT transportChanged(transportName());
    if (self && m_state == State::Open)
        Q_EMIT opened();
}

// --- polling -------------------------------------------------------------------------------

void EngineIoClient::onPollingPackets(const QList<Packet> &packets)
{
    QPointer<EngineIoClient> self(this);
    if (m_state == State::Opening) {
        // The handshake: an open packet, perhaps followed by others.
        onOpenPacket(packets.first());
        for (qsizetype i = 1; self && m_state == State::Open && i < packets.size(); ++i)
            handlePacket(packets.at(i));
        if (!self || m_state != State::Open)
            return;
        poll();
        if (m_options.transports == TransportMode::Auto
            && m_handshake.upgrades.contains("websocket"_L1))
            startProbe();
        flush();
        return;
    }
    for (const Packet &packet : packets) {
        if (!self || m_state != State::Open)
            return;
        handlePacket(packet);
    }
    if (!self || m_state != State::Open || !polling())
        return;
    if (m_pausing)
        maybeFinishPause();
    else
        poll();
}

void EngineIoClient::onPollingWritten()
{
    if (m_state == State::Closing) {
        if (m_writeQueue.isEmpty())
            fail(CloseReason::ClientClose, u"closed by the client"_s);
        else
            flush();
        return;
    }
    if (m_pausing)
        maybeFinishPause();
    else
        flush();
}

void EngineIoClient::poll()
{
    PollingTransport *const pollingTransport = polling();
    if (!pollingTransport || m_state != State::Open || m_pausing)
        return;
    pollingTransport->poll();
}

void EngineIoClient::flush()
{
    if (m_state != State::Open && m_state != State::Closing)
        return;
    // While an upgrade pauses polling, packets wait here for the WebSocket.
    if (m_transport && !m_pausing)
        m_transport->write(m_writeQueue);
}

// --- WebSocket -----------------------------------------------------------------------------

void EngineIoClient::onWebSocketPackets(const QList<Packet> &packets)
{
    // One message, one packet.
    const Packet &packet = packets.first();
    if (m_state == State::Opening) {
        // Binary before the handshake means nothing.
        if (!packet.binary)
            onOpenPacket(packet);
    } else if (m_state == State::Open) {
        handlePacket(packet);
    }
}

// --- upgrade (PROTOCOL.md §1.7) ------------------------------------------------------------

void EngineIoClient::startProbe()
{
    m_probe = new WebSocketTransport(m_options, this);
    m_probe->setHandshake(m_handshake);
    m_probe->setReceiveLimit(receiveLimit());
    connect(m_probe, &WebSocketTransport::probeAnswered, this, &EngineIoClient::pausePolling);
    connect(m_probe, &ClientTransport::failed, this,
            [this](CloseReason, const QString &why) { dropProbe(why); });
    m_probe->openProbe();
}

void EngineIoClient::dropProbe(const QString &why)
{
    if (!m_probe)
        return;
    qCInfo(lcClientTransport) << "upgrade to WebSocket failed, staying on polling:" << why;
    discardTransport(std::exchange(m_probe, nullptr), false);
    if (m_pausing) {
        m_pausing = false;
        poll();
        flush();
    }
}

void EngineIoClient::pausePolling()
{
    // Polling must go quiet before "5": the server releases the held GET with a noop.
    m_pausing = true;
    maybeFinishPause();
}

void EngineIoClient::maybeFinishPause()
{
    PollingTransport *const pollingTransport = polling();
    if (!m_pausing || (pollingTransport && pollingTransport->isBusy()))
        return;
    finishUpgrade();
}

void EngineIoClient::finishUpgrade()
{
    m_pausing = false;
    if (!m_probe || m_state != State::Open) {
        poll();
        flush();
        return;
    }
    // Polling is quiet (no GET, no POST in flight): nothing of it is lost.
    discardTransport(m_transport.data(), false);
    WebSocketTransport *const ws = std::exchange(m_probe, nullptr);
    ws->disconnect(this);
    useWebSocket(ws);
    ws->upgrade();
    QPointer<EngineIoClient> self(this);
    Q_EMIT transportChanged(transportName());
    if (self)
        flush();
}

// --- packets -------------------------------------------------------------------------------

void EngineIoClient::handlePacket(const Packet &packet)
{
    // Any packet proves the server alive, as in engine.io-client.
    resetWatchdog();
    switch (packet.type) {
    case PacketType::Ping:
        m_writeQueue.append(Packet::of(PacketType::Pong, packet.data));
        flush();
        break;
    case PacketType::Close:
        qCInfo(lcClientTransport) << "the server closed the session";
        fail(CloseReason::ServerClose, u"the server closed the session"_s);
        break;
    case PacketType::Message:
        Q_EMIT messageReceived(packet);
        break;
    case PacketType::Open:
    case PacketType::Pong:
    case PacketType::Upgrade:
    case PacketType::Noop: // python-engineio even sends one over the new WebSocket
        break;
    }
}

void EngineIoClient::resetWatchdog()
{
    const auto silence = m_handshake.pingInterval + m_handshake.pingTimeout;
    if (silence > std::chrono::milliseconds::zero() && m_state == State::Open)
        m_watchdog.start(silence);
}

// --- shutdown ------------------------------------------------------------------------------

void EngineIoClient::fail(CloseReason reason, const QString &detail)
{
    if (m_state == State::Closed)
        return;
    const bool hadTransport = !transportName().isEmpty();
    teardown(reason == CloseReason::ClientClose);
    QPointer<EngineIoClient> self(this);
    setState(State::Closed);
    if (self && hadTransport)
        Q_EMIT transportChanged(QString());
    if (self)
        Q_EMIT closed(reason, detail);
    if (self && isDrained())
        Q_EMIT drained();
}

void EngineIoClient::teardown(bool graceful)
{
    m_watchdog.stop();
    m_connectTimer.stop();
    m_closeTimer.stop();
    discardTransport(m_transport.data(), graceful);
    discardTransport(std::exchange(m_probe, nullptr), false);
    m_transport = nullptr;
    m_writeQueue.clear();
    m_pausing = false;
}

void EngineIoClient::discardTransport(ClientTransport *transport, bool graceful)
{
    if (!transport)
        return;
    transport->disconnect(this);
    if (transport->shutdown(graceful)) {
        // A WebSocket lingers while its close handshake goes out.
        ++m_lingering;
        connect(transport, &QObject::destroyed, this, [this] {
            if (--m_lingering == 0 && m_state == State::Closed)
                Q_EMIT drained();
        });
    }
}

} // namespace Confab::Client
