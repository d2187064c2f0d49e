// SPDX-License-Identifier: MIT
#include "chatprotocol.h"

#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using Confab::ChatProtocol::Message;

// The message object as server/chat/README.md spells it: what host and client both read and
// write through ChatProtocol::Message.
class tst_ChatProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void toVariant_data();
    void toVariant();
    void fromVariant_data();
    void fromVariant();
    void eventNamesUnique();
};

namespace {
Message sample(const QString &clientId)
{
    Message m;
    m.id = 7;
    m.room = u"lobby"_s;
    m.sid = u"s1"_s;
    m.name = u"bob"_s;
    m.text = u"hi"_s;
    m.ts = 1700000000123;
    m.clientId = clientId;
    return m;
}
} // namespace

void tst_ChatProtocol::toVariant_data()
{
    QTest::addColumn<Message>("message");
    QTest::addColumn<QVariant>("clientId");

    QTest::addRow("with a client id") << sample(u"c-1"_s) << QVariant(u"c-1"_s);
    QTest::addRow("without: null") << sample({}) << QVariant::fromValue(nullptr);
}

void tst_ChatProtocol::toVariant()
{
    QFETCH(Message, message);
    QFETCH(QVariant, clientId);
    const QVariantMap expected{{u"id"_s, qint64(7)},     {u"room"_s, u"lobby"_s},
                               {u"sid"_s, u"s1"_s},      {u"name"_s, u"bob"_s},
                               {u"text"_s, u"hi"_s},     {u"ts"_s, qint64(1700000000123)},
                               {u"clientId"_s, clientId}};
    const QVariantMap wire = message.toVariant();
    QCOMPARE(wire.keys(), expected.keys());
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        QCOMPARE(wire.value(it.key()).typeId(), it->typeId());
        QCOMPARE(wire.value(it.key()), *it);
    }
    bool ok = false;
    QCOMPARE(Message::fromVariant(wire, &ok), message);
    QVERIFY(ok);
}

void tst_ChatProtocol::fromVariant_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<bool>("ok");

    const QVariantMap good{{u"id"_s, 1}, {u"room"_s, u"x"_s}, {u"text"_s, u"t"_s}};
    QTest::addRow("good: only the required fields") << QVariant(good) << true;
    QTest::addRow("good: id as a double (JSON number)")
            << QVariant(QVariantMap{{u"id"_s, 1.0}, {u"room"_s, u"x"_s}, {u"text"_s, u"t"_s}})
            << true;
    QTest::addRow("invalid: no text")
            << QVariant(QVariantMap{{u"id"_s, 1}, {u"room"_s, u"x"_s}}) << false;
    QTest::addRow("invalid: no room")
            << QVariant(QVariantMap{{u"id"_s, 1}, {u"text"_s, u"t"_s}}) << false;
    QTest::addRow("invalid: no id")
            << QVariant(QVariantMap{{u"room"_s, u"x"_s}, {u"text"_s, u"t"_s}}) << false;
    QTest::addRow("malformed: text not a string")
            << QVariant(QVariantMap{{u"id"_s, 1}, {u"room"_s, u"x"_s}, {u"text"_s, QVariantList{}}})
            << false;
    QTest::addRow("malformed: not an object") << QVariant(u"text"_s) << false;
}

void tst_ChatProtocol::fromVariant()
{
    QFETCH(QVariant, value);
    QFETCH(bool, ok);
    bool valid = !ok;
    const Message message = Message::fromVariant(value, &valid);
    QCOMPARE(valid, ok);
    if (!ok)
        QCOMPARE(message, Message());
}

void tst_ChatProtocol::eventNamesUnique()
{
    const QStringList names = Confab::ChatProtocol::eventNames();
    QCOMPARE(names.size(), 12);
    QCOMPARE(QSet<QString>(names.cbegin(), names.cend()).size(), names.size());
}

QTEST_APPLESS_MAIN(tst_ChatProtocol)
#include "tst_chatprotocol.moc"
