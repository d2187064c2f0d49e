// SPDX-License-Identifier: MIT
#pragma once

#include "engineiopacket.h"

#include <QtCore/QHash>
#include <QtCore/QSet>
#include <QtCore/QStringList>

#include <functional>

namespace Confab {

//! \brief Whom a broadcast reaches: sockets in any of \a rooms (all when empty), minus \a except.
struct BroadcastTarget
{
    QStringList rooms;
    QStringList except;
};

//! \brief Room membership and broadcasting for one namespace, as socket.io's adapters do it.
//!
//! Every socket is in the room named after its own sid. The in-memory adapter serves one
//! process; an adapter over Redis pub/sub would publish broadcasts to the other processes
//! and deliver what they publish, behind this same interface.
class Adapter
{
public:
    //! Hands already-encoded Engine.IO packets to one local socket.
    using Deliver = std::function<void(const QString &sid, const QList<EngineIo::Packet> &frames)>;

    explicit Adapter(Deliver deliver)
        : m_deliver(std::move(deliver))
    { }
    virtual ~Adapter() = default;
    Q_DISABLE_COPY_MOVE(Adapter)

    virtual void addAll(const QString &sid, const QStringList &rooms) = 0;
    virtual void remove(const QString &sid, const QString &room) = 0;
    virtual void removeAll(const QString &sid) = 0;
    virtual QStringList socketRooms(const QString &sid) const = 0;
    //! Sids in any of \a rooms; every socket when \a rooms is empty.
    virtual QSet<QString> sockets(const QStringList &rooms = {}) const = 0;
    virtual QStringList rooms() const = 0;
    //! Delivers \a frames (one encoded packet) to every socket of \a target. Encoded once by
    //! the caller; the same bytes go to every recipient.
    virtual int broadcast(const QList<EngineIo::Packet> &frames, const BroadcastTarget &target) = 0;

protected:
    Deliver m_deliver;
};

//! \brief The adapter for a single process: rooms in two hash maps.
class InMemoryAdapter final : public Adapter
{
public:
    using Adapter::Adapter;

    void addAll(const QString &sid, const QStringList &rooms) override;
    void remove(const QString &sid, const QString &room) override;
    void removeAll(const QString &sid) override;
    QStringList socketRooms(const QString &sid) const override;
    QSet<QString> sockets(const QStringList &rooms = {}) const override;
    QStringList rooms() const override;
    int broadcast(const QList<EngineIo::Packet> &frames, const BroadcastTarget &target) override;

private:
    //! Sids in \a room, the socket whose own room it is included.
    QSet<QString> members(const QString &room) const;

    //! room → sids, without the rooms named after their own socket: a QSet per socket (Qt 6's
    //! smallest hash table is over 1 KiB) for a room of one was a sixth of an idle
    //! connection's memory. A socket's own room is in m_sids only.
    QHash<QString, QSet<QString>> m_rooms;
    //! sid → rooms (own room included). A list: a socket is in a handful of rooms.
    QHash<QString, QStringList> m_sids;
};

} // namespace Confab
