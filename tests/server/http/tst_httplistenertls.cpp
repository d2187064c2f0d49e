// SPDX-License-Identifier: MIT
// TLS on HttpListener's one port: the first byte picks TLS or plain HTTP; both serve requests
// and WebSocket upgrades (native engine over the QSslSocket, and QWebSocketServer's); broken,
// truncated and unfinished handshakes are cut, count toward the connection cap meanwhile, and
// never keep other clients waiting.
#include "hostcertificate.h"
#include "http/httplistener.h"
#include "http/websocketconnection.h"

#include <QtCore/QElapsedTimer>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWebSockets/QWebSocket>
#include <QtWebSockets/QWebSocketServer>

#include <memory>
#include <vector>

#ifdef Q_OS_UNIX
#    include <sys/socket.h>
#endif

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Confab::Http;

namespace {

//! The start of a real TLS 1.2+ ClientHello record: handshake (0x16), version 3.1, a length.
const QByteArray HelloStart = QByteArray::fromHex("16030102000100");

const Confab::HostCertificate &certificate()
{
    static const Confab::HostCertificate made
            = Confab::HostCertificate::generate({u"localhost"_s}, {u"127.0.0.1"_s});
    return made;
}

QSslConfiguration serverConfiguration()
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificate(certificate().certificate);
    configuration.setPrivateKey(certificate().key);
    return configuration;
}

//! Client side: only the host's certificate is trusted (a pin, as joiners do).
QSslConfiguration pinnedClientConfiguration()
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setCaCertificates({certificate().certificate});
    return configuration;
}

QUrl urlOf(const HttpListener &listener, bool secure, const QString &path = u"/x"_s)
{
    QUrl url;
    url.setScheme(secure ? u"https"_s : u"http"_s);
    url.setHost(u"localhost"_s);
    url.setPort(listener.serverPort());
    url.setPath(path);
    return url;
}

} // namespace

class TestHttpListenerTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void tlsAndPlainOnOnePort_data();
    void tlsAndPlainOnOnePort();
    void webSocketOverTls_data();
    void webSocketOverTls();
    void brokenHandshakeClosed_data();
    void brokenHandshakeClosed();
    void unfinishedHandshakeTimesOut();
    void halfOpenConnectionsCountTowardTheCap();
    void manyHalfOpenDoNotStallTheHost();
    void requiredRefusesPlain();

private:
    QByteArray get(bool secure, const QString &path = u"/x"_s, int *status = nullptr);

    std::unique_ptr<HttpListener> m_listener;
    QNetworkAccessManager m_manager;
};

void TestHttpListenerTls::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QFAIL("Qt has no TLS backend here: TLS on the host's port cannot work");
    QVERIFY(!certificate().isNull());
}

void TestHttpListenerTls::init()
{
    m_listener = std::make_unique<HttpListener>();
    m_listener->setTls(HttpListener::TlsMode::On, serverConfiguration());
    QVERIFY(m_listener->listen(QHostAddress::LocalHost));
    // Every request says how it came: over TLS or not.
    connect(m_listener.get(), &HttpListener::requestReceived, m_listener.get(),
            [](HttpConnection *connection, const HttpRequest &request) {
                connection->respond(HttpResponse::text(200, request.secure ? "secure" : "plain"));
            });
    m_manager.clearConnectionCache();
}

void TestHttpListenerTls::cleanup()
{
    m_listener.reset();
    m_manager.clearConnectionCache();
}

QByteArray TestHttpListenerTls::get(bool secure, const QString &path, int *status)
{
    QNetworkRequest request(urlOf(*m_listener, secure, path));
    request.setSslConfiguration(pinnedClientConfiguration());
    request.setTransferTimeout(5000);
    std::unique_ptr<QNetworkReply> reply(m_manager.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(5000))
        return "no answer";
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError && !status)
        return "error: " + reply->errorString().toUtf8();
    return reply->readAll();
}

void TestHttpListenerTls::tlsAndPlainOnOnePort_data()
{
    QTest::addColumn<bool>("secure");
    QTest::newRow("plain") << false;
    QTest::newRow("tls") << true;
}

void TestHttpListenerTls::tlsAndPlainOnOnePort()
{
    QFETCH(bool, secure);
    QCOMPARE(get(secure), secure ? "secure"_ba : "plain"_ba);
    QCOMPARE(m_listener->statistics().tlsConnections, secure ? 1u : 0u);
    // Keep-alive works over both.
    QCOMPARE(get(secure), secure ? "secure"_ba : "plain"_ba);
    QCOMPARE(m_listener->statistics().tlsHandshakesFailed, 0u);
}

void TestHttpListenerTls::webSocketOverTls_data()
{
    QTest::addColumn<bool>("native");
    QTest::newRow("native engine on the QSslSocket") << true;
    QTest::newRow("QWebSocketServer") << false;
}

void TestHttpListenerTls::webSocketOverTls()
{
    QFETCH(bool, native);
    QWebSocketServer qtServer(u"test"_s, QWebSocketServer::NonSecureMode);
    connect(&qtServer, &QWebSocketServer::newConnection, &qtServer, [&qtServer] {
        QWebSocket *ws = qtServer.nextPendingConnection();
        connect(ws, &QWebSocket::textMessageReceived, ws,
                [ws](const QString &text) { ws->sendTextMessage(u"<"_s + text); });
    });
    bool secureHead = false;
    connect(m_listener.get(), &HttpListener::webSocketUpgradeRequested, this,
            [&](QTcpSocket *socket, const HttpRequest &head) {
                secureHead = head.secure;
                if (!native) {
                    qtServer.handleConnection(socket);
                    return;
                }
                auto *ws = WebSocketConnection::accept(socket, head, 1 << 20, this);
                QVERIFY(ws);
                connect(ws, &WebSocketConnection::textMessageReceived, ws,
                        [ws](const QByteArray &text) { ws->queueMessage(false, "<", text); });
            });

    QWebSocket client;
    client.setSslConfiguration(pinnedClientConfiguration());
    QSignalSpy received(&client, &QWebSocket::textMessageReceived);
    QSignalSpy connected(&client, &QWebSocket::connected);
    QUrl url = urlOf(*m_listener, true);
    url.setScheme(u"wss"_s);
    client.open(url);
    QVERIFY(connected.wait(5000));
    QVERIFY(secureHead);
    // A message larger than a TLS record, so it crosses several.
    const QString big(40000, u'x');
    client.sendTextMessage(u"hello"_s);
    client.sendTextMessage(big);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 5000);
    QCOMPARE(received.at(0).at(0).toString(), u"<hello"_s);
    QCOMPARE(received.at(1).at(0).toString(), u"<"_s + big);
    client.close();
    if (native)
        QTRY_COMPARE(m_listener->connectionCount(), 0);
}

void TestHttpListenerTls::brokenHandshakeClosed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("halfClose");
    QTest::newRow("garbage after 0x16")
            << QByteArray("\x16garbage garbage garbage\r\n\r\n") << false;
    QTest::newRow("a record of the wrong version")
            << QByteArray::fromHex("16ff0000050102030405") << false;
    QTest::newRow("truncated ClientHello, then EOF") << HelloStart << true;
    QTest::newRow("0x16 alone, then EOF") << QByteArray("\x16") << true;
}

void TestHttpListenerTls::brokenHandshakeClosed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, halfClose);
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
    QVERIFY(raw.waitForConnected(5000));
    raw.write(bytes);
    QVERIFY(raw.waitForBytesWritten(5000));
#ifdef Q_OS_UNIX
    if (halfClose)
        ::shutdown(int(raw.socketDescriptor()), SHUT_WR);
#endif
    QElapsedTimer timer;
    timer.start();
    QTRY_COMPARE_WITH_TIMEOUT(raw.state(), QAbstractSocket::UnconnectedState, 5000);
    // Closed for what it sent, not by a timeout (the handshake timeout is 10 s here).
    QVERIFY2(timer.elapsed() < 3000, QByteArray::number(timer.elapsed()).constData());
    QCOMPARE(m_listener->statistics().tlsConnections, 1u);
    QCOMPARE(m_listener->statistics().tlsHandshakesFailed, 1u);
    QTRY_COMPARE(m_listener->connectionCount(), 0);
    QCOMPARE(get(true), "secure"_ba);
}

void TestHttpListenerTls::unfinishedHandshakeTimesOut()
{
    m_listener->setTlsHandshakeTimeout(300ms);
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
    QVERIFY(raw.waitForConnected(5000));
    raw.write(HelloStart);
    QTRY_COMPARE(m_listener->statistics().tlsConnections, 1u);
    QCOMPARE(m_listener->connectionCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(raw.state(), QAbstractSocket::UnconnectedState, 5000);
    QCOMPARE(m_listener->statistics().tlsHandshakesFailed, 1u);
    QTRY_COMPARE(m_listener->connectionCount(), 0);
}

void TestHttpListenerTls::halfOpenConnectionsCountTowardTheCap()
{
    m_listener->setMaxConnections(4);
    std::vector<std::unique_ptr<QTcpSocket>> halfOpen;
    for (int i = 0; i < 4; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
        QVERIFY(socket->waitForConnected(5000));
        // Half of them stuck in the handshake, half before their first byte.
        if (i % 2 == 0)
            socket->write(HelloStart);
        halfOpen.push_back(std::move(socket));
    }
    QTRY_COMPARE(m_listener->connectionCount(), 4);
    int status = 0;
    get(false, u"/x"_s, &status);
    QCOMPARE(status, 503);
    QCOMPARE(m_listener->statistics().connectionsRejected, 1u);
    halfOpen.clear();
    QTRY_COMPARE(m_listener->connectionCount(), 0);
    QCOMPARE(get(false), "plain"_ba);
}

void TestHttpListenerTls::manyHalfOpenDoNotStallTheHost()
{
    constexpr int Count = 500;
    m_listener->setTlsHandshakeTimeout(2s);
    std::vector<std::unique_ptr<QTcpSocket>> halfOpen;
    for (int i = 0; i < Count; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
        halfOpen.push_back(std::move(socket));
    }
    for (auto &socket : halfOpen) {
        QVERIFY(socket->waitForConnected(5000));
        socket->write(HelloStart);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_listener->statistics().tlsConnections, quint64(Count), 10000);
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(get(false), "plain"_ba);
    QCOMPARE(get(true), "secure"_ba);
    QVERIFY2(timer.elapsed() < 1500, QByteArray::number(timer.elapsed()).constData());
    // Then every one of them is cut at the handshake timeout.
    QTRY_COMPARE_WITH_TIMEOUT(m_listener->statistics().tlsHandshakesFailed, quint64(Count), 10000);
    m_manager.clearConnectionCache(); // the two keep-alive connections of get()
    QTRY_COMPARE(m_listener->connectionCount(), 0);
}

void TestHttpListenerTls::requiredRefusesPlain()
{
    m_listener->setTls(HttpListener::TlsMode::Required, serverConfiguration());
    int status = 0;
    QCOMPARE(get(false, u"/socket.io/"_s, &status), "{\"code\":4,\"message\":\"tls required\"}"_ba);
    QCOMPARE(status, 403);
    QCOMPARE(get(true), "secure"_ba);
}

QTEST_MAIN(TestHttpListenerTls)
#include "tst_httplistenertls.moc"
