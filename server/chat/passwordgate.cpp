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

void PasswordGate::makeRoom(std::chrono::milliseconds now)
{
    m_failures.removeIf([now](const auto &it) { return now >= it.value().last + ForgetAfter; });
    if (m_failures.size() >= MaxTracked)
        m_failures.removeIf([now](const auto &it) { return now >= it.value().blockedUntil; });
}

PasswordGate::Verdict PasswordGate::check(const QHostAddress &from, const QString &attempt,
                                          std::chrono::milliseconds now)
{
    if (!isEnabled())
        return {};
    const QByteArray key = peerKey(from);
    auto it = m_failures.find(key);
    if (it != m_failures.end() && now >= it->last + ForgetAfter) {
        m_failures.erase(it);
        it = m_failures.end();
    }
    if (it != m_failures.end() && now < it->blockedUntil) {
        const qint64 wait = std::chrono::ceil<std::chrono::seconds>(it->blockedUntil - now).count();
        return {false, u"too many attempts, retry in %1 s"_s.arg(wait)};
    }
    if (matches(attempt)) {
        if (it != m_failures.end())
            m_failures.erase(it);
        return {};
    }
    if (it == m_failures.end()) {
        if (m_failures.size() >= MaxTracked)
            makeRoom(now);
        it = m_failures.insert(key, {});
    }
    ++it->count;
    it->last = now;
    if (it->count >= FreeAttempts) {
        const int doublings = qMin(it->count - FreeAttempts, 30);
        it->blockedUntil = now
                + std::min<std::chrono::milliseconds>(MaxBlock, FirstBlock * (1LL << doublings));
    }
    return {false, u"unauthorized"_s};
}

} // namespace Confab
