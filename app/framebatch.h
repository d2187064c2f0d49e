// SPDX-License-Identifier: MIT
#pragma once

#include <chrono>

namespace Confab::App {

//! \brief How long the app's models gather new rows before inserting them as one block.
//!
//! About one frame at 60 Hz: a busy room brings more messages and events than a screen has
//! frames, and a view lays out, scrolls and repaints once per insertion (issue 21).
inline constexpr std::chrono::milliseconds FrameInterval{16};

} // namespace Confab::App
