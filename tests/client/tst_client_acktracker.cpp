// SPDX-License-Identifier: MIT
#include "acktracker.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab::Client;
using namespace std::chrono_literals;

class tst_ClientAckTracker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void idsStartAtZero()
    {
        AckTracker tracker;
        QCOMPARE(tracker.add(u"/"_s, nullptr, {}), 0);
        QCOMPARE(tracker.add(u"/"_s, nullptr, {}), 1);
        QCOMPARE(tracker.add(u"/chat"_s, nullptr, {}), 2);
        QCOMPARE(tracker.pendingCount(), 3);
    }

    void resolve_data()
    {
        QTest::addColumn<QString>("nsp");
        QTest::addColumn<qint64>("id");
        QTest::addColumn<bool>("accepted");
        QTest::addRow("matching") << u"/"_s << qint64(0) << true;
        QTest::addRow("other namespace") << u"/chat"_s << qint64(0) << false;
        QTest::addRow("unknown id") << u"/"_s << qint64(7) << false;
    }
    void resolve()
    {
        QFETCH(QString, nsp);
        QFETCH(qint64, id);
        QFETCH(bool, accepted);
        AckTracker tracker;
        QList<AckResult> results;
        tracker.add(
                u"/"_s, this, [&](const AckResult &r) { results.append(r); }, 1000ms);
        QCOMPARE(tracker.resolve(nsp, id, {1, u"two"_s}), accepted);
        QCOMPARE(results.size(), accepted ? 1 : 0);
        if (accepted) {
            QCOMPARE(results.first().status, AckStatus::Acknowledged);
            QCOMPARE(results.first().args, (QVariantList{1, u"two"_s}));
            // Only once: a second (late, duplicated) reply is refused.
            QVERIFY(!tracker.resolve(nsp, id, {}));
            QCOMPARE(results.size(), 1);
        }
    }

    void timeout()
    {
        AckTracker tracker;
        QList<AckResult> results;
        QElapsedTimer timer;
        timer.start();
        const qint64 id = tracker.add(
                u"/"_s, this, [&](const AckResult &r) { results.append(r); }, 50ms);
        QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, 5000);
        QVERIFY(timer.elapsed() >= 45);
        QCOMPARE(results.first().status, AckStatus::TimedOut);
        QVERIFY(!tracker.contains(id));
        QVERIFY(!tracker.resolve(u"/"_s, id, {})); // the late reply is ignored
        QCOMPARE(results.size(), 1);
    }

    void noTimeoutWaitsForever()
    {
        AckTracker tracker;
        int calls = 0;
        tracker.add(u"/"_s, this, [&](const AckResult &) { ++calls; });
        QTest::qWait(50);
        QCOMPARE(calls, 0);
        QCOMPARE(tracker.pendingCount(), 1);
    }

    void failAllKeepsUnsentOnes()
    {
        AckTracker tracker;
        QList<qint64> failed;
        const qint64 sent = tracker.add(u"/"_s, this, [&](const AckResult &r) {
            QCOMPARE(r.status, AckStatus::Disconnected);
            failed.append(0);
        });
        const qint64 buffered
                = tracker.add(u"/"_s, this, [&](const AckResult &) { failed.append(1); });
        const qint64 otherNsp
                = tracker.add(u"/chat"_s, this, [&](const AckResult &) { failed.append(2); });
        tracker.markSent(sent);
        tracker.markSent(otherNsp);
        tracker.failAll(u"/"_s, AckStatus::Disconnected, true);
        QCOMPARE(failed, QList<qint64>{0});
        QVERIFY(tracker.contains(buffered));
        QVERIFY(tracker.contains(otherNsp));
        tracker.failAll({}, AckStatus::NotSent, false);
        QCOMPARE(failed.size(), 3);
        QCOMPARE(tracker.pendingCount(), 0);
    }

    void deadContextIsSkipped()
    {
        AckTracker tracker;
        int calls = 0;
        auto context = std::make_unique<QObject>();
        tracker.add(
                u"/"_s, context.get(), [&](const AckResult &) { ++calls; }, 20ms);
        context.reset();
        QTest::qWait(100);
        QCOMPARE(calls, 0);
        QCOMPARE(tracker.pendingCount(), 0);
    }

    void destructionDropsCallbacks()
    {
        int calls = 0;
        {
            AckTracker tracker;
            tracker.add(
                    u"/"_s, this, [&](const AckResult &) { ++calls; }, 10ms);
            const qint64 id = tracker.add(u"/"_s, this, [&](const AckResult &) { ++calls; });
            tracker.failLater(id, AckStatus::NotSent);
        }
        QTest::qWait(100);
        QCOMPARE(calls, 0);
    }

    void failLaterIsAsynchronous()
    {
        AckTracker tracker;
        int calls = 0;
        const qint64 id = tracker.add(u"/"_s, this, [&](const AckResult &r) {
            QCOMPARE(r.status, AckStatus::NotSent);
            ++calls;
        });
        tracker.failLater(id, AckStatus::NotSent);
        QCOMPARE(calls, 0);
        QVERIFY(!tracker.contains(id));
        QTRY_COMPARE(calls, 1);
    }

    void callbackMayDestroyTracker()
    {
        auto tracker = std::make_unique<AckTracker>();
        int calls = 0;
        for (int i = 0; i < 3; ++i) {
            const qint64 id = tracker->add(u"/"_s, this, [&](const AckResult &) {
                ++calls;
                tracker.reset();
            });
            tracker->markSent(id);
        }
        tracker->failAll({}, AckStatus::Disconnected, true);
        QCOMPARE(calls, 1);
        QVERIFY(!tracker);
    }

    void timeoutCallbackMayDestroyTracker()
    {
        auto tracker = std::make_unique<AckTracker>();
        int calls = 0;
        tracker->add(
                u"/"_s, this,
                [&](const AckResult &) {
                    ++calls;
                    tracker.reset();
                },
                10ms);
        QTRY_COMPARE(calls, 1);
        QTest::qWait(20);
    }
};

QTEST_GUILESS_MAIN(tst_ClientAckTracker)
#include "tst_client_acktracker.moc"
