// SPDX-License-Identifier: MIT
// EpollEventDispatcher as confab-server installs it: before QCoreApplication, on the main
// thread. Timers, posted and deferred-delete events, wake-ups from other threads, socket
// notifiers (on a socketpair and under QTcpServer/QTcpSocket), and changes made from inside
// handlers.
#include "epolleventdispatcher.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QPointer>
#include <QtCore/QSocketNotifier>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <sys/socket.h>
#include <unistd.h>

using namespace std::chrono_literals;

class tst_EpollEventDispatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void installed();
    void singleShotTimersInDeadlineOrder();
    void repeatingTimer();
    void timerStoppedInsideItsHandler();
    void remainingTimeAndRegisteredTimers();
    void zeroTimerDoesNotStarveSockets();
    void postedAndDeferredDelete();
    void wakeUpFromAnotherThread();
    void socketNotifiers();
    void notifierDeletedByAnEarlierHandler();
    void tcpRoundTrip();
    void quitFromAnotherThread();
};

void tst_EpollEventDispatcher::installed()
{
    QVERIFY(qobject_cast<Confab::EpollEventDispatcher *>(QAbstractEventDispatcher::instance()));
}

void tst_EpollEventDispatcher::singleShotTimersInDeadlineOrder()
{
    QList<int> order;
    QTimer::singleShot(60ms, this, [&] { order << 60; });
    QTimer::singleShot(20ms, this, [&] { order << 20; });
    QTimer::singleShot(40ms, this, [&] { order << 40; });
    QElapsedTimer clock;
    clock.start();
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 3, 5000);
    QCOMPARE(order, (QList<int>{20, 40, 60}));
    QVERIFY(clock.elapsed() >= 60);
}

void tst_EpollEventDispatcher::repeatingTimer()
{
    QTimer timer;
    timer.setInterval(10ms);
    QSignalSpy ticks(&timer, &QTimer::timeout);
    QElapsedTimer clock;
    clock.start();
    timer.start();
    QTRY_VERIFY_WITH_TIMEOUT(ticks.size() >= 5, 5000);
    timer.stop();
    QVERIFY(clock.elapsed() >= 40); // five ticks cannot come sooner than that
    const qsizetype count = ticks.size();
    QTest::qWait(50);
    QCOMPARE(ticks.size(), count); // stopped means stopped
}

void tst_EpollEventDispatcher::timerStoppedInsideItsHandler()
{
    QTimer timer;
    timer.setInterval(0ms);
    int fired = 0;
    connect(&timer, &QTimer::timeout, this, [&] {
        if (++fired == 3)
            timer.stop();
    });
    timer.start();
    QTRY_COMPARE_WITH_TIMEOUT(fired, 3, 5000);
    QTest::qWait(20);
    QCOMPARE(fired, 3);
    QVERIFY(!timer.isActive());
}

void tst_EpollEventDispatcher::remainingTimeAndRegisteredTimers()
{
    QTimer timer;
    timer.start(10s);
    const int remaining = timer.remainingTime();
    QVERIFY2(remaining > 9000 && remaining <= 10000, qPrintable(QString::number(remaining)));
    const auto timers = QAbstractEventDispatcher::instance()->registeredTimers(&timer);
    QCOMPARE(timers.size(), 1);
    QCOMPARE(timers.first().interval, 10000);
    timer.stop();
    QCOMPARE(timer.remainingTime(), -1);
    QVERIFY(QAbstractEventDispatcher::instance()->registeredTimers(&timer).isEmpty());
}

void tst_EpollEventDispatcher::zeroTimerDoesNotStarveSockets()
{
    // A 0 ms timer fires on every pass; readable sockets must still be served.
    int fds[2];
    QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    QSocketNotifier notifier(fds[0], QSocketNotifier::Read);
    QSignalSpy activated(&notifier, &QSocketNotifier::activated);
    QTimer busy;
    busy.start(0ms);
    QCOMPARE(::write(fds[1], "x", 1), 1);
    QVERIFY(activated.wait(2000));
    busy.stop();
    ::close(fds[0]);
    ::close(fds[1]);
}

void tst_EpollEventDispatcher::postedAndDeferredDelete()
{
    bool invoked = false;
    QMetaObject::invokeMethod(
            this, [&] { invoked = true; }, Qt::QueuedConnection);
    QVERIFY(!invoked);
    QTRY_VERIFY_WITH_TIMEOUT(invoked, 2000);

    QPointer<QObject> doomed = new QObject;
    doomed->deleteLater();
    QTRY_VERIFY_WITH_TIMEOUT(doomed.isNull(), 2000);
}

void tst_EpollEventDispatcher::wakeUpFromAnotherThread()
{
    // The main loop blocks in epoll_wait() with no timer due; an event posted from another
    // thread must wake it at once.
    bool delivered = false;
    QThread *thread = QThread::create([this, &delivered] {
        QMetaObject::invokeMethod(
                this, [&delivered] { delivered = true; }, Qt::QueuedConnection);
    });
    QElapsedTimer clock;
    clock.start();
    thread->start();
    QTRY_VERIFY_WITH_TIMEOUT(delivered, 5000);
    QVERIFY(clock.elapsed() < 2000);
    thread->wait();
    delete thread;
}

void tst_EpollEventDispatcher::socketNotifiers()
{
    int fds[2];
    QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    QSocketNotifier reader(fds[0], QSocketNotifier::Read);
    QSocketNotifier writer(fds[0], QSocketNotifier::Write); // same descriptor, other kind
    QSignalSpy readable(&reader, &QSocketNotifier::activated);
    QSignalSpy writable(&writer, &QSocketNotifier::activated);
    QVERIFY(writable.wait(2000)); // an empty socket is writable
    writer.setEnabled(false);
    QVERIFY(readable.isEmpty());

    QCOMPARE(::write(fds[1], "abc", 3), 3);
    QVERIFY(readable.wait(2000));
    char buffer[8];
    QCOMPARE(::read(fds[0], buffer, sizeof buffer), 3);
    const qsizetype reads = readable.size();
    writable.clear();
    QTest::qWait(30);
    QCOMPARE(readable.size(), reads); // drained: not activated again
    QVERIFY(writable.isEmpty()); // disabled

    // The peer closing is reported to the read notifier.
    ::close(fds[1]);
    QVERIFY(readable.wait(2000));
    reader.setEnabled(false);
    ::close(fds[0]);
}

void tst_EpollEventDispatcher::notifierDeletedByAnEarlierHandler()
{
    // Two sockets ready in the same pass; the first handler deletes the other's notifier.
    int a[2], b[2];
    QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
    QCOMPARE(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
    auto *first = new QSocketNotifier(a[0], QSocketNotifier::Read, this);
    auto *second = new QSocketNotifier(b[0], QSocketNotifier::Read, this);
    int calls = 0;
    const auto handler = [&](QSocketNotifier *self, QSocketNotifier *other) {
        ++calls;
        char c;
        QCOMPARE(::read(int(self->socket()), &c, 1), 1);
        delete other;
        delete self;
    };
    connect(first, &QSocketNotifier::activated, this, [&] { handler(first, second); });
    connect(second, &QSocketNotifier::activated, this, [&] { handler(second, first); });
    QCOMPARE(::write(a[1], "x", 1), 1);
    QCOMPARE(::write(b[1], "y", 1), 1);
    QTRY_COMPARE_WITH_TIMEOUT(calls, 1, 2000);
    QTest::qWait(30);
    QCOMPARE(calls, 1);
    for (int fd : {a[0], a[1], b[0], b[1]})
        ::close(fd);
}

void tst_EpollEventDispatcher::tcpRoundTrip()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QVERIFY(QSignalSpy(&server, &QTcpServer::newConnection).wait(5000));
    std::unique_ptr<QTcpSocket> peer(server.nextPendingConnection());
    QVERIFY(peer);
    connect(peer.get(), &QTcpSocket::readyRead, peer.get(),
            [&] { peer->write(peer->readAll().toUpper()); });
    QByteArray received;
    connect(&client, &QTcpSocket::readyRead, this, [&] { received += client.readAll(); });
    const QByteArray big(1 << 20, 'q'); // more than one socket buffer: write notifiers too
    client.write(big);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), big.size(), 10000);
    QCOMPARE(received, big.toUpper());
    QSignalSpy gone(peer.get(), &QTcpSocket::disconnected);
    client.disconnectFromHost();
    QVERIFY(gone.wait(5000));
}

void tst_EpollEventDispatcher::quitFromAnotherThread()
{
    QEventLoop loop;
    QThread *thread
            = QThread::create([&loop] { QMetaObject::invokeMethod(&loop, &QEventLoop::quit); });
    QTimer::singleShot(0ms, thread, [thread] { thread->start(); });
    QTimer safety;
    safety.setSingleShot(true);
    connect(&safety, &QTimer::timeout, &loop, [&loop] { loop.exit(1); });
    safety.start(5s);
    QCOMPARE(loop.exec(), 0);
    thread->wait();
    delete thread;
}

int main(int argc, char *argv[])
{
    QCoreApplication::setEventDispatcher(new Confab::EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    tst_EpollEventDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolleventdispatcher.moc"
