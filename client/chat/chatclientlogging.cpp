// SPDX-License-Identifier: MIT
#include "chatclientlogging.h"

Q_LOGGING_CATEGORY(lcChatClient, "confab.client.chat", QtInfoMsg)
