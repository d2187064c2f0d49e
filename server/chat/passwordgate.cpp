// SPDX-License-Identifier: MIT
#include "passwordgate.h"

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

QByteArray PasswordGate::keyOf(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // also for ::ffff:a.b.c.d
    if (isV4) {
        QByteArray key(5, '4');
        for (int i = 0; i < 4; ++i)
            key[i + 1] = char(v4 >> (24 - 8 * i));
        return key;
    }
    const Q_IPV6ADDR v6 = address.toIPv6Address();
    return '6' + QByteArray(reinterpret_cast<const char *>(v6.c), 8); // the /64
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
    const QByteArray key = keyOf(from);
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
