// SPDX-License-Identifier: MIT
#include "roomlistmodel.h"

#include <algorithm>

namespace Confab::App {

using namespace Qt::StringLiterals;

RoomListModel::RoomListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int RoomListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rooms.size());
}

QVariant RoomListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Room &room = m_rooms.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return room.name;
    case MembersRole:
        return room.members;
    case UnreadRole:
        return room.unread;
    case JoinedRole:
        return room.joined;
    case CurrentRole:
        return room.name == m_current;
    default:
        return {};
    }
}

QHash<int, QByteArray> RoomListModel::roleNames() const
{
    return {
            {NameRole, "name"},     {MembersRole, "members"}, {UnreadRole, "unread"},
            {JoinedRole, "joined"}, {CurrentRole, "current"},
    };
}

namespace {
//! Case-insensitive, so that the list does not jump around as rooms appear; then
//! case-sensitive, so that the order is strict and a binary search finds a name exactly.
bool lessThan(const QString &a, const QString &b)
{
    const int folded = a.compare(b, Qt::CaseInsensitive);
    return folded != 0 ? folded < 0 : a < b;
}
} // namespace

QList<RoomListModel::Room>::const_iterator RoomListModel::lowerBound(const QString &name) const
{
    return std::lower_bound(
            m_rooms.cbegin(), m_rooms.cend(), name,
            [](const Room &room, const QString &key) { return lessThan(room.name, key); });
}

int RoomListModel::indexOf(const QString &name) const
{
    const auto it = lowerBound(name);
    return it != m_rooms.cend() && it->name == name ? int(it - m_rooms.cbegin()) : -1;
}

bool RoomListModel::forgetIfEmpty(int row)
{
    const Room &room = m_rooms.at(row);
    if (room.joined || room.members > 0)
        return false;
    const QString name = room.name;
    beginRemoveRows({}, row, row);
    m_rooms.removeAt(row);
    endRemoveRows();
    if (name == m_current)
        m_current.clear();
    Q_EMIT countChanged();
    return true;
}

RoomListModel::Room RoomListModel::room(const QString &name) const
{
    const int row = indexOf(name);
    return row < 0 ? Room{} : m_rooms.at(row);
}

int RoomListModel::ensure(const QString &name)
{
    const auto it = lowerBound(name);
    const int row = int(it - m_rooms.cbegin());
    if (it != m_rooms.cend() && it->name == name)
        return row;
    beginInsertRows({}, row, row);
    m_rooms.insert(row, Room{name});
    endInsertRows();
    Q_EMIT countChanged();
    return row;
}

void RoomListModel::addRooms(const QList<Confab::Client::ChatRoomSummary> &rooms)
{
    for (const auto &summary : rooms) {
        const int row = ensure(summary.name);
        // A room we are in has an exact member list elsewhere; the summary may be older.
        if (!m_rooms.at(row).joined)
            setMembers(summary.name, summary.members);
    }
}

void RoomListModel::setMembers(const QString &name, int members)
{
    int row = indexOf(name);
    if (row < 0) {
        if (members <= 0)
            return; // an empty room we never listed: nothing to forget
        row = ensure(name);
    }
    if (m_rooms.at(row).members == members)
        return;
    m_rooms[row].members = members;
    if (!forgetIfEmpty(row))
        changed(row, {MembersRole});
}

void RoomListModel::setJoined(const QString &name, bool joined)
{
    if (!joined && indexOf(name) < 0)
        return;
    const int row = ensure(name);
    if (m_rooms.at(row).joined == joined)
        return;
    m_rooms[row].joined = joined;
    QList<int> roles{JoinedRole};
    if (!joined && m_rooms.at(row).unread != 0) {
        m_rooms[row].unread = 0;
        roles.append(UnreadRole);
    }
    if (!joined && forgetIfEmpty(row))
        return;
    changed(row, roles);
}

void RoomListModel::addUnread(const QString &name, int count)
{
    const int row = ensure(name);
    m_rooms[row].unread += count;
    changed(row, {UnreadRole});
}

void RoomListModel::clearUnread(const QString &name)
{
    const int row = indexOf(name);
    if (row < 0 || m_rooms.at(row).unread == 0)
        return;
    m_rooms[row].unread = 0;
    changed(row, {UnreadRole});
}

void RoomListModel::setCurrent(const QString &name)
{
    if (m_current == name)
        return;
    const int previous = indexOf(m_current);
    m_current = name;
    if (previous >= 0)
        changed(previous, {CurrentRole});
    const int row = indexOf(name);
    if (row >= 0)
        changed(row, {CurrentRole});
}

void RoomListModel::clear()
{
    m_current.clear();
    if (m_rooms.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_rooms.size()) - 1);
    m_rooms.clear();
    endRemoveRows();
    Q_EMIT countChanged();
}

void RoomListModel::changed(int row, const QList<int> &roles)
{
    const QModelIndex idx = index(row);
    Q_EMIT dataChanged(idx, idx, roles);
}

} // namespace Confab::App
