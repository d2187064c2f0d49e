// SPDX-License-Identifier: MIT
#include "applogging.h"

namespace Confab::App {

Q_LOGGING_CATEGORY(lcApp, "confab.app", QtInfoMsg)

} // namespace Confab::App
