// SPDX-License-Identifier: MIT
#include "chatlogging.h"

Q_LOGGING_CATEGORY(lcChat, "confab.server.chat", QtInfoMsg)
