// SPDX-License-Identifier: MIT
#include "sqlitechatstore_p.h"

#include "chatlogging.h"
#include "chatstoremigrations_p.h"
#include "walbuffervfs.h"

#include <QtCore/QDateTime>
#include <QtCore/QFile>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace Confab {

// ---------------------------------------------------------------------------------------
// The writer, on its thread.
// ---------------------------------------------------------------------------------------

SqliteChatStoreWriter::SqliteChatStoreWriter(SqliteWriteQueue &queue)
    : m_queue(queue)
{ }

SqliteChatStoreWriter::~SqliteChatStoreWriter()
{
    m_w.reset(); // statements before their connection
    sqlite3_close(m_db);
}

bool SqliteChatStoreWriter::open(const QString &path, QString *error)
{
    const QByteArray file = QFile::encodeName(path);
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const char *vfs = walBufferVfsName();
    if (sqlite3_open_v2(file.constData(), &m_db, flags, vfs) != SQLITE_OK) {
        *error = u"cannot open %1: %2"_s.arg(path, Sqlite::errorOf(m_db));
        return false;
    }
    // WAL lets the reader run beside the writer; FULL syncs every (grouped) commit, so
    // an acknowledged message survives even a power cut, not only a killed process.
    // A group touches one B-tree leaf per room (and per index) and the commit writes
    // each whole to the WAL. Smaller pages write fewer bytes, but split four times as
    // often and make more frames: measured on the echo benchmark (200 rooms), 4096 costs
    // the writer the least CPU per message (1024 and 8192 about 20% and 10% more).
    // Takes effect only for a new file (before WAL is on); older files keep theirs.
    // The VFS gathers a commit's frames into one write before its sync (walbuffervfs.h):
    // valid because synchronous is FULL below.
    if (!Sqlite::execute(m_db, "PRAGMA page_size=4096", error))
        return false;
    // A bigger page cache keeps the rooms' B-tree leaves in memory; checkpoints every 4000
    // pages instead of 1000 copy each hot leaf back 4 times less often.
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                               "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000",
                               "PRAGMA cache_size=-32768", "PRAGMA wal_autocheckpoint=4000"}) {
        if (!Sqlite::execute(m_db, pragma, error))
            return false;
    }
    if (!migrateChatStore(m_db, path, error))
        return false;
    m_w = std::make_unique<Statements>();
    if (!m_w->findDuplicate.prepare(m_db,
                                    "SELECT room, id, sid, name, text, ts, client_id, author "
                                    "FROM messages WHERE room = ? AND sender = ? AND client_id = ?")
        || !m_w->insertRoom.prepare(
                m_db, "INSERT OR IGNORE INTO rooms (name, last_id, created_at) VALUES (?, 0, ?)")
        || !m_w->lastId.prepare(m_db, "SELECT last_id FROM rooms WHERE name = ?")
        || !m_w->insertMessage.prepare(m_db,
                                       "INSERT INTO messages (room, id, sid, name, text, ts, "
                                       "client_id, author, sender) "
                                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        || !m_w->updateRoom.prepare(m_db, "UPDATE rooms SET last_id = ? WHERE name = ?")
        || !m_w->begin.prepare(m_db, "BEGIN IMMEDIATE") || !m_w->commit.prepare(m_db, "COMMIT")) {
        *error = u"cannot prepare the store's statements: %1"_s.arg(Sqlite::errorOf(m_db));
        return false;
    }
    return true;
}

void SqliteChatStoreWriter::drain()
{
    std::unique_lock lock(m_queue.mutex);
    m_queue.drainPosted = false;
    if (m_queue.sizeLimitPending) {
        m_queue.sizeLimitPending = false;
        applySizeLimit(m_queue.sizeLimit);
    }
    if (m_queue.pending.isEmpty())
        return;
    QList<ChatStore::Pending> group = std::exchange(m_queue.pending, {});
    lock.unlock();
    QList<SqliteOutcome> outcomes = write(std::move(group));
    lock.lock();
    m_queue.processed += outcomes.size();
    const bool post = m_queue.outcomes.isEmpty();
    m_queue.outcomes.append(std::move(outcomes));
    if (post)
        Q_EMIT committed();
    m_queue.processedChanged.notify_all();
}

void SqliteChatStoreWriter::applySizeLimit(qint64 bytes)
{
    qint64 pageSize = 4096;
    {
        Sqlite::Statement query;
        if (query.prepare(m_db, "PRAGMA page_size") && query.step() == SQLITE_ROW)
            pageSize = query.integer(0);
    }
    // SQLite's own default maximum when there is no cap.
    const qint64 pages = bytes > 0 ? qMax<qint64>(1, bytes / pageSize) : 0xfffffffe;
    const QByteArray sql = "PRAGMA max_page_count = " + QByteArray::number(pages);
    sqlite3_exec(m_db, sql.constData(), nullptr, nullptr, nullptr);
}

qint64 SqliteChatStoreWriter::lastId(const QString &room)
{
    if (auto it = m_lastIds.constFind(room); it != m_lastIds.cend())
        return *it;
    Sqlite::Statement &query = m_w->lastId;
    query.bind(1, room);
    const qint64 id = query.step() == SQLITE_ROW ? query.integer(0) : 0;
    query.reset();
    m_lastIds.insert(room, id);
    return id;
}

//! Writes \a group in one transaction; every outcome carries the error if it failed.
QList<SqliteOutcome> SqliteChatStoreWriter::write(QList<ChatStore::Pending> group)
{
    QList<SqliteOutcome> outcomes;
    outcomes.reserve(group.size());
    QString error;
    bool full = false; // SQLITE_FULL: max_page_count reached, or the disk
    const auto fail = [&](Sqlite::Statement &statement) {
        error = Sqlite::errorOf(m_db);
        full = full || sqlite3_errcode(m_db) == SQLITE_FULL;
        statement.reset();
    };
    QHash<QString, qint64> ids; // this group's new last ids
    const qint64 now = QDateTime::currentMSecsSinceEpoch();

    if (m_w->begin.step() != SQLITE_DONE)
        fail(m_w->begin);
    m_w->begin.reset();
    for (qsizetype i = 0; error.isEmpty() && i < group.size(); ++i) {
        ChatStore::Pending &p = group[i];
        ChatMessage m = p.draft;
        if (!ids.contains(m.room)) {
            // A room in the cache has its row (the cache is dropped when a group fails):
            // only a new one needs the INSERT.
            if (const auto known = m_lastIds.constFind(m.room); known != m_lastIds.cend()) {
                ids.insert(m.room, *known);
            } else {
                Sqlite::Statement &insertRoom = m_w->insertRoom;
                insertRoom.bind(1, m.room);
                insertRoom.bind(2, now);
                if (insertRoom.step() != SQLITE_DONE) {
                    fail(insertRoom);
                    break;
                }
                insertRoom.reset();
                ids.insert(m.room, lastId(m.room));
            }
        }
        m.id = ids.value(m.room) + 1;
        m.ts = now;
        Sqlite::Statement &insert = m_w->insertMessage;
        insert.bind(1, m.room);
        insert.bind(2, m.id);
        insert.bind(3, m.sid);
        insert.bind(4, m.name);
        insert.bind(5, m.text);
        insert.bind(6, m.ts);
        insert.bindOrNull(7, m.clientId);
        insert.bindOrNull(8, m.author);
        insert.bindOrNull(9, m.clientId.isEmpty() ? QString() : senderScope(m));
        const int rc = insert.step();
        const QString stepError = rc == SQLITE_DONE ? QString() : Sqlite::errorOf(m_db);
        full = full || (rc & 0xff) == SQLITE_FULL;
        insert.reset();
        if (rc == SQLITE_DONE) {
            ids[m.room] = m.id;
            outcomes.append({std::move(m), false, {}, std::move(p.done)});
            continue;
        }
        // A retry: the unique index on (room, sender, client_id) refused it, and only the
        // statement was undone. Looking the original up only then saves a search per
        // message; it also finds one written earlier in this same transaction.
        Sqlite::Statement &find = m_w->findDuplicate;
        if ((rc & 0xff) == SQLITE_CONSTRAINT && !m.clientId.isEmpty()) {
            find.bind(1, m.room);
            find.bind(2, senderScope(m));
            find.bind(3, m.clientId);
            if (find.step() == SQLITE_ROW) {
                outcomes.append({find.message(), true, {}, std::move(p.done)});
                find.reset();
                continue;
            }
            fail(find);
            if (error.isEmpty() || error == u"not an error")
                error = u"a message with this id was refused but cannot be found"_s;
            break;
        }
        error = stepError;
        break;
    }
    for (auto it = ids.cbegin(); error.isEmpty() && it != ids.cend(); ++it) {
        Sqlite::Statement &update = m_w->updateRoom;
        update.bind(1, it.value());
        update.bind(2, it.key());
        if (update.step() != SQLITE_DONE)
            fail(update);
        else
            update.reset();
    }
    if (error.isEmpty()) {
        if (m_w->commit.step() != SQLITE_DONE)
            fail(m_w->commit);
        m_w->commit.reset();
    }
    if (error.isEmpty()) {
        m_commits.fetch_add(1);
        for (auto it = ids.cbegin(); it != ids.cend(); ++it)
            m_lastIds.insert(it.key(), it.value());
        return outcomes;
    }

    // Nothing of the group was stored: every message gets the error, none an id.
    if (!sqlite3_get_autocommit(m_db))
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    m_lastIds.clear(); // the cache may hold ids of the rolled-back group's rooms
    qCWarning(lcChat) << "storing" << group.size() << "messages failed:" << error;
    error = (full ? storageFullPrefix() : u"storage failed: "_s) + error;
    QList<SqliteOutcome> failed;
    failed.reserve(group.size());
    qsizetype i = 0;
    for (; i < outcomes.size(); ++i)
        failed.append({group.at(i).draft, false, error, std::move(outcomes[i].done)});
    for (; i < group.size(); ++i)
        failed.append({group.at(i).draft, false, error, std::move(group[i].done)});
    return failed;
}

// ---------------------------------------------------------------------------------------
// The store's side: reads, and handing groups over.
// ---------------------------------------------------------------------------------------

SqliteChatStore::SqliteChatStore()
{
    m_thread.setObjectName(u"confab-store"_s); // the thread's name, for top -H and perf
}

SqliteChatStore::~SqliteChatStore()
{
    if (m_thread.isRunning()) {
        // After every drain() queued so far: one more takes what is left, then the thread
        // ends, before QObject's destructor drops the deliveries still queued for this one.
        QMetaObject::invokeMethod(
                m_writer.get(),
                [writer = m_writer.get()] {
                    writer->drain();
                    QThread::currentThread()->quit();
                },
                Qt::QueuedConnection);
        m_thread.wait();
    }
    m_writer.reset();
    m_r.reset(); // statements before their connection
    sqlite3_close(m_reader);
}

bool SqliteChatStore::claimDrain()
{
    return !std::exchange(m_queue.drainPosted, true);
}

void SqliteChatStore::postDrain()
{
    QMetaObject::invokeMethod(m_writer.get(), &SqliteChatStoreWriter::drain, Qt::QueuedConnection);
}

void SqliteChatStore::submit(QList<ChatStore::Pending> group)
{
    bool post;
    {
        std::lock_guard lock(m_queue.mutex);
        m_queue.submitted += group.size();
        if (m_queue.pending.isEmpty())
            m_queue.pending = std::move(group);
        else
            m_queue.pending.append(std::move(group));
        post = claimDrain();
    }
    if (post)
        postDrain();
}

void SqliteChatStore::flush()
{
    {
        std::unique_lock lock(m_queue.mutex);
        const quint64 target = m_queue.submitted;
        m_queue.processedChanged.wait(lock, [&] { return m_queue.processed >= target; });
    }
    deliver();
}

bool SqliteChatStore::setSizeLimit(qint64 bytes)
{
    // The writer owns its connection; the pragma runs there, before the next group.
    bool post;
    {
        std::lock_guard lock(m_queue.mutex);
        m_queue.sizeLimit = bytes;
        m_queue.sizeLimitPending = true;
        post = claimDrain();
    }
    if (post)
        postDrain();
    return true;
}

bool SqliteChatStore::open(const QString &path, QString *error)
{
    m_writer = std::make_unique<SqliteChatStoreWriter>(m_queue);
    if (!m_writer->open(path, error))
        return false;
    const QByteArray file = QFile::encodeName(path);
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const char *vfs = walBufferVfsName();
    // Reads (history, rooms) run on the store's thread on a connection of their own, so
    // they never wait for the writer's fsync.
    if (sqlite3_open_v2(file.constData(), &m_reader, flags, vfs) != SQLITE_OK
        || !Sqlite::execute(m_reader, "PRAGMA busy_timeout=5000", error)
        || !Sqlite::execute(m_reader, "PRAGMA query_only=1", error)) {
        if (error->isEmpty())
            *error = u"cannot open %1: %2"_s.arg(path, Sqlite::errorOf(m_reader));
        return false;
    }
    m_r = std::make_unique<Statements>();
    if (!m_r->history.prepare(m_reader,
                              "SELECT room, id, sid, name, text, ts, client_id, author "
                              "FROM messages WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?")
        || !m_r->historyAfter.prepare(
                m_reader,
                "SELECT room, id, sid, name, text, ts, client_id, author "
                "FROM messages WHERE room = ? AND id > ? ORDER BY id ASC LIMIT ?")
        || !m_r->rooms.prepare(m_reader,
                               "SELECT name FROM rooms WHERE last_id > 0 ORDER BY name LIMIT ?")
        || !m_r->count.prepare(m_reader, "SELECT COUNT(*) FROM messages")) {
        *error = u"cannot prepare the store's statements: %1"_s.arg(Sqlite::errorOf(m_reader));
        return false;
    }
    // Queued, hence on the store's thread, and dropped with this backend.
    connect(m_writer.get(), &SqliteChatStoreWriter::committed, this, &SqliteChatStore::deliver,
            Qt::QueuedConnection);
    m_writer->moveToThread(&m_thread);
    m_thread.start();
    return true;
}

QList<ChatMessage> SqliteChatStore::history(const QString &room, qint64 before, int limit)
{
    QList<ChatMessage> messages;
    Sqlite::Statement &query = m_r->history;
    query.bind(1, room);
    query.bind(2, before > 0 ? before : std::numeric_limits<qint64>::max());
    query.bind(3, qint64(limit));
    int rc;
    while ((rc = query.step()) == SQLITE_ROW)
        messages.append(query.message());
    if (rc != SQLITE_DONE)
        qCWarning(lcChat) << "history query failed:" << Sqlite::errorOf(m_reader);
    query.reset();
    std::reverse(messages.begin(), messages.end()); // oldest first
    return messages;
}

QList<ChatMessage> SqliteChatStore::historyAfter(const QString &room, qint64 after, int limit)
{
    QList<ChatMessage> messages;
    Sqlite::Statement &query = m_r->historyAfter;
    query.bind(1, room);
    query.bind(2, qMax<qint64>(0, after));
    query.bind(3, qint64(limit));
    int rc;
    while ((rc = query.step()) == SQLITE_ROW)
        messages.append(query.message());
    if (rc != SQLITE_DONE)
        qCWarning(lcChat) << "history query failed:" << Sqlite::errorOf(m_reader);
    query.reset();
    return messages;
}

QStringList SqliteChatStore::rooms(int limit)
{
    QStringList names;
    Sqlite::Statement &query = m_r->rooms;
    query.bind(1, qint64(limit)); // -1: no limit
    while (query.step() == SQLITE_ROW)
        names.append(query.text(0));
    query.reset();
    return names;
}

qint64 SqliteChatStore::messageCount()
{
    Sqlite::Statement &query = m_r->count;
    const qint64 count = query.step() == SQLITE_ROW ? query.integer(0) : 0;
    query.reset();
    return count;
}

//! On the store's thread: runs the callbacks of every committed group, in order.
void SqliteChatStore::deliver()
{
    QList<SqliteOutcome> outcomes;
    {
        std::lock_guard lock(m_queue.mutex);
        outcomes = std::exchange(m_queue.outcomes, {});
    }
    for (const SqliteOutcome &o : std::as_const(outcomes)) {
        if (o.done)
            o.done(o.message, o.duplicate, o.error);
    }
}

} // namespace Confab
