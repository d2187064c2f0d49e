// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QVariantMap>

#include <functional>

namespace Confab {

//! \brief One chat message as stored and as sent to clients.
struct ChatMessage
{
    qint64 id = 0; //!< per-room sequence number: grows by one with every message of the room
    QString room;
    QString sid;
    QString name;
    QString text;
    qint64 ts = 0; //!< ms since the epoch, UTC
    QString clientId; //!< the client's own id for retries, or empty
    //! A hash of the sender's install id (see ChatService), or empty; never sent to clients.
    QString author;

    //! {"id","room","sid","name","text","ts","clientId"}; clientId null when empty.
    QVariantMap toVariant() const;
    bool operator==(const ChatMessage &other) const = default;
};

//! \brief Rooms and messages in SQLite (WAL), with grouped commits.
//!
//! append() queues a message; everything queued during one pass of the event loop is written
//! in one transaction, and each callback runs only after that transaction committed, so a
//! message acknowledged from a callback survives a crash of the process at any moment.
//! Reads see only committed messages.
class ChatStore : public QObject
{
    Q_OBJECT
public:
    //! Schema version written to PRAGMA user_version; open() migrates older files.
    static constexpr int SchemaVersion = 2;

    explicit ChatStore(QObject *parent = nullptr);
    ~ChatStore() override;

    //! \brief Opens \a location: a folder (the file confab.sqlite in it is created when
    //! missing) or ":memory:" for a store that keeps nothing.
    bool open(const QString &location);
    bool isOpen() const;
    QString errorString() const { return m_error; }
    //! \brief The database file, or ":memory:".
    QString databasePath() const { return m_path; }

    //! \param stored the message with its id and ts; for a duplicate (same room, name and
    //! clientId as an earlier one) the earlier message.
    //! \param error empty on success.
    using AppendCallback
            = std::function<void(const ChatMessage &stored, bool duplicate, const QString &error)>;
    //! \brief Stores \a draft (room, sid, name, text, clientId; id and ts are assigned).
    void append(const ChatMessage &draft, AppendCallback done);
    //! \brief Commits what is queued now instead of at the end of this event-loop pass.
    void flush();

    //! \brief Up to \a limit messages of \a room with ids below \a before (all when
    //! \a before is 0), oldest first.
    QList<ChatMessage> history(const QString &room, qint64 before, int limit) const;
    //! \brief Every room that has messages, by name.
    QStringList rooms() const;
    qint64 messageCount() const;
    //! \brief Commits grouped so far (for the benchmark notes).
    quint64 commitCount() const { return m_commits; }

private:
    struct Pending
    {
        ChatMessage draft;
        AppendCallback done;
    };
    bool migrate();
    qint64 lastId(const QString &room);

    QString m_connection;
    QString m_path;
    QString m_error;
    QList<Pending> m_pending;
    bool m_flushScheduled = false;
    QHash<QString, qint64> m_lastIds;
    quint64 m_commits = 0;
};

} // namespace Confab
