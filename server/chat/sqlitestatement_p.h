// SPDX-License-Identifier: MIT
// Private to ChatStore: SQLite's C API as the SQLite store and its migrations use it.
#pragma once

#include "chatstore.h"

#include <QtCore/QString>

#include <sqlite3.h>

//! Thin helpers over SQLite's C API, for the store's two files that speak it.
namespace Confab::Sqlite {

inline QString errorOf(sqlite3 *db)
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

//! Runs \a sql; on failure \a error says which statement failed and why.
inline bool execute(sqlite3 *db, const char *sql, QString *error)
{
    char *message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK)
        return true;
    *error = QStringLiteral("%1 failed: %2")
                     .arg(QString::fromUtf8(sql),
                          QString::fromUtf8(message ? message : sqlite3_errmsg(db)));
    sqlite3_free(message);
    return false;
}

} // namespace Confab::Sqlite
