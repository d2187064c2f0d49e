// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QAbstractEventDispatcher>
#include <QtCore/QHash>

#include <chrono>
#include <map>

namespace Confab {

//! \brief An event dispatcher on Linux epoll, for the GUI-free host's main thread.
//!
//! Qt's dispatchers (glib's and its own) hand the kernel the whole list of watched sockets
//! on every pass through the event loop, and walk it again afterwards: O(connections) per
//! pass. A host holding 10,000 idle clients makes thousands of passes a second just to answer
//! their pings, and spent most of its idle CPU there. epoll keeps the list in the kernel and
//! reports only the ready sockets.
//!
//! Install it before QCoreApplication exists (QCoreApplication::setEventDispatcher()). Level
//! triggered, like Qt's own: a notifier that does not read its socket is activated again.
//! Timers are kept ordered by deadline; all timer types are treated as precise to the
//! millisecond (the host has one timer wheel and a few connection timers).
class EpollEventDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    //! \brief Whether the kernel gave us epoll and an eventfd; if not, do not install it.
    bool isValid() const { return m_epoll >= 0 && m_wakeUp >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    using Clock = std::chrono::steady_clock;
    struct Timer
    {
        qint64 interval;
        Qt::TimerType type;
        QObject *object;
        Clock::time_point deadline;
    };
    struct Watch
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 events() const;
    };

    void updateWatch(int fd, const Watch &watch, bool existed);
    //! Milliseconds until the next timer is due (0 if one is), or -1 without timers.
    int nextTimeout() const;
    bool activateTimers();
    void eraseDeadline(Clock::time_point deadline, int timerId);
    bool dispatchSockets(int timeoutMs, bool socketsAllowed);

    int m_epoll = -1;
    int m_wakeUp = -1; //!< eventfd written by wakeUp() from any thread
    QAtomicInt m_interrupted = 0;
    QAtomicInt m_wakeUpPending = 0;
    QHash<int, Watch> m_watches;
    QHash<int, Timer> m_timers;
    std::multimap<Clock::time_point, int> m_deadlines;
};

} // namespace Confab
