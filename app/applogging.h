// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

namespace Confab::App {

//! "confab.app": the desktop app's modes, hosting, joining and what the UI asks for.
Q_DECLARE_LOGGING_CATEGORY(lcApp)

} // namespace Confab::App
