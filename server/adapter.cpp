// SPDX-License-Identifier: MIT
#include "adapter.h"

namespace Confab {

void InMemoryAdapter::addAll(const QString &sid, const QStringList &rooms)
{
    QStringList &own = m_sids[sid];
    for (const QString &room : rooms) {
        if (own.contains(room))
            continue;
        own.append(room);
        if (room != sid)
            m_rooms[room].insert(sid);
    }
}

void InMemoryAdapter::remove(const QString &sid, const QString &room)
{
    auto it = m_sids.find(sid);
    if (it != m_sids.end())
        it->removeOne(room);
    if (room == sid)
        return;
    auto members = m_rooms.find(room);
    if (members != m_rooms.end()) {
        members->remove(sid);
        if (members->isEmpty())
            m_rooms.erase(members);
    }
}

void InMemoryAdapter::removeAll(const QString &sid)
{
    const QStringList rooms = m_sids.take(sid);
    for (const QString &room : rooms) {
        auto members = m_rooms.find(room);
        if (room == sid || members == m_rooms.end())
            continue;
        members->remove(sid);
        if (members->isEmpty())
            m_rooms.erase(members);
    }
}

QStringList InMemoryAdapter::socketRooms(const QString &sid) const
{
    QStringList rooms = m_sids.value(sid);
    rooms.sort();
    return rooms;
}

QSet<QString> InMemoryAdapter::sockets(const QStringList &rooms) const
{
    if (rooms.isEmpty()) {
        QSet<QString> all;
        all.reserve(m_sids.size());
        for (auto it = m_sids.cbegin(); it != m_sids.cend(); ++it)
            all.insert(it.key());
        return all;
    }
    QSet<QString> result;
    for (const QString &room : rooms)
        result.unite(members(room));
    return result;
}

QSet<QString> InMemoryAdapter::members(const QString &room) const
{
    QSet<QString> result = m_rooms.value(room); // shared, not copied, unless a sid is added
    const auto own = m_sids.constFind(room);
    if (own != m_sids.cend() && own->contains(room))
        result.insert(room);
    return result;
}

QStringList InMemoryAdapter::rooms() const
{
    QStringList rooms = m_rooms.keys();
    for (auto it = m_sids.cbegin(); it != m_sids.cend(); ++it) {
        if (it->contains(it.key()) && !m_rooms.contains(it.key()))
            rooms.append(it.key());
    }
    rooms.sort();
    return rooms;
}

int InMemoryAdapter::broadcast(const QList<EngineIo::Packet> &frames, const BroadcastTarget &target)
{
    QSet<QString> except;
    for (const QString &room : target.except)
        except.unite(members(room)); // a sid is a room of its own
    int delivered = 0;
    const auto deliver = [&](const QString &sid) {
        if (except.contains(sid))
            return;
        m_deliver(sid, frames);
        ++delivered;
    };
    if (target.rooms.isEmpty()) {
        for (auto it = m_sids.cbegin(); it != m_sids.cend(); ++it)
            deliver(it.key());
    } else if (target.rooms.size() == 1) {
        // The common case (one room, or one sid) without building a set: members() would
        // copy the room's set whenever the room is a sid's own.
        const QString &room = target.rooms.first();
        const auto members = m_rooms.constFind(room);
        if (members != m_rooms.cend()) {
            for (const QString &sid : *members)
                deliver(sid);
        }
        // A sid's own room lives in m_sids only, never among m_rooms' members.
        const auto own = m_sids.constFind(room);
        if (own != m_sids.cend() && own->contains(room))
            deliver(room);
    } else {
        for (const QString &sid : sockets(target.rooms))
            deliver(sid);
    }
    return delivered;
}

} // namespace Confab
