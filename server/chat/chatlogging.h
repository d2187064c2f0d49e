// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

namespace Confab {

//! The chat service and its message store.
Q_DECLARE_LOGGING_CATEGORY(lcChat)

} // namespace Confab
