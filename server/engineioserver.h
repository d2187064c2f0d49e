// SPDX-License-Identifier: MIT
#pragma once

#include "engineiooptions.h"
#include "engineiosession.h"
#include "http/httprequest.h"
#include "timerwheel.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtNetwork/QHostAddress>

#include <memory>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE
class HttpConnection;
class HttpListener;

namespace Confab {

//! \brief The Engine.IO server: one TCP port, HTTP long-polling and WebSocket, sessions.
//!
//! Requests under options().path are Engine.IO; anything else is offered to
//! otherRequest() (404 when nobody answers). Every new session is announced with
//! sessionOpened() before its first packet can arrive.
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
    quint64 bytesReceived() const { return m_bytesIn; }
    quint64 bytesSent() const { return m_bytesOut; }

    //! \brief The one timer service of every session's heartbeat and timeouts.
    TimerWheel *timerWheel() { return &m_timerWheel; }

    //! \brief Adds the CORS headers that \a request's Origin earns; true if it is allowed.
    bool applyCors(const HttpRequest &request, HttpResponse &response) const;

Q_SIGNALS:
    void sessionOpened(Confab::EngineIoSession *session);
    //! \brief After closed() of the session; the pointer is only an identity now.
    void sessionClosed(Confab::EngineIoSession *session);
    //! \brief A request outside the Engine.IO path; respond on \a connection (or it gets 404).
    void otherRequest(HttpConnection *connection, const HttpRequest &request, bool *handled);

private:
    friend class EngineIoSession;
    struct Checked;

    void applyListenerSettings();
    void onRequest(HttpConnection *connection, const HttpRequest &request);
    void onUpgradeRequest(QTcpSocket *socket, const HttpRequest &head);
    std::optional<HttpResponse> check(const HttpRequest &request, Checked &out) const;
    EngineIoSession *createSession(EngineIo::Version version, const HttpRequest &request,
                                   EngineIoSession::Transport transport);
    void onSessionClosed(EngineIoSession *session);
    bool isOriginAllowed(const HttpRequest &request) const;
    //! The reference server's error body, {"code":N,"message":"..."}.
    static HttpResponse errorResponse(int code, int status = 400);
    QString generateSid() const;

    EngineIoOptions m_options;
    TimerWheel m_timerWheel;
    std::unique_ptr<HttpListener> m_listener;
    QHash<QString, EngineIoSession *> m_sessions;
    QString m_errorString;
    quint64 m_bytesIn = 0;
    quint64 m_bytesOut = 0;
};

} // namespace Confab
