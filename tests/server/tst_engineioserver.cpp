// SPDX-License-Identifier: MIT
// The Engine.IO layer of the host, over real loopback HTTP and WebSocket connections.
#include "engineioserver.h"
#include "http/websocketcodec.h"
#include "servertestutil.h"

#include <QtCore/QJsonArray>
#include <QtNetwork/QHostInfo>
#include <QtNetwork/QTcpSocket>

#include <sys/resource.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Confab;
using namespace Confab::Http;
using namespace TestUtil;

using CloseReason = EngineIoSession::CloseReason;
Q_DECLARE_METATYPE(Confab::EngineIoSession::CloseReason)

class tst_EngineIoServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addWebSocketEngineRows(); }
    void init();
    void cleanup();

    void handshakePolling();
    void handshakeWebSocket();
    void serverFrameHeader_data();
    void serverFrameHeader();
    void serverFrames_data();
    void serverFrames();
    void badRequests_data();
    void badRequests();
    void otherPathIs404();
    void pollingEcho();
    void pollingBinary();
    void pollingBatchesAtMost16();
    void pingTimeoutPolling();
    void overduePongEndsSessionOnRequest();
    void pingPongWebSocket();
    void pingTimeoutWebSocket();
    void upgrade();
    void upgradeTimeout();
    void duplicatePoll();
    void invalidPostClosesSession();
    void clientCloseReleasesPoll();
    void oversizedPost();
    void oversizedWebSocketMessage();
    void invalidWebSocketFrame();
    void abortedPollClosesSession();
    void cors_data();
    void cors();
    void eio3Handshake();
    void transportsAllowList();
    void upgradesDisabled();
    void manyConnectionsDropped();
    void halfOpenConnectionsAreClosed();
    void pollingSendQueueIsBounded_data();
    void pollingSendQueueIsBounded();
    void totalSendBudget();
    void peerKeys_data();
    void peerKeys();
    void sessionCaps_data();
    void sessionCaps();
    void webSocketsCountAsConnections();
    void hostHeader_data();
    void hostHeader();

private:
    void start(EngineIoOptions options = {});
    QString openPollingSession();
    //! Sends \a request on a new raw connection; returns the response head (status line
    //! and headers) and body, up to when the server closes or \a untilHeadEnd is reached.
    QByteArray rawRequest(const QByteArray &request, bool untilHeadEnd = false);
    std::unique_ptr<EngineIoServer> m_server;
    HttpClient m_http;
    QList<QPair<EngineIoSession *, CloseReason>> m_closed;
    QStringList m_closeDetails;
    //! When set, a message is answered with one of this many bytes instead of its echo.
    int m_replySize = 0;
};

void tst_EngineIoServer::start(EngineIoOptions options)
{
    options.webSocketEngine = currentWebSocketEngine();
    m_server = std::make_unique<EngineIoServer>(options);
    // Echo every message back, like the compliance suites' reference server.
    connect(m_server.get(), &EngineIoServer::sessionOpened, this, [this](EngineIoSession *s) {
        connect(s, &EngineIoSession::messageReceived, s, [this, s](const EngineIo::Packet &packet) {
            s->send(m_replySize > 0 ? EngineIo::Packet::message(QByteArray(m_replySize, 'r'))
                                    : packet);
        });
        connect(s, &EngineIoSession::closed, this,
                [this, s](CloseReason reason, const QString &detail) {
                    m_closed.append({s, reason});
                    m_closeDetails.append(detail);
                });
    });
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
}

void tst_EngineIoServer::init()
{
    m_closed.clear();
    m_closeDetails.clear();
    m_replySize = 0;
    EngineIoOptions options;
    options.pingInterval = 300ms;
    options.pingTimeout = 200ms;
    start(options);
}

void tst_EngineIoServer::cleanup()
{
    m_server.reset();
}

QString tst_EngineIoServer::openPollingSession()
{
    const HttpResult r = m_http.get(url(m_server->serverPort(), u"EIO=4&transport=polling"_s));
    if (r.status != 200 || !r.body.startsWith('0'))
        return {};
    return openSid(r.body);
}

void tst_EngineIoServer::handshakePolling()
{
    const HttpResult r = m_http.get(url(m_server->serverPort(), u"EIO=4&transport=polling&t=x"_s));
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("content-type").startsWith("text/plain"));
    QVERIFY(r.body.startsWith('0'));
    const QJsonObject open = QJsonDocument::fromJson(r.body.mid(1)).object();
    // Exactly these keys, as the compliance suite requires.
    QCOMPARE(open.keys(),
             (QStringList{u"maxPayload"_s, u"pingInterval"_s, u"pingTimeout"_s, u"sid"_s,
                          u"upgrades"_s}));
    QVERIFY(!open.value(u"sid"_s).toString().isEmpty());
    QCOMPARE(open.value(u"upgrades"_s).toArray(), QJsonArray{u"websocket"_s});
    QCOMPARE(open.value(u"pingInterval"_s).toInt(), 300);
    QCOMPARE(open.value(u"pingTimeout"_s).toInt(), 200);
    QCOMPARE(open.value(u"maxPayload"_s).toInt(), 1000000);
    QCOMPARE(m_server->sessionCount(), 1);
    QVERIFY(m_server->session(open.value(u"sid"_s).toString()));
}

void tst_EngineIoServer::handshakeWebSocket()
{
    RawSocket ws;
    QVERIFY(ws.open(url(m_server->serverPort(), u"EIO=4&transport=websocket"_s, u"/socket.io/"_s,
                        u"ws"_s)));
    const QByteArray open = ws.nextText();
    QVERIFY(open.startsWith('0'));
    const QJsonObject json = QJsonDocument::fromJson(open.mid(1)).object();
    QCOMPARE(json.value(u"upgrades"_s).toArray(), QJsonArray{});
    QCOMPARE(m_server->session(openSid(open))->transport(), EngineIoSession::Transport::WebSocket);
}

void tst_EngineIoServer::serverFrameHeader_data()
{
    QTest::addColumn<bool>("binary");
    QTest::addColumn<quint64>("length");
    QTest::addColumn<QByteArray>("header");

    // RFC 6455 §5.2: FIN + opcode, then a 7-bit length, or 126 + 16 bits, or 127 + 64 bits.
    QTest::addRow("empty text") << false << quint64(0) << "\x81\x00"_ba;
    QTest::addRow("empty binary") << true << quint64(0) << "\x82\x00"_ba;
    QTest::addRow("125, last 7-bit") << false << quint64(125) << "\x81\x7d"_ba;
    QTest::addRow("126, first 16-bit") << false << quint64(126) << "\x81\x7e\x00\x7e"_ba;
    QTest::addRow("65535, last 16-bit") << true << quint64(65535) << "\x82\x7e\xff\xff"_ba;
    QTest::addRow("65536, first 64-bit")
            << false << quint64(65536)
            << QByteArray("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10);
    QTest::addRow("5 GB") << true << quint64(5'000'000'000)
                          << QByteArray("\x82\x7f\x00\x00\x00\x01\x2a\x05\xf2\x00", 10);
}

void tst_EngineIoServer::serverFrameHeader()
{
    QFETCH(bool, binary);
    QFETCH(quint64, length);
    QFETCH(QByteArray, header);
    char out[WebSocket::MaxServerHeader];
    const int size = WebSocket::serverFrameHeader(out, binary, length);
    QCOMPARE(QByteArray(out, size), header);
}

void tst_EngineIoServer::serverFrames_data()
{
    QTest::addColumn<bool>("binary");
    QTest::addColumn<int>("frameSize"); // the WebSocket payload: Engine.IO type byte + data

    QTest::addRow("text, type byte only") << false << 1;
    QTest::addRow("text 125") << false << 125;
    QTest::addRow("text 126") << false << 126;
    QTest::addRow("text 65535") << false << 65535;
    QTest::addRow("text 65536 (64-bit length)") << false << 65536;
    QTest::addRow("text 300000") << false << 300000;
    QTest::addRow("binary empty") << true << 0;
    QTest::addRow("binary 126") << true << 126;
    QTest::addRow("binary 70000 (64-bit length)") << true << 70000;
}

void tst_EngineIoServer::serverFrames()
{
    // The session writes its frames to the TCP socket itself (not through QWebSocket): a real
    // QWebSocket client must get every size intact, and the connection must stay usable and
    // close cleanly afterwards.
    QFETCH(bool, binary);
    QFETCH(int, frameSize);
    EngineIoOptions options = m_server->options();
    options.pingInterval = 5000ms;
    options.pingTimeout = 5000ms;
    start(options);
    RawSocket ws;
    QVERIFY(ws.open(url(m_server->serverPort(), u"EIO=4&transport=websocket"_s, u"/socket.io/"_s,
                        u"ws"_s)));
    const QByteArray open = ws.nextText();
    QVERIFY(open.startsWith('0'));
    EngineIoSession *session = m_server->session(openSid(open));
    QVERIFY(session);

    QByteArray data;
    if (binary) {
        data.resize(frameSize);
        for (int i = 0; i < frameSize; ++i)
            data[i] = char(i * 7);
    } else {
        // Multi-byte UTF-8 too, padded with ASCII to the exact size.
        const QByteArray euro = "\xe2\x82\xac"_ba;
        while (data.size() + euro.size() <= frameSize - 1)
            data += euro;
        data += QByteArray(frameSize - 1 - data.size(), 'a');
    }
    session->send(binary ? EngineIo::Packet::binaryMessage(data) : EngineIo::Packet::message(data));
    session->send(EngineIo::Packet::message("after"));
    const auto first = ws.next(10000);
    QCOMPARE(first.second, binary);
    QCOMPARE(first.first.size(), binary ? qsizetype(frameSize) : qsizetype(frameSize));
    QCOMPARE(first.first, binary ? data : "4" + data);
    QCOMPARE(ws.nextText(), "4after"_ba);

    ws.sendText("4echo");
    QCOMPARE(ws.nextText(), "4echo"_ba);
    session->close();
    QVERIFY(ws.waitClosed());
    QCOMPARE(ws.socket.closeCode(), QWebSocketProtocol::CloseCodeNormal);
}

void tst_EngineIoServer::badRequests_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");

    QTest::addRow("no EIO") << "GET"_ba << u"transport=polling"_s << 400 << 5;
    QTest::addRow("EIO=abc") << "GET"_ba << u"EIO=abc&transport=polling"_s << 400 << 5;
    QTest::addRow("EIO=3 not allowed") << "GET"_ba << u"EIO=3&transport=polling"_s << 400 << 5;
    QTest::addRow("no transport") << "GET"_ba << u"EIO=4"_s << 400 << 0;
    QTest::addRow("transport=abc") << "GET"_ba << u"EIO=4&transport=abc"_s << 400 << 0;
    QTest::addRow("websocket without upgrade")
            << "GET"_ba << u"EIO=4&transport=websocket"_s << 400 << 3;
    QTest::addRow("POST handshake") << "POST"_ba << u"EIO=4&transport=polling"_s << 400 << 2;
    QTest::addRow("PUT handshake") << "PUT"_ba << u"EIO=4&transport=polling"_s << 400 << 2;
    QTest::addRow("unknown sid GET")
            << "GET"_ba << u"EIO=4&transport=polling&sid=nope"_s << 400 << 1;
    QTest::addRow("unknown sid POST")
            << "POST"_ba << u"EIO=4&transport=polling&sid=nope"_s << 400 << 1;
}

void tst_EngineIoServer::badRequests()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, query);
    QFETCH(int, status);
    QFETCH(int, code);
    const HttpResult r
            = HttpClient::finish(m_http.start(method, url(m_server->serverPort(), query), "4x"));
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("content-type"), "application/json"_ba);
    QCOMPARE(r.json().value(u"code"_s).toInt(), code);
    QVERIFY(!r.json().value(u"message"_s).toString().isEmpty());
    QCOMPARE(m_server->sessionCount(), 0);
}

void tst_EngineIoServer::otherPathIs404()
{
    QCOMPARE(m_http.get(url(m_server->serverPort(), u"EIO=4&transport=polling"_s, u"/other"_s))
                     .status,
             404);
    // The path also matches without its trailing slash.
    QCOMPARE(m_http.get(url(m_server->serverPort(), u"EIO=4&transport=polling"_s, u"/socket.io"_s))
                     .status,
             200);
}

void tst_EngineIoServer::pollingEcho()
{
    const QString sid = openPollingSession();
    QVERIFY(!sid.isEmpty());
    const QUrl session = url(m_server->serverPort(), u"EIO=4&transport=polling&sid="_s + sid);
    const HttpResult post = m_http.post(session,
                                        "4hello\x1e"
                                        "4wor\xe2\x82\xac"
                                        "ld");
    QCOMPARE(post.status, 200);
    QCOMPARE(post.body, "ok"_ba);
    const HttpResult get = m_http.get(session);
    QCOMPARE(get.status, 200);
    QCOMPARE(get.body,
             "4hello\x1e"
             "4wor\xe2\x82\xac"
             "ld"_ba);
}

void tst_EngineIoServer::pollingBinary()
{
    const QString sid = openPollingSession();
    const QUrl session = url(m_server->serverPort(), u"EIO=4&transport=polling&sid="_s + sid);
    QCOMPARE(m_http.post(session,
                         "4hello\x1e"
                         "bAQIDBA==")
                     .body,
             "ok"_ba);
    QCOMPARE(m_http.get(session).body,
             "4hello\x1e"
             "bAQIDBA=="_ba);
}

void tst_EngineIoServer::pollingBatchesAtMost16()
{
    // python-engineio clients refuse payloads of more than 16 packets.
    const QString sid = openPollingSession();
    EngineIoSession *session = m_server->session(sid);
    QList<EngineIo::Packet> packets;
    for (int i = 0; i < 40; ++i)
        packets.append(EngineIo::Packet::message(QByteArray::number(i)));
    session->send(packets);
    const QUrl poll = url(m_server->serverPort(), u"EIO=4&transport=polling&sid="_s + sid);
    QList<QByteArray> received;
    while (received.size() < 40) {
        const HttpResult r = m_http.get(poll);
        QCOMPARE(r.status, 200);
        const QList<QByteArray> batch = r.body.split('\x1e');
        QVERIFY(batch.size() <= 16);
        received.append(batch);
    }
    QCOMPARE(received.first(), "40"_ba);
    QCOMPARE(received.last(), "439"_ba); // in order, none lost
}

void tst_EngineIoServer::pingTimeoutPolling()
{
    const QString sid = openPollingSession();
    QVERIFY(!sid.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_closed.size(), 1, 3000);
    QCOMPARE(m_closed.first().second, CloseReason::PingTimeout);
    const HttpResult r
            = m_http.get(url(m_server->serverPort(), u"EIO=4&transport=polling&sid="_s + sid));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json().value(u"code"_s).toInt(), 1);
}

void tst_EngineIoServer::overduePongEndsSessionOnRequest()
{
    // A coarse wheel: the ping (due at 300 ms) goes out at the first tick, 1 s, and the pong
    // deadline (500 ms) would fire at a later tick. A request after the deadline must find the
    // session as dead as a precise timer would have left it; the official compliance suites
    // poll exactly pingInterval + pingTimeout after the handshake.
    m_server->timerWheel()->setTick(1000ms);
    const QString sid = openPollingSession();
    QVERIFY(!sid.isEmpty());
    const QUrl poll = url(m_server->serverPort(), u"EIO=4&transport=polling&sid="_s + sid);
    const HttpResult ping = m_http.get(poll);
    QCOMPARE(ping.status, 200);
    QCOMPARE(ping.body, "2"_ba); // never answered
    const HttpResult late = m_http.get(poll);
    QCOMPARE(late.status, 400);
    QCOMPARE(late.json().value(u"code"_s).toInt(), 1);
    QCOMPARE(m_closed.size(), 1);
    QCOMPARE(m_closed.first().second, CloseReason::PingTimeout);
}

void tst_EngineIoServer::pingPongWebSocket()
{
    RawSocket ws(false);
    QVERIFY(ws.open(url(m_server->serverPort(), u"EIO=4&transport=websocket"_s, u"/socket.io/"_s,
                        u"ws"_s)));
    QVERIFY(ws.nextText().startsWith('0'));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(ws.nextText(2000), "2"_ba);
        ws.sendText("3");
    }
    QVERIFY(m_closed.isEmpty());
    QCOMPARE(m_server->sessionCount(), 1);
}

void tst_EngineIoServer::pingTimeoutWebSocket()
{
    RawSocket ws(false);
    QVERIFY(ws.open(url(m_server->serverPort(), u"EIO=4&transport=websocket"_s, u"/socket.io/"_s,
                        u"ws"_s)));
    QVERIFY(ws.nextText().startsWith('0'));
    QCOMPARE(ws.nextText(2000), "2"_ba); // never answered
    QVERIFY(ws.waitClosed(3000));
    QCOMPARE(m_closed.size(), 1);
    QCOMPARE(m_closed.first().second, CloseReason::PingTimeout);
}

void tst_EngineIoServer::upgrade()
{
    const QString sid = openPollingSession();
    EngineIoSession *session = m_server->session(sid);
    QSignalSpy upgraded(session, &EngineIoSession::transportChanged);
    const quint16 port = m_server->serverPort();
    const QUrl poll = url(port, u"EIO=4&transport=polling&sid="_s + sid);
    QNetworkReply *heldPoll = m_http.start("GET", poll);

    RawSocket ws;
    QVERIFY(ws.open(
            url(port, u"EIO=4&transport=websocket&sid="_s + sid, u"/socket.io/"_s, u"ws"_s)));
    ws.sendText("2probe");
    QCOMPARE(ws.nextText(), "3probe"_ba);
    // The held poll is released with a noop so that the client can pause polling.
    const HttpResult released = HttpClient::finish(heldPoll);
    QCOMPARE(released.status, 200);
    QCOMPARE(released.body, "6"_ba);
    ws.sendText("5");
    QVERIFY(upgraded.wait(2000));
    QCOMPARE(session->transport(), EngineIoSession::Transport::WebSocket);

    ws.sendText("4over websocket");
    QCOMPARE(ws.nextText(), "4over websocket"_ba);

    // After the upgrade: polling with that sid is refused, and a second WebSocket is closed.
    const HttpResult late = m_http.get(poll);
    QCOMPARE(late.status, 400);
    QCOMPARE(late.json().value(u"code"_s).toInt(), 3);
    RawSocket second;
    second.open(url(port, u"EIO=4&transport=websocket&sid="_s + sid, u"/socket.io/"_s, u"ws"_s));
    QVERIFY(second.waitClosed());
    ws.sendText("4still here");
    QCOMPARE(ws.nextText(), "4still here"_ba);
}

void tst_EngineIoServer::upgradeTimeout()
{
    EngineIoOptions options = m_server->options();
    options.upgradeTimeout = 200ms;
    options.pingInterval = 5000ms;
    start(options);
    const QString sid = openPollingSession();
    const quint16 port = m_server->serverPort();
    RawSocket ws;
    QVERIFY(ws.open(
            url(port, u"EIO=4&transport=websocket&sid="_s + sid, u"/socket.io/"_s, u"ws"_s)));
    ws.sendText("2probe");
    QCOMPARE(ws.nextText(), "3probe"_ba);
    // No "5": the probe is dropped and the session goes on polling.
    QVERIFY(ws.waitClosed(2000));
    const QUrl poll = url(port, u"EIO=4&transport=polling&sid="_s + sid);
    QCOMPARE(m_http.post(poll, "4after").body, "ok"_ba);
    QCOMPARE(m_http.get(poll).body, "4after"_ba);
}

void tst_EngineIoServer::duplicatePoll()
{
    const QString sid = openPollingSession();
    const QUrl poll = url(m_server->serverPort(), u"EIO=4&transport=polling&sid="_s + sid);
    QNetworkReply *first = m_http.start("GET", poll);
    // The first GET is held before the second one arrives.
    QTRY_VERIFY(m_server->session(sid)->hasPendingPoll());
    const HttpResult second = HttpClient::finish(m_http.start("GET", poll));
    const HttpResult firstResult = HttpClient::finish(first);
    QCOMPARE(firstResult.status, 200);
    QCOMPARE(firstResult.body, "1"_ba);
    QCOMPARE(second.status, 400);
    QCOMPARE(m_http.get(poll).status, 400);
}

void tst_EngineIoServer::invalidPostClosesSession()
{
    const QString sid = openPollingSession();
    const QUrl poll = url(m_server->serverPort(), u"EIO=4&transport=polling&sid="_s + sid);
    QCOMPARE(m_http.post(poll, "abc").status, 400);
    QCOMPARE(m_closed.size(), 1);
    QCOMPARE(m_closed.first().second, CloseReason::ParseError);
    QCOMPARE(m_http.get(poll).status, 400);
}

void tst_EngineIoServer::clientCloseReleasesPoll()
{
    const QString sid = openPollingSession();
    const QUrl poll = url(m_server->serverPort(), u"EIO=4&transport=polling&sid="_s + sid);
    QNetworkReply *held = m_http.start("GET", poll);
    QTRY_VERIFY(m_server->session(sid)->hasPendingPoll());
    QCOMPARE(m_http.post(poll, "1").body, "ok"_ba);
    const HttpResult released = HttpClient::finish(held);
    QCOMPARE(released.body, "6"_ba);
    QCOMPARE(m_closed.first().second, CloseReason::ClientClose);
    QCOMPARE(m_http.get(poll).status, 400);
}

void tst_EngineIoServer::oversizedPost()
{
    EngineIoOptions options = m_server->options();
    options.maxPayload = 1000;
    options.pingInterval = 5000ms;
    start(options);
    const QString sid = openPollingSession();
    const QUrl poll = url(m_server->serverPort(), u"EIO=4&transport=polling&sid="_s + sid);
    const HttpResult big = m_http.post(poll, "4" + QByteArray(5000, 'x'));
    QCOMPARE(big.status, 413);
    // Other sessions are unaffected.
    const QString other = openPollingSession();
    QVERIFY(!other.isEmpty());
    const QUrl otherPoll = url(m_server->serverPort(), u"EIO=4&transport=polling&sid="_s + other);
    QCOMPARE(m_http.post(otherPoll, "4fine").body, "ok"_ba);
    QCOMPARE(m_http.get(otherPoll).body, "4fine"_ba);
}

void tst_EngineIoServer::oversizedWebSocketMessage()
{
    EngineIoOptions options = m_server->options();
    options.maxPayload = 1000;
    options.pingInterval = 5000ms;
    start(options);
    RawSocket ws;
    QVERIFY(ws.open(url(m_server->serverPort(), u"EIO=4&transport=websocket"_s, u"/socket.io/"_s,
                        u"ws"_s)));
    QVERIFY(ws.nextText().startsWith('0'));
    ws.sendText("4" + QByteArray(5000, 'x'));
    QVERIFY(ws.waitClosed());
    QCOMPARE(ws.socket.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    QTRY_COMPARE(m_closed.size(), 1);
    QCOMPARE(m_server->sessionCount(), 0);
}

void tst_EngineIoServer::invalidWebSocketFrame()
{
    RawSocket ws;
    QVERIFY(ws.open(url(m_server->serverPort(), u"EIO=4&transport=websocket"_s, u"/socket.io/"_s,
                        u"ws"_s)));
    QVERIFY(ws.nextText().startsWith('0'));
    ws.sendText("abc");
    QVERIFY(ws.waitClosed());
    QCOMPARE(m_closed.first().second, CloseReason::ParseError);
}

void tst_EngineIoServer::abortedPollClosesSession()
{
    const QString sid = openPollingSession();
    QNetworkReply *held = m_http.start(
            "GET", url(m_server->serverPort(), u"EIO=4&transport=polling&sid="_s + sid));
    QTRY_VERIFY(m_server->session(sid)->hasPendingPoll());
    held->abort();
    held->deleteLater();
    QTRY_COMPARE(m_closed.size(), 1);
    QCOMPARE(m_closed.first().second, CloseReason::TransportError);
}

void tst_EngineIoServer::cors_data()
{
    QTest::addColumn<QStringList>("allowed");
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("allowOrigin");

    QTest::addRow("no origin header") << QStringList{} << QByteArray() << 200 << QByteArray();
    QTest::addRow("listed origin") << QStringList{u"http://app.example"_s}
                                   << "http://app.example"_ba << 200 << "http://app.example"_ba;
    QTest::addRow("unlisted origin") << QStringList{u"http://app.example"_s}
                                     << "http://evil.example"_ba << 403 << QByteArray();
    QTest::addRow("none allowed by default")
            << QStringList{} << "http://app.example"_ba << 403 << QByteArray();
    QTest::addRow("wildcard") << QStringList{u"*"_s} << "http://any.example"_ba << 200 << "*"_ba;
}

void tst_EngineIoServer::cors()
{
    QFETCH(QStringList, allowed);
    QFETCH(QByteArray, origin);
    QFETCH(int, status);
    QFETCH(QByteArray, allowOrigin);
    EngineIoOptions options = m_server->options();
    options.corsOrigins = allowed;
    start(options);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!origin.isEmpty())
        headers.append(qMakePair("Origin"_ba, origin));
    const QUrl handshake = url(m_server->serverPort(), u"EIO=4&transport=polling"_s);
    const HttpResult r = m_http.get(handshake, headers);
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("access-control-allow-origin"), allowOrigin);

    // The preflight answers the same way.
    headers.append(qMakePair("Access-Control-Request-Method"_ba, "POST"_ba));
    headers.append(qMakePair("Access-Control-Request-Headers"_ba, "content-type"_ba));
    const HttpResult preflight
            = HttpClient::finish(m_http.start("OPTIONS", handshake, {}, headers));
    if (status == 200) {
        QCOMPARE(preflight.status, 204);
        QCOMPARE(preflight.header("access-control-allow-origin"), allowOrigin);
        if (!origin.isEmpty())
            QCOMPARE(preflight.header("access-control-allow-headers"), "content-type"_ba);
    } else {
        QCOMPARE(preflight.status, 403);
    }
}

void tst_EngineIoServer::eio3Handshake()
{
    EngineIoOptions options = m_server->options();
    options.allowEio3 = true;
    start(options);
    const HttpResult r
            = m_http.get(url(m_server->serverPort(), u"EIO=3&transport=polling&b64=1"_s));
    QCOMPARE(r.status, 200);
    // v3 payloads carry a length prefix.
    const qsizetype colon = r.body.indexOf(':');
    QVERIFY(colon > 0);
    QCOMPARE(r.body.left(colon).toInt(), r.body.size() - colon - 1);
    QVERIFY(r.body.mid(colon + 1).startsWith("0{"));
    QCOMPARE(m_server->sessions().first()->version(), EngineIo::Version::V3);
}

void tst_EngineIoServer::transportsAllowList()
{
    EngineIoOptions options = m_server->options();
    options.transports = {u"websocket"_s};
    start(options);
    const HttpResult r = m_http.get(url(m_server->serverPort(), u"EIO=4&transport=polling"_s));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json().value(u"code"_s).toInt(), 0);
    RawSocket ws;
    QVERIFY(ws.open(url(m_server->serverPort(), u"EIO=4&transport=websocket"_s, u"/socket.io/"_s,
                        u"ws"_s)));
    QVERIFY(ws.nextText().startsWith('0'));
}

void tst_EngineIoServer::upgradesDisabled()
{
    EngineIoOptions options = m_server->options();
    options.allowUpgrades = false;
    options.pingInterval = 5000ms;
    start(options);
    const HttpResult r = m_http.get(url(m_server->serverPort(), u"EIO=4&transport=polling"_s));
    QCOMPARE(QJsonDocument::fromJson(r.body.mid(1)).object().value(u"upgrades"_s).toArray(),
             QJsonArray{});
    // A raw upgrade request: the answer is a 400 and a closed connection at once. (A
    // QWebSocket client takes seconds to report a refused handshake, racing the session's
    // ping timeout.)
    QTcpSocket socket;
    QSignalSpy closed(&socket, &QTcpSocket::disconnected);
    socket.connectToHost(QHostAddress::LocalHost, m_server->serverPort());
    socket.write(
            "GET /socket.io/?EIO=4&transport=websocket&sid=" + openSid(r.body).toLatin1()
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
              "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    QVERIFY(closed.wait(5000));
    const QByteArray response = socket.readAll();
    QVERIFY2(response.startsWith("HTTP/1.1 400 "), response.constData());
    QCOMPARE(m_server->session(openSid(r.body))->transport(), EngineIoSession::Transport::Polling);
}

void tst_EngineIoServer::manyConnectionsDropped()
{
    // A thousand clients open a session at once and vanish; the host keeps serving. They
    // all come from 127.0.0.1: the per-address cap is lifted, as for a benchmark.
    EngineIoOptions options = m_server->options();
    options.maxSessionsPerAddress = 0;
    start(options);
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);

    const quint16 port = m_server->serverPort();
    QSignalSpy opened(m_server.get(), &EngineIoServer::sessionOpened);
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    const QByteArray request
            = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    for (int i = 0; i < 1000; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, port);
        socket->write(i % 2 ? request : request.left(20)); // half of them send half a request
        sockets.push_back(std::move(socket));
    }
    // Every complete handshake got its session (the others are half-sent requests).
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 500, 30000);
    for (auto &socket : sockets)
        socket->abort();
    sockets.clear();

    const QString sid = openPollingSession();
    QVERIFY(!sid.isEmpty());
    const QUrl poll = url(port, u"EIO=4&transport=polling&sid="_s + sid);
    QCOMPARE(m_http.post(poll, "4alive").body, "ok"_ba);
    QCOMPARE(m_http.get(poll).body, "4alive"_ba);
    // The abandoned sessions time out (ping 300 ms + 200 ms) and are gone.
    QTRY_COMPARE_WITH_TIMEOUT(m_server->sessionCount(), 0, 10000);
}

void tst_EngineIoServer::halfOpenConnectionsAreClosed()
{
    EngineIoOptions options = m_server->options();
    options.httpTimeout = 300ms;
    start(options);
    QTcpSocket idle;
    idle.connectToHost(QHostAddress::LocalHost, m_server->serverPort());
    QVERIFY(idle.waitForConnected(2000));
    idle.write("GET /socket.io/?EIO=4"); // and then nothing
    QSignalSpy closed(&idle, &QTcpSocket::disconnected);
    QVERIFY(closed.wait(3000));
}

QByteArray tst_EngineIoServer::rawRequest(const QByteArray &request, bool untilHeadEnd)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->serverPort());
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(request);
    QByteArray response;
    waitUntil(
            [&] {
                response += socket.readAll();
                return socket.state() == QAbstractSocket::UnconnectedState
                        || (untilHeadEnd && response.contains("\r\n\r\n"));
            },
            5000);
    return response + socket.readAll();
}

void tst_EngineIoServer::pollingSendQueueIsBounded_data()
{
    QTest::addColumn<qint64>("maxPayload");
    QTest::addColumn<qint64>("maxSendQueue");
    QTest::addColumn<int>("replySize");
    QTest::addColumn<qint64>("limit");
    // 40 requests in one POST, each answered with a large reply, and never a GET.
    QTest::addRow("set limit") << qint64(1'000'000) << qint64(256 * 1024) << 20'000
                               << qint64(256 * 1024);
    QTest::addRow("default: 8 MiB floor")
            << qint64(1'000'000) << qint64(0) << 400'000 << qint64(8 * 1024 * 1024);
    QTest::addRow("default: 8 x maxPayload")
            << qint64(2'000'000) << qint64(0) << 800'000 << qint64(16'000'000);
}

void tst_EngineIoServer::pollingSendQueueIsBounded()
{
    QFETCH(qint64, maxPayload);
    QFETCH(qint64, maxSendQueue);
    QFETCH(int, replySize);
    QFETCH(qint64, limit);
    EngineIoOptions options = m_server->options();
    options.pingInterval = 5000ms; // the POSTed pongs of the attack keep it alive anyway
    options.maxPayload = maxPayload;
    options.maxSendQueue = maxSendQueue;
    QCOMPARE(options.sendQueueLimit(), limit);
    start(options);
    m_replySize = replySize;
    const QString sid = openPollingSession();
    const QUrl poll = url(m_server->serverPort(), u"EIO=4&transport=polling&sid="_s + sid);

    // Within the limit: a few replies wait for the next GET, as always.
    QCOMPARE(m_http.post(poll,
                         "4a\x1e"
                         "4b")
                     .body,
             "ok"_ba);
    QVERIFY(m_server->session(sid)->queuedBytes() >= 2 * replySize);
    QCOMPARE(m_http.get(poll).body.size(),
             2 * (replySize + 1) + 1); // "4rrr...\x1e4rrr..."
    QCOMPARE(m_server->session(sid)->queuedBytes(), 0);

    // Asking for more than the limit without collecting it closes the session.
    QByteArrayList requests;
    const int count = int(2 * limit / replySize) + 1;
    for (int i = 0; i < count; ++i)
        requests.append("4req" + QByteArray::number(i));
    QCOMPARE(m_http.post(poll, requests.join('\x1e')).body, "ok"_ba);
    QTRY_COMPARE(m_closed.size(), 1);
    QCOMPARE(m_closed.first().second, CloseReason::TransportError);
    QVERIFY2(m_closeDetails.first().contains(u"waiting to be sent"_s),
             qPrintable(m_closeDetails.first()));
    QCOMPARE(m_server->sessionCount(), 0);
    QCOMPARE(m_http.get(poll).status, 400); // gone, with what it had asked for
}

void tst_EngineIoServer::totalSendBudget()
{
    // Polling sessions that never GET, each far under its own queue limit (8 MiB), owe more
    // together than the host's total budget: the session owed the most is closed, even when
    // another one pushed the total over; a session that polls is untouched; the count goes
    // back to 0 when everyone is gone.
    EngineIoOptions options = m_server->options();
    options.pingInterval = 5000ms;
    options.maxSendTotal = 1024 * 1024;
    start(options);
    m_replySize = 100'000;
    const SendBudget &budget = m_server->sendBudget();
    QCOMPARE(budget.limit(), 1024 * 1024);
    const quint16 port = m_server->serverPort();
    auto pollUrl = [port](const QString &sid) {
        return url(port, u"EIO=4&transport=polling&sid="_s + sid);
    };
    auto ask = [&](const QString &sid, int requests) {
        QByteArrayList packets;
        for (int i = 0; i < requests; ++i)
            packets.append("4req" + QByteArray::number(i));
        return m_http.post(pollUrl(sid), packets.join('\x1e')).body == "ok";
    };
    const QString big = openPollingSession(), middle = openPollingSession(),
                  small = openPollingSession(), reader = openPollingSession();
    for (const QString &sid : {big, middle, small, reader})
        QVERIFY(!sid.isEmpty());
    // The open packets were collected: nobody owes anything yet.
    QCOMPARE(budget.total(), 0);
    // A WebSocket session counts twice: its own queue and its connection's frames.
    RawSocket ws;
    QVERIFY(ws.open(url(port, u"EIO=4&transport=websocket"_s, u"/socket.io/"_s, u"ws"_s)));
    QVERIFY(ws.nextText().startsWith('0'));
    QCOMPARE(budget.accountCount(), 4 + 2);

    QVERIFY(ask(reader, 1));
    QCOMPARE(m_http.get(pollUrl(reader)).body.size(), 100'001);
    QVERIFY(ask(big, 5)); // 500 B owed
    QVERIFY(ask(middle, 3)); // 300 B
    QVERIFY(ask(small, 2)); // 200 B
    QVERIFY2(budget.total() > 1'000'000, QByteArray::number(budget.total()).constData());
    QVERIFY(budget.total() <= budget.limit());
    QVERIFY(m_closed.isEmpty());
    // The smallest pushes the total over: the largest goes.
    QVERIFY(ask(small, 1));
    QVERIFY(budget.total() <= budget.limit());
    QTRY_COMPARE(m_closed.size(), 1);
    QCOMPARE(m_closed.first().second, CloseReason::TransportError);
    QVERIFY2(m_closeDetails.first().contains(u"send budget"_s), qPrintable(m_closeDetails.first()));
    QVERIFY(!m_server->session(big));
    QCOMPARE(m_http.get(pollUrl(big)).status, 400);
    qint64 owed = 0;
    for (const QString &sid : {middle, small, reader}) {
        QVERIFY(m_server->session(sid));
        owed += m_server->session(sid)->queuedBytes();
    }
    QCOMPARE(budget.total(), owed);
    // The reader goes on as before.
    QVERIFY(ask(reader, 1));
    QCOMPARE(m_http.get(pollUrl(reader)).body.size(), 100'001);
    QCOMPARE(m_server->session(reader)->queuedBytes(), 0);
    QCOMPARE(m_closed.size(), 1);

    // Everyone gone: nothing owed, nobody enrolled.
    for (EngineIoSession *session : m_server->sessions())
        session->abort(CloseReason::ServerClose);
    QTRY_COMPARE(m_server->sessionCount(), 0);
    QTRY_COMPARE(budget.accountCount(), 0);
    QCOMPARE(budget.total(), 0);
}

void tst_EngineIoServer::peerKeys_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("same");
    QTest::addRow("one IPv4 address") << u"192.0.2.7"_s << u"192.0.2.7"_s << true;
    QTest::addRow("two IPv4 addresses") << u"192.0.2.7"_s << u"192.0.2.8"_s << false;
    QTest::addRow("IPv4 written as IPv6") << u"::ffff:192.0.2.7"_s << u"192.0.2.7"_s << true;
    QTest::addRow("one IPv6 /64") << u"2001:db8:1:2::1"_s << u"2001:db8:1:2:ffff:ffff:ffff:fffe"_s
                                  << true;
    QTest::addRow("two IPv6 /64s") << u"2001:db8:1:2::1"_s << u"2001:db8:1:3::1"_s << false;
    QTest::addRow("loopbacks") << u"::1"_s << u"127.0.0.1"_s << false;
}

void tst_EngineIoServer::peerKeys()
{
    // Per-address caps count an IPv6 peer by its /64: one subscriber holds a whole /64 and
    // could otherwise open 256 sessions from each of its 2^64 addresses.
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, same);
    QCOMPARE(peerKey(QHostAddress(a)) == peerKey(QHostAddress(b)), same);
}

void tst_EngineIoServer::sessionCaps_data()
{
    QTest::addColumn<int>("perAddress");
    QTest::addColumn<int>("total");
    //! One letter per session opened from 127.0.0.1: p(olling) or w(ebsocket); the last one
    //! is answered \a status (101/200: opened).
    QTest::addColumn<QByteArray>("sessions");
    QTest::addColumn<int>("status");

    QTest::addRow("polling under the per-address cap") << 3 << 0 << "ppp"_ba << 200;
    QTest::addRow("polling over the per-address cap") << 3 << 0 << "pppp"_ba << 429;
    QTest::addRow("websocket over the per-address cap") << 3 << 0 << "wwww"_ba << 429;
    QTest::addRow("websockets count for polling") << 3 << 0 << "wwwp"_ba << 429;
    QTest::addRow("polling counts for websockets") << 3 << 0 << "pppw"_ba << 429;
    QTest::addRow("over the total cap") << 0 << 2 << "pwp"_ba << 503;
    QTest::addRow("websocket over the total cap") << 0 << 2 << "pww"_ba << 503;
    QTest::addRow("0 lifts both caps") << 0 << 0 << "pwpwpwpwpw"_ba << 200;
}

void tst_EngineIoServer::sessionCaps()
{
    QFETCH(int, perAddress);
    QFETCH(int, total);
    QFETCH(QByteArray, sessions);
    QFETCH(int, status);
    EngineIoOptions options = m_server->options();
    options.pingInterval = 5000ms;
    options.maxSessionsPerAddress = perAddress;
    options.maxSessions = total;
    start(options);
    const quint16 port = m_server->serverPort();
    const QUrl wsUrl = url(port, u"EIO=4&transport=websocket"_s, u"/socket.io/"_s, u"ws"_s);
    std::vector<std::unique_ptr<RawSocket>> sockets;
    for (qsizetype i = 0; i + 1 < sessions.size(); ++i) {
        if (sessions.at(i) == 'p') {
            QVERIFY(!openPollingSession().isEmpty());
        } else {
            sockets.push_back(std::make_unique<RawSocket>());
            QVERIFY(sockets.back()->open(wsUrl));
            QVERIFY(sockets.back()->nextText().startsWith('0'));
        }
    }
    QCOMPARE(m_server->sessionCount(), int(sessions.size() - 1));
    QCOMPARE(m_server->sessionCount(QHostAddress(QHostAddress::LocalHost)),
             int(sessions.size() - 1));

    QSignalSpy opened(m_server.get(), &EngineIoServer::sessionOpened);
    const bool webSocket = sessions.back() == 'w';
    const QByteArray response = rawRequest(
            "GET /socket.io/?EIO=4&transport="_ba + (webSocket ? "websocket" : "polling")
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (webSocket ? "Connection: Upgrade\r\nUpgrade: websocket\r\n"
                                   "Sec-WebSocket-Version: 13\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                 : "Connection: close\r\n")
                    + "\r\n",
            webSocket);
    const int expected = status == 200 && webSocket ? 101 : status;
    QVERIFY2(response.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(expected) + ' ')),
             response.constData());
    if (status >= 400) {
        // The Engine.IO error body, and no session behind it.
        const QByteArray body = response.mid(response.indexOf("\r\n\r\n") + 4);
        const QJsonObject error = QJsonDocument::fromJson(body).object();
        QCOMPARE(error.value(u"code"_s).toInt(), 4);
        QVERIFY2(error.value(u"message"_s).toString().startsWith(u"Too many sessions"_s),
                 body.constData());
        QVERIFY(response.contains("Retry-After: 10\r\n"));
        QCOMPARE(m_server->sessionCount(), int(sessions.size() - 1));
        // Once one closes, a new one is welcome again.
        if (!sockets.empty()) {
            sockets.front()->socket.close();
            QTRY_COMPARE(m_server->sessionCount(), int(sessions.size() - 2));
        } else {
            m_server->sessions().first()->close();
            QTRY_COMPARE(m_server->sessionCount(), int(sessions.size() - 2));
        }
        QVERIFY(!openPollingSession().isEmpty());
    } else {
        QCOMPARE(opened.size(), 1);
    }
}

void tst_EngineIoServer::webSocketsCountAsConnections()
{
    // A WebSocket is a TCP connection like any other: it counts toward maxConnections.
    EngineIoOptions options = m_server->options();
    options.pingInterval = 5000ms;
    options.maxConnections = 2;
    start(options);
    const QUrl wsUrl = url(m_server->serverPort(), u"EIO=4&transport=websocket"_s, u"/socket.io/"_s,
                           u"ws"_s);
    RawSocket first, second;
    QVERIFY(first.open(wsUrl));
    QVERIFY(first.nextText().startsWith('0'));
    QVERIFY(second.open(wsUrl));
    QVERIFY(second.nextText().startsWith('0'));
    const QByteArray refused = rawRequest(
            "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QVERIFY2(refused.startsWith("HTTP/1.1 503 "), refused.constData());
    first.socket.close();
    QVERIFY(first.waitClosed());
    QTRY_VERIFY(rawRequest("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\n"
                           "Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .startsWith("HTTP/1.1 200 "));
}

void tst_EngineIoServer::hostHeader_data()
{
    QTest::addColumn<QStringList>("allowedHosts");
    QTest::addColumn<QStringList>("corsOrigins");
    QTest::addColumn<QByteArray>("host"); //!< "%1" is the port
    QTest::addColumn<QByteArray>("origin"); //!< the same; none when empty
    QTest::addColumn<bool>("allowed");

    const QByteArray machine = QHostInfo::localHostName().toLower().toUtf8();
    const QStringList none;
    // Good: what a client types to reach this host.
    QTest::addRow("loopback address") << none << none << "127.0.0.1:%1"_ba << QByteArray() << true;
    QTest::addRow("localhost, same origin") << none << none << "localhost:%1"_ba
                                            << "http://localhost:%1"_ba << true;
    QTest::addRow("localhost. (absolute)")
            << none << none << "localhost.:%1"_ba << QByteArray() << true;
    QTest::addRow("*.localhost") << none << none << "app.localhost:%1"_ba << QByteArray() << true;
    QTest::addRow("IPv6 loopback") << none << none << "[::1]:%1"_ba
                                   << "http://[::1]:%1"_ba << true;
    QTest::addRow("LAN address, same origin") << none << none << "192.168.1.20:%1"_ba
                                              << "http://192.168.1.20:%1"_ba << true;
    QTest::addRow("no port") << none << none << "127.0.0.1"_ba << QByteArray() << true;
    QTest::addRow("machine name") << none << none << machine + ":%1" << QByteArray() << true;
    QTest::addRow("machine name, upper case")
            << none << none << machine.toUpper() + ":%1" << QByteArray() << true;
    QTest::addRow("machine name .local") << none << none << machine + ".local:%1"
                                         << "http://" + machine + ".local:%1" << true;
    QTest::addRow("--allowed-host")
            << QStringList{u"chat.example.org"_s} << none << "chat.example.org:%1"_ba
            << "http://chat.example.org:%1"_ba << true;
    QTest::addRow("--allowed-host .domain") << QStringList{u".example.org"_s} << none
                                            << "a.b.example.org"_ba << QByteArray() << true;
    QTest::addRow("--allowed-host *") << QStringList{u"*"_s} << none << "evil.example:%1"_ba
                                      << "http://evil.example:%1"_ba << true;
    QTest::addRow("a CORS origin's host")
            << none << QStringList{u"http://app.example:8080"_s} << "app.example:%1"_ba
            << "http://app.example:8080"_ba << true;
    // Bad: a name this host does not know, what a DNS-rebinding page sends.
    QTest::addRow("rebinding, same origin") << none << none << "evil.example:%1"_ba
                                            << "http://evil.example:%1"_ba << false;
    QTest::addRow("rebinding, no Origin (same-origin GET)")
            << none << none << "evil.example:%1"_ba << QByteArray() << false;
    QTest::addRow("rebinding to a name that contains ours")
            << none << none << "localhost.evil.example:%1"_ba << QByteArray() << false;
    QTest::addRow("machine name under another domain")
            << none << none << machine + ".evil.example:%1" << QByteArray() << false;
    QTest::addRow("another name than the allowed one")
            << QStringList{u"chat.example.org"_s} << none << "evil.example.org:%1"_ba
            << QByteArray() << false;
    QTest::addRow("a name that only ends like the allowed domain")
            << QStringList{u".example.org"_s} << none << "evilexample.org"_ba << QByteArray()
            << false;
    QTest::addRow("a listed CORS origin, another Host")
            << none << QStringList{u"http://app.example"_s} << "evil.example:%1"_ba
            << "http://app.example"_ba << false;
}

void tst_EngineIoServer::hostHeader()
{
    QFETCH(QStringList, allowedHosts);
    QFETCH(QStringList, corsOrigins);
    QFETCH(QByteArray, host);
    QFETCH(QByteArray, origin);
    QFETCH(bool, allowed);
    EngineIoOptions options = m_server->options();
    options.pingInterval = 5000ms;
    options.allowedHosts = allowedHosts;
    options.corsOrigins = corsOrigins;
    start(options);
    const QByteArray port = QByteArray::number(m_server->serverPort());
    host.replace("%1", port);
    origin.replace("%1", port);
    const QByteArray headers = "Host: " + host + "\r\n"
            + (origin.isEmpty() ? QByteArray() : "Origin: " + origin + "\r\n");
    QSignalSpy opened(m_server.get(), &EngineIoServer::sessionOpened);

    // Polling handshake.
    const QByteArray polling = rawRequest("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\n"
                                          + headers + "Connection: close\r\n\r\n");
    QVERIFY2(polling.startsWith(allowed ? "HTTP/1.1 200 " : "HTTP/1.1 403 "), polling.constData());
    if (!allowed) {
        const QByteArray body = polling.mid(polling.indexOf("\r\n\r\n") + 4);
        QCOMPARE(body, R"({"code":4,"message":"Host not allowed"})"_ba);
    }
    // WebSocket handshake: refused before any 101.
    const QByteArray upgrade = rawRequest(
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n" + headers
                    + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            true);
    QVERIFY2(upgrade.startsWith(allowed ? "HTTP/1.1 101 " : "HTTP/1.1 403 "), upgrade.constData());
    QCOMPARE(opened.size(), allowed ? 2 : 0);
}

QTEST_MAIN(tst_EngineIoServer)
#include "tst_engineioserver.moc"
