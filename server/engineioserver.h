// SPDX-License-Identifier: MIT
#pragma once

#include "engineiooptions.h"
#include "engineiosession.h"
#include "http/httprequest.h"
#include "http/sendbudget.h"
#include "peerkey.h"
#include "timerwheel.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QSet>
#include <QtNetwork/QHostAddress>

#include <memory>
#include <utility>

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QWebSocketServer;
QT_END_NAMESPACE

namespace Confab {

namespace Http {
class HostWebSocket;
class HttpConnection;
class HttpListener;
} // namespace Http

//! \brief The Engine.IO server: one TCP port, HTTP long-polling and WebSocket, sessions.
//!
//! Requests under options().path are Engine.IO; anything else is offered to
//! otherRequest() (404 when nobody answers). Every new session is announced with
//! sessionOpened() before its first packet can arrive.
//!
//! What a peer can make the host hold is bounded: sessions per remote address and in total
//! (EngineIoOptions::maxSessionsPerAddress, maxSessions; polling and WebSocket alike, a
//! handshake over them is refused before a session or a 101 exists), the bytes waiting for
//! each session (EngineIoOptions::sendQueueLimit()) and to all of them together
//! (EngineIoOptions::maxSendTotal, see sendBudget()), and TCP connections (WebSocket ones
//! included). A request whose Host header names neither this host nor an allowed name is
//! refused with 403 (DNS rebinding: a web page whose name was pointed at this host must not
//! be treated as same-origin; see isHostAllowed()).
class EngineIoServer : public QObject
{
    Q_OBJECT
public:
    explicit EngineIoServer(const EngineIoOptions &options = {}, QObject *parent = nullptr);
    ~EngineIoServer() override;

    //! \brief Starts listening; port 0 picks a free one (see serverPort()).
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    void close();
    bool isListening() const;
    //! \brief The HTTP front end: its TLS (HttpListener::setTls()) and counters.
    Http::HttpListener *httpListener() const { return m_listener.get(); }
    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    QString errorString() const { return m_errorString; }

    const EngineIoOptions &options() const { return m_options; }
    //! \brief Takes effect for new sessions.
    void setOptions(const EngineIoOptions &options);

    EngineIoSession *session(const QString &sid) const { return m_sessions.value(sid); }
    QList<EngineIoSession *> sessions() const { return m_sessions.values(); }
    int sessionCount() const { return int(m_sessions.size()); }

    //! \brief Bytes read from and written to all transports since the start (payload bytes).
    quint64 bytesReceived() const { return m_traffic.bytesIn; }
    quint64 bytesSent() const { return m_traffic.bytesOut; }

    //! \brief What every session's polling queue and WebSocket owe their clients, against
    //! EngineIoOptions::maxSendTotal.
    const Http::SendBudget &sendBudget() const { return m_sendBudget; }
    Http::SendBudget &sendBudget() { return m_sendBudget; }

    //! \brief The one timer service of every session's heartbeat and timeouts.
    TimerWheel *timerWheel() { return &m_timerWheel; }

    //! \brief Adds the CORS headers that \a request's Origin earns; true if it is allowed.
    bool applyCors(const Http::HttpRequest &request, Http::HttpResponse &response) const;
    //! \brief Whether \a request's Host header names this host: any IP address (a browser
    //! can only be rebound through a name), "localhost" and *.localhost, the machine's host
    //! name (also NAME.local and NAME.domain), the hosts of the CORS origins, or
    //! EngineIoOptions::allowedHosts. A request without Host (HTTP/1.0) is allowed: every
    //! browser sends one.
    bool isHostAllowed(const Http::HttpRequest &request) const;
    //! \brief The reference server's error body, {"code":N,"message":"..."}; \a message
    //! (plain ASCII, no quotes) replaces the standard one, as the reference's allowRequest()
    //! does. Sessions answer their own bad requests with it.
    static Http::HttpResponse errorResponse(int code, int status = 400,
                                            const QByteArray &message = {});
    //! \brief Open sessions whose handshake came from \a address (an IPv6 one: from its /64,
    //! see peerKey()).
    int sessionCount(const QHostAddress &address) const
    {
        return m_sessionsByAddress.value(peerKey(address));
    }

Q_SIGNALS:
    void sessionOpened(Confab::EngineIoSession *session);
    //! \brief After closed() of the session; the pointer is only an identity now.
    void sessionClosed(Confab::EngineIoSession *session);
    //! \brief A request outside the Engine.IO path; respond on \a connection (or it gets 404).
    void otherRequest(Confab::Http::HttpConnection *connection,
                      const Confab::Http::HttpRequest &request, bool *handled);

private:
    struct Checked;

    void applyListenerSettings();
    void onRequest(Http::HttpConnection *connection, const Http::HttpRequest &request);
    void onUpgradeRequest(QTcpSocket *socket, const Http::HttpRequest &head);
    //! The qt engine: hands \a socket (request head unread) to QWebSocketServer.
    void upgradeWithQt(QTcpSocket *socket, const Http::HttpRequest &head, const QString &sid,
                       EngineIo::Version version);
    void onQtWebSocketsReady();
    //! Gives \a webSocket, open, to a new session (no \a sid) or to session \a sid as a probe.
    void attachUpgraded(Http::HostWebSocket *webSocket, const Http::HttpRequest &head,
                        const QString &sid, EngineIo::Version version);
    std::optional<Http::HttpResponse> check(const Http::HttpRequest &request, Checked &out) const;
    EngineIoSession *createSession(EngineIo::Version version, const Http::HttpRequest &request,
                                   EngineIoSession::Transport transport);
    void onSessionClosed(EngineIoSession *session);
    //! Session \a sid, unless it has ended or its heartbeat deadline has just passed (which
    //! ends it now: see EngineIoSession::expireIfOverdue()).
    EngineIoSession *liveSession(const QString &sid);
    bool isOriginAllowed(const Http::HttpRequest &request) const;
    //! The refusal of a new session over the caps, or nothing.
    std::optional<Http::HttpResponse> admitSession(const Http::HttpRequest &request);
    void updateOwnNames();
    QString generateSid() const;

    EngineIoOptions m_options;
    //! Before the sessions' and WebSockets' accounts: ~SendBudget() lets any still alive go.
    Http::SendBudget m_sendBudget;
    TimerWheel m_timerWheel;
    std::unique_ptr<Http::HttpListener> m_listener;
    //! The qt engine's handshakes (made when first needed; never listens itself).
    std::unique_ptr<QWebSocketServer> m_qtWebSockets;
    struct PendingUpgrade
    {
        QPointer<QTcpSocket> socket;
        Http::HttpRequest head;
        QString sid;
        EngineIo::Version version = EngineIo::Version::V4;
    };
    //! Upgrades QWebSocketServer is completing, by the peer's address and port (what the
    //! QWebSocket it returns still knows of its TCP connection).
    QHash<std::pair<QHostAddress, quint16>, PendingUpgrade> m_pendingUpgrades;
    QHash<QString, EngineIoSession *> m_sessions;
    QHash<QByteArray, int> m_sessionsByAddress; //!< by peerKey()
    //! Lowercase names the Host header may carry (see isHostAllowed()).
    QSet<QByteArray> m_ownNames;
    QList<QByteArray> m_allowedSuffixes; //!< ".example.org": any name under it
    bool m_anyHost = false;
    QDeadlineTimer m_refusalLogQuiet; //!< refusals are logged at most every few seconds
    QString m_errorString;
    TrafficCounters m_traffic; //!< its sessions add to it
};

} // namespace Confab
