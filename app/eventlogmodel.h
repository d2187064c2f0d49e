// SPDX-License-Identifier: MIT
#pragma once

#include "framebatch.h"

#include <QtCore/QAbstractListModel>
#include <QtCore/QDateTime>
#include <QtCore/QSet>
#include <QtCore/QSortFilterProxyModel>
#include <QtQml/QQmlEngine>

#include <chrono>

namespace Confab::App {

//! \brief The inspector's log: every Socket.IO event in and out of the app's connection, and
//! the acks of the inspector's own emits, newest last.
//!
//! Bounded: past maxEntries the oldest rows are removed, and each row keeps at most
//! MaxArgsLength characters of its arguments (the rest is summarised), so that a server
//! sending megabyte events cannot make the log hold gigabytes.
//!
//! It logs every event of a busy room: with a batch interval (setBatchInterval(), the app
//! uses about a frame) append() queues and each batch is one row insertion and one trim.
class EventLogModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The log comes from Inspector.eventLog")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Roles {
        TimeRole = Qt::UserRole + 1,
        TimeTextRole,
        DirectionRole,
        NamespaceRole,
        EventRole,
        ArgsRole, //!< the arguments as compact JSON
    };
    Q_ENUM(Roles)

    enum Direction {
        Incoming,
        Outgoing,
        AckReply, //!< the answer to an emit that asked for one
    };
    Q_ENUM(Direction)

    //! The longest arguments text a row keeps.
    static constexpr qsizetype MaxArgsLength = 4096;
    //! The longest event name or namespace a row keeps.
    static constexpr qsizetype MaxNameLength = 256;

    struct Entry
    {
        QDateTime time; //!< UTC
        Direction direction = Incoming;
        QString nsp;
        QString event;
        QString args;
    };

    explicit EventLogModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_entries.size()); }
    Entry entry(int row) const;
    //! Entries appended but not yet rows.
    int queuedCount() const { return int(m_batch.size()); }

    int maxEntries() const { return m_maxEntries; }
    void setMaxEntries(int max);

    void append(Direction direction, const QString &nsp, const QString &event,
                const QVariantList &args);
    //! \brief Makes append() queue for up to \a interval; zero (the default) appends at once.
    void setBatchInterval(std::chrono::milliseconds interval);
    //! \brief Inserts the queued entries now, as one block.
    void flush();
    Q_INVOKABLE void clear();

    //! \brief Arguments as compact JSON; binary leaves show as {"<binary>": size}.
    static QString toJson(const QVariantList &args);
    //! \brief \a text with its invisible characters written as JSON escapes ("\\u202e"):
    //! format characters (bidi overrides and isolates, zero-width ones), C1 controls and line
    //! separators. The inspector shows what a server sent; a U+202E in an argument would
    //! otherwise reverse the rest of its line, and a zero-width space hide a difference.
    static QString escapeInvisible(const QString &text);
    //! \brief \a text cut to \a max characters (never inside a surrogate pair), saying how
    //! many are left out.
    static QString bounded(const QString &text, qsizetype max);

Q_SIGNALS:
    void countChanged();

private:
    //! What a row keeps: the arguments as UTF-8 (half the size of a QString's UTF-16, and
    //! JSON is mostly ASCII), names shared with the rows before (see intern()).
    struct Row
    {
        qint64 msecs = 0; //!< since the epoch, UTC
        Direction direction = Incoming;
        QString nsp;
        QString event;
        QByteArray args;
    };

    void trim();
    void insert(QList<Row> rows);
    //! \a name as a string the log holds already, when it has one: a busy room logs the
    //! same few event names thousands of times.
    QString intern(const QString &name);

    QList<Row> m_entries;
    //! Appended, waiting for the batch to end; never more than m_maxEntries.
    FrameBatch<Row> m_batch{this, [this] { flush(); }};
    //! The names intern() shares, at most MaxInterned (then names are kept as they come).
    QSet<QString> m_names;
    static constexpr qsizetype MaxInterned = 256;
    int m_maxEntries = 5000;
};

//! \brief The inspector's filter over an EventLogModel: rows whose event name, namespace or
//! arguments contain filterText (case-insensitive).
class EventLogFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The log comes from Inspector.eventLog")
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    explicit EventLogFilterModel(EventLogModel *source, QObject *parent = nullptr);

    QString filterText() const { return m_filterText; }
    void setFilterText(const QString &text);
    int count() const { return rowCount(); }
    EventLogModel *log() const { return m_log; }
    Q_INVOKABLE void clear() { m_log->clear(); }

Q_SIGNALS:
    void filterTextChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    EventLogModel *m_log;
    QString m_filterText;
};

} // namespace Confab::App
