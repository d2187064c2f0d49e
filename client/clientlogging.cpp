// SPDX-License-Identifier: MIT
#include "clientlogging.h"

namespace Confab::Client {

Q_LOGGING_CATEGORY(lcClient, "confab.client", QtInfoMsg)
Q_LOGGING_CATEGORY(lcClientTransport, "confab.client.transport", QtInfoMsg)

} // namespace Confab::Client
