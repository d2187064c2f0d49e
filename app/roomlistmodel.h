// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QtCore/QAbstractListModel>
#include <QtQml/QQmlEngine>

namespace Confab::App {

//! \brief The rooms a host has, sorted by name: members, unread count, whether we are in it.
//!
//! Any peer can create rooms (a `join` each), so the list forgets a room as soon as it is empty
//! and we are not in it: a room whose count drops to 0 (a `room` update, or our leaving) goes.
//! The rooms of a `welcome` stay even when empty (the host lists those with history, and bounds
//! that list). Rows are kept in a strict order (case-insensitive, then case-sensitive), so a
//! lookup by name is a binary search: O(log n) compares and no index to keep in step, where a
//! scan made a flood of `room` updates quadratic.
class RoomListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Rooms come from RoomState.rooms")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Roles {
        NameRole = Qt::UserRole + 1,
        MembersRole,
        UnreadRole,
        JoinedRole,
        CurrentRole,
    };
    Q_ENUM(Roles)

    struct Room
    {
        QString name;
        int members = 0;
        int unread = 0;
        bool joined = false;
    };

    explicit RoomListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rooms.size()); }

    //! The row of \a name, or -1.
    int indexOf(const QString &name) const;
    Room room(const QString &name) const;

    //! \brief Adds the rooms of a welcome and updates the counts of those already listed.
    void addRooms(const QList<Confab::Client::ChatRoomSummary> &rooms);
    //! \brief Adds \a name if missing; returns its row.
    int ensure(const QString &name);
    //! \brief Sets the member count of \a name; 0 forgets a room we are not in.
    void setMembers(const QString &name, int members);
    //! \brief Marks \a name as joined or left; leaving a room with no members forgets it.
    void setJoined(const QString &name, bool joined);
    void addUnread(const QString &name, int count = 1);
    void clearUnread(const QString &name);
    //! \brief Marks \a name as the room on screen (CurrentRole).
    void setCurrent(const QString &name);
    void clear();

Q_SIGNALS:
    void countChanged();

private:
    void changed(int row, const QList<int> &roles);
    //! Removes \a row when its room is empty and not joined; true when it did.
    bool forgetIfEmpty(int row);
    //! Where \a name is or would go in m_rooms.
    QList<Room>::const_iterator lowerBound(const QString &name) const;

    QList<Room> m_rooms; //!< sorted by lessThan() of the .cpp
    QString m_current;
};

} // namespace Confab::App
