// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>

#include <chrono>

namespace Confab {

//! \brief Engine.IO settings of a host; the defaults are the reference server's.
struct EngineIoOptions
{
    //! Where the endpoint lives; requests elsewhere get 404. Also matched without the final '/'.
    QString path = QStringLiteral("/socket.io/");
    std::chrono::milliseconds pingInterval{25000};
    std::chrono::milliseconds pingTimeout{20000};
    //! How long a probed WebSocket may take to send the upgrade packet.
    std::chrono::milliseconds upgradeTimeout{10000};
    //! Bytes per polling payload or WebSocket message (the reference's maxHttpBufferSize).
    qint64 maxPayload = 1'000'000;
    //! Transports clients may use: "polling", "websocket".
    QStringList transports{QStringLiteral("polling"), QStringLiteral("websocket")};
    //! Whether a polling session may upgrade to WebSocket.
    bool allowUpgrades = true;
    //! Serve Engine.IO v3 (Socket.IO 2 clients) too, like Node's allowEIO3.
    bool allowEio3 = false;
    //! Origins that browsers may connect from: exact "scheme://host[:port]" strings, or "*".
    //! Same-origin requests and requests without an Origin header are always allowed.
    QStringList corsOrigins;
    //! Send Access-Control-Allow-Credentials (then "*" echoes the request's origin).
    bool corsCredentials = false;
    //! Engine.IO packets per polling response: python-engineio clients refuse more than 16.
    int maxPacketsPerPoll = 16;
    //! Simultaneous TCP connections the host accepts.
    int maxConnections = 20000;
    //! A connection must deliver a request head this soon after opening (slowloris guard),
    //! and an idle keep-alive connection is closed after as long.
    std::chrono::milliseconds httpTimeout{30000};
};

} // namespace Confab
