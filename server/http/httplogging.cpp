// SPDX-License-Identifier: MIT
#include "httplogging.h"

namespace Confab::Http {

Q_LOGGING_CATEGORY(lcHttp, "confab.server.http", QtInfoMsg)

} // namespace Confab::Http
