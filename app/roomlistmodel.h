// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"

#include <QtCore/QAbstractListModel>
#include <QtQml/QQmlEngine>

//! \brief The rooms a host has, sorted by name: members, unread count, whether we are in it.
class RoomListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Rooms come from AppController.rooms")
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
    void setMembers(const QString &name, int members);
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

    QList<Room> m_rooms;
    QString m_current;
};
