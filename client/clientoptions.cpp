// SPDX-License-Identifier: MIT
#include "clientoptions.h"

using namespace Qt::StringLiterals;

namespace Confab::Client {

std::optional<TransportMode> transportModeFromString(QStringView name)
{
    if (name.compare(u"auto", Qt::CaseInsensitive) == 0)
        return TransportMode::Auto;
    if (name.compare(u"websocket", Qt::CaseInsensitive) == 0)
        return TransportMode::WebSocket;
    if (name.compare(u"polling", Qt::CaseInsensitive) == 0)
        return TransportMode::Polling;
    return std::nullopt;
}

QString transportModeName(TransportMode mode)
{
    switch (mode) {
    case TransportMode::Auto:
        return u"auto"_s;
    case TransportMode::WebSocket:
        return u"websocket"_s;
    case TransportMode::Polling:
        return u"polling"_s;
    }
    return {};
}

ResolvedEndpoint resolveEndpoint(const ClientOptions &options)
{
    ResolvedEndpoint r;
    const QUrl &url = options.url;
    if (!url.isValid() || url.host().isEmpty()) {
        r.error = u"invalid URL \"%1\""_s.arg(url.toString());
        return r;
    }
    const QString scheme = url.scheme().toLower();
    bool secure = false;
    if (scheme == "https"_L1 || scheme == "wss"_L1)
        secure = true;
    else if (scheme != "http"_L1 && scheme != "ws"_L1) {
        r.error = u"unsupported URL scheme \"%1\" (use http, https, ws or wss)"_s.arg(scheme);
        return r;
    }

    QString path = options.path.isEmpty() ? u"/socket.io/"_s : options.path;
    r.nsp = u"/"_s;
    QString urlPath = url.path();
    while (urlPath.size() > 1 && urlPath.endsWith(u'/'))
        urlPath.chop(1);
    if (urlPath.endsWith("/socket.io"_L1) || urlPath.endsWith("/engine.io"_L1))
        path = urlPath;
    else if (!urlPath.isEmpty() && urlPath != "/"_L1)
        r.nsp = urlPath;
    // Both reference servers only answer on the path with its trailing slash (PROTOCOL.md §1.1).
    if (!path.startsWith(u'/'))
        path.prepend(u'/');
    if (!path.endsWith(u'/'))
        path.append(u'/');

    QUrl base;
    base.setHost(url.host());
    base.setPort(url.port(secure ? 443 : 80));
    base.setPath(path);
    base.setUserName(url.userName());
    base.setPassword(url.password());
    r.httpUrl = base;
    r.httpUrl.setScheme(secure ? u"https"_s : u"http"_s);
    r.wsUrl = base;
    r.wsUrl.setScheme(secure ? u"wss"_s : u"ws"_s);
    return r;
}

JoinLink parseJoinLink(const QUrl &link)
{
    JoinLink result;
    result.url = link;
    const QString fragment = link.fragment(QUrl::FullyDecoded);
    result.url.setFragment({});
    if (!fragment.startsWith(u"fp="_s))
        return result;
    result.pin = parseSha256Fingerprint(QStringView(fragment).sliced(3));
    if (result.pin.isEmpty()) {
        result.malformedPin = true;
        return result;
    }
    // The link may say http (what a browser opens without a warning about the self-signed
    // certificate); a pinned client goes encrypted to the same port.
    const QString scheme = link.scheme().toLower();
    if (scheme == u"http"_s)
        result.url.setScheme(u"https"_s);
    else if (scheme == u"ws"_s)
        result.url.setScheme(u"wss"_s);
    if (result.url.port() < 0 && (scheme == u"http"_s || scheme == u"ws"_s))
        result.url.setPort(80); // the port the link meant, not https's 443
    return result;
}

QByteArray parseSha256Fingerprint(QStringView text)
{
    QByteArray hex;
    for (QChar c : text) {
        if (c == u':' || c == u' ')
            continue;
        if (!isxdigit(c.unicode()) || c.unicode() > 0x7f)
            return {};
        hex.append(char(c.unicode()));
    }
    if (hex.size() != 64)
        return {};
    return QByteArray::fromHex(hex);
}

} // namespace Confab::Client
