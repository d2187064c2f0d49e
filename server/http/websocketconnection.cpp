// SPDX-License-Identifier: MIT
#include "websocketconnection.h"

#include "descriptortransport.h"
#include "httplogging.h"
#include "websockettransport.h"

#include <QtCore/QAbstractEventDispatcher>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpSocket>

#include <cstring>
#include <utility>

using namespace Confab;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace Confab::Http {

namespace {

// After this end sends its Close frame, how long the peer has to answer with its own before
// the TCP connection is dropped anyway.
constexpr auto CloseHandshakeTimeout = 2s;

bool useDescriptors = true;

// Connections with queued frames, written together once per event-loop pass (per thread):
// a broadcast to N clients costs one gathered write per client, whatever the number of
// messages.
struct PendingFlush
{
    QList<WebSocketConnection *> connections;
    bool scheduled = false;
};
thread_local PendingFlush pendingFlush;

} // namespace

std::optional<HttpResponse> WebSocketConnection::checkHandshake(const HttpRequest &request)
{
    // RFC 6455 §4.2.1-4.2.2. An unknown version is answered 426 with the one we speak.
    if (request.header("sec-websocket-version").trimmed() != "13") {
        HttpResponse response = HttpResponse::error(426, "WebSocket version 13 required");
        response.setHeader("Sec-WebSocket-Version", "13");
        return response;
    }
    const QByteArray key = request.header("sec-websocket-key").trimmed();
    const auto decoded
            = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != 16)
        return HttpResponse::error(400, "Sec-WebSocket-Key must be 16 bytes in base64");
    return std::nullopt;
}

QByteArray WebSocketConnection::handshakeResponse(const HttpRequest &request)
{
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: "
            + WebSocket::acceptKey(request.header("sec-websocket-key").trimmed()) + "\r\n\r\n";
}

void WebSocketConnection::setUseSocketDescriptors(bool use)
{
    useDescriptors = use;
}

WebSocketConnection::WebSocketConnection(qint64 maxMessageSize, QObject *parent)
    : HostWebSocket(parent)
    , m_decoder(maxMessageSize)
{ }

WebSocketConnection *WebSocketConnection::accept(QTcpSocket *socket, const HttpRequest &request,
                                                 qint64 maxMessageSize, QObject *parent)
{
    if (!socket)
        return nullptr;
    if (socket->state() != QAbstractSocket::ConnectedState) {
        socket->deleteLater();
        return nullptr;
    }
    socket->skip(request.headSize);
    auto *connection = new WebSocketConnection(maxMessageSize, parent);
    connection->m_transport = connection->takeOver(socket);
    connection->queueControl(handshakeResponse(request));
    connection->flush();
    // The client may have sent frames right behind its request; they wait (in m_partial, or
    // in the transport) until the caller has connected to our signals.
    if (!connection->m_partial.isEmpty() || connection->m_transport->hasUnreadInput())
        QMetaObject::invokeMethod(connection, &WebSocketConnection::processBuffered,
                                  Qt::QueuedConnection);
    return connection;
}

std::unique_ptr<WebSocketTransport> WebSocketConnection::takeOver(QTcpSocket *socket)
{
#ifdef Q_OS_LINUX
    // Where a descriptor can be taken over from Qt, the connection runs on its own; over TLS
    // the bytes on the descriptor are records only QSslSocket can read.
    if (useDescriptors && !qobject_cast<QSslSocket *>(socket)) {
        if (auto transport = DescriptorTransport::adopt(socket, *this, m_partial))
            return transport;
    }
#endif
    return std::make_unique<QTcpSocketTransport>(socket, *this);
}

WebSocketConnection::~WebSocketConnection()
{
    if (!m_queued.isEmpty())
        pendingFlush.connections.removeOne(this);
    m_transport.reset(); // a descriptor is closed now; a QTcpSocket goes with our children
}

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

void WebSocketConnection::processBuffered()
{
    if (!m_partial.isEmpty()) {
        const QByteArray bytes = std::exchange(m_partial, {});
        if (!consume(bytes))
            return;
    }
    m_transport->readUnread();
}

bool WebSocketConnection::consume(QByteArrayView bytes)
{
    if (m_state == State::Closed || bytes.isEmpty())
        return m_state != State::Closed;
    QPointer<WebSocketConnection> self(this);
    if (m_partial.isEmpty()) {
        // The common case: whole frames, decoded straight from the read buffer.
        const qsizetype used = decode(bytes);
        if (!self || used < 0)
            return false;
        if (used < bytes.size())
            m_partial = bytes.sliced(used).toByteArray();
    } else {
        m_partial.append(bytes);
        const qsizetype used = decode(m_partial);
        if (!self || used < 0)
            return false;
        m_partial.remove(0, used);
    }
    if (m_partial.isEmpty() && m_partial.capacity() > 64 * 1024)
        m_partial = QByteArray(); // a large message is done: do not keep its buffer
    else if (m_decoder.bytesNeeded() > m_partial.capacity())
        m_partial.reserve(m_decoder.bytesNeeded()); // one allocation for a large frame
    return m_state != State::Closed;
}

qsizetype WebSocketConnection::decode(QByteArrayView data)
{
    QPointer<WebSocketConnection> self(this);
    qsizetype offset = 0;
    while (offset < data.size()
           && (m_state == State::Open || (m_state == State::Closing && m_awaitingPeerClose))) {
        const auto result = m_decoder.next(data.sliced(offset));
        switch (result.status) {
        case WebSocket::Decoder::Status::NeedMore:
            return offset;
        case WebSocket::Decoder::Status::Error:
            protocolError(m_decoder.errorCode(), m_decoder.errorDetail());
            return -1;
        case WebSocket::Decoder::Status::Frame:
            offset += result.consumed;
            continue;
        case WebSocket::Decoder::Status::Message:
            offset += result.consumed;
            break;
        }
        switch (m_decoder.opcode()) {
        case WebSocket::Opcode::Text:
            if (m_state == State::Open)
                Q_EMIT textMessageReceived(m_decoder.takePayload());
            break;
        case WebSocket::Opcode::Binary:
            if (m_state == State::Open)
                Q_EMIT binaryMessageReceived(m_decoder.takePayload());
            break;
        case WebSocket::Opcode::Ping:
            if (m_state == State::Open)
                answerPing(m_decoder.payload());
            break;
        case WebSocket::Opcode::Pong:
            break;
        case WebSocket::Opcode::Close:
            peerClosed(m_decoder.closeCode(), QString::fromUtf8(m_decoder.payload()));
            return -1;
        case WebSocket::Opcode::Continuation:
            break;
        }
        if (!self)
            return -1;
    }
    return offset;
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

void WebSocketConnection::queueMessage(bool binary, QByteArrayView head, const QByteArray &body)
{
    Q_ASSERT(head.size() <= MaxPrefix);
    if (m_state != State::Open || m_overflowed)
        return;
    Frame frame;
    frame.headSize = quint8(
            WebSocket::serverFrameHeader(frame.head, binary, quint64(head.size() + body.size())));
    if (!head.isEmpty()) // an empty view may have no data: memcpy() must not see null
        memcpy(frame.head + frame.headSize, head.data(), size_t(head.size()));
    frame.headSize += quint8(head.size());
    frame.body = body;
    queueFrame(std::move(frame));
}

void WebSocketConnection::queueControl(const QByteArray &frameBytes, bool pong)
{
    Frame frame;
    frame.headSize = 0;
    frame.pong = pong;
    frame.body = frameBytes;
    queueFrame(std::move(frame));
}

void WebSocketConnection::answerPing(QByteArrayView payload)
{
    // RFC 6455 §5.5.3: a Pong may answer only the most recent Ping not answered yet. A
    // client that floods pings and never reads would otherwise make us hold one Pong
    // (frame, list slot, allocation: ~80 bytes) per 6-byte Ping.
    if (m_pongPending) {
        // Reuses the buffer: a flood of pings costs no allocation each.
        m_latestPing.resize(payload.size());
        if (!payload.isEmpty())
            memcpy(m_latestPing.data(), payload.data(), size_t(payload.size()));
        m_pingWaiting = true;
        return;
    }
    m_pongPending = true;
    queueControl(WebSocket::serverFrame(WebSocket::Opcode::Pong, payload), true);
}

void WebSocketConnection::pongLeft()
{
    m_pongPending = false;
    if (!m_pingWaiting || m_state != State::Open || m_overflowed)
        return;
    m_pingWaiting = false;
    answerPing(m_latestPing);
}

void WebSocketConnection::queueFrame(Frame &&frame)
{
    if (m_overflowed)
        return; // being dropped: nothing more goes out
    if (!m_backlog.isEmpty()) {
        appendToBacklog(std::move(frame));
        syncOwed();
        return;
    }
    if (m_queued.isEmpty()) {
        pendingFlush.connections.append(this);
        if (!pendingFlush.scheduled) {
            pendingFlush.scheduled = true;
            // Queued to this thread's loop: everything written until then goes out together.
            QMetaObject::invokeMethod(
                    QAbstractEventDispatcher::instance(),
                    [] {
                        pendingFlush.scheduled = false;
                        const QList<WebSocketConnection *> connections
                                = std::exchange(pendingFlush.connections, {});
                        for (WebSocketConnection *connection : connections)
                            connection->flush();
                    },
                    Qt::QueuedConnection);
        }
    }
    m_queuedBytes += frame.cost();
    m_queued.append(std::move(frame));
    // Counted before the pass that writes it: one pass may queue a lot for one client (its
    // requests answered, broadcasts), and none of it may outgrow the limit.
    const qint64 owed = bytesToWrite();
    if (owed > m_maxBacklog)
        backlogOverflow();
    else
        setOwed(m_state == State::Closed ? 0 : owed); // may drop this or another connection
}

void WebSocketConnection::flush()
{
    if (m_queued.isEmpty())
        return;
    pendingFlush.connections.removeOne(this); // when called directly, before the loop's pass
    m_queuedBytes = 0;
    writeFrames(std::exchange(m_queued, {}));
    syncOwed();
}

void WebSocketConnection::writeFrames(QList<Frame> frames)
{
    if (m_state == State::Closed)
        return;
    if (!m_backlog.isEmpty()) {
        for (Frame &frame : frames)
            appendToBacklog(std::move(frame));
        return;
    }
    qint64 skip = 0;
    const qsizetype sent = writeVector(frames, skip);
    if (sent < 0)
        return; // the connection broke; connectionLost() is on its way
    if (sent < frames.size()) {
        // The kernel's buffer is full: keep the rest, send it when the socket is writable.
        keepBacklog(std::move(frames), sent, skip);
        m_transport->setWriteNotification(true);
    }
    // What the kernel did not take, in our backlog or in the transport's own buffer.
    if (m_backlogBytes + m_transport->bytesBuffered() > m_maxBacklog) {
        backlogOverflow();
        return;
    }
    if (!m_pongPending && m_pingWaiting)
        pongLeft();
}

void WebSocketConnection::appendToBacklog(Frame &&frame)
{
    // Behind what the kernel has not taken yet; sent when the socket is writable.
    m_backlogBytes += frame.cost();
    m_backlog.append(std::move(frame));
    if (m_backlogBytes > m_maxBacklog)
        backlogOverflow();
}

void WebSocketConnection::keepBacklog(QList<Frame> frames, qsizetype sent, qint64 skip)
{
    frames.remove(0, sent);
    m_backlog = std::move(frames);
    m_backlogSkip = skip;
    m_backlogBytes = -skip;
    for (const Frame &frame : std::as_const(m_backlog))
        m_backlogBytes += frame.cost();
}

qsizetype WebSocketConnection::writeVector(const QList<Frame> &frames, qint64 &skip)
{
    // Returns how many frames went out whole; \a skip becomes the bytes sent of the next one.
    qsizetype next = 0;
    while (next < frames.size()) {
        WebSocketTransport::Slice slices[WebSocketTransport::MaxSlices];
        int count = 0;
        qint64 total = 0;
        qint64 firstSkip = skip;
        for (qsizetype i = next; i < frames.size() && count + 2 <= WebSocketTransport::MaxSlices;
             ++i) {
            const Frame &f = frames.at(i);
            qint64 headSkip = qMin<qint64>(firstSkip, f.headSize);
            qint64 bodySkip = firstSkip - headSkip;
            firstSkip = 0;
            if (f.headSize > headSkip) {
                slices[count++] = {f.head + headSkip, qsizetype(f.headSize - headSkip)};
                total += f.headSize - headSkip;
            }
            if (f.body.size() > bodySkip) {
                slices[count++] = {f.body.constData() + bodySkip, f.body.size() - bodySkip};
                total += f.body.size() - bodySkip;
            }
        }
        if (count == 0) {
            ++next;
            skip = 0;
            continue;
        }
        QString error;
        const qint64 sent = m_transport->write(slices, count, error);
        if (sent < 0) {
            // The peer is gone. Reading will tell (EOF or reset); make sure it is noticed even
            // if nothing more arrives, but not from inside a write the caller is making.
            QMetaObject::invokeMethod(
                    this, [this, error] { connectionLost(error); }, Qt::QueuedConnection);
            m_writeBroken = true;
            return -1;
        }
        // Advance past what the transport took.
        qint64 left = sent + skip;
        skip = 0;
        while (next < frames.size()) {
            const qint64 size = frames.at(next).size();
            if (left < size) {
                skip = left;
                break;
            }
            left -= size;
            if (frames.at(next).pong)
                pongWritten();
            ++next;
        }
        if (sent < total)
            return next;
    }
    return next;
}

void WebSocketConnection::pongWritten()
{
    // With the kernel: pongLeft() answers a waiting Ping after the write. Still in the
    // transport's buffer: once that is empty (onWritable()).
    if (m_transport->bytesBuffered() == 0)
        m_pongPending = false;
    else
        m_pongInTransport = true;
}

void WebSocketConnection::onWritable()
{
    if (!m_backlog.isEmpty()) {
        QList<Frame> frames = std::exchange(m_backlog, {});
        qint64 skip = m_backlogSkip;
        const qsizetype sent = writeVector(frames, skip);
        if (sent < 0) {
            m_transport->setWriteNotification(false);
            return;
        }
        keepBacklog(std::move(frames), sent, skip);
        syncOwed();
        if (!m_pongPending && m_pingWaiting)
            pongLeft();
        if (!m_backlog.isEmpty())
            return;
    }
    m_backlogBytes = 0;
    syncOwed();
    m_transport->setWriteNotification(false);
    if (m_transport->bytesBuffered() > 0)
        return; // the transport tells again when its buffer shrinks
    if (std::exchange(m_pongInTransport, false))
        pongLeft();
    if (m_releaseWhenWritten)
        release();
}

qint64 WebSocketConnection::bytesToWrite() const
{
    return m_backlogBytes + m_queuedBytes + (m_transport ? m_transport->bytesBuffered() : 0);
}

bool WebSocketConnection::hasUnsentData() const
{
    return !m_backlog.isEmpty() || !m_queued.isEmpty() || m_transport->bytesBuffered() > 0;
}

// ---------------------------------------------------------------------------------------
// Closing
// ---------------------------------------------------------------------------------------

void WebSocketConnection::close(quint16 code, const QByteArray &reason)
{
    if (m_state != State::Open)
        return;
    queueControl(WebSocket::closeFrame(code, reason));
    flush();
    if (m_state != State::Open)
        return; // the write found the connection broken
    // Wait for the peer's Close (§7.1.1: then the server closes the TCP connection first).
    leaveOpen();
    m_awaitingPeerClose = true;
    armCloseDeadline();
    Q_EMIT closed(code, QString::fromUtf8(reason));
}

void WebSocketConnection::peerClosed(quint16 code, const QString &reason)
{
    if (m_state == State::Open) {
        // Answer with the same code (§5.5.1), then close the TCP connection once it is out.
        closeAfterSending(code == WebSocket::CloseCode::NoStatus
                                  ? WebSocket::serverFrame(WebSocket::Opcode::Close, {})
                                  : WebSocket::closeFrame(code));
        Q_EMIT closed(code, reason);
        return;
    }
    release(); // the answer to our Close
}

void WebSocketConnection::protocolError(quint16 code, const QByteArray &detail)
{
    qCDebug(lcHttp) << "WebSocket protocol error, closing with" << code << detail;
    if (m_state != State::Open) {
        release();
        return;
    }
    // Close without waiting for an answer: the peer's stream is already broken.
    closeAfterSending(WebSocket::closeFrame(code, detail));
    Q_EMIT closed(code, QString::fromUtf8(detail));
}

void WebSocketConnection::closeAfterSending(const QByteArray &closeFrame)
{
    queueControl(closeFrame);
    leaveOpen();
    flush();
    releaseWhenWritten();
}

void WebSocketConnection::leaveOpen()
{
    // From here on the connection owns itself: release() deletes it once the TCP side is done.
    m_state = State::Closing;
    setParent(nullptr);
}

void WebSocketConnection::armCloseDeadline()
{
    if (m_closeDeadline)
        return;
    m_closeDeadline = new QTimer(this);
    m_closeDeadline->setSingleShot(true);
    connect(m_closeDeadline, &QTimer::timeout, this, &WebSocketConnection::release);
    m_closeDeadline->start(CloseHandshakeTimeout);
}

void WebSocketConnection::backlogOverflow(const char *why)
{
    if (m_overflowed)
        return;
    m_overflowed = true;
    const qint64 unsent = bytesToWrite();
    const QString reason = why ? QString::fromUtf8(why) : u"the client does not read"_s;
    qCInfo(lcHttp) << "Dropping a WebSocket client:" << reason << unsent << "bytes unsent";
    // Freed at once; the connection ends on a fresh stack, not inside the send that
    // overflowed it (a broadcast may be walking a room that the close would change).
    m_backlog.clear();
    m_backlogBytes = 0;
    m_queuedBytes = 0;
    m_pongPending = m_pingWaiting = m_pongInTransport = false;
    m_latestPing = QByteArray();
    if (!m_queued.isEmpty()) {
        m_queued.clear();
        pendingFlush.connections.removeOne(this);
    }
    m_transport->setWriteNotification(false);
    syncOwed(); // 0: what it owed is released now
    QMetaObject::invokeMethod(
            this,
            [this, unsent, reason] {
                connectionLost(u"%1: %2 bytes were waiting"_s.arg(reason).arg(unsent));
            },
            Qt::QueuedConnection);
}

void WebSocketConnection::connectionLost(const QString &error)
{
    if (m_state == State::Closed)
        return;
    const bool wasOpen = m_state == State::Open;
    leaveOpen();
    release();
    if (wasOpen)
        Q_EMIT closed(WebSocket::CloseCode::Abnormal, error);
}

void WebSocketConnection::releaseWhenWritten()
{
    if (hasUnsentData() && !m_writeBroken) {
        m_releaseWhenWritten = true; // onWritable() releases once it is all out
        armCloseDeadline(); // a peer that never reads must not keep us forever
        return;
    }
    release();
}

void WebSocketConnection::release()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_backlog.clear();
    m_queued.clear();
    m_backlogBytes = m_queuedBytes = 0;
    m_pongPending = m_pingWaiting = m_pongInTransport = false;
    pendingFlush.connections.removeOne(this);
    syncOwed(); // 0
    if (m_closeDeadline)
        m_closeDeadline->stop();
    m_transport->close();
    if (!parent())
        deleteLater();
}

} // namespace Confab::Http
