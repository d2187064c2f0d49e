// SPDX-License-Identifier: MIT
#include "serverlogging.h"

namespace Confab {

Q_LOGGING_CATEGORY(lcEngineIo, "confab.server.engineio", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSocketIo, "confab.server.socketio", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServer, "confab.server", QtInfoMsg)

} // namespace Confab
