// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QtGlobal>

#include <chrono>
#include <functional>

namespace Confab::Client {

//! \brief Exponential reconnection delays with jitter, as the official clients compute them.
//!
//! Delay n (from 0) is min · factor^n, moved by up to ± jitter of itself, and capped at max
//! (engine.io-client's "backo2" algorithm). Pure logic: the random source is injectable.
class Backoff
{
public:
    //! Returns a number in [0, 1).
    using RandomSource = std::function<double()>;

    Backoff(std::chrono::milliseconds min = std::chrono::milliseconds(1000),
            std::chrono::milliseconds max = std::chrono::milliseconds(5000), double jitter = 0.5,
            double factor = 2.0);

    //! The delay for the next attempt (whole milliseconds); counts the attempt.
    std::chrono::milliseconds next();
    //! Back to the first delay (after a successful connection).
    void reset() { m_attempts = 0; }
    //! Attempts counted since the last reset.
    int attempts() const { return m_attempts; }

    void setMin(std::chrono::milliseconds min) { m_min = min; }
    void setMax(std::chrono::milliseconds max) { m_max = max; }
    void setJitter(double jitter) { m_jitter = jitter; }
    void setRandomSource(RandomSource source) { m_random = std::move(source); }

    std::chrono::milliseconds min() const { return m_min; }
    std::chrono::milliseconds max() const { return m_max; }
    double jitter() const { return m_jitter; }

private:
    std::chrono::milliseconds m_min;
    std::chrono::milliseconds m_max;
    double m_jitter;
    double m_factor;
    int m_attempts = 0;
    RandomSource m_random;
};

} // namespace Confab::Client
