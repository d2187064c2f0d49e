// SPDX-License-Identifier: MIT
// A plain SQLite connection for tests that look at the store's file from outside.
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QFile>
#include <QtCore/QString>
#include <QtCore/QtGlobal>

#include <sqlite3.h>

//! A connection to a database file through \a vfs (nullptr: the default one), closed with its
//! owner; what another process would see.
struct SqliteConnection
{
    sqlite3 *db = nullptr;
    explicit SqliteConnection(const QString &path, const char *vfs = nullptr)
    {
        sqlite3_open_v2(QFile::encodeName(path).constData(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
    }
    ~SqliteConnection() { sqlite3_close(db); }
    Q_DISABLE_COPY_MOVE(SqliteConnection)
    bool exec(const QByteArray &sql) const
    {
        char *message = nullptr;
        const bool ok = sqlite3_exec(db, sql.constData(), nullptr, nullptr, &message) == SQLITE_OK;
        if (!ok)
            qWarning("%s: %s", sql.constData(), message ? message : sqlite3_errmsg(db));
        sqlite3_free(message);
        return ok;
    }
    //! The first column of the first row of \a sql, or -1.
    qint64 integer(const char *sql) const
    {
        sqlite3_stmt *stmt = nullptr;
        qint64 value = -1;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK
            && sqlite3_step(stmt) == SQLITE_ROW)
            value = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return value;
    }
    //! The first column of the first row of \a sql as text, or null when there is no row.
    QString text(const char *sql) const
    {
        sqlite3_stmt *stmt = nullptr;
        QString value;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK
            && sqlite3_step(stmt) == SQLITE_ROW)
            value = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
        sqlite3_finalize(stmt);
        return value;
    }
};
