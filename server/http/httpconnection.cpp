// SPDX-License-Identifier: MIT
#include "httpconnection.h"

#include "httplogging.h"

#include <QtCore/QMetaMethod>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpSocket>

using namespace std::chrono_literals;

namespace Confab::Http {

namespace {

// Body bytes looked at per step: bounds the temporary copy made by peek().
constexpr qint64 BodyChunk = 64 * 1024;
// How long a closing socket may take to flush its last response to a peer that does not read.
constexpr std::chrono::milliseconds CloseDeadline = 10s;
// Floor for the socket's read buffer (see the constructor).
constexpr qint64 MinReadBuffer = 64 * 1024;

HttpParserLimits parserLimits(const HttpConnectionSettings &settings)
{
    HttpParserLimits limits;
    limits.maxHeadSize = settings.maxHeadSize;
    limits.maxBodySize = settings.maxBodySize;
    return limits;
}

QByteArray logTarget(const QByteArray &target)
{
    return target.size() > 120 ? target.left(120) + "..." : target;
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const HttpConnectionSettings &settings,
                               QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_settings(settings)
    , m_parser(parserLimits(settings))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HttpConnection::onTimeout);

    if (!socket) {
        m_state = State::Closed;
        return;
    }
    socket->setParent(this);
    m_peerAddress = socket->peerAddress();
    m_peerPort = socket->peerPort();
    m_secure = qobject_cast<QSslSocket *>(socket) != nullptr;

    // Bound what Qt buffers on our behalf. While a request is pending nothing is read, and
    // without a limit a client could pipeline gigabytes into our memory; with it, TCP flow
    // control pushes back. The head is only peeked, so the buffer must hold a whole head.
    m_originalReadBufferSize = socket->readBufferSize();
    socket->setReadBufferSize(qMax<qint64>(m_settings.maxHeadSize + 1, MinReadBuffer));

    connect(socket, &QIODevice::readyRead, this, &HttpConnection::processIncoming);
    connect(socket, &QAbstractSocket::disconnected, this, &HttpConnection::onSocketGone);
    connect(socket, &QAbstractSocket::errorOccurred, this, [this] {
        // Not every error path emits disconnected(); the state tells whether the socket is gone.
        if (!m_socket || m_socket->state() == QAbstractSocket::UnconnectedState)
            onSocketGone();
    });

    // The head timeout runs from accept, so a client that connects and sends nothing (or
    // trickles a head) is dropped after it.
    armTimer(TimerPurpose::Head, m_settings.headTimeout);
    if (socket->state() != QAbstractSocket::ConnectedState)
        QMetaObject::invokeMethod(this, &HttpConnection::onSocketGone, Qt::QueuedConnection);
    else if (socket->bytesAvailable() > 0)
        scheduleProcessing();
}

HttpConnection::~HttpConnection()
{
    // The socket is our child and dies with us; do not let its last signals reach a
    // half-destroyed object.
    if (m_socket)
        m_socket->disconnect(this);
}

qint64 HttpConnection::bufferedBytes() const
{
    return m_socket ? m_socket->bytesAvailable() : 0;
}

void HttpConnection::setMaxBodySize(qint64 bytes)
{
    m_settings.maxBodySize = qMax<qint64>(bytes, 0);
    m_parser.setMaxBodySize(m_settings.maxBodySize);
}

bool HttpConnection::respond(const HttpResponse &response)
{
    if (m_state != State::AwaitingResponse || !m_socket) {
        qCDebug(lcHttp) << "respond() ignored, no request pending; connection state" << m_state;
        return false;
    }
    const bool keepAlive = m_requestKeepAlive && !response.closeConnection;
    m_socket->write(response.serialize({.keepAlive = keepAlive, .headRequest = m_requestIsHead}));
    qCDebug(lcHttp) << "Responded" << response.statusCode << "to" << m_peerAddress << m_peerPort
                    << (keepAlive ? "keep-alive" : "close");
    if (!keepAlive) {
        closeAfterFlush(false);
        return true;
    }
    m_state = State::ReadingHead;
    armTimer(TimerPurpose::Idle, m_settings.idleTimeout);
    // A pipelined request may already be buffered, and no readyRead will announce it again.
    // Queued, so a respond() from inside requestReceived() does not recurse into it.
    scheduleProcessing();
    return true;
}

void HttpConnection::abort()
{
    if (m_state == State::Closed || m_state == State::HandedOver)
        return;
    m_state = State::Closing; // so onSocketGone() does not report an aborted request
    QPointer<HttpConnection> guard(this);
    if (m_socket)
        m_socket->abort(); // emits disconnected() -> onSocketGone() if it was connected
    if (guard)
        onSocketGone(); // idempotent; covers a socket that was no longer connected
}

void HttpConnection::scheduleProcessing()
{
    if (m_processingScheduled)
        return;
    m_processingScheduled = true;
    QMetaObject::invokeMethod(
            this,
            [this] {
                m_processingScheduled = false;
                processIncoming();
            },
            Qt::QueuedConnection);
}

void HttpConnection::processIncoming()
{
    if (!m_socket)
        return;
    if (m_state == State::Closing) {
        discardInput();
        return;
    }
    // readHead()/readBody() return true when the state moved on and there may be more to do
    // with the bytes already buffered. After a signal they return false without touching
    // members: the receiver may have deleted us.
    for (;;) {
        if (m_state == State::ReadingHead) {
            if (!readHead())
                return;
        } else if (m_state == State::ReadingBody) {
            if (!readBody())
                return;
        } else {
            return;
        }
    }
}

bool HttpConnection::readHead()
{
    const qint64 available = m_socket->bytesAvailable();
    if (available <= m_headPeeked)
        return false;
    if (m_timerPurpose != TimerPurpose::Head) // first byte of the next keep-alive request
        armTimer(TimerPurpose::Head, m_settings.headTimeout);

    // Peek, don't read: if this turns out to be a WebSocket upgrade, the receiver (e.g.
    // QWebSocketServer::handleConnection()) may expect the request in the socket. The parser
    // refuses heads longer than maxHeadSize, so it never needs to see more than that.
    const qint64 window = qMin<qint64>(available, m_settings.maxHeadSize + 1);
    const QByteArray bytes = m_socket->peek(window);
    if (bytes.size() <= m_headPeeked)
        return false;
    const auto result = m_parser.feed(QByteArrayView(bytes).sliced(m_headPeeked));
    m_headPeeked += result.consumed;

    switch (result.status) {
    case HttpRequestParser::Status::NeedMoreData:
        return false;
    case HttpRequestParser::Status::HeadComplete:
        break;
    case HttpRequestParser::Status::Error:
        failRequest(m_parser.errorStatus(), m_parser.errorDetail());
        return false;
    case HttpRequestParser::Status::MessageComplete:
        // The parser always stops at the head first; treat anything else as a bug, not a crash.
        failRequest(500, "internal parser state error");
        return false;
    }

    const HttpRequest &head = m_parser.request();
    qCDebug(lcHttp) << "Request head from" << m_peerAddress << m_peerPort << head.methodName()
                    << logTarget(head.target);
    if (head.isWebSocketUpgrade()) {
        handOver(head);
        return false;
    }

    m_socket->skip(m_headPeeked);
    m_headPeeked = 0;
    m_requestKeepAlive = head.keepAlive;
    m_requestIsHead = head.method == HttpRequest::Method::Head;

    if (head.hasHeader("expect")) {
        // RFC 9110 §10.1.1: only 100-continue is defined; refuse other expectations with 417.
        if (head.header("expect").compare("100-continue", Qt::CaseInsensitive) != 0) {
            failRequest(417, "only Expect: 100-continue is supported");
            return false;
        }
        const auto length = m_parser.contentLength();
        const bool bodyFollows = (length && *length > 0) || head.hasHeader("transfer-encoding");
        const bool fits = !length || *length <= m_settings.maxBodySize;
        // When it does not fit, the parser's 413 below is the final answer the client awaits.
        if (head.httpMinor >= 1 && bodyFollows && fits)
            m_socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
    }

    m_state = State::ReadingBody;
    armTimer(TimerPurpose::Body, m_settings.bodyTimeout);
    return true;
}

bool HttpConnection::readBody()
{
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0)
        return false;
    // Peek then skip exactly what the parser consumed: bytes of a pipelined next request
    // must stay in the socket.
    const QByteArray bytes = m_socket->peek(qMin(available, BodyChunk));
    const auto result = m_parser.feed(bytes);
    m_socket->skip(result.consumed);

    switch (result.status) {
    case HttpRequestParser::Status::NeedMoreData:
        return result.consumed > 0;
    case HttpRequestParser::Status::MessageComplete:
        deliverRequest();
        return false;
    case HttpRequestParser::Status::Error:
        failRequest(m_parser.errorStatus(), m_parser.errorDetail());
        return false;
    case HttpRequestParser::Status::HeadComplete:
        failRequest(500, "internal parser state error");
        return false;
    }
    return false;
}

void HttpConnection::deliverRequest()
{
    HttpRequest request = m_parser.takeRequest();
    request.remoteAddress = m_peerAddress;
    request.remotePort = m_peerPort;
    request.secure = m_secure;
    m_state = State::AwaitingResponse;
    // No timeout while the owner holds the request: a long-poll GET waits for data, and the
    // owner (Engine.IO) has its own deadlines.
    armTimer(TimerPurpose::None, {});
    ++m_requestCount;
    qCDebug(lcHttp) << "Request from" << m_peerAddress << m_peerPort << request.methodName()
                    << logTarget(request.target) << "body" << request.body.size() << "bytes";
    Q_EMIT requestReceived(request);
}

void HttpConnection::handOver(const HttpRequest &head)
{
    if (!isSignalConnected(QMetaMethod::fromSignal(&HttpConnection::webSocketUpgradeRequested))) {
        failRequest(501, "WebSocket is not served here");
        return;
    }
    HttpRequest request = head;
    request.remoteAddress = m_peerAddress;
    request.remotePort = m_peerPort;
    request.secure = m_secure;
    request.headSize = m_parser.headSize(); // m_headPeeked stops before the final LF

    armTimer(TimerPurpose::None, {});
    QTcpSocket *socket = m_socket.data();
    m_socket.clear();
    m_state = State::HandedOver;
    // A receiver may re-emit readyRead() synchronously (QWebSocketServer::handleConnection()
    // does): none of our connections may still be there to see it. The request stays unread
    // in the buffer; head.headSize says how long it is.
    socket->disconnect(this);
    socket->setReadBufferSize(m_originalReadBufferSize);
    socket->setParent(nullptr);
    qCDebug(lcHttp) << "Handing WebSocket upgrade from" << m_peerAddress << m_peerPort
                    << "over, path" << request.path;

    QPointer<HttpConnection> guard(this);
    Q_EMIT webSocketUpgradeRequested(socket, request);
    if (guard)
        Q_EMIT closed();
}

void HttpConnection::respondAndClose(QTcpSocket *socket, const HttpResponse &response)
{
    if (!socket)
        return;
    if (socket->state() != QAbstractSocket::ConnectedState) {
        socket->deleteLater();
        return;
    }
    socket->write(response.serialize({.keepAlive = false}));
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    socket->disconnectFromHost();
    if (socket->state() != QAbstractSocket::UnconnectedState)
        QTimer::singleShot(CloseDeadline, socket, &QAbstractSocket::abort);
}

void HttpConnection::failRequest(int status, const QByteArray &detail)
{
    if (!m_socket)
        return;
    qCDebug(lcHttp) << "Refusing request from" << m_peerAddress << m_peerPort << "with" << status
                    << detail;
    const bool isHead
            = m_parser.isInBody() && m_parser.request().method == HttpRequest::Method::Head;
    m_socket->write(HttpResponse::error(status, detail).serialize({.headRequest = isHead}));
    closeAfterFlush(true);
}

void HttpConnection::closeAfterFlush(bool linger)
{
    m_state = State::Closing;
    if (!m_socket)
        return;
    if (linger && m_settings.lingerTimeout > 0ms) {
        // RFC 9112 §9.6: the client may still be sending (say, the body we refused). Closing
        // now, with its bytes unread, would make the kernel answer with RST, and an RST can
        // overtake our response. Drain and discard for a moment, then close.
        discardInput();
        armTimer(TimerPurpose::Linger, m_settings.lingerTimeout);
        return;
    }
    armTimer(TimerPurpose::CloseDeadline, CloseDeadline);
    m_socket->disconnectFromHost(); // may emit disconnected() -> onSocketGone() right here
}

void HttpConnection::discardInput()
{
    if (m_socket)
        m_socket->skip(m_socket->bytesAvailable());
}

void HttpConnection::onTimeout()
{
    const TimerPurpose purpose = std::exchange(m_timerPurpose, TimerPurpose::None);
    switch (purpose) {
    case TimerPurpose::None:
        return;
    case TimerPurpose::Idle:
        qCDebug(lcHttp) << "Closing idle connection from" << m_peerAddress << m_peerPort;
        closeAfterFlush(false);
        return;
    case TimerPurpose::Head:
        if (m_parser.isIdle() && m_headPeeked == 0
            && (!m_socket || m_socket->bytesAvailable() == 0)) {
            // Nothing was sent at all: there is no request to answer.
            qCDebug(lcHttp) << "Closing silent connection from" << m_peerAddress << m_peerPort;
            closeAfterFlush(false);
        } else {
            failRequest(408, "request head not received in time");
        }
        return;
    case TimerPurpose::Body:
        failRequest(408, "request body not received in time");
        return;
    case TimerPurpose::Linger:
        armTimer(TimerPurpose::CloseDeadline, CloseDeadline);
        if (m_socket)
            m_socket->disconnectFromHost();
        return;
    case TimerPurpose::CloseDeadline:
        qCDebug(lcHttp) << "Peer" << m_peerAddress << m_peerPort
                        << "does not read its response; aborting";
        if (m_socket) {
            QPointer<HttpConnection> guard(this);
            m_socket->abort();
            if (!guard)
                return;
        }
        onSocketGone();
        return;
    }
}

void HttpConnection::onSocketGone()
{
    if (m_state == State::Closed || m_state == State::HandedOver)
        return;
    const bool wasPending = m_state == State::AwaitingResponse;
    m_state = State::Closed;
    armTimer(TimerPurpose::None, {});
    qCDebug(lcHttp) << "Connection from" << m_peerAddress << m_peerPort << "closed after"
                    << m_requestCount << "requests" << (wasPending ? "(request pending)" : "");

    QPointer<HttpConnection> guard(this);
    if (wasPending) {
        Q_EMIT requestAborted();
        if (!guard)
            return;
    }
    Q_EMIT closed();
}

void HttpConnection::armTimer(TimerPurpose purpose, std::chrono::milliseconds timeout)
{
    m_timerPurpose = purpose;
    if (purpose == TimerPurpose::None || timeout <= 0ms) {
        m_timerPurpose = TimerPurpose::None;
        m_timer.stop();
        return;
    }
    m_timer.start(timeout);
}

} // namespace Confab::Http
