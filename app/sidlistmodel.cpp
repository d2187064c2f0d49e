// SPDX-License-Identifier: MIT
#include "sidlistmodel.h"

#include <QtCore/QLocale>
#include <QtCore/QSet>

using namespace Qt::StringLiterals;

SidListModel::SidListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int SidListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant SidListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &entry = m_entries.at(index.row());
    switch (role) {
    case SidRole:
        return entry.sid;
    case NamespaceRole:
        return entry.nsp;
    case Qt::DisplayRole:
    case NameRole:
        return entry.name;
    case AddressRole:
        return entry.address;
    case TransportRole:
        return entry.transport;
    case RoomsRole:
        return entry.rooms;
    case RoomsTextRole:
        return entry.rooms.join(u", "_s);
    case SinceRole:
        return entry.since;
    case SinceTextRole:
        return QLocale().toString(entry.since.toLocalTime().time(), QLocale::ShortFormat);
    case OwnRole:
        return !m_ownSid.isEmpty() && entry.sid == m_ownSid;
    default:
        return {};
    }
}

QHash<int, QByteArray> SidListModel::roleNames() const
{
    return {
            {SidRole, "sid"},
            {NamespaceRole, "nsp"},
            {NameRole, "name"},
            {AddressRole, "address"},
            {TransportRole, "transport"},
            {RoomsRole, "rooms"},
            {RoomsTextRole, "roomsText"},
            {SinceRole, "since"},
            {SinceTextRole, "sinceText"},
            {OwnRole, "own"},
    };
}

int SidListModel::indexOf(const QString &sid, const QString &nsp) const
{
    for (int row = 0; row < m_entries.size(); ++row) {
        if (m_entries.at(row).sid == sid && m_entries.at(row).nsp == nsp)
            return row;
    }
    return -1;
}

void SidListModel::setOwnSid(const QString &sid)
{
    if (m_ownSid == sid)
        return;
    const int previous = indexOf(m_ownSid);
    m_ownSid = sid;
    if (previous >= 0)
        changed(previous);
    const int row = indexOf(sid);
    if (row >= 0)
        changed(row);
}

void SidListModel::upsert(const Entry &entry)
{
    const int row = indexOf(entry.sid, entry.nsp);
    if (row >= 0) {
        if (m_entries.at(row) == entry)
            return;
        m_entries[row] = entry;
        changed(row);
        return;
    }
    const int end = int(m_entries.size());
    beginInsertRows({}, end, end);
    m_entries.append(entry);
    endInsertRows();
    Q_EMIT countChanged();
}

bool SidListModel::remove(const QString &sid, const QString &nsp)
{
    const int row = indexOf(sid, nsp);
    if (row < 0)
        return false;
    beginRemoveRows({}, row, row);
    m_entries.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
    return true;
}

void SidListModel::replaceAll(const QList<Entry> &entries)
{
    QSet<QString> keep;
    for (const Entry &entry : entries)
        keep.insert(entry.nsp + u'\n' + entry.sid);
    for (int row = int(m_entries.size()) - 1; row >= 0; --row) {
        const Entry &entry = m_entries.at(row);
        if (!keep.contains(entry.nsp + u'\n' + entry.sid))
            remove(entry.sid, entry.nsp);
    }
    for (const Entry &entry : entries)
        upsert(entry);
}

void SidListModel::setName(const QString &sid, const QString &name, const QString &nsp)
{
    const int row = indexOf(sid, nsp);
    if (row < 0 || m_entries.at(row).name == name)
        return;
    m_entries[row].name = name;
    changed(row);
}

void SidListModel::setRooms(const QString &sid, const QStringList &rooms, const QString &nsp)
{
    const int row = indexOf(sid, nsp);
    if (row < 0 || m_entries.at(row).rooms == rooms)
        return;
    m_entries[row].rooms = rooms;
    changed(row);
}

void SidListModel::setTransport(const QString &sid, const QString &transport, const QString &nsp)
{
    const int row = indexOf(sid, nsp);
    if (row < 0 || m_entries.at(row).transport == transport)
        return;
    m_entries[row].transport = transport;
    changed(row);
}

void SidListModel::addRoom(const QString &sid, const QString &room, const QString &nsp)
{
    const int row = indexOf(sid, nsp);
    if (row < 0 || m_entries.at(row).rooms.contains(room))
        return;
    m_entries[row].rooms.append(room);
    m_entries[row].rooms.sort();
    changed(row);
}

void SidListModel::removeRoom(const QString &sid, const QString &room, const QString &nsp)
{
    const int row = indexOf(sid, nsp);
    if (row < 0 || !m_entries[row].rooms.removeOne(room))
        return;
    changed(row);
}

void SidListModel::clear()
{
    if (m_entries.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_entries.size()) - 1);
    m_entries.clear();
    endRemoveRows();
    Q_EMIT countChanged();
}

void SidListModel::changed(int row)
{
    const QModelIndex idx = index(row);
    Q_EMIT dataChanged(idx, idx);
}
