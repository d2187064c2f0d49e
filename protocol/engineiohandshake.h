// SPDX-License-Identifier: MIT
#pragma once

#include "protocolerror.h"

#include <QtCore/QStringList>

#include <chrono>
#include <optional>

namespace Confab::EngineIo {

//! \brief The OPEN packet's JSON: what the server tells a client about its new session.
struct Handshake
{
    QString sid;
    QStringList upgrades; //!< ["websocket"] for a polling session, [] for a WebSocket one
    std::chrono::milliseconds pingInterval{25000};
    std::chrono::milliseconds pingTimeout{20000};
    //! Bytes per payload; python-engineio 4.3 omits it, so a client treats it as optional.
    std::optional<qint64> maxPayload = 1'000'000;

    //! Compact JSON with exactly these keys, in the reference server's order.
    QByteArray toJson() const;
    //! Requires sid, pingInterval and pingTimeout; upgrades and maxPayload are optional.
    static Protocol::Result<Handshake> fromJson(QByteArrayView json);

    bool operator==(const Handshake &other) const = default;
};

} // namespace Confab::EngineIo
