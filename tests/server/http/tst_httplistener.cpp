// SPDX-License-Identifier: MIT
// HttpListener + HttpConnection over real loopback sockets: raw QTcpSocket clients (to control
// every byte), QNetworkAccessManager, and WebSocket upgrades handed to a QWebSocketServer.
// Waits are event-driven (QSignalSpy::wait, QTRY_*, an event loop quit by a signal), never
// sleeps.
#include "http/httplistener.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWebSockets/QWebSocket>
#include <QtWebSockets/QWebSocketServer>

#include <memory>
#include <optional>

#ifdef Q_OS_UNIX
#    include <sys/socket.h>
#endif

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Confab::Http;

namespace {

//! A response as read off the wire by RawClient.
struct WireResponse
{
    int status = 0;
    QByteArray head;
    QByteArray body;

    QByteArray header(QByteArrayView name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0
                && QByteArrayView(line).first(colon).compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
};

//! A QTcpSocket client that writes raw bytes and reads Content-Length framed responses.
class RawClient
{
public:
    explicit RawClient(quint16 port) { m_socket.connectToHost(QHostAddress::LocalHost, port); }

    bool waitConnected()
    {
        if (m_socket.state() == QAbstractSocket::ConnectedState)
            return true;
        QSignalSpy connected(&m_socket, &QAbstractSocket::connected);
        return connected.wait(5000);
    }

    void send(const QByteArray &bytes) { m_socket.write(bytes); }

    //! Next response, or nullopt if none arrived within \a timeout.
    std::optional<WireResponse> read(std::chrono::milliseconds timeout = 5s)
    {
        QElapsedTimer timer;
        timer.start();
        for (;;) {
            m_buffer += m_socket.readAll();
            if (auto response = take())
                return response;
            const auto left = timeout - std::chrono::milliseconds(timer.elapsed());
            if (left <= 0ms || !waitForActivity(left))
                return std::nullopt;
        }
    }

    //! True once the server closed the connection (within \a timeout).
    bool waitDisconnected(std::chrono::milliseconds timeout = 5s)
    {
        QElapsedTimer timer;
        timer.start();
        while (m_socket.state() != QAbstractSocket::UnconnectedState) {
            const auto left = timeout - std::chrono::milliseconds(timer.elapsed());
            if (left <= 0ms)
                return false;
            waitForActivity(left);
        }
        m_buffer += m_socket.readAll();
        return true;
    }

    //! True once at least \a size bytes are buffered (within \a timeout).
    bool waitForBuffered(qsizetype size, std::chrono::milliseconds timeout = 5s)
    {
        QElapsedTimer timer;
        timer.start();
        for (;;) {
            m_buffer += m_socket.readAll();
            if (m_buffer.size() >= size)
                return true;
            const auto left = timeout - std::chrono::milliseconds(timer.elapsed());
            if (left <= 0ms || !waitForActivity(left))
                return false;
        }
    }

    QTcpSocket &socket() { return m_socket; }
    QByteArray &buffer() { return m_buffer; }

private:
    // Runs the event loop until data arrives, the socket closes, or the timeout passes.
    bool waitForActivity(std::chrono::milliseconds timeout)
    {
        QEventLoop loop;
        QTimer timer;
        timer.setSingleShot(true);
        QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        QObject::connect(&m_socket, &QIODevice::readyRead, &loop, &QEventLoop::quit);
        QObject::connect(&m_socket, &QAbstractSocket::disconnected, &loop, &QEventLoop::quit);
        timer.start(timeout);
        loop.exec();
        return timer.isActive();
    }

    std::optional<WireResponse> take()
    {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return std::nullopt;
        WireResponse response;
        response.head = m_buffer.left(end + 2);
        const QList<QByteArray> statusLine
                = response.head.left(response.head.indexOf('\r')).split(' ');
        response.status = statusLine.value(1).toInt();
        qsizetype bodySize = 0;
        if (response.status >= 200)
            bodySize = response.header("content-length").toLongLong();
        if (m_buffer.size() < end + 4 + bodySize)
            return std::nullopt;
        response.body = m_buffer.mid(end + 4, bodySize);
        m_buffer.remove(0, end + 4 + bodySize);
        return response;
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
};

QByteArray getRequest(const QByteArray &target, const QByteArray &extra = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

const QByteArray WebSocketKey = QByteArrayLiteral("dGhlIHNhbXBsZSBub25jZQ==");

QByteArray upgradeRequest(const QByteArray &target)
{
    return "GET " + target
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
              "Connection: Upgrade\r\nSec-WebSocket-Key: "
            + WebSocketKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

// RFC 6455 §5.2: FIN + text opcode, masked as a client must.
QByteArray maskedTextFrame(const QByteArray &payload)
{
    Q_ASSERT(payload.size() < 126);
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    QByteArray frame;
    frame += char(0x81);
    frame += char(0x80 | payload.size());
    frame += QByteArray(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame += char(payload.at(i) ^ mask[i % 4]);
    return frame;
}

} // namespace

class tst_HttpListener : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void keepAliveServesSeveralRequests();
    void pipelinedRequestWaitsForResponse();
    void heldRequestAnsweredLater();
    void networkAccessManagerReusesConnection();
    void requestAbortedWhenClientLeaves_data();
    void requestAbortedWhenClientLeaves();
    void oversizedBodyRefusedBeforeUpload();
    void oversizedUploadRefusedWhileSending();
    void pipelinedBytesStayBounded();
    void expectContinue();
    void errorsCloseTheConnection_data();
    void errorsCloseTheConnection();
    void webSocketUpgradeHandedOver();
    void webSocketUpgradeAfterKeepAlive_data();
    void webSocketUpgradeAfterKeepAlive();
    void webSocketUpgradeWithoutReceiver();
    void webSocketUpgradeRefusedByOwner();
    void slowlorisClosedAfterHeadTimeout();
    void silentConnectionClosed();
    void idleKeepAliveConnectionClosed();
    void connectionCap();

private:
    // Starts m_listener with \a settings; every request is answered at once with
    // "<METHOD> <target>\n<body>" unless m_hold is set, then it is stored in m_held.
    void start(const HttpConnectionSettings &settings = {});

    std::unique_ptr<HttpListener> m_listener;
    bool m_hold = false;
    QList<QPointer<HttpConnection>> m_held;
    QList<HttpRequest> m_requests;
};

void tst_HttpListener::init()
{
    m_hold = false;
    m_held.clear();
    m_requests.clear();
}

void tst_HttpListener::cleanup()
{
    m_listener.reset();
}

void tst_HttpListener::start(const HttpConnectionSettings &settings)
{
    m_listener = std::make_unique<HttpListener>();
    m_listener->setConnectionSettings(settings);
    connect(m_listener.get(), &HttpListener::requestReceived, this,
            [this](HttpConnection *connection, const HttpRequest &request) {
                m_requests.append(request);
                if (m_hold) {
                    m_held.append(connection);
                    return;
                }
                connection->respond(HttpResponse::text(
                        200, request.methodName() + ' ' + request.target + '\n' + request.body));
            });
    QVERIFY(m_listener->listen(QHostAddress::LocalHost, 0));
    QVERIFY(m_listener->serverPort() != 0);
}

void tst_HttpListener::keepAliveServesSeveralRequests()
{
    start();
    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());
    const quint16 clientPort = client.socket().localPort();

    for (const QByteArray target : {"/a", "/b?x=1", "/c"}) {
        client.send(getRequest(target));
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->body, QByteArray("GET " + target + '\n'));
        QCOMPARE(response->header("connection"), "keep-alive");
    }
    client.send(
            "POST /d HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
    const auto last = client.read();
    QVERIFY(last);
    QCOMPARE(last->body, "POST /d\nhello");
    QCOMPARE(last->header("connection"), "close");
    QVERIFY(client.waitDisconnected());

    QCOMPARE(m_listener->statistics().connectionsAccepted, quint64(1));
    QCOMPARE(m_listener->statistics().requestsReceived, quint64(4));
    QTRY_COMPARE(m_listener->connectionCount(), 0);
    QCOMPARE(m_requests.at(1).query.queryItemValue(u"x"_s), u"1"_s);
    QCOMPARE(m_requests.at(1).remoteAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(m_requests.at(1).remotePort, clientPort);
}

void tst_HttpListener::pipelinedRequestWaitsForResponse()
{
    start();
    m_hold = true;
    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());
    const QByteArray second = "POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok";
    client.send(getRequest("/first") + second);

    QTRY_COMPARE(m_held.size(), 1);
    HttpConnection *connection = m_held.at(0);
    QVERIFY(connection->isRequestPending());
    // The second request is in the server's socket buffer, byte for byte, but not delivered:
    // one request in flight per connection.
    QTRY_COMPARE(connection->bufferedBytes(), second.size());
    QCOMPARE(m_held.size(), 1);

    QVERIFY(connection->respond(HttpResponse::text(200, "one")));
    QVERIFY(!connection->respond(HttpResponse::text(200, "twice"))); // nothing pending now
    QTRY_COMPARE(m_held.size(), 2);
    QCOMPARE(m_held.at(1), connection);
    QCOMPARE(m_requests.at(1).body, "ok");
    QVERIFY(connection->respond(HttpResponse::text(201, "two")));

    const auto first = client.read();
    const auto next = client.read();
    QVERIFY(first && next);
    QCOMPARE(first->body, "one");
    QCOMPARE(next->status, 201);
    QCOMPARE(next->body, "two");
}

void tst_HttpListener::heldRequestAnsweredLater()
{
    // Every timeout far shorter than the hold: none of them may apply to a pending request.
    HttpConnectionSettings settings;
    settings.headTimeout = 100ms;
    settings.bodyTimeout = 100ms;
    settings.idleTimeout = 100ms;
    start(settings);
    m_hold = true;

    QNetworkAccessManager manager;
    QElapsedTimer elapsed;
    elapsed.start();
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/socket.io/?EIO=4&transport=polling"_s.arg(
            m_listener->serverPort())));
    std::unique_ptr<QNetworkReply> reply(manager.get(request));

    QTRY_COMPARE(m_held.size(), 1);
    QPointer<HttpConnection> connection = m_held.at(0);
    QTimer::singleShot(600ms, this, [connection] {
        if (connection)
            connection->respond(HttpResponse::text(200, "6"));
    });

    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(reply->readAll(), "6");
    QVERIFY(elapsed.elapsed() >= 550);
}

void tst_HttpListener::networkAccessManagerReusesConnection()
{
    start();
    QNetworkAccessManager manager;
    const QUrl base(u"http://127.0.0.1:%1/socket.io/"_s.arg(m_listener->serverPort()));
    for (int i = 0; i < 3; ++i) {
        QNetworkRequest request(base);
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"text/plain;charset=UTF-8"_s);
        std::unique_ptr<QNetworkReply> reply(
                manager.post(request, "4hello " + QByteArray::number(i)));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY(finished.wait(5000));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->readAll(), QByteArray("POST /socket.io/\n4hello " + QByteArray::number(i)));
    }
    QCOMPARE(m_listener->statistics().requestsReceived, quint64(3));
    QCOMPARE(m_listener->statistics().connectionsAccepted, quint64(1));
}

void tst_HttpListener::requestAbortedWhenClientLeaves_data()
{
    QTest::addColumn<bool>("reset");
    QTest::addRow("close (FIN)") << false;
    QTest::addRow("abort (RST)") << true;
}

void tst_HttpListener::requestAbortedWhenClientLeaves()
{
    QFETCH(bool, reset);
    start();
    m_hold = true;
    bool respondedToDeadConnection = true;
    connect(m_listener.get(), &HttpListener::requestAborted, this, [&](HttpConnection *connection) {
        // The owner may still hold the connection and answer: that must be harmless.
        respondedToDeadConnection = connection->respond(HttpResponse::text(200, "late"));
    });
    QSignalSpy aborted(m_listener.get(), &HttpListener::requestAborted);

    auto client = std::make_unique<RawClient>(m_listener->serverPort());
    QVERIFY(client->waitConnected());
    client->send(getRequest("/socket.io/?EIO=4&transport=polling&sid=s1"));
    QTRY_COMPARE(m_held.size(), 1);
    QPointer<HttpConnection> connection = m_held.at(0);

    if (reset) {
#ifdef Q_OS_UNIX
        // SO_LINGER with a zero timeout turns close() into a real RST.
        const linger noLinger{1, 0};
        QVERIFY(::setsockopt(int(client->socket().socketDescriptor()), SOL_SOCKET, SO_LINGER,
                             &noLinger, sizeof noLinger)
                == 0);
#endif
        client->socket().abort();
    } else {
        client->socket().disconnectFromHost();
    }
    QVERIFY(aborted.wait(5000));
    QCOMPARE(aborted.size(), 1);
    QCOMPARE(aborted.at(0).at(0).value<HttpConnection *>(), connection.data());
    QVERIFY(!respondedToDeadConnection);
    // The listener deletes the closed connection; owners holding a QPointer see it vanish.
    QTRY_VERIFY(connection.isNull());
    QCOMPARE(m_listener->connectionCount(), 0);
    QCOMPARE(m_listener->statistics().requestsAborted, quint64(1));
}

void tst_HttpListener::oversizedBodyRefusedBeforeUpload()
{
    HttpConnectionSettings settings;
    settings.lingerTimeout = 200ms;
    start(settings);
    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());

    // Announce 10 MiB, send only 64 KiB: a 413 can then only come from the announced length.
    client.send("POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n"
                "Content-Length: 10485760\r\n\r\n"
                + QByteArray(64 * 1024, 'x'));
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 413);
    QCOMPARE(response->header("connection"), "close");
    QVERIFY(response->body.contains("10485760"));
    QVERIFY(client.waitDisconnected());
    QVERIFY(m_requests.isEmpty());
}

void tst_HttpListener::oversizedUploadRefusedWhileSending()
{
    HttpConnectionSettings settings;
    settings.lingerTimeout = 500ms;
    start(settings);
    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());

    // Stream a real 10 MiB body in 64 KiB steps, each written only once the previous one left,
    // and stop at the first response byte, as a browser does.
    constexpr qint64 total = 10 * 1024 * 1024;
    const QByteArray chunk(64 * 1024, 'x');
    qint64 queued = 0;
    client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(total)
                + "\r\n\r\n");
    QObject::connect(&client.socket(), &QIODevice::bytesWritten, &client.socket(), [&] {
        if (client.socket().bytesAvailable() == 0 && client.socket().bytesToWrite() == 0
            && queued < total) {
            client.send(chunk);
            queued += chunk.size();
        }
    });
    const auto response = client.read(10s);
    QVERIFY(response);
    QCOMPARE(response->status, 413);
    QVERIFY2(queued < total, "413 should arrive before the whole body was sent");
    QVERIFY(client.waitDisconnected());
    QVERIFY(m_requests.isEmpty());
}

void tst_HttpListener::pipelinedBytesStayBounded()
{
    start();
    m_hold = true;
    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());
    client.send(getRequest("/poll"));
    QTRY_COMPARE(m_held.size(), 1);
    HttpConnection *connection = m_held.at(0);

    // While the request is held nothing is read: whatever the client pushes must stop at the
    // socket's bounded read buffer (64 KiB here) and wait in the kernel, not in our memory.
    client.send(QByteArray(1024 * 1024, 'p'));
    constexpr qint64 bound = 64 * 1024;
    QTRY_COMPARE(connection->bufferedBytes(), bound);
    QVERIFY(connection->isRequestPending());
}

void tst_HttpListener::expectContinue()
{
    start();
    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());
    client.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    const auto interim = client.read();
    QVERIFY(interim);
    QCOMPARE(interim->status, 100);
    client.send("hello");
    const auto final = client.read();
    QVERIFY(final);
    QCOMPARE(final->status, 200);
    QCOMPARE(final->body, "POST /e\nhello");
}

void tst_HttpListener::errorsCloseTheConnection_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");

    QTest::addRow("garbage") << QByteArray("\x16\x03\x01garbage\r\n\r\n") << 400;
    QTest::addRow("head over the limit") << QByteArray(
            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(17 * 1024, 'b') + "\r\n\r\n")
                                         << 431;
    QTest::addRow("unsupported method")
            << QByteArray("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n") << 501;
    QTest::addRow("HTTP/2 request line") << QByteArray("GET / HTTP/2.0\r\nHost: x\r\n\r\n") << 505;
    QTest::addRow("unknown expectation") << QByteArray(
            "POST / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 1\r\n\r\nx")
                                         << 417;
    QTest::addRow("chunked body over the limit")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "F4241\r\n")
            << 413;
}

void tst_HttpListener::errorsCloseTheConnection()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    HttpConnectionSettings settings;
    settings.lingerTimeout = 100ms;
    start(settings);
    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());
    client.send(request);
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, status);
    QCOMPARE(response->header("connection"), "close");
    QCOMPARE(response->header("content-type"), "text/plain; charset=utf-8");
    QVERIFY(response->body.startsWith(QByteArray(QByteArray::number(status) + ' ')));
    QVERIFY(client.waitDisconnected());
    QVERIFY(m_requests.isEmpty());
}

void tst_HttpListener::webSocketUpgradeHandedOver()
{
    start();
    QWebSocketServer webSockets(u"confab-test"_s, QWebSocketServer::NonSecureMode);
    HttpRequest upgradeHead;
    connect(m_listener.get(), &HttpListener::webSocketUpgradeRequested, this,
            [&](QTcpSocket *socket, const HttpRequest &head) {
                upgradeHead = head;
                QVERIFY(!socket->parent());
                socket->setParent(&webSockets); // nobody leaks it if the handshake never ends
                webSockets.handleConnection(socket);
            });
    connect(&webSockets, &QWebSocketServer::newConnection, this, [&] {
        while (QWebSocket *peer = webSockets.nextPendingConnection()) {
            peer->setParent(&webSockets);
            connect(peer, &QWebSocket::textMessageReceived, peer, [peer](const QString &message) {
                peer->sendTextMessage(u"echo:"_s + message);
            });
        }
    });

    QWebSocket client;
    QSignalSpy connected(&client, &QWebSocket::connected);
    QSignalSpy received(&client, &QWebSocket::textMessageReceived);
    client.open(QUrl(u"ws://127.0.0.1:%1/socket.io/?EIO=4&transport=websocket&sid=abc"_s.arg(
            m_listener->serverPort())));
    QVERIFY(connected.wait(5000));
    client.sendTextMessage(u"hello"_s);
    QVERIFY(received.wait(5000));
    QCOMPARE(received.at(0).at(0).toString(), u"echo:hello"_s);

    QCOMPARE(upgradeHead.path, u"/socket.io/"_s);
    QCOMPARE(upgradeHead.query.queryItemValue(u"sid"_s), u"abc"_s);
    QCOMPARE(m_listener->statistics().webSocketUpgrades, quint64(1));
    // The connection is done once the socket is handed over; the WebSocket lives on.
    QTRY_COMPARE(m_listener->connectionCount(), 0);
    client.sendTextMessage(u"still there"_s);
    QVERIFY(received.wait(5000));
    QCOMPARE(received.at(1).at(0).toString(), u"echo:still there"_s);
    QVERIFY(m_requests.isEmpty());
}

void tst_HttpListener::webSocketUpgradeAfterKeepAlive_data()
{
    QTest::addColumn<bool>("pipelined");
    QTest::addRow("after the first response") << false;
    QTest::addRow("pipelined behind the first request") << true;
}

void tst_HttpListener::webSocketUpgradeAfterKeepAlive()
{
    QFETCH(bool, pipelined);
    start();
    QWebSocketServer webSockets(u"confab-test"_s, QWebSocketServer::NonSecureMode);
    connect(m_listener.get(), &HttpListener::webSocketUpgradeRequested, this,
            [&](QTcpSocket *socket, const HttpRequest &) {
                socket->setParent(&webSockets);
                webSockets.handleConnection(socket);
            });
    connect(&webSockets, &QWebSocketServer::newConnection, this, [&] {
        while (QWebSocket *peer = webSockets.nextPendingConnection()) {
            peer->setParent(&webSockets);
            connect(peer, &QWebSocket::textMessageReceived, peer,
                    [peer](const QString &message) { peer->sendTextMessage(message); });
        }
    });

    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());
    const QByteArray upgrade = upgradeRequest("/socket.io/?EIO=4&transport=websocket&sid=s2");
    if (pipelined) {
        client.send(getRequest("/socket.io/?EIO=4&transport=polling&sid=s2") + upgrade);
    } else {
        client.send(getRequest("/socket.io/?EIO=4&transport=polling&sid=s2"));
    }
    const auto polling = client.read();
    QVERIFY(polling);
    QCOMPARE(polling->status, 200);
    QCOMPARE(polling->header("connection"), "keep-alive");
    if (!pipelined)
        client.send(upgrade);

    const auto switching = client.read();
    QVERIFY(switching);
    QCOMPARE(switching->status, 101);
    // RFC 6455 §4.2.2: SHA-1 of key + GUID, base64.
    const QByteArray accept
            = QCryptographicHash::hash(
                      QByteArray(WebSocketKey + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                      QCryptographicHash::Sha1)
                      .toBase64();
    QCOMPARE(switching->header("sec-websocket-accept"), accept);

    client.send(maskedTextFrame("2probe"));
    QVERIFY(client.waitForBuffered(8));
    // Unmasked server frame: FIN|text, length 6, payload.
    QCOMPARE(client.buffer().left(8),
             QByteArray("\x81\x06"
                        "2probe"));
    QCOMPARE(m_listener->statistics().requestsReceived, quint64(1));
    QCOMPARE(m_listener->statistics().webSocketUpgrades, quint64(1));
}

void tst_HttpListener::webSocketUpgradeWithoutReceiver()
{
    HttpConnectionSettings settings;
    settings.lingerTimeout = 100ms;
    start(settings);
    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());
    client.send(upgradeRequest("/socket.io/?EIO=4&transport=websocket"));
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 501);
    QVERIFY(client.waitDisconnected());
}

void tst_HttpListener::webSocketUpgradeRefusedByOwner()
{
    start();
    connect(m_listener.get(), &HttpListener::webSocketUpgradeRequested, this,
            [](QTcpSocket *socket, const HttpRequest &) {
                HttpConnection::respondAndClose(
                        socket,
                        HttpResponse::json(400, R"({"code":1,"message":"Session ID unknown"})"));
            });
    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());
    client.send(upgradeRequest("/socket.io/?EIO=4&transport=websocket&sid=nope"));
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 400);
    QCOMPARE(response->body, R"({"code":1,"message":"Session ID unknown"})");
    QVERIFY(client.waitDisconnected());
}

void tst_HttpListener::slowlorisClosedAfterHeadTimeout()
{
    HttpConnectionSettings settings;
    settings.headTimeout = 400ms;
    settings.lingerTimeout = 100ms;
    start(settings);
    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());
    QElapsedTimer elapsed;
    elapsed.start();

    // One header line every 50 ms: each byte is progress, but the head never completes.
    client.send("GET / HTTP/1.1\r\nHost: x\r\n");
    QTimer drip;
    int lines = 0;
    connect(&drip, &QTimer::timeout, &client.socket(), [&] {
        if (client.socket().state() == QAbstractSocket::ConnectedState)
            client.send("X-Drip-" + QByteArray::number(++lines) + ": 1\r\n");
    });
    drip.start(50ms);

    const auto response = client.read(5s);
    QVERIFY(response);
    QCOMPARE(response->status, 408);
    QVERIFY(client.waitDisconnected());
    drip.stop();
    // Measured from the first byte, not restarted by the drip.
    QVERIFY2(elapsed.elapsed() >= 350, QByteArray::number(elapsed.elapsed()).constData());
    QVERIFY2(elapsed.elapsed() < 3000, QByteArray::number(elapsed.elapsed()).constData());
    QVERIFY(lines >= 3);
    QVERIFY(m_requests.isEmpty());
}

void tst_HttpListener::silentConnectionClosed()
{
    HttpConnectionSettings settings;
    settings.headTimeout = 200ms;
    start(settings);
    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());
    QVERIFY(client.waitDisconnected());
    // Nothing was asked, so nothing is answered.
    QVERIFY(client.buffer().isEmpty());
    QTRY_COMPARE(m_listener->connectionCount(), 0);
}

void tst_HttpListener::idleKeepAliveConnectionClosed()
{
    HttpConnectionSettings settings;
    settings.idleTimeout = 200ms;
    start(settings);
    RawClient client(m_listener->serverPort());
    QVERIFY(client.waitConnected());
    client.send(getRequest("/once"));
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->header("connection"), "keep-alive");
    QElapsedTimer elapsed;
    elapsed.start();
    QVERIFY(client.waitDisconnected());
    QVERIFY(elapsed.elapsed() >= 150);
    QVERIFY(client.buffer().isEmpty());
}

void tst_HttpListener::connectionCap()
{
    start();
    m_listener->setMaxConnections(1);
    m_hold = true;

    auto first = std::make_unique<RawClient>(m_listener->serverPort());
    QVERIFY(first->waitConnected());
    first->send(getRequest("/held"));
    QTRY_COMPARE(m_held.size(), 1);

    RawClient second(m_listener->serverPort());
    QVERIFY(second.waitConnected());
    const auto refused = second.read();
    QVERIFY(refused);
    QCOMPARE(refused->status, 503);
    QCOMPARE(refused->header("retry-after"), "1");
    QVERIFY(second.waitDisconnected());
    QCOMPARE(m_listener->statistics().connectionsRejected, quint64(1));

    first.reset(); // closes: room for a new connection
    QTRY_COMPARE(m_listener->connectionCount(), 0);
    m_hold = false;
    RawClient third(m_listener->serverPort());
    QVERIFY(third.waitConnected());
    third.send(getRequest("/third"));
    const auto served = third.read();
    QVERIFY(served);
    QCOMPARE(served->status, 200);
}

QTEST_MAIN(tst_HttpListener)
#include "tst_httplistener.moc"
