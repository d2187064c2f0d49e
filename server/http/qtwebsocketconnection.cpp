// SPDX-License-Identifier: MIT
#include "qtwebsocketconnection.h"

#include "httplogging.h"

#include <QtCore/QTimer>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpSocket>
#include <QtWebSockets/QWebSocket>

#include <chrono>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace Confab::Http {

namespace {

// How long a closing connection may take to finish its handshake and flush before it is cut.
constexpr auto CloseDeadline = 2s;

//! \brief The text of the last message sent on this thread, as QWebSocket needs it.
//!
//! A broadcast hands every recipient the same shared \a body: keyed on the identity of its
//! bytes (and the head), the UTF-8 → UTF-16 conversion is made once per broadcast instead of
//! once per recipient. Holding the body keeps its bytes alive and unchanged (QByteArray is
//! copy-on-write), so an equal pointer means the same text. The cost: the last text (and its
//! QString, twice its size) stays in memory per thread until the next one.
QString textOf(QByteArrayView head, const QByteArray &body)
{
    struct Cache
    {
        QByteArray body;
        QByteArray head;
        QString text;
    };
    thread_local Cache cache;
    if (cache.body.constData() != body.constData() || cache.body.size() != body.size()
        || cache.head != head) {
        cache.body = body;
        cache.head = head.toByteArray();
        cache.text = QString::fromUtf8(head) + QString::fromUtf8(body);
    }
    return cache.text;
}

} // namespace

QtWebSocketConnection::QtWebSocketConnection(QWebSocket *socket, QTcpSocket *tcpSocket,
                                             qint64 maxMessageSize, QObject *parent)
    : HostWebSocket(parent)
    , m_socket(socket)
{
    // Children are deleted in order: the QWebSocket first, while the socket it uses still is.
    socket->setParent(this);
    if (tcpSocket)
        tcpSocket->setParent(this);
    socket->setMaxAllowedIncomingMessageSize(quint64(qMax<qint64>(maxMessageSize, 1)));
    socket->setMaxAllowedIncomingFrameSize(quint64(qMax<qint64>(maxMessageSize, 1)));
    connect(socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        if (m_state == State::Open)
            Q_EMIT textMessageReceived(text.toUtf8()); // Qt's UTF-16 round trip, see the class
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &bytes) {
        if (m_state == State::Open)
            Q_EMIT binaryMessageReceived(bytes);
    });
    connect(socket, &QWebSocket::bytesWritten, this, &QtWebSocketConnection::syncOwed);
    if (auto *tls = qobject_cast<QSslSocket *>(tcpSocket)) {
        // Over TLS what is owed includes the encrypted records waiting underneath.
        m_tls = tls;
        connect(tls, &QSslSocket::encryptedBytesWritten, this, &QtWebSocketConnection::syncOwed);
    }
    // QWebSocket closes itself (and says so with aboutToClose()) when the peer sends Close
    // or breaks the protocol (a frame over the limits: 1009; invalid UTF-8: 1007), with the
    // code in closeCode(); a connection that just breaks only emits disconnected().
    connect(socket, &QWebSocket::aboutToClose, this, [this] {
        if (m_state == State::Open && m_socket)
            leaveOpen(quint16(m_socket->closeCode()), m_socket->closeReason());
    });
    connect(socket, &QWebSocket::disconnected, this, [this] {
        if (m_state == State::Open)
            leaveOpen(Confab::WebSocket::CloseCode::Abnormal, u"connection closed"_s);
        setOwed(0);
        deleteLater();
    });
}

QtWebSocketConnection::~QtWebSocketConnection()
{
    setOwed(0);
}

void QtWebSocketConnection::queueMessage(bool binary, QByteArrayView head, const QByteArray &body)
{
    if (m_state != State::Open || !m_socket)
        return;
    if (binary) {
        // The body goes as it is when there is no head (Engine.IO v4); QWebSocket copies it
        // into the socket's buffer either way.
        m_socket->sendBinaryMessage(head.isEmpty() ? body : head.toByteArray() + body);
    } else {
        m_socket->sendTextMessage(textOf(head, body));
    }
    checkBacklog();
}

qint64 QtWebSocketConnection::bytesToWrite() const
{
    if (!m_socket)
        return 0;
    return m_socket->bytesToWrite() + (m_tls ? m_tls->encryptedBytesToWrite() : 0);
}

void QtWebSocketConnection::syncOwed()
{
    setOwed(m_overflowed || m_state == State::Closed ? 0 : bytesToWrite());
}

void QtWebSocketConnection::checkBacklog()
{
    if (m_overflowed)
        return;
    if (bytesToWrite() > m_maxBacklog) {
        drop("send backlog over its limit");
        return;
    }
    syncOwed(); // may drop this connection for the SendBudget
}

void QtWebSocketConnection::dropForBudget(const char *why)
{
    drop(why);
}

void QtWebSocketConnection::drop(const char *why)
{
    if (m_overflowed)
        return;
    m_overflowed = true;
    setOwed(0);
    qCInfo(lcHttp) << "Dropping WebSocket client"
                   << (m_socket ? m_socket->peerAddress() : QHostAddress()) << "-" << why;
    // From the event loop: the caller may be walking a list of clients (a broadcast).
    QMetaObject::invokeMethod(
            this,
            [this] {
                if (m_state == State::Open)
                    leaveOpen(Confab::WebSocket::CloseCode::Abnormal, u"backlog overflow"_s);
                if (m_socket)
                    m_socket->abort();
            },
            Qt::QueuedConnection);
}

void QtWebSocketConnection::close(quint16 code, const QByteArray &reason)
{
    if (m_state != State::Open)
        return;
    leaveOpen(code, QString::fromUtf8(reason));
    if (m_socket)
        m_socket->close(QWebSocketProtocol::CloseCode(code), QString::fromUtf8(reason));
}

void QtWebSocketConnection::leaveOpen(quint16 code, const QString &reason)
{
    m_state = State::Closed;
    setParent(nullptr);
    armCloseDeadline();
    syncOwed();
    Q_EMIT closed(code, reason);
}

void QtWebSocketConnection::armCloseDeadline()
{
    // A peer that never answers the Close frame or never reads keeps the TCP connection open;
    // cut it then, like the native engine.
    m_closeDeadline = new QTimer(this);
    m_closeDeadline->setSingleShot(true);
    connect(m_closeDeadline, &QTimer::timeout, this, [this] {
        if (m_socket)
            m_socket->abort();
        deleteLater();
    });
    m_closeDeadline->start(CloseDeadline);
}

} // namespace Confab::Http
