// SPDX-License-Identifier: MIT
// The shared timer service of the sessions: never early, at most about a tick late, O(1)
// restarts, and safe when callbacks start, stop or destroy timers.
#include "timerwheel.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QThread>
#include <QtTest/QTest>

#include <memory>

using namespace std::chrono_literals;
using namespace Confab;

class tst_TimerWheel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firesOnTime_data();
    void firesOnTime();
    void restartPostponesWithoutFiring();
    void chainedDeadlinesDoNotAddUpLateness();
    void stopCancels();
    void manyTimersEachFireOnce();
    void callbackMayRestartAndDestroy();
    void destroyedTimerNeverFires();
    void idleWheelStopsItsTimer();
};

void tst_TimerWheel::firesOnTime_data()
{
    QTest::addColumn<int>("tickMs");
    QTest::addColumn<int>("timeoutMs");

    QTest::addRow("zero timeout") << 10 << 0;
    QTest::addRow("shorter than a tick") << 10 << 3;
    QTest::addRow("a few ticks") << 10 << 55;
    QTest::addRow("coarse tick") << 25 << 120;
    // 512 slots of 1 ms: 700 ms needs a second turn of the wheel.
    QTest::addRow("more than one turn") << 1 << 700;
    QTest::addRow("conformance ping timeout") << 10 << 200;
}

void tst_TimerWheel::firesOnTime()
{
    QFETCH(int, tickMs);
    QFETCH(int, timeoutMs);
    TimerWheel wheel{std::chrono::milliseconds(tickMs)};
    int fired = 0;
    qint64 elapsedAtFire = -1;
    QElapsedTimer clock;
    WheelTimer timer(&wheel, [&] {
        ++fired;
        elapsedAtFire = clock.elapsed();
    });
    clock.start();
    timer.start(std::chrono::milliseconds(timeoutMs));
    QVERIFY(timer.isActive());
    QCOMPARE(fired, 0); // never from inside start()
    QTRY_COMPARE_WITH_TIMEOUT(fired, 1, timeoutMs + 5000);
    QVERIFY(!timer.isActive());
    QCOMPARE(wheel.activeCount(), 0);
    QVERIFY2(elapsedAtFire >= timeoutMs, qPrintable(QString::number(elapsedAtFire)));
    // Lateness: up to a tick, plus whatever the (shared, busy) machine adds; bounded loosely.
    QVERIFY2(elapsedAtFire <= timeoutMs + tickMs + 250, qPrintable(QString::number(elapsedAtFire)));
}

void tst_TimerWheel::restartPostponesWithoutFiring()
{
    // A heartbeat deadline restarted on every packet must not fire while packets come in.
    TimerWheel wheel{5ms};
    int fired = 0;
    WheelTimer timer(&wheel, [&] { ++fired; });
    QElapsedTimer clock;
    clock.start();
    timer.start(100ms);
    while (clock.elapsed() < 300) {
        QTest::qWait(10);
        timer.start(100ms);
    }
    QCOMPARE(fired, 0);
    QTRY_COMPARE_WITH_TIMEOUT(fired, 1, 5000);
    QVERIFY(clock.elapsed() >= 400);
}

void tst_TimerWheel::chainedDeadlinesDoNotAddUpLateness()
{
    // The pong deadline counts from when the ping was due, not from when its callback ran:
    // a callback that runs 100 ms late leaves the second timeout (30 ms) already due.
    TimerWheel wheel{5ms};
    QElapsedTimer clock;
    QList<qint64> firedAt;
    WheelTimer timer;
    timer.setWheel(&wheel);
    timer.setCallback([&] {
        firedAt.append(clock.elapsed());
        if (firedAt.size() == 1) {
            QThread::msleep(100); // a busy event loop
            timer.startAfterDeadline(30ms);
        }
    });
    clock.start();
    timer.start(20ms);
    QTRY_COMPARE_WITH_TIMEOUT(firedAt.size(), 2, 5000);
    QVERIFY(firedAt.at(0) >= 20);
    QVERIFY(firedAt.at(1) >= 50); // never before the chained deadline
    // Due since 50 ms: it fires on the next tick after the late callback, not 30 ms later.
    QVERIFY2(firedAt.at(1) - firedAt.at(0) < 100 + 30,
             qPrintable(QString::number(firedAt.at(1) - firedAt.at(0))));
}

void tst_TimerWheel::stopCancels()
{
    TimerWheel wheel{5ms};
    int fired = 0;
    WheelTimer cancelled(&wheel, [&] { ++fired; });
    bool witness = false;
    WheelTimer later(&wheel, [&] { witness = true; });
    cancelled.start(20ms);
    later.start(80ms);
    cancelled.stop();
    cancelled.stop(); // idempotent
    QVERIFY(!cancelled.isActive());
    QCOMPARE(wheel.activeCount(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(witness, 5000);
    QCOMPARE(fired, 0);
}

void tst_TimerWheel::manyTimersEachFireOnce()
{
    TimerWheel wheel{5ms};
    constexpr int count = 5000;
    std::vector<int> fired(count, 0);
    std::vector<std::unique_ptr<WheelTimer>> timers;
    timers.reserve(count);
    for (int i = 0; i < count; ++i) {
        timers.push_back(std::make_unique<WheelTimer>(&wheel, [&fired, i] { ++fired[size_t(i)]; }));
        timers.back()->start(std::chrono::milliseconds(i % 300));
    }
    QCOMPARE(wheel.activeCount(), count);
    QTRY_COMPARE_WITH_TIMEOUT(wheel.activeCount(), 0, 10000);
    QVERIFY(std::all_of(fired.cbegin(), fired.cend(), [](int n) { return n == 1; }));
}

void tst_TimerWheel::callbackMayRestartAndDestroy()
{
    TimerWheel wheel{5ms};
    // A repeating timer built from a one-shot (the upgrade's noop timer works like this).
    int repeats = 0;
    WheelTimer repeating;
    repeating.setWheel(&wheel);
    repeating.setCallback([&] {
        if (++repeats < 3)
            repeating.start(10ms);
    });
    // A callback that deletes its own timer and a sibling due at the same tick.
    auto self = std::make_unique<WheelTimer>();
    auto sibling = std::make_unique<WheelTimer>();
    int siblingFired = 0;
    self->setWheel(&wheel);
    self->setCallback([&] {
        self.reset();
        sibling.reset();
    });
    sibling->setWheel(&wheel);
    sibling->setCallback([&] { ++siblingFired; });
    self->start(30ms);
    sibling->start(30ms);
    repeating.start(10ms);
    QTRY_COMPARE_WITH_TIMEOUT(repeats, 3, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!self, 5000);
    // Either order within the tick is fine, but the sibling fires at most once and the
    // wheel forgets both.
    QVERIFY(siblingFired <= 1);
    QTRY_COMPARE_WITH_TIMEOUT(wheel.activeCount(), 0, 5000);
}

void tst_TimerWheel::destroyedTimerNeverFires()
{
    TimerWheel wheel{5ms};
    int fired = 0;
    {
        WheelTimer timer(&wheel, [&] { ++fired; });
        timer.start(10ms);
    }
    QCOMPARE(wheel.activeCount(), 0);
    bool witness = false;
    WheelTimer later(&wheel, [&] { witness = true; });
    later.start(50ms);
    QTRY_VERIFY_WITH_TIMEOUT(witness, 5000);
    QCOMPARE(fired, 0);

    // A timer that outlives its wheel is simply inactive.
    auto shortLived = std::make_unique<TimerWheel>(5ms);
    WheelTimer orphan(shortLived.get(), [&] { ++fired; });
    orphan.start(10ms);
    shortLived.reset();
    QVERIFY(!orphan.isActive());
}

void tst_TimerWheel::idleWheelStopsItsTimer()
{
    // No wake-ups while nothing waits.
    TimerWheel wheel{5ms};
    QVERIFY(!wheel.isTicking());
    int fired = 0;
    WheelTimer timer(&wheel, [&] { ++fired; });
    timer.start(10ms);
    QVERIFY(wheel.isTicking());
    QTRY_COMPARE_WITH_TIMEOUT(fired, 1, 5000);
    QCOMPARE(wheel.activeCount(), 0);
    QVERIFY(!wheel.isTicking());
    // Starting again after an idle spell still fires on time (the wheel resynchronises).
    QTest::qWait(100);
    QElapsedTimer clock;
    clock.start();
    timer.start(30ms);
    QTRY_COMPARE_WITH_TIMEOUT(fired, 2, 5000);
    QVERIFY(clock.elapsed() >= 30);
}

QTEST_GUILESS_MAIN(tst_TimerWheel)
#include "tst_timerwheel.moc"
