// SPDX-License-Identifier: MIT
#include "backoff.h"

#include <QtCore/QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace Confab::Client {

Backoff::Backoff(int minMs, int maxMs, double jitter, double factor)
    : m_min(minMs)
    , m_max(maxMs)
    , m_jitter(jitter)
    , m_factor(factor)
    , m_random([] { return QRandomGenerator::global()->generateDouble(); })
{ }

int Backoff::next()
{
    // Computed in double: min · factor^n overflows an int after a few dozen attempts.
    // Bounded before the jitter so that long outages never reach infinity (inf - inf = NaN).
    double ms = std::min(double(m_min) * std::pow(m_factor, m_attempts), 1e12);
    ++m_attempts;
    if (m_jitter > 0) {
        const double rand = m_random();
        const double deviation = std::floor(rand * m_jitter * ms);
        // backo2 picks the direction from the same random number's first decimal digit.
        ms = (int(std::floor(rand * 10)) & 1) == 0 ? ms - deviation : ms + deviation;
    }
    ms = std::clamp(ms, 0.0, double(std::max(m_max, 0)));
    return int(ms);
}

} // namespace Confab::Client
