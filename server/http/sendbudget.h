// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QtGlobal>

namespace Confab::Http {

//! \brief The bytes a host owes all its clients together, against one budget.
//!
//! Each client is bounded on its own (EngineIoOptions::sendQueueLimit(), a WebSocket's
//! maxBacklog()), but many clients that never read could each stay just under that bound:
//! 10,000 sessions × 8 MiB. Every place that holds bytes for one client (a polling session's
//! queue, a WebSocket's unsent frames) is an Account of the host's SendBudget and reports what
//! it owes with setOwed() wherever its own counter changes: one subtraction and one addition,
//! nothing more on the hot path while the total is within the budget.
//!
//! Past the budget, the account that owes the most is dropped (Account::dropForBudget():
//! its bytes are released at once, the client is closed from the event loop), then the next
//! largest, until the total is within the budget again. So the total never exceeds the budget
//! once setOwed() returns (inside it, by at most the frame that was being added), and a client
//! that keeps up, owing only what one event-loop pass queued for it, is never dropped while a
//! client owes more. Bytes shared by the recipients of a broadcast count once per recipient:
//! this is a bound on what is owed, above what is held.
class SendBudget
{
public:
    //! \brief Something that holds bytes for one client.
    class Account
    {
    public:
        Account() = default;
        Account(const Account &) = delete;
        Account &operator=(const Account &) = delete;

        //! \brief Joins \a budget (nullptr: none), carrying what is owed already.
        void setSendBudget(SendBudget *budget);
        SendBudget *sendBudget() const { return m_budget; }
        qint64 owedBytes() const { return m_owed; }

    protected:
        virtual ~Account(); // leaves the budget, returning what it still owed
        //! \brief Reports what this account owes now; may drop the largest debtor (this one
        //! included) when the total goes over the budget.
        void setOwed(qint64 bytes)
        {
            const qint64 delta = bytes - m_owed;
            m_owed = bytes;
            if (m_budget && delta != 0)
                m_budget->change(delta);
        }
        //! \brief Releases every byte owed at once (setOwed(0) before returning) and closes
        //! the client from the event loop, not from inside this call: the caller may be
        //! walking a list of clients (a broadcast). \a why is a sentence for the log.
        virtual void dropForBudget(const char *why) = 0;

    private:
        // The budget links its accounts into an intrusive list and settles what each owes:
        // both halves of one data structure, which no third class may touch.
        friend class SendBudget;
        SendBudget *m_budget = nullptr;
        qint64 m_owed = 0;
        Account *m_prev = nullptr; //!< the budget's intrusive list of accounts
        Account *m_next = nullptr;
    };

    //! \brief \a limit bytes in total; 0 lifts it (only counts).
    explicit SendBudget(qint64 limit = 0)
        : m_limit(limit)
    { }
    ~SendBudget(); // accounts still alive just leave it
    SendBudget(const SendBudget &) = delete;
    SendBudget &operator=(const SendBudget &) = delete;

    qint64 limit() const { return m_limit; }
    void setLimit(qint64 limit);
    //! \brief What every account owes together.
    qint64 total() const { return m_total; }
    int accountCount() const { return m_accounts; }
    //! \brief Accounts dropped for the budget since the start.
    quint64 drops() const { return m_drops; }

private:
    void change(qint64 delta)
    {
        m_total += delta;
        if (delta > 0 && m_limit > 0 && m_total > m_limit)
            settle();
    }
    void settle();
    void enroll(Account *account);
    void leave(Account *account);

    qint64 m_limit;
    qint64 m_total = 0;
    Account *m_first = nullptr;
    int m_accounts = 0;
    quint64 m_drops = 0;
    bool m_settling = false;
};

} // namespace Confab::Http
