// SPDX-License-Identifier: MIT
// Private to ChatStore: the SQLite store, and its writer on a thread of its own.
#pragma once

#include "chatstorebackend_p.h"
#include "sqlitestatement_p.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QThread>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace Confab {

//! \brief What an append's callback gets, once its group committed (or failed).
struct SqliteOutcome
{
    ChatMessage message;
    bool duplicate = false;
    QString error;
    ChatStore::AppendCallback done;
};

//! \brief What the store's thread and the writer share, under one mutex: a plain queue, not
//! one event per group, so that whatever arrives while a commit and its fsync run forms the
//! next group.
struct SqliteWriteQueue
{
    std::mutex mutex; //!< guards everything below
    std::condition_variable processedChanged; //!< flush() waits for the writer
    QList<ChatStore::Pending> pending; //!< submitted, not yet taken by the writer
    QList<SqliteOutcome> outcomes; //!< written, not yet delivered
    quint64 submitted = 0;
    quint64 processed = 0;
    qint64 sizeLimit = 0;
    bool sizeLimitPending = false;
    bool drainPosted = false; //!< a drain() is queued on the writer
};

//! \brief The writing connection, on the store's QThread: one transaction per group.
//!
//! Opened (and migrated) on the store's thread, then moved to the writer thread; from then on
//! only that thread touches the connection.
class SqliteChatStoreWriter final : public QObject
{
    Q_OBJECT
public:
    explicit SqliteChatStoreWriter(SqliteWriteQueue &queue);
    ~SqliteChatStoreWriter() override;

    bool open(const QString &path, QString *error);
    //! Applies a pending size limit, then writes everything queued as one group.
    void drain();
    quint64 commitCount() const { return m_commits.load(); }

Q_SIGNALS:
    //! Outcomes arrived in an empty SqliteWriteQueue::outcomes: they await delivery.
    void committed();

private:
    void applySizeLimit(qint64 bytes);
    qint64 lastId(const QString &room);
    QList<SqliteOutcome> write(QList<ChatStore::Pending> group);

    struct Statements
    {
        Sqlite::Statement findDuplicate, insertRoom, lastId, insertMessage, updateRoom, begin,
                commit;
    };

    SqliteWriteQueue &m_queue;
    sqlite3 *m_db = nullptr;
    std::unique_ptr<Statements> m_w;
    QHash<QString, qint64> m_lastIds; //!< each room's last id, as committed
    std::atomic<quint64> m_commits{0};
};

//! \brief The SQLite store: reads on the store's thread, writes on the writer's.
//!
//! A QObject on the store's thread, and the receiver of the writer's committed(): a delivery
//! queued for a store that open() replaced dies with it instead of reaching a freed backend.
class SqliteChatStore final : public QObject, public ChatStoreBackend
{
    Q_OBJECT
public:
    SqliteChatStore();
    //! Writes what is still queued (without running its callbacks), then stops the writer.
    ~SqliteChatStore() override;

    bool open(const QString &path, QString *error);

    void submit(QList<ChatStore::Pending> group) override;
    void flush() override;
    QList<ChatMessage> history(const QString &room, qint64 before, int limit) override;
    QList<ChatMessage> historyAfter(const QString &room, qint64 after, int limit) override;
    QStringList rooms(int limit) override;
    qint64 messageCount() override;
    quint64 commitCount() const override { return m_writer->commitCount(); }
    bool setSizeLimit(qint64 bytes) override;

private:
    //! On the store's thread: runs the callbacks of every written group, in order.
    void deliver();
    //! With m_queue.mutex held: whether the caller must queue a drain() on the writer.
    bool claimDrain();
    void postDrain();

    struct Statements
    {
        Sqlite::Statement history, historyAfter, rooms, count;
    };

    SqliteWriteQueue m_queue;
    QThread m_thread;
    std::unique_ptr<SqliteChatStoreWriter> m_writer;
    sqlite3 *m_reader = nullptr; //!< the store's thread's
    std::unique_ptr<Statements> m_r;
};

} // namespace Confab
