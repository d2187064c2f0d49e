// SPDX-License-Identifier: MIT
#include "backoff.h"

#include <QtCore/QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace Confab::Client {

Backoff::Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, double jitter,
                 double factor)
    : m_min(min)
    , m_max(max)
    , m_jitter(jitter)
    , m_factor(factor)
    , m_random([] { return QRandomGenerator::global()->generateDouble(); })
{ }

std::chrono::milliseconds Backoff::next()
{
    // Computed in double: min · factor^n overflows an int after a few dozen attempts.
    // Bounded before the jitter so that long outages never reach infinity (inf - inf = NaN).
    double ms = std::min(double(m_min.count()) * std::pow(m_factor, m_attempts), 1e12);
    ++m_attempts;
    if (m_jitter > 0) {
        const double rand = m_random();
        const double deviation = std::floor(rand * m_jitter * ms);
        // backo2 picks the direction from the same random number's first decimal digit.
        ms = (int(std::floor(rand * 10)) & 1) == 0 ? ms - deviation : ms + deviation;
    }
    ms = std::clamp(ms, 0.0, double(std::max<qint64>(m_max.count(), 0)));
    return std::chrono::milliseconds(int(ms));
}

} // namespace Confab::Client
