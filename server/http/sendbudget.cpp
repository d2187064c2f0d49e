// SPDX-License-Identifier: MIT
#include "sendbudget.h"

#include "httplogging.h"

namespace Confab::Http {

SendBudget::Account::~Account()
{
    setSendBudget(nullptr);
}

void SendBudget::Account::setSendBudget(SendBudget *budget)
{
    if (budget == m_budget)
        return;
    if (m_budget) {
        m_budget->m_total -= m_owed;
        m_budget->leave(this);
    }
    m_budget = budget;
    if (m_budget) {
        m_budget->enroll(this);
        m_budget->change(m_owed);
    }
}

SendBudget::~SendBudget()
{
    for (Account *account = m_first; account;) {
        Account *next = account->m_next;
        account->m_budget = nullptr;
        account->m_prev = account->m_next = nullptr;
        account = next;
    }
}

void SendBudget::setLimit(qint64 limit)
{
    m_limit = qMax<qint64>(limit, 0);
    if (m_limit > 0 && m_total > m_limit)
        settle();
}

void SendBudget::enroll(Account *account)
{
    account->m_prev = nullptr;
    account->m_next = m_first;
    if (m_first)
        m_first->m_prev = account;
    m_first = account;
    ++m_accounts;
}

void SendBudget::leave(Account *account)
{
    if (account->m_prev)
        account->m_prev->m_next = account->m_next;
    else
        m_first = account->m_next;
    if (account->m_next)
        account->m_next->m_prev = account->m_prev;
    account->m_prev = account->m_next = nullptr;
    --m_accounts;
}

void SendBudget::settle()
{
    // Dropping an account calls setOwed(0) on it, which comes back here only with a negative
    // change; the guard is for an account that would queue something while being dropped.
    if (m_settling)
        return;
    m_settling = true;
    // The largest debtor first: every drop frees at least the average debt, and whoever owes
    // less (a client that keeps up) is spared while anyone owes more. A linear scan, but only
    // past the budget, and each scan frees at least total / accounts bytes.
    while (m_total > m_limit) {
        Account *largest = nullptr;
        for (Account *account = m_first; account; account = account->m_next) {
            if (!largest || account->m_owed > largest->m_owed)
                largest = account;
        }
        if (!largest || largest->m_owed <= 0)
            break; // cannot happen while m_total is the sum of what accounts owe
        const qint64 owed = largest->m_owed;
        ++m_drops;
        qCInfo(lcHttp).nospace() << "Over the total send budget (" << m_total << " > " << m_limit
                                 << " bytes owed to " << m_accounts
                                 << " clients): dropping the client owed the most, " << owed
                                 << " bytes";
        largest->dropForBudget("more bytes waiting to be sent to all clients than the host's "
                               "total send budget, and this client owed the most");
        if (largest->m_owed > 0) // dropForBudget() broke its contract: settle it here
            largest->setOwed(0);
    }
    m_settling = false;
}

} // namespace Confab::Http
