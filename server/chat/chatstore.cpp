// SPDX-License-Identifier: MIT
#include "chatstore.h"

#include "chatlogging.h"
#include "walbuffervfs.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

#ifdef Q_OS_LINUX
#    include <pthread.h>
#endif

using namespace Qt::StringLiterals;

namespace Confab {

QVariantMap ChatMessage::toVariant() const
{
    return {{u"id"_s, id},
            {u"room"_s, room},
            {u"sid"_s, sid},
            {u"name"_s, name},
            {u"text"_s, text},
            {u"ts"_s, ts},
            {u"clientId"_s,
             clientId.isEmpty() ? QVariant::fromValue(nullptr) : QVariant(clientId)}};
}

//! What ChatStore delegates to: SQLite on a writer thread, or RAM.
class ChatStoreBackend
{
public:
    virtual ~ChatStoreBackend() = default;
    //! Takes one group; its callbacks run later, on the store's thread, in order.
    virtual void submit(QList<ChatStore::Pending> group) = 0;
    //! Returns once every submitted group is committed and its callbacks ran.
    virtual void flush() = 0;
    virtual QList<ChatMessage> history(const QString &room, qint64 before, int limit) = 0;
    virtual QStringList rooms(int limit) = 0;
    virtual qint64 messageCount() = 0;
    virtual quint64 commitCount() const = 0;
    virtual bool setSizeLimit(qint64 bytes) = 0;
};

namespace {

// How a full store reads in an append's error (ChatStore::isFullError()).
const QString fullPrefix = u"storage full: "_s;

//! Whose client ids \a m's belongs to: its install (the hash of its "device") when it has
//! one, otherwise its name. Scoped so, a client id seen in a broadcast is of no use to anyone
//! else, even under the sender's name once it is free, while the sender's retry after a
//! reconnection (perhaps under another name) is still recognised. Prefixed so that no name
//! can pass for an install.
QString senderScope(const ChatMessage &m)
{
    return m.author.isEmpty() ? u"n:"_s + m.name : u"d:"_s + m.author;
}

//! The key of the unique index on (room, sender, client_id).
QString clientKey(const ChatMessage &m)
{
    return m.room + QChar(0) + senderScope(m) + QChar(0) + m.clientId;
}

// ---------------------------------------------------------------------------------------
// ":memory:": the session's history in RAM. Ids are positions (id n is messages[n - 1]).
// ---------------------------------------------------------------------------------------
class MemoryBackend final : public ChatStoreBackend
{
public:
    void submit(QList<ChatStore::Pending> group) override
    {
        struct Outcome
        {
            ChatMessage message;
            bool duplicate;
            QString error;
        };
        QList<Outcome> outcomes;
        outcomes.reserve(group.size());
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const ChatStore::Pending &p : std::as_const(group)) {
            const qint64 cost = costOf(p.draft);
            if (m_limit > 0 && m_bytes + cost > m_limit && !isRetry(p.draft)) {
                outcomes.append({p.draft, false, fullPrefix + u"the size limit is reached"_s});
                continue;
            }
            auto roomIt = m_rooms.find(p.draft.room);
            if (roomIt == m_rooms.end())
                roomIt = m_rooms.insert(p.draft.room, {});
            Room &room = *roomIt;
            if (!p.draft.clientId.isEmpty()) {
                const QString key = clientKey(p.draft);
                if (auto it = room.byClientId.constFind(key); it != room.byClientId.cend()) {
                    outcomes.append({room.messages.at(*it - 1), true, {}});
                    continue;
                }
                room.byClientId.insert(key, room.messages.size() + 1);
            }
            ChatMessage m = p.draft;
            m.room = roomIt.key(); // one copy of the name for all of the room's messages
            m.id = room.messages.size() + 1;
            m.ts = now;
            room.messages.append(m);
            ++m_count;
            m_bytes += cost;
            outcomes.append({std::move(m), false, {}});
        }
        ++m_commits;
        for (qsizetype i = 0; i < group.size(); ++i) {
            if (group.at(i).done)
                group.at(i).done(outcomes.at(i).message, outcomes.at(i).duplicate,
                                 outcomes.at(i).error);
        }
    }
    void flush() override { }
    QList<ChatMessage> history(const QString &room, qint64 before, int limit) override
    {
        const auto it = m_rooms.constFind(room);
        if (it == m_rooms.cend() || limit <= 0)
            return {};
        const qint64 size = it->messages.size();
        const qint64 end = before > 0 ? qMin(before - 1, size) : size; // ids below before
        const qint64 start = qMax<qint64>(0, end - limit);
        return end > start ? it->messages.mid(start, end - start) : QList<ChatMessage>();
    }
    QStringList rooms(int limit) override
    {
        // A room is in m_rooms only with messages; the map keeps them by name.
        QStringList names;
        for (auto it = m_rooms.cbegin(); it != m_rooms.cend() && names.size() != limit; ++it)
            names.append(it.key());
        return names;
    }
    qint64 messageCount() override { return m_count; }
    quint64 commitCount() const override { return m_commits; }
    bool setSizeLimit(qint64 bytes) override
    {
        m_limit = bytes;
        return true;
    }

private:
    //! Whether \a draft repeats a stored message (answered with it, so no new data).
    bool isRetry(const ChatMessage &draft) const
    {
        const auto room = m_rooms.constFind(draft.room);
        return !draft.clientId.isEmpty() && room != m_rooms.cend()
                && room->byClientId.contains(clientKey(draft));
    }
    //! What a message costs in RAM, about: its strings (UTF-16) and the bookkeeping.
    static qint64 costOf(const ChatMessage &m)
    {
        return 2
                * (m.sid.size() + m.name.size() + m.text.size() + m.clientId.size()
                   + m.author.size())
                + 64;
    }

    struct Room
    {
        QList<ChatMessage> messages;
        QHash<QString, qint64> byClientId; //!< clientKey() → id
    };
    QMap<QString, Room> m_rooms; //!< sorted: rooms() answers the first few by name
    qint64 m_count = 0;
    qint64 m_bytes = 0; //!< costOf() every stored message
    qint64 m_limit = 0;
    quint64 m_commits = 0;
};

// ---------------------------------------------------------------------------------------
// SQLite, through its C API: statements are prepared once and reused, values bound without
// QVariant.
// ---------------------------------------------------------------------------------------

// Migrations, one per schema version; each runs inside the transaction that bumps
// PRAGMA user_version, so a file is never left half-migrated.
const QList<QList<const char *>> migrations = {
        // 1: rooms with their last message id, and messages keyed by (room, id).
        {
                "CREATE TABLE rooms (name TEXT PRIMARY KEY, last_id INTEGER NOT NULL DEFAULT 0, "
                "created_at INTEGER NOT NULL)",
                "CREATE TABLE messages (room TEXT NOT NULL REFERENCES rooms(name), "
                "id INTEGER NOT NULL, sid TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT NULL, "
                "ts INTEGER NOT NULL, client_id TEXT, PRIMARY KEY (room, id)) WITHOUT ROWID",
                "CREATE UNIQUE INDEX messages_client_id ON messages (room, name, client_id) "
                "WHERE client_id IS NOT NULL",
        },
        // 2: who sent a message, across restarts (a hash of the client's install id).
        {"ALTER TABLE messages ADD COLUMN author TEXT"},
        // 3: client ids scoped to their sender's install (senderScope()), not to a name that
        // anyone may take once it is free. Older rows keep the name scope they were checked
        // under, so the new index is as unique as the old one.
        {
                "ALTER TABLE messages ADD COLUMN sender TEXT",
                "UPDATE messages SET sender = 'n:' || name WHERE client_id IS NOT NULL",
                "DROP INDEX messages_client_id",
                "CREATE UNIQUE INDEX messages_sender_client_id ON messages (room, sender, "
                "client_id) WHERE client_id IS NOT NULL",
        },
};

QString errorOf(sqlite3 *db)
{
    return QString::fromUtf8(sqlite3_errmsg(db));
}

//! A prepared statement, finalized with its owner.
class Statement
{
public:
    Statement() = default;
    Q_DISABLE_COPY_MOVE(Statement)
    ~Statement() { sqlite3_finalize(m_stmt); }
    bool prepare(sqlite3 *db, const char *sql)
    {
        return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr)
                == SQLITE_OK;
    }
    sqlite3_stmt *get() const { return m_stmt; }
    // The text must stay alive until the statement is reset: it is bound without a copy.
    void bind(int i, const QString &text)
    {
        sqlite3_bind_text16(m_stmt, i, text.utf16(), int(text.size() * sizeof(char16_t)),
                            SQLITE_STATIC);
    }
    void bindOrNull(int i, const QString &text)
    {
        if (text.isEmpty())
            sqlite3_bind_null(m_stmt, i);
        else
            bind(i, text);
    }
    void bind(int i, qint64 value) { sqlite3_bind_int64(m_stmt, i, value); }
    int step() { return sqlite3_step(m_stmt); }
    void reset() { sqlite3_reset(m_stmt); }
    QString text(int i) const
    {
        const void *data = sqlite3_column_text16(m_stmt, i);
        if (!data)
            return {};
        return QString(static_cast<const QChar *>(data),
                       sqlite3_column_bytes16(m_stmt, i) / qsizetype(sizeof(char16_t)));
    }
    qint64 integer(int i) const { return sqlite3_column_int64(m_stmt, i); }
    ChatMessage message() const
    {
        ChatMessage m;
        m.room = text(0);
        m.id = integer(1);
        m.sid = text(2);
        m.name = text(3);
        m.text = text(4);
        m.ts = integer(5);
        m.clientId = text(6);
        m.author = text(7);
        return m;
    }

private:
    sqlite3_stmt *m_stmt = nullptr;
};

bool execute(sqlite3 *db, const char *sql, QString *error)
{
    char *message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK)
        return true;
    *error = u"%1 failed: %2"_s.arg(QString::fromUtf8(sql),
                                    QString::fromUtf8(message ? message : sqlite3_errmsg(db)));
    sqlite3_free(message);
    return false;
}

// A QObject on the store's thread so that the writer's queued delivery dies with it: a store
// re-opened by open() never receives the delivery of the backend it replaced.
class SqliteBackend final : public QObject, public ChatStoreBackend
{
public:
    SqliteBackend() = default;

    ~SqliteBackend() override
    {
        if (m_thread.joinable()) {
            {
                std::lock_guard lock(m_mutex);
                m_stopping = true;
            }
            m_wake.notify_one();
            m_thread.join();
        }
        // Statements before their connections.
        m_w.reset();
        m_r.reset();
        sqlite3_close(m_writer);
        sqlite3_close(m_reader);
    }

    bool open(const QString &path, QString *error)
    {
        const QByteArray file = QFile::encodeName(path);
        const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
        const char *vfs = walBufferVfsName();
        if (sqlite3_open_v2(file.constData(), &m_writer, flags, vfs) != SQLITE_OK) {
            *error = u"cannot open %1: %2"_s.arg(path, errorOf(m_writer));
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
        if (!execute(m_writer, "PRAGMA page_size=4096", error))
            return false;
        // A bigger page cache keeps the rooms' B-tree leaves in memory; checkpoints every 4000
        // pages instead of 1000 copy each hot leaf back 4 times less often.
        for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                                   "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000",
                                   "PRAGMA cache_size=-32768", "PRAGMA wal_autocheckpoint=4000"}) {
            if (!execute(m_writer, pragma, error))
                return false;
        }
        if (!migrate(path, error))
            return false;
        m_w = std::make_unique<WriterStatements>();
        if (!m_w->findDuplicate.prepare(
                    m_writer,
                    "SELECT room, id, sid, name, text, ts, client_id, author "
                    "FROM messages WHERE room = ? AND sender = ? AND client_id = ?")
            || !m_w->insertRoom.prepare(
                    m_writer,
                    "INSERT OR IGNORE INTO rooms (name, last_id, created_at) VALUES (?, 0, ?)")
            || !m_w->lastId.prepare(m_writer, "SELECT last_id FROM rooms WHERE name = ?")
            || !m_w->insertMessage.prepare(m_writer,
                                           "INSERT INTO messages (room, id, sid, name, text, ts, "
                                           "client_id, author, sender) "
                                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            || !m_w->updateRoom.prepare(m_writer, "UPDATE rooms SET last_id = ? WHERE name = ?")
            || !m_w->begin.prepare(m_writer, "BEGIN IMMEDIATE")
            || !m_w->commit.prepare(m_writer, "COMMIT")) {
            *error = u"cannot prepare the store's statements: %1"_s.arg(errorOf(m_writer));
            return false;
        }
        // Reads (history, rooms) run on the store's thread on a connection of their own, so
        // they never wait for the writer's fsync.
        if (sqlite3_open_v2(file.constData(), &m_reader, flags, vfs) != SQLITE_OK
            || !execute(m_reader, "PRAGMA busy_timeout=5000", error)
            || !execute(m_reader, "PRAGMA query_only=1", error)) {
            if (error->isEmpty())
                *error = u"cannot open %1: %2"_s.arg(path, errorOf(m_reader));
            return false;
        }
        m_r = std::make_unique<ReaderStatements>();
        if (!m_r->history.prepare(
                    m_reader,
                    "SELECT room, id, sid, name, text, ts, client_id, author "
                    "FROM messages WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?")
            || !m_r->rooms.prepare(m_reader,
                                   "SELECT name FROM rooms WHERE last_id > 0 ORDER BY name LIMIT ?")
            || !m_r->count.prepare(m_reader, "SELECT COUNT(*) FROM messages")) {
            *error = u"cannot prepare the store's statements: %1"_s.arg(errorOf(m_reader));
            return false;
        }
        m_thread = std::thread([this] { run(); });
        return true;
    }

    void submit(QList<ChatStore::Pending> group) override
    {
        {
            std::lock_guard lock(m_mutex);
            m_submitted += group.size();
            if (m_queue.isEmpty())
                m_queue = std::move(group);
            else
                m_queue.append(std::move(group));
        }
        m_wake.notify_one();
    }

    void flush() override
    {
        {
            std::unique_lock lock(m_mutex);
            const quint64 target = m_submitted;
            m_done.wait(lock, [&] { return m_processed >= target; });
        }
        deliver();
    }

    QList<ChatMessage> history(const QString &room, qint64 before, int limit) override
    {
        QList<ChatMessage> messages;
        Statement &query = m_r->history;
        query.bind(1, room);
        query.bind(2, before > 0 ? before : std::numeric_limits<qint64>::max());
        query.bind(3, qint64(limit));
        int rc;
        while ((rc = query.step()) == SQLITE_ROW)
            messages.append(query.message());
        if (rc != SQLITE_DONE)
            qCWarning(lcChat) << "history query failed:" << errorOf(m_reader);
        query.reset();
        std::reverse(messages.begin(), messages.end()); // oldest first
        return messages;
    }

    QStringList rooms(int limit) override
    {
        QStringList names;
        Statement &query = m_r->rooms;
        query.bind(1, qint64(limit)); // -1: no limit
        while (query.step() == SQLITE_ROW)
            names.append(query.text(0));
        query.reset();
        return names;
    }

    qint64 messageCount() override
    {
        Statement &query = m_r->count;
        const qint64 count = query.step() == SQLITE_ROW ? query.integer(0) : 0;
        query.reset();
        return count;
    }

    quint64 commitCount() const override { return m_commits.load(); }

    bool setSizeLimit(qint64 bytes) override
    {
        // The writer owns its connection; the pragma runs there, between two groups.
        std::unique_lock lock(m_mutex);
        m_sizeLimit = bytes;
        m_sizeLimitPending = true;
        lock.unlock();
        m_wake.notify_one();
        return true;
    }

private:
    struct WriterStatements
    {
        Statement findDuplicate, insertRoom, lastId, insertMessage, updateRoom, begin, commit;
    };
    struct ReaderStatements
    {
        Statement history, rooms, count;
    };
    struct Outcome
    {
        ChatMessage message;
        bool duplicate = false;
        QString error;
        ChatStore::AppendCallback done;
    };

    bool migrate(const QString &path, QString *error)
    {
        int version = 0;
        {
            Statement query;
            if (!query.prepare(m_writer, "PRAGMA user_version") || query.step() != SQLITE_ROW) {
                *error = u"cannot read the schema version: %1"_s.arg(errorOf(m_writer));
                return false;
            }
            version = int(query.integer(0));
        }
        if (version > ChatStore::SchemaVersion) {
            *error = u"%1 was written by a newer Confab (schema %2; this one knows %3)"_s.arg(path)
                             .arg(version)
                             .arg(ChatStore::SchemaVersion);
            return false;
        }
        for (int v = version; v < ChatStore::SchemaVersion; ++v) {
            if (!execute(m_writer, "BEGIN IMMEDIATE", error))
                return false;
            bool ok = true;
            for (const char *statement : migrations.at(v))
                ok = ok && execute(m_writer, statement, error);
            const QByteArray bump = "PRAGMA user_version = " + QByteArray::number(v + 1);
            ok = ok && execute(m_writer, bump.constData(), error)
                    && execute(m_writer, "COMMIT", error);
            if (!ok) {
                *error = u"migration to schema %1 failed: %2"_s.arg(v + 1).arg(*error);
                sqlite3_exec(m_writer, "ROLLBACK", nullptr, nullptr, nullptr);
                return false;
            }
        }
        return true;
    }

    //! The writer thread: one transaction per group; whatever is queued while a commit and
    //! its fsync run forms the next group.
    void run()
    {
#ifdef Q_OS_LINUX
        pthread_setname_np(pthread_self(), "confab-store"); // for top -H and perf
#endif
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_wake.wait(lock,
                        [&] { return !m_queue.isEmpty() || m_stopping || m_sizeLimitPending; });
            if (m_sizeLimitPending) {
                m_sizeLimitPending = false;
                applySizeLimit(m_sizeLimit);
            }
            if (m_queue.isEmpty()) {
                if (m_stopping)
                    return;
                continue;
            }
            QList<ChatStore::Pending> group = std::exchange(m_queue, {});
            lock.unlock();
            QList<Outcome> outcomes = write(std::move(group));
            lock.lock();
            m_processed += outcomes.size();
            const bool post = m_outcomes.isEmpty();
            m_outcomes.append(std::move(outcomes));
            if (post) {
                QMetaObject::invokeMethod(
                        this, [this] { deliver(); }, Qt::QueuedConnection);
            }
            m_done.notify_all();
        }
    }

    void applySizeLimit(qint64 bytes)
    {
        qint64 pageSize = 4096;
        {
            Statement query;
            if (query.prepare(m_writer, "PRAGMA page_size") && query.step() == SQLITE_ROW)
                pageSize = query.integer(0);
        }
        // SQLite's own default maximum when there is no cap.
        const qint64 pages = bytes > 0 ? qMax<qint64>(1, bytes / pageSize) : 0xfffffffe;
        const QByteArray sql = "PRAGMA max_page_count = " + QByteArray::number(pages);
        sqlite3_exec(m_writer, sql.constData(), nullptr, nullptr, nullptr);
    }

    qint64 lastId(const QString &room)
    {
        if (auto it = m_lastIds.constFind(room); it != m_lastIds.cend())
            return *it;
        Statement &query = m_w->lastId;
        query.bind(1, room);
        const qint64 id = query.step() == SQLITE_ROW ? query.integer(0) : 0;
        query.reset();
        m_lastIds.insert(room, id);
        return id;
    }

    //! Writes \a group in one transaction; every outcome carries the error if it failed.
    QList<Outcome> write(QList<ChatStore::Pending> group)
    {
        QList<Outcome> outcomes;
        outcomes.reserve(group.size());
        QString error;
        bool full = false; // SQLITE_FULL: max_page_count reached, or the disk
        const auto fail = [&](Statement &statement) {
            error = errorOf(m_writer);
            full = full || sqlite3_errcode(m_writer) == SQLITE_FULL;
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
                    Statement &insertRoom = m_w->insertRoom;
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
            Statement &insert = m_w->insertMessage;
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
            const QString stepError = rc == SQLITE_DONE ? QString() : errorOf(m_writer);
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
            Statement &find = m_w->findDuplicate;
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
            Statement &update = m_w->updateRoom;
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
        if (!sqlite3_get_autocommit(m_writer))
            sqlite3_exec(m_writer, "ROLLBACK", nullptr, nullptr, nullptr);
        m_lastIds.clear(); // the cache may hold ids of the rolled-back group's rooms
        qCWarning(lcChat) << "storing" << group.size() << "messages failed:" << error;
        error = (full ? fullPrefix : u"storage failed: "_s) + error;
        QList<Outcome> failed;
        failed.reserve(group.size());
        qsizetype i = 0;
        for (; i < outcomes.size(); ++i)
            failed.append({group.at(i).draft, false, error, std::move(outcomes[i].done)});
        for (; i < group.size(); ++i)
            failed.append({group.at(i).draft, false, error, std::move(group[i].done)});
        return failed;
    }

    //! On the store's thread: runs the callbacks of every committed group, in order.
    void deliver()
    {
        QList<Outcome> outcomes;
        {
            std::lock_guard lock(m_mutex);
            outcomes = std::exchange(m_outcomes, {});
        }
        for (const Outcome &o : std::as_const(outcomes)) {
            if (o.done)
                o.done(o.message, o.duplicate, o.error);
        }
    }

    sqlite3 *m_writer = nullptr; // the writer thread's once it runs
    sqlite3 *m_reader = nullptr; // the store's thread's
    std::unique_ptr<WriterStatements> m_w;
    std::unique_ptr<ReaderStatements> m_r;
    QHash<QString, qint64> m_lastIds; // writer thread only
    std::atomic<quint64> m_commits{0};

    std::thread m_thread;
    std::mutex m_mutex; // guards everything below
    std::condition_variable m_wake; // the writer waits for work
    std::condition_variable m_done; // flush() waits for the writer
    QList<ChatStore::Pending> m_queue;
    QList<Outcome> m_outcomes;
    quint64 m_submitted = 0;
    quint64 m_processed = 0;
    qint64 m_sizeLimit = 0;
    bool m_sizeLimitPending = false;
    bool m_stopping = false;
};

} // namespace

ChatStore::ChatStore(QObject *parent)
    : QObject(parent)
{ }

ChatStore::~ChatStore()
{
    flush();
    m_backend.reset();
}

bool ChatStore::open(const QString &location)
{
    flush(); // a store opened again first answers what the previous one still holds
    m_backend.reset();
    m_error.clear();
    if (location == u":memory:") {
        m_path = location;
        m_backend = std::make_unique<MemoryBackend>();
        qCInfo(lcChat) << "message store in RAM: history is kept for this session only";
        return true;
    }
    QDir dir(location);
    const bool existed = dir.exists();
    if (!dir.mkpath(u"."_s)) {
        m_error = u"cannot create the data folder %1"_s.arg(location);
        return false;
    }
    m_path = dir.absoluteFilePath(u"confab.sqlite"_s);
    makePrivate(dir.absolutePath(), m_path, existed);
    auto backend = std::make_unique<SqliteBackend>();
    if (!backend->open(m_path, &m_error))
        return false;
    m_backend = std::move(backend);
    qCInfo(lcChat) << "message store at" << m_path << "with" << messageCount() << "messages";
    return true;
}

namespace {
int unixMode(QFile::Permissions permissions)
{
    int mode = 0;
    for (const auto &[flag, bit] : {std::pair{QFile::ReadOwner, 0400},
                                    {QFile::WriteOwner, 0200},
                                    {QFile::ExeOwner, 0100},
                                    {QFile::ReadGroup, 040},
                                    {QFile::WriteGroup, 020},
                                    {QFile::ExeGroup, 010},
                                    {QFile::ReadOther, 04},
                                    {QFile::WriteOther, 02},
                                    {QFile::ExeOther, 01}}) {
        if (permissions & flag)
            mode |= bit;
    }
    return mode;
}
} // namespace

void ChatStore::makePrivate(const QString &folder, const QString &database, bool existed)
{
    // The history of a host with a password must not be readable by every local user.
    constexpr auto others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup
            | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
    const auto tighten = [&](const QString &path, QFile::Permissions mode, const char *what) {
        const QFile::Permissions before = QFile::permissions(path);
        if (!(before & others))
            return;
        if (!QFile::setPermissions(path, mode)) {
            qCWarning(lcChat) << "cannot make the" << what << path << "private to its owner";
            return;
        }
        if (!existed)
            return; // just created (under the umask): nothing anyone could have read
        qCInfo(lcChat).noquote() << "made the" << what << path << "private to its owner (it was"
                                 << u"%1)"_s.arg(unixMode(before), 4, 8, QChar(u'0'));
    };
    tighten(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner, "data folder");
    constexpr auto fileMode = QFile::ReadOwner | QFile::WriteOwner;
    // SQLite creates the WAL and the shared-memory file with the database's mode: a database
    // created 0600 here keeps them 0600 too. Files of an older Confab are tightened.
    QFile file(database);
    if (!file.exists() && file.open(QIODevice::WriteOnly | QIODevice::NewOnly, fileMode))
        file.close();
    existed = true; // files of an older host are worth a line
    for (const QString &path : QStringList{database, database + u"-wal"_s, database + u"-shm"_s}) {
        if (QFile::exists(path))
            tighten(path, fileMode, "database file");
    }
}

bool ChatStore::isOpen() const
{
    return m_backend != nullptr;
}

bool ChatStore::setSizeLimit(qint64 bytes)
{
    return m_backend && m_backend->setSizeLimit(bytes);
}

void ChatStore::append(const ChatMessage &draft, AppendCallback done)
{
    m_pending.append({draft, std::move(done)});
    if (!m_handOverScheduled) {
        m_handOverScheduled = true;
        QMetaObject::invokeMethod(this, &ChatStore::handOver, Qt::QueuedConnection);
    }
}

void ChatStore::handOver()
{
    m_handOverScheduled = false;
    if (m_pending.isEmpty())
        return;
    QList<Pending> group = std::exchange(m_pending, {});
    if (!m_backend) {
        for (const Pending &p : std::as_const(group)) {
            if (p.done)
                p.done(p.draft, false, u"storage failed: the message store is not open"_s);
        }
        return;
    }
    m_backend->submit(std::move(group));
}

void ChatStore::flush()
{
    handOver();
    if (m_backend)
        m_backend->flush();
}

QList<ChatMessage> ChatStore::history(const QString &room, qint64 before, int limit) const
{
    return m_backend ? m_backend->history(room, before, limit) : QList<ChatMessage>();
}

QStringList ChatStore::rooms(int limit) const
{
    return m_backend && limit != 0 ? m_backend->rooms(limit) : QStringList();
}

bool ChatStore::isFullError(const QString &error)
{
    return error.startsWith(fullPrefix);
}

qint64 ChatStore::messageCount() const
{
    return m_backend ? m_backend->messageCount() : 0;
}

quint64 ChatStore::commitCount() const
{
    return m_backend ? m_backend->commitCount() : 0;
}

} // namespace Confab
