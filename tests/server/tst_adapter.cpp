// SPDX-License-Identifier: MIT
// The in-memory adapter: room bookkeeping and who a broadcast reaches.
#include "adapter.h"

#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab;

class tst_Adapter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void broadcastTargets_data();
    void broadcastTargets();
    void sameBytesForEveryRecipient();
    void bookkeeping();

private:
    std::unique_ptr<InMemoryAdapter> m_adapter;
    QMap<QString, QList<EngineIo::Packet>> m_delivered;
};

void tst_Adapter::init()
{
    m_delivered.clear();
    m_adapter = std::make_unique<InMemoryAdapter>(
            [this](const QString &sid, const QList<EngineIo::Packet> &frames) {
                m_delivered[sid] = frames;
            });
    // Every socket is in its own room; a and b share "r", c is in "s".
    m_adapter->addAll(u"a"_s, {u"a"_s, u"r"_s});
    m_adapter->addAll(u"b"_s, {u"b"_s, u"r"_s});
    m_adapter->addAll(u"c"_s, {u"c"_s, u"s"_s});
}

void tst_Adapter::broadcastTargets_data()
{
    QTest::addColumn<QStringList>("rooms");
    QTest::addColumn<QStringList>("except");
    QTest::addColumn<QStringList>("reached");

    QTest::addRow("everyone") << QStringList{} << QStringList{}
                              << QStringList{u"a"_s, u"b"_s, u"c"_s};
    QTest::addRow("one room") << QStringList{u"r"_s} << QStringList{}
                              << QStringList{u"a"_s, u"b"_s};
    QTest::addRow("room skipping a sid")
            << QStringList{u"r"_s} << QStringList{u"a"_s} << QStringList{u"b"_s};
    QTest::addRow("two rooms, no duplicates")
            << QStringList{u"r"_s, u"s"_s, u"a"_s} << QStringList{}
            << QStringList{u"a"_s, u"b"_s, u"c"_s};
    QTest::addRow("one sid") << QStringList{u"c"_s} << QStringList{} << QStringList{u"c"_s};
    QTest::addRow("everyone but a room")
            << QStringList{} << QStringList{u"r"_s} << QStringList{u"c"_s};
    QTest::addRow("unknown room") << QStringList{u"nowhere"_s} << QStringList{} << QStringList{};
    QTest::addRow("skip several") << QStringList{} << QStringList{u"a"_s, u"c"_s}
                                  << QStringList{u"b"_s};
}

void tst_Adapter::broadcastTargets()
{
    QFETCH(QStringList, rooms);
    QFETCH(QStringList, except);
    QFETCH(QStringList, reached);
    const int count
            = m_adapter->broadcast({EngineIo::Packet::message("2[\"x\"]"_ba)}, {rooms, except});
    QCOMPARE(count, reached.size());
    QCOMPARE(m_delivered.keys(), reached);
}

void tst_Adapter::sameBytesForEveryRecipient()
{
    // Encoded once: every recipient is handed the very same buffer, not a copy.
    const QList<EngineIo::Packet> frames{EngineIo::Packet::message(QByteArray(4096, 'x')),
                                         EngineIo::Packet::binaryMessage(QByteArray(1024, 'y'))};
    m_adapter->broadcast(frames, {});
    QCOMPARE(m_delivered.size(), 3);
    for (const auto &delivered : std::as_const(m_delivered)) {
        QCOMPARE(delivered.size(), 2);
        QCOMPARE(delivered.at(0).data.constData(), frames.at(0).data.constData());
        QCOMPARE(delivered.at(1).data.constData(), frames.at(1).data.constData());
    }
}

void tst_Adapter::bookkeeping()
{
    QCOMPARE(m_adapter->socketRooms(u"a"_s), (QStringList{u"a"_s, u"r"_s}));
    QCOMPARE(m_adapter->rooms(), (QStringList{u"a"_s, u"b"_s, u"c"_s, u"r"_s, u"s"_s}));
    m_adapter->remove(u"a"_s, u"r"_s);
    QCOMPARE(m_adapter->sockets({u"r"_s}), QSet<QString>{u"b"_s});
    m_adapter->removeAll(u"b"_s);
    QVERIFY(!m_adapter->rooms().contains(u"r"_s)); // empty rooms disappear
    QCOMPARE(m_adapter->sockets(), (QSet<QString>{u"a"_s, u"c"_s}));
    m_adapter->remove(u"nobody"_s, u"r"_s); // unknown: no effect
    m_adapter->removeAll(u"nobody"_s);
    QVERIFY(m_adapter->socketRooms(u"nobody"_s).isEmpty());
}

QTEST_APPLESS_MAIN(tst_Adapter)
#include "tst_adapter.moc"
