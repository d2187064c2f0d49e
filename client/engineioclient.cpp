// SPDX-License-Identifier: MIT
#include "engineioclient.h"

#include "clientlogging.h"
#include "pollingtransport_p.h"

#include <engineiopayload.h>

#include <QtCore/QRandomGenerator>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>
#include <QtWebSockets/QWebSocket>
#if QT_CONFIG(ssl)
#    include <QtNetwork/QSslCertificate>
#    include <QtNetwork/QSslConfiguration>
#    include <QtNetwork/QSslError>
#endif

using namespace Qt::StringLiterals;

namespace Confab::Client {

using EngineIo::Packet;
using EngineIo::PacketType;

namespace {

// How long a graceful close over polling may wait for its last POST.
constexpr int CloseGraceMs = 3000;
// What the server may send before its handshake is read: an open packet is a few hundred bytes,
// so anything near this is not an Engine.IO server (an HTML page, an endless stream...).
constexpr qsizetype HandshakeResponseLimit = 64 * 1024;
QByteArray truncated(QByteArrayView bytes)
{
    constexpr qsizetype max = 120;
    return bytes.size() <= max ? bytes.toByteArray() : bytes.first(max).toByteArray() + "…";
}

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
        const int ms = m_handshake.pingInterval + m_handshake.pingTimeout;
        qCInfo(lcClientTransport) << "no ping within" << ms << "ms; the server is gone";
        fail(CloseReason::PingTimeout, u"no ping from the server within %1 ms"_s.arg(ms));
    });
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        fail(CloseReason::TransportError,
             u"no handshake within %1 ms"_s.arg(m_options.connectTimeout));
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
    switch (m_transport) {
    case Transport::Polling:
        return u"polling"_s;
    case Transport::WebSocket:
        return u"websocket"_s;
    case Transport::None:
        break;
    }
    return {};
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
    m_connectTimer.start(qMax(1, options.connectTimeout));
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
    if (m_transport == Transport::WebSocket) {
        flush();
        fail(CloseReason::ClientClose, u"closed by the client"_s);
        return;
    }
    // Polling: the close packet must reach the server in a POST before the session ends.
    discardWebSocket(m_probe, false);
    m_pausing = false;
    m_polling->setClosing();
    m_closeTimer.start(CloseGraceMs);
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
            // A WebSocket message carries binary as is; a polling payload as base64.
            const qsizetype size = m_transport == Transport::WebSocket
                    ? packet.data.size() + (packet.binary ? 0 : 1)
                    : m_polling->wireSize(packet);
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

QUrl EngineIoClient::requestUrl(bool websocket) const
{
    QUrl url = websocket ? m_options.wsUrl : m_options.httpUrl;
    QUrlQuery query = m_options.query;
    query.addQueryItem(u"EIO"_s, u"4"_s);
    query.addQueryItem(u"transport"_s, websocket ? u"websocket"_s : u"polling"_s);
    if (!websocket) {
        // A cache buster, as every official client sends; servers ignore its value.
        const auto self = const_cast<EngineIoClient *>(this);
        query.addQueryItem(u"t"_s,
                           QString::number(QRandomGenerator::global()->generate(), 36)
                                   + QString::number(++self->m_cacheBuster, 36));
    }
    if (!m_handshake.sid.isEmpty())
        query.addQueryItem(u"sid"_s, m_handshake.sid);
    url.setQuery(query);
    return url;
}

qsizetype EngineIoClient::receiveLimit() const
{
    const qsizetype limit = m_options.limits.maxPayload;
    return m_state == State::Opening ? qMin(limit, HandshakeResponseLimit) : limit;
}

#if QT_CONFIG(ssl)
QSslConfiguration EngineIoClient::sslConfiguration() const
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    // A pin restricts: with no CA to consult (this also stops Qt loading the system's on
    // demand), every certificate fails verification and sslErrors decides, accepting only the
    // pinned one. A CA that vouches for another certificate is not asked.
    if (!m_options.trustedCertificateSha256.isEmpty())
        config.setCaCertificates({});
    return config;
}
#endif

bool EngineIoClient::certificateTrusted(const QSslCertificate &peer,
                                        const QList<QSslError> &errors) const
{
#if QT_CONFIG(ssl)
    const QByteArray &pin = m_options.trustedCertificateSha256;
    if (pin.isEmpty())
        return false;
    // The server proved in the handshake that it holds the leaf's key, so a leaf that is the
    // pinned certificate settles every complaint (self-signed, wrong host, unknown issuer...).
    if (!peer.isNull())
        return peer.digest(QCryptographicHash::Sha256) == pin;
    // Without the leaf, every complaint must be about the pinned certificate.
    if (errors.isEmpty())
        return false;
    for (const QSslError &error : errors) {
        const QSslCertificate cert = error.certificate();
        if (cert.isNull() || cert.digest(QCryptographicHash::Sha256) != pin)
            return false;
    }
    return true;
#else
    Q_UNUSED(peer);
    Q_UNUSED(errors);
    return false;
#endif
}

bool EngineIoClient::pinHolds(const QSslCertificate &peer) const
{
#if QT_CONFIG(ssl)
    // The empty CA list already sends every certificate through certificateTrusted(); this
    // checks again once the connection is up, whatever trust store Qt ended up using.
    const QByteArray &pin = m_options.trustedCertificateSha256;
    return pin.isEmpty() || (!peer.isNull() && peer.digest(QCryptographicHash::Sha256) == pin);
#else
    Q_UNUSED(peer);
    return true;
#endif
}

// --- polling -----------------------------------------------------------------------------

void EngineIoClient::startPollingHandshake()
{
    m_polling = new PollingTransport(m_options, m_nam, this);
    m_polling->setReceiveLimit(receiveLimit());
    connect(m_polling, &ClientTransport::packetsReceived, this, &EngineIoClient::onPollingPackets);
    connect(m_polling, &ClientTransport::written, this, &EngineIoClient::onPollingWritten);
    connect(m_polling, &ClientTransport::failed, this, &EngineIoClient::fail);
    m_polling->open();
}

void EngineIoClient::onPollingPackets(const QList<Packet> &packets)
{
    QPointer<EngineIoClient> self(this);
    if (m_state == State::Opening) {
        // The handshake: an open packet, perhaps followed by others.
        onOpenPacket(packets.first(), Transport::Polling);
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
    if (!self || m_state != State::Open || m_transport != Transport::Polling)
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

void EngineIoClient::onOpenPacket(const Packet &packet, Transport transport)
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
    if (m_polling)
        m_polling->setHandshake(m_handshake);
    m_transport = transport;
    m_connectTimer.stop();
    qCDebug(lcClientTransport) << "open: sid" << m_handshake.sid << "ping"
                               << m_handshake.pingInterval << "+" << m_handshake.pingTimeout
                               << "upgrades" << m_handshake.upgrades;
    QPointer<EngineIoClient> self(this);
    setState(State::Open);
    // From now on the server may send up to the full limit, not just a handshake.
    if (self && m_ws)
        setMessageLimit(m_ws);
    if (self && m_polling)
        m_polling->setReceiveLimit(receiveLimit());
    resetWatchdog();
    if (self)
        Q_EMIT transportChanged(transportName());
    if (self && m_state == State::Open)
        Q_EMIT opened();
}

void EngineIoClient::poll()
{
    if (!m_polling || m_transport != Transport::Polling || m_state != State::Open || m_pausing)
        return;
    m_polling->poll();
}

void EngineIoClient::flush()
{
    if (m_state != State::Open && m_state != State::Closing)
        return;
    if (m_transport == Transport::WebSocket) {
        if (!m_ws)
            return;
        const QList<Packet> queue = std::exchange(m_writeQueue, {});
        for (const Packet &packet : queue) {
            const EngineIo::Frame frame = EngineIo::encodeFrame(packet);
            qCDebug(lcClientTransport)
                    << "ws >" << (frame.binary ? "(binary)" : "") << truncated(frame.bytes);
            if (frame.binary)
                m_ws->sendBinaryMessage(frame.bytes);
            else
                m_ws->sendTextMessage(QString::fromUtf8(frame.bytes));
        }
    } else if (m_transport == Transport::Polling && m_polling && !m_pausing) {
        m_polling->write(m_writeQueue);
    }
}

// --- WebSocket ---------------------------------------------------------------------------

QWebSocket *EngineIoClient::createWebSocket()
{
    // No Origin header: python-engineio rejects origins it cannot match (PROTOCOL.md §4.7).
    auto *ws = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    // Qt's default lets one message grow to 2 GiB; a frame or message over the limit is refused
    // at its header, before its payload is buffered (the frame limit), or as it grows.
    setMessageLimit(ws);
#if QT_CONFIG(ssl)
    if (m_options.wsUrl.scheme() == "wss"_L1)
        ws->setSslConfiguration(sslConfiguration());
#endif
    // Each handler checks the socket's current role: a probe becomes the main socket.
    connect(ws, &QWebSocket::connected, this, [this, ws] {
#if QT_CONFIG(ssl)
        if (m_options.wsUrl.scheme() == "wss"_L1
            && !pinHolds(ws->sslConfiguration().peerCertificate())) {
            const QString why = u"the server's certificate is not the pinned one"_s;
            if (ws == m_ws)
                fail(CloseReason::TlsError, why);
            else if (ws == m_probe)
                dropProbe(why);
            return;
        }
#endif
        if (ws == m_probe) {
            qCDebug(lcClientTransport) << "probe > 2probe";
            ws->sendTextMessage(u"2probe"_s);
        }
    });
    connect(ws, &QWebSocket::textMessageReceived, this, [this, ws](const QString &text) {
        if (ws == m_ws)
            onWebSocketText(text);
        else if (ws == m_probe)
            onProbeText(text);
    });
    connect(ws, &QWebSocket::binaryMessageReceived, this, [this, ws](const QByteArray &bytes) {
        if (ws == m_ws)
            onWebSocketBinary(bytes);
    });
    // Qt may report a failed connection as disconnected() before error(): both ask the socket.
    auto failure = [ws]() -> std::pair<QString, CloseReason> {
        const QAbstractSocket::SocketError error = ws->error();
        if (error != QAbstractSocket::UnknownSocketError)
            return {ws->errorString(),
                    error == QAbstractSocket::SslHandshakeFailedError
                            ? CloseReason::TlsError
                            : CloseReason::TransportError};
        // Qt closes with 1009 when a frame or message exceeds setMessageLimit().
        if (ws->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData)
            return {u"the server sent a WebSocket message larger than the client's limit of %1 "
                    "bytes"_s.arg(ws->maxAllowedIncomingMessageSize()),
                    CloseReason::ProtocolError};
        if (!ws->closeReason().isEmpty())
            return {u"WebSocket closed: "_s + ws->closeReason(), CloseReason::TransportError};
        return {u"WebSocket closed (%1)"_s.arg(int(ws->closeCode())), CloseReason::TransportError};
    };
    connect(ws, &QWebSocket::disconnected, this, [this, ws, failure] {
        const auto [why, reason] = failure();
        if (ws == m_ws)
            onWebSocketGone(why, reason);
        else if (ws == m_probe)
            dropProbe(why);
    });
    // Qt 6.4 still calls the signal error(); errorOccurred() arrives in 6.5.
    connect(ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, ws, failure](QAbstractSocket::SocketError) {
                const auto [why, reason] = failure();
                if (ws == m_ws)
                    onWebSocketGone(why, reason);
                else if (ws == m_probe)
                    dropProbe(why);
            });
#if QT_CONFIG(ssl)
    connect(ws, &QWebSocket::sslErrors, this, [this, ws](const QList<QSslError> &errors) {
        if (certificateTrusted(ws->sslConfiguration().peerCertificate(), errors)) {
            qCDebug(lcClientTransport) << "trusting the pinned certificate";
            ws->ignoreSslErrors();
        } else {
            qCInfo(lcClientTransport) << "TLS errors:" << errors;
        }
    });
#endif
    return ws;
}

void EngineIoClient::startWebSocket()
{
    m_ws = createWebSocket();
    QNetworkRequest request(requestUrl(true));
    for (const auto &[name, value] : m_options.headers)
        request.setRawHeader(name, value);
    qCDebug(lcClientTransport) << "WebSocket" << request.url();
    m_ws->open(request);
}

void EngineIoClient::onWebSocketText(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    qCDebug(lcClientTransport) << "ws <" << truncated(bytes);
    auto packet = EngineIo::decodeText(bytes, m_options.limits);
    if (!packet) {
        fail(CloseReason::ProtocolError, packet.error().toString());
        return;
    }
    if (m_state == State::Opening)
        onOpenPacket(*packet, Transport::WebSocket);
    else if (m_state == State::Open)
        handlePacket(*packet);
}

void EngineIoClient::onWebSocketBinary(const QByteArray &bytes)
{
    qCDebug(lcClientTransport) << "ws < (binary)" << bytes.size() << "bytes";
    if (m_state != State::Open)
        return;
    auto packet = EngineIo::decodeBinary(bytes, EngineIo::Version::V4, m_options.limits);
    if (!packet) {
        fail(CloseReason::ProtocolError, packet.error().toString());
        return;
    }
    handlePacket(*packet);
}

void EngineIoClient::onWebSocketGone(const QString &why, CloseReason reason)
{
    if (m_state == State::Closed)
        return;
    qCInfo(lcClientTransport) << "WebSocket lost:" << why;
    fail(reason, why);
}

void EngineIoClient::setMessageLimit(QWebSocket *ws) const
{
    const auto limit = quint64(receiveLimit());
    ws->setMaxAllowedIncomingFrameSize(limit);
    ws->setMaxAllowedIncomingMessageSize(limit);
}

// --- upgrade (PROTOCOL.md §1.7) ------------------------------------------------------------

void EngineIoClient::startProbe()
{
    m_probeAnswered = false;
    m_probe = createWebSocket();
    QNetworkRequest request(requestUrl(true));
    for (const auto &[name, value] : m_options.headers)
        request.setRawHeader(name, value);
    qCDebug(lcClientTransport) << "probing" << request.url();
    m_probe->open(request);
}

void EngineIoClient::onProbeText(const QString &text)
{
    qCDebug(lcClientTransport) << "probe <" << text.left(120);
    if (text == "3probe"_L1 && !m_probeAnswered) {
        m_probeAnswered = true;
        pausePolling();
    }
}

void EngineIoClient::dropProbe(const QString &why)
{
    if (!m_probe)
        return;
    qCInfo(lcClientTransport) << "upgrade to WebSocket failed, staying on polling:" << why;
    discardWebSocket(m_probe, false);
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
    if (!m_pausing || (m_polling && m_polling->isBusy()))
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
    m_ws = m_probe;
    m_probe = nullptr;
    qCDebug(lcClientTransport) << "ws > 5 (upgrade)";
    m_ws->sendTextMessage(u"5"_s);
    m_transport = Transport::WebSocket;
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
    const int ms = m_handshake.pingInterval + m_handshake.pingTimeout;
    if (ms > 0 && m_state == State::Open)
        m_watchdog.start(ms);
}

// --- shutdown ------------------------------------------------------------------------------

void EngineIoClient::fail(CloseReason reason, const QString &detail)
{
    if (m_state == State::Closed)
        return;
    const bool hadTransport = m_transport != Transport::None;
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
    if (m_polling) {
        m_polling->disconnect(this);
        m_polling->shutdown(false);
        m_polling = nullptr;
    }
    discardWebSocket(m_ws, graceful);
    discardWebSocket(m_probe, false);
    m_writeQueue.clear();
    m_pausing = false;
    m_transport = Transport::None;
}

void EngineIoClient::discardWebSocket(QPointer<QWebSocket> &socket, bool graceful)
{
    if (!socket)
        return;
    QWebSocket *ws = socket;
    socket = nullptr;
    ws->disconnect(this);
    if (graceful && ws->state() == QAbstractSocket::ConnectedState) {
        // Let the queued frames and the close handshake go out before the socket is deleted.
        ++m_lingering;
        connect(ws, &QObject::destroyed, this, [this] {
            if (--m_lingering == 0 && m_state == State::Closed)
                Q_EMIT drained();
        });
        connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
        QTimer::singleShot(CloseGraceMs, ws, &QObject::deleteLater);
        ws->close();
    } else {
        ws->abort();
        ws->deleteLater();
    }
}

} // namespace Confab::Client
