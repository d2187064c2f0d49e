// SPDX-License-Identifier: MIT
// The SQLite message store: ids, grouped commits, duplicates, history paging, reopening.
#include "chatstore.h"

#include <QtCore/QTemporaryDir>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlQuery>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab;

namespace {
ChatMessage draft(const QString &room, const QString &text, const QString &clientId = {},
                  const QString &name = u"alice"_s)
{
    ChatMessage m;
    m.room = room;
    m.sid = u"sid-1"_s;
    m.name = name;
    m.text = text;
    m.clientId = clientId;
    return m;
}

struct Appended
{
    QList<ChatMessage> stored;
    QList<bool> duplicates;
    QStringList errors;
    ChatStore::AppendCallback callback()
    {
        return [this](const ChatMessage &m, bool duplicate, const QString &error) {
            stored.append(m);
            duplicates.append(duplicate);
            errors.append(error);
        };
    }
};
} // namespace

class tst_ChatStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void idsPerRoomAndGroupedCommit();
    void callbacksRunAfterCommit();
    void duplicatesByClientId();
    void historyPaging();
    void survivesReopen();
    void refusesNewerSchema();
    void migratesSchema1();
    void memoryStoreKeepsNothing();
    void unicodeText();
};

void tst_ChatStore::idsPerRoomAndGroupedCommit()
{
    ChatStore store;
    QVERIFY(store.open(u":memory:"_s));
    Appended appended;
    for (int i = 0; i < 5; ++i)
        store.append(draft(u"a"_s, u"a%1"_s.arg(i)), appended.callback());
    for (int i = 0; i < 3; ++i)
        store.append(draft(u"b"_s, u"b%1"_s.arg(i)), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 8);
    QCOMPARE(store.commitCount(), 1u); // one transaction for everything queued in one pass
    QList<qint64> ids;
    for (const ChatMessage &m : appended.stored) {
        ids.append(m.id);
        QVERIFY(m.ts > 0);
    }
    QCOMPARE(ids, (QList<qint64>{1, 2, 3, 4, 5, 1, 2, 3}));
    QCOMPARE(appended.errors, QStringList(8, QString()));
    QCOMPARE(store.rooms(), (QStringList{u"a"_s, u"b"_s}));
    QCOMPARE(store.messageCount(), 8);
}

void tst_ChatStore::callbacksRunAfterCommit()
{
    // What a callback reads is already in the database (a second connection sees it).
    QTemporaryDir dir;
    ChatStore store;
    QVERIFY(store.open(dir.path()));
    bool checked = false;
    store.append(draft(u"r"_s, u"hello"_s), [&](const ChatMessage &m, bool, const QString &) {
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"observer"_s);
        db.setDatabaseName(store.databasePath());
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(u"SELECT text FROM messages WHERE room = 'r' AND id = %1"_s.arg(m.id)));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), u"hello"_s);
        checked = true;
    });
    QTRY_VERIFY(checked);
    QSqlDatabase::removeDatabase(u"observer"_s);
}

void tst_ChatStore::duplicatesByClientId()
{
    ChatStore store;
    QVERIFY(store.open(u":memory:"_s));
    Appended appended;
    store.append(draft(u"r"_s, u"first"_s, u"c1"_s), appended.callback());
    store.append(draft(u"r"_s, u"retry in the same batch"_s, u"c1"_s), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 2);
    store.append(draft(u"r"_s, u"retry later"_s, u"c1"_s), appended.callback());
    store.append(draft(u"r"_s, u"other name"_s, u"c1"_s, u"bob"_s), appended.callback());
    store.append(draft(u"other"_s, u"other room"_s, u"c1"_s), appended.callback());
    store.append(draft(u"r"_s, u"no client id"_s), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 6);
    QCOMPARE(appended.duplicates, (QList<bool>{false, true, true, false, false, false}));
    QCOMPARE(appended.stored.at(1), appended.stored.at(0));
    QCOMPARE(appended.stored.at(2), appended.stored.at(0));
    QCOMPARE(appended.stored.at(2).text, u"first"_s);
    QCOMPARE(appended.stored.at(3).id, 2);
    QCOMPARE(appended.stored.at(5).id, 3);
    QCOMPARE(store.messageCount(), 4);
}

void tst_ChatStore::historyPaging()
{
    ChatStore store;
    QVERIFY(store.open(u":memory:"_s));
    Appended appended;
    for (int i = 1; i <= 120; ++i)
        store.append(draft(u"r"_s, QString::number(i)), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 120);
    const auto last50 = store.history(u"r"_s, 0, 50);
    QCOMPARE(last50.size(), 50);
    QCOMPARE(last50.first().id, 71);
    QCOMPARE(last50.last().id, 120); // oldest first
    const auto page = store.history(u"r"_s, 71, 50);
    QCOMPARE(page.first().id, 21);
    QCOMPARE(page.last().id, 70);
    QCOMPARE(store.history(u"r"_s, 21, 50).size(), 20);
    QVERIFY(store.history(u"r"_s, 1, 50).isEmpty());
    QVERIFY(store.history(u"nowhere"_s, 0, 50).isEmpty());
}

void tst_ChatStore::survivesReopen()
{
    QTemporaryDir dir;
    {
        ChatStore store;
        QVERIFY(store.open(dir.path()));
        Appended appended;
        store.append(draft(u"r"_s, u"one"_s), appended.callback());
        store.append(draft(u"r"_s, u"two"_s, u"c2"_s), appended.callback());
        QTRY_COMPARE(appended.stored.size(), 2);
    }
    ChatStore store;
    QVERIFY(store.open(dir.path()));
    QCOMPARE(store.messageCount(), 2);
    Appended appended;
    store.append(draft(u"r"_s, u"three"_s), appended.callback());
    store.append(draft(u"r"_s, u"two again"_s, u"c2"_s), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 2);
    QCOMPARE(appended.stored.at(0).id, 3); // ids go on where they stopped
    QVERIFY(appended.duplicates.at(1));
    QCOMPARE(appended.stored.at(1).id, 2);
}

void tst_ChatStore::refusesNewerSchema()
{
    QTemporaryDir dir;
    {
        ChatStore store;
        QVERIFY(store.open(dir.path()));
    }
    {
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"future"_s);
        db.setDatabaseName(dir.filePath(u"confab.sqlite"_s));
        QVERIFY(db.open());
        QSqlQuery(db).exec(u"PRAGMA user_version = 99"_s);
        db.close();
    }
    QSqlDatabase::removeDatabase(u"future"_s);
    ChatStore store;
    QVERIFY(!store.open(dir.path()));
    QVERIFY(store.errorString().contains(u"newer"_s));
}

void tst_ChatStore::migratesSchema1()
{
    QTemporaryDir dir;
    {
        // A file as the first release wrote it: schema 1, one message, no author column.
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"schema1"_s);
        db.setDatabaseName(dir.filePath(u"confab.sqlite"_s));
        QVERIFY(db.open());
        QSqlQuery query(db);
        for (const QString &statement : {
                     u"CREATE TABLE rooms (name TEXT PRIMARY KEY, last_id INTEGER NOT NULL "
                     "DEFAULT 0, created_at INTEGER NOT NULL)"_s,
                     u"CREATE TABLE messages (room TEXT NOT NULL REFERENCES rooms(name), "
                     "id INTEGER NOT NULL, sid TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT "
                     "NULL, ts INTEGER NOT NULL, client_id TEXT, PRIMARY KEY (room, id)) "
                     "WITHOUT ROWID"_s,
                     u"CREATE UNIQUE INDEX messages_client_id ON messages (room, name, "
                     "client_id) WHERE client_id IS NOT NULL"_s,
                     u"INSERT INTO rooms VALUES ('r', 1, 0)"_s,
                     u"INSERT INTO messages VALUES ('r', 1, 's', 'alice', 'old', 5, NULL)"_s,
                     u"PRAGMA user_version = 1"_s,
             })
            QVERIFY2(query.exec(statement), qPrintable(statement));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"schema1"_s);

    {
        ChatStore store;
        QVERIFY2(store.open(dir.path()), qPrintable(store.errorString()));
        QCOMPARE(store.messageCount(), 1);
        Appended appended;
        ChatMessage mine = draft(u"r"_s, u"new"_s);
        mine.author = u"hash-of-install"_s;
        store.append(mine, appended.callback());
        QTRY_COMPARE(appended.stored.size(), 1);
        QCOMPARE(appended.stored.at(0).id, 2);
    }
    ChatStore store;
    QVERIFY(store.open(dir.path()));
    const QList<ChatMessage> history = store.history(u"r"_s, 0, 10);
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.at(0).text, u"old"_s);
    QCOMPARE(history.at(0).author, QString());
    QCOMPARE(history.at(1).author, u"hash-of-install"_s);
    // The author stays on the host: it is not part of the protocol's message object.
    QVERIFY(!history.at(1).toVariant().contains(u"author"_s));
    {
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
        db.setDatabaseName(dir.filePath(u"confab.sqlite"_s));
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(u"PRAGMA user_version"_s) && query.next());
        QCOMPARE(query.value(0).toInt(), ChatStore::SchemaVersion);
        QCOMPARE(ChatStore::SchemaVersion, 2);
        db.close();
    }
    QSqlDatabase::removeDatabase(u"check"_s);
}

void tst_ChatStore::memoryStoreKeepsNothing()
{
    {
        ChatStore store;
        QVERIFY(store.open(u":memory:"_s));
        Appended appended;
        store.append(draft(u"r"_s, u"gone"_s), appended.callback());
        QTRY_COMPARE(appended.stored.size(), 1);
    }
    ChatStore store;
    QVERIFY(store.open(u":memory:"_s));
    QCOMPARE(store.messageCount(), 0);
}

void tst_ChatStore::unicodeText()
{
    ChatStore store;
    QVERIFY(store.open(u":memory:"_s));
    Appended appended;
    const QString text = u"你好 😀 \u0000 end"_s;
    store.append(draft(u"房间"_s, text), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 1);
    QCOMPARE(store.history(u"房间"_s, 0, 1).first().text, text);
}

QTEST_MAIN(tst_ChatStore)
#include "tst_chatstore.moc"
