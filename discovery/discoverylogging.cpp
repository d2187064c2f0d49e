// SPDX-License-Identifier: MIT
#include "discoverylogging.h"

namespace Confab::Discovery {

Q_LOGGING_CATEGORY(lcDiscovery, "confab.discovery", QtInfoMsg)

} // namespace Confab::Discovery
