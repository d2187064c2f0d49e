// SPDX-License-Identifier: MIT
#include "websockettransport_p.h"

#include "clientlogging.h"

#include <QtCore/QTimer>
#include <QtNetwork/QNetworkRequest>
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

// How long the close handshake of a gracefully closed WebSocket may take.
constexpr std::chrono::milliseconds CloseGrace{3000};

} // namespace

WebSocketTransport::WebSocketTransport(const Options &options, QObject *parent)
    : ClientTransport(options, parent)
{ }

QString WebSocketTransport::name() const
{
    return u"websocket"_s;
}

qsizetype WebSocketTransport::wireSize(const Packet &packet) const
{
    // A WebSocket message carries binary as is, text after its type digit.
    return packet.data.size() + (packet.binary ? 0 : 1);
}

void WebSocketTransport::setReceiveLimit(qsizetype limit)
{
    ClientTransport::setReceiveLimit(limit);
    if (m_ws) {
        m_ws->setMaxAllowedIncomingFrameSize(quint64(limit));
        m_ws->setMaxAllowedIncomingMessageSize(quint64(limit));
    }
}

void WebSocketTransport::open()
{
    // No Origin header: python-engineio rejects origins it cannot match (PROTOCOL.md §4.7).
    m_ws = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    // Qt's default lets one message grow to 2 GiB; a frame or message over the limit is refused
    // at its header, before its payload is buffered (the frame limit), or as it grows.
    setReceiveLimit(m_receiveLimit);
#if QT_CONFIG(ssl)
    if (m_options.wsUrl.scheme() == "wss"_L1)
        m_ws->setSslConfiguration(sslConfiguration());
#endif
    connect(m_ws, &QWebSocket::connected, this, &WebSocketTransport::onConnected);
    connect(m_ws, &QWebSocket::textMessageReceived, this, &WebSocketTransport::onText);
    connect(m_ws, &QWebSocket::binaryMessageReceived, this, &WebSocketTransport::onBinary);
    // Qt may report a failed connection as disconnected() before error(): both ask the socket.
    connect(m_ws, &QWebSocket::disconnected, this, &WebSocketTransport::onGone);
    // Qt 6.4 still calls the signal error(); errorOccurred() arrives in 6.5.
    connect(m_ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            &WebSocketTransport::onGone);
#if QT_CONFIG(ssl)
    connect(m_ws, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        if (certificateTrusted(m_ws->sslConfiguration().peerCertificate(), errors)) {
            qCDebug(lcClientTransport) << "trusting the pinned certificate";
            m_ws->ignoreSslErrors();
        } else {
            qCInfo(lcClientTransport) << "TLS errors:" << errors;
            notePinRefusal(m_ws->sslConfiguration().peerCertificate());
        }
    });
#endif
    QNetworkRequest request(requestUrl(true));
    for (const auto &[name, value] : m_options.headers)
        request.setRawHeader(name, value);
    qCDebug(lcClientTransport) << (m_probing ? "probing" : "WebSocket") << request.url();
    m_ws->open(request);
}

void WebSocketTransport::openProbe()
{
    m_probing = true;
    m_probeAnswered = false;
    open();
}

void WebSocketTransport::upgrade()
{
    m_probing = false;
    qCDebug(lcClientTransport) << "ws > 5 (upgrade)";
    m_ws->sendTextMessage(u"5"_s);
}

void WebSocketTransport::onConnected()
{
#if QT_CONFIG(ssl)
    if (m_options.wsUrl.scheme() == "wss"_L1
        && !pinHolds(m_ws->sslConfiguration().peerCertificate())) {
        Q_EMIT failed(CloseReason::TlsError,
                      pinRefusal(m_ws->sslConfiguration().peerCertificate()));
        return;
    }
#endif
    if (m_probing) {
        qCDebug(lcClientTransport) << "probe > 2probe";
        m_ws->sendTextMessage(u"2probe"_s);
    }
}

void WebSocketTransport::onText(const QString &text)
{
    if (m_probing) {
        qCDebug(lcClientTransport) << "probe <" << text.left(120);
        if (text == "3probe"_L1 && !m_probeAnswered) {
            m_probeAnswered = true;
            Q_EMIT probeAnswered();
        }
        return;
    }
    const QByteArray bytes = text.toUtf8();
    qCDebug(lcClientTransport) << "ws <" << truncatedForLog(bytes);
    auto packet = EngineIo::decodeText(bytes, m_options.limits);
    if (!packet) {
        Q_EMIT failed(CloseReason::ProtocolError, packet.error().toString());
        return;
    }
    Q_EMIT packetsReceived({*packet});
}

void WebSocketTransport::onBinary(const QByteArray &bytes)
{
    if (m_probing)
        return;
    qCDebug(lcClientTransport) << "ws < (binary)" << bytes.size() << "bytes";
    auto packet = EngineIo::decodeBinary(bytes, EngineIo::Version::V4, m_options.limits);
    if (!packet) {
        Q_EMIT failed(CloseReason::ProtocolError, packet.error().toString());
        return;
    }
    Q_EMIT packetsReceived({*packet});
}

void WebSocketTransport::onGone()
{
    const QAbstractSocket::SocketError error = m_ws->error();
    QString why;
    CloseReason reason = CloseReason::TransportError;
    if (!m_pinRefusal.isEmpty()) {
        why = m_pinRefusal;
        reason = CloseReason::TlsError;
    } else if (error != QAbstractSocket::UnknownSocketError) {
        why = m_ws->errorString();
        if (error == QAbstractSocket::SslHandshakeFailedError)
            reason = CloseReason::TlsError;
    } else if (m_ws->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData) {
        // Qt closes with 1009 when a frame or message exceeds setReceiveLimit().
        why = u"the server sent a WebSocket message larger than the client's limit of %1 bytes"_s
                      .arg(m_ws->maxAllowedIncomingMessageSize());
        reason = CloseReason::ProtocolError;
    } else if (!m_ws->closeReason().isEmpty()) {
        why = u"WebSocket closed: "_s + m_ws->closeReason();
    } else {
        why = u"WebSocket closed (%1)"_s.arg(int(m_ws->closeCode()));
    }
    if (!m_probing)
        qCInfo(lcClientTransport) << "WebSocket lost:" << why;
    Q_EMIT failed(reason, why);
}

void WebSocketTransport::write(QList<Packet> &queue)
{
    if (!m_ws || m_shutDown)
        return;
    const QList<Packet> packets = std::exchange(queue, {});
    for (const Packet &packet : packets) {
        const EngineIo::Frame frame = EngineIo::encodeFrame(packet);
        qCDebug(lcClientTransport)
                << "ws >" << (frame.binary ? "(binary)" : "") << truncatedForLog(frame.bytes);
        if (frame.binary)
            m_ws->sendBinaryMessage(frame.bytes);
        else
            m_ws->sendTextMessage(QString::fromUtf8(frame.bytes));
    }
}

bool WebSocketTransport::shutdown(bool graceful)
{
    m_shutDown = true;
    if (m_ws) {
        m_ws->disconnect(this);
        if (graceful && m_ws->state() == QAbstractSocket::ConnectedState) {
            // Let the queued frames and the close handshake go out before the socket is deleted.
            connect(m_ws, &QWebSocket::disconnected, this, &QObject::deleteLater);
            QTimer::singleShot(CloseGrace, this, &QObject::deleteLater);
            m_ws->close();
            return true;
        }
        m_ws->abort();
    }
    deleteLater();
    return false;
}

} // namespace Confab::Client
