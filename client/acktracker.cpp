// SPDX-License-Identifier: MIT
#include "acktracker.h"

#include "clientlogging.h"

#include <QtCore/QTimer>

namespace Confab::Client {

AckTracker::AckTracker(QObject *parent)
    : QObject(parent)
{ }

AckTracker::~AckTracker()
{
    // Dropped silently: a callback must never run during or after its owner's destruction.
    clear();
}

qint64 AckTracker::add(const QString &nsp, const QObject *context, Callback callback,
                       std::chrono::milliseconds timeout)
{
    const qint64 id = m_nextId++;
    Pending entry;
    entry.nsp = nsp;
    entry.context = context;
    entry.hasContext = context != nullptr;
    entry.callback = std::move(callback);
    if (timeout.count() > 0) {
        entry.timer = std::make_unique<QTimer>();
        entry.timer->setSingleShot(true);
        entry.timer->setTimerType(Qt::PreciseTimer);
        connect(entry.timer.get(), &QTimer::timeout, this, [this, id] {
            qCDebug(lcClient) << "ack" << id << "timed out";
            finish(id, {AckStatus::TimedOut, {}});
        });
        entry.timer->start(timeout);
    }
    m_pending.emplace(id, std::move(entry));
    return id;
}

void AckTracker::markSent(qint64 id)
{
    if (auto it = m_pending.find(id); it != m_pending.end())
        it->second.sent = true;
}

bool AckTracker::resolve(const QString &nsp, qint64 id, const QVariantList &args)
{
    auto it = m_pending.find(id);
    if (it == m_pending.end() || it->second.nsp != nsp)
        return false;
    finish(id, {AckStatus::Acknowledged, args});
    return true;
}

void AckTracker::fail(qint64 id, AckStatus status)
{
    finish(id, {status, {}});
}

void AckTracker::failLater(qint64 id, AckStatus status)
{
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    auto entry = std::make_shared<Pending>(std::move(it->second));
    m_pending.erase(it);
    retireTimer(*entry);
    // The tracker is the context: destroying it drops the call, as it drops every callback.
    QTimer::singleShot(0, this, [entry, status] { invoke(*entry, {status, {}}); });
}

void AckTracker::failAll(const QString &nsp, AckStatus status, bool sentOnly)
{
    // Collect first: a callback may add, resolve or fail acks, or destroy this tracker.
    std::vector<Pending> failed;
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if ((nsp.isEmpty() || it->second.nsp == nsp) && (!sentOnly || it->second.sent)) {
            failed.push_back(std::move(it->second));
            it = m_pending.erase(it);
        } else {
            ++it;
        }
    }
    QPointer<AckTracker> self(this);
    for (Pending &entry : failed) {
        if (!self)
            return;
        retireTimer(entry);
        invoke(entry, {status, {}});
    }
}

void AckTracker::clear()
{
    m_pending.clear();
}

void AckTracker::finish(qint64 id, AckResult result)
{
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    Pending entry = std::move(it->second);
    m_pending.erase(it);
    retireTimer(entry);
    invoke(entry, result);
}

void AckTracker::retireTimer(Pending &entry)
{
    // This may run inside the timer's own timeout signal: delete it later, not now.
    if (entry.timer) {
        entry.timer->stop();
        entry.timer.release()->deleteLater();
    }
}

void AckTracker::invoke(Pending &entry, const AckResult &result)
{
    if (entry.hasContext && !entry.context)
        return; // the receiver is gone
    if (entry.callback)
        entry.callback(result);
}

} // namespace Confab::Client
