// SPDX-License-Identifier: MIT
#include "roomlistmodel.h"

#include <algorithm>

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

int RoomListModel::indexOf(const QString &name) const
{
    for (int row = 0; row < m_rooms.size(); ++row) {
        if (m_rooms.at(row).name == name)
            return row;
    }
    return -1;
}

RoomListModel::Room RoomListModel::room(const QString &name) const
{
    const int row = indexOf(name);
    return row < 0 ? Room{} : m_rooms.at(row);
}

int RoomListModel::ensure(const QString &name)
{
    const int existing = indexOf(name);
    if (existing >= 0)
        return existing;
    // Sorted case-insensitively so that the list does not jump around as rooms appear.
    const auto it = std::lower_bound(m_rooms.cbegin(), m_rooms.cend(), name,
                                     [](const Room &room, const QString &key) {
                                         return room.name.compare(key, Qt::CaseInsensitive) < 0;
                                     });
    const int row = int(it - m_rooms.cbegin());
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
    const int row = ensure(name);
    if (m_rooms.at(row).members == members)
        return;
    m_rooms[row].members = members;
    changed(row, {MembersRole});
}

void RoomListModel::setJoined(const QString &name, bool joined)
{
    const int row = ensure(name);
    if (m_rooms.at(row).joined == joined)
        return;
    m_rooms[row].joined = joined;
    QList<int> roles{JoinedRole};
    if (!joined && m_rooms.at(row).unread != 0) {
        m_rooms[row].unread = 0;
        roles.append(UnreadRole);
    }
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
