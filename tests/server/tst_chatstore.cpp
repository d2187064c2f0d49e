// SPDX-License-Identifier: MIT
// The message store, both backends (SQLite in a folder, RAM for ":memory:"): ids, grouped
// commits, duplicates, history paging, reopening; and the SQLite writer thread: callbacks
// only after the commit, order under load, shutdown flushing, a full disk.
#include "chatstore.h"
#include "sqlitetestutil.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <sqlite3.h>

#ifdef Q_OS_UNIX
#    include <sys/stat.h>
#endif

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
    void init();

    // Both backends.
    void idsPerRoomAndGroupedCommit_data() { backends(); }
    void idsPerRoomAndGroupedCommit();
    void duplicatesByClientId_data() { backends(); }
    void duplicatesByClientId();
    void duplicatesScopedToAuthor_data() { backends(); }
    void duplicatesScopedToAuthor();
    void historyPaging_data() { backends(); }
    void historyPaging();
    void unicodeText_data() { backends(); }
    void unicodeText();
    void orderUnderLoad_data() { backends(); }
    void orderUnderLoad();
    void destructionFlushesPending_data() { backends(); }
    void destructionFlushesPending();
    void sizeLimitRefusesWhenFull_data() { backends(); }
    void sizeLimitRefusesWhenFull();

    // Re-opening: from SQLite (whose writer thread delivers through the event loop).
    void reopenWhileAppendsInFlight_data();
    void reopenWhileAppendsInFlight();

    // SQLite.
    void callbacksRunAfterCommit();
    void survivesReopen();
    void refusesNewerSchema();
    void fullDiskFailsWithoutAck();
    void unusableFolderFailsToOpen();
    void migratesSchema1();
    void filesArePrivate_data();
    void filesArePrivate();

    // RAM.
    void memoryStoreKeepsNothing();

private:
    void backends();
    QString location() const;
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_ChatStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_ChatStore::backends()
{
    QTest::addColumn<bool>("sqlite");
    QTest::newRow("sqlite") << true;
    QTest::newRow("memory") << false;
}

QString tst_ChatStore::location() const
{
    QFETCH(bool, sqlite);
    return sqlite ? m_dir->path() : u":memory:"_s;
}

void tst_ChatStore::idsPerRoomAndGroupedCommit()
{
    ChatStore store;
    QVERIFY2(store.open(location()), qPrintable(store.errorString()));
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

void tst_ChatStore::duplicatesScopedToAuthor()
{
    // A client id belongs to the install that sent it: another install under the same name
    // (the name was free again) is not a retry, and the same install under another name is.
    ChatStore store;
    QVERIFY(store.open(location()));
    Appended appended;
    const auto authored = [](const QString &text, const QString &name, const QString &author) {
        ChatMessage m = draft(u"r"_s, text, u"c1"_s, name);
        m.author = author;
        return m;
    };
    store.append(authored(u"first"_s, u"alice"_s, u"install-a"_s), appended.callback());
    store.append(authored(u"borrowed"_s, u"alice"_s, u"install-m"_s), appended.callback());
    store.append(authored(u"retry"_s, u"alice (2)"_s, u"install-a"_s), appended.callback());
    store.append(authored(u"no install"_s, u"alice"_s, {}), appended.callback());
    store.append(authored(u"no install again"_s, u"alice"_s, {}), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 5);
    QCOMPARE(appended.duplicates, (QList<bool>{false, false, true, false, true}));
    QCOMPARE(appended.stored.at(1).text, u"borrowed"_s);
    QCOMPARE(appended.stored.at(1).id, 2);
    QCOMPARE(appended.stored.at(2), appended.stored.at(0));
    QCOMPARE(appended.stored.at(4), appended.stored.at(3));
    QCOMPARE(store.messageCount(), 3);
}

void tst_ChatStore::duplicatesByClientId()
{
    ChatStore store;
    QVERIFY(store.open(location()));
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
    QVERIFY(store.open(location()));
    Appended appended;
    for (int i = 1; i <= 120; ++i)
        store.append(draft(u"r"_s, QString::number(i)), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 120);
    const auto last50 = store.history(u"r"_s, 0, 50);
    QCOMPARE(last50.size(), 50);
    QCOMPARE(last50.first().id, 71);
    QCOMPARE(last50.last().id, 120); // oldest first
    QCOMPARE(last50.last().text, u"120"_s);
    QCOMPARE(last50.last(), appended.stored.last());
    const auto page = store.history(u"r"_s, 71, 50);
    QCOMPARE(page.first().id, 21);
    QCOMPARE(page.last().id, 70);
    QCOMPARE(store.history(u"r"_s, 21, 50).size(), 20);
    QCOMPARE(store.history(u"r"_s, 1000, 3).first().id, 118); // past the end: the newest
    QVERIFY(store.history(u"r"_s, 1, 50).isEmpty());
    QVERIFY(store.history(u"nowhere"_s, 0, 50).isEmpty());

    // After an id: the ones above it, oldest first, limit counted from there.
    const auto next = store.historyAfter(u"r"_s, 70, 20);
    QCOMPARE(next.size(), 20);
    QCOMPARE(next.first().id, 71);
    QCOMPARE(next.last().id, 90);
    QCOMPARE(next.first().text, u"71"_s);
    QCOMPARE(store.historyAfter(u"r"_s, 0, 3).first().id, 1);
    QCOMPARE(store.historyAfter(u"r"_s, 110, 50).size(), 10); // the rest
    QVERIFY(store.historyAfter(u"r"_s, 120, 50).isEmpty()); // caught up
    QVERIFY(store.historyAfter(u"r"_s, 5000, 50).isEmpty());
    QVERIFY(store.historyAfter(u"nowhere"_s, 0, 50).isEmpty());
    // Paging forward yields every message once, in order.
    QList<qint64> ids;
    for (qint64 last = 0;;) {
        const auto page = store.historyAfter(u"r"_s, last, 50);
        if (page.isEmpty())
            break;
        for (const ChatMessage &m : page)
            ids.append(m.id);
        last = page.last().id;
    }
    QCOMPARE(ids.size(), 120);
    QCOMPARE(ids.first(), 1);
    QVERIFY(std::is_sorted(ids.cbegin(), ids.cend()));
    QCOMPARE(QSet<qint64>(ids.cbegin(), ids.cend()).size(), 120);
}

void tst_ChatStore::unicodeText()
{
    ChatStore store;
    QVERIFY(store.open(location()));
    Appended appended;
    const QString text = u"你好 😀 \u0000 end"_s;
    store.append(draft(u"房间"_s, text, u"客户"_s), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 1);
    const ChatMessage stored = store.history(u"房间"_s, 0, 1).first();
    QCOMPARE(stored.text, text);
    QCOMPARE(stored.clientId, u"客户"_s);
    QCOMPARE(stored, appended.stored.first());
}

void tst_ChatStore::orderUnderLoad()
{
    // Appends from many event-loop passes while the writer commits: callbacks come back in
    // the order of append(), ids per room have no gap and no repeat, and what the writer
    // received during a commit was grouped.
    ChatStore store;
    QVERIFY(store.open(location()));
    Appended appended;
    QList<ChatMessage> sent;
    const QStringList rooms{u"a"_s, u"b"_s, u"c"_s};
    for (int pass = 0; pass < 40; ++pass) {
        for (int i = 0; i < 10; ++i) {
            sent.append(draft(rooms.at((pass + i) % rooms.size()), u"%1/%2"_s.arg(pass).arg(i)));
            store.append(sent.last(), appended.callback());
        }
        QCoreApplication::processEvents();
    }
    QTRY_COMPARE(appended.stored.size(), sent.size());
    QHash<QString, qint64> next;
    for (qsizetype i = 0; i < sent.size(); ++i) {
        const ChatMessage &m = appended.stored.at(i);
        QCOMPARE(m.text, sent.at(i).text);
        QCOMPARE(m.id, ++next[m.room]);
    }
    QCOMPARE(appended.errors, QStringList(sent.size(), QString()));
    QVERIFY(store.commitCount() <= 40u);
    QCOMPARE(store.messageCount(), sent.size());
    for (const QString &room : rooms)
        QCOMPARE(store.history(room, 0, 1000).size(), next.value(room));
}

void tst_ChatStore::destructionFlushesPending()
{
    // Queued but not yet handed to the writer when the store goes: the destructor commits
    // it and runs every callback before returning.
    Appended appended;
    {
        ChatStore store;
        QVERIFY(store.open(location()));
        for (int i = 0; i < 25; ++i)
            store.append(draft(u"r"_s, QString::number(i)), appended.callback());
        QVERIFY(appended.stored.isEmpty());
    }
    QCOMPARE(appended.stored.size(), 25);
    QCOMPARE(appended.errors, QStringList(25, QString()));
    QCOMPARE(appended.stored.last().id, 25);
    QFETCH(bool, sqlite);
    if (sqlite) {
        ChatStore reopened;
        QVERIFY(reopened.open(location()));
        QCOMPARE(reopened.messageCount(), 25);
    }
}

void tst_ChatStore::reopenWhileAppendsInFlight_data()
{
    QTest::addColumn<bool>("sqlite"); // what the store is re-opened as
    QTest::newRow("to another folder") << true;
    QTest::newRow("to memory") << false;
}

void tst_ChatStore::reopenWhileAppendsInFlight()
{
    // open() first answers every append of the store it replaces: when it returns, the old
    // writer has committed them and queued their delivery, and open() delivered them itself.
    // That queued delivery must die with the old backend; run against a freed backend (or
    // the new one at its address) it is a use-after-free, which the scribbled freed memory
    // this test runs with (GLIBC_TUNABLES in tests/server/CMakeLists.txt) turns into a crash.
    QFETCH(bool, sqlite);
    QTemporaryDir other;
    QVERIFY(other.isValid());
    ChatStore store;
    QVERIFY(store.open(m_dir->path()));
    for (int round = 0; round < 20; ++round) {
        Appended old;
        for (int i = 0; i < 10; ++i)
            store.append(draft(u"r"_s, QString::number(i)), old.callback());
        const QString next = round % 2 ? m_dir->path() : (sqlite ? other.path() : u":memory:"_s);
        QVERIFY2(store.open(next), qPrintable(store.errorString()));
        QCOMPARE(old.stored.size(), 10); // all answered by the store they were appended to
        QCOMPARE(old.errors, QStringList(10, QString()));

        Appended fresh;
        store.append(draft(u"r"_s, u"after"_s), fresh.callback());
        QTRY_COMPARE(fresh.stored.size(), 1);
        QCOMPARE(fresh.errors.first(), QString());
        QCOMPARE(fresh.stored.first().id, store.messageCount()); // the new store's id
        QCOMPARE(old.stored.size(), 10); // nothing of the old store ran against the new one
    }
}

void tst_ChatStore::callbacksRunAfterCommit()
{
    // What a callback reads is already in the database (a second connection sees it).
    ChatStore store;
    QVERIFY(store.open(m_dir->path()));
    bool checked = false;
    store.append(draft(u"r"_s, u"hello"_s), [&](const ChatMessage &m, bool, const QString &error) {
        QVERIFY(error.isEmpty());
        SqliteConnection observer(store.databasePath());
        const QByteArray sql
                = "SELECT text FROM messages WHERE room = 'r' AND id = " + QByteArray::number(m.id);
        QCOMPARE(observer.text(sql.constData()), u"hello"_s);
        checked = true;
    });
    QTRY_VERIFY(checked);
}

void tst_ChatStore::survivesReopen()
{
    {
        ChatStore store;
        QVERIFY(store.open(m_dir->path()));
        Appended appended;
        store.append(draft(u"r"_s, u"one"_s), appended.callback());
        store.append(draft(u"r"_s, u"two"_s, u"c2"_s), appended.callback());
        QTRY_COMPARE(appended.stored.size(), 2);
    }
    ChatStore store;
    QVERIFY(store.open(m_dir->path()));
    QCOMPARE(store.messageCount(), 2);
    Appended appended;
    store.append(draft(u"r"_s, u"three"_s), appended.callback());
    store.append(draft(u"r"_s, u"two again"_s, u"c2"_s), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 2);
    QCOMPARE(appended.stored.at(0).id, 3); // ids go on where they stopped
    QVERIFY(appended.duplicates.at(1));
    QCOMPARE(appended.stored.at(1).id, 2);
    QCOMPARE(appended.stored.at(1).text, u"two"_s);
}

void tst_ChatStore::refusesNewerSchema()
{
    {
        ChatStore store;
        QVERIFY(store.open(m_dir->path()));
    }
    {
        SqliteConnection future(m_dir->filePath(u"confab.sqlite"_s));
        QCOMPARE(sqlite3_exec(future.db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr),
                 SQLITE_OK);
    }
    ChatStore store;
    QVERIFY(!store.open(m_dir->path()));
    QVERIFY(store.errorString().contains(u"newer"_s));
    QVERIFY(!store.isOpen());
}

void tst_ChatStore::fullDiskFailsWithoutAck()
{
    // A disk that fills up: the group fails as a whole, every callback gets the error and
    // no id, nothing half-written stays, and once there is room again ids go on without a
    // gap.
    ChatStore store;
    QVERIFY(store.open(m_dir->path()));
    Appended appended;
    store.append(draft(u"r"_s, u"before"_s), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 1);
    QVERIFY(appended.errors.first().isEmpty());

    QVERIFY(store.setSizeLimit(QFileInfo(store.databasePath()).size() + 4096));
    const QString big(200000, u'x');
    for (int i = 0; i < 3; ++i)
        store.append(draft(u"r"_s, big), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 4);
    for (int i = 1; i < 4; ++i) {
        QVERIFY2(appended.errors.at(i).contains(u"full"_s), qPrintable(appended.errors.at(i)));
        QCOMPARE(appended.stored.at(i).id, 0);
    }
    QCOMPARE(store.messageCount(), 1);

    QVERIFY(store.setSizeLimit(0));
    store.append(draft(u"r"_s, u"after"_s), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 5);
    QVERIFY(appended.errors.last().isEmpty());
    QCOMPARE(appended.stored.last().id, 2);
    QCOMPARE(store.messageCount(), 2);
}

void tst_ChatStore::unusableFolderFailsToOpen()
{
    // A data "folder" that is a file: open() says so instead of starting without a store.
    const QString file = m_dir->filePath(u"not-a-folder"_s);
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    ChatStore store;
    QVERIFY(!store.open(file));
    QVERIFY2(store.errorString().contains(file), qPrintable(store.errorString()));
    QVERIFY(!store.isOpen());
    Appended appended;
    store.append(draft(u"r"_s, u"nowhere"_s), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 1);
    QVERIFY(!appended.errors.first().isEmpty());
}

void tst_ChatStore::migratesSchema1()
{
    {
        // A file as the first release wrote it: schema 1, one message, no author column.
        sqlite3 *db = nullptr;
        const QByteArray file = QFile::encodeName(m_dir->filePath(u"confab.sqlite"_s));
        QCOMPARE(sqlite3_open_v2(file.constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                 nullptr),
                 SQLITE_OK);
        for (const char *statement : {
                     "CREATE TABLE rooms (name TEXT PRIMARY KEY, last_id INTEGER NOT NULL "
                     "DEFAULT 0, created_at INTEGER NOT NULL)",
                     "CREATE TABLE messages (room TEXT NOT NULL REFERENCES rooms(name), "
                     "id INTEGER NOT NULL, sid TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT "
                     "NULL, ts INTEGER NOT NULL, client_id TEXT, PRIMARY KEY (room, id)) "
                     "WITHOUT ROWID",
                     "CREATE UNIQUE INDEX messages_client_id ON messages (room, name, "
                     "client_id) WHERE client_id IS NOT NULL",
                     "INSERT INTO rooms VALUES ('r', 1, 0)",
                     "INSERT INTO messages VALUES ('r', 1, 's', 'alice', 'old', 5, NULL)",
                     "PRAGMA user_version = 1",
             })
            QVERIFY2(sqlite3_exec(db, statement, nullptr, nullptr, nullptr) == SQLITE_OK,
                     statement);
        sqlite3_close(db);
    }

    {
        ChatStore store;
        QVERIFY2(store.open(m_dir->path()), qPrintable(store.errorString()));
        QCOMPARE(store.messageCount(), 1);
        Appended appended;
        ChatMessage mine = draft(u"r"_s, u"new"_s);
        mine.author = u"hash-of-install"_s;
        store.append(mine, appended.callback());
        QTRY_COMPARE(appended.stored.size(), 1);
        QCOMPARE(appended.stored.at(0).id, 2);
    }
    ChatStore store;
    QVERIFY(store.open(m_dir->path()));
    const QList<ChatMessage> history = store.history(u"r"_s, 0, 10);
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.at(0).text, u"old"_s);
    QCOMPARE(history.at(0).author, QString());
    QCOMPARE(history.at(1).author, u"hash-of-install"_s);
    // The author stays on the host: it is not part of the protocol's message object.
    QVERIFY(!history.at(1).toVariant().contains(u"author"_s));
    SqliteConnection check(m_dir->filePath(u"confab.sqlite"_s));
    QCOMPARE(check.text("PRAGMA user_version"), QString::number(ChatStore::SchemaVersion));
    QCOMPARE(ChatStore::SchemaVersion, 3);
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

void tst_ChatStore::sizeLimitRefusesWhenFull()
{
    // One sender within its rate limit must not fill the disk (or RAM) forever: at the limit
    // appends fail with a "full" error, and everything stored stays readable.
    ChatStore store;
    QVERIFY2(store.open(location()), qPrintable(store.errorString()));
    QVERIFY(store.setSizeLimit(256 * 1024));
    const QString big(16000, u'x');
    Appended appended;
    int accepted = 0;
    for (int i = 0; i < 100; ++i) {
        store.append(draft(u"r"_s, u"%1 "_s.arg(i) + big), appended.callback());
        QTRY_COMPARE(appended.stored.size(), i + 1);
        if (!appended.errors.last().isEmpty())
            break;
        ++accepted;
    }
    QVERIFY2(accepted >= 2 && accepted < 100, qPrintable(QString::number(accepted)));
    QVERIFY2(ChatStore::isFullError(appended.errors.last()), qPrintable(appended.errors.last()));
    QCOMPARE(appended.stored.last().id, 0);
    // Still full; what is stored is all there.
    store.append(draft(u"r"_s, big), appended.callback());
    QTRY_COMPARE(appended.stored.size(), accepted + 2);
    QVERIFY(ChatStore::isFullError(appended.errors.last()));
    QCOMPARE(store.messageCount(), accepted);
    const QList<ChatMessage> history = store.history(u"r"_s, 0, 200);
    QCOMPARE(history.size(), accepted);
    QCOMPARE(history.last().id, accepted);
    QVERIFY(history.last().text.startsWith(u"%1 "_s.arg(accepted - 1)));
    QCOMPARE(store.rooms(), QStringList{u"r"_s});
    // A retry of a stored message is no new data: it is still answered with the original.
    ChatMessage first = draft(u"s"_s, u"small"_s, u"c1"_s);
    QVERIFY(store.setSizeLimit(0));
    store.append(first, appended.callback());
    QTRY_COMPARE(appended.stored.size(), accepted + 3);
    QVERIFY(appended.errors.last().isEmpty());
    QVERIFY(store.setSizeLimit(1));
    store.append(first, appended.callback());
    QTRY_COMPARE(appended.stored.size(), accepted + 4);
    QFETCH(bool, sqlite);
    if (!sqlite) { // SQLite looks the original up only after an insert was refused
        QVERIFY2(appended.errors.last().isEmpty(), qPrintable(appended.errors.last()));
        QVERIFY(appended.duplicates.last());
    }
}

void tst_ChatStore::filesArePrivate_data()
{
    QTest::addColumn<bool>("existing");
    QTest::newRow("new folder") << false;
    QTest::newRow("an older host's 0755 folder and 0644 files") << true;
}

void tst_ChatStore::filesArePrivate()
{
#ifdef Q_OS_UNIX
    // Any local user could read the history of a host with a password.
    QFETCH(bool, existing);
    const QString folder = m_dir->filePath(u"data"_s);
    const QString database = folder + u"/confab.sqlite"_s;
    const auto mode = [](const QString &path) {
        struct stat info;
        return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 07777)
                                                                       : -1;
    };
    if (existing) {
        QVERIFY(QDir().mkpath(folder));
        {
            SqliteConnection older(database);
            QCOMPARE(sqlite3_exec(older.db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr),
                     SQLITE_OK);
        }
        QCOMPARE(::chmod(QFile::encodeName(folder).constData(), 0755), 0);
        QCOMPARE(::chmod(QFile::encodeName(database).constData(), 0644), 0);
        QFile wal(database + u"-wal"_s);
        QVERIFY(wal.open(QIODevice::WriteOnly)); // an empty WAL, as a crash may leave one
        wal.close();
        QCOMPARE(::chmod(QFile::encodeName(wal.fileName()).constData(), 0644), 0);
    }
    ChatStore store;
    QVERIFY2(store.open(folder), qPrintable(store.errorString()));
    Appended appended;
    store.append(draft(u"r"_s, u"for members only"_s), appended.callback());
    QTRY_COMPARE(appended.stored.size(), 1);
    QVERIFY(appended.errors.first().isEmpty());
    QCOMPARE(store.history(u"r"_s, 0, 10).size(), 1); // the reader maps the shared memory
    QCOMPARE(QString::number(mode(folder), 8), u"700"_s);
    for (const QString &suffix : {u""_s, u"-wal"_s, u"-shm"_s}) {
        QVERIFY2(QFile::exists(database + suffix), qPrintable(suffix));
        QCOMPARE(QString::number(mode(database + suffix), 8), u"600"_s);
    }
#else
    QSKIP("POSIX file modes");
#endif
}

QTEST_MAIN(tst_ChatStore)
#include "tst_chatstore.moc"
