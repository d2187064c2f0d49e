// SPDX-License-Identifier: MIT
#include "engineiosession.h"

#include "engineiohandshake.h"
#include "engineiopayload.h"
#include "engineioserver.h"
#include "http/hostwebsocket.h"
#include "http/httpconnection.h"
#include "serverlogging.h"

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace Confab {

using namespace Http;

using EngineIo::Packet;
using EngineIo::PacketType;

namespace {
constexpr auto TextContentType = "text/plain; charset=UTF-8";
constexpr std::chrono::milliseconds NoopInterval{100};

qint64 costOf(const Packet &packet)
{
    return packet.data.size() + EngineIoSession::PacketOverhead;
}
} // namespace

EngineIoSession::EngineIoSession(const QString &sid, EngineIo::Version version,
                                 const HttpRequest &handshake, Transport transport,
                                 EngineIoServer *server, TrafficCounters &traffic)
    : QObject(server)
    , m_server(server)
    , m_traffic(traffic)
    , m_sid(sid)
    , m_version(version)
    , m_handshake(handshake)
    , m_openedAt(QDateTime::currentDateTimeUtc())
    , m_transport(transport)
    , m_pingTimer(server->timerWheel(), [this] { onPingTimer(); })
    , m_upgradeTimer(server->timerWheel(),
                     [this] {
                         qCDebug(lcEngineIo) << m_sid << "upgrade timed out";
                         abandonProbe();
                     })
    , m_noopTimer(server->timerWheel(),
                  [this] {
                      // Engine.IO: while a probed client finishes its upgrade, answer its
                      // polls with noops.
                      m_noopTimer.start(NoopInterval);
                      if (m_heldPoll)
                          respondToPoll({Packet::of(PacketType::Noop)});
                  })
    , m_closeTimer(server->timerWheel(),
                   [this] { finish(m_closeReason, u"closed while no poll was pending"_s); })
{
    setSendBudget(&server->sendBudget());
}

EngineIoSession::~EngineIoSession() = default;

QString EngineIoSession::transportName() const
{
    return m_transport == Transport::Polling ? u"polling"_s : u"websocket"_s;
}

void EngineIoSession::sendOpenPacket()
{
    const EngineIoOptions &options = m_server->options();
    EngineIo::Handshake handshake;
    handshake.sid = m_sid;
    if (m_transport == Transport::Polling && options.allowUpgrades
        && options.transports.contains(u"websocket"_s))
        handshake.upgrades = {u"websocket"_s};
    handshake.pingInterval = options.pingInterval;
    handshake.pingTimeout = options.pingTimeout;
    handshake.maxPayload = options.maxPayload;
    m_queue.prepend(Packet::of(PacketType::Open, handshake.toJson()));
    m_queuedBytes += costOf(m_queue.constFirst());
    setOwed(m_queuedBytes);
    schedulePing();
}

void EngineIoSession::send(const Packet &packet)
{
    if (m_state != State::Open || m_overflowed)
        return;
    m_queue.append(packet);
    m_queuedBytes += costOf(packet);
    flush();
    checkQueueLimit();
}

void EngineIoSession::send(const QList<Packet> &packets)
{
    if (m_state != State::Open || m_overflowed)
        return;
    m_queue.append(packets);
    for (const Packet &packet : packets)
        m_queuedBytes += costOf(packet);
    flush();
    checkQueueLimit();
}

void EngineIoSession::checkQueueLimit()
{
    const qint64 limit = m_server->options().sendQueueLimit();
    if (m_overflowed)
        return;
    if (m_queuedBytes <= limit) {
        setOwed(m_queuedBytes); // may close the session owed the most, from the event loop
        return;
    }
    // The client asks for more than it collects (requests in a POST, never a GET): without
    // a bound its answers would grow the host without end.
    overflow(
            u"more than %1 bytes waiting to be sent (%2 packets)"_s.arg(limit).arg(m_queue.size()));
}

void EngineIoSession::dropForBudget(const char *why)
{
    if (m_overflowed || m_state == State::Closed) {
        setOwed(0);
        return;
    }
    overflow(u"%1 (%2 bytes waiting, %3 packets)"_s.arg(QString::fromUtf8(why))
                     .arg(m_queuedBytes)
                     .arg(m_queue.size()));
}

void EngineIoSession::overflow(const QString &detail)
{
    m_overflowed = true;
    qCInfo(lcEngineIo) << m_sid << "closing:" << detail << "from"
                       << m_handshake.remoteAddress.toString();
    m_queue.clear();
    m_queuedBytes = 0;
    setOwed(0);
    QMetaObject::invokeMethod(
            this, [this, detail] { finish(CloseReason::TransportError, detail); },
            Qt::QueuedConnection);
}

void EngineIoSession::close(CloseReason reason)
{
    if (m_state != State::Open)
        return;
    m_state = State::Closing;
    m_closeReason = reason;
    if (m_transport == Transport::WebSocket) {
        flush(); // the WebSocket takes everything queued before it closes
        finish(reason, {});
        return;
    }
    if (m_heldPoll) {
        flush(); // answers the poll with what is queued and the close packet
        return;
    }
    // Wait for the client's next poll to hand it the rest and the close packet.
    m_closeTimer.start(m_server->options().pingTimeout);
}

void EngineIoSession::flush()
{
    if (m_state == State::Closed)
        return;
    if (m_transport == Transport::WebSocket) {
        if (!m_webSocket)
            return;
        const QList<Packet> queue = std::exchange(m_queue, {});
        m_queuedBytes = 0; // from here on the WebSocket counts them (its maxBacklog())
        setOwed(0);
        for (const Packet &packet : queue)
            writeToWebSocket(m_webSocket, packet);
        return;
    }
    if (!m_heldPoll || m_probed)
        return;
    if (m_queue.isEmpty() && m_state != State::Closing)
        return;
    const int max = qMax(1, m_server->options().maxPacketsPerPoll);
    QList<Packet> batch;
    if (m_queue.size() <= max) {
        batch = std::exchange(m_queue, {});
        m_queuedBytes = 0;
    } else {
        batch = m_queue.first(max);
        m_queue.remove(0, max);
        for (const Packet &packet : std::as_const(batch))
            m_queuedBytes -= costOf(packet);
    }
    setOwed(m_queuedBytes);
    const bool last = m_state == State::Closing && m_queue.isEmpty() && batch.size() < max;
    if (last)
        batch.append(Packet::of(PacketType::Close));
    respondToPoll(std::move(batch));
    if (last)
        finish(m_closeReason, {});
}

void EngineIoSession::respondToPoll(QList<Packet> packets)
{
    HttpConnection *connection = m_heldPoll;
    m_heldPoll = nullptr;
    QObject::disconnect(m_heldPollAborted);
    if (!connection)
        return;
    HttpResponse response;
    if (m_version == EngineIo::Version::V4) {
        response = HttpResponse(200, EngineIo::Payload::encode(packets), TextContentType);
    } else if (EngineIo::Payload::needsV3Binary(packets)
               && m_handshake.query.queryItemValue(u"b64"_s).isEmpty()) {
        // v3 clients that cannot take binary (b64=1 at the handshake) get base64 instead.
        response = HttpResponse(200, EngineIo::Payload::encodeV3Binary(packets),
                                "application/octet-stream");
    } else {
        response = HttpResponse(200, EngineIo::Payload::encodeV3Text(packets), TextContentType);
    }
    m_server->applyCors(m_heldPollRequest, response);
    m_packetsOut += packets.size();
    m_traffic.bytesOut += response.body.size();
    connection->respond(response);
}

void EngineIoSession::handlePoll(HttpConnection *connection, const HttpRequest &request)
{
    if (m_heldPoll) {
        // Two concurrent polls: the reference answers the first with close and refuses the
        // second, and the session is over.
        qCDebug(lcEngineIo) << m_sid << "duplicate poll";
        HttpResponse response = EngineIoServer::errorResponse(3);
        m_server->applyCors(request, response);
        connection->respond(response);
        finish(CloseReason::TransportError, u"overlapping polls"_s);
        return;
    }
    m_heldPoll = connection;
    m_heldPollRequest = request;
    m_heldPollAborted = connect(connection, &HttpConnection::requestAborted, this, [this] {
        // Engine.IO clients never abort a poll unless they are gone.
        finish(CloseReason::TransportError, u"poll connection closed prematurely"_s);
    });
    if (m_probed) {
        respondToPoll({Packet::of(PacketType::Noop)});
        return;
    }
    flush();
}

void EngineIoSession::handlePost(HttpConnection *connection, const HttpRequest &request)
{
    Protocol::Limits limits;
    limits.maxPayload = m_server->options().maxPayload;
    const bool binaryBody = request.header("content-type").startsWith("application/octet-stream");
    Protocol::Result<QList<Packet>> packets = QList<Packet>();
    if (m_version == EngineIo::Version::V4) {
        if (binaryBody)
            packets = Protocol::Error{Protocol::ErrorCode::MalformedPayload,
                                      u"binary POST body in Engine.IO v4"_s};
        else
            packets = EngineIo::Payload::decode(request.body, limits);
    } else {
        packets = binaryBody ? EngineIo::Payload::decodeV3Binary(request.body, limits)
                             : EngineIo::Payload::decodeV3Text(request.body, limits);
    }
    m_traffic.bytesIn += request.body.size();
    if (!packets) {
        qCInfo(lcEngineIo) << m_sid << "closing: bad POST payload:" << packets.error().toString();
        HttpResponse response = EngineIoServer::errorResponse(3);
        m_server->applyCors(request, response);
        connection->respond(response);
        finish(CloseReason::ParseError, packets.error().toString());
        return;
    }
    // Answer first: handling a close packet may end the session.
    HttpResponse response(200, "ok", "text/html");
    m_server->applyCors(request, response);
    connection->respond(response);
    QPointer<EngineIoSession> self(this);
    for (const Packet &packet : *packets) {
        // Over the send-queue limit: the rest of the requests would only be answered into
        // a queue that is gone.
        if (!self || m_state == State::Closed || m_overflowed)
            return;
        handlePacket(packet);
    }
}

void EngineIoSession::startPolling(HttpConnection *connection, const HttpRequest &request)
{
    Q_ASSERT(m_transport == Transport::Polling);
    sendOpenPacket();
    handlePoll(connection, request);
}

void EngineIoSession::startWebSocket(HostWebSocket *socket)
{
    Q_ASSERT(m_transport == Transport::WebSocket && !m_webSocket);
    m_webSocket = socket;
    wireWebSocket(socket);
    sendOpenPacket();
    flush();
}

void EngineIoSession::probeWebSocket(HostWebSocket *socket)
{
    if (m_probe || m_transport == Transport::WebSocket || m_state != State::Open) {
        socket->close();
        return;
    }
    m_probe = socket;
    m_probed = false;
    wireWebSocket(socket);
    m_upgradeTimer.start(m_server->options().upgradeTimeout);
}

void EngineIoSession::wireWebSocket(HostWebSocket *socket)
{
    socket->setParent(this);
    socket->setMaxBacklog(m_server->options().sendQueueLimit());
    socket->setSendBudget(&m_server->sendBudget());
    connect(socket, &HostWebSocket::textMessageReceived, this,
            [this, socket](const QByteArray &utf8) { onWebSocketText(utf8, socket); });
    connect(socket, &HostWebSocket::binaryMessageReceived, this,
            [this, socket](const QByteArray &bytes) { onWebSocketBinary(bytes, socket); });
    connect(socket, &HostWebSocket::closed, this,
            [this, socket](quint16 code, const QString &reason) {
                if (socket == m_probe) {
                    abandonProbe();
                } else if (socket == m_webSocket) {
                    switch (code) {
                    case WebSocket::CloseCode::TooBig:
                        finish(CloseReason::TransportError, u"message over maxPayload"_s);
                        break;
                    case WebSocket::CloseCode::ProtocolError:
                    case WebSocket::CloseCode::InvalidPayload:
                        finish(CloseReason::TransportError, reason);
                        break;
                    default:
                        finish(CloseReason::TransportClose, reason);
                    }
                }
            });
}

void EngineIoSession::writeToWebSocket(HostWebSocket *socket, const Packet &packet)
{
    ++m_packetsOut;
    // Only the WebSocket header and the Engine.IO type byte are written per recipient; the
    // data is shared with every other recipient of a broadcast, and every frame of this
    // event-loop pass leaves in one writev().
    const std::optional<char> prefix = EngineIo::framePrefix(packet, m_version);
    const char type = prefix.value_or(0);
    const QByteArrayView head(&type, prefix ? 1 : 0);
    m_traffic.bytesOut += head.size() + packet.data.size();
    socket->queueMessage(packet.binary, head, packet.data);
}

void EngineIoSession::onWebSocketText(const QByteArray &utf8, HostWebSocket *socket)
{
    if (m_state == State::Closed)
        return;
    m_traffic.bytesIn += utf8.size();
    Protocol::Limits limits;
    limits.maxPayload = m_server->options().maxPayload;
    auto packet = EngineIo::decodeText(utf8, limits);
    if (socket == m_probe) {
        if (packet && packet->type == PacketType::Ping && packet->data == "probe") {
            writeToWebSocket(socket, Packet::of(PacketType::Pong, "probe"));
            m_probed = true;
            if (m_heldPoll)
                respondToPoll({Packet::of(PacketType::Noop)});
            m_noopTimer.start(NoopInterval);
        } else if (packet && packet->type == PacketType::Upgrade && m_probed) {
            completeUpgrade();
        } else {
            qCDebug(lcEngineIo) << m_sid << "invalid upgrade packet";
            abandonProbe();
        }
        return;
    }
    if (socket != m_webSocket)
        return;
    if (!packet) {
        qCInfo(lcEngineIo) << m_sid << "closing: bad frame:" << packet.error().toString();
        finish(CloseReason::ParseError, packet.error().toString());
        return;
    }
    handlePacket(*packet);
}

void EngineIoSession::onWebSocketBinary(const QByteArray &bytes, HostWebSocket *socket)
{
    if (m_state == State::Closed || socket != m_webSocket)
        return;
    m_traffic.bytesIn += bytes.size();
    Protocol::Limits limits;
    limits.maxPayload = m_server->options().maxPayload;
    auto packet = EngineIo::decodeBinary(bytes, m_version, limits);
    if (!packet) {
        finish(CloseReason::ParseError, packet.error().toString());
        return;
    }
    handlePacket(*packet);
}

void EngineIoSession::handlePacket(const Packet &packet)
{
    if (m_overflowed)
        return; // closing: its answers could not be queued
    ++m_packetsIn;
    const bool v3 = m_version == EngineIo::Version::V3;
    if (v3)
        schedulePing(); // v3: any packet shows the client is alive
    switch (packet.type) {
    case PacketType::Message:
        Q_EMIT messageReceived(packet);
        return;
    case PacketType::Pong:
        if (!v3 && m_awaitingPong)
            schedulePing();
        return;
    case PacketType::Ping:
        if (v3) {
            send(Packet::of(PacketType::Pong, packet.data));
            return;
        }
        finish(CloseReason::ParseError, u"invalid heartbeat direction"_s);
        return;
    case PacketType::Close:
        finish(CloseReason::ClientClose, {});
        return;
    case PacketType::Noop:
        return;
    case PacketType::Open:
    case PacketType::Upgrade:
        finish(CloseReason::ParseError,
               u"unexpected %1 packet"_s.arg(packet.type == PacketType::Open ? "open"_L1
                                                                             : "upgrade"_L1));
        return;
    }
}

void EngineIoSession::completeUpgrade()
{
    m_upgradeTimer.stop();
    m_noopTimer.stop();
    if (m_heldPoll)
        respondToPoll({Packet::of(PacketType::Noop)});
    m_webSocket = m_probe;
    m_probe = nullptr;
    m_probed = false;
    m_transport = Transport::WebSocket;
    qCDebug(lcEngineIo) << m_sid << "upgraded to websocket";
    Q_EMIT transportChanged(m_transport);
    flush();
    if (m_state == State::Closing)
        finish(m_closeReason, {});
}

void EngineIoSession::abandonProbe()
{
    m_upgradeTimer.stop();
    m_noopTimer.stop();
    m_probed = false;
    if (HostWebSocket *probe = m_probe) {
        m_probe = nullptr;
        probe->disconnect(this);
        probe->close();
    }
    flush(); // polling resumes: the next poll takes what was queued meanwhile
}

void EngineIoSession::schedulePing()
{
    m_awaitingPong = false;
    const EngineIoOptions &options = m_server->options();
    const auto timeout = m_version == EngineIo::Version::V3
            ? options.pingInterval + options.pingTimeout
            : options.pingInterval;
    m_pingTimer.start(timeout);
    m_pingDeadline = QDeadlineTimer(timeout);
}

bool EngineIoSession::expireIfOverdue()
{
    if (m_state == State::Closed)
        return true;
    // v4 is only overdue while a pong is awaited: a ping not yet sent cannot be answered.
    const bool heartbeatDue = m_version == EngineIo::Version::V3 || m_awaitingPong;
    if (!heartbeatDue || !m_pingDeadline.hasExpired())
        return false;
    finish(CloseReason::PingTimeout, {});
    return true;
}

void EngineIoSession::onPingTimer()
{
    if (m_version == EngineIo::Version::V3 || m_awaitingPong) {
        finish(CloseReason::PingTimeout, {});
        return;
    }
    m_awaitingPong = true;
    // From when the ping was due, like the reference's timers: no lateness carried over.
    const auto pingTimeout = m_server->options().pingTimeout;
    m_pingTimer.startAfterDeadline(pingTimeout);
    m_pingDeadline = m_pingDeadline + pingTimeout.count();
    send(Packet::of(PacketType::Ping));
}

void EngineIoSession::finish(CloseReason reason, const QString &detail)
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_pingTimer.stop();
    m_upgradeTimer.stop();
    m_noopTimer.stop();
    m_closeTimer.stop();
    if (m_heldPoll) {
        // A client that closed gets a noop for its poll; otherwise the poll carries the close.
        const Packet last = Packet::of(reason == CloseReason::ClientClose ? PacketType::Noop
                                                                          : PacketType::Close);
        respondToPoll({last});
    }
    for (HostWebSocket *socket : {m_webSocket.data(), m_probe.data()}) {
        if (!socket)
            continue;
        socket->disconnect(this);
        socket->close(reason == CloseReason::ParseError ? WebSocket::CloseCode::ProtocolError
                                                        : WebSocket::CloseCode::Normal);
    }
    m_queue.clear();
    m_queuedBytes = 0;
    setOwed(0);
    qCDebug(lcEngineIo) << m_sid << "closed:" << reason << detail;
    Q_EMIT closed(reason, detail);
}

} // namespace Confab
