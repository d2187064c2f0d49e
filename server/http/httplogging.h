// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

namespace Confab::Http {

//! \brief "confab.server.http": connection lifecycle at info/warning, per-request detail at debug.
//! Enable the wire trace with QT_LOGGING_RULES="confab.server.http.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcHttp)

} // namespace Confab::Http

// TRANSITIONAL (issue 14): websocketconnection.{h,cpp} and directtcpsocket.{h,cpp} stay in
// the global namespace while they are being rewritten; they name these until they move into
// Confab::Http at the merge, when this goes.
using Confab::Http::lcHttp;
