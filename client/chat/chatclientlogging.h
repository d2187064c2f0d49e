// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

namespace Confab::Client {

//! "confab.client.chat": chat events in and out, delivery states, rejoins after reconnection.
Q_DECLARE_LOGGING_CATEGORY(lcChatClient)

} // namespace Confab::Client
