// SPDX-License-Identifier: MIT
// The desktop app's host on a thread of its own (EmbeddedHost): what it relays to the GUI
// thread, and that neither thread waits for the other — a python-socketio peer keeps its pings
// and acks while the GUI thread is blocked, and the GUI thread keeps running while the host's
// is blocked.
#include "apptestutil.h"
#include "chatclient.h"
#include "embeddedhost.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QPointer>
#include <QtCore/QProcess>
#include <QtCore/QTimer>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <algorithm>
#include <atomic>
#include <chrono>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using Confab::ChatHost;
using Confab::HostConfig;
using Confab::App::EmbeddedHost;

namespace {

constexpr int Timeout = 15000;
//! How long each test keeps one thread deliberately blocked.
constexpr auto Block = 1000ms;
//! Short enough that a host silent for Block is given up on by its clients (their patience is
//! the sum), long enough for a loaded machine.
constexpr auto PingInterval = 200ms;
constexpr auto PingTimeout = 600ms;
static_assert(PingInterval + PingTimeout < Block);

//! The engine of the current global data row (every test runs on both).
Confab::WebSocketEngine engine()
{
    QFETCH_GLOBAL(QString, webSocketEngine);
    return Confab::parseWebSocketEngine(webSocketEngine).value();
}

HostConfig loopbackConfig()
{
    HostConfig config;
    config.socketIo.engine.webSocketEngine = engine();
    config.address = QHostAddress::LocalHost;
    config.port = 0;
    config.dataLocation = u":memory:"_s;
    // The flood is the point: no token bucket in its way.
    config.chat.rateLimit = 100000;
    config.chat.rateBurst = 100000;
    return config;
}

QUrl urlOf(const EmbeddedHost &host)
{
    return QUrl(u"http://127.0.0.1:%1/"_s.arg(host.port()));
}

//! Milliseconds on a clock both threads read.
qint64 now()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
}

//! On the host thread: the signals of a client "late" named "ghost" connecting.
void announceGhost(ChatHost &chatHost)
{
    Confab::ClientInfo info;
    info.sid = u"late"_s;
    info.nsp = u"/"_s;
    Q_EMIT chatHost.server()->clientConnected(info);
    Q_EMIT chatHost.service()->nameChanged(u"late"_s, u"ghost"_s);
}

//! A ChatClient in this process (on the GUI thread, as the app's own).
struct Peer
{
    Confab::Client::SocketIoClient socket;
    Confab::Client::ChatClient chat{&socket};
};

} // namespace

class tst_EmbeddedHost : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void hostLivesOnItsThread();
    void relaysClientsAndNames();
    void portTakenThenAnother();
    void stopDropsQueuedSignals();
    void guiBlockedHostKeepsUp();
    void hostBlockedGuiKeepsRunning();
    void servesWebClient_data();
    void servesWebClient();
};

void tst_EmbeddedHost::initTestCase_data()
{
    QTest::addColumn<QString>("webSocketEngine");
    // The app's default, and the one the environment may pick instead.
    QTest::newRow("qt") << u"qt"_s;
    QTest::newRow("native") << u"native"_s;
}

void tst_EmbeddedHost::hostLivesOnItsThread()
{
    EmbeddedHost host;
    QVERIFY(!host.isRunning());
    QVERIFY(host.start(loopbackConfig()));
    QVERIFY(host.isRunning());
    QVERIFY(host.port() > 0);
    QCOMPARE(host.joinUrls().size(), 1);
    const QUrl link(host.joinUrls().constFirst());
    QCOMPARE(link.adjusted(QUrl::RemoveFragment), urlOf(host));
    QVERIFY2(link.fragment().startsWith(u"fp="_s), qPrintable(link.toString()));
    QCOMPARE(host.certificateFingerprint().size(), 95);
    QCOMPARE(link.fragment(), u"fp="_s + QString(host.certificateFingerprint()).remove(u':'));
    QCOMPARE(host.databasePath(), u":memory:"_s);
    QVERIFY(host.hostThread());
    QVERIFY(host.hostThread() != QThread::currentThread());

    // Every object of the host belongs to the host's thread, not to ours.
    const QList<QThread *> threads = host.call([](ChatHost &chatHost) {
        return QList<QThread *>{QThread::currentThread(), chatHost.thread(),
                                chatHost.server()->thread(), chatHost.store()->thread(),
                                chatHost.service()->thread()};
    });
    QCOMPARE(threads.size(), 5);
    for (QThread *thread : threads)
        QCOMPARE(thread, host.hostThread());

    QPointer<QThread> thread = host.hostThread();
    host.stop();
    QVERIFY(!host.isRunning());
    QCOMPARE(host.port(), quint16(0));
    QVERIFY(!host.hostThread());
    QVERIFY(thread && thread->isFinished());
    // Nothing runs any more, and asking does not block.
    const int ran = host.call([](ChatHost &) { return 1; });
    QCOMPARE(ran, 0);
}

void tst_EmbeddedHost::relaysClientsAndNames()
{
    EmbeddedHost host;
    QVERIFY(host.start(loopbackConfig()));
    QSignalSpy connected(&host, &EmbeddedHost::clientConnected);
    QSignalSpy renamed(&host, &EmbeddedHost::nameChanged);
    QSignalSpy disconnected(&host, &EmbeddedHost::clientDisconnected);

    Peer alice;
    QSignalSpy welcomed(&alice.chat, &Confab::Client::ChatClient::welcomed);
    alice.chat.connectToHost(urlOf(host), u"alice"_s);
    QVERIFY(welcomed.wait(Timeout));
    const QString sid = alice.chat.sid();
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, Timeout);
    const auto info = connected.at(0).at(0).value<Confab::ClientInfo>();
    QCOMPARE(info.sid, sid);
    QCOMPARE(info.nsp, u"/"_s);
    // The name is there when the connection is announced.
    QCOMPARE(host.nameOf(sid), u"alice"_s);

    alice.chat.rename(u"alicia"_s);
    QVERIFY(renamed.wait(Timeout));
    QCOMPARE(renamed.at(0), (QVariantList{sid, u"alicia"_s}));
    QCOMPARE(host.nameOf(sid), u"alicia"_s);

    host.disconnectClient(sid);
    QVERIFY(disconnected.wait(Timeout));
    QCOMPARE(disconnected.at(0), (QVariantList{sid, u"/"_s}));
    QCOMPARE(host.nameOf(sid), QString());
}

void tst_EmbeddedHost::portTakenThenAnother()
{
    EmbeddedHost first;
    QVERIFY(first.start(loopbackConfig()));

    EmbeddedHost second;
    HostConfig config = loopbackConfig();
    config.port = first.port();
    QVERIFY(!second.start(config));
    QVERIFY(!second.isRunning());
    QVERIFY(!second.errorString().isEmpty());
    QCOMPARE(second.port(), quint16(0));
    // The thread stays for the next attempt, as hostChat() moves on to the next port.
    QVERIFY(second.start(loopbackConfig()));
    QVERIFY(second.port() != first.port());
    QVERIFY(second.errorString().isEmpty());
}

void tst_EmbeddedHost::stopDropsQueuedSignals()
{
    EmbeddedHost host;
    QVERIFY(host.start(loopbackConfig()));
    QSignalSpy connected(&host, &EmbeddedHost::clientConnected);
    QSignalSpy renamed(&host, &EmbeddedHost::nameChanged);
    // The host says something on its thread; it is queued for ours, which does not look yet.
    host.call(announceGhost);
    host.stop();
    QCoreApplication::processEvents();
    QCOMPARE(connected.size(), 0);
    QCOMPARE(renamed.size(), 0);
    QCOMPARE(host.nameOf(u"late"_s), QString());

    // The same, delivered, when the host keeps running.
    QVERIFY(host.start(loopbackConfig()));
    host.call(announceGhost);
    QTRY_COMPARE_WITH_TIMEOUT(renamed.size(), 1, Timeout);
    QCOMPARE(connected.size(), 1);
    QCOMPARE(host.nameOf(u"late"_s), u"ghost"_s);
}

// A peer in another process floods the host while this (the GUI) thread is blocked for a
// second: on its own thread, the host keeps pinging within the peer's patience and stores and
// acks every message.
void tst_EmbeddedHost::guiBlockedHostKeepsUp()
{
    const QString missing = AppTest::pythonMissing();
    if (!missing.isEmpty()) {
        if (qEnvironmentVariableIntValue("CONFAB_REQUIRE_PEERS") == 1)
            QFAIL(qPrintable(missing));
        QSKIP(qPrintable(missing));
    }

    HostConfig config = loopbackConfig();
    config.socketIo.engine.pingInterval = PingInterval;
    config.socketIo.engine.pingTimeout = PingTimeout;
    EmbeddedHost host;
    QVERIFY(host.start(config));
    QSignalSpy disconnected(&host, &EmbeddedHost::clientDisconnected);

    // Flooding for twice as long as we block, starting as we do: 250 messages a second, each
    // stored, acked and echoed.
    AppTest::PythonPeer peer(u"flood_peer.py"_s,
                             {urlOf(host).toString(),
                              QString::number(2 * std::chrono::duration<double>(Block).count()),
                              QString::number(4)});
    QTRY_VERIFY_WITH_TIMEOUT(peer.has(u"ready"_s), Timeout);

    // The deliberate block: a window busy with something for a second.
    QThread::msleep(Block.count());

    QTRY_VERIFY_WITH_TIMEOUT(peer.has(u"done"_s), 2 * Timeout);
    const QJsonObject done = peer.find(u"done"_s);
    qInfo().noquote() << "peer:" << QJsonDocument(done).toJson(QJsonDocument::Compact);
    const int sent = done.value(u"sent"_s).toInt();
    QCOMPARE(done.value(u"disconnects"_s).toInt(), 0);
    QVERIFY2(sent >= 100, qPrintable(u"only %1 messages sent"_s.arg(sent)));
    QCOMPARE(done.value(u"acked"_s).toInt(), sent);
    QCOMPARE(done.value(u"received"_s).toInt(), sent);
    const int patience = int((PingInterval + PingTimeout).count());
    QVERIFY2(done.value(u"maxPingGapMs"_s).toInt() < patience,
             qPrintable(u"%1 ms without a ping"_s.arg(done.value(u"maxPingGapMs"_s).toInt())));
    QVERIFY(done.value(u"pings"_s).toInt() > 0);
    QTRY_COMPARE_WITH_TIMEOUT(peer.process.state(), QProcess::NotRunning, Timeout);
    QCOMPARE(peer.process.exitCode(), 0);
    // Only the peer's own goodbye, once it was done.
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, Timeout);
}

// The host's thread is blocked for a second: the GUI thread's timers keep ticking, its queued
// calls are served, and the host's GUI-side API answers without waiting.
void tst_EmbeddedHost::hostBlockedGuiKeepsRunning()
{
    // Before the host: its stop() waits for the blocking job, which writes these.
    std::atomic<qint64> blockStart = 0;
    std::atomic<qint64> blockEnd = 0;
    EmbeddedHost host;
    QVERIFY(host.start(loopbackConfig()));

    QList<qint64> ticks;
    QTimer ticker;
    ticker.setInterval(20ms);
    connect(&ticker, &QTimer::timeout, this, [&ticks] { ticks.append(now()); });
    ticker.start();

    // The deliberate block, on the host's thread.
    host.post([&blockStart, &blockEnd](ChatHost &) {
        blockStart = now();
        QThread::msleep(Block.count());
        blockEnd = now();
    });
    QTRY_VERIFY_WITH_TIMEOUT(blockStart != 0, Timeout);

    qint64 servedAt = 0;
    QMetaObject::invokeMethod(
            this, [&servedAt] { servedAt = now(); }, Qt::QueuedConnection);
    QElapsedTimer asking;
    asking.start();
    QVERIFY(host.port() > 0);
    QCOMPARE(host.nameOf(u"nobody"_s), QString());
    host.disconnectClient(u"nobody"_s); // queued behind the block
    QVERIFY2(asking.elapsed() < 100, qPrintable(u"the API took %1 ms"_s.arg(asking.elapsed())));

    QTRY_VERIFY_WITH_TIMEOUT(blockEnd != 0, Timeout);
    const qint64 start = blockStart;
    const qint64 end = blockEnd;
    const auto during = std::count_if(ticks.cbegin(), ticks.cend(),
                                      [&](qint64 tick) { return tick > start && tick < end; });
    qInfo() << "GUI timer ticks while the host was blocked for" << end - start << "ms:" << during
            << "(of" << (end - start) / 20 << "due)";
    QVERIFY2(servedAt > 0 && servedAt < end, "the queued call waited for the host");
    // 50 are due; a loaded machine may delay some, a blocked thread delays all.
    QVERIFY2(during >= 10, qPrintable(u"only %1 ticks"_s.arg(during)));
}

// The app's host serves the web chat too (server/chat/webclient.h), from its own thread.
void tst_EmbeddedHost::servesWebClient_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("bodyStart");
    QTest::newRow("page") << u"/?room=lobby&name=alice"_s << 200 << "text/html; charset=utf-8"_ba
                          << "<!DOCTYPE html>"_ba;
    QTest::newRow("script") << u"/confab.js"_s << 200 << "text/javascript; charset=utf-8"_ba
                            << "// SPDX-License-Identifier: MIT"_ba;
    QTest::newRow("bundle") << u"/socket.io.min.js"_s << 200 << "text/javascript; charset=utf-8"_ba
                            << "/*!\n * Socket.IO v4."_ba;
    // Files next to the served ones are not served.
    QTest::newRow("not embedded") << u"/package.json"_s << 404 << QByteArray() << QByteArray();
}

void tst_EmbeddedHost::servesWebClient()
{
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, bodyStart);
    EmbeddedHost host;
    QVERIFY(host.start(loopbackConfig()));

    QNetworkAccessManager network;
    // (Traversal is tested over raw sockets in tests/chat/web_static_test.py: QUrl would
    // normalise it away before the host sees it.)
    const QUrl url(u"http://127.0.0.1:%1%2"_s.arg(host.port()).arg(path));
    std::unique_ptr<QNetworkReply> reply(network.get(QNetworkRequest(url)));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), status);
    if (status != 200)
        return;
    QCOMPARE(reply->rawHeader("Content-Type"), contentType);
    QVERIFY(reply->rawHeader("Content-Security-Policy").contains("script-src 'self';"));
    QCOMPARE(reply->rawHeader("X-Content-Type-Options"), "nosniff"_ba);
    QVERIFY2(reply->readAll().startsWith(bodyStart), qPrintable(path));
}

QTEST_MAIN(tst_EmbeddedHost)
#include "tst_embeddedhost.moc"
