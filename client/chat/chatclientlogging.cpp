// SPDX-License-Identifier: MIT
#include "chatclientlogging.h"

namespace Confab::Client {

Q_LOGGING_CATEGORY(lcChatClient, "confab.client.chat", QtInfoMsg)

} // namespace Confab::Client
