// SPDX-License-Identifier: MIT
#include "httplistener.h"

#include "directtcpsocket.h"
#include "httplogging.h"

#include <QtCore/QMetaMethod>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTimer>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>

#include <algorithm>
#include <functional>

#ifdef Q_OS_UNIX
#    include <cerrno>
#    include <sys/socket.h>
#    include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace Confab::Http {

namespace {

//! The first byte of a TLS connection: the content type of a handshake record (RFC 8446
//! §5.1). No HTTP method starts with it.
constexpr char TlsHandshakeRecord = 0x16;

//! \brief Waits for the first byte of a fresh connection and peeks at it (MSG_PEEK: the byte
//! stays in the kernel for whichever socket reads the connection next). Then reports and
//! deletes itself; the descriptor is not closed unless the peer went away or stayed silent.
class FirstByteSniffer : public QObject
{
public:
    FirstByteSniffer(qintptr descriptor, std::chrono::milliseconds timeout,
                     std::function<void(qintptr, bool tls)> done, std::function<void()> gone,
                     QObject *parent)
        : QObject(parent)
        , m_descriptor(descriptor)
        , m_notifier(descriptor, QSocketNotifier::Read, this)
        , m_done(std::move(done))
        , m_gone(std::move(gone))
    {
        connect(&m_notifier, &QSocketNotifier::activated, this, &FirstByteSniffer::peek);
        // Silent connections are dropped like HttpConnection drops them (its head timeout).
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, [this] { finish(Outcome::Gone); });
        m_timer.start(timeout);
    }
    ~FirstByteSniffer() override
    {
        // The listener went away first: the connection is not handed to anyone.
        if (!m_finished) {
#ifdef Q_OS_UNIX
            ::close(int(m_descriptor));
#endif
        }
    }

private:
    enum class Outcome { Plain, Tls, Gone };

    void peek()
    {
#ifdef Q_OS_UNIX
        char byte = 0;
        ssize_t got;
        do {
            got = ::recv(int(m_descriptor), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        } while (got < 0 && errno == EINTR);
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (got <= 0)
            finish(Outcome::Gone); // closed before a byte, or reset
        else
            finish(byte == TlsHandshakeRecord ? Outcome::Tls : Outcome::Plain);
#else
        finish(Outcome::Plain);
#endif
    }

    void finish(Outcome outcome)
    {
        m_finished = true;
        m_notifier.setEnabled(false);
        m_timer.stop();
        if (outcome == Outcome::Gone) {
#ifdef Q_OS_UNIX
            ::close(int(m_descriptor));
#endif
            m_gone();
        } else {
            m_done(m_descriptor, outcome == Outcome::Tls);
        }
        deleteLater();
    }

    qintptr m_descriptor;
    QSocketNotifier m_notifier;
    QTimer m_timer;
    std::function<void(qintptr, bool)> m_done;
    std::function<void()> m_gone;
    bool m_finished = false;
};

//! \brief The server end of a TLS connection: what is written in one event-loop pass is
//! encrypted and handed to the kernel together, once, and never after the TLS is gone.
//!
//! Why: Qt 6.4's QSslSocket encrypts a write later, from a call it queues; when the peer went
//! away in between (OpenSSL's state freed with the connection), that queued call crashed the
//! host in BIO_ctrl (python-socketio upgrading polling to WebSocket over TLS, then leaving).
//! Here the bytes of a pass wait in our buffer and go through QSslSocket and flush() in one
//! synchronous step, so Qt's queued flush finds nothing to do; and the writes of one pass
//! (a WebSocket frame's header and payload, several frames) make one TLS record, not one each.
class HostSslSocket : public QSslSocket
{
public:
    HostSslSocket()
    {
        // Qt frees the connection's OpenSSL state on an error (the peer's close_notify is
        // RemoteHostClosedError) or a disconnect, and state() may still say connected then.
        const auto gone = [this] {
            m_gone = true;
            m_pending.clear();
        };
        connect(this, &QAbstractSocket::errorOccurred, this, gone);
        connect(this, &QAbstractSocket::disconnected, this, gone);
    }

    qint64 bytesToWrite() const override { return QSslSocket::bytesToWrite() + m_pending.size(); }
    void disconnectFromHost() override
    {
        sendPending(); // what was written goes first
        QSslSocket::disconnectFromHost();
    }

protected:
    qint64 writeData(const char *data, qint64 size) override
    {
        if (m_gone || state() != ConnectedState || !isEncrypted()) {
            setErrorString(u"the TLS connection is closed"_s);
            return -1;
        }
        m_pending.append(data, size);
        if (!m_sendQueued) {
            m_sendQueued = true;
            QMetaObject::invokeMethod(this, &HostSslSocket::sendPending, Qt::QueuedConnection);
        }
        return size;
    }

private:
    void sendPending()
    {
        m_sendQueued = false;
        if (m_pending.isEmpty())
            return;
        const QByteArray bytes = std::exchange(m_pending, {});
        if (m_gone || state() != ConnectedState || !isEncrypted())
            return;
        QSslSocket::writeData(bytes.constData(), bytes.size());
        flush();
    }

    QByteArray m_pending;
    bool m_sendQueued = false;
    bool m_gone = false;
};

} // namespace

HttpListener::HttpListener(QObject *parent)
    : QObject(parent)
    , m_server(new DirectTcpServer(this))
{
    // Qt's default backlog of 50 drops the SYNs of a crowd arriving at once (a LAN meeting
    // joining, a reconnect storm after a restart); those clients then wait for TCP's
    // retransmission back-off, seconds each. The kernel caps this at net.core.somaxconn.
    m_server->setListenBacklogSize(4096);
    connect(m_server, &QTcpServer::newConnection, this, &HttpListener::acceptConnections);
    connect(static_cast<DirectTcpServer *>(m_server), &DirectTcpServer::descriptorAccepted, this,
            &HttpListener::acceptDescriptor);
}

HttpListener::~HttpListener() = default;

bool HttpListener::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server->listen(address, port)) {
        qCWarning(lcHttp) << "Cannot listen on" << address << port << m_server->errorString();
        return false;
    }
    qCInfo(lcHttp) << "Listening on" << m_server->serverAddress() << m_server->serverPort();
    return true;
}

void HttpListener::close()
{
    if (m_server->isListening())
        qCInfo(lcHttp) << "Stopped listening on port" << m_server->serverPort();
    m_server->close();
}

bool HttpListener::isListening() const
{
    return m_server->isListening();
}

QHostAddress HttpListener::serverAddress() const
{
    return m_server->serverAddress();
}

quint16 HttpListener::serverPort() const
{
    return m_server->serverPort();
}

QString HttpListener::errorString() const
{
    return m_server->errorString();
}

void HttpListener::setConnectionSettings(const HttpConnectionSettings &settings)
{
    m_settings = settings;
}

void HttpListener::setMaxConnections(int count)
{
    m_maxConnections = qMax(count, 1);
}

void HttpListener::setTls(TlsMode mode, const QSslConfiguration &configuration)
{
#ifndef Q_OS_UNIX
    if (mode != TlsMode::Off) {
        qCWarning(lcHttp) << "TLS on the HTTP port is not supported on this system";
        mode = TlsMode::Off;
    }
#endif
    if (mode != TlsMode::Off && !QSslSocket::supportsSsl()) {
        qCWarning(lcHttp) << "TLS is not available (no TLS backend):"
                          << QSslSocket::sslLibraryVersionString();
        mode = TlsMode::Off;
    }
    m_tlsMode = mode;
    m_tlsConfiguration = configuration;
    if (mode != TlsMode::Off) {
        // The host's own certificate, no client certificates asked for.
        m_tlsConfiguration.setPeerVerifyMode(QSslSocket::VerifyNone);
        // Nothing is verified here: no CA store to load into each connection's context.
        m_tlsConfiguration.setCaCertificates({});
        m_tlsConfiguration.setProtocol(QSsl::TlsV1_2OrLater);
    }
    // With TLS off, connections are made into sockets at once, as before: no first-byte wait.
    static_cast<DirectTcpServer *>(m_server)->setHandOffDescriptors(mode != TlsMode::Off);
}

void HttpListener::trackConnection(QObject *connection)
{
    if (!connection)
        return;
    ++m_connectionCount;
    connect(connection, &QObject::destroyed, this, [this] { --m_connectionCount; });
}

void HttpListener::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        if (m_connectionCount >= m_maxConnections) {
            // Tell the client why instead of letting it hang in the listen backlog.
            ++m_statistics.connectionsRejected;
            qCDebug(lcHttp) << "Refusing connection from" << socket->peerAddress()
                            << "- at the limit of" << m_maxConnections << "connections";
            HttpConnection::respondAndClose(
                    socket,
                    HttpResponse::error(503, "too many connections").setHeader("Retry-After", "1"));
            continue;
        }
        adopt(socket);
    }
}

void HttpListener::acceptDescriptor(qintptr descriptor)
{
    if (m_connectionCount >= m_maxConnections) {
        // In clear even to a TLS client: it is closed at once either way.
        if (QTcpSocket *socket = DirectTcpServer::makeSocket(descriptor)) {
            ++m_statistics.connectionsRejected;
            HttpConnection::respondAndClose(
                    socket,
                    HttpResponse::error(503, "too many connections").setHeader("Retry-After", "1"));
        }
        return;
    }
    // A connection waiting for its first byte (or its TLS handshake) counts toward the cap
    // like any other: half-open connections cannot crowd served ones out beyond it.
    ++m_statistics.connectionsAccepted;
    ++m_connectionCount;
    new FirstByteSniffer(
            descriptor, m_settings.headTimeout, [this](qintptr fd, bool tls) { sniffed(fd, tls); },
            [this] { --m_connectionCount; }, this);
}

void HttpListener::sniffed(qintptr descriptor, bool tls)
{
    if (tls) {
        startTls(descriptor);
        return;
    }
    QTcpSocket *socket = DirectTcpServer::makeSocket(descriptor);
    if (!socket) {
        --m_connectionCount;
        return;
    }
    adopt(socket, true);
}

void HttpListener::startTls(qintptr descriptor)
{
    ++m_statistics.tlsConnections;
    auto *socket = new HostSslSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
#ifdef Q_OS_UNIX
        ::close(int(descriptor));
#endif
        --m_connectionCount;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setSslConfiguration(m_tlsConfiguration);
    // A handshake that breaks (garbage, a truncated ClientHello, an alert) or never ends is
    // cut: the HttpConnection below then sees the socket gone and the count drops.
    const auto fail = [this, socket](const char *why) {
        if (socket->isEncrypted() || socket->state() == QAbstractSocket::UnconnectedState)
            return;
        ++m_statistics.tlsHandshakesFailed;
        qCDebug(lcHttp) << "TLS handshake with" << socket->peerAddress() << "failed:" << why
                        << socket->errorString();
        socket->abort();
    };
    connect(socket, &QAbstractSocket::errorOccurred, socket, [fail] { fail("error"); });
    connect(socket, &QSslSocket::handshakeInterruptedOnError, socket,
            [fail] { fail("interrupted"); });
    auto *deadline = new QTimer(socket);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, socket, [fail] { fail("timed out"); });
    connect(socket, &QSslSocket::encrypted, deadline, &QObject::deleteLater);
    deadline->start(m_handshakeTimeout);
    adopt(socket, true);
    socket->startServerEncryption();
}

bool HttpListener::refusePlain(HttpConnection *connection, const HttpRequest &request)
{
    if (m_tlsMode != TlsMode::Required || request.secure)
        return false;
    if ((request.method == HttpRequest::Method::Get || request.method == HttpRequest::Method::Head)
        && request.path == u"/"_s && request.hasHeader("host")) {
        // The Host header is checked against the host's names only later, by whoever serves
        // requests; here it goes into Location, so only the characters of a host[:port] pass.
        const QByteArray host = request.header("host");
        static const auto valid = [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '%';
        };
        if (!host.isEmpty() && std::all_of(host.begin(), host.end(), valid)) {
            HttpResponse redirect(308);
            redirect.setHeader("Location", "https://" + host + "/");
            redirect.closeConnection = true; // nothing more is served in clear
            connection->respond(redirect);
            return true;
        }
    }
    // The body Engine.IO clients understand (code 4: Forbidden), as the host's other refusals.
    HttpResponse refusal = HttpResponse::json(403, R"({"code":4,"message":"tls required"})");
    refusal.closeConnection = true;
    connection->respond(refusal);
    return true;
}

void HttpListener::adopt(QTcpSocket *socket, bool counted)
{
    if (!counted) {
        ++m_statistics.connectionsAccepted;
        ++m_connectionCount;
    }
    auto *connection = new HttpConnection(socket, m_settings, this);

    connect(connection, &HttpConnection::requestReceived, this,
            [this, connection](const HttpRequest &request) {
                ++m_statistics.requestsReceived;
                if (refusePlain(connection, request))
                    return;
                Q_EMIT requestReceived(connection, request);
            });
    connect(connection, &HttpConnection::requestAborted, this, [this, connection] {
        ++m_statistics.requestsAborted;
        Q_EMIT requestAborted(connection);
    });
    connect(connection, &HttpConnection::webSocketUpgradeRequested, this,
            [this](QTcpSocket *upgraded, const HttpRequest &head) {
                if (m_tlsMode == TlsMode::Required && !head.secure) {
                    HttpConnection::respondAndClose(
                            upgraded,
                            HttpResponse::json(403, R"({"code":4,"message":"tls required"})"));
                    return;
                }
                static const QMetaMethod signal
                        = QMetaMethod::fromSignal(&HttpListener::webSocketUpgradeRequested);
                if (!isSignalConnected(signal)) {
                    HttpConnection::respondAndClose(
                            upgraded, HttpResponse::error(501, "WebSocket is not served here"));
                    return;
                }
                ++m_statistics.webSocketUpgrades;
                Q_EMIT webSocketUpgradeRequested(upgraded, head);
            });
    connect(connection, &HttpConnection::closed, this, [this, connection] {
        --m_connectionCount;
        connection->deleteLater();
    });
}

} // namespace Confab::Http
