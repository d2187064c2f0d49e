// SPDX-License-Identifier: MIT
// The app's list models: each under a QAbstractItemModelTester created before it is filled,
// and each role and update rule checked with concrete values.
#include "eventlogmodel.h"
#include "messagelistmodel.h"
#include "roomlistmodel.h"
#include "sidlistmodel.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <optional>

using namespace Qt::StringLiterals;
using namespace Confab::App;
using Confab::Client::ChatMessage;

namespace {

ChatMessage message(qint64 id, const QString &name, const QString &text, qint64 ts,
                    bool own = false)
{
    ChatMessage m;
    m.id = id;
    m.room = u"lobby"_s;
    m.sid = name + u"-sid"_s;
    m.name = name;
    m.text = text;
    m.timestamp = QDateTime::fromMSecsSinceEpoch(ts, Qt::UTC);
    m.own = own;
    return m;
}

constexpr qint64 T0 = 1700000000000;
constexpr qint64 Minute = 60 * 1000;

QStringList texts(const MessageListModel &model)
{
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.index(row).data(MessageListModel::TextRole).toString());
    return result;
}

} // namespace

class tst_AppModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chatMessageVariantRoundTrip();
    void chatMessageRejectsMalformed();

    void roomsSortedAndCounted();
    void roomsUnreadAndCurrent();
    void roomsForgottenWhenEmpty();
    void roomsFloodLeavesFewRows_data();
    void roomsFloodLeavesFewRows();

    void messagesAppendAndDeduplicate();
    void messagesGrouping();
    void messagesGroupingUpdatedOnPrepend();
    void messagesMergeAfterReconnect();
    void messagesDeliveryUpdate();
    void messagesCapped();
    void messagesOwnLookupAfterTrimAndPrepend();
    void messagesBatched();
    void messagesBatchQueueBounded();

    void sidsUpsertRemoveReplace();
    void sidsRooms();
    void sidsLookupAfterRemovals();

    void eventLogAppendTrimFilter();
    void eventLogEscapesInvisible_data();
    void eventLogEscapesInvisible();
    void eventLogBoundsLongRows_data();
    void eventLogBoundsLongRows();
    void eventLogBatched();
};

void tst_AppModels::chatMessageVariantRoundTrip()
{
    ChatMessage m = message(7, u"bob"_s, u"hi"_s, T0);
    m.clientId = u"c-1"_s;
    const QVariantMap v = m.toVariant();
    QCOMPARE(v.value(u"ts"_s).toLongLong(), T0);
    QCOMPARE(v.value(u"clientId"_s).toString(), u"c-1"_s);
    bool ok = false;
    const ChatMessage back = ChatMessage::fromVariant(v, &ok);
    QVERIFY(ok);
    QCOMPARE(back, m);

    m.clientId.clear();
    QCOMPARE(m.toVariant().value(u"clientId"_s).typeId(), int(QMetaType::Nullptr));
}

void tst_AppModels::chatMessageRejectsMalformed()
{
    bool ok = true;
    ChatMessage::fromVariant(QVariantMap{{u"id"_s, 1}, {u"room"_s, u"x"_s}}, &ok);
    QVERIFY(!ok); // no text
    ChatMessage::fromVariant(u"text"_s, &ok);
    QVERIFY(!ok);
    ChatMessage::fromVariant(
            QVariantMap{{u"id"_s, 1}, {u"room"_s, u"x"_s}, {u"text"_s, QVariantList{}}}, &ok);
    QVERIFY(!ok);
}

void tst_AppModels::roomsSortedAndCounted()
{
    RoomListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    model.addRooms({{u"zeta"_s, 2}, {u"Alpha"_s, 1}, {u"lobby"_s, 5}});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.size(), 3);
    QCOMPARE(model.index(0).data(RoomListModel::NameRole).toString(), u"Alpha"_s);
    QCOMPARE(model.index(1).data(RoomListModel::NameRole).toString(), u"lobby"_s);
    QCOMPARE(model.index(2).data(RoomListModel::NameRole).toString(), u"zeta"_s);
    QCOMPARE(model.index(1).data(RoomListModel::MembersRole).toInt(), 5);

    // A joined room keeps its exact count when an older summary arrives.
    model.setJoined(u"lobby"_s, true);
    model.setMembers(u"lobby"_s, 2);
    model.addRooms({{u"lobby"_s, 9}, {u"beta"_s, 0}});
    QCOMPARE(model.room(u"lobby"_s).members, 2);
    QCOMPARE(model.indexOf(u"beta"_s), 1);
    QCOMPARE(model.count(), 4);
}

void tst_AppModels::roomsUnreadAndCurrent()
{
    RoomListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.ensure(u"a"_s);
    model.ensure(u"b"_s);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.addUnread(u"b"_s);
    model.addUnread(u"b"_s);
    QCOMPARE(model.index(1).data(RoomListModel::UnreadRole).toInt(), 2);
    QCOMPARE(changed.size(), 2);
    QCOMPARE(changed.last().at(2).value<QList<int>>(), QList<int>{RoomListModel::UnreadRole});

    model.setCurrent(u"a"_s);
    QVERIFY(model.index(0).data(RoomListModel::CurrentRole).toBool());
    model.setCurrent(u"b"_s);
    QVERIFY(!model.index(0).data(RoomListModel::CurrentRole).toBool());
    QVERIFY(model.index(1).data(RoomListModel::CurrentRole).toBool());

    model.clearUnread(u"b"_s);
    QCOMPARE(model.index(1).data(RoomListModel::UnreadRole).toInt(), 0);

    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

//! Every listed room is found at its row by name.
static bool roomIndexConsistent(const RoomListModel &model)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        const QString name = model.index(row).data(RoomListModel::NameRole).toString();
        if (model.indexOf(name) != row) {
            qWarning() << "room" << name << "at row" << row << "found at" << model.indexOf(name);
            return false;
        }
    }
    return true;
}

void tst_AppModels::roomsForgottenWhenEmpty()
{
    RoomListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // A welcome lists rooms with history even when empty: they stay.
    model.addRooms({{u"archive"_s, 0}, {u"lobby"_s, 3}});
    model.setMembers(u"b"_s, 1);
    model.setMembers(u"c"_s, 2);
    model.setMembers(u"d"_s, 1);
    QCOMPARE(model.count(), 5);

    // The last member left a room we are not in: it goes.
    model.setMembers(u"c"_s, 0);
    QCOMPARE(model.count(), 4);
    QCOMPARE(model.indexOf(u"c"_s), -1);
    QVERIFY(roomIndexConsistent(model));

    // A room we are in stays at 0 members, and goes when we leave it.
    model.setJoined(u"b"_s, true);
    model.setCurrent(u"b"_s);
    model.setMembers(u"b"_s, 0);
    QCOMPARE(model.indexOf(u"b"_s), 1);
    model.setJoined(u"b"_s, false);
    QCOMPARE(model.indexOf(u"b"_s), -1);
    QVERIFY(roomIndexConsistent(model));
    // Left with others still in it: it stays, as a room one can join.
    model.setJoined(u"lobby"_s, true);
    model.setJoined(u"lobby"_s, false);
    QCOMPARE(model.room(u"lobby"_s).members, 3);

    // An empty room never listed is not added; leaving one never listed adds nothing.
    model.setMembers(u"ghost"_s, 0);
    model.setJoined(u"ghost"_s, false);
    QCOMPARE(model.indexOf(u"ghost"_s), -1);
    QCOMPARE(model.count(), 3);
    model.ensure(u"a"_s);
    QCOMPARE(model.indexOf(u"a"_s), 0);
    QVERIFY(roomIndexConsistent(model));
}

void tst_AppModels::roomsFloodLeavesFewRows_data()
{
    QTest::addColumn<int>("rooms");
    QTest::addColumn<bool>("tested"); //!< under QAbstractItemModelTester (O(rows) per change)
    QTest::addRow("500 under the tester") << 500 << true;
    QTest::addRow("9000") << 9000 << false;
}

void tst_AppModels::roomsFloodLeavesFewRows()
{
    // One peer joins thousands of rooms and leaves them: each is a `room` update to everyone.
    QFETCH(int, rooms);
    QFETCH(bool, tested);
    const int Rooms = rooms;
    RoomListModel model;
    std::optional<QAbstractItemModelTester> tester;
    if (tested)
        tester.emplace(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMembers(u"lobby"_s, 2);
    model.setJoined(u"lobby"_s, true);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < Rooms; ++i)
        model.setMembers(u"flood-%1"_s.arg(i), 1);
    QCOMPARE(model.count(), Rooms + 1);
    QVERIFY(roomIndexConsistent(model));
    for (int i = 0; i < Rooms; ++i)
        model.setMembers(u"flood-%1"_s.arg(i), 0);
    qInfo() << Rooms << "rooms created and emptied in" << timer.elapsed() << "ms";
    QCOMPARE(model.count(), 1);
    QCOMPARE(model.indexOf(u"lobby"_s), 0);
    QCOMPARE(model.room(u"lobby"_s).members, 2);
}

void tst_AppModels::messagesAppendAndDeduplicate()
{
    MessageListModel model(u"lobby"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    QVERIFY(model.append(message(1, u"bob"_s, u"one"_s, T0)));
    QVERIFY(model.append(message(2, u"bob"_s, u"two"_s, T0 + 1000)));
    QVERIFY(!model.append(message(2, u"bob"_s, u"two again"_s, T0 + 2000)));
    QCOMPARE(texts(model), (QStringList{u"one"_s, u"two"_s}));
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(inserted.last().at(1).toInt(), 1); // appended at the end, one row
    QCOMPARE(reset.size(), 0);

    const QModelIndex first = model.index(0);
    QCOMPARE(first.data(MessageListModel::NameRole).toString(), u"bob"_s);
    QCOMPARE(first.data(MessageListModel::MessageIdRole).toLongLong(), 1);
    QCOMPARE(first.data(MessageListModel::TimeRole).toDateTime().toMSecsSinceEpoch(), T0);
    QVERIFY(!first.data(MessageListModel::TimeTextRole).toString().isEmpty());
    QCOMPARE(first.data(MessageListModel::DeliveryStateRole).toInt(), int(MessageListModel::Sent));
    QCOMPARE(model.oldestId(), 1);
}

void tst_AppModels::messagesGrouping()
{
    MessageListModel model(u"lobby"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append(message(1, u"bob"_s, u"a"_s, T0));
    model.append(message(2, u"bob"_s, u"b"_s, T0 + Minute)); // same run
    model.append(message(3, u"bob"_s, u"c"_s, T0 + 10 * Minute)); // too late: new run
    model.append(message(4, u"amy"_s, u"d"_s, T0 + 10 * Minute)); // someone else
    model.append(message(5, u"amy"_s, u"e"_s, T0 + 10 * Minute, true)); // ours (own differs)

    const auto grouped = [&](int row) {
        return model.index(row).data(MessageListModel::GroupedRole).toBool();
    };
    QCOMPARE(grouped(0), false);
    QCOMPARE(grouped(1), true);
    QCOMPARE(grouped(2), false);
    QCOMPARE(grouped(3), false);
    QCOMPARE(grouped(4), false);
}

void tst_AppModels::messagesGroupingUpdatedOnPrepend()
{
    MessageListModel model(u"lobby"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append(message(10, u"bob"_s, u"ten"_s, T0 + Minute));
    QVERIFY(!model.index(0).data(MessageListModel::GroupedRole).toBool());

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.prepend({message(8, u"amy"_s, u"eight"_s, T0), message(9, u"bob"_s, u"nine"_s, T0),
                   message(10, u"bob"_s, u"dup"_s, T0)});
    QCOMPARE(texts(model), (QStringList{u"eight"_s, u"nine"_s, u"ten"_s}));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), 0);
    QCOMPARE(inserted.first().at(2).toInt(), 1);
    // "ten" now follows bob's "nine": the view must hear that its header goes away.
    QVERIFY(model.index(2).data(MessageListModel::GroupedRole).toBool());
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 2);
    QCOMPARE(model.oldestId(), 8);
}

void tst_AppModels::messagesMergeAfterReconnect()
{
    MessageListModel model(u"lobby"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.merge({message(5, u"a"_s, u"5"_s, T0), message(6, u"a"_s, u"6"_s, T0)});
    QCOMPARE(texts(model), (QStringList{u"5"_s, u"6"_s}));
    // The join after a reconnection repeats some, adds newer and older ones.
    model.merge({message(4, u"a"_s, u"4"_s, T0), message(6, u"a"_s, u"6"_s, T0),
                 message(7, u"a"_s, u"7"_s, T0)});
    QCOMPARE(texts(model), (QStringList{u"4"_s, u"5"_s, u"6"_s, u"7"_s}));
}

void tst_AppModels::messagesDeliveryUpdate()
{
    MessageListModel model(u"lobby"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ChatMessage mine = message(0, u"me"_s, u"hello"_s, T0, true);
    mine.clientId = u"c-1"_s;
    mine.deliveryState = ChatMessage::DeliveryState::Sending;
    model.append(mine);
    // An id of 0 is not a server id: a second unacknowledged message is not a duplicate.
    ChatMessage second = mine;
    second.clientId = u"c-2"_s;
    QVERIFY(model.append(second));
    QCOMPARE(model.index(0).data(MessageListModel::DeliveryStateRole).toInt(),
             int(MessageListModel::Sending));
    QCOMPARE(model.oldestId(), 0);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    mine.id = 41;
    mine.deliveryState = ChatMessage::DeliveryState::Sent;
    QVERIFY(model.update(mine));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.index(0).data(MessageListModel::DeliveryStateRole).toInt(),
             int(MessageListModel::Sent));
    QCOMPARE(model.index(0).data(MessageListModel::MessageIdRole).toLongLong(), 41);
    QCOMPARE(model.rowOfClientId(u"c-2"_s), 1);

    second.deliveryState = ChatMessage::DeliveryState::Failed;
    second.error = u"rate limit exceeded"_s;
    QVERIFY(model.update(second));
    QCOMPARE(model.index(1).data(MessageListModel::ErrorRole).toString(), u"rate limit exceeded"_s);

    // The server id now counts for de-duplication.
    QVERIFY(!model.append(message(41, u"me"_s, u"hello"_s, T0, true)));
    ChatMessage unknown = mine;
    unknown.clientId = u"nope"_s;
    QVERIFY(!model.update(unknown));

    // Someone else's message with our client id (borrowed from a broadcast) stays theirs: an
    // update of ours never lands on it.
    ChatMessage borrowed = message(42, u"mallory"_s, u"evil"_s, T0 + 1, false);
    borrowed.clientId = u"c-3"_s;
    QVERIFY(model.append(borrowed));
    QCOMPARE(model.rowOfClientId(u"c-3"_s), -1);
    ChatMessage third = mine;
    third.id = 0;
    third.clientId = u"c-3"_s;
    third.deliveryState = ChatMessage::DeliveryState::Failed;
    QVERIFY(!model.update(third));
    QCOMPARE(model.index(2).data(MessageListModel::TextRole).toString(), u"evil"_s);
    QVERIFY(!model.index(2).data(MessageListModel::OwnRole).toBool());
}

void tst_AppModels::messagesCapped()
{
    // One peer within the rate limit, 2,000 messages: the room keeps the newest MaxMessages.
    constexpr int Sent = 2000;
    constexpr int Max = MessageListModel::MaxMessages;
    MessageListModel model(u"lobby"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.merge({message(1, u"bob"_s, u"1"_s, T0)});
    model.setHistoryComplete(true);
    for (int id = 2; id <= Sent; ++id)
        QVERIFY(model.append(message(id, u"bob"_s, QString::number(id), T0 + id)));
    QCOMPARE(model.count(), Max);
    QCOMPARE(model.oldestId(), Sent - Max + 1);
    QCOMPARE(model.index(Max - 1).data(MessageListModel::MessageIdRole).toLongLong(), Sent);
    // The new top row lost its neighbour: it shows its header again.
    QVERIFY(!model.index(0).data(MessageListModel::GroupedRole).toBool());
    // What was dropped can be fetched again by scrolling up.
    QVERIFY(!model.historyComplete());

    // The page that comes back goes on top; the next new message trims back to the cap.
    QList<ChatMessage> older;
    for (int id = Sent - Max - 49; id <= Sent - Max; ++id)
        older.append(message(id, u"bob"_s, QString::number(id), T0 + id));
    model.prepend(older);
    QCOMPARE(model.count(), Max + 50);
    QCOMPARE(model.oldestId(), Sent - Max - 49);
    QVERIFY(model.append(message(Sent + 1, u"bob"_s, u"new"_s, T0 + Sent + 1)));
    QCOMPARE(model.count(), Max);
    QCOMPARE(model.oldestId(), Sent - Max + 2);
    // Still de-duplicated by id after all this.
    QVERIFY(!model.append(message(Sent, u"bob"_s, u"again"_s, T0)));
}

void tst_AppModels::messagesOwnLookupAfterTrimAndPrepend()
{
    constexpr int Max = MessageListModel::MaxMessages;
    MessageListModel model(u"lobby"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ChatMessage mine = message(0, u"me"_s, u"mine"_s, T0, true);
    mine.clientId = u"c-mine"_s;
    mine.deliveryState = ChatMessage::DeliveryState::Sending;
    model.append(mine);
    // Someone else's message carrying our client id is not ours to update.
    ChatMessage forged = message(7, u"eve"_s, u"forged"_s, T0);
    forged.clientId = u"c-mine"_s;
    model.append(forged);
    QCOMPARE(model.rowOfClientId(u"c-mine"_s), 0);
    // Older history arrives on top: our message moves down without a scan.
    model.merge({message(3, u"bob"_s, u"3"_s, T0), message(4, u"bob"_s, u"4"_s, T0)});
    QCOMPARE(model.rowOfClientId(u"c-mine"_s), 2);
    model.prepend({message(1, u"bob"_s, u"1"_s, T0), message(2, u"bob"_s, u"2"_s, T0)});
    QCOMPARE(model.index(4).data(MessageListModel::ClientIdRole).toString(), u"c-mine"_s);
    QCOMPARE(model.rowOfClientId(u"c-mine"_s), 4);

    ChatMessage later = message(0, u"me"_s, u"later"_s, T0, true);
    later.clientId = u"c-later"_s;
    for (int id = 100; id < 100 + Max - 10; ++id)
        model.append(message(id, u"bob"_s, QString::number(id), T0));
    model.append(later);
    const int laterRow = model.count() - 1;
    QCOMPARE(model.rowOfClientId(u"c-later"_s), laterRow);
    // Trimmed away: ours is gone from memory (an update of it appends it again).
    for (int id = 1000; id < 1020; ++id)
        model.append(message(id, u"bob"_s, QString::number(id), T0));
    QCOMPARE(model.count(), Max);
    QCOMPARE(model.rowOfClientId(u"c-mine"_s), -1);
    QCOMPARE(model.rowOfClientId(u"c-later"_s), laterRow - (laterRow + 1 + 20 - Max));
    later.id = 5000;
    later.deliveryState = ChatMessage::DeliveryState::Sent;
    QVERIFY(model.update(later));
    QCOMPARE(model.index(model.rowOfClientId(u"c-later"_s))
                     .data(MessageListModel::MessageIdRole)
                     .toLongLong(),
             5000);
}

void tst_AppModels::messagesBatched()
{
    using namespace std::chrono_literals;
    MessageListModel model(u"lobby"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setBatchInterval(10ms);

    // Others' messages wait for the batch; a copy of a queued one is still a duplicate.
    for (int i = 1; i <= 20; ++i)
        QVERIFY(model.append(message(i, u"bob"_s, u"m%1"_s.arg(i), T0 + i)));
    QVERIFY(!model.append(message(7, u"bob"_s, u"m7 again"_s, T0 + 7)));
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.queuedCount(), 20);
    QVERIFY(inserted.wait());
    QCOMPARE(inserted.size(), 1); // the whole burst is one insertion
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 19);
    QCOMPARE(model.queuedCount(), 0);
    QCOMPARE(model.index(19).data(MessageListModel::TextRole).toString(), u"m20"_s);
    // Grouping is the model's, computed across the batch.
    QVERIFY(model.index(19).data(MessageListModel::GroupedRole).toBool());

    // Ours shows at once, after what was queued before it.
    model.append(message(21, u"bob"_s, u"m21"_s, T0 + 21));
    ChatMessage mine = message(0, u"me"_s, u"mine"_s, T0 + 22, true);
    mine.clientId = u"c-1"_s;
    mine.deliveryState = ChatMessage::DeliveryState::Sending;
    QVERIFY(model.append(mine));
    QCOMPARE(model.rowCount(), 22);
    QCOMPARE(model.index(20).data(MessageListModel::TextRole).toString(), u"m21"_s);
    QCOMPARE(model.index(21).data(MessageListModel::TextRole).toString(), u"mine"_s);

    // Any other change inserts the queue first: the rows keep the order of the calls.
    model.append(message(23, u"bob"_s, u"m23"_s, T0 + 23));
    mine.id = 22;
    mine.deliveryState = ChatMessage::DeliveryState::Sent;
    QVERIFY(model.update(mine));
    QCOMPARE(model.rowCount(), 23);
    QCOMPARE(model.index(22).data(MessageListModel::TextRole).toString(), u"m23"_s);
    model.append(message(24, u"bob"_s, u"m24"_s, T0 + 24));
    model.prepend({message(-5, u"old"_s, u"ignored: no server id"_s, T0)});
    QCOMPARE(model.rowCount(), 25);
    QCOMPARE(model.index(24).data(MessageListModel::TextRole).toString(), u"m24"_s);

    // Back to no interval: what is queued comes now.
    model.append(message(25, u"bob"_s, u"m25"_s, T0 + 25));
    model.setBatchInterval(0ms);
    QCOMPARE(model.rowCount(), 26);
    model.append(message(26, u"bob"_s, u"m26"_s, T0 + 26));
    QCOMPARE(model.rowCount(), 27);
}

void tst_AppModels::messagesBatchQueueBounded()
{
    using namespace std::chrono_literals;
    MessageListModel model(u"lobby"_s);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // An interval no test waits for: only the queue's bound can insert the rows.
    model.setBatchInterval(1h);
    const int flood = 3 * MessageListModel::MaxMessages + 7;
    for (int i = 1; i <= flood; ++i)
        model.append(message(i, u"bob"_s, u"m%1"_s.arg(i), T0 + i));
    QVERIFY(model.queuedCount() < MessageListModel::MaxMessages);
    QCOMPARE(model.rowCount(), MessageListModel::MaxMessages);
    model.flush();
    QCOMPARE(model.rowCount(), MessageListModel::MaxMessages);
    QCOMPARE(model.index(MessageListModel::MaxMessages - 1)
                     .data(MessageListModel::TextRole)
                     .toString(),
             u"m%1"_s.arg(flood));
}

void tst_AppModels::sidsUpsertRemoveReplace()
{
    SidListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    const QDateTime since = QDateTime::fromMSecsSinceEpoch(T0, Qt::UTC);

    model.upsert({u"s1"_s, u"/"_s, u"alice"_s, u"127.0.0.1"_s, u"polling"_s, {}, since});
    model.upsert({u"s2"_s, u"/"_s, u"bob"_s, u"127.0.0.1"_s, u"websocket"_s, {}, since});
    model.upsert({u"s1"_s, u"/admin"_s, {}, u"127.0.0.1"_s, u"websocket"_s, {}, since});
    QCOMPARE(model.rowCount(), 3);

    model.setTransport(u"s1"_s, u"websocket"_s);
    QCOMPARE(model.index(0).data(SidListModel::TransportRole).toString(), u"websocket"_s);
    model.setName(u"s2"_s, u"robert"_s);
    QCOMPARE(model.index(1).data(SidListModel::NameRole).toString(), u"robert"_s);
    model.setOwnSid(u"s2"_s);
    QVERIFY(model.index(1).data(SidListModel::OwnRole).toBool());
    QVERIFY(!model.index(0).data(SidListModel::OwnRole).toBool());
    QVERIFY(model.index(1).data(SidListModel::SinceTextRole).toString().size() > 0);

    QVERIFY(model.remove(u"s1"_s, u"/admin"_s));
    QVERIFY(!model.remove(u"s1"_s, u"/admin"_s));

    // who's answer: s1 gone, s2 renamed, s3 new, without a reset.
    model.replaceAll({{u"s2"_s, u"/"_s, u"bob"_s, {}, u"websocket"_s, {u"lobby"_s}, since},
                      {u"s3"_s, u"/"_s, u"cy"_s, {}, u"polling"_s, {}, since}});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0).data(SidListModel::SidRole).toString(), u"s2"_s);
    QCOMPARE(model.index(0).data(SidListModel::NameRole).toString(), u"bob"_s);
    QCOMPARE(model.index(1).data(SidListModel::SidRole).toString(), u"s3"_s);
    QCOMPARE(reset.size(), 0);
}

void tst_AppModels::sidsRooms()
{
    SidListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.upsert({u"s1"_s, u"/"_s, u"alice"_s, {}, {}, {}, {}});
    model.addRoom(u"s1"_s, u"zoo"_s);
    model.addRoom(u"s1"_s, u"lobby"_s);
    model.addRoom(u"s1"_s, u"lobby"_s);
    QCOMPARE(model.index(0).data(SidListModel::RoomsRole).toStringList(),
             (QStringList{u"lobby"_s, u"zoo"_s}));
    QCOMPARE(model.index(0).data(SidListModel::RoomsTextRole).toString(), u"lobby, zoo"_s);
    model.removeRoom(u"s1"_s, u"zoo"_s);
    QCOMPARE(model.index(0).data(SidListModel::RoomsRole).toStringList(), QStringList{u"lobby"_s});
    model.addRoom(u"unknown"_s, u"lobby"_s); // ignored
    QCOMPARE(model.rowCount(), 1);
}

void tst_AppModels::sidsLookupAfterRemovals()
{
    SidListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 200; ++i)
        model.upsert({u"s%1"_s.arg(i), u"/"_s, u"n%1"_s.arg(i), {}, {}, {}, {}});
    model.upsert({u"s5"_s, u"/admin"_s, {}, {}, {}, {}, {}});
    for (int i = 0; i < 200; i += 3)
        QVERIFY(model.remove(u"s%1"_s.arg(i)));
    QList<SidListModel::Entry> who;
    for (int i = 150; i < 250; ++i)
        who.append({u"s%1"_s.arg(i), u"/"_s, u"n%1"_s.arg(i), {}, {}, {}, {}});
    model.replaceAll(who);
    QCOMPARE(model.count(), 100);
    for (int row = 0; row < model.rowCount(); ++row) {
        const QString sid = model.index(row).data(SidListModel::SidRole).toString();
        QCOMPARE(model.indexOf(sid), row);
    }
    QCOMPARE(model.indexOf(u"s5"_s, u"/admin"_s), -1);
    QCOMPARE(model.indexOf(u"s3"_s), -1);
    model.setName(u"s200"_s, u"renamed"_s);
    QCOMPARE(model.index(model.indexOf(u"s200"_s)).data(SidListModel::NameRole).toString(),
             u"renamed"_s);
}

void tst_AppModels::eventLogAppendTrimFilter()
{
    EventLogModel log;
    EventLogFilterModel filter(&log);
    QAbstractItemModelTester tester(&log, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester filterTester(&filter,
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    log.setMaxEntries(3);

    log.append(EventLogModel::Outgoing, u"/"_s, u"join"_s, {QVariantMap{{u"room"_s, u"lobby"_s}}});
    log.append(EventLogModel::Incoming, u"/"_s, u"joined"_s,
               {QVariantMap{{u"room"_s, u"lobby"_s}, {u"sid"_s, u"x"_s}}});
    log.append(EventLogModel::Incoming, u"/admin"_s, u"blob"_s, {QByteArray(5, 'a'), 1, true});
    QCOMPARE(log.rowCount(), 3);
    QCOMPARE(log.index(0).data(EventLogModel::ArgsRole).toString(), uR"([{"room":"lobby"}])"_s);
    QCOMPARE(log.index(2).data(EventLogModel::ArgsRole).toString(),
             uR"([{"<binary>":5},1,true])"_s);
    QCOMPARE(log.index(2).data(EventLogModel::DirectionRole).toInt(), int(EventLogModel::Incoming));
    QCOMPARE(log.index(0).data(EventLogModel::DirectionRole).toInt(), int(EventLogModel::Outgoing));

    log.append(EventLogModel::AckReply, u"/"_s, u"who"_s, {QVariantMap{{u"ok"_s, true}}});
    QCOMPARE(log.rowCount(), 3); // the oldest went
    QCOMPARE(log.index(0).data(EventLogModel::EventRole).toString(), u"joined"_s);

    QSignalSpy countChanged(&filter, &EventLogFilterModel::countChanged);
    filter.setFilterText(u"ADMIN"_s);
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, 0).data(EventLogModel::EventRole).toString(), u"blob"_s);
    QVERIFY(countChanged.size() >= 1);
    filter.setFilterText(u"lobby"_s); // matches arguments
    QCOMPARE(filter.rowCount(), 1);
    log.setMaxEntries(10);
    log.append(EventLogModel::Incoming, u"/"_s, u"message"_s,
               {QVariantMap{{u"room"_s, u"lobby"_s}}});
    QCOMPARE(filter.rowCount(), 2); // new rows pass through the filter as they come
    filter.setFilterText({});
    QCOMPARE(filter.rowCount(), 4);

    log.clear();
    QCOMPARE(filter.rowCount(), 0);
}

void tst_AppModels::eventLogBoundsLongRows_data()
{
    QTest::addColumn<QString>("event");
    QTest::addColumn<QString>("argText");
    QTest::addColumn<QString>("shownEvent");
    QTest::addColumn<int>("shownArgsLength"); //!< of the kept part, before the summary

    const QString longArg(1 << 20, u'x'); // a megabyte a server may well send
    QTest::addRow("short rows are whole") << u"message"_s << u"hi"_s << u"message"_s << 8;
    QTest::addRow("megabyte arguments")
            << u"message"_s << longArg << u"message"_s << int(EventLogModel::MaxArgsLength);
    const QString longName(10'000, u'e');
    QTest::addRow("long event name")
            << longName << u"hi"_s << longName.left(EventLogModel::MaxNameLength) << 8;
    // The cut would fall inside a surrogate pair: the pair goes whole.
    const QString emoji = QString::fromUcs4(U"\U0001F600");
    const QString name = QString(EventLogModel::MaxNameLength - 1, u'e') + emoji;
    QTest::addRow("no half surrogate")
            << name << u"hi"_s << QString(EventLogModel::MaxNameLength - 1, u'e') << 8;
}

void tst_AppModels::eventLogBoundsLongRows()
{
    QFETCH(QString, event);
    QFETCH(QString, argText);
    QFETCH(QString, shownEvent);
    QFETCH(int, shownArgsLength);
    EventLogModel log;
    log.append(EventLogModel::Incoming, u"/"_s, event, {argText});
    const QString shownName = log.index(0).data(EventLogModel::EventRole).toString();
    const QString args = log.index(0).data(EventLogModel::ArgsRole).toString();
    QVERIFY2(shownName.startsWith(shownEvent), qPrintable(shownName.left(80)));
    if (shownEvent.size() < event.size()) {
        QVERIFY(shownName.endsWith(u" more characters)"_s));
        QVERIFY(shownName.size() < EventLogModel::MaxNameLength + 40);
    } else {
        QCOMPARE(shownName, event);
    }
    const QString json = u"[\"%1\"]"_s.arg(argText);
    QVERIFY(args.startsWith(json.left(shownArgsLength)));
    if (json.size() > shownArgsLength) {
        QCOMPARE(args.mid(shownArgsLength),
                 u"… (%1 more characters)"_s.arg(json.size() - shownArgsLength));
    } else {
        QCOMPARE(args, json);
    }
}

void tst_AppModels::eventLogBatched()
{
    using namespace std::chrono_literals;
    EventLogModel log;
    EventLogFilterModel filter(&log);
    QAbstractItemModelTester tester(&log, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester filterTester(&filter,
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&log, &QAbstractItemModel::rowsInserted);
    QSignalSpy countChanged(&filter, &EventLogFilterModel::countChanged);
    log.setBatchInterval(10ms);
    for (int i = 0; i < 30; ++i)
        log.append(EventLogModel::Incoming, u"/"_s, u"e%1"_s.arg(i), {i});
    QCOMPARE(log.rowCount(), 0);
    QCOMPARE(log.queuedCount(), 30);
    QVERIFY(inserted.wait());
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(log.rowCount(), 30);
    QCOMPARE(filter.count(), 30);
    QVERIFY(countChanged.size() >= 1);
    QCOMPARE(log.index(29).data(EventLogModel::EventRole).toString(), u"e29"_s);

    // Bounded like the rows: a flood never queues more than maxEntries.
    log.setBatchInterval(1h);
    log.setMaxEntries(50);
    for (int i = 0; i < 1000; ++i)
        log.append(EventLogModel::Incoming, u"/"_s, u"f%1"_s.arg(i), {i});
    QVERIFY(log.queuedCount() < 50);
    QCOMPARE(log.rowCount(), 50);
    // Clearing drops what is queued too.
    log.clear();
    QCOMPARE(log.queuedCount(), 0);
    log.flush();
    QCOMPARE(log.rowCount(), 0);
}

void tst_AppModels::eventLogEscapesInvisible_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("shown"); //!< how the inspector writes it
    QTest::addRow("plain") << u"alice"_s << u"alice"_s;
    QTest::addRow("markup stays literal") << u"<b>a</b>"_s << u"<b>a</b>"_s;
    QTest::addRow("bidi override") << u"\u202eecila"_s << u"\\u202eecila"_s;
    QTest::addRow("zero-width") << u"ali\u200bce"_s << u"ali\\u200bce"_s;
    QTest::addRow("isolate and BOM") << u"a\u2067b\ufeff"_s << u"a\\u2067b\\ufeff"_s;
    QTest::addRow("C1 control") << u"a\u009b2J"_s << u"a\\u009b2J"_s;
    QTest::addRow("line separator") << u"a\u2028b"_s << u"a\\u2028b"_s;
    QTest::addRow("tag character")
            << (u"a"_s + QString::fromUcs4(U"\U000E0041")) << u"a\\udb40\\udc41"_s;
    QTest::addRow("emoji stays") << QString::fromUcs4(U"\U0001F600")
                                 << QString::fromUcs4(U"\U0001F600");
}

void tst_AppModels::eventLogEscapesInvisible()
{
    QFETCH(QString, text);
    QFETCH(QString, shown);
    EventLogModel log;
    QAbstractItemModelTester tester(&log, QAbstractItemModelTester::FailureReportingMode::QtTest);
    log.append(EventLogModel::Incoming, u"/"_s, text, {QVariantMap{{u"name"_s, text}}});
    const QModelIndex row = log.index(0);
    QCOMPARE(row.data(EventLogModel::EventRole).toString(), shown);
    QCOMPARE(row.data(EventLogModel::ArgsRole).toString(), u"[{\"name\":\"%1\"}]"_s.arg(shown));
    // Still JSON that reads back as the text that came.
    const QJsonDocument doc
            = QJsonDocument::fromJson(row.data(EventLogModel::ArgsRole).toString().toUtf8());
    QCOMPARE(doc.array().at(0).toObject().value(u"name"_s).toString(), text);
}

QTEST_GUILESS_MAIN(tst_AppModels)
#include "tst_app_models.moc"
