// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

namespace Confab::Client {

//! "confab.client": Socket.IO events, namespaces, acks and reconnection.
Q_DECLARE_LOGGING_CATEGORY(lcClient)
//! "confab.client.transport": Engine.IO handshake, polling, WebSocket frames and heartbeats.
Q_DECLARE_LOGGING_CATEGORY(lcClientTransport)

} // namespace Confab::Client
