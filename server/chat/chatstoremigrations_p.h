// SPDX-License-Identifier: MIT
// Private to ChatStore: the SQLite store's schema, version by version.
#pragma once

#include <QtCore/QString>

struct sqlite3;

namespace Confab {

//! \brief Brings the database \a db (the file \a path) to ChatStore::SchemaVersion.
//!
//! Each version's migration runs in the transaction that bumps PRAGMA user_version, so a file
//! is never left half-migrated; a file of a newer schema is refused, untouched.
//! \return false with \a error set when the file cannot be used.
bool migrateChatStore(sqlite3 *db, const QString &path, QString *error);

} // namespace Confab
