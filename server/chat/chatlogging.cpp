// SPDX-License-Identifier: MIT
#include "chatlogging.h"

namespace Confab {

Q_LOGGING_CATEGORY(lcChat, "confab.server.chat", QtInfoMsg)

} // namespace Confab
