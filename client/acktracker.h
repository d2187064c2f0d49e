// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QVariant>

#include <chrono>
#include <functional>
#include <map>
#include <memory>

class QTimer;

namespace Confab::Client {

//! \brief How an emit that asked for an acknowledgement ended.
enum class AckStatus {
    Acknowledged, //!< the peer answered; AckResult::args holds its reply
    TimedOut, //!< no answer within the timeout
    Disconnected, //!< the connection was lost after the emit was sent
    NotSent, //!< the emit never left: namespace refused, closed, or the buffer was full
};

//! \brief The outcome handed to an ack callback.
struct AckResult
{
    AckStatus status = AckStatus::NotSent;
    QVariantList args;
    bool ok() const { return status == AckStatus::Acknowledged; }
};

//! \brief Bookkeeping for emits that wait for an acknowledgement.
//!
//! Ids are numbered from 0 (like the JavaScript client; 0 is a valid id on the wire). Each
//! entry holds its callback, the context object that must still exist for the callback to
//! run, and an optional timeout. A callback runs at most once, and never after the tracker is
//! destroyed: destroying it drops every pending callback silently.
class AckTracker : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const AckResult &)>;

    explicit AckTracker(QObject *parent = nullptr);
    ~AckTracker() override;

    //! Registers a pending ack; \a timeout of zero or less waits forever. Returns its id.
    qint64 add(const QString &nsp, const QObject *context, Callback callback,
               std::chrono::milliseconds timeout = std::chrono::milliseconds::zero());
    //! Marks the emit as sent on the wire (only sent emits fail on disconnection).
    void markSent(qint64 id);
    //! Delivers a reply. False when no ack with that id is pending for \a nsp (unknown or late).
    bool resolve(const QString &nsp, qint64 id, const QVariantList &args);
    //! Fails one pending ack with \a status.
    void fail(qint64 id, AckStatus status);
    //! Like fail(), but the callback runs from the event loop, never inside the caller.
    void failLater(qint64 id, AckStatus status);
    //! Fails every ack of \a nsp (every namespace when empty) with \a status; with \a sentOnly,
    //! acks whose emit is still waiting in the offline buffer are kept.
    void failAll(const QString &nsp, AckStatus status, bool sentOnly);
    //! Forgets every pending ack without running callbacks.
    void clear();

    bool contains(qint64 id) const { return m_pending.count(id) > 0; }
    int pendingCount() const { return int(m_pending.size()); }
    //! The id the next add() returns.
    qint64 nextId() const { return m_nextId; }

private:
    struct Pending
    {
        QString nsp;
        QPointer<const QObject> context;
        bool hasContext = false;
        Callback callback;
        std::unique_ptr<QTimer> timer;
        bool sent = false;
    };
    void finish(qint64 id, AckResult result);
    static void retireTimer(Pending &entry);
    static void invoke(Pending &entry, const AckResult &result);

    std::map<qint64, Pending> m_pending;
    qint64 m_nextId = 0;
};

} // namespace Confab::Client

Q_DECLARE_METATYPE(Confab::Client::AckResult)
