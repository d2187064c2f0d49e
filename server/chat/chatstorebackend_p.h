// SPDX-License-Identifier: MIT
// Private to ChatStore: what its facade delegates to, and the rules both backends share.
#pragma once

#include "chatstore.h"

#include <QtCore/QList>
#include <QtCore/QString>
#include <QtCore/QStringList>

namespace Confab {

//! \brief What ChatStore delegates to: SQLite on a writer thread (SqliteChatStore), or RAM
//! (MemoryChatStore).
class ChatStoreBackend
{
public:
    virtual ~ChatStoreBackend() = default;
    //! Takes one group; its callbacks run later, on the store's thread, in order.
    virtual void submit(QList<ChatStore::Pending> group) = 0;
    //! Returns once every submitted group is committed and its callbacks ran.
    virtual void flush() = 0;
    virtual QList<ChatMessage> history(const QString &room, qint64 before, int limit) = 0;
    virtual QList<ChatMessage> historyAfter(const QString &room, qint64 after, int limit) = 0;
    virtual QStringList rooms(int limit) = 0;
    virtual qint64 messageCount() = 0;
    virtual quint64 commitCount() const = 0;
    virtual bool setSizeLimit(qint64 bytes) = 0;
};

//! How a full store reads in an append's error (ChatStore::isFullError()).
QString storageFullPrefix();

//! Whose client ids \a m's belongs to: its install (the hash of its "device") when it has
//! one, otherwise its name. Scoped so, a client id seen in a broadcast is of no use to anyone
//! else, even under the sender's name once it is free, while the sender's retry after a
//! reconnection (perhaps under another name) is still recognised. Prefixed so that no name
//! can pass for an install.
QString senderScope(const ChatMessage &m);

//! The key of the unique index on (room, sender, client_id).
QString clientKey(const ChatMessage &m);

} // namespace Confab
