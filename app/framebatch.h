// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QList>
#include <QtCore/QTimer>

#include <chrono>
#include <utility>

namespace Confab::App {

//! \brief How long the app's models gather new rows before inserting them as one block.
//!
//! About one frame at 60 Hz: a busy room brings more messages and events than a screen has
//! frames, and a view lays out, scrolls and repaints once per insertion (issue 21).
inline constexpr std::chrono::milliseconds FrameInterval{16};

//! \brief New rows of a model, gathered for up to an interval and then taken as one block.
//!
//! With no interval (the default) nothing waits: immediate() tells the model to insert at
//! once. The owner bounds the queue through add()'s answer, as it bounds its rows.
template<typename Row>
class FrameBatch
{
public:
    //! \a flush runs in \a context when the interval ends; it is expected to take().
    template<typename Flush>
    FrameBatch(QObject *context, Flush flush)
    {
        m_timer.setSingleShot(true);
        m_timer.setInterval(0);
        QObject::connect(&m_timer, &QTimer::timeout, context, std::move(flush));
    }

    bool immediate() const { return m_timer.interval() == 0; }
    void setInterval(std::chrono::milliseconds interval) { m_timer.setInterval(interval); }
    qsizetype size() const { return m_rows.size(); }

    //! \brief Queues \a row; true when the queue holds \a bound rows (take them now).
    bool add(Row row, qsizetype bound)
    {
        m_rows.append(std::move(row));
        if (m_rows.size() >= bound)
            return true;
        if (!m_timer.isActive())
            m_timer.start();
        return false;
    }
    //! \brief Everything queued, in order; the interval starts again with the next add().
    QList<Row> take()
    {
        m_timer.stop();
        return std::exchange(m_rows, {});
    }
    void clear() { take(); }

private:
    QTimer m_timer;
    QList<Row> m_rows;
};

} // namespace Confab::App
