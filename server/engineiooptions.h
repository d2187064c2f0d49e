// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>

#include <chrono>
#include <optional>

namespace Confab {

//! \brief What runs a host's WebSocket sessions (see HostWebSocket).
enum class WebSocketEngine {
    //! WebSocketConnection: our own RFC 6455 server end. ~7 KiB per idle client, text stays
    //! UTF-8, every frame of an event-loop pass in one writev().
    Native,
    //! QWebSocket through QWebSocketServer::handleConnection(): Qt's well-worn implementation,
    //! ~21 KiB per idle client, text through UTF-16 and back.
    Qt,
};

//! \brief The engine a host uses unless told otherwise: native on Linux (where it takes the
//! socket's descriptor over), Qt's elsewhere.
constexpr WebSocketEngine defaultWebSocketEngine()
{
#ifdef Q_OS_LINUX
    return WebSocketEngine::Native;
#else
    return WebSocketEngine::Qt;
#endif
}

//! The environment variable that picks the engine where no option does (the desktop app, and
//! confab-server without --websocket-engine): "native" or "qt".
inline constexpr char WebSocketEngineVariable[] = "CONFAB_WEBSOCKET_ENGINE";

//! \brief The engine CONFAB_WEBSOCKET_ENGINE names, or \a fallback if it is unset or names
//! none (then with a warning).
WebSocketEngine webSocketEngineFromEnvironment(WebSocketEngine fallback);

//! \brief "native" or "qt".
inline QString webSocketEngineName(WebSocketEngine engine)
{
    return engine == WebSocketEngine::Qt ? QStringLiteral("qt") : QStringLiteral("native");
}

//! \brief The engine named \a name ("native" or "qt"), or nothing.
inline std::optional<WebSocketEngine> parseWebSocketEngine(QStringView name)
{
    if (name == u"native")
        return WebSocketEngine::Native;
    if (name == u"qt")
        return WebSocketEngine::Qt;
    return std::nullopt;
}

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
    //! What runs the WebSocket sessions; see WebSocketEngine.
    WebSocketEngine webSocketEngine = defaultWebSocketEngine();
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
    //! Simultaneous TCP connections the host accepts, WebSocket connections included.
    int maxConnections = 20000;
    //! Engine.IO sessions (polling and WebSocket alike) open at once from one remote address;
    //! a handshake over it is refused with 429. 0 lifts the cap (a benchmark, or a reverse
    //! proxy through which every client arrives from one address).
    int maxSessionsPerAddress = 256;
    //! Engine.IO sessions open at once in total; a handshake over it is refused with 503.
    //! 0 lifts the cap.
    int maxSessions = 10000;
    //! Bytes a session may have waiting to be sent (its polling queue, or its WebSocket's
    //! unsent frames, each counted with its bookkeeping): a client that asks for more than
    //! it reads is closed. 0 means the default, sendQueueLimit().
    qint64 maxSendQueue = 0;
    //! Bytes waiting to be sent to all sessions together (the sum of what maxSendQueue
    //! bounds for each; a broadcast counts once per recipient): past it, the session owed
    //! the most is closed, then the next, until the total is within it again (see
    //! SendBudget). Without it, sessions that never read could each stay under maxSendQueue:
    //! 10,000 × 8 MiB. 0 lifts it.
    qint64 maxSendTotal = qint64(256) * 1024 * 1024;
    //! Names a client may use in the Host header besides the host's own (loopback names,
    //! IP addresses, the machine's name and NAME.local, the hosts of corsOrigins): what a
    //! reverse proxy or a DNS name for this machine passes on. A name starting with "."
    //! also matches its subdomains; "*" accepts any Host (turns the DNS-rebinding guard off).
    QStringList allowedHosts;

    //! \brief The effective maxSendQueue: 8 × maxPayload and at least 8 MiB unless set.
    qint64 sendQueueLimit() const
    {
        if (maxSendQueue > 0)
            return maxSendQueue;
        return qMax<qint64>(8 * maxPayload, qint64(8) * 1024 * 1024);
    }
    //! A connection must deliver a request head this soon after opening (slowloris guard),
    //! and an idle keep-alive connection is closed after as long.
    std::chrono::milliseconds httpTimeout{30000};
};

} // namespace Confab
