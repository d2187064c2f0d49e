// SPDX-License-Identifier: MIT
#pragma once

#include "chatprotocol.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QVariantMap>

#include <functional>
#include <memory>

namespace Confab {

//! \brief One chat message as stored: the message object of the protocol, and who wrote it.
struct ChatMessage : ChatProtocol::Message
{
    //! A hash of the sender's install id (see ChatService), or empty; never sent to clients
    //! (toVariant() is the protocol's).
    QString author;

    bool operator==(const ChatMessage &other) const = default;
};

class ChatStoreBackend;

//! \brief Rooms and messages: in SQLite (WAL) with grouped commits on a writer thread, or
//! in RAM for the session (":memory:").
//!
//! append() queues a message. Everything queued during one pass of the event loop goes to
//! the writer as one group, and what arrives while a commit (and its fsync) runs joins the
//! next group. Each callback runs on the store's thread only after the transaction holding
//! its message committed, so a message acknowledged from a callback survives a crash of the
//! process at any moment; callbacks run in the order of append(). Reads see only committed
//! messages.
//!
//! ":memory:" keeps the same semantics (per-room ids from 1, duplicates by client id,
//! history paging, callbacks after the event-loop pass) without SQLite: nothing outlives
//! the process.
class ChatStore : public QObject
{
    Q_OBJECT
public:
    //! Schema version written to PRAGMA user_version; open() migrates older files.
    static constexpr int SchemaVersion = 3;

    explicit ChatStore(QObject *parent = nullptr);
    //! Commits what is queued, runs its callbacks, then stops the writer.
    ~ChatStore() override;

    //! \brief Opens \a location: a folder (the file confab.sqlite in it is created when
    //! missing) or ":memory:" for a store that keeps messages in RAM for the session only.
    //!
    //! The history is private to the user running the host: the folder is made 0700 (an
    //! existing one is tightened, with a log line) and the database, its WAL and its shared
    //! memory file 0600.
    bool open(const QString &location);
    bool isOpen() const;
    QString errorString() const { return m_error; }
    //! \brief The database file, or ":memory:".
    QString databasePath() const { return m_path; }

    //! \brief Caps the database at about \a bytes (SQLite's max_page_count; in RAM, the
    //! messages' text and fields); appends that would grow it further fail with an error
    //! for which isFullError() is true, and everything stored stays readable. 0: no cap.
    //! Call after open().
    bool setSizeLimit(qint64 bytes);
    //! \brief Whether an append's \a error means the store (or the disk) is full.
    static bool isFullError(const QString &error);

    //! \param stored the message with its id and ts; for a duplicate (same room and clientId
    //! from the same sender as an earlier one) the earlier message. The sender is the author
    //! (the install) when there is one, otherwise the name.
    //! \param error empty on success; otherwise nothing was stored.
    using AppendCallback
            = std::function<void(const ChatMessage &stored, bool duplicate, const QString &error)>;
    //! \brief Stores \a draft (room, sid, name, text, clientId; id and ts are assigned).
    void append(const ChatMessage &draft, AppendCallback done);
    //! \brief Commits what is queued now and runs its callbacks before returning.
    void flush();

    //! \brief Up to \a limit messages of \a room with ids below \a before (all when
    //! \a before is 0), oldest first.
    QList<ChatMessage> history(const QString &room, qint64 before, int limit) const;
    //! \brief Up to \a limit messages of \a room with ids above \a after, oldest first: what
    //! a client that holds \a after has not seen yet (it pages on from the last one).
    QList<ChatMessage> historyAfter(const QString &room, qint64 after, int limit) const;
    //! \brief Rooms that have messages, by name: the first \a limit of them (all when -1).
    QStringList rooms(int limit = -1) const;
    qint64 messageCount() const;
    //! \brief Commits (groups) so far (for the benchmark notes).
    quint64 commitCount() const;

    //! \brief A message waiting for its group, with its callback.
    struct Pending
    {
        ChatMessage draft;
        AppendCallback done;
    };

private:
    void handOver();
    static void makePrivate(const QString &folder, const QString &database, bool existed);

    std::unique_ptr<ChatStoreBackend> m_backend;
    QString m_path;
    QString m_error;
    QList<Pending> m_pending;
    bool m_handOverScheduled = false;
};

} // namespace Confab
