// SPDX-License-Identifier: MIT
// The Socket.IO server API, driven by raw WebSocket peers that speak the wire protocol, so
// every assertion is about exact packets.
#include "engineioserver.h"
#include "servertestutil.h"
#include "socketiopacket.h"
#include "socketioserver.h"

#include <array>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Confab;
using namespace TestUtil;

using Reason = SocketIoServer::DisconnectReason;
Q_DECLARE_METATYPE(Confab::SocketIoServer::DisconnectReason)

namespace {
QString sidOf(const QByteArray &connectAck)
{
    const qsizetype brace = connectAck.indexOf('{');
    return QJsonDocument::fromJson(connectAck.mid(brace)).object().value(u"sid"_s).toString();
}
} // namespace

class tst_SocketIoServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addWebSocketEngineRows(); }
    void init();
    void cleanup();

    void connectMainNamespace();
    void connectWithAuthAndRefusal_data();
    void connectWithAuthAndRefusal();
    void environIsPassed();
    void unknownAndPatternNamespaces();
    void emitsDuringConnectFollowTheAck();
    void eventsAndAcks();
    void asyncAckAnswersLater();
    void catchAll();
    void serverAckRoundTripAndTimeout();
    void binaryBothWays();
    void roomsAndSkipSid();
    void roomBookkeeping();
    void sessionStore();
    void disconnectReasons_data();
    void disconnectReasons();
    void serverDisconnect();
    void closeConnectionLeavesEveryNamespace();
    void disconnectInsideConnectHandler();
    void disconnectHandlerRemovesASibling_data();
    void disconnectHandlerRemovesASibling();
    void malformedPacketsClose_data();
    void malformedPacketsClose();
    void connectTimeout();
    void floodFromOneSid();
    void pollingClientsReceiveBroadcasts();
    void broadcastIsEncodedOnce();
    void transportChangedOnUpgrade();
    void oneConnectAttemptPerNamespace_data();
    void oneConnectAttemptPerNamespace();

private:
    //! Opens a WebSocket session and joins \a nsp; returns the socket sid.
    QString join(RawSocket &ws, const QString &nsp = u"/"_s, const QByteArray &auth = {});
    std::unique_ptr<SocketIoServer> m_server;
    QUrl m_wsUrl;
};

void tst_SocketIoServer::init()
{
    SocketIoOptions options;
    options.engine.pingInterval = 300ms;
    options.engine.pingTimeout = 200ms;
    options.connectTimeout = 500ms;
    options.engine.webSocketEngine = currentWebSocketEngine();
    m_server = std::make_unique<SocketIoServer>(options);
    QVERIFY(m_server->listen());
    m_wsUrl = url(m_server->serverPort(), u"EIO=4&transport=websocket"_s, u"/socket.io/"_s,
                  u"ws"_s);
}

void tst_SocketIoServer::cleanup()
{
    m_server.reset();
}

QString tst_SocketIoServer::join(RawSocket &ws, const QString &nsp, const QByteArray &auth)
{
    if (ws.socket.state() != QAbstractSocket::ConnectedState) {
        if (!ws.open(m_wsUrl))
            return {};
        if (!ws.nextText().startsWith('0'))
            return {};
    }
    QByteArray connect = "40";
    if (nsp != u"/")
        connect += nsp.toUtf8() + ",";
    ws.sendText(connect + auth);
    const QByteArray ack = ws.nextText();
    if (!ack.startsWith(connect.left(nsp == u"/" ? 2 : connect.size())))
        return {};
    return sidOf(ack);
}

void tst_SocketIoServer::connectMainNamespace()
{
    QSignalSpy connected(m_server.get(), &SocketIoServer::clientConnected);
    RawSocket ws;
    QVERIFY(ws.open(m_wsUrl));
    const QByteArray open = ws.nextText();
    ws.sendText("40");
    const QByteArray ack = ws.nextText();
    QVERIFY(ack.startsWith("40{\"sid\":\""));
    const QString sid = sidOf(ack);
    QCOMPARE(sid.size(), 20);
    QVERIFY(sid != openSid(open)); // the socket id is not the Engine.IO sid
    QCOMPARE(connected.size(), 1);
    const auto info = connected.first().first().value<ClientInfo>();
    QCOMPARE(info.sid, sid);
    QCOMPARE(info.nsp, u"/"_s);
    QCOMPARE(info.engineSid, openSid(open));
    QCOMPARE(info.transport, u"websocket"_s);
    QCOMPARE(info.address, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(info.rooms, QStringList{sid});
    QVERIFY(m_server->isConnected(sid));
    QCOMPARE(m_server->clientCount(), 1);
    QCOMPARE(m_server->rooms(sid), QStringList{sid});
}

void tst_SocketIoServer::connectWithAuthAndRefusal_data()
{
    QTest::addColumn<QByteArray>("auth");
    QTest::addColumn<QByteArray>("reply");

    QTest::addRow("no payload means {}") << QByteArray() << "40{\"sid\""_ba;
    QTest::addRow("good token") << R"({"token":"secret"})"_ba
                                << "40{\"sid\""_ba;
    QTest::addRow("bad token")
            << R"({"token":"wrong"})"_ba
            << R"(44{"data":{"reason":"bad token"},"message":"unauthorized"})"_ba;
}

void tst_SocketIoServer::connectWithAuthAndRefusal()
{
    QFETCH(QByteArray, auth);
    QFETCH(QByteArray, reply);
    QVariant seenAuth;
    m_server->onConnect([&](const QString &, const Environ &, const QVariant &a) {
        seenAuth = a;
        const QString token = a.toMap().value(u"token"_s).toString();
        if (!token.isEmpty() && token != u"secret")
            return ConnectResult::refuse(u"unauthorized"_s,
                                         QVariantMap{{u"reason"_s, u"bad token"_s}});
        return ConnectResult::accept();
    });
    RawSocket ws;
    QVERIFY(ws.open(m_wsUrl));
    ws.nextText();
    ws.sendText("40" + auth);
    QVERIFY(ws.nextText().startsWith(reply));
    QCOMPARE(seenAuth.typeId(), QMetaType::QVariantMap);
    QCOMPARE(m_server->clientCount(), reply.startsWith("40") ? 1 : 0);
    if (reply.startsWith("44")) {
        // One attempt per namespace per connection: a second CONNECT is refused without
        // asking the handler, and the connection is closed (a new one may try again).
        seenAuth = QVariant();
        ws.sendText(R"(40{"token":"secret"})");
        QCOMPARE(
                ws.nextText(),
                R"(44{"message":"one connection attempt per namespace: reconnect to try again"})"_ba);
        QVERIFY(ws.waitClosed());
        QVERIFY(!seenAuth.isValid());
        RawSocket again;
        QVERIFY(!join(again, u"/"_s, R"({"token":"secret"})").isEmpty());
    }
}

void tst_SocketIoServer::environIsPassed()
{
    Environ seen;
    m_server->onConnect([&](const QString &, const Environ &environ, const QVariant &) {
        seen = environ;
        return ConnectResult::accept();
    });
    RawSocket ws;
    QNetworkRequest request(url(m_server->serverPort(), u"EIO=4&transport=websocket&room=lobby"_s,
                                u"/socket.io/"_s, u"ws"_s));
    request.setRawHeader("User-Agent", "confab-test/1.0");
    QSignalSpy connected(&ws.socket, &QWebSocket::connected);
    ws.socket.open(request);
    QVERIFY(connected.wait());
    ws.nextText();
    ws.sendText("40");
    ws.nextText();
    QCOMPARE(seen.transport, u"websocket"_s);
    QCOMPARE(seen.request.query.queryItemValue(u"room"_s), u"lobby"_s);
    QCOMPARE(seen.header("user-agent"), "confab-test/1.0"_ba);
    QCOMPARE(seen.remoteAddress(), QHostAddress(QHostAddress::LocalHost));
}

void tst_SocketIoServer::unknownAndPatternNamespaces()
{
    m_server->addNamespace(u"/admin"_s);
    m_server->allowNamespaces(QRegularExpression(u"^/team-\\d+$"_s));
    RawSocket ws;
    QVERIFY(!join(ws).isEmpty());
    ws.sendText("40/random"); // the namespace may end at the end of the packet
    QCOMPARE(ws.nextText(), R"(44/random,{"message":"Invalid namespace"})"_ba);
    QVERIFY(!join(ws, u"/admin"_s).isEmpty());
    QVERIFY(!join(ws, u"/team-7"_s).isEmpty());
    ws.sendText("40/team-x,");
    QCOMPARE(ws.nextText(), R"(44/team-x,{"message":"Invalid namespace"})"_ba);
    QCOMPARE(m_server->clients().size(), 3);
    QVERIFY(m_server->namespaces().contains(u"/team-7"_s));
}

void tst_SocketIoServer::emitsDuringConnectFollowTheAck()
{
    m_server->onConnect([this](const QString &sid, const Environ &, const QVariant &auth) {
        m_server->emitEvent(u"auth"_s, {auth}, {{sid}, {}, u"/"_s});
        m_server->enterRoom(sid, u"lobby"_s);
        m_server->emitEvent(u"lobby"_s, {u"hi"_s}, {{u"lobby"_s}, {}, u"/"_s});
        return ConnectResult::accept();
    });
    RawSocket ws;
    QVERIFY(ws.open(m_wsUrl));
    ws.nextText();
    ws.sendText(R"(40{"token":"123"})");
    QVERIFY(ws.nextText().startsWith("40{\"sid\""));
    QCOMPARE(ws.nextText(), R"(42["auth",{"token":"123"}])"_ba);
    QCOMPARE(ws.nextText(), R"(42["lobby","hi"])"_ba);
}

void tst_SocketIoServer::eventsAndAcks()
{
    QSignalSpy received(m_server.get(), &SocketIoServer::eventReceived);
    m_server->on(u"echo"_s, [](const QString &, const QVariantList &args) { return args; });
    RawSocket ws;
    const QString sid = join(ws);
    ws.sendText(R"(42["echo",1,"2",{"3":[true]}])"); // no ack asked: none sent
    ws.sendText(R"(4212["echo",1,"2",{"3":[false]}])");
    QCOMPARE(ws.nextText(), R"(4312[1,"2",{"3":[false]}])"_ba);
    ws.sendText(R"(420["echo"])"); // ack id 0 is valid
    QCOMPARE(ws.nextText(), "430[]"_ba);
    QCOMPARE(received.size(), 3);
    QCOMPARE(received.first().at(0).toString(), sid);
    QCOMPARE(received.first().at(2).toString(), u"echo"_s);
    QCOMPARE(received.first().at(3).toList().size(), 3);
}

void tst_SocketIoServer::asyncAckAnswersLater()
{
    Ack pending;
    m_server->onAsync(u"slow"_s, [&](const QString &, const QVariantList &, const Ack &ack) {
        pending = ack;
    });
    RawSocket ws;
    join(ws);
    ws.sendText(R"(427["slow"])");
    QTRY_VERIFY(pending.isRequested());
    QVERIFY(ws.frames.isEmpty());
    pending({u"done"_s});
    QCOMPARE(ws.nextText(), R"(437["done"])"_ba);
    pending({u"twice"_s}); // answered once only
    ws.sendText(R"(42["slow"])");
    QTRY_VERIFY(!pending.isRequested());
    QVERIFY(ws.frames.isEmpty());
}

void tst_SocketIoServer::catchAll()
{
    QStringList events;
    m_server->on(u"known"_s, [](const QString &, const QVariantList &) { return QVariantList(); });
    m_server->onAny(
            [&](const QString &, const QString &event, const QVariantList &, const Ack &ack) {
                events.append(event);
                ack({event});
            });
    RawSocket ws;
    join(ws);
    ws.sendText(R"(421["known"])");
    QCOMPARE(ws.nextText(), "431[]"_ba);
    ws.sendText(R"(422["other",1])");
    QCOMPARE(ws.nextText(), R"(432["other"])"_ba);
    ws.sendText(R"(42[5,"numeric names are allowed"])");
    QTRY_COMPARE(events, (QStringList{u"other"_s, u"5"_s}));
}

void tst_SocketIoServer::serverAckRoundTripAndTimeout()
{
    RawSocket ws;
    const QString sid = join(ws);
    QVariantList answer;
    bool answered = false;
    m_server->emitWithAck(sid, u"question"_s, {u"q"_s}, [&](bool timedOut, const QVariantList &a) {
        QVERIFY(!timedOut);
        answered = true;
        answer = a;
    });
    QCOMPARE(ws.nextText(), R"(420["question","q"])"_ba);
    ws.sendText(R"(430["answer",42])");
    QTRY_VERIFY(answered);
    QCOMPARE(answer, (QVariantList{u"answer"_s, qint64(42)}));

    bool timedOut = false;
    m_server->emitWithAck(
            sid, u"ignored"_s, {}, [&](bool t, const QVariantList &) { timedOut = t; }, 100ms);
    QCOMPARE(ws.nextText(), R"(421["ignored"])"_ba);
    QTRY_VERIFY(timedOut);
    ws.sendText(R"(431["too late"])"); // a late ack is ignored, and nothing breaks
    ws.sendText(R"(4399["never asked"])");
    QVERIFY(m_server->isConnected(sid));

    // A client that leaves with an ack pending: the callback still runs, once.
    int calls = 0;
    m_server->emitWithAck(sid, u"bye"_s, {}, [&](bool t, const QVariantList &) {
        QVERIFY(t);
        ++calls;
    });
    ws.socket.abort();
    QTRY_COMPARE(calls, 1);
}

void tst_SocketIoServer::binaryBothWays()
{
    QVariantList seen;
    m_server->on(u"upload"_s, [&](const QString &, const QVariantList &args) {
        seen = args;
        return QVariantList{QVariantMap{{u"echo"_s, args.value(0)}}};
    });
    RawSocket ws;
    const QString sid = join(ws);
    ws.sendText(R"(451-3["upload",{"_placeholder":true,"num":0}])");
    ws.sendBinary("\x01\x02\x03"_ba);
    QCOMPARE(ws.nextText(), R"(461-3[{"echo":{"_placeholder":true,"num":0}}])"_ba);
    const auto binary = ws.next();
    QVERIFY(binary.second);
    QCOMPARE(binary.first, "\x01\x02\x03"_ba);
    QCOMPARE(seen, QVariantList{"\x01\x02\x03"_ba});

    m_server->emitEvent(u"file"_s, {u"a.bin"_s, QVariantList{QByteArray(1, '\0'), "\xff"_ba}},
                        {{sid}, {}, u"/"_s});
    QCOMPARE(
            ws.nextText(),
            R"(452-["file","a.bin",[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]])"_ba);
    QCOMPARE(ws.next().first, QByteArray(1, '\0'));
    QCOMPARE(ws.next().first, "\xff"_ba);
}

void tst_SocketIoServer::roomsAndSkipSid()
{
    RawSocket a, b, c;
    const QString sidA = join(a), sidB = join(b), sidC = join(c);
    m_server->enterRoom(sidA, u"r"_s);
    m_server->enterRoom(sidB, u"r"_s);
    QStringList members{sidA, sidB};
    members.sort();
    QCOMPARE(m_server->participants(u"r"_s), members);
    QCOMPARE(m_server->emitEvent(u"room"_s, {1}, {{u"r"_s}, {sidA}, u"/"_s}), 1);
    QCOMPARE(m_server->emitEvent(u"all"_s, {2}), 3);
    QCOMPARE(m_server->emitEvent(u"two rooms"_s, {3}, {{u"r"_s, sidC}, {}, u"/"_s}), 3);
    QCOMPARE(m_server->emitEvent(u"to one"_s, {4}, {{sidC}, {}, u"/"_s}), 1);
    QCOMPARE(m_server->send(u"hello"_s, {{}, {sidA, sidB}, u"/"_s}), 1);

    // Each client gets exactly its packets, in order.
    QCOMPARE(a.nextText(), R"(42["all",2])"_ba);
    QCOMPARE(a.nextText(), R"(42["two rooms",3])"_ba);
    QCOMPARE(b.nextText(), R"(42["room",1])"_ba);
    QCOMPARE(b.nextText(), R"(42["all",2])"_ba);
    QCOMPARE(b.nextText(), R"(42["two rooms",3])"_ba);
    QCOMPARE(c.nextText(), R"(42["all",2])"_ba);
    QCOMPARE(c.nextText(), R"(42["two rooms",3])"_ba);
    QCOMPARE(c.nextText(), R"(42["to one",4])"_ba);
    QCOMPARE(c.nextText(), R"(42["message","hello"])"_ba);
    // Nothing else reached a or b: the next thing each gets is a final broadcast.
    m_server->emitEvent(u"end"_s);
    QCOMPARE(a.nextText(), R"(42["end"])"_ba);
    QCOMPARE(b.nextText(), R"(42["end"])"_ba);
}

void tst_SocketIoServer::roomBookkeeping()
{
    QSignalSpy roomsChanged(m_server.get(), &SocketIoServer::roomsChanged);
    RawSocket a, b;
    const QString sidA = join(a), sidB = join(b);
    m_server->enterRoom(sidA, u"x"_s);
    m_server->enterRoom(sidA, u"x"_s); // twice: no change
    m_server->enterRoom(sidB, u"x"_s);
    m_server->enterRoom(sidA, u"y"_s);
    QCOMPARE(roomsChanged.size(), 3);
    QStringList expected{sidA, u"x"_s, u"y"_s};
    expected.sort();
    QCOMPARE(m_server->rooms(sidA), expected);
    m_server->leaveRoom(sidA, u"y"_s);
    QVERIFY(!m_server->rooms(sidA).contains(u"y"_s));
    m_server->closeRoom(u"x"_s);
    QVERIFY(m_server->participants(u"x"_s).isEmpty());
    QCOMPARE(m_server->rooms(sidB), QStringList{sidB});
    // Unknown sids are ignored, not crashes.
    m_server->enterRoom(u"nobody"_s, u"x"_s);
    m_server->leaveRoom(u"nobody"_s, u"x"_s);
    QVERIFY(m_server->rooms(u"nobody"_s).isEmpty());
    QCOMPARE(m_server->emitEvent(u"x"_s, {}, {{u"nobody"_s}, {}, u"/"_s}), 0);
    m_server->disconnectClient(u"nobody"_s);
    bool called = false;
    m_server->emitWithAck(u"nobody"_s, u"x"_s, {},
                          [&](bool t, const QVariantList &) { called = t; });
    QTRY_VERIFY(called);
}

void tst_SocketIoServer::sessionStore()
{
    RawSocket ws;
    const QString sid = join(ws);
    QVERIFY(m_server->session(sid).isEmpty());
    m_server->saveSession(sid, {{u"name"_s, u"alice"_s}});
    QCOMPARE(m_server->session(sid).value(u"name"_s).toString(), u"alice"_s);
    ws.sendText("41");
    QTRY_VERIFY(!m_server->isConnected(sid));
    QVERIFY(m_server->session(sid).isEmpty());
}

void tst_SocketIoServer::disconnectReasons_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<Reason>("reason");
    QTest::addRow("client leaves the namespace") << u"41"_s << Reason::ClientNamespaceDisconnect;
    QTest::addRow("client closes the session") << u"close packet"_s << Reason::TransportClose;
    QTest::addRow("connection dropped") << u"abort"_s << Reason::TransportClose;
    QTest::addRow("pings unanswered") << u"silence"_s << Reason::PingTimeout;
    QTest::addRow("invalid packet") << u"garbage"_s << Reason::ParseError;
}

void tst_SocketIoServer::disconnectReasons()
{
    QFETCH(QString, how);
    QFETCH(Reason, reason);
    QList<Reason> handlerReasons;
    m_server->onDisconnect([&](const QString &, Reason r) { handlerReasons.append(r); });
    QSignalSpy disconnected(m_server.get(), &SocketIoServer::clientDisconnected);
    RawSocket ws(how != u"silence");
    const QString sid = join(ws);
    QVERIFY(!sid.isEmpty());
    if (how == u"41")
        ws.sendText("41");
    else if (how == u"close packet")
        ws.sendText("1");
    else if (how == u"abort")
        ws.socket.abort();
    else if (how == u"garbage")
        ws.sendText("4abc");
    QVERIFY(disconnected.wait(3000));
    QCOMPARE(disconnected.first().at(0).toString(), sid);
    QCOMPARE(disconnected.first().at(2).value<Reason>(), reason);
    QCOMPARE(handlerReasons, QList<Reason>{reason});
    QCOMPARE(m_server->clientCount(), 0);
    if (how == u"41") {
        // Leaving the last namespace keeps the session: pings go on, nothing else is sent.
        const int pings = ws.pingsAnswered;
        QTRY_VERIFY_WITH_TIMEOUT(ws.pingsAnswered > pings, 2000);
        QVERIFY(!ws.closed);
        QVERIFY(ws.frames.isEmpty());
        QCOMPARE(m_server->engine()->sessionCount(), 1);
    }
}

void tst_SocketIoServer::serverDisconnect()
{
    m_server->addNamespace(u"/admin"_s);
    RawSocket ws;
    const QString sid = join(ws);
    const QString admin = join(ws, u"/admin"_s);
    QVERIFY(!admin.isEmpty());
    QSignalSpy disconnected(m_server.get(), &SocketIoServer::clientDisconnected);
    m_server->disconnectClient(admin, u"/admin"_s);
    QCOMPARE(ws.nextText(), "41/admin,"_ba);
    QCOMPARE(disconnected.size(), 1);
    QCOMPARE(disconnected.first().at(2).value<Reason>(), Reason::ServerNamespaceDisconnect);
    QVERIFY(m_server->isConnected(sid)); // the other namespace stays
    m_server->disconnectClient(sid, u"/"_s, true);
    QCOMPARE(ws.nextText(), "41"_ba);
    QVERIFY(ws.waitClosed());
}

void tst_SocketIoServer::closeConnectionLeavesEveryNamespace()
{
    m_server->addNamespace(u"/admin"_s);
    RawSocket ws;
    const QString sid = join(ws);
    const QString admin = join(ws, u"/admin"_s);
    QSignalSpy disconnected(m_server.get(), &SocketIoServer::clientDisconnected);
    m_server->disconnectClient(sid, u"/"_s, true);
    // Each namespace is told, so that the client does not reconnect the other one.
    QStringList packets{QString::fromUtf8(ws.nextText()), QString::fromUtf8(ws.nextText())};
    packets.sort();
    QCOMPARE(packets, (QStringList{u"41"_s, u"41/admin,"_s}));
    QVERIFY(ws.waitClosed());
    QCOMPARE(disconnected.size(), 2);
    for (const auto &args : disconnected)
        QCOMPARE(args.at(2).value<Reason>(), Reason::ServerNamespaceDisconnect);
}

void tst_SocketIoServer::disconnectInsideConnectHandler()
{
    // Found by the interop tests: this used to read a deleted socket.
    m_server->onConnect([this](const QString &sid, const Environ &, const QVariant &) {
        m_server->emitEvent(u"bye"_s, {}, {{sid}, {}, u"/"_s});
        m_server->disconnectClient(sid);
        return ConnectResult::accept();
    });
    QSignalSpy disconnected(m_server.get(), &SocketIoServer::clientDisconnected);
    RawSocket ws;
    QVERIFY(ws.open(m_wsUrl));
    ws.nextText();
    ws.sendText("40");
    QVERIFY(ws.nextText().startsWith("40{\"sid\""));
    QCOMPARE(ws.nextText(), R"(42["bye"])"_ba);
    QCOMPARE(ws.nextText(), "41"_ba);
    QTRY_COMPARE(disconnected.size(), 1);
    QCOMPARE(m_server->clientCount(), 0);
}

void tst_SocketIoServer::disconnectHandlerRemovesASibling_data()
{
    QTest::addColumn<bool>("serverCloses");
    QTest::addRow("connection dropped") << false;
    QTest::addRow("disconnectClient closes the connection") << true;
}

void tst_SocketIoServer::disconnectHandlerRemovesASibling()
{
    // A client leaving one namespace takes its other one along (as an app that keeps one
    // presence per connection would). While a whole connection goes, the server walks the
    // client's sockets: the walk used to hold a pointer to the one the handler had removed.
    QFETCH(bool, serverCloses);
    m_server->addNamespace(u"/admin"_s);
    RawSocket ws;
    const QString sid = join(ws);
    const QString admin = join(ws, u"/admin"_s);
    QVERIFY(!sid.isEmpty() && !admin.isEmpty());
    QStringList handled;
    const auto leaveTheOther
            = [&](const QString &nsp, const QString &otherSid, const QString &otherNsp) {
                  return [&, nsp, otherSid, otherNsp](const QString &gone, Reason) {
                      handled.append(nsp + u' ' + gone);
                      m_server->disconnectClient(otherSid, otherNsp);
                  };
              };
    m_server->onDisconnect(leaveTheOther(u"/"_s, admin, u"/admin"_s), u"/"_s);
    m_server->onDisconnect(leaveTheOther(u"/admin"_s, sid, u"/"_s), u"/admin"_s);
    QSignalSpy disconnected(m_server.get(), &SocketIoServer::clientDisconnected);
    if (serverCloses)
        m_server->disconnectClient(sid, u"/"_s, true);
    else
        ws.socket.abort();
    QTRY_COMPARE(disconnected.size(), 2);
    handled.sort();
    QCOMPARE(handled, (QStringList{u"/ "_s + sid, u"/admin "_s + admin}));
    QCOMPARE(m_server->clientCount(), 0);
    QTRY_COMPARE(m_server->engine()->sessionCount(), 0);
}

void tst_SocketIoServer::malformedPacketsClose_data()
{
    QTest::addColumn<QByteArray>("packet");
    QTest::addRow("unknown packet type") << "4abc"_ba;
    QTest::addRow("event payload not an array") << "42{}"_ba;
    QTest::addRow("invalid ack id") << R"(42abc["x"])"_ba;
    QTest::addRow("reserved event name") << R"(42["disconnect"])"_ba;
    QTest::addRow("namespace not joined") << R"(42/admin,["x"])"_ba;
    QTest::addRow("second connect") << "40"_ba;
    QTest::addRow("connect_error from client") << R"(44{"message":"x"})"_ba;
    QTest::addRow("binary without pending packet") << QByteArray(); // sent as a binary frame
    QTest::addRow("text while attachments expected")
            << R"(451-["x",{"_placeholder":true,"num":0}])"_ba;
}

void tst_SocketIoServer::malformedPacketsClose()
{
    QFETCH(QByteArray, packet);
    m_server->addNamespace(u"/admin"_s);
    RawSocket bystander;
    const QString other = join(bystander);
    RawSocket ws;
    QVERIFY(!join(ws).isEmpty());
    if (packet.isEmpty()) {
        ws.sendBinary("\x01"_ba);
    } else {
        ws.sendText(packet);
        if (packet.startsWith("451-"))
            ws.sendText(R"(42["y"])");
    }
    QVERIFY(ws.waitClosed());
    // The host goes on serving everyone else.
    m_server->emitEvent(u"still"_s, {}, {{other}, {}, u"/"_s});
    QCOMPARE(bystander.nextText(), R"(42["still"])"_ba);
}

void tst_SocketIoServer::connectTimeout()
{
    RawSocket ws;
    QVERIFY(ws.open(m_wsUrl));
    QVERIFY(ws.nextText().startsWith('0'));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(ws.waitClosed(3000)); // connectTimeout is 500 ms here
    QVERIFY(timer.elapsed() >= 300);
}

void tst_SocketIoServer::floodFromOneSid()
{
    int handled = 0;
    m_server->on(u"spam"_s, [&](const QString &, const QVariantList &) {
        ++handled;
        return QVariantList();
    });
    m_server->on(u"ping"_s,
                 [](const QString &, const QVariantList &) { return QVariantList{u"pong"_s}; });
    RawSocket flooder, quiet;
    join(flooder);
    join(quiet);
    for (int i = 0; i < 5000; ++i)
        flooder.sendText(R"(42["spam",")" + QByteArray::number(i) + R"("])");
    quiet.sendText(R"(421["ping"])");
    QCOMPARE(quiet.nextText(10000), R"(431["pong"])"_ba);
    QTRY_COMPARE_WITH_TIMEOUT(handled, 5000, 20000); // nothing lost, nothing crashed
}

void tst_SocketIoServer::pollingClientsReceiveBroadcasts()
{
    // A polling client and a WebSocket client get the same broadcast.
    HttpClient http;
    const quint16 port = m_server->serverPort();
    const HttpResult open = http.get(url(port, u"EIO=4&transport=polling"_s));
    const QString eioSid = openSid(open.body);
    const QUrl poll = url(port, u"EIO=4&transport=polling&sid="_s + eioSid);
    QCOMPARE(http.post(poll, "40").body, "ok"_ba);
    QVERIFY(http.get(poll).body.startsWith("40{\"sid\""));
    RawSocket ws;
    join(ws);
    QCOMPARE(m_server->emitEvent(u"news"_s, {u"€"_s}), 2);
    QCOMPARE(ws.nextText(), "42[\"news\",\"\xe2\x82\xac\"]"_ba);
    QCOMPARE(http.get(poll).body, "42[\"news\",\"\xe2\x82\xac\"]"_ba);
}

void tst_SocketIoServer::broadcastIsEncodedOnce()
{
    // Whichever engine carries the WebSockets, the Socket.IO layer encodes a broadcast once
    // and hands every recipient the same bytes: an engine that needed its own encoding per
    // recipient would show here as one encode per client.
    constexpr int Clients = 5;
    std::array<RawSocket, Clients> clients;
    for (RawSocket &ws : clients)
        QVERIFY(!join(ws).isEmpty());
    const quint64 before = SocketIo::encodedOnThisThread();
    QCOMPARE(m_server->emitEvent(u"news"_s, {u"€"_s}), Clients);
    QCOMPARE(m_server->emitEvent(u"blob"_s, {QByteArray("\x01\x02")}), Clients);
    QCOMPARE(SocketIo::encodedOnThisThread() - before, 2u);
    for (RawSocket &ws : clients) {
        QCOMPARE(ws.nextText(), "42[\"news\",\"\xe2\x82\xac\"]"_ba);
        QCOMPARE(ws.nextText(), R"(451-["blob",{"_placeholder":true,"num":0}])"_ba);
        const auto attachment = ws.next();
        QVERIFY(attachment.second);
        QCOMPARE(attachment.first, "\x01\x02"_ba);
    }
    // Nothing was encoded again while the engines wrote it out.
    QCOMPARE(SocketIo::encodedOnThisThread() - before, 2u);
}

void tst_SocketIoServer::transportChangedOnUpgrade()
{
    QSignalSpy changed(m_server.get(), &SocketIoServer::transportChanged);
    HttpClient http;
    const quint16 port = m_server->serverPort();
    const QString eioSid = openSid(http.get(url(port, u"EIO=4&transport=polling"_s)).body);
    const QUrl poll = url(port, u"EIO=4&transport=polling&sid="_s + eioSid);
    QCOMPARE(http.post(poll, "40").body, "ok"_ba);
    const QString sid = sidOf(http.get(poll).body);
    QCOMPARE(m_server->client(sid)->transport, u"polling"_s);

    RawSocket ws;
    QVERIFY(ws.open(
            url(port, u"EIO=4&transport=websocket&sid="_s + eioSid, u"/socket.io/"_s, u"ws"_s)));
    ws.sendText("2probe");
    QCOMPARE(ws.nextText(), "3probe"_ba);
    ws.sendText("5");
    QVERIFY(changed.wait());
    QCOMPARE(changed.first().at(0).toString(), sid);
    QCOMPARE(changed.first().at(1).toString(), u"/"_s);
    QCOMPARE(changed.first().at(2).toString(), u"websocket"_s);
    QCOMPARE(m_server->client(sid)->transport, u"websocket"_s);
}

void tst_SocketIoServer::oneConnectAttemptPerNamespace_data()
{
    QTest::addColumn<QByteArray>("firstPassword");
    QTest::addColumn<QByteArray>("firstReply");
    // A password guesser's POST: many CONNECT packets, the right password last.
    QTest::addRow("refused, then guesses") << "guess"_ba
                                           << "44{\"message\":\"unauthorized\"}"_ba;
    // A client in the namespace may not CONNECT to it again either.
    QTest::addRow("connected, then guesses") << "right"_ba
                                             << "40{\"sid\""_ba;
}

void tst_SocketIoServer::oneConnectAttemptPerNamespace()
{
    QFETCH(QByteArray, firstPassword);
    QFETCH(QByteArray, firstReply);
    // Time enough for the GET that collects the answers (a closing session waits pingTimeout).
    SocketIoOptions options = m_server->options();
    options.engine.pingInterval = 5000ms;
    options.engine.pingTimeout = 5000ms;
    options.engine.webSocketEngine = currentWebSocketEngine();
    m_server = std::make_unique<SocketIoServer>(options);
    QVERIFY(m_server->listen());
    int calls = 0;
    m_server->onConnect([&](const QString &, const Environ &, const QVariant &auth) {
        ++calls;
        return auth.toMap().value(u"password"_s) == u"right"_s
                ? ConnectResult::accept()
                : ConnectResult::refuse(u"unauthorized"_s);
    });
    QSignalSpy disconnected(m_server.get(), &SocketIoServer::clientDisconnected);
    HttpClient http;
    const quint16 port = m_server->serverPort();
    const QString eioSid = openSid(http.get(url(port, u"EIO=4&transport=polling"_s)).body);
    QVERIFY(!eioSid.isEmpty());
    const QUrl poll = url(port, u"EIO=4&transport=polling&sid="_s + eioSid);
    QByteArrayList packets{R"(40{"password":")" + firstPassword + R"("})"};
    for (int i = 0; i < 2000; ++i)
        packets.append(R"(40{"password":"guess)" + QByteArray::number(i) + R"("})");
    packets.append(R"(40{"password":"right"})");
    QCOMPARE(http.post(poll, packets.join('\x1e')).body, "ok"_ba);

    QCOMPARE(calls, 1); // the handler saw the first attempt only
    // The first answer, one CONNECT_ERROR for the second attempt, then the close.
    const QByteArrayList reply = http.get(poll).body.split('\x1e');
    QCOMPARE(reply.size(), 3);
    QVERIFY2(reply.at(0).startsWith(firstReply), reply.at(0).constData());
    QCOMPARE(reply.at(1),
             R"(44{"message":"one connection attempt per namespace: reconnect to try again"})"_ba);
    QCOMPARE(reply.at(2), "1"_ba);
    QTRY_COMPARE(m_server->engine()->sessionCount(), 0);
    QCOMPARE(m_server->clientCount(), 0);
    if (firstReply.startsWith("40")) {
        QCOMPARE(disconnected.size(), 1);
        QCOMPARE(disconnected.first().at(2).value<Reason>(), Reason::ParseError);
    }
}

QTEST_MAIN(tst_SocketIoServer)
#include "tst_socketioserver.moc"
