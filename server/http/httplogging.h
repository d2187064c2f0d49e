// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

namespace Confab::Http {

//! \brief "confab.server.http": connection lifecycle at info/warning, per-request detail at debug.
//! Enable the wire trace with QT_LOGGING_RULES="confab.server.http.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcHttp)

} // namespace Confab::Http

