// SPDX-License-Identifier: MIT
#include "epolleventdispatcher.h"

#include "serverlogging.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QSocketNotifier>
#include <QtCore/QVarLengthArray>

#include <cerrno>
#include <cstring>
#include <limits>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace Confab {

namespace {

using Milliseconds = std::chrono::milliseconds;

// Events that activate each kind of notifier; the same split as Qt's poll() dispatcher.
constexpr quint32 ReadEvents = EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP;
constexpr quint32 WriteEvents = EPOLLOUT | EPOLLERR;
constexpr quint32 ExceptionEvents = EPOLLPRI;

} // namespace

quint32 EpollEventDispatcher::Watch::events() const
{
    quint32 events = 0;
    if (read)
        events |= EPOLLIN | EPOLLRDHUP;
    if (write)
        events |= EPOLLOUT;
    if (exception)
        events |= EPOLLPRI;
    return events;
}

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(epoll_create1(EPOLL_CLOEXEC))
    , m_wakeUp(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
{
    if (m_epoll < 0 || m_wakeUp < 0) {
        qCWarning(lcServer) << "epoll is not available:" << strerror(errno);
        return;
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_wakeUp;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeUp, &event);
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (m_wakeUp >= 0)
        ::close(m_wakeUp);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.storeRelaxed(0);
    Q_EMIT awake();
    // Posted events first, as Qt's dispatchers do. Whatever is posted from here on calls
    // wakeUp() again, which makes epoll_wait() below return at once.
    m_wakeUpPending.storeRelease(0);
    QCoreApplication::sendPostedEvents();
    if (m_interrupted.loadRelaxed())
        return false;

    const bool wait = flags.testFlag(QEventLoop::WaitForMoreEvents);
    const int timeout = wait ? nextTimeout() : 0;
    if (wait && timeout != 0)
        Q_EMIT aboutToBlock();
    bool handled = dispatchSockets(timeout, !flags.testFlag(QEventLoop::ExcludeSocketNotifiers));
    if (m_interrupted.loadRelaxed())
        return handled;
    handled |= activateTimers();
    return handled;
}

bool EpollEventDispatcher::dispatchSockets(int timeoutMs, bool socketsAllowed)
{
    epoll_event events[256];
    const int count = epoll_wait(m_epoll, events, 256, timeoutMs);
    if (count < 0) {
        if (errno != EINTR)
            qCWarning(lcServer) << "epoll_wait failed:" << strerror(errno);
        return false;
    }
    bool handled = false;
    for (int i = 0; i < count; ++i) {
        const int fd = events[i].data.fd;
        const quint32 ready = events[i].events;
        if (fd == m_wakeUp) {
            eventfd_t value;
            eventfd_read(m_wakeUp, &value);
            continue;
        }
        if (!socketsAllowed)
            continue;
        // Looked up again before each delivery: a handler may remove or replace notifiers.
        const auto deliver = [this, fd, &handled](QSocketNotifier *Watch::*kind) {
            const auto it = m_watches.constFind(fd);
            if (it == m_watches.cend() || !((*it).*kind))
                return;
            QEvent event(QEvent::SockAct);
            QCoreApplication::sendEvent((*it).*kind, &event);
            handled = true;
        };
        if (ready & ReadEvents)
            deliver(&Watch::read);
        if (ready & WriteEvents)
            deliver(&Watch::write);
        if (ready & ExceptionEvents)
            deliver(&Watch::exception);
    }
    return handled;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const bool existed = m_watches.contains(fd);
    Watch &watch = m_watches[fd];
    QSocketNotifier **slot = notifier->type() == QSocketNotifier::Read ? &watch.read
            : notifier->type() == QSocketNotifier::Write               ? &watch.write
                                                                       : &watch.exception;
    if (*slot && *slot != notifier)
        qCWarning(lcServer) << "two notifiers of one type on socket" << fd;
    *slot = notifier;
    updateWatch(fd, watch, existed);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    for (QSocketNotifier **slot : {&it->read, &it->write, &it->exception}) {
        if (*slot == notifier)
            *slot = nullptr;
    }
    if (it->events() == 0) {
        // Fails harmlessly if the descriptor is already closed (the kernel dropped it).
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        m_watches.erase(it);
        return;
    }
    updateWatch(fd, *it, true);
}

void EpollEventDispatcher::updateWatch(int fd, const Watch &watch, bool existed)
{
    epoll_event event{};
    event.events = watch.events();
    event.data.fd = fd;
    int rc = epoll_ctl(m_epoll, existed ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
    if (rc < 0 && errno == EEXIST)
        rc = epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
    else if (rc < 0 && errno == ENOENT)
        rc = epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
    if (rc < 0)
        qCWarning(lcServer) << "cannot watch socket" << fd << strerror(errno);
}

// ---------------------------------------------------------------------------------------
// Timers
// ---------------------------------------------------------------------------------------

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    unregisterTimer(timerId);
    const Clock::time_point deadline = Clock::now() + Milliseconds(interval);
    m_timers.insert(timerId, {interval, timerType, object, deadline});
    m_deadlines.emplace(deadline, timerId);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    eraseDeadline(it->deadline, timerId);
    m_timers.erase(it);
    return true;
}

void EpollEventDispatcher::eraseDeadline(Clock::time_point deadline, int timerId)
{
    auto [first, last] = m_deadlines.equal_range(deadline);
    for (; first != last; ++first) {
        if (first->second == timerId) {
            m_deadlines.erase(first);
            return;
        }
    }
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    QVarLengthArray<int, 8> ids;
    for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
        if (it->object == object)
            ids.append(it.key());
    }
    for (int id : ids)
        unregisterTimer(id);
    return !ids.isEmpty();
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> timers;
    for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
        if (it->object == object)
            timers.append(TimerInfo(it.key(), int(it->interval), it->type));
    }
    return timers;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = m_timers.constFind(timerId);
    if (it == m_timers.cend())
        return -1;
    const auto left = std::chrono::ceil<Milliseconds>(it->deadline - Clock::now());
    return int(qMax<qint64>(0, left.count()));
}

int EpollEventDispatcher::nextTimeout() const
{
    if (m_deadlines.empty())
        return -1;
    const auto left = std::chrono::ceil<Milliseconds>(m_deadlines.begin()->first - Clock::now());
    return int(qBound(qint64(0), qint64(left.count()), qint64(std::numeric_limits<int>::max())));
}

bool EpollEventDispatcher::activateTimers()
{
    const Clock::time_point now = Clock::now();
    // Collected first: handlers start and stop timers, including their own.
    QVarLengthArray<int, 16> due;
    for (auto it = m_deadlines.cbegin(); it != m_deadlines.cend() && it->first <= now; ++it)
        due.append(it->second);
    bool handled = false;
    for (int id : due) {
        const auto it = m_timers.find(id);
        if (it == m_timers.end() || it->deadline > now)
            continue; // stopped, or restarted, by an earlier handler
        // Rescheduled before delivery, as Qt does: the handler may stop or restart it.
        const Clock::time_point previous = it->deadline;
        Clock::time_point next = previous + Milliseconds(it->interval);
        if (next <= now)
            next = now + Milliseconds(it->interval); // late: no burst of catch-up events
        eraseDeadline(previous, id);
        it->deadline = next;
        m_deadlines.emplace(next, id);
        QObject *object = it->object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        handled = true;
    }
    return handled;
}

// ---------------------------------------------------------------------------------------
// Waking up
// ---------------------------------------------------------------------------------------

void EpollEventDispatcher::wakeUp()
{
    // From any thread, and on every postEvent(): only the first since the loop last
    // looked at its posted events writes to the eventfd.
    if (m_wakeUpPending.testAndSetAcquire(0, 1))
        eventfd_write(m_wakeUp, 1);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.storeRelaxed(1);
    wakeUp();
}

} // namespace Confab
