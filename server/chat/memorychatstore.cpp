// SPDX-License-Identifier: MIT
#include "memorychatstore_p.h"

#include <QtCore/QDateTime>

using namespace Qt::StringLiterals;

namespace Confab {

void MemoryChatStore::submit(QList<ChatStore::Pending> group)
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
            outcomes.append({p.draft, false, storageFullPrefix() + u"the size limit is reached"_s});
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

QList<ChatMessage> MemoryChatStore::history(const QString &room, qint64 before, int limit)
{
    const auto it = m_rooms.constFind(room);
    if (it == m_rooms.cend() || limit <= 0)
        return {};
    const qint64 size = it->messages.size();
    const qint64 end = before > 0 ? qMin(before - 1, size) : size; // ids below before
    const qint64 start = qMax<qint64>(0, end - limit);
    return end > start ? it->messages.mid(start, end - start) : QList<ChatMessage>();
}

QList<ChatMessage> MemoryChatStore::historyAfter(const QString &room, qint64 after, int limit)
{
    const auto it = m_rooms.constFind(room);
    if (it == m_rooms.cend() || limit <= 0)
        return {};
    // Ids run from 1 without gaps (a full store refuses, it never drops): id n is at n - 1.
    const qint64 size = it->messages.size();
    const qint64 start = qBound<qint64>(0, after, size);
    const qint64 end = qMin(size, start + limit);
    return end > start ? it->messages.mid(start, end - start) : QList<ChatMessage>();
}

QStringList MemoryChatStore::rooms(int limit)
{
    // A room is in m_rooms only with messages; the map keeps them by name.
    QStringList names;
    for (auto it = m_rooms.cbegin(); it != m_rooms.cend() && names.size() != limit; ++it)
        names.append(it.key());
    return names;
}

bool MemoryChatStore::setSizeLimit(qint64 bytes)
{
    m_limit = bytes;
    return true;
}

//! Whether \a draft repeats a stored message (answered with it, so no new data).
bool MemoryChatStore::isRetry(const ChatMessage &draft) const
{
    const auto room = m_rooms.constFind(draft.room);
    return !draft.clientId.isEmpty() && room != m_rooms.cend()
            && room->byClientId.contains(clientKey(draft));
}

//! What a message costs in RAM, about: its strings (UTF-16) and the bookkeeping.
qint64 MemoryChatStore::costOf(const ChatMessage &m)
{
    return 2 * (m.sid.size() + m.name.size() + m.text.size() + m.clientId.size() + m.author.size())
            + 64;
}

} // namespace Confab
