// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QJsonValue>
#include <QtCore/QVariant>

namespace Confab::Cli {

//! \brief JSON ↔ Socket.IO argument trees for the terminal.
//!
//! JSON has no binary type, so binary data is written {"$binary":"<base64>"} in both
//! directions: such an object read from stdin is sent as a binary attachment, and a binary
//! argument from the server is printed that way.
QVariant variantFromJson(const QJsonValue &value);
QJsonValue jsonFromVariant(const QVariant &value);

} // namespace Confab::Cli
