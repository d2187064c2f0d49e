// SPDX-License-Identifier: MIT
#pragma once

namespace Confab::App {

//! \brief Keeps what is typed in password fields away from assistive technology.
//!
//! Qt 6.4's accessibility for a TextInput in password mode hands the real text to anyone who
//! asks over AT-SPI (any program of the user's session: the Value text and the text interface
//! read the `text` property, and every keystroke's text-changed event carries the characters).
//! GTK, like a screen reader expects, shows a password field's text as one "●" per character.
//! This installs, once, an accessibility factory that gives every text input whose echo mode
//! is not Normal an interface that does the same, and an update handler that masks the text
//! of such an input's text events before the platform bridge sends them. Call it before the
//! first window is shown (main() does).
void installPasswordAccessibility();

} // namespace Confab::App
