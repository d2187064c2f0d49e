// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

namespace Confab {

//! Engine.IO sessions, transports and upgrades.
Q_DECLARE_LOGGING_CATEGORY(lcEngineIo)
//! Socket.IO namespaces, handlers, rooms and acks.
Q_DECLARE_LOGGING_CATEGORY(lcSocketIo)
//! The host as a whole: listening, shutdown.
Q_DECLARE_LOGGING_CATEGORY(lcServer)

} // namespace Confab
