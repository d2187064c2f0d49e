// SPDX-License-Identifier: MIT
// confab-server as a person runs it: command line, readiness line, relaying, clean shutdown.
#include "chathost.h"
#include "hostcommandline.h"
#include "servertestutil.h"

#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtNetwork/QTcpServer>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace Confab;
using namespace TestUtil;

class tst_ConfabServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void commandLine_data();
    void commandLine();
    void options();
    void hostLimitOptions_data();
    void hostLimitOptions();
    void sendTotalOption_data();
    void sendTotalOption();
    void versionAndHelp();
    void chatsAndStopsCleanly_data();
    void chatsAndStopsCleanly();
    void recoveryOnByDefault();
    void portInUse();
    void listenAddress_data();
    void listenAddress();
    void urlFor_data();
    void urlFor();
    void defaultListensOnIPv4AndIPv6();

private:
    static QString binary() { return QStringLiteral(CONFAB_SERVER_BINARY); }
};

void tst_ConfabServer::commandLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("exitCode");

    QTest::addRow("defaults") << QStringList{} << true << 0;
    QTest::addRow("host and port")
            << QStringList{u"--host"_s, u"127.0.0.1"_s, u"--port"_s, u"4000"_s} << true << 0;
    QTest::addRow("bad port") << QStringList{u"--port"_s, u"70000"_s} << false << 2;
    QTest::addRow("port zero picks a free one") << QStringList{u"--port"_s, u"0"_s} << true << 0;
    QTest::addRow("negative port") << QStringList{u"--port"_s, u"-1"_s} << false << 2;
    QTest::addRow("bad host") << QStringList{u"--host"_s, u"not-an-ip"_s} << false << 2;
    QTest::addRow("unknown option") << QStringList{u"--frobnicate"_s} << false << 2;
    QTest::addRow("stray argument") << QStringList{u"extra"_s} << false << 2;
    QTest::addRow("bad transport")
            << QStringList{u"--transports"_s, u"carrier-pigeon"_s} << false << 2;
    QTest::addRow("max storage with a suffix")
            << QStringList{u"--max-storage"_s, u"512M"_s} << true << 0;
    QTest::addRow("max storage 0: no limit")
            << QStringList{u"--max-storage"_s, u"0"_s} << true << 0;
    QTest::addRow("bad max storage") << QStringList{u"--max-storage"_s, u"lots"_s} << false << 2;
    QTest::addRow("event rate limit 0")
            << QStringList{u"--event-rate-limit"_s, u"0"_s} << false << 2;
    QTest::addRow("unreadable password file")
            << QStringList{u"--password-file"_s, u"/nonexistent/confab-password"_s} << false << 2;
    QTest::addRow("password and password file")
            << QStringList{u"--password"_s, u"a"_s, u"--password-file"_s, u"/dev/null"_s} << false
            << 2;
    QTest::addRow("qt websocket engine")
            << QStringList{u"--websocket-engine"_s, u"qt"_s} << true << 0;
    QTest::addRow("native websocket engine")
            << QStringList{u"--websocket-engine"_s, u"native"_s} << true << 0;
    QTest::addRow("bad websocket engine")
            << QStringList{u"--websocket-engine"_s, u"carrier-pigeon"_s} << false << 2;
    QTest::addRow("no announce") << QStringList{u"--no-announce"_s} << true << 0;
    QTest::addRow("help") << QStringList{u"--help"_s} << false << 0;
    QTest::addRow("version") << QStringList{u"--version"_s} << false << 0;
}

void tst_ConfabServer::commandLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(bool, ok);
    QFETCH(int, exitCode);
    HostCommandLine commandLine;
    const auto parsed = commandLine.parse(QStringList{u"confab-server"_s} + arguments);
    QCOMPARE(parsed.ok, ok);
    QCOMPARE(parsed.exitCode, exitCode);
    if (!ok)
        QVERIFY(!parsed.message.isEmpty());
}

void tst_ConfabServer::options()
{
    HostCommandLine commandLine;
    QVERIFY(commandLine
                    .parse({u"confab-server"_s,
                            u"--port"_s,
                            u"4001"_s,
                            u"--ping-interval"_s,
                            u"1000"_s,
                            u"--ping-timeout"_s,
                            u"500"_s,
                            u"--max-payload"_s,
                            u"2048"_s,
                            u"--cors"_s,
                            u"http://a.example"_s,
                            u"--cors"_s,
                            u"http://b.example"_s,
                            u"--transports"_s,
                            u"websocket"_s,
                            u"--allow-eio3"_s,
                            u"--path"_s,
                            u"/chat/"_s,
                            u"--password"_s,
                            u"pw"_s,
                            u"--rate-limit"_s,
                            u"5"_s,
                            u"--data"_s,
                            u":memory:"_s,
                            u"--show-addresses"_s,
                            u"--name"_s,
                            u"Lab"_s,
                            u"--event-rate-limit"_s,
                            u"7"_s,
                            u"--max-storage"_s,
                            u"2G"_s})
                    .ok);
    QCOMPARE(commandLine.config().maxStorage, qint64(2) << 30);
    QVERIFY(commandLine.config().announce); // by default
    HostCommandLine quiet;
    QVERIFY(quiet.parse({u"confab-server"_s, u"--no-announce"_s}).ok);
    QVERIFY(!quiet.config().announce);
    const SocketIoOptions options = commandLine.config().socketIo;
    QCOMPARE(commandLine.config().port, 4001);
    QCOMPARE(options.engine.pingInterval.count(), 1000);
    QCOMPARE(options.engine.pingTimeout.count(), 500);
    QCOMPARE(options.engine.maxPayload, 2048);
    QCOMPARE(options.engine.corsOrigins,
             (QStringList{u"http://a.example"_s, u"http://b.example"_s}));
    QCOMPARE(options.engine.transports, QStringList{u"websocket"_s});
    QVERIFY(options.engine.allowEio3);
    QCOMPARE(options.engine.path, u"/chat/"_s);
    const ChatOptions chat = commandLine.config().chat;
    QCOMPARE(chat.password, u"pw"_s);
    QCOMPARE(chat.rateLimit, 5.0);
    QCOMPARE(chat.rateBurst, 10);
    QCOMPARE(chat.eventRateLimit, 7.0);
    QCOMPARE(chat.eventRateBurst, 14);
    QVERIFY(chat.showAddresses);
    QCOMPARE(chat.serverName, u"Lab"_s);
    QCOMPARE(commandLine.config().dataLocation, u":memory:"_s);
}

void tst_ConfabServer::hostLimitOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("perAddress");
    QTest::addColumn<int>("total");
    QTest::addColumn<qint64>("sendQueue");
    QTest::addColumn<QStringList>("allowedHosts");

    const qint64 eightMiB = 8 * 1024 * 1024;
    QTest::addRow("defaults") << QStringList{} << true << 256 << 10000 << eightMiB << QStringList{};
    QTest::addRow("set")
            << QStringList{u"--max-sessions-per-address"_s, u"3"_s,    u"--max-sessions"_s, u"50"_s,
                           u"--max-send-queue"_s,           u"65536"_s}
            << true << 3 << 50 << qint64(65536) << QStringList{};
    QTest::addRow("0 lifts the caps")
            << QStringList{u"--max-sessions-per-address"_s, u"0"_s, u"--max-sessions"_s, u"0"_s}
            << true << 0 << 0 << eightMiB << QStringList{};
    QTest::addRow("send queue follows --max-payload")
            << QStringList{u"--max-payload"_s, u"2000000"_s} << true << 256 << 10000
            << qint64(16'000'000) << QStringList{};
    QTest::addRow("allowed hosts")
            << QStringList{u"--allowed-host"_s, u"chat.example.org"_s, u"--allowed-host"_s,
                           u".lan"_s}
            << true << 256 << 10000 << eightMiB << QStringList{u"chat.example.org"_s, u".lan"_s};
    QTest::addRow("negative per-address cap")
            << QStringList{u"--max-sessions-per-address"_s, u"-1"_s} << false << 0 << 0 << qint64(0)
            << QStringList{};
    QTest::addRow("total cap not a number") << QStringList{u"--max-sessions"_s, u"many"_s} << false
                                            << 0 << 0 << qint64(0) << QStringList{};
    QTest::addRow("send queue of 0") << QStringList{u"--max-send-queue"_s, u"0"_s} << false << 0
                                     << 0 << qint64(0) << QStringList{};
}

void tst_ConfabServer::hostLimitOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(bool, ok);
    QFETCH(int, perAddress);
    QFETCH(int, total);
    QFETCH(qint64, sendQueue);
    QFETCH(QStringList, allowedHosts);
    HostCommandLine commandLine;
    const auto parsed = commandLine.parse(QStringList{u"confab-server"_s} + arguments);
    QCOMPARE(parsed.ok, ok);
    if (!ok) {
        QCOMPARE(parsed.exitCode, 2);
        return;
    }
    const EngineIoOptions &engine = commandLine.config().socketIo.engine;
    QCOMPARE(engine.maxSessionsPerAddress, perAddress);
    QCOMPARE(engine.maxSessions, total);
    QCOMPARE(engine.sendQueueLimit(), sendQueue);
    QCOMPARE(engine.allowedHosts, allowedHosts);
}

void tst_ConfabServer::sendTotalOption_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qint64>("sendTotal");
    QTest::addRow("default: 256 MiB") << QStringList{} << true << qint64(256) * 1024 * 1024;
    QTest::addRow("bytes") << QStringList{u"--max-send-total"_s, u"1048576"_s} << true
                           << qint64(1048576);
    QTest::addRow("with a suffix") << QStringList{u"--max-send-total"_s, u"2G"_s} << true
                                   << qint64(2) * 1024 * 1024 * 1024;
    QTest::addRow("0 lifts it") << QStringList{u"--max-send-total"_s, u"0"_s} << true << qint64(0);
    QTest::addRow("negative") << QStringList{u"--max-send-total"_s, u"-1"_s} << false << qint64(0);
    QTest::addRow("not a size") << QStringList{u"--max-send-total"_s, u"lots"_s} << false
                                << qint64(0);
}

void tst_ConfabServer::sendTotalOption()
{
    QFETCH(QStringList, arguments);
    QFETCH(bool, ok);
    QFETCH(qint64, sendTotal);
    HostCommandLine commandLine;
    const auto parsed = commandLine.parse(QStringList{u"confab-server"_s} + arguments);
    QCOMPARE(parsed.ok, ok);
    if (!ok) {
        QCOMPARE(parsed.exitCode, 2);
        return;
    }
    QCOMPARE(commandLine.config().socketIo.engine.maxSendTotal, sendTotal);
}

void tst_ConfabServer::versionAndHelp()
{
    QProcess process;
    process.start(binary(), {u"--version"_s});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(process.readAllStandardOutput().trimmed(), "confab-server " CONFAB_VERSION ""_ba);
    process.start(binary(), {u"--help"_s});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 0);
    const QByteArray help = process.readAllStandardOutput();
    QVERIFY(help.contains("--port"));
    QVERIFY(help.contains("--no-announce"));
}

void tst_ConfabServer::recoveryOnByDefault()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    QProcess server;
    server.start(binary(),
                 {u"--host"_s, u"127.0.0.1"_s, u"--port"_s, QString::number(port), u"--data"_s,
                  u":memory:"_s});
    QVERIFY(server.waitForStarted());
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT(
            (output += server.readAllStandardOutput()).contains("join at http://127.0.0.1:"),
            10000);
    RawSocket ws;
    QVERIFY(ws.open(url(port, u"EIO=4&transport=websocket"_s, u"/socket.io/"_s, u"ws"_s)));
    QVERIFY(ws.nextText().startsWith('0'));
    ws.sendText(R"(40{"name":"r"})");
    // The CONNECT ack carries a pid, and every event its offset as the last argument.
    const QByteArray ack = ws.nextText();
    QVERIFY2(QRegularExpression(uR"(^40\{"pid":"[\w-]{20}","sid":"[\w-]{20}"\}$)"_s)
                     .match(QString::fromLatin1(ack))
                     .hasMatch(),
             ack.constData());
    const QByteArray welcome = ws.nextText();
    QVERIFY2(QRegularExpression(uR"(^42\["welcome",\{.*\},"\d+"\]$)"_s)
                     .match(QString::fromUtf8(welcome))
                     .hasMatch(),
             welcome.constData());
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
}

void tst_ConfabServer::chatsAndStopsCleanly_data()
{
    // Every WebSocket engine, chosen the way a person does (--websocket-engine).
    QTest::addColumn<QString>("webSocketEngine");
    QTest::addColumn<int>("signalNumber");
    for (const QString &engine : {u"native"_s, u"qt"_s}) {
        QTest::addRow("%s, SIGTERM", qPrintable(engine)) << engine << int(SIGTERM);
        QTest::addRow("%s, SIGINT", qPrintable(engine)) << engine << int(SIGINT);
    }
}

void tst_ConfabServer::chatsAndStopsCleanly()
{
    QFETCH(QString, webSocketEngine);
    QFETCH(int, signalNumber);
    // Find a free port, then hand it to the server.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();

    QProcess server;
    server.setProcessChannelMode(QProcess::SeparateChannels);
    // --verbose: the host logs the engine of each WebSocket, so the row is known to run on it.
    server.start(binary(),
                 {u"--host"_s, u"127.0.0.1"_s, u"--port"_s, QString::number(port), u"--data"_s,
                  u":memory:"_s, u"--websocket-engine"_s, webSocketEngine, u"--verbose"_s,
                  // Exact frames below: without the offsets recovery appends (see
                  // recoveryOnByDefault()).
                  u"--recovery-window"_s, u"0"_s});
    QVERIFY(server.waitForStarted());
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT(
            (output += server.readAllStandardOutput()).contains("join at http://127.0.0.1:"),
            10000);

    // Two clients join a room; what one says reaches both, after the host stored and acked it.
    const QUrl wsUrl = url(port, u"EIO=4&transport=websocket"_s, u"/socket.io/"_s, u"ws"_s);
    RawSocket a, b;
    int n = 0;
    for (RawSocket *ws : {&a, &b}) {
        QVERIFY(ws->open(wsUrl));
        QVERIFY(ws->nextText().startsWith('0'));
        ws->sendText(R"(40{"name":"user)" + QByteArray::number(++n) + R"("})");
        QVERIFY(ws->nextText().startsWith("40{"));
        QVERIFY(ws->nextText().startsWith(R"(42["welcome",)"));
        ws->sendText(R"(421["join",{"room":"lobby"}])");
        QVERIFY(waitUntil([ws] {
            return std::any_of(ws->frames.cbegin(), ws->frames.cend(),
                               [](const auto &f) { return f.first.startsWith("431[{"); });
        }));
        ws->frames.clear();
    }
    QVERIFY(a.nextText().startsWith(R"(42["joined",{"name":"user2")"));
    // Everyone hears of the room's new head count.
    QCOMPARE(a.nextText(), R"(42["room",{"members":2,"name":"lobby"}])"_ba);
    a.sendText(R"(422["message",{"room":"lobby","text":"hi"}])");
    const QByteArray ack = a.nextText();
    QVERIFY2(ack.startsWith(R"(432[{"id":1,"ok":true,"ts":)"), ack.constData());
    QVERIFY(a.nextText().contains(R"("text":"hi")"));
    // b may first hear of the room's count: a second join within 250 ms of the first is
    // announced at the end of that interval (README: `room` events are coalesced).
    QByteArray relayed = b.nextText();
    if (relayed.startsWith(R"(42["room",)"))
        relayed = b.nextText();
    QVERIFY(relayed.startsWith(R"(42["message",{"clientId":null,"id":1,"name":"user1")"));

    const QByteArray log = server.readAllStandardError();
    const QByteArray engineLine = "on the \"" + webSocketEngine.toUtf8() + "\" engine";
    QVERIFY2(log.contains(engineLine), log.constData());

    ::kill(pid_t(server.processId()), signalNumber);
    QVERIFY(server.waitForFinished(5000));
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 0);
    QVERIFY(a.waitClosed());
    QVERIFY(b.waitClosed());
}

void tst_ConfabServer::portInUse()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    QProcess server;
    server.start(binary(),
                 {u"--host"_s, u"127.0.0.1"_s, u"--port"_s, QString::number(squatter.serverPort()),
                  // Never the user's data folder: a test must not depend on (or touch) it.
                  u"--data"_s, u":memory:"_s});
    QVERIFY(server.waitForFinished(10000));
    QCOMPARE(server.exitCode(), 3);
    QVERIFY(server.readAllStandardError().contains("cannot listen"));
}

void tst_ConfabServer::listenAddress_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QHostAddress>("address");
    // By default both families: a person typing http://[::1]:3000/ is not refused.
    QTest::addRow("default: every address") << QStringList{} << QHostAddress(QHostAddress::Any);
    QTest::addRow("0.0.0.0: IPv4 only")
            << QStringList{u"--host"_s, u"0.0.0.0"_s} << QHostAddress(QHostAddress::AnyIPv4);
    QTest::addRow(":: IPv6 only") << QStringList{u"--host"_s, u"::"_s}
                                  << QHostAddress(QHostAddress::AnyIPv6);
    QTest::addRow("one address") << QStringList{u"-H"_s, u"127.0.0.1"_s}
                                 << QHostAddress(QHostAddress::LocalHost);
}

void tst_ConfabServer::listenAddress()
{
    QFETCH(QStringList, arguments);
    QFETCH(QHostAddress, address);
    HostCommandLine commandLine;
    QVERIFY(commandLine.parse(QStringList{u"confab-server"_s} + arguments).ok);
    QCOMPARE(commandLine.config().address, address);
}

void tst_ConfabServer::urlFor_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("url");
    QTest::addRow("IPv4") << u"10.0.0.5"_s << u"http://10.0.0.5:3000/"_s;
    QTest::addRow("IPv6") << u"2001:db8::5"_s << u"http://[2001:db8::5]:3000/"_s;
    QTest::addRow("loopback IPv6") << u"::1"_s << u"http://[::1]:3000/"_s;
    // RFC 6874: the zone of a link-local address follows an escaped percent sign.
    QTest::addRow("link-local with its zone")
            << u"fe80::1%eth0"_s << u"http://[fe80::1%25eth0]:3000/"_s;
}

void tst_ConfabServer::urlFor()
{
    QFETCH(QString, address);
    QFETCH(QString, url);
    QCOMPARE(ChatHost::urlFor(QHostAddress(address), 3000), url);
    // And it reads back as that address.
    const QUrl parsed(url);
    QVERIFY2(parsed.isValid(), qPrintable(parsed.errorString()));
}

void tst_ConfabServer::defaultListensOnIPv4AndIPv6()
{
    QProcess server;
    server.setProcessChannelMode(QProcess::SeparateChannels);
    // No --host: every address. Port 0, so that nothing else on the machine is in the way.
    server.start(binary(), {u"--port"_s, u"0"_s, u"--data"_s, u":memory:"_s});
    QVERIFY(server.waitForStarted());
    QByteArray output;
    const QRegularExpression v4(u"join at http://127\\.0\\.0\\.1:(\\d+)/"_s);
    QTRY_VERIFY_WITH_TIMEOUT(
            (output += server.readAllStandardOutput()).contains("join at http://[::1]:"), 10000);
    const auto match = v4.match(QString::fromUtf8(output));
    QVERIFY2(match.hasMatch(), output.constData());
    const quint16 port = match.captured(1).toUShort();
    // Both loopbacks answer the Engine.IO handshake; every URL printed is a well-formed one.
    HttpClient http;
    for (const QString &host : {u"127.0.0.1"_s, u"[::1]"_s}) {
        const auto reply = http.get(
                QUrl(u"http://%1:%2/socket.io/?EIO=4&transport=polling"_s.arg(host).arg(port)));
        QVERIFY2(reply.body.startsWith("0{"),
                 qPrintable(host + u": "_s + QString::fromUtf8(reply.body)));
    }
    int fingerprints = 0;
    for (const QByteArray &line : output.split('\n')) {
        if (line.isEmpty())
            continue;
        // TLS is on by default: the certificate's fingerprint comes first, once.
        if (line.startsWith("TLS certificate SHA-256 fingerprint: ")) {
            ++fingerprints;
            QCOMPARE(line.size(), qsizetype(37 + 95));
            continue;
        }
        QVERIFY2(line.startsWith("Confab host ready: join at http://"), line.constData());
        QVERIFY2(QUrl(QString::fromUtf8(line.mid(line.indexOf("http://")))).isValid(),
                 line.constData());
    }
    QCOMPARE(fingerprints, 1);
    server.terminate();
    QVERIFY(server.waitForFinished(5000));
    QCOMPARE(server.exitCode(), 0);
}

QTEST_MAIN(tst_ConfabServer)
#include "tst_confabserver.moc"
