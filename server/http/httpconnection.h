// SPDX-License-Identifier: MIT
#pragma once

#include "httprequest.h"
#include "httprequestparser.h"

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QTimer>

#include <chrono>

class QTcpSocket;

namespace Confab::Http {

//! \brief Limits and timeouts of one HTTP connection (HttpListener applies them to each one).
struct HttpConnectionSettings
{
    //! Request line + headers; a longer head is answered 431.
    qsizetype maxHeadSize = 16 * 1024;
    //! Body of each request; a larger one is answered 413 without being read.
    qint64 maxBodySize = 1'000'000;
    //! From the first byte of a request (or from accept) to the end of its head; then 408.
    //! This is the slowloris guard, so it is not restarted by each byte that trickles in.
    std::chrono::milliseconds headTimeout{30'000};
    //! From the end of the head to the end of the body; then 408.
    std::chrono::milliseconds bodyTimeout{60'000};
    //! How long a keep-alive connection may wait for its next request before it is closed.
    std::chrono::milliseconds idleTimeout{60'000};
    //! After an error response, how long unread input is drained before closing: closing
    //! with unread bytes makes the kernel send RST, which can destroy the response on its way.
    std::chrono::milliseconds lingerTimeout{2'000};
};

//! \brief Serves HTTP/1.1 on one accepted QTcpSocket, one request at a time.
//!
//! Incoming bytes are only peeked until a whole request head is available. A WebSocket
//! upgrade request is then handed over with the socket's read buffer intact (see
//! webSocketUpgradeRequested()); any other request is consumed exactly (its head and body,
//! nothing of a pipelined next request), reported by requestReceived(), and the connection
//! waits — without any timeout — until respond() is called, however much later. Only then is
//! the next request read, so further pipelined bytes stay in the socket's bounded buffer.
//!
//! Malformed or oversized requests, and timeouts, are answered by the connection itself with
//! an error status and "Connection: close"; the owner never sees them.
//!
//! Ordering: after requestReceived(), either the owner calls respond() or, if the peer goes
//! away first, requestAborted() is emitted (abort() by the owner emits neither). closed() is
//! emitted once, last; the object may then be deleted (HttpListener does deleteLater()), so
//! owners that answer later hold it in a QPointer. While a request is held and the client
//! has pipelined more than the bounded read buffer, Qt stops reading the socket, so a close
//! by the peer is only noticed (requestAborted()) once reading resumes.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    enum class State {
        ReadingHead, //!< waiting for (the rest of) a request head; timeouts apply
        ReadingBody, //!< reading a request body; body timeout applies
        AwaitingResponse, //!< requestReceived() was emitted; no timeout until respond()
        Closing, //!< a final response is being flushed; input is discarded
        Closed, //!< the socket is closed
        HandedOver, //!< the socket went to the receiver of webSocketUpgradeRequested()
    };
    Q_ENUM(State)

    //! \brief Takes ownership of the connected \a socket.
    explicit HttpConnection(QTcpSocket *socket, const HttpConnectionSettings &settings = {},
                            QObject *parent = nullptr);
    ~HttpConnection() override;

    State state() const { return m_state; }
    //! \brief True between requestReceived() and respond() (or requestAborted()).
    bool isRequestPending() const { return m_state == State::AwaitingResponse; }

    //! \brief Answers the pending request. Safe to call at any time: without a pending
    //! request (the peer went away, it was answered already) it does nothing and returns false.
    bool respond(const HttpResponse &response);

    //! \brief Drops the connection at once, without a response and without requestAborted().
    void abort();

    //! \brief Body limit for the requests that follow (current one included if its body has
    //! not started).
    void setMaxBodySize(qint64 bytes);
    qint64 maxBodySize() const { return m_settings.maxBodySize; }
    const HttpConnectionSettings &settings() const { return m_settings; }

    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }
    //! \brief Requests delivered through requestReceived() so far.
    quint64 requestCount() const { return m_requestCount; }
    //! \brief Bytes currently held in the socket's read buffer (bounded; see the .cpp).
    qint64 bufferedBytes() const;

    //! \brief Writes \a response with "Connection: close" on a socket no HttpConnection
    //! serves, then closes and deletes \a socket (ownership is taken). Use it to refuse a
    //! handed-over upgrade request with an HTTP status, e.g. "400 unknown session id".
    static void respondAndClose(QTcpSocket *socket, const HttpResponse &response);

Q_SIGNALS:
    //! \brief A complete request arrived; answer it with respond(), now or later.
    void requestReceived(const HttpRequest &request);
    //! \brief The peer closed or reset the connection while a request was pending.
    void requestAborted();
    //! \brief A WebSocket upgrade request arrived (possibly after keep-alive requests).
    //!
    //! \a socket still holds the whole request in its read buffer (head.headSize bytes, then
    //! any frames the client sent behind it). This connection has disconnected from it and
    //! released it (no parent): the receiver owns it and passes it to
    //! WebSocketConnection::accept() (or QWebSocketServer::handleConnection()), or refuses it
    //! with respondAndClose().
    //! \a head is the parsed request, e.g. to route on its path or query. closed() follows.
    //! If nothing is connected to this signal, the request is answered 501 instead.
    void webSocketUpgradeRequested(QTcpSocket *socket, const HttpRequest &head);
    //! \brief The connection is over (closed, or handed over); emitted once.
    void closed();

private:
    enum class TimerPurpose { None, Idle, Head, Body, Linger, CloseDeadline };

    void processIncoming();
    void scheduleProcessing();
    bool readHead();
    bool readBody();
    void deliverRequest();
    void handOver(const HttpRequest &head);
    void failRequest(int status, const QByteArray &detail);
    void closeAfterFlush(bool linger);
    void discardInput();
    void onTimeout();
    void onSocketGone();
    void armTimer(TimerPurpose purpose, std::chrono::milliseconds timeout);

    QPointer<QTcpSocket> m_socket;
    HttpConnectionSettings m_settings;
    HttpRequestParser m_parser;
    QTimer m_timer;
    TimerPurpose m_timerPurpose = TimerPurpose::None;
    State m_state = State::ReadingHead;
    QHostAddress m_peerAddress;
    quint16 m_peerPort = 0;
    bool m_secure = false; // a QSslSocket: TLS from the first byte (HttpListener)
    qint64 m_originalReadBufferSize = 0;
    qsizetype m_headPeeked = 0; // head bytes the parser has seen but the socket still holds
    bool m_processingScheduled = false;
    bool m_requestKeepAlive = true;
    bool m_requestIsHead = false;
    quint64 m_requestCount = 0;
};

} // namespace Confab::Http
