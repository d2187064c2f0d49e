// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QTimer>

#include <chrono>
#include <functional>
#include <vector>

namespace Confab {

class TimerWheel;

namespace Detail {
//! Links of an intrusive circular list; a wheel slot's head is one, so is each timer.
struct WheelNode
{
    WheelNode *next = nullptr;
    WheelNode *prev = nullptr;
};
} // namespace Detail

//! \brief A one-shot timeout kept on a TimerWheel; not a QObject, O(1) to start and stop.
//!
//! Meant to be a member of the object it serves (a session). It stops itself when destroyed,
//! so a pending timeout never reaches a deleted owner. Restarting it (start() again) just
//! moves it to another slot of the wheel: no system timer is registered or unregistered.
class WheelTimer : private Detail::WheelNode
{
public:
    WheelTimer() = default;
    WheelTimer(TimerWheel *wheel, std::function<void()> callback)
        : m_wheel(wheel)
        , m_callback(std::move(callback))
    { }
    ~WheelTimer() { stop(); }
    Q_DISABLE_COPY_MOVE(WheelTimer)

    //! \brief Binds the timer; only while it is stopped.
    void setWheel(TimerWheel *wheel)
    {
        Q_ASSERT(!isActive());
        m_wheel = wheel;
    }
    void setCallback(std::function<void()> callback) { m_callback = std::move(callback); }

    //! \brief (Re)starts the timer: the callback runs once, \a timeout from now or a little
    //! later (at most one tick of the wheel), never earlier, and never inside start().
    void start(std::chrono::milliseconds timeout);
    //! \brief Restarts the timer \a timeout after the deadline it last fired for (not after
    //! now), so that chained timeouts (ping, then pong deadline) do not add up lateness.
    void startAfterDeadline(std::chrono::milliseconds timeout);
    void stop();
    bool isActive() const { return next != nullptr; }

private:
    // A timer and its wheel are one intrusive data structure: the wheel links the timer into
    // its slots and runs its callback; nothing else may see those links.
    friend class TimerWheel;
    TimerWheel *m_wheel = nullptr;
    std::function<void()> m_callback;
    qint64 m_dueTick = 0;
};

//! \brief Drives any number of WheelTimers from one QTimer (a hashed timing wheel).
//!
//! A server with thousands of sessions keeps a heartbeat deadline per session. As QTimers,
//! every restart is a linear walk of Qt's per-thread timer list; here a restart is a few
//! pointer moves. The price is precision: timeouts fire on the wheel's tick (default 10 ms)
//! after they are due. The QTimer runs only while some WheelTimer is active.
class TimerWheel : public QObject
{
    Q_OBJECT
public:
    explicit TimerWheel(std::chrono::milliseconds tick = std::chrono::milliseconds(10),
                        QObject *parent = nullptr);
    ~TimerWheel() override;

    std::chrono::milliseconds tick() const { return m_tick; }
    //! \brief Only while no timer is active.
    void setTick(std::chrono::milliseconds tick);
    //! \brief Timers currently waiting.
    int activeCount() const { return m_active; }
    //! \brief Whether the wheel's own QTimer runs (only while some timer is active).
    bool isTicking() const { return m_timer.isActive(); }

private:
    // The other half of the pair above: start() and stop() of a timer insert and remove it.
    friend class WheelTimer;
    static constexpr int SlotCount = 512; // a power of two

    //! \a from: milliseconds on m_clock the timeout counts from; -1 for now.
    void insert(WheelTimer *timer, std::chrono::milliseconds timeout, qint64 from = -1);
    void remove(WheelTimer *timer);
    void link(WheelTimer *timer);
    static void unlink(Detail::WheelNode *node);
    void advance();
    qint64 currentTick() const { return m_clock.elapsed() / m_tick.count(); }

    std::chrono::milliseconds m_tick;
    QElapsedTimer m_clock;
    QTimer m_timer;
    std::vector<Detail::WheelNode> m_slots; // list heads
    qint64 m_processedTick = 0; //!< every slot up to this tick has fired
    int m_active = 0;
};

} // namespace Confab
