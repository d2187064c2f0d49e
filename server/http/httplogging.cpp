// SPDX-License-Identifier: MIT
#include "httplogging.h"

Q_LOGGING_CATEGORY(lcHttp, "confab.server.http", QtInfoMsg)
