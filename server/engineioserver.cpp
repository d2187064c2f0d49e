// SPDX-License-Identifier: MIT
#include "engineioserver.h"

#include "http/directtcpsocket.h"
#include "http/httpconnection.h"
#include "http/httplistener.h"
#include "http/qtwebsocketconnection.h"
#include "http/websocketconnection.h"
#include "randomid.h"
#include "serverlogging.h"

#include <QtCore/QUrl>

#include <QtNetwork/QHostInfo>
#include <QtNetwork/QTcpSocket>
#include <QtWebSockets/QWebSocket>
#include <QtWebSockets/QWebSocketServer>
#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace Confab {

using namespace Http;

namespace {

// The reference server's error codes and messages (engine.io Server.errorMessages).
enum ErrorCode {
    UnknownTransport = 0,
    UnknownSid = 1,
    BadHandshakeMethod = 2,
    BadRequest = 3,
    Forbidden = 4,
    UnsupportedProtocolVersion = 5,
};

QByteArray errorMessage(int code)
{
    switch (code) {
    case UnknownTransport:
        return "Transport unknown";
    case UnknownSid:
        return "Session ID unknown";
    case BadHandshakeMethod:
        return "Bad handshake method";
    case BadRequest:
        return "Bad request";
    case Forbidden:
        return "Forbidden";
    case UnsupportedProtocolVersion:
        return "Unsupported protocol version";
    }
    return "Bad request";
}

// The wheel's tick: a fiftieth of the shortest heartbeat period (2% precision; the
// compliance suite checks 300 + 200 ms to within a few ms), while a real server wakes up at
// most 10 times a second for it: every wake-up polls every socket (O(connections)).
std::chrono::milliseconds wheelTick(const EngineIoOptions &options)
{
    using namespace std::chrono_literals;
    const auto shortest = qMin(options.pingInterval, options.pingTimeout);
    return std::clamp(std::chrono::milliseconds(shortest.count() / 50), 1ms, 100ms);
}

} // namespace

WebSocketEngine webSocketEngineFromEnvironment(WebSocketEngine fallback)
{
    if (!qEnvironmentVariableIsSet(WebSocketEngineVariable))
        return fallback;
    const QString name = qEnvironmentVariable(WebSocketEngineVariable);
    if (const auto engine = parseWebSocketEngine(name))
        return *engine;
    qCWarning(lcEngineIo) << WebSocketEngineVariable << "names no engine (native or qt):" << name
                          << "- using" << webSocketEngineName(fallback);
    return fallback;
}

struct EngineIoServer::Checked
{
    EngineIo::Version version = EngineIo::Version::V4;
    QString transport;
    QString sid;
};

EngineIoServer::EngineIoServer(const EngineIoOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_sendBudget(options.maxSendTotal)
    , m_timerWheel(wheelTick(options))
    , m_listener(std::make_unique<HttpListener>())
{
    applyListenerSettings();
    updateOwnNames();
    connect(m_listener.get(), &HttpListener::requestReceived, this, &EngineIoServer::onRequest);
    connect(m_listener.get(), &HttpListener::webSocketUpgradeRequested, this,
            &EngineIoServer::onUpgradeRequest);
}

void EngineIoServer::applyListenerSettings()
{
    HttpConnectionSettings settings = m_listener->connectionSettings();
    settings.maxBodySize = m_options.maxPayload;
    settings.headTimeout = m_options.httpTimeout;
    settings.idleTimeout = m_options.httpTimeout;
    m_listener->setConnectionSettings(settings);
    m_listener->setMaxConnections(m_options.maxConnections);
}

EngineIoServer::~EngineIoServer()
{
    // Sessions are children; close them first so nothing reaches a half-destroyed server.
    const auto sessions = m_sessions.values();
    for (EngineIoSession *session : sessions)
        session->disconnect(this);
    qDeleteAll(sessions);
    m_sessions.clear();
}

bool EngineIoServer::listen(const QHostAddress &address, quint16 port)
{
    if (!m_listener->listen(address, port)) {
        m_errorString = u"cannot listen on %1:%2"_s.arg(address.toString()).arg(port);
        return false;
    }
    m_errorString.clear();
    return true;
}

void EngineIoServer::close()
{
    m_listener->close();
    const auto sessions = m_sessions.values();
    for (EngineIoSession *session : sessions)
        session->close(EngineIoSession::CloseReason::ServerClose);
}

bool EngineIoServer::isListening() const
{
    return m_listener->isListening();
}

quint16 EngineIoServer::serverPort() const
{
    return m_listener->serverPort();
}

QHostAddress EngineIoServer::serverAddress() const
{
    return m_listener->serverAddress();
}

void EngineIoServer::setOptions(const EngineIoOptions &options)
{
    m_options = options;
    m_sendBudget.setLimit(options.maxSendTotal);
    if (m_timerWheel.activeCount() == 0)
        m_timerWheel.setTick(wheelTick(options));
    applyListenerSettings();
    updateOwnNames();
}

HttpResponse EngineIoServer::errorResponse(int code, int status, const QByteArray &message)
{
    Q_ASSERT(!message.contains('"') && !message.contains('\\'));
    QByteArray body = "{\"code\":" + QByteArray::number(code) + ",\"message\":\""
            + (message.isEmpty() ? errorMessage(code) : message) + "\"}";
    return HttpResponse::json(status, std::move(body));
}

void EngineIoServer::updateOwnNames()
{
    m_ownNames.clear();
    m_allowedSuffixes.clear();
    m_anyHost = false;
    // The machine's own names: what a person on the LAN types, or mDNS resolves.
    const QByteArray hostName = QHostInfo::localHostName().toLower().toUtf8();
    if (!hostName.isEmpty()) {
        m_ownNames.insert(hostName);
        m_ownNames.insert(hostName + ".local");
        const QByteArray domain = QHostInfo::localDomainName().toLower().toUtf8();
        if (!domain.isEmpty())
            m_ownNames.insert(hostName + '.' + domain);
    }
    // A page allowed by CORS may be served by a name of this host too.
    for (const QString &origin : std::as_const(m_options.corsOrigins)) {
        const QString host = QUrl(origin).host().toLower();
        if (!host.isEmpty())
            m_ownNames.insert(host.toUtf8());
    }
    for (const QString &allowed : std::as_const(m_options.allowedHosts)) {
        QByteArray name = allowed.trimmed().toLower().toUtf8();
        if (name.endsWith('.') && name.size() > 1)
            name.chop(1);
        if (name == "*")
            m_anyHost = true;
        else if (name.startsWith('.'))
            m_allowedSuffixes.append(name);
        else if (!name.isEmpty())
            m_ownNames.insert(name);
    }
}

bool EngineIoServer::isHostAllowed(const HttpRequest &request) const
{
    if (m_anyHost)
        return true;
    const QList<QByteArray> values = request.headerValues("host");
    if (values.isEmpty())
        return true; // HTTP/1.0 without Host: no browser sends that (the parser wants it in 1.1)
    QByteArray host = values.constFirst().trimmed().toLower();
    if (host.startsWith('[')) {
        // An IPv6 literal, "[::1]:3000".
        const qsizetype end = host.indexOf(']');
        return end > 1 && QHostAddress().setAddress(QString::fromLatin1(host.mid(1, end - 1)));
    }
    if (const qsizetype colon = host.lastIndexOf(':'); colon >= 0)
        host.truncate(colon);
    if (host.endsWith('.'))
        host.chop(1); // "localhost." is "localhost"
    if (host.isEmpty())
        return false;
    // DNS rebinding needs a name the attacker's DNS answers for: a browser sends an IP
    // address as Host only for a page it loaded from that very address (browsers parse every
    // IPv4-looking host as an address, never as a name). So any address is this host as far
    // as a browser is concerned, and LAN addresses that change (DHCP, VPN) need no list.
    if (QHostAddress().setAddress(QString::fromLatin1(host)))
        return true;
    // RFC 6761 §6.3: browsers resolve localhost and *.localhost to loopback themselves.
    if (host == "localhost" || host.endsWith(".localhost"))
        return true;
    if (m_ownNames.contains(host))
        return true;
    return std::any_of(m_allowedSuffixes.cbegin(), m_allowedSuffixes.cend(),
                       [&](const QByteArray &suffix) {
                           return host.endsWith(suffix) || host == suffix.mid(1);
                       });
}

std::optional<HttpResponse> EngineIoServer::admitSession(const HttpRequest &request)
{
    std::optional<HttpResponse> refusal;
    if (m_options.maxSessions > 0 && m_sessions.size() >= m_options.maxSessions) {
        refusal = errorResponse(Forbidden, 503, "Too many sessions on this host");
        refusal->setHeader("Retry-After", "10");
    } else if (m_options.maxSessionsPerAddress > 0
               && m_sessionsByAddress.value(peerKey(request.remoteAddress))
                       >= m_options.maxSessionsPerAddress) {
        refusal = errorResponse(Forbidden, 429, "Too many sessions from this address");
        refusal->setHeader("Retry-After", "10");
    }
    if (refusal && m_refusalLogQuiet.hasExpired()) {
        // An attacker's handshakes must not flood the log either.
        m_refusalLogQuiet.setRemainingTime(std::chrono::seconds(10));
        qCInfo(lcEngineIo).noquote()
                << "refusing a session from" << request.remoteAddress.toString() << "with"
                << refusal->statusCode << refusal->body << "(" << m_sessions.size()
                << "sessions open; logged once per 10 s)";
    }
    return refusal;
}

bool EngineIoServer::isOriginAllowed(const HttpRequest &request) const
{
    const QByteArray origin = request.header("origin");
    if (origin.isEmpty())
        return true; // not a browser's cross-origin request
    if (m_options.corsOrigins.contains(u"*"_s))
        return true;
    const QString originText = QString::fromUtf8(origin);
    if (m_options.corsOrigins.contains(originText))
        return true;
    // Same origin: a page served by this host (the future web client) may always connect.
    const QUrl url(originText);
    const QByteArray host = request.header("host");
    QString originHost = url.host();
    if (originHost.contains(u':'))
        originHost = u'[' + originHost + u']'; // an IPv6 address, as the Host header writes it
    const QString authority
            = url.port() >= 0 ? u"%1:%2"_s.arg(originHost).arg(url.port()) : originHost;
    return !host.isEmpty() && QString::fromUtf8(host).compare(authority, Qt::CaseInsensitive) == 0;
}

bool EngineIoServer::applyCors(const HttpRequest &request, HttpResponse &response) const
{
    const QByteArray origin = request.header("origin");
    if (origin.isEmpty())
        return true;
    if (!isOriginAllowed(request))
        return false;
    const bool wildcard = m_options.corsOrigins.contains(u"*"_s) && !m_options.corsCredentials;
    response.setHeader("Access-Control-Allow-Origin", wildcard ? "*"_ba : origin);
    if (!wildcard)
        response.addHeader("Vary", "Origin");
    if (m_options.corsCredentials)
        response.setHeader("Access-Control-Allow-Credentials", "true");
    return true;
}

std::optional<HttpResponse> EngineIoServer::check(const HttpRequest &request, Checked &out) const
{
    if (!isOriginAllowed(request))
        return errorResponse(Forbidden, 403);
    const QString eio = request.query.queryItemValue(u"EIO"_s);
    if (eio == u"4")
        out.version = EngineIo::Version::V4;
    else if (eio == u"3" && m_options.allowEio3)
        out.version = EngineIo::Version::V3;
    else
        return errorResponse(UnsupportedProtocolVersion);
    out.transport = request.query.queryItemValue(u"transport"_s);
    if (!m_options.transports.contains(out.transport)
        || (out.transport != u"polling" && out.transport != u"websocket"))
        return errorResponse(UnknownTransport);
    out.sid = request.query.queryItemValue(u"sid"_s, QUrl::FullyDecoded);
    return std::nullopt;
}

void EngineIoServer::onRequest(HttpConnection *connection, const HttpRequest &request)
{
    if (!isHostAllowed(request)) {
        qCDebug(lcEngineIo) << "refusing Host" << request.header("host") << "from"
                            << request.remoteAddress.toString();
        connection->respond(errorResponse(Forbidden, 403, "Host not allowed"));
        return;
    }
    QString path = m_options.path;
    if (request.path != path && !(path.endsWith(u'/') && request.path == path.chopped(1))) {
        bool handled = false;
        Q_EMIT otherRequest(connection, request, &handled);
        if (!handled)
            connection->respond(HttpResponse::error(404));
        return;
    }

    if (request.method == HttpRequest::Method::Options) {
        // CORS preflight.
        HttpResponse response(204);
        if (!applyCors(request, response)) {
            connection->respond(errorResponse(Forbidden, 403));
            return;
        }
        response.setHeader("Access-Control-Allow-Methods", "GET, POST");
        const QByteArray requested = request.header("access-control-request-headers");
        if (!requested.isEmpty())
            response.setHeader("Access-Control-Allow-Headers", requested);
        response.setHeader("Access-Control-Max-Age", "86400");
        connection->respond(response);
        return;
    }

    Checked checked;
    std::optional<HttpResponse> error = check(request, checked);
    if (!error && checked.transport != u"polling")
        error = errorResponse(BadRequest); // a WebSocket transport requested without Upgrade
    if (error) {
        applyCors(request, *error);
        connection->respond(*error);
        return;
    }

    if (checked.sid.isEmpty()) {
        if (request.method != HttpRequest::Method::Get) {
            HttpResponse response = errorResponse(BadHandshakeMethod);
            applyCors(request, response);
            connection->respond(response);
            return;
        }
        if (std::optional<HttpResponse> refused = admitSession(request)) {
            applyCors(request, *refused);
            connection->respond(*refused);
            return;
        }
        EngineIoSession *session
                = createSession(checked.version, request, EngineIoSession::Transport::Polling);
        session->startPolling(connection, request);
        return;
    }

    EngineIoSession *session = liveSession(checked.sid);
    int code = -1;
    if (!session)
        code = UnknownSid;
    else if (session->transport() != EngineIoSession::Transport::Polling
             || session->version() != checked.version)
        code = BadRequest; // e.g. a poll after the upgrade
    else if (request.method != HttpRequest::Method::Get
             && request.method != HttpRequest::Method::Post)
        code = BadRequest;
    if (code >= 0) {
        HttpResponse response = errorResponse(code);
        applyCors(request, response);
        connection->respond(response);
        return;
    }
    if (request.method == HttpRequest::Method::Get)
        session->handlePoll(connection, request);
    else
        session->handlePost(connection, request);
}

void EngineIoServer::onUpgradeRequest(QTcpSocket *socket, const HttpRequest &head)
{
    if (!isHostAllowed(head)) {
        qCDebug(lcEngineIo) << "refusing upgrade with Host" << head.header("host") << "from"
                            << head.remoteAddress.toString();
        HttpConnection::respondAndClose(socket, errorResponse(Forbidden, 403, "Host not allowed"));
        return;
    }
    QString path = m_options.path;
    if (head.path != path && !(path.endsWith(u'/') && head.path == path.chopped(1))) {
        HttpConnection::respondAndClose(socket, HttpResponse::error(404));
        return;
    }
    Checked checked;
    std::optional<HttpResponse> error = check(head, checked);
    if (!error && checked.transport != u"websocket")
        error = errorResponse(BadRequest);
    if (!error && !checked.sid.isEmpty()) {
        EngineIoSession *session = liveSession(checked.sid);
        if (!session)
            error = errorResponse(UnknownSid);
        else if (!m_options.allowUpgrades || session->version() != checked.version)
            error = errorResponse(BadRequest);
        // A second WebSocket for a session that has one is accepted and then closed at once
        // (see EngineIoSession::probeWebSocket), as the reference server does.
    }
    if (!error && checked.sid.isEmpty())
        error = admitSession(head); // refused before the 101: no WebSocket is ever opened
    if (error) {
        qCDebug(lcEngineIo) << "refusing upgrade" << head.target << error->statusCode;
        HttpConnection::respondAndClose(socket, *error);
        return;
    }
    if (const auto refused = WebSocketConnection::checkHandshake(head)) {
        // Both engines: the same 426/400 a native host gives, before any engine sees it.
        qCDebug(lcEngineIo) << "refusing WebSocket handshake" << refused->statusCode;
        HttpConnection::respondAndClose(socket, *refused);
        return;
    }
    if (m_options.webSocketEngine == WebSocketEngine::Qt) {
        upgradeWithQt(socket, head, checked.sid, checked.version);
        return;
    }
    WebSocketConnection *webSocket
            = WebSocketConnection::accept(socket, head, m_options.maxPayload, this);
    if (!webSocket)
        return; // the client went away meanwhile
    m_listener->trackConnection(webSocket);
    attachUpgraded(webSocket, head, checked.sid, checked.version);
}

void EngineIoServer::attachUpgraded(HostWebSocket *webSocket, const HttpRequest &head,
                                    const QString &sid, EngineIo::Version version)
{
    qCDebug(lcEngineIo) << "WebSocket from" << head.remoteAddress.toString() << "on the"
                        << webSocketEngineName(m_options.webSocketEngine) << "engine";
    if (sid.isEmpty()) {
        EngineIoSession *session
                = createSession(version, head, EngineIoSession::Transport::WebSocket);
        session->startWebSocket(webSocket);
        return;
    }
    // Native: the session was there a moment ago, and nothing ran since. Qt: the handshake
    // took an event-loop pass, in which the session may have closed.
    if (EngineIoSession *session = m_sessions.value(sid))
        session->probeWebSocket(webSocket);
    else
        webSocket->close();
}

void EngineIoServer::upgradeWithQt(QTcpSocket *socket, const HttpRequest &head, const QString &sid,
                                   EngineIo::Version version)
{
    if (!m_qtWebSockets) {
        m_qtWebSockets
                = std::make_unique<QWebSocketServer>(u"Confab"_s, QWebSocketServer::NonSecureMode);
        // Drained at every newConnection(): the queue never holds more than a moment's worth.
        m_qtWebSockets->setMaxPendingConnections(std::numeric_limits<int>::max());
        m_qtWebSockets->setHandshakeTimeout(m_options.httpTimeout);
        connect(m_qtWebSockets.get(), &QWebSocketServer::newConnection, this,
                &EngineIoServer::onQtWebSocketsReady);
    }
    if (socket->state() != QAbstractSocket::ConnectedState) {
        socket->deleteLater();
        return;
    }
    // The TCP connection counts toward maxConnections until the socket is gone. Through a
    // child: QWebSocket disconnects everything from the socket's signals, destroyed() included.
    m_listener->trackConnection(new QObject(socket));
    const std::pair key{head.remoteAddress, head.remotePort};
    m_pendingUpgrades.insert(key, PendingUpgrade{socket, head, sid, version});
    // A handshake QWebSocketServer gave up on (its handshake timeout; the client left) closes
    // the socket and leaves it to us.
    connect(socket, &QTcpSocket::disconnected, this, [this, key, socket] {
        if (auto it = m_pendingUpgrades.find(key);
            it != m_pendingUpgrades.end() && it->socket == socket) {
            m_pendingUpgrades.erase(it);
            socket->deleteLater();
        }
    });
    // QWebSocket writes a frame in pieces: let Qt's buffer gather them (see DirectTcpSocket).
    if (auto *direct = qobject_cast<DirectTcpSocket *>(socket))
        direct->setWriteThrough(false);
    // HttpConnection only peeked at the request head: QWebSocketServer reads it again and
    // answers 101 itself (checked above so that it accepts what the native engine accepts).
    m_qtWebSockets->handleConnection(socket);
}

void EngineIoServer::onQtWebSocketsReady()
{
    while (QWebSocket *ws = m_qtWebSockets->nextPendingConnection()) {
        const PendingUpgrade pending = m_pendingUpgrades.take({ws->peerAddress(), ws->peerPort()});
        if (!pending.socket) {
            qCWarning(lcEngineIo) << "WebSocket from" << ws->peerAddress() << "without a request";
            ws->abort();
            ws->deleteLater();
            continue;
        }
        auto *webSocket = new QtWebSocketConnection(ws, pending.socket, m_options.maxPayload, this);
        attachUpgraded(webSocket, pending.head, pending.sid, pending.version);
    }
}

EngineIoSession *EngineIoServer::liveSession(const QString &sid)
{
    EngineIoSession *session = m_sessions.value(sid);
    return session && !session->expireIfOverdue() ? session : nullptr;
}

QString EngineIoServer::generateSid() const
{
    for (;;) {
        QString sid = randomId();
        if (!m_sessions.contains(sid))
            return sid;
    }
}

EngineIoSession *EngineIoServer::createSession(EngineIo::Version version,
                                               const HttpRequest &request,
                                               EngineIoSession::Transport transport)
{
    auto *session
            = new EngineIoSession(generateSid(), version, request, transport, this, m_traffic);
    m_sessions.insert(session->sid(), session);
    ++m_sessionsByAddress[peerKey(request.remoteAddress)];
    connect(session, &EngineIoSession::closed, this, [this, session] { onSessionClosed(session); });
    qCDebug(lcEngineIo) << "session" << session->sid() << "opened on" << session->transportName()
                        << "from" << request.remoteAddress.toString();
    Q_EMIT sessionOpened(session);
    return session;
}

void EngineIoServer::onSessionClosed(EngineIoSession *session)
{
    m_sessions.remove(session->sid());
    const QByteArray address = peerKey(session->handshakeRequest().remoteAddress);
    if (auto it = m_sessionsByAddress.find(address); it != m_sessionsByAddress.end() && --*it <= 0)
        m_sessionsByAddress.erase(it);
    Q_EMIT sessionClosed(session);
    session->deleteLater();
}

} // namespace Confab
