// SPDX-License-Identifier: MIT
#include "chatstoremigrations_p.h"

#include "sqlitestatement_p.h"

using namespace Qt::StringLiterals;

namespace Confab {

namespace {

// Migrations, one per schema version; each runs inside the transaction that bumps
// PRAGMA user_version, so a file is never left half-migrated.
const QList<QList<const char *>> Migrations = {
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

} // namespace

bool migrateChatStore(sqlite3 *db, const QString &path, QString *error)
{
    int version = 0;
    {
        Sqlite::Statement query;
        if (!query.prepare(db, "PRAGMA user_version") || query.step() != SQLITE_ROW) {
            *error = u"cannot read the schema version: %1"_s.arg(Sqlite::errorOf(db));
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
        if (!Sqlite::execute(db, "BEGIN IMMEDIATE", error))
            return false;
        bool ok = true;
        for (const char *statement : Migrations.at(v))
            ok = ok && Sqlite::execute(db, statement, error);
        const QByteArray bump = "PRAGMA user_version = " + QByteArray::number(v + 1);
        ok = ok && Sqlite::execute(db, bump.constData(), error)
                && Sqlite::execute(db, "COMMIT", error);
        if (!ok) {
            *error = u"migration to schema %1 failed: %2"_s.arg(v + 1).arg(*error);
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            return false;
        }
    }
    return true;
}

} // namespace Confab
