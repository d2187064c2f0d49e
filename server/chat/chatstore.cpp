// SPDX-License-Identifier: MIT
#include "chatstore.h"

#include "chatlogging.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QTimer>
#include <QtSql/QSqlDatabase>
#include <QtSql/QSqlError>
#include <QtSql/QSqlQuery>

#include <atomic>

using namespace Qt::StringLiterals;

namespace Confab {

namespace {

std::atomic<int> s_instances{0};

// Migrations, one per schema version; each runs inside the transaction that bumps
// PRAGMA user_version, so a file is never left half-migrated.
const QList<QStringList> migrations = {
        // 1: rooms with their last message id, and messages keyed by (room, id).
        {
                u"CREATE TABLE rooms (name TEXT PRIMARY KEY, last_id INTEGER NOT NULL DEFAULT 0, "
                "created_at INTEGER NOT NULL)"_s,
                u"CREATE TABLE messages (room TEXT NOT NULL REFERENCES rooms(name), "
                "id INTEGER NOT NULL, sid TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT NULL, "
                "ts INTEGER NOT NULL, client_id TEXT, PRIMARY KEY (room, id)) WITHOUT ROWID"_s,
                u"CREATE UNIQUE INDEX messages_client_id ON messages (room, name, client_id) "
                "WHERE client_id IS NOT NULL"_s,
        },
        // 2: who sent a message, across restarts (a hash of the client's install id).
        {u"ALTER TABLE messages ADD COLUMN author TEXT"_s},
};

ChatMessage readMessage(const QSqlQuery &query)
{
    ChatMessage m;
    m.room = query.value(0).toString();
    m.id = query.value(1).toLongLong();
    m.sid = query.value(2).toString();
    m.name = query.value(3).toString();
    m.text = query.value(4).toString();
    m.ts = query.value(5).toLongLong();
    m.clientId = query.value(6).toString();
    m.author = query.value(7).toString();
    return m;
}

} // namespace

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

ChatStore::ChatStore(QObject *parent)
    : QObject(parent)
    , m_connection(u"confab-chat-%1"_s.arg(s_instances.fetch_add(1)))
{ }

ChatStore::~ChatStore()
{
    flush();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

bool ChatStore::open(const QString &location)
{
    if (location == u":memory:") {
        m_path = location;
    } else {
        QDir dir(location);
        if (!dir.mkpath(u"."_s)) {
            m_error = u"cannot create the data folder %1"_s.arg(location);
            return false;
        }
        m_path = dir.absoluteFilePath(u"confab.sqlite"_s);
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
    db.setDatabaseName(m_path);
    if (!db.open()) {
        m_error = u"cannot open %1: %2"_s.arg(m_path, db.lastError().text());
        return false;
    }
    QSqlQuery pragma(db);
    // WAL lets readers run beside the writer; FULL syncs every (grouped) commit, so an
    // acknowledged message survives even a power cut, not only a killed process.
    for (const QString &statement : {u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=FULL"_s,
                                     u"PRAGMA foreign_keys=ON"_s, u"PRAGMA busy_timeout=5000"_s}) {
        if (!pragma.exec(statement)) {
            m_error = u"%1 failed: %2"_s.arg(statement, pragma.lastError().text());
            return false;
        }
    }
    if (!migrate())
        return false;
    qCInfo(lcChat) << "message store at" << m_path << "with" << messageCount() << "messages";
    return true;
}

bool ChatStore::isOpen() const
{
    return QSqlDatabase::database(m_connection, false).isOpen();
}

bool ChatStore::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery query(db);
    if (!query.exec(u"PRAGMA user_version"_s) || !query.next()) {
        m_error = u"cannot read the schema version: %1"_s.arg(query.lastError().text());
        return false;
    }
    const int version = query.value(0).toInt();
    if (version > SchemaVersion) {
        m_error = u"%1 was written by a newer Confab (schema %2; this one knows %3)"_s.arg(m_path)
                          .arg(version)
                          .arg(SchemaVersion);
        return false;
    }
    for (int v = version; v < SchemaVersion; ++v) {
        db.transaction();
        for (const QString &statement : migrations.at(v)) {
            if (!query.exec(statement)) {
                m_error = u"migration to schema %1 failed: %2"_s.arg(v + 1).arg(
                        query.lastError().text());
                db.rollback();
                return false;
            }
        }
        query.exec(u"PRAGMA user_version = %1"_s.arg(v + 1));
        if (!db.commit()) {
            m_error = u"migration commit failed: %1"_s.arg(db.lastError().text());
            return false;
        }
    }
    return true;
}

qint64 ChatStore::lastId(const QString &room)
{
    auto it = m_lastIds.find(room);
    if (it != m_lastIds.end())
        return *it;
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(u"SELECT last_id FROM rooms WHERE name = ?"_s);
    query.addBindValue(room);
    qint64 id = 0;
    if (query.exec() && query.next())
        id = query.value(0).toLongLong();
    m_lastIds.insert(room, id);
    return id;
}

void ChatStore::append(const ChatMessage &draft, AppendCallback done)
{
    m_pending.append({draft, std::move(done)});
    if (!m_flushScheduled) {
        m_flushScheduled = true;
        QTimer::singleShot(0, this, &ChatStore::flush);
    }
}

void ChatStore::flush()
{
    m_flushScheduled = false;
    if (m_pending.isEmpty())
        return;
    QList<Pending> batch = std::exchange(m_pending, {});
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    struct Outcome
    {
        ChatMessage message;
        bool duplicate = false;
    };
    QList<Outcome> outcomes;
    outcomes.reserve(batch.size());
    QString error;

    if (!db.isOpen()) {
        error = u"the message store is not open"_s;
    } else if (!db.transaction()) {
        error = db.lastError().text();
    } else {
        QSqlQuery findDuplicate(db), insertRoom(db), insertMessage(db), updateRoom(db);
        findDuplicate.prepare(
                u"SELECT room, id, sid, name, text, ts, client_id, author FROM messages "
                "WHERE room = ? AND name = ? AND client_id = ?"_s);
        insertRoom.prepare(
                u"INSERT OR IGNORE INTO rooms (name, last_id, created_at) VALUES (?, 0, ?)"_s);
        insertMessage.prepare(
                u"INSERT INTO messages (room, id, sid, name, text, ts, client_id, author) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s);
        updateRoom.prepare(u"UPDATE rooms SET last_id = ? WHERE name = ?"_s);
        QHash<QString, qint64> ids; // this batch's new last ids
        // Duplicates within the batch itself, keyed like the unique index.
        QHash<QString, qsizetype> batchKeys;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const Pending &p : std::as_const(batch)) {
            const ChatMessage &d = p.draft;
            if (!d.clientId.isEmpty()) {
                const QString key = d.room + QChar(0) + d.name + QChar(0) + d.clientId;
                if (auto it = batchKeys.constFind(key); it != batchKeys.cend()) {
                    outcomes.append({outcomes.at(*it).message, true});
                    continue;
                }
                findDuplicate.addBindValue(d.room);
                findDuplicate.addBindValue(d.name);
                findDuplicate.addBindValue(d.clientId);
                if (findDuplicate.exec() && findDuplicate.next()) {
                    outcomes.append({readMessage(findDuplicate), true});
                    findDuplicate.finish();
                    continue;
                }
                findDuplicate.finish();
                batchKeys.insert(key, outcomes.size());
            }
            ChatMessage m = d;
            if (!ids.contains(m.room)) {
                insertRoom.addBindValue(m.room);
                insertRoom.addBindValue(now);
                if (!insertRoom.exec()) {
                    error = insertRoom.lastError().text();
                    break;
                }
                ids.insert(m.room, lastId(m.room));
            }
            m.id = ++ids[m.room];
            m.ts = now;
            insertMessage.addBindValue(m.room);
            insertMessage.addBindValue(m.id);
            insertMessage.addBindValue(m.sid);
            insertMessage.addBindValue(m.name);
            insertMessage.addBindValue(m.text);
            insertMessage.addBindValue(m.ts);
            insertMessage.addBindValue(m.clientId.isEmpty() ? QVariant() : QVariant(m.clientId));
            insertMessage.addBindValue(m.author.isEmpty() ? QVariant() : QVariant(m.author));
            if (!insertMessage.exec()) {
                error = insertMessage.lastError().text();
                break;
            }
            outcomes.append({m, false});
        }
        if (error.isEmpty()) {
            for (auto it = ids.cbegin(); it != ids.cend(); ++it) {
                updateRoom.addBindValue(it.value());
                updateRoom.addBindValue(it.key());
                if (!updateRoom.exec()) {
                    error = updateRoom.lastError().text();
                    break;
                }
            }
        }
        if (error.isEmpty() && !db.commit())
            error = db.lastError().text();
        if (error.isEmpty()) {
            ++m_commits;
            for (auto it = ids.cbegin(); it != ids.cend(); ++it)
                m_lastIds.insert(it.key(), it.value());
        } else {
            db.rollback();
        }
    }

    if (!error.isEmpty()) {
        qCWarning(lcChat) << "storing" << batch.size() << "messages failed:" << error;
        for (const Pending &p : std::as_const(batch)) {
            if (p.done)
                p.done(p.draft, false, u"storage failed: "_s + error);
        }
        return;
    }
    for (qsizetype i = 0; i < batch.size(); ++i) {
        if (batch.at(i).done)
            batch.at(i).done(outcomes.at(i).message, outcomes.at(i).duplicate, {});
    }
}

QList<ChatMessage> ChatStore::history(const QString &room, qint64 before, int limit) const
{
    QList<ChatMessage> messages;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.setForwardOnly(true);
    query.prepare(u"SELECT room, id, sid, name, text, ts, client_id, author FROM messages "
                  "WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?"_s);
    query.addBindValue(room);
    query.addBindValue(before > 0 ? before : std::numeric_limits<qint64>::max());
    query.addBindValue(limit);
    if (!query.exec()) {
        qCWarning(lcChat) << "history query failed:" << query.lastError().text();
        return messages;
    }
    while (query.next())
        messages.prepend(readMessage(query));
    return messages;
}

QStringList ChatStore::rooms() const
{
    QStringList names;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (query.exec(u"SELECT name FROM rooms WHERE last_id > 0 ORDER BY name"_s)) {
        while (query.next())
            names.append(query.value(0).toString());
    }
    return names;
}

qint64 ChatStore::messageCount() const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (query.exec(u"SELECT COUNT(*) FROM messages"_s) && query.next())
        return query.value(0).toLongLong();
    return 0;
}

} // namespace Confab
