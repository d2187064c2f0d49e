// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

namespace Confab::Discovery {

//! Announcing and browsing _confab._tcp (confab.discovery).
Q_DECLARE_LOGGING_CATEGORY(lcDiscovery)

} // namespace Confab::Discovery
