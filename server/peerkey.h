// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtNetwork/QHostAddress>

namespace Confab {

//! \brief The key under which one peer's sessions and password attempts are counted: an IPv4
//! address (also when written as ::ffff:a.b.c.d), or an IPv6 address's /64.
//!
//! One subscriber is usually handed a whole IPv6 /64 and may pick any address in it, so
//! counting IPv6 addresses one by one would let a single machine pass every per-address limit.
QByteArray peerKey(const QHostAddress &address);

} // namespace Confab
