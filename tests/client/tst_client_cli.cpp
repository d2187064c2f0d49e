// SPDX-License-Identifier: MIT
// confab-cli driven through stdin/stdout against python-socketio, Node socket.io and Confab's own
// host (client_confab_server).
#include "peerserver.h"
#include "rawserver.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtNetwork/QTcpServer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using ConfabTest::PeerServer;

namespace {

constexpr int Timeout = 20000;

// The exit codes documented in confab-cli --help (client/cli/clisession.h).
enum {
    ExitOk = 0,
    ExitUsage = 2,
    ExitRefused = 3,
    ExitUnreachable = 4,
    ExitBadInput = 5,
    ExitDisconnected = 6,
    ExitNoDiscovery = 7
};

//! One confab-cli process and its output, line by line.
class Cli
{
public:
    void start(const QStringList &args)
    {
        m_process.setProgram(QStringLiteral(CONFAB_CLI_PATH));
        m_process.setArguments(args);
        m_process.start();
    }

    void write(const QByteArray &line) { m_process.write(line + '\n'); }
    void closeInput() { m_process.closeWriteChannel(); }

    //! The next stdout line that is a JSON object with \a key equal to \a value.
    QJsonObject waitFor(const QString &key, const QString &value)
    {
        QDeadlineTimer deadline(Timeout);
        for (;;) {
            while (!m_lines.isEmpty()) {
                const QByteArray line = m_lines.takeFirst();
                const QJsonObject object = QJsonDocument::fromJson(line).object();
                if (object.value(key).toString() == value)
                    return object;
            }
            if (deadline.hasExpired() || !readMore(deadline))
                return {};
        }
    }

    //! The exit code, or -1 when it did not exit in time.
    int waitForExit()
    {
        if (!m_process.waitForFinished(Timeout))
            return -1;
        m_stderr = m_process.readAllStandardError();
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -2;
    }

    QByteArray standardError() const { return m_stderr; }
    QProcess &process() { return m_process; }

private:
    bool readMore(const QDeadlineTimer &deadline)
    {
        if (!m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            return false;
        m_buffer += m_process.readAllStandardOutput();
        qsizetype nl;
        while ((nl = m_buffer.indexOf('\n')) >= 0) {
            m_lines.append(m_buffer.left(nl));
            m_buffer.remove(0, nl + 1);
        }
        return true;
    }

    QProcess m_process;
    QByteArray m_buffer;
    QList<QByteArray> m_lines;
    QByteArray m_stderr;
};

QJsonArray array(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).array();
}

// What a hostile server sends: an OSC that retitles the terminal, a BEL, a clear-screen CSI, a
// C1 CSI (U+009B), a bidi override and isolate, a newline, DEL and a zero-width space.
const QString HostileText = u"\x1b]0;pwned\x07\x1b[2J\u009b31m\u202eevil\u2066\nnext\x7f\u200b!"_s;
// The same as it appears inside a JSON string on the wire.
const QByteArray HostileJson
        = QJsonDocument(QJsonArray{HostileText}).toJson(QJsonDocument::Compact);

//! The first character in \a bytes (UTF-8) that a terminal could act on, other than the
//! newline that ends each line; 0 when there is none. Its own list, not confab-cli's function.
char32_t firstRawControl(const QByteArray &bytes)
{
    const QList<uint> text = QString::fromUtf8(bytes).toUcs4();
    for (qsizetype i = 0; i < text.size(); ++i) {
        const uint c = text[i];
        const bool lineEnd = c == '\n' && (i + 1 == text.size() || text[i + 1] != '\n');
        if ((c < 0x20 && !lineEnd) || (c >= 0x7f && c <= 0x9f) || (c >= 0x200b && c <= 0x200f)
            || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2069) || c == 0xfeff
            || c == 0x2028 || c == 0x2029)
            return c;
    }
    return 0;
}

} // namespace

class tst_ClientCli : public QObject
{
    Q_OBJECT

    std::map<QString, std::unique_ptr<PeerServer>> m_servers;

    //! Every peer, or those CONFAB_TEST_PEERS names (comma-separated): the ctest entry that
    //! reruns the test against Confab's host on its other WebSocket engine names only "confab".
    static QStringList peers()
    {
        if (qEnvironmentVariableIsSet("CONFAB_TEST_PEERS"))
            return qEnvironmentVariable("CONFAB_TEST_PEERS").split(u',', Qt::SkipEmptyParts);
        return {u"python"_s, u"node"_s, u"confab"_s};
    }

    QString url()
    {
        QFETCH(QString, peer);
        return m_servers.at(peer)->httpUrl();
    }

    void addRows()
    {
        QTest::addColumn<QString>("peer");
        QTest::addColumn<QString>("transport");
        for (const QString &peer : peers()) {
            for (const QString &transport : {u"websocket"_s, u"polling"_s, u"auto"_s})
                QTest::addRow("%s-%s", qPrintable(peer), qPrintable(transport))
                        << peer << transport;
        }
    }

    void requirePeer()
    {
        QFETCH(QString, peer);
        CONFAB_REQUIRE_PEER(PeerServer::kindFromName(peer));
        QVERIFY(m_servers.count(peer));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFileInfo::exists(QStringLiteral(CONFAB_CLI_PATH)));
        for (const QString &peer : peers()) {
            const auto kind = PeerServer::kindFromName(peer);
            if (!PeerServer::unavailableReason(kind).isEmpty())
                continue; // each test skips or fails for it
            auto server = std::make_unique<PeerServer>(kind);
            QVERIFY(server->start());
            m_servers[peer] = std::move(server);
        }
    }
    void cleanupTestCase() { m_servers.clear(); }

    void roundTrip_data() { addRows(); }
    void roundTrip()
    {
        requirePeer();
        QFETCH(QString, transport);
        Cli cli;
        cli.start({url(), u"--transport"_s, transport});

        const QJsonObject welcome = cli.waitFor(u"event"_s, u"welcome"_s);
        QVERIFY2(!welcome.isEmpty(), cli.process().readAllStandardError().constData());
        QCOMPARE(welcome.value("args"_L1).toArray().at(0).toObject().value("nsp"_L1), u"/"_s);

        // emit with ack: the reply comes back as {"ack":...,"args":[...]}
        cli.write(R"({"event":"echo","args":["hi",1,{"a":[true,null]}],"ack":true})");
        const QJsonObject ack = cli.waitFor(u"ack"_s, u"echo"_s);
        QCOMPARE(ack.value("args"_L1).toArray(), array(R"(["hi",1,{"a":[true,null]}])"));

        // binary both ways as {"$binary": base64}
        cli.write(R"({"event":"message","args":[{"$binary":"AAEC/w=="},"text"]})");
        const QJsonObject back = cli.waitFor(u"event"_s, u"message-back"_s);
        QCOMPARE(back.value("args"_L1).toArray(), array(R"([{"$binary":"AAEC/w=="},"text"])"));

        // the server's ack request, answered from stdin
        cli.write(R"({"event":"ask","args":["q?"]})");
        const QJsonObject question = cli.waitFor(u"event"_s, u"question"_s);
        QCOMPARE(question.value("args"_L1).toArray(), array(R"(["q?"])"));
        QVERIFY(question.contains("ackId"_L1));
        cli.write(QJsonDocument(QJsonObject{{u"ackId"_s, question.value("ackId"_L1)},
                                            {u"args"_s, array(R"(["the answer",42])")}})
                          .toJson(QJsonDocument::Compact));
        const QJsonObject answer = cli.waitFor(u"event"_s, u"answer"_s);
        QCOMPARE(answer.value("args"_L1).toArray(), array(R"(["the answer",42])"));

        // an ack that times out
        cli.write(R"({"event":"slow","args":[3000],"ack":true})");
        // (default --ack-timeout is 10 s; this one is answered in 3)
        const QJsonObject slow = cli.waitFor(u"ack"_s, u"slow"_s);
        QCOMPARE(slow.value("args"_L1).toArray(), array(R"(["late"])"));

        cli.closeInput();
        QCOMPARE(cli.waitForExit(), int(ExitOk));
    }

    void ackTimeout_data() { addRows(); }
    void ackTimeout()
    {
        requirePeer();
        QFETCH(QString, transport);
        Cli cli;
        cli.start({url(), u"-t"_s, transport, u"--ack-timeout"_s, u"200"_s});
        cli.write(R"({"event":"slow","args":[2000],"ack":true})");
        const QJsonObject slow = cli.waitFor(u"ack"_s, u"slow"_s);
        QCOMPARE(slow.value("error"_L1).toString(), u"timeout"_s);
        cli.closeInput();
        QCOMPARE(cli.waitForExit(), int(ExitOk));
    }

    void eofRightAway_data() { addRows(); }
    void eofRightAway()
    {
        requirePeer();
        QFETCH(QString, transport);
        // Commands that arrive before the connection is up are sent once it is, and EOF waits
        // for their acks.
        Cli cli;
        cli.start({url(), u"--transport"_s, transport});
        cli.write(R"({"event":"message","args":["first"]})");
        cli.write(R"({"event":"echo","args":["early"],"ack":true})");
        cli.closeInput();
        const QJsonObject ack = cli.waitFor(u"ack"_s, u"echo"_s);
        QCOMPARE(ack.value("args"_L1).toArray(), array(R"(["early"])"));
        QCOMPARE(cli.waitForExit(), int(ExitOk));
    }

    void namespaceAndAuth_data() { addRows(); }
    void namespaceAndAuth()
    {
        requirePeer();
        QFETCH(QString, transport);
        Cli cli;
        cli.start({url(), u"--namespace"_s, u"/chat"_s, u"--auth"_s,
                   uR"({"token":"secret","user":"ada"})"_s, u"--transport"_s, transport});
        const QJsonObject welcome = cli.waitFor(u"event"_s, u"welcome"_s);
        const QJsonObject info = welcome.value("args"_L1).toArray().at(0).toObject();
        QCOMPARE(info.value("nsp"_L1).toString(), u"/chat"_s);
        QCOMPARE(info.value("auth"_L1).toObject().value("user"_L1).toString(), u"ada"_s);
        cli.write(R"({"event":"echo","args":["in chat"],"ack":true})");
        QCOMPARE(cli.waitFor(u"ack"_s, u"echo"_s).value("args"_L1).toArray(),
                 array(R"(["in chat"])"));
        cli.closeInput();
        QCOMPARE(cli.waitForExit(), int(ExitOk));
    }

    void refused_data() { addRows(); }
    void refused()
    {
        requirePeer();
        QFETCH(QString, transport);
        Cli cli;
        cli.start({url(), u"--auth"_s, uR"({"token":"wrong"})"_s, u"--transport"_s, transport});
        QCOMPARE(cli.waitForExit(), int(ExitRefused));
        QVERIFY2(cli.standardError().contains("invalid token"), cli.standardError().constData());
        QVERIFY2(cli.standardError().contains("bad token"), cli.standardError().constData());
    }

    void badJson_data() { addRows(); }
    void badJson()
    {
        requirePeer();
        QFETCH(QString, transport);
        Cli cli;
        cli.start({url(), u"--transport"_s, transport});
        QVERIFY(!cli.waitFor(u"event"_s, u"welcome"_s).isEmpty());
        cli.write(R"({"event":"message","args":["fine"]})");
        cli.write("{this is not json");
        // A typo is reported and skipped: the next line still goes, and the exit status at
        // the end says a line was bad.
        cli.write(R"({"event":"message","args":["after the typo"]})");
        QCOMPARE(cli.waitFor(u"event"_s, u"message-back"_s).value("args"_L1).toArray().first(),
                 u"fine"_s);
        QCOMPARE(cli.waitFor(u"event"_s, u"message-back"_s).value("args"_L1).toArray().first(),
                 u"after the typo"_s);
        cli.closeInput();
        QCOMPARE(cli.waitForExit(), int(ExitBadInput));
        QVERIFY2(cli.standardError().contains("line 2"), cli.standardError().constData());
        QVERIFY2(cli.standardError().contains("invalid JSON"), cli.standardError().constData());
    }

    void badJsonStrict_data() { addRows(); }
    void badJsonStrict()
    {
        requirePeer();
        QFETCH(QString, transport);
        Cli cli;
        cli.start({url(), u"--transport"_s, transport, u"--strict"_s});
        QVERIFY(!cli.waitFor(u"event"_s, u"welcome"_s).isEmpty());
        cli.write("[1, 2]");
        QCOMPARE(cli.waitForExit(), int(ExitBadInput));
        QVERIFY2(cli.standardError().contains("line 1"), cli.standardError().constData());
    }

    void serverDisconnects_data() { addRows(); }
    void serverDisconnects()
    {
        requirePeer();
        QFETCH(QString, transport);
        Cli cli;
        cli.start({url(), u"--transport"_s, transport});
        QVERIFY(!cli.waitFor(u"event"_s, u"welcome"_s).isEmpty());
        cli.write(R"({"event":"disconnect-me"})");
        QCOMPARE(cli.waitForExit(), int(ExitDisconnected));
    }

    void unreachable_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addRow("websocket") << u"websocket"_s;
        QTest::addRow("polling") << u"polling"_s;
        QTest::addRow("auto") << u"auto"_s;
    }
    void unreachable()
    {
        QFETCH(QString, transport);
        quint16 port;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        Cli cli;
        cli.start({u"http://127.0.0.1:%1"_s.arg(port), u"--transport"_s, transport});
        QCOMPARE(cli.waitForExit(), int(ExitUnreachable));
        QVERIFY2(cli.standardError().contains("cannot reach"), cli.standardError().constData());
    }

    void usage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addRow("no url") << QStringList{};
        QTest::addRow("bad transport") << QStringList{u"http://127.0.0.1:1"_s, u"-t"_s, u"x"_s};
        QTest::addRow("bad scheme") << QStringList{u"ftp://127.0.0.1:1"_s};
        QTest::addRow("auth not an object")
                << QStringList{u"http://127.0.0.1:1"_s, u"--auth"_s, u"[1]"_s};
    }
    void usage()
    {
        QFETCH(QStringList, args);
        Cli cli;
        cli.start(args);
        QCOMPARE(cli.waitForExit(), int(ExitUsage));
    }

    void hostileTextIsEscaped_data()
    {
        QTest::addColumn<QString>("attack");
        QTest::addColumn<bool>("verbose");
        QTest::addColumn<int>("exitCode");
        QTest::addRow("event on stdout") << u"event"_s << false << int(ExitOk);
        QTest::addRow("CONNECT_ERROR message") << u"connect_error"_s << false << int(ExitRefused);
        QTest::addRow("HTTP error body") << u"http_error"_s << false << int(ExitUnreachable);
        QTest::addRow("HTTP error body, verbose")
                << u"http_error"_s << true << int(ExitUnreachable);
    }
    void hostileTextIsEscaped()
    {
        QFETCH(QString, attack);
        QFETCH(bool, verbose);
        QFETCH(int, exitCode);

        // A polling server in this process: answers the handshake, then puts the attack in the
        // response to the CONNECT (or in an HTTP error body instead of a handshake).
        ConfabTest::RawServer server;
        ConfabTest::PollingPeer peer;
        const QByteArray hostile = HostileJson.mid(1).chopped(1); // the JSON string
        peer.onPost = [&](const QByteArray &body) {
            if (!body.startsWith("40"))
                return;
            if (attack == "connect_error"_L1)
                peer.deliver(R"(44{"message":)" + hostile + "}");
            else // an event named by the attack, with it as an argument and an object key
                peer.deliver(R"(40{"sid":"s"})" + QByteArray(1, '\x1e') + "42[" + hostile + ","
                             + hostile + ",{" + hostile + ":1}]");
        };
        server.handler = [&](const ConfabTest::RawServer::Request &request) {
            if (attack == "http_error"_L1)
                ConfabTest::RawServer::respond(request.socket, 403, HostileText.toUtf8());
            else
                peer.handle(request);
        };
        QVERIFY(server.listen());

        // The server runs in this thread: wait with the event loop running, never blocking.
        QProcess cli;
        cli.setProgram(QStringLiteral(CONFAB_CLI_PATH));
        QStringList args{server.httpUrl(), u"--transport"_s, u"polling"_s, u"--no-reconnect"_s};
        if (verbose)
            args << u"--verbose"_s;
        cli.setArguments(args);
        QSignalSpy finished(&cli, &QProcess::finished);
        QByteArray out;
        connect(&cli, &QProcess::readyReadStandardOutput, this,
                [&] { out += cli.readAllStandardOutput(); });
        cli.start();
        QVERIFY(cli.waitForStarted());
        if (attack == "event"_L1) {
            QTRY_VERIFY_WITH_TIMEOUT(out.contains('\n'), Timeout);
            cli.closeWriteChannel();
        }
        QVERIFY(finished.wait(Timeout));
        out += cli.readAllStandardOutput();
        const QByteArray err = cli.readAllStandardError();
        QCOMPARE(cli.exitCode(), exitCode);

        QVERIFY2(firstRawControl(out) == 0, out.toHex(' ').constData());
        QVERIFY2(firstRawControl(err) == 0, err.toHex(' ').constData());
        if (attack == "event"_L1) {
            // Escaped, yet the same values: the line is still JSON.
            const QJsonObject line = QJsonDocument::fromJson(out.trimmed()).object();
            QCOMPARE(line.value("event"_L1).toString(), HostileText);
            QCOMPARE(line.value("args"_L1).toArray().at(0).toString(), HostileText);
            QVERIFY(line.value("args"_L1).toArray().at(1).toObject().contains(HostileText));
        } else {
            // Visible escapes, the server's newline included: one line for the whole message.
            QVERIFY2(err.contains(R"(\x1b]0;pwned\x07\x1b[2J\x9b31m\u{202e}evil\u{2066}\nnext)"),
                     err.constData());
        }
    }

    void discoverArguments_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addRow("with a url")
                << QStringList{u"--discover"_s, u"http://127.0.0.1:9"_s} << int(ExitUsage);
        QTest::addRow("zero timeout")
                << QStringList{u"--discover"_s, u"--timeout"_s, u"0"_s} << int(ExitUsage);
        QTest::addRow("timeout not a number")
                << QStringList{u"--discover"_s, u"--timeout"_s, u"soon"_s} << int(ExitUsage);
        // No system bus (and so no Avahi daemon): a sentence on stderr and its own exit code.
        QTest::addRow("no discovery")
                << QStringList{u"--discover"_s, u"--timeout"_s, u"5"_s} << int(ExitNoDiscovery);
    }
    void discoverArguments()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        Cli cli;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"DBUS_SYSTEM_BUS_ADDRESS"_s,
                           u"unix:path=/nonexistent/confab-test-no-bus"_s);
        cli.process().setProcessEnvironment(environment);
        cli.start(arguments);
        QCOMPARE(cli.waitForExit(), exitCode);
        if (exitCode == ExitNoDiscovery) {
            QVERIFY2(
                    cli.standardError().startsWith("confab-cli: discovery is off: no system D-Bus"),
                    cli.standardError().constData());
            QCOMPARE(cli.process().readAllStandardOutput(), QByteArray());
        }
    }

    void helpAndVersion()
    {
        Cli help;
        help.start({u"--help"_s});
        QCOMPARE(help.waitForExit(), 0);
        Cli version;
        version.start({u"--version"_s});
        QCOMPARE(version.waitForExit(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_ClientCli)
#include "tst_client_cli.moc"
