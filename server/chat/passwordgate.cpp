// SPDX-License-Identifier: MIT
#include "passwordgate.h"

#include "peerkey.h"

#include <QtCore/QCryptographicHash>

using namespace Qt::StringLiterals;

namespace Confab {

namespace {
QByteArray digestOf(const QString &text)
{
    return QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256);
}
} // namespace

PasswordGate::PasswordGate(const QString &password)
    : m_digest(password.isEmpty() ? QByteArray() : digestOf(password))
{ }

bool PasswordGate::matches(const QString &attempt) const
{
    // Digests have one length whatever the attempt, and every byte is looked at: the time
    // taken tells a guesser nothing about how much of the password it got right (a plain
    // != stops at the first difference, and at a difference in length).
    const QByteArray digest = digestOf(attempt);
    unsigned char difference = 0;
    for (qsizetype i = 0; i < m_digest.size(); ++i)
        difference |= static_cast<unsigned char>(m_digest.at(i) ^ digest.at(i));
    return difference == 0;
}

void PasswordGate::makeRoom(qint64 nowMs)
{
    m_failures.removeIf(
            [nowMs](const auto &it) { return nowMs >= it.value().last + ForgetAfterMs; });
    if (m_failures.size() >= MaxTracked)
        m_failures.removeIf([nowMs](const auto &it) { return nowMs >= it.value().blockedUntil; });
}

PasswordGate::Verdict PasswordGate::check(const QHostAddress &from, const QString &attempt,
                                          qint64 nowMs)
{
    if (!isEnabled())
        return {};
    const QByteArray key = peerKey(from);
    auto it = m_failures.find(key);
    if (it != m_failures.end() && nowMs >= it->last + ForgetAfterMs) {
        m_failures.erase(it);
        it = m_failures.end();
    }
    if (it != m_failures.end() && nowMs < it->blockedUntil) {
        const qint64 wait = (it->blockedUntil - nowMs + 999) / 1000;
        return {false, u"too many attempts, retry in %1 s"_s.arg(wait)};
    }
    if (matches(attempt)) {
        if (it != m_failures.end())
            m_failures.erase(it);
        return {};
    }
    if (it == m_failures.end()) {
        if (m_failures.size() >= MaxTracked)
            makeRoom(nowMs);
        it = m_failures.insert(key, {});
    }
    ++it->count;
    it->last = nowMs;
    if (it->count >= FreeAttempts) {
        const int doublings = qMin(it->count - FreeAttempts, 30);
        it->blockedUntil = nowMs + qMin(MaxBlockMs, FirstBlockMs << doublings);
    }
    return {false, u"unauthorized"_s};
}

} // namespace Confab
