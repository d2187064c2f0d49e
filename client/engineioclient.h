// SPDX-License-Identifier: MIT
#pragma once

#include "clientoptions.h"

#include <engineiohandshake.h>
#include <engineiopacket.h>

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtCore/QUrl>
#include <QtCore/QUrlQuery>

class QNetworkAccessManager;

namespace Confab::Client {

class ClientTransport;
class PollingTransport;
class WebSocketTransport;

//! \brief One Engine.IO v4 session over long-polling, WebSocket, or polling upgraded to
//! WebSocket.
//!
//! Lives in the thread that creates it and reports through signals only. It answers pings,
//! declares the server dead when no ping arrives within pingInterval + pingTimeout, batches
//! polling writes within the server's maxPayload (and 16 packets, python-engineio's limit),
//! and never abandons a pending long-poll except when shutting down. It does not reconnect:
//! that is SocketIoClient's job.
//!
//! The session logic (handshake, heartbeat, the upgrade's probe and pause, the close) lives
//! here; moving bytes is a ClientTransport's: PollingTransport or WebSocketTransport.
//!
//! It bounds what it reads while reading: an HTTP response whose Content-Length, or whose bytes
//! received so far, exceed Options::limits.maxPayload (64 KiB before the handshake) is aborted,
//! and so is a WebSocket frame or message over the same limit (closed with 1009); the session
//! then ends with CloseReason::ProtocolError. With a pinned certificate, only that certificate
//! is accepted: no CA is consulted.
//!
//! Signal order: opened() once per successful open(), then messageReceived() any number of
//! times, then closed() exactly once per open() call (also when opening failed).
class EngineIoClient : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString transport READ transportName NOTIFY transportChanged)
public:
    enum class State { Closed, Opening, Open, Closing };
    Q_ENUM(State)

    //! Why a session ended (or never began).
    enum class CloseReason {
        ClientClose, //!< close() or abort() was called
        ServerClose, //!< the server sent a close packet
        TransportError, //!< connection refused, reset, HTTP error, WebSocket closed...
        TlsError, //!< the server's certificate was not trusted
        PingTimeout, //!< no ping within pingInterval + pingTimeout
        ProtocolError, //!< the server sent something that does not decode
    };
    Q_ENUM(CloseReason)

    //! What one session needs; usually derived from ClientOptions.
    struct Options
    {
        QUrl httpUrl; //!< http(s)://host:port/socket.io/
        QUrl wsUrl; //!< ws(s)://host:port/socket.io/
        QUrlQuery query;
        QList<QPair<QByteArray, QByteArray>> headers;
        TransportMode transports = TransportMode::Auto;
        std::chrono::milliseconds connectTimeout{20000};
        //! The only server certificate accepted when set (see ClientOptions).
        QByteArray trustedCertificateSha256;
        //! maxPayload bounds every HTTP response and WebSocket message read.
        Protocol::Limits limits;
    };

    explicit EngineIoClient(QObject *parent = nullptr);
    ~EngineIoClient() override;

    //! Starts a new session; a session still open is aborted first.
    void open(const Options &options);
    //! Sends what is queued and a close packet, then ends the session; closed() follows.
    void close();
    //! Ends the session at once, without telling the server.
    void abort();

    //! Queues packets; they leave together and in order (a Socket.IO packet and its
    //! attachments). False when one is larger than the server's maxPayload, or not open.
    bool send(const QList<Confab::EngineIo::Packet> &packets);

    State state() const { return m_state; }
    //! "polling", "websocket", or empty when closed.
    QString transportName() const;
    const EngineIo::Handshake &handshake() const { return m_handshake; }
    //! Closed, and the last bytes of a graceful close have left (or failed to).
    bool isDrained() const { return m_state == State::Closed && m_lingering == 0; }
    //! True once the polling→WebSocket upgrade (or a WebSocket-only open) has happened.
    bool isWebSocket() const;

Q_SIGNALS:
    void stateChanged(Confab::Client::EngineIoClient::State state);
    //! The handshake succeeded; send() may be used.
    void opened();
    //! A message packet (text or binary) from the server.
    void messageReceived(const Confab::EngineIo::Packet &packet);
    void transportChanged(const QString &name);
    //! The session is over; \a detail is a readable reason.
    void closed(Confab::Client::EngineIoClient::CloseReason reason, const QString &detail);
    //! After closed(): the last bytes have left; nothing of the session remains.
    void drained();

private:
    PollingTransport *polling() const;
    void setState(State state);
    //! The most a server may send in one HTTP response or WebSocket message right now.
    qsizetype receiveLimit() const;

    void startPollingHandshake();
    void startWebSocket();
    void useWebSocket(WebSocketTransport *transport);
    void onOpenPacket(const EngineIo::Packet &packet);

    void onPollingPackets(const QList<EngineIo::Packet> &packets);
    void onPollingWritten();
    void poll();
    void flush();
    void onWebSocketPackets(const QList<EngineIo::Packet> &packets);

    void startProbe();
    void dropProbe(const QString &why);
    void pausePolling();
    void maybeFinishPause();
    void finishUpgrade();

    void handlePacket(const EngineIo::Packet &packet);
    void resetWatchdog();

    void fail(CloseReason reason, const QString &detail);
    void teardown(bool graceful);
    void discardTransport(ClientTransport *transport, bool graceful);

    Options m_options;
    State m_state = State::Closed;
    EngineIo::Handshake m_handshake;
    //! Shared by every polling transport, so its connections outlive one session.
    QNetworkAccessManager *m_nam = nullptr;
    //! What carries the session: polling until an upgrade, or a WebSocket.
    QPointer<ClientTransport> m_transport;
    //! The WebSocket being probed while polling carries the session.
    QPointer<WebSocketTransport> m_probe;
    //! The session's outbound queue; it waits here while an upgrade pauses polling.
    QList<EngineIo::Packet> m_writeQueue;
    bool m_pausing = false; //!< upgrade: waiting for the in-flight GET/POST to finish
    QTimer m_watchdog;
    QTimer m_connectTimer;
    QTimer m_closeTimer;
    int m_lingering = 0; //!< WebSockets still sending their close handshake
};

} // namespace Confab::Client
