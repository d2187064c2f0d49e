// SPDX-License-Identifier: MIT
// SocketIoClient against a real python-socketio 5 or Node socket.io 4 server, or Confab's own host
// (client_confab_server); CONFAB_PEER picks which. In every transport mode.
#include "peerserver.h"

#include "ackreply.h"
#include "socketioclient.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab::Client;
using ConfabTest::PeerServer;

namespace {

constexpr int Timeout = 15000;

//! Records every event a client receives.
class Recorder : public QObject
{
public:
    struct Event
    {
        QString nsp;
        QString name;
        QVariantList args;
        AckHandle ack;
    };

    explicit Recorder(SocketIoClient *client)
    {
        connect(client, &SocketIoClient::eventReceived, this,
                [this](const QString &nsp, const QString &name, const QVariantList &args,
                       const AckHandle &ack) {
                    events.append({nsp, name, args, ack});
                });
    }

    int count(const QString &name, const QString &nsp = u"/"_s) const
    {
        return int(std::count_if(events.cbegin(), events.cend(),
                                 [&](const Event &e) { return e.name == name && e.nsp == nsp; }));
    }
    Event first(const QString &name, const QString &nsp = u"/"_s) const
    {
        for (const Event &e : events) {
            if (e.name == name && e.nsp == nsp)
                return e;
        }
        return {};
    }
    QList<Event> all(const QString &name, const QString &nsp = u"/"_s) const
    {
        QList<Event> result;
        for (const Event &e : events) {
            if (e.name == name && e.nsp == nsp)
                result.append(e);
        }
        return result;
    }

    QList<Event> events;
};

} // namespace

class tst_ClientInterop : public QObject
{
    Q_OBJECT

private:
    PeerServer::Kind kind() const { return PeerServer::kindFromName(QStringLiteral(CONFAB_PEER)); }

    ClientOptions options(const PeerServer &server) const
    {
        ClientOptions o;
        o.url = QUrl(server.httpUrl());
        QFETCH(TransportMode, mode);
        o.transports = mode;
        // Fast reconnection so that the restart tests stay short.
        o.reconnectionDelay = std::chrono::milliseconds(100);
        o.reconnectionDelayMax = std::chrono::milliseconds(400);
        o.connectTimeout = std::chrono::milliseconds(10000);
        return o;
    }

    struct Session
    {
        std::unique_ptr<SocketIoClient> client;
        std::unique_ptr<Recorder> recorder;
        explicit operator bool() const { return bool(client); }
    };

    //! A connected client, and a recorder that saw every event from the start (python-socketio
    //! sends "welcome" before the CONNECT ack, so it is delivered together with connected()).
    Session connectedClient(const ClientOptions &o)
    {
        Session s;
        s.client = std::make_unique<SocketIoClient>(o);
        s.recorder = std::make_unique<Recorder>(s.client.get());
        QSignalSpy joined(s.client.get(), &SocketIoClient::connected);
        s.client->open();
        if (!joined.wait(Timeout)) {
            qWarning("client did not connect: %s", qPrintable(s.client->lastError()));
            return {};
        }
        return s;
    }

    static void addTransportRows()
    {
        QTest::addColumn<TransportMode>("mode");
        QTest::addRow("websocket") << TransportMode::WebSocket;
        QTest::addRow("polling") << TransportMode::Polling;
        QTest::addRow("auto") << TransportMode::Auto;
    }

    std::unique_ptr<PeerServer> m_server;

private Q_SLOTS:
    void initTestCase()
    {
        CONFAB_REQUIRE_PEER(kind());
        m_server = std::make_unique<PeerServer>(kind());
        QVERIFY(m_server->start());
    }
    void cleanupTestCase() { m_server.reset(); }

    void connectAndEcho_data() { addTransportRows(); }
    void connectAndEcho()
    {
        QFETCH(TransportMode, mode);
        auto session = connectedClient(options(*m_server));
        QVERIFY(session);
        auto &client = session.client;
        Recorder &recorder = *session.recorder;
        QCOMPARE(client->state(), SocketIoClient::State::Connected);
        QVERIFY(!client->socketId().isEmpty());
        // python-socketio sends "welcome" before its CONNECT ack; either way it arrives after.
        QTRY_COMPARE_WITH_TIMEOUT(recorder.count(u"welcome"_s), 1, Timeout);
        QCOMPARE(recorder.first(u"welcome"_s).args.value(0).toMap().value(u"nsp"_s), u"/"_s);

        const QString expectedTransport
                = mode == TransportMode::Polling ? u"polling"_s : u"websocket"_s;
        QTRY_COMPARE_WITH_TIMEOUT(client->transport(), expectedTransport, Timeout);

        const QVariantList args{u"hello"_s, 42, QVariantMap{{u"3"_s, QVariantList{true}}},
                                u"ünïcødé ✓"_s};
        AckReply *reply = client->call(u"echo"_s, args, std::chrono::milliseconds(Timeout));
        QSignalSpy finished(reply, &AckReply::finished);
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(reply->error(), AckReply::Error::NoError);
        QCOMPARE(reply->result().size(), 4);
        QCOMPARE(reply->result().at(0).toString(), u"hello"_s);
        QCOMPARE(reply->result().at(1).toInt(), 42);
        QCOMPARE(reply->result().at(2).toMap().value(u"3"_s).toList().value(0).toBool(), true);
        QCOMPARE(reply->result().at(3).toString(), u"ünïcødé ✓"_s);

        // Many events in a row, more than one polling POST may carry (python-engineio: 16).
        for (int i = 0; i < 40; ++i)
            QVERIFY(client->emitEvent(u"message"_s, {i}));
        QTRY_COMPARE_WITH_TIMEOUT(recorder.count(u"message-back"_s), 40, Timeout);
        const auto backs = recorder.all(u"message-back"_s);
        for (int i = 0; i < 40; ++i)
            QCOMPARE(backs.at(i).args.value(0).toInt(), i);

        QSignalSpy closed(client.get(), &SocketIoClient::closed);
        client->close();
        QCOMPARE(client->state(), SocketIoClient::State::Disconnected);
        QVERIFY(closed.wait(Timeout));
    }

    void auth_data() { addTransportRows(); }
    void auth()
    {
        ClientOptions o = options(*m_server);
        o.auth = QVariantMap{{u"token"_s, u"secret"_s}, {u"user"_s, u"ada"_s}};
        o.query.addQueryItem(u"extra"_s, u"a b&c"_s);
        o.headers.append({"X-Confab-Test"_ba, "header value"_ba});
        auto session = connectedClient(o);
        QVERIFY(session);
        Recorder &recorder = *session.recorder;
        QTRY_COMPARE_WITH_TIMEOUT(recorder.count(u"welcome"_s), 1, Timeout);
        const QVariantMap auth
                = recorder.first(u"welcome"_s).args.value(0).toMap().value(u"auth"_s).toMap();
        QCOMPARE(auth.value(u"user"_s).toString(), u"ada"_s);
        // Query parameters and extra headers reach the server's handshake.
        const QVariantMap welcome = recorder.first(u"welcome"_s).args.value(0).toMap();
        QCOMPARE(welcome.value(u"query"_s).toString(), u"a b&c"_s);
        QCOMPARE(welcome.value(u"header"_s).toString(), u"header value"_s);
    }

    void authRefused_data() { addTransportRows(); }
    void authRefused()
    {
        ClientOptions o = options(*m_server);
        o.auth = QVariantMap{{u"token"_s, u"wrong"_s}};
        SocketIoClient client(o);
        QSignalSpy refused(&client, &SocketIoClient::connectError);
        QSignalSpy joined(&client, &SocketIoClient::connected);
        client.open();
        QVERIFY(refused.wait(Timeout));
        QCOMPARE(refused.first().at(0).toString(), u"/"_s);
        QCOMPARE(refused.first().at(1).toString(), u"invalid token"_s);
        QCOMPARE(refused.first().at(2).toMap().value(u"reason"_s).toString(), u"bad token"_s);
        QCOMPARE(client.error(), SocketIoClient::Error::ConnectRefused);
        // The only namespace was refused: the connection ends and is not retried.
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), SocketIoClient::State::Disconnected, Timeout);
        QCOMPARE(joined.size(), 0);
        QVERIFY(!client.emitEvent(u"echo"_s));
    }

    void namespaces_data() { addTransportRows(); }
    void namespaces()
    {
        ClientOptions o = options(*m_server);
        o.namespaces = {u"/"_s, u"/chat"_s};
        SocketIoClient client(o);
        Recorder recorder(&client);
        QSignalSpy joined(&client, &SocketIoClient::connected);
        client.open();
        QTRY_COMPARE_WITH_TIMEOUT(joined.size(), 2, Timeout);
        QVERIFY(client.isConnected(u"/"_s));
        QVERIFY(client.isConnected(u"/chat"_s));
        QVERIFY(client.socketId(u"/"_s) != client.socketId(u"/chat"_s));
        QTRY_COMPARE_WITH_TIMEOUT(recorder.count(u"welcome"_s, u"/chat"_s), 1, Timeout);
        QCOMPARE(recorder.first(u"welcome"_s, u"/chat"_s).args.value(0).toMap().value(u"nsp"_s),
                 u"/chat"_s);

        AckReply *main = client.call(u"echo"_s, {u"main"_s});
        AckReply *chat = client.call(u"echo"_s, {u"chat"_s}, std::chrono::milliseconds(Timeout),
                                     u"/chat"_s);
        QTRY_VERIFY_WITH_TIMEOUT(main->isFinished() && chat->isFinished(), Timeout);
        QCOMPARE(main->result(), QVariantList{u"main"_s});
        QCOMPARE(chat->result(), QVariantList{u"chat"_s});

        // Leaving one namespace keeps the other (and the connection).
        QSignalSpy left(&client, &SocketIoClient::disconnected);
        client.leaveNamespace(u"/chat"_s);
        QCOMPARE(left.size(), 1);
        QVERIFY(client.emitEvent(u"message"_s, {u"still here"_s}));
        QTRY_COMPARE_WITH_TIMEOUT(recorder.count(u"message-back"_s), 1, Timeout);
        QCOMPARE(client.state(), SocketIoClient::State::Connected);

        // Joining at run time.
        client.joinNamespace(u"/chat"_s);
        QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(u"/chat"_s), Timeout);
    }

    void serverAcks_data() { addTransportRows(); }
    void serverAcks()
    {
        auto session = connectedClient(options(*m_server));
        QVERIFY(session);
        auto &client = session.client;
        Recorder &recorder = *session.recorder;
        // The server asks, the client answers through the handle, the server reports back.
        client->on(u"question"_s, this, [](const QVariantList &args, const AckHandle &ack) {
            QVERIFY(ack.isPending());
            QVERIFY(ack.send({u"answer to"_s, args.value(0), 42}));
            QVERIFY(!ack.isPending());
            QVERIFY(!ack.send({u"twice"_s})); // one answer only
        });
        QVERIFY(client->emitEvent(u"ask"_s, {u"life"_s}));
        QTRY_COMPARE_WITH_TIMEOUT(recorder.count(u"answer"_s), 1, Timeout);
        QCOMPARE(recorder.first(u"answer"_s).args, (QVariantList{u"answer to"_s, u"life"_s, 42}));
        QVERIFY(!recorder.first(u"question"_s).ack.isPending());
    }

    void handlerReturnAcks_data() { addTransportRows(); }
    void handlerReturnAcks()
    {
        auto session = connectedClient(options(*m_server));
        QVERIFY(session);
        auto &client = session.client;
        Recorder &recorder = *session.recorder;
        // A handler returning a QVariantList answers the ack with it, binary included.
        client->on(u"question"_s, this, [](const QVariantList &args) -> QVariantList {
            return {args.value(0), QByteArray("\x00\x01\xfe", 3)};
        });
        QVERIFY(client->emitEvent(u"ask"_s, {u"bin"_s}));
        QTRY_COMPARE_WITH_TIMEOUT(recorder.count(u"answer"_s), 1, Timeout);
        const QVariantList answer = recorder.first(u"answer"_s).args;
        QCOMPARE(answer.value(0).toString(), u"bin"_s);
        QCOMPARE(answer.value(1).toByteArray(), QByteArray("\x00\x01\xfe", 3));
    }

    void ackCallbackAndTimeout_data() { addTransportRows(); }
    void ackCallbackAndTimeout()
    {
        auto session = connectedClient(options(*m_server));
        QVERIFY(session);
        auto &client = session.client;
        QList<AckResult> results;
        QVERIFY(client->emitWithAck(
                u"echo"_s, {1, 2}, this, [&](const AckResult &r) { results.append(r); },
                std::chrono::milliseconds(Timeout)));
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, Timeout);
        QCOMPARE(results.first().status, AckStatus::Acknowledged);
        QCOMPARE(results.first().args, (QVariantList{1, 2}));

        // The server acks after 1500 ms; the client gives up after 200 ms, then ignores it.
        QElapsedTimer timer;
        timer.start();
        AckReply *late = client->call(u"slow"_s, {1500}, std::chrono::milliseconds(200));
        QSignalSpy finished(late, &AckReply::finished);
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(late->error(), AckReply::Error::Timeout);
        QVERIFY(timer.elapsed() < 1400);
        QCOMPARE(finished.size(), 1);
        // The late ack arrives and is dropped; the connection carries on.
        AckReply *after = client->call(u"slow"_s, {1600});
        QSignalSpy afterFinished(after, &AckReply::finished);
        QVERIFY(afterFinished.wait(Timeout));
        QCOMPARE(after->result(), QVariantList{u"late"_s});
        QCOMPARE(finished.size(), 1);
        QCOMPARE(client->state(), SocketIoClient::State::Connected);
    }

    void binary_data() { addTransportRows(); }
    void binary()
    {
        auto session = connectedClient(options(*m_server));
        QVERIFY(session);
        auto &client = session.client;
        Recorder &recorder = *session.recorder;
        // python-engineio 4.3 (aiohttp) cannot read a POST body that arrives in pieces, so over
        // polling it gets a binary that fits in one (see SoftPostBytes in engineioclient.cpp).
        QFETCH(TransportMode, mode);
        const bool pythonPolling
                = kind() == PeerServer::Kind::Python && mode == TransportMode::Polling;
        QByteArray big(pythonPolling ? 8000 : 300 * 1000, '\0');
        for (int i = 0; i < big.size(); ++i)
            big[i] = char(i * 7);
        const QVariantList args{
                QByteArray("\x00\x01\x02\xff", 4),
                QVariantMap{{u"nested"_s, QByteArray("\xde\xad", 2)}, {u"text"_s, u"plain"_s}},
                big};
        AckReply *reply = client->call(u"echo"_s, args, std::chrono::milliseconds(Timeout));
        QSignalSpy finished(reply, &AckReply::finished);
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(reply->error(), AckReply::Error::NoError);
        QCOMPARE(reply->result().value(0).toByteArray(), QByteArray("\x00\x01\x02\xff", 4));
        QCOMPARE(reply->result().value(1).toMap().value(u"nested"_s).toByteArray(),
                 QByteArray("\xde\xad", 2));
        QCOMPARE(reply->result().value(1).toMap().value(u"text"_s).toString(), u"plain"_s);
        QCOMPARE(reply->result().value(2).toByteArray(), big);

        QVERIFY(client->emitEvent(u"server-binary"_s));
        QTRY_COMPARE_WITH_TIMEOUT(recorder.count(u"binary"_s), 1, Timeout);
        const QVariantList got = recorder.first(u"binary"_s).args;
        QCOMPARE(got.value(0).toByteArray(), QByteArray("\x00\x01\x02\x03\x04", 5));
        QCOMPARE(got.value(1).toMap().value(u"nested"_s).toByteArray(), QByteArray("\x00\xff", 2));
    }

    void maxPayload_data() { addTransportRows(); }
    void maxPayload()
    {
        if (kind() == PeerServer::Kind::Python)
            QSKIP("python-engineio 4.3 announces no maxPayload");
        PeerServer server(kind());
        QVERIFY(server.start(0, {u"--max-payload"_s, u"20000"_s}));
        auto session = connectedClient(options(server));
        QVERIFY(session);
        auto &client = session.client;
        // Refused by the client instead of getting the whole connection closed by the server.
        QVERIFY(!client->emitEvent(u"message"_s, {QString(30000, u'x')}));
        AckReply *reply = client->call(u"echo"_s, {QString(10000, u'y')});
        QSignalSpy finished(reply, &AckReply::finished);
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(reply->result().value(0).toString().size(), 10000);
        QCOMPARE(client->state(), SocketIoClient::State::Connected);
    }

    void serverDisconnects_data() { addTransportRows(); }
    void serverDisconnects()
    {
        auto session = connectedClient(options(*m_server));
        QVERIFY(session);
        auto &client = session.client;
        QSignalSpy gone(client.get(), &SocketIoClient::disconnected);
        QSignalSpy reconnecting(client.get(), &SocketIoClient::reconnectScheduled);
        QVERIFY(client->emitEvent(u"disconnect-me"_s));
        QVERIFY(gone.wait(Timeout));
        QCOMPARE(gone.first().at(1).value<SocketIoClient::DisconnectReason>(),
                 SocketIoClient::DisconnectReason::ServerDisconnect);
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), SocketIoClient::State::Disconnected, Timeout);
        QCOMPARE(client->error(), SocketIoClient::Error::ServerDisconnected);
        // A server's decision is final: no reconnection (as in socket.io-client).
        QTest::qWait(500);
        QCOMPARE(reconnecting.size(), 0);
        QCOMPARE(client->state(), SocketIoClient::State::Disconnected);
        // open() starts over.
        QSignalSpy joined(client.get(), &SocketIoClient::connected);
        client->open();
        QVERIFY(joined.wait(Timeout));
    }

    void killAndRestart_data() { addTransportRows(); }
    void killAndRestart()
    {
        PeerServer server(kind());
        QVERIFY(server.start());
        ClientOptions o = options(server);
        o.namespaces = {u"/"_s, u"/chat"_s};
        int authCalls = 0;
        o.authProvider = [&authCalls](const QString &nsp) {
            return QVariantMap{{u"token"_s, u"secret"_s}, {u"n"_s, ++authCalls}, {u"nsp"_s, nsp}};
        };
        SocketIoClient client(o);
        Recorder recorder(&client);
        QSignalSpy joined(&client, &SocketIoClient::connected);
        QSignalSpy reconnected(&client, &SocketIoClient::reconnected);
        client.open();
        QTRY_COMPARE_WITH_TIMEOUT(joined.size(), 2, Timeout);
        QCOMPARE(authCalls, 2);

        server.kill();
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), SocketIoClient::State::Reconnecting, Timeout);
        QVERIFY(!client.isConnected(u"/"_s));
        QVERIFY(client.nextReconnectAt().isValid());
        QVERIFY(client.reconnectDelay().count() > 0 && client.reconnectDelay().count() <= 400);

        // Made while offline: kept and sent after the reconnection; volatile ones are dropped.
        QVERIFY(client.emitEvent(u"message"_s, {u"buffered-1"_s}));
        QVERIFY(client.emitEvent(u"message"_s, {u"buffered-chat"_s}, u"/chat"_s));
        QVERIFY(!client.emitEvent(u"message"_s, {u"volatile"_s}, u"/"_s, SocketIoClient::Volatile));
        AckReply *reply
                = client.call(u"echo"_s, {u"buffered-ack"_s}, std::chrono::milliseconds(30000));
        QVERIFY(client.emitEvent(u"message"_s, {u"buffered-2"_s}));

        // Let a few attempts fail against the closed port before the server is back.
        QTRY_VERIFY_WITH_TIMEOUT(client.reconnectAttempt() >= 2, Timeout);
        QVERIFY(server.restart());
        QVERIFY(reconnected.wait(Timeout));
        QTRY_COMPARE_WITH_TIMEOUT(joined.size(), 4, Timeout);
        QVERIFY(client.isConnected(u"/"_s) && client.isConnected(u"/chat"_s));
        // A restarted server knows nothing of the old sessions: a plain reconnect (Node
        // recovers nothing it did not keep; python-socketio has no recovery at all).
        QVERIFY(!client.recovered(u"/"_s) && !client.recovered(u"/chat"_s));
        QCOMPARE(authCalls, 4); // evaluated again for each namespace
        QTRY_COMPARE_WITH_TIMEOUT(recorder.count(u"welcome"_s), 2, Timeout);
        QCOMPARE(recorder.all(u"welcome"_s)
                         .last()
                         .args.value(0)
                         .toMap()
                         .value(u"auth"_s)
                         .toMap()
                         .value(u"n"_s)
                         .toInt(),
                 3);

        QTRY_COMPARE_WITH_TIMEOUT(recorder.count(u"message-back"_s), 2, Timeout);
        const auto backs = recorder.all(u"message-back"_s);
        QCOMPARE(backs.at(0).args.value(0).toString(), u"buffered-1"_s);
        QCOMPARE(backs.at(1).args.value(0).toString(), u"buffered-2"_s);
        QTRY_COMPARE_WITH_TIMEOUT(recorder.count(u"message-back"_s, u"/chat"_s), 1, Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), Timeout);
        QCOMPARE(reply->result(), QVariantList{u"buffered-ack"_s});
        QCOMPARE(client.reconnectAttempt(), 0);
        QVERIFY(!client.nextReconnectAt().isValid());
    }

    void recovery_data() { addTransportRows(); }
    void recovery()
    {
        if (kind() != PeerServer::Kind::Node)
            QSKIP("the peer has no connection state recovery (python-socketio has none; see "
                  "killAndRestart for its plain reconnect)");
        ClientOptions o = options(*m_server);
        Session s = connectedClient(o);
        QVERIFY(s);
        QVERIFY(!s.client->recovered());
        const QString sid = s.client->socketId();
        QTRY_COMPARE_WITH_TIMEOUT(s.recorder->count(u"welcome"_s), 1, Timeout);
        // The offset the server appends is taken off: the handler sees its one argument.
        QCOMPARE(s.recorder->first(u"welcome"_s).args.size(), 1);

        QSignalSpy joined(s.client.get(), &SocketIoClient::connected);
        QSignalSpy reconnected(s.client.get(), &SocketIoClient::reconnected);
        constexpr int Missed = 25;
        QVERIFY(s.client->emitEvent(u"drop-and-miss"_s, {Missed}));
        QVERIFY(reconnected.wait(Timeout));
        QTRY_COMPARE_WITH_TIMEOUT(joined.size(), 1, Timeout);
        QVERIFY(s.client->recovered());
        QCOMPARE(s.client->socketId(), sid);
        // Everything missed, once, in order, before what the server's connection handler
        // sends on the recovered connection (Node runs it again: a second welcome).
        QTRY_COMPARE_WITH_TIMEOUT(s.recorder->count(u"welcome"_s), 2, Timeout);
        QList<int> sidEvents;
        QList<int> roomEvents;
        bool afterWelcome = false;
        int welcomes = 0;
        for (const Recorder::Event &e : std::as_const(s.recorder->events)) {
            if (e.name == u"welcome")
                afterWelcome = ++welcomes == 2;
            if (e.name == u"missed" || e.name == u"missed-room") {
                QVERIFY2(!afterWelcome, "a missed event came after the new welcome");
                QCOMPARE(e.args.size(), 1);
                (e.name == u"missed" ? sidEvents : roomEvents).append(e.args.value(0).toInt());
            }
        }
        QList<int> expected;
        for (int i = 0; i < Missed; ++i)
            expected.append(i);
        QCOMPARE(sidEvents, expected);
        QCOMPARE(roomEvents, expected);
    }

    void pingTimeout_data() { addTransportRows(); }
    void pingTimeout()
    {
        PeerServer server(kind());
        QVERIFY(server.start(0, {u"--ping-interval"_s, u"300"_s, u"--ping-timeout"_s, u"300"_s}));
        ClientOptions o = options(server);
        SocketIoClient client(o);
        QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
        QSignalSpy joined(&client, &SocketIoClient::connected);
        client.open();
        QVERIFY(joined.wait(Timeout));
        // Frozen, the server keeps its sockets open but sends no ping: only the watchdog
        // (pingInterval + pingTimeout) can tell.
        server.suspend(true);
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), Timeout);
        server.suspend(false);
        QCOMPARE(errors.first().at(0).value<SocketIoClient::Error>(),
                 SocketIoClient::Error::PingTimeout);
        QVERIFY(client.state() == SocketIoClient::State::Reconnecting
                || client.state() == SocketIoClient::State::Connected);
        QTRY_VERIFY_WITH_TIMEOUT(client.isConnected(), Timeout);
    }

    void destroyedMidConnection_data() { addTransportRows(); }
    void destroyedMidConnection()
    {
        // Destroyed while the handshake is in flight, with acks pending: nothing may call back.
        // (A fast server may answer before the client is destroyed; only later calls count.)
        int lateCallbacks = 0;
        for (int spins = 0; spins < 6; ++spins) {
            auto client = std::make_unique<SocketIoClient>(options(*m_server));
            auto destroyed = std::make_shared<bool>(false);
            client->emitWithAck(
                    u"echo"_s, {1}, this,
                    [&lateCallbacks, destroyed](const AckResult &) {
                        if (*destroyed)
                            ++lateCallbacks;
                    },
                    std::chrono::milliseconds(60000));
            client->open();
            for (int i = 0; i < spins * 3; ++i)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            client.reset();
            *destroyed = true;
        }
        QTest::qWait(200);
        QCOMPARE(lateCallbacks, 0);
        // And the server is still fine.
        auto session = connectedClient(options(*m_server));
        QVERIFY(session);
    }
};

QTEST_GUILESS_MAIN(tst_ClientInterop)
#include "tst_client_interop.moc"
