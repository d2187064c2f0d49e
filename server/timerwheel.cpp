// SPDX-License-Identifier: MIT
#include "timerwheel.h"

using namespace std::chrono_literals;

namespace Confab {

using Detail::WheelNode;

void WheelTimer::start(std::chrono::milliseconds timeout)
{
    Q_ASSERT(m_wheel);
    if (m_wheel)
        m_wheel->insert(this, timeout);
}

void WheelTimer::startAfterDeadline(std::chrono::milliseconds timeout)
{
    Q_ASSERT(m_wheel);
    if (m_wheel)
        m_wheel->insert(this, timeout, m_dueTick * m_wheel->m_tick.count());
}

void WheelTimer::stop()
{
    if (next && m_wheel)
        m_wheel->remove(this);
}

TimerWheel::TimerWheel(std::chrono::milliseconds tick, QObject *parent)
    : QObject(parent)
    , m_tick(qMax(tick, 1ms))
    , m_slots(SlotCount)
{
    for (WheelNode &head : m_slots)
        head.next = head.prev = &head;
    m_clock.start();
    // The wheel adds up to one tick of lateness; the QTimer itself should add none.
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(m_tick);
    connect(&m_timer, &QTimer::timeout, this, &TimerWheel::advance);
}

TimerWheel::~TimerWheel()
{
    // Timers that outlive the wheel must not reach back into it.
    for (WheelNode &head : m_slots) {
        while (head.next != &head)
            unlink(head.next);
    }
}

void TimerWheel::setTick(std::chrono::milliseconds tick)
{
    Q_ASSERT(m_active == 0);
    if (m_active != 0)
        return;
    m_tick = qMax(tick, 1ms);
    m_timer.setInterval(m_tick);
}

void TimerWheel::unlink(WheelNode *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    node->next = node->prev = nullptr;
}

void TimerWheel::link(WheelTimer *timer)
{
    WheelNode *head = &m_slots[size_t(timer->m_dueTick & (SlotCount - 1))];
    timer->prev = head->prev;
    timer->next = head;
    head->prev->next = timer;
    head->prev = timer;
}

void TimerWheel::insert(WheelTimer *timer, std::chrono::milliseconds timeout, qint64 from)
{
    if (timer->next) {
        unlink(timer);
    } else if (m_active++ == 0) {
        // Idle until now: nothing waits in any slot, so the wheel simply starts from here.
        m_processedTick = currentTick();
        m_timer.start();
    }
    const qint64 tick = m_tick.count();
    // Round up: a timer fires on the first tick at or after its deadline, never before.
    const qint64 start = from >= 0 ? qMin(from, m_clock.elapsed()) : m_clock.elapsed();
    const qint64 due = (start + qMax<qint64>(timeout.count(), 0) + tick - 1) / tick;
    timer->m_dueTick = qMax(due, m_processedTick + 1);
    link(timer);
}

void TimerWheel::remove(WheelTimer *timer)
{
    unlink(timer);
    if (--m_active == 0)
        m_timer.stop();
}

void TimerWheel::advance()
{
    const qint64 target = currentTick();
    if (target <= m_processedTick)
        return;
    qint64 first = m_processedTick + 1;
    if (target - first >= SlotCount) // the event loop stalled for a whole turn: each slot once
        first = target - SlotCount + 1;
    // Timers started by the callbacks below go to later ticks, never to a slot passed here.
    m_processedTick = target;
    for (qint64 t = first; t <= target; ++t) {
        WheelNode &head = m_slots[size_t(t & (SlotCount - 1))];
        if (head.next == &head)
            continue;
        // Move the slot's timers to a local list: callbacks may start or stop any timer,
        // including the ones still waiting here.
        WheelNode pending;
        pending.next = head.next;
        pending.prev = head.prev;
        pending.next->prev = &pending;
        pending.prev->next = &pending;
        head.next = head.prev = &head;
        while (pending.next != &pending) {
            auto *timer = static_cast<WheelTimer *>(pending.next);
            unlink(timer);
            if (timer->m_dueTick > target) { // due in a later turn of the wheel
                link(timer);
                continue;
            }
            if (--m_active == 0)
                m_timer.stop();
            // A copy: the callback may destroy the timer (and its owner) while it runs.
            if (const std::function<void()> callback = timer->m_callback)
                callback();
        }
    }
}

} // namespace Confab
