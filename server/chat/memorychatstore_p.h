// SPDX-License-Identifier: MIT
// Private to ChatStore: the ":memory:" store.
#pragma once

#include "chatstorebackend_p.h"

#include <QtCore/QHash>
#include <QtCore/QMap>

namespace Confab {

//! \brief The session's history in RAM, with the SQLite store's semantics (per-room ids from
//! 1, duplicates by client id, history paging, the size limit); nothing outlives the process.
//! Ids are positions: id n of a room is its messages[n - 1].
class MemoryChatStore final : public ChatStoreBackend
{
public:
    void submit(QList<ChatStore::Pending> group) override;
    void flush() override { }
    QList<ChatMessage> history(const QString &room, qint64 before, int limit) override;
    QList<ChatMessage> historyAfter(const QString &room, qint64 after, int limit) override;
    QStringList rooms(int limit) override;
    qint64 messageCount() override { return m_count; }
    quint64 commitCount() const override { return m_commits; }
    bool setSizeLimit(qint64 bytes) override;

private:
    bool isRetry(const ChatMessage &draft) const;
    static qint64 costOf(const ChatMessage &m);

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

} // namespace Confab
