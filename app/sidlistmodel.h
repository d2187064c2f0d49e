// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QAbstractListModel>
#include <QtCore/QDateTime>
#include <QtQml/QQmlEngine>

namespace Confab::App {

//! \brief Connected Socket.IO sids: who they are, from where, over what, in which rooms.
//!
//! When hosting it mirrors the SocketIoServer across every namespace; when joined it mirrors
//! the host's `who` answer. Rows are keyed by (namespace, sid) and updated in place; a hash
//! finds a key's row without a scan.
class SidListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Sids come from Controller.sids")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Roles {
        SidRole = Qt::UserRole + 1,
        NamespaceRole,
        NameRole,
        AddressRole,
        TransportRole,
        RoomsRole,
        RoomsTextRole,
        SinceRole,
        SinceTextRole,
        OwnRole,
    };
    Q_ENUM(Roles)

    struct Entry
    {
        QString sid;
        QString nsp = QStringLiteral("/");
        QString name;
        QString address;
        QString transport;
        QStringList rooms;
        QDateTime since;
        bool operator==(const Entry &other) const = default;
    };

    explicit SidListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_entries.size()); }

    int indexOf(const QString &sid, const QString &nsp = QStringLiteral("/")) const;
    Entry entry(int row) const { return m_entries.at(row); }
    QList<Entry> entries() const { return m_entries; }

    //! \brief The sid that is us (OwnRole).
    void setOwnSid(const QString &sid);
    //! \brief Adds \a entry, or updates the row with its sid and namespace.
    void upsert(const Entry &entry);
    bool remove(const QString &sid, const QString &nsp = QStringLiteral("/"));
    //! \brief Makes the list equal to \a entries with inserts, updates and removals (no reset).
    void replaceAll(const QList<Entry> &entries);
    void setName(const QString &sid, const QString &name, const QString &nsp = QStringLiteral("/"));
    void setRooms(const QString &sid, const QStringList &rooms,
                  const QString &nsp = QStringLiteral("/"));
    void setTransport(const QString &sid, const QString &transport,
                      const QString &nsp = QStringLiteral("/"));
    void addRoom(const QString &sid, const QString &room, const QString &nsp = QStringLiteral("/"));
    void removeRoom(const QString &sid, const QString &room,
                    const QString &nsp = QStringLiteral("/"));
    void clear();

Q_SIGNALS:
    void countChanged();

private:
    void changed(int row);
    static QString key(const QString &sid, const QString &nsp) { return nsp + u'\n' + sid; }
    //! Removes rows \a first to \a last and renumbers the rows after them.
    void removeEntries(int first, int last);

    QList<Entry> m_entries;
    QHash<QString, int> m_rows; //!< key() → row, kept in step with m_entries
    QString m_ownSid;
};

} // namespace Confab::App
