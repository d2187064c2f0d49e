// SPDX-License-Identifier: MIT
// The host password's throttle, step by step on a clock the test controls: free attempts, a
// wait that doubles, refusals of the right password while waiting, resets, addresses kept
// apart (IPv6 by /64), and failures forgotten after an hour.
#include "passwordgate.h"

#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab;
using namespace std::chrono_literals;

namespace {
//! One attempt: at \a at ms, from \a address, with \a password; \a expect is "" for
//! accepted, otherwise the refusal.
struct Step
{
    qint64 at;
    QString address;
    QString password;
    QString expect;
};
using Steps = QList<Step>;

const QString right = u"correct horse"_s;
const QString unauthorized = u"unauthorized"_s;
QString retryIn(int seconds)
{
    return u"too many attempts, retry in %1 s"_s.arg(seconds);
}

//! \a n wrong attempts from \a address at \a at.
Steps wrong(int n, qint64 at = 0, const QString &address = u"192.168.1.20"_s)
{
    Steps steps;
    for (int i = 0; i < n; ++i)
        steps.append({at, address, u"guess %1"_s.arg(i), unauthorized});
    return steps;
}
} // namespace

Q_DECLARE_METATYPE(Steps)

class tst_PasswordGate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void steps_data();
    void steps();
    void noPassword();
    void trackingIsBounded();
};

void tst_PasswordGate::steps_data()
{
    QTest::addColumn<Steps>("steps");
    const QString a = u"192.168.1.20"_s;
    const QString b = u"192.168.1.21"_s;

    QTest::addRow("right password") << Steps{{0, a, right, {}}};
    QTest::addRow("near misses are wrong") << Steps{{0, a, right.left(12), unauthorized},
                                                    {0, a, right + u" "_s, unauthorized},
                                                    {0, a, right.toUpper(), unauthorized},
                                                    {0, a, {}, unauthorized},
                                                    {0, a, right, {}}};
    QTest::addRow("four failures are free") << wrong(4) + Steps{{0, a, right, {}}};
    QTest::addRow("the fifth makes the right password wait 1 s")
            << wrong(5) + Steps{{999, a, right, retryIn(1)}, {1000, a, right, {}}};
    QTest::addRow("the wait doubles with each further failure")
            << wrong(5) + Steps{{1000, a, u"x"_s, unauthorized}, // 6th: 2 s
                                {1001, a, right, retryIn(2)},
                                {3000, a, u"y"_s, unauthorized}, // 7th: 4 s
                                {3000, a, right, retryIn(4)},
                                {6500, a, right, retryIn(1)},
                                {7000, a, right, {}}};
    QTest::addRow("attempts while waiting do not count") << [&] {
        Steps steps = wrong(5);
        for (int i = 0; i < 50; ++i)
            steps.append({500, a, u"guess %1"_s.arg(i), retryIn(1)});
        return steps
                + Steps{{500, a, right, retryIn(1)},
                        {1000, a, u"z"_s, unauthorized},
                        {1001, a, right, retryIn(2)}};
    }();
    QTest::addRow("a success resets the count")
            << wrong(4) + Steps{{0, a, right, {}}} + wrong(4) + Steps{{0, a, right, {}}};
    QTest::addRow("the wait is capped at 15 minutes") << [&] {
        Steps steps = wrong(5);
        qint64 t = 0;
        for (int i = 0; i < 20; ++i) {
            t += PasswordGate::MaxBlock.count();
            steps.append({t, a, u"again"_s, unauthorized});
        }
        steps.append({t, a, right, retryIn(15 * 60)});
        return steps;
    }();
    QTest::addRow("failures are forgotten an hour after the last") << wrong(4)
                    + wrong(4, PasswordGate::ForgetAfter.count())
                    + Steps{{PasswordGate::ForgetAfter.count(), a, right, {}}};
    QTest::addRow("another address is not held up")
            << wrong(5) + Steps{{0, b, right, {}}, {0, a, right, retryIn(1)}};
    QTest::addRow("IPv4-mapped IPv6 is the IPv4 address")
            << wrong(5) + Steps{{0, u"::ffff:192.168.1.20"_s, right, retryIn(1)}};
    QTest::addRow("an IPv6 /64 is one address") << wrong(5, 0, u"2001:db8:1:2::1"_s)
                    + Steps{{0, u"2001:db8:1:2:ffff::9"_s, right, retryIn(1)},
                            {0, u"2001:db8:1:3::1"_s, right, {}}};
}

void tst_PasswordGate::steps()
{
    QFETCH(Steps, steps);
    PasswordGate gate(right);
    QVERIFY(gate.isEnabled());
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const Step &step = steps.at(i);
        const auto verdict = gate.check(QHostAddress(step.address), step.password,
                                        std::chrono::milliseconds(step.at));
        const QString got = verdict.accepted ? QString() : verdict.refusal;
        QVERIFY2(verdict.accepted == step.expect.isEmpty() && got == step.expect,
                 qPrintable(u"step %1 (%2 ms, %3): got \"%4\", expected \"%5\""_s.arg(i)
                                    .arg(step.at)
                                    .arg(step.address, got, step.expect)));
    }
}

void tst_PasswordGate::noPassword()
{
    PasswordGate gate;
    QVERIFY(!gate.isEnabled());
    for (int i = 0; i < 10; ++i)
        QVERIFY(gate.check(QHostAddress(u"10.0.0.1"_s), u"anything"_s, 0ms).accepted);
    QCOMPARE(gate.trackedCount(), 0);
}

void tst_PasswordGate::trackingIsBounded()
{
    // Guesses from ever new addresses: the table of failures never outgrows its cap.
    PasswordGate gate(right);
    for (quint32 i = 0; i < PasswordGate::MaxTracked + 1000; ++i)
        gate.check(QHostAddress(0x0a000000u + i), u"guess"_s, 0ms);
    QVERIFY(gate.trackedCount() <= PasswordGate::MaxTracked);
}

QTEST_APPLESS_MAIN(tst_PasswordGate)
#include "tst_passwordgate.moc"
