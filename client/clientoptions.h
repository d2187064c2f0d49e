// SPDX-License-Identifier: MIT
#pragma once

#include <protocolerror.h>

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QPair>
#include <QtCore/QStringList>
#include <QtCore/QUrl>
#include <QtCore/QUrlQuery>
#include <QtCore/QVariant>

#include <chrono>
#include <functional>
#include <optional>

namespace Confab::Client {
Q_NAMESPACE

//! \brief Which Engine.IO transports a client uses.
enum class TransportMode {
    //! Long-polling first, then the upgrade to WebSocket when the server offers it (the
    //! official JavaScript client's default; works through proxies that block WebSockets).
    Auto,
    //! A WebSocket from the start, no polling.
    WebSocket,
    //! HTTP long-polling only, never upgraded.
    Polling,
};
Q_ENUM_NS(TransportMode)

//! "auto" / "websocket" / "polling" (case-insensitive); std::nullopt for anything else.
std::optional<TransportMode> transportModeFromString(QStringView name);
QString transportModeName(TransportMode mode);

//! \brief Everything that configures a SocketIoClient; every field has the official clients'
//! default.
struct ClientOptions
{
    //! http(s):// or ws(s)://host:port[/path]. A path that ends in "/socket.io" or
    //! "/socket.io/" is the Engine.IO endpoint; any other path names the namespace to join
    //! (as in the JavaScript client, where io("http://host/chat") joins "/chat").
    QUrl url;
    //! The Engine.IO endpoint, used unless the URL carries one.
    QString path = QStringLiteral("/socket.io/");
    //! Extra query parameters, sent on every Engine.IO request.
    QUrlQuery query;
    //! Extra HTTP headers, sent on every polling request and on the WebSocket handshake.
    QList<QPair<QByteArray, QByteArray>> headers;
    TransportMode transports = TransportMode::Auto;

    //! Namespaces joined by open(); empty means the URL's namespace, or "/".
    QStringList namespaces;
    //! The CONNECT payload (a QVariantMap, or null for none), unless authProvider is set.
    QVariant auth;
    //! Evaluated again for every CONNECT, so each reconnection can carry fresh credentials.
    std::function<QVariant(const QString &nsp)> authProvider;

    //! Reconnect after a lost or failed connection.
    bool reconnection = true;
    //! Attempts before giving up; negative means unlimited.
    int reconnectionAttempts = -1;
    std::chrono::milliseconds reconnectionDelay{1000}; //!< the first delay
    std::chrono::milliseconds reconnectionDelayMax{5000}; //!< the delay doubles up to this
    double randomizationFactor = 0.5; //!< each delay varies by ± this fraction
    //! How long to wait for the Engine.IO handshake of one attempt.
    std::chrono::milliseconds connectTimeout{20000};

    //! Emits kept while a namespace is not connected; further emits are refused.
    qsizetype maxBufferedEmits = 1000;

    //! Pins the server's certificate: when set (its SHA-256 digest, raw 32 bytes), the server's
    //! certificate must be this one, and it is accepted even if it is self-signed or names
    //! another host. Any other certificate is refused, even one a trusted CA has issued. When
    //! empty, the usual CA verification applies.
    QByteArray trustedCertificateSha256;

    //! Bounds on what the server may send (one payload, frame or packet). limits.maxPayload
    //! (default 100 MB) also bounds every HTTP response and WebSocket message while it is read:
    //! a larger one is aborted (before the handshake, anything over 64 KiB) and the connection
    //! fails with a protocol error.
    Protocol::Limits limits = defaultLimits();

    static Protocol::Limits defaultLimits()
    {
        Protocol::Limits l;
        l.maxPayload = 100 * 1000 * 1000;
        return l;
    }
};

//! \brief Where an options' URL points: the Engine.IO endpoint and the URL's namespace.
struct ResolvedEndpoint
{
    QUrl httpUrl; //!< http(s)://host:port/path/ without query
    QUrl wsUrl; //!< ws(s)://host:port/path/ without query
    QString nsp; //!< "/" unless the URL's path names a namespace
    QString error; //!< non-empty when the URL cannot be used
};
ResolvedEndpoint resolveEndpoint(const ClientOptions &options);

//! Parses "AB:CD:..." or "abcd..." (64 hex digits, colons optional) into 32 bytes; empty on error.
QByteArray parseSha256Fingerprint(QStringView text);

//! \brief A join link's pin: a Confab host's link ends in "#fp=" and the SHA-256 fingerprint of
//! its certificate (what the host shows, its QR code carries, discovery announces).
struct JoinLink
{
    QUrl url; //!< to connect to: https/wss when pinned (the host speaks TLS on the same port)
    QByteArray pin; //!< 32 bytes, or empty when the link has no (valid) fingerprint
    bool malformedPin = false; //!< "#fp=" was there but is not 64 hex digits
};
//! \brief Splits \a link into the URL to connect to and its pin; the fragment is dropped.
JoinLink parseJoinLink(const QUrl &link);

} // namespace Confab::Client
