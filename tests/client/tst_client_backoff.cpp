// SPDX-License-Identifier: MIT
#include "backoff.h"

#include <QtTest/QTest>

using namespace Confab::Client;
using namespace std::chrono_literals;

class tst_ClientBackoff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sequence_data()
    {
        QTest::addColumn<int>("min");
        QTest::addColumn<int>("max");
        QTest::addColumn<double>("jitter");
        QTest::addColumn<double>("random");
        QTest::addColumn<QList<int>>("expected");
        // The official defaults without jitter: 1 s doubling up to 5 s.
        QTest::addRow("defaults, no jitter")
                << 1000 << 5000 << 0.0 << 0.0 << QList<int>{1000, 2000, 4000, 5000, 5000, 5000};
        // backo2: deviation = floor(r · jitter · ms); the first decimal of r picks the sign.
        QTest::addRow("r=0.25 lowers")
                << 1000 << 5000 << 0.5 << 0.25 << QList<int>{875, 1750, 3500, 5000};
        QTest::addRow("r=0.35 raises")
                << 1000 << 5000 << 0.5 << 0.35 << QList<int>{1175, 2350, 4700, 5000};
        QTest::addRow("short test delays")
                << 100 << 400 << 0.0 << 0.0 << QList<int>{100, 200, 400, 400};
        QTest::addRow("max below min") << 1000 << 500 << 0.0 << 0.0 << QList<int>{500, 500};
    }
    void sequence()
    {
        QFETCH(int, min);
        QFETCH(int, max);
        QFETCH(double, jitter);
        QFETCH(double, random);
        QFETCH(QList<int>, expected);
        Backoff backoff(std::chrono::milliseconds(min), std::chrono::milliseconds(max), jitter);
        backoff.setRandomSource([random] { return random; });
        QList<int> got;
        for (qsizetype i = 0; i < expected.size(); ++i)
            got.append(int(backoff.next().count()));
        QCOMPARE(got, expected);
        QCOMPARE(backoff.attempts(), int(expected.size()));
    }

    void resetStartsOver()
    {
        Backoff backoff(1000ms, 5000ms, 0.0);
        backoff.next();
        backoff.next();
        backoff.reset();
        QCOMPARE(backoff.attempts(), 0);
        QCOMPARE(backoff.next(), 1000ms);
    }

    void jitterStaysInBounds()
    {
        Backoff backoff(1000ms, 5000ms, 0.5);
        for (int run = 0; run < 200; ++run) {
            backoff.reset();
            for (int n = 0; n < 6; ++n) {
                const double base = 1000.0 * (1 << n);
                const int d = int(backoff.next().count());
                QVERIFY2(d >= qMin(5000, int(base * 0.5)) - 1 && d <= qMin(5000, int(base * 1.5)),
                         qPrintable(QString::number(d)));
            }
        }
    }

    void manyAttemptsDoNotOverflow()
    {
        Backoff backoff(1000ms, 5000ms, 0.5);
        for (int i = 0; i < 2000; ++i)
            QVERIFY(backoff.next() <= 5000ms);
        QVERIFY(backoff.next() >= 0ms);
    }
};

QTEST_GUILESS_MAIN(tst_ClientBackoff)
#include "tst_client_backoff.moc"
