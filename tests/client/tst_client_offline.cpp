// SPDX-License-Identifier: MIT
// SocketIoClient without a Socket.IO server: URLs, options, failures to connect, the offline
// buffer, and destruction at awkward moments.
#include "ackreply.h"
#include "socketioclient.h"

#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab::Client;
using namespace std::chrono_literals;

namespace {
quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort(); // closed again when server goes out of scope
}
} // namespace

class tst_ClientOffline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resolveEndpoint_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("httpUrl");
        QTest::addColumn<QString>("wsUrl");
        QTest::addColumn<QString>("nsp");
        QTest::addRow("http") << u"http://127.0.0.1:3000"_s << u"http://127.0.0.1:3000/socket.io/"_s
                              << u"ws://127.0.0.1:3000/socket.io/"_s << u"/"_s;
        QTest::addRow("ws with namespace")
                << u"ws://host:81/chat"_s << u"http://host:81/socket.io/"_s
                << u"ws://host:81/socket.io/"_s << u"/chat"_s;
        QTest::addRow("https default port")
                << u"https://host/"_s << u"https://host:443/socket.io/"_s
                << u"wss://host:443/socket.io/"_s << u"/"_s;
        QTest::addRow("wss with endpoint path")
                << u"wss://host:8443/app/socket.io"_s << u"https://host:8443/app/socket.io/"_s
                << u"wss://host:8443/app/socket.io/"_s << u"/"_s;
    }
    void resolveEndpoint()
    {
        QFETCH(QString, url);
        QFETCH(QString, httpUrl);
        QFETCH(QString, wsUrl);
        QFETCH(QString, nsp);
        ClientOptions options;
        options.url = QUrl(url);
        const ResolvedEndpoint r = Confab::Client::resolveEndpoint(options);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.httpUrl.toString(), httpUrl);
        QCOMPARE(r.wsUrl.toString(), wsUrl);
        QCOMPARE(r.nsp, nsp);
    }

    void badUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addRow("empty") << QString();
        QTest::addRow("ftp") << u"ftp://host/"_s;
        QTest::addRow("no host") << u"http:///x"_s;
    }
    void badUrls()
    {
        QFETCH(QString, url);
        ClientOptions options;
        options.url = QUrl(url);
        QVERIFY(!Confab::Client::resolveEndpoint(options).error.isEmpty());
        SocketIoClient client(options);
        QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
        client.open();
        QCOMPARE(errors.size(), 1);
        QCOMPARE(client.error(), SocketIoClient::Error::InvalidUrl);
        QCOMPARE(client.state(), SocketIoClient::State::Disconnected);
    }

    void transportNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("mode");
        QTest::addRow("websocket") << u"websocket"_s << int(TransportMode::WebSocket);
        QTest::addRow("polling") << u"Polling"_s << int(TransportMode::Polling);
        QTest::addRow("auto") << u"auto"_s << int(TransportMode::Auto);
        QTest::addRow("bad") << u"carrier-pigeon"_s << -1;
    }
    void transportNames()
    {
        QFETCH(QString, name);
        QFETCH(int, mode);
        const auto parsed = transportModeFromString(name);
        QCOMPARE(parsed ? int(*parsed) : -1, mode);
    }

    void fingerprints_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        const QString hex = u"0123456789abcdef"_s.repeated(4);
        QTest::addRow("plain") << hex << true;
        QString colons;
        for (int i = 0; i < hex.size(); i += 2)
            colons += (i ? u":"_s : QString()) + hex.mid(i, 2).toUpper();
        QTest::addRow("openssl style") << colons << true;
        QTest::addRow("short") << hex.left(62) << false;
        QTest::addRow("not hex") << hex.left(63) + u"z"_s << false;
    }
    void fingerprints()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        const QByteArray digest = parseSha256Fingerprint(text);
        QCOMPARE(digest.size(), valid ? 32 : 0);
    }

    void unreachable_data()
    {
        QTest::addColumn<TransportMode>("mode");
        QTest::addRow("websocket") << TransportMode::WebSocket;
        QTest::addRow("polling") << TransportMode::Polling;
        QTest::addRow("auto") << TransportMode::Auto;
    }
    void unreachable()
    {
        QFETCH(TransportMode, mode);
        ClientOptions options;
        options.url = QUrl(u"http://127.0.0.1:%1"_s.arg(closedPort()));
        options.transports = mode;
        options.reconnectionDelay = std::chrono::milliseconds(50);
        options.reconnectionDelayMax = std::chrono::milliseconds(100);
        options.reconnectionAttempts = 2;
        SocketIoClient client(options);
        QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
        QSignalSpy scheduled(&client, &SocketIoClient::reconnectScheduled);
        client.open();
        QCOMPARE(client.state(), SocketIoClient::State::Connecting);
        QVERIFY(errors.wait(10000));
        QCOMPARE(errors.first().at(0).value<SocketIoClient::Error>(),
                 SocketIoClient::Error::ConnectFailed);
        QVERIFY(!client.hasEverConnected());
        // The official clients retry failed first connections too.
        QCOMPARE(client.state(), SocketIoClient::State::Reconnecting);
        QVERIFY(client.nextReconnectAt().isValid());
        QCOMPARE(scheduled.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), SocketIoClient::State::Disconnected, 10000);
        QCOMPARE(client.error(), SocketIoClient::Error::ReconnectFailed);
        QCOMPARE(scheduled.size(), 2);
        QVERIFY(!client.nextReconnectAt().isValid() || true);
    }

    void noReconnection()
    {
        ClientOptions options;
        options.url = QUrl(u"ws://127.0.0.1:%1"_s.arg(closedPort()));
        options.reconnection = false;
        SocketIoClient client(options);
        QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
        client.open();
        QVERIFY(errors.wait(10000));
        QCOMPARE(client.state(), SocketIoClient::State::Disconnected);
    }

    void silentServerTimesOut_data() { unreachable_data(); }
    void silentServerTimesOut()
    {
        QFETCH(TransportMode, mode);
        // Accepts TCP connections and never answers.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        ClientOptions options;
        options.url = QUrl(u"http://127.0.0.1:%1"_s.arg(silent.serverPort()));
        options.transports = mode;
        options.connectTimeout = std::chrono::milliseconds(300);
        options.reconnection = false;
        SocketIoClient client(options);
        QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
        QElapsedTimer timer;
        timer.start();
        client.open();
        QVERIFY(errors.wait(10000));
        QVERIFY(timer.elapsed() < 5000);
        QCOMPARE(client.error(), SocketIoClient::Error::ConnectFailed);
    }

    void destroyedWhileConnecting_data() { unreachable_data(); }
    void destroyedWhileConnecting()
    {
        QFETCH(TransportMode, mode);
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        int callbacks = 0;
        QObject context;
        for (int spins = 0; spins < 4; ++spins) {
            ClientOptions options;
            options.url = QUrl(u"http://127.0.0.1:%1"_s.arg(silent.serverPort()));
            options.transports = mode;
            auto client = std::make_unique<SocketIoClient>(options);
            client->emitWithAck(
                    u"x"_s, {}, &context, [&](const AckResult &) { ++callbacks; }, 10ms);
            AckReply *reply = client->call(u"y"_s, {}, 10ms);
            QSignalSpy replyDone(reply, &AckReply::finished);
            client->open();
            for (int i = 0; i < spins; ++i)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            client.reset(); // the reply dies with it, silently
            QCOMPARE(replyDone.size(), 0);
        }
        QTest::qWait(100);
        QCOMPARE(callbacks, 0);
    }

    void offlineBuffer()
    {
        ClientOptions options;
        options.url = QUrl(u"http://127.0.0.1:%1"_s.arg(closedPort()));
        options.maxBufferedEmits = 3;
        SocketIoClient client(options);
        QVERIFY(!client.emitEvent(u"a"_s, {}, u"/"_s, SocketIoClient::Volatile));
        QVERIFY(client.emitEvent(u"a"_s));
        QVERIFY(client.emitEvent(u"b"_s, {QByteArray("\x01", 1)}));
        QVERIFY(client.emitEvent(u"c"_s));
        QVERIFY(!client.emitEvent(u"d"_s)); // bounded
        QVERIFY(!client.emitEvent(u"a"_s, {}, u"/never-joined"_s));
        QVERIFY(!client.emitEvent(u"connect"_s)); // reserved name
    }

    void ackNotSentIsAsynchronous()
    {
        ClientOptions options;
        options.url = QUrl(u"http://127.0.0.1:1"_s);
        SocketIoClient client(options);
        QList<AckResult> results;
        QVERIFY(!client.emitWithAck(
                u"x"_s, {}, this, [&](const AckResult &r) { results.append(r); }, 1000ms,
                u"/unknown"_s));
        QCOMPARE(results.size(), 0);
        QTRY_COMPARE(results.size(), 1);
        QCOMPARE(results.first().status, AckStatus::NotSent);

        AckReply *reply = client.call(u"x"_s, {}, 1000ms, u"/unknown"_s);
        QVERIFY(!reply->isFinished()); // so that a caller can still connect to finished()
        QSignalSpy finished(reply, &AckReply::finished);
        QVERIFY(finished.wait(1000));
        QCOMPARE(reply->error(), AckReply::Error::NotSent);
        QVERIFY(!reply->errorString().isEmpty());
    }

    void ackHandleDefault()
    {
        AckHandle handle;
        QVERIFY(!handle.isPending());
        QVERIFY(!handle.send({1}));
    }

    void closeWhenNeverOpened()
    {
        SocketIoClient client;
        QSignalSpy closed(&client, &SocketIoClient::closed);
        client.close();
        QCOMPARE(closed.size(), 0); // never from inside close()
        QVERIFY(closed.wait(1000));
        QCOMPARE(client.state(), SocketIoClient::State::Disconnected);
    }
};

QTEST_GUILESS_MAIN(tst_ClientOffline)
#include "tst_client_offline.moc"
