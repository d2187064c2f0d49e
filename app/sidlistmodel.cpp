// SPDX-License-Identifier: MIT
#include "sidlistmodel.h"

#include <QtCore/QLocale>
#include <QtCore/QSet>

namespace Confab::App {

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
    return m_rows.value(key(sid, nsp), -1);
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
    m_rows.insert(key(entry.sid, entry.nsp), end);
    endInsertRows();
    Q_EMIT countChanged();
}

bool SidListModel::remove(const QString &sid, const QString &nsp)
{
    const int row = indexOf(sid, nsp);
    if (row < 0)
        return false;
    removeEntries(row, row);
    Q_EMIT countChanged();
    return true;
}

void SidListModel::removeEntries(int first, int last)
{
    beginRemoveRows({}, first, last);
    for (int row = first; row <= last; ++row)
        m_rows.remove(key(m_entries.at(row).sid, m_entries.at(row).nsp));
    m_entries.remove(first, last - first + 1);
    // The rows below move up; sids are few (the host caps sessions), so one pass is cheap.
    const int removed = last - first + 1;
    for (auto it = m_rows.begin(); it != m_rows.end(); ++it) {
        if (*it > last)
            *it -= removed;
    }
    endRemoveRows();
}

void SidListModel::replaceAll(const QList<Entry> &entries)
{
    QSet<QString> keep;
    for (const Entry &entry : entries)
        keep.insert(key(entry.sid, entry.nsp));
    // Runs of rows that went, from the end, each one removal.
    const int before = int(m_entries.size());
    for (int last = before - 1; last >= 0; --last) {
        if (keep.contains(key(m_entries.at(last).sid, m_entries.at(last).nsp)))
            continue;
        int first = last;
        while (first > 0
               && !keep.contains(key(m_entries.at(first - 1).sid, m_entries.at(first - 1).nsp)))
            --first;
        removeEntries(first, last);
        last = first;
    }
    if (m_entries.size() != before)
        Q_EMIT countChanged();
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
    m_rows.clear();
    endRemoveRows();
    Q_EMIT countChanged();
}

void SidListModel::changed(int row)
{
    const QModelIndex idx = index(row);
    Q_EMIT dataChanged(idx, idx);
}

} // namespace Confab::App
