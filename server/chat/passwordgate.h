// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QHash>
#include <QtCore/QString>
#include <QtNetwork/QHostAddress>

#include <chrono>

namespace Confab {

//! \brief The host password's doorkeeper: compares in constant time and slows down guessing.
//!
//! Each remote address (an IPv6 one by its /64, since a host on such a network picks its own
//! low 64 bits at will) may fail FreeAttempts times; every further failure makes it wait
//! twice as long as the one before (FirstBlock, then 2x, up to MaxBlock). While an
//! address waits, every attempt from it is refused, the right password too, and does not
//! count as a failure (so that a guesser sharing a NAT cannot lock its neighbours out for
//! longer). A success resets the address; failures are forgotten ForgetAfter after the
//! last one. Pure logic with the time passed in, so the policy is testable without waiting.
class PasswordGate
{
public:
    static constexpr int FreeAttempts = 5;
    static constexpr std::chrono::milliseconds FirstBlock{1000};
    static constexpr std::chrono::milliseconds MaxBlock = std::chrono::minutes(15);
    static constexpr std::chrono::milliseconds ForgetAfter = std::chrono::hours(1);
    //! Addresses remembered at most; beyond it, the ones not waiting are forgotten first.
    static constexpr qsizetype MaxTracked = 65536;

    //! \brief An empty \a password lets everyone in.
    explicit PasswordGate(const QString &password = {});

    bool isEnabled() const { return !m_digest.isEmpty(); }

    struct Verdict
    {
        bool accepted = true;
        QString refusal; //!< the CONNECT_ERROR message when refused
    };
    //! \brief Whether \a attempt from \a from may join at \a now (a monotonic clock's reading).
    Verdict check(const QHostAddress &from, const QString &attempt, std::chrono::milliseconds now);

    //! \brief Addresses with failures on record (for tests).
    qsizetype trackedCount() const { return m_failures.size(); }

private:
    struct Failures
    {
        int count = 0;
        std::chrono::milliseconds last{0}; //!< time of the last failure
        std::chrono::milliseconds blockedUntil{0};
    };
    bool matches(const QString &attempt) const;
    void makeRoom(std::chrono::milliseconds now);

    QByteArray m_digest; //!< SHA-256 of the password, or empty
    QHash<QByteArray, Failures> m_failures; //!< by peerKey()
};

} // namespace Confab
