// SPDX-License-Identifier: MIT
#pragma once

#include "engineiooptions.h"
#include "engineiopacket.h"
#include "http/httprequest.h"
#include "http/sendbudget.h"
#include "timerwheel.h"

#include <QtCore/QDateTime>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QObject>
#include <QtCore/QPointer>

namespace Confab {

namespace Http {
class HostWebSocket;
class HttpConnection;
} // namespace Http

class EngineIoServer;

//! \brief Payload bytes through every transport of a server's sessions.
//!
//! The server owns one and hands it to each session it creates, so that a session adds to
//! it with a plain addition per frame, without reaching into the server.
struct TrafficCounters
{
    quint64 bytesIn = 0;
    quint64 bytesOut = 0;
};

//! \brief One client's Engine.IO session: its transport, heartbeat, upgrade and send queue.
//!
//! Created by EngineIoServer on a handshake. The session starts on long-polling or on a
//! WebSocket; a polling session may be upgraded (probe "2probe"/"3probe", then "5"). Messages
//! sent while no transport can carry them wait in a queue. What waits, in that queue or in the
//! WebSocket's, is bounded by EngineIoOptions::sendQueueLimit(): a client that asks for more
//! than it reads (say, one POST of many requests and never a GET) is closed
//! (CloseReason::TransportError). Both also count against the server's SendBudget
//! (EngineIoOptions::maxSendTotal): past it, the session owed the most is closed the same way.
//! The session ends once, with closed(); the server deletes it afterwards.
class EngineIoSession : public QObject, public Http::SendBudget::Account
{
    Q_OBJECT
public:
    enum class Transport { Polling, WebSocket };
    Q_ENUM(Transport)

    //! \brief Why a session ended; mapped to Socket.IO's disconnect reasons.
    enum class CloseReason {
        ServerClose, //!< close() was called (server-side disconnect, shutdown)
        ClientClose, //!< the client sent the close packet
        TransportClose, //!< the WebSocket or TCP connection went away
        TransportError, //!< a held poll was aborted, or another transport failure
        PingTimeout, //!< the client did not answer a ping in time
        ParseError, //!< the client sent something that does not decode
    };
    Q_ENUM(CloseReason)

    //! \brief A session on \a transport, its first; start it with startPolling() or
    //! startWebSocket() to match. \a traffic, which the session adds its bytes to, must
    //! outlive it.
    EngineIoSession(const QString &sid, EngineIo::Version version,
                    const Http::HttpRequest &handshake, Transport transport, EngineIoServer *server,
                    TrafficCounters &traffic);
    ~EngineIoSession() override;

    QString sid() const { return m_sid; }
    EngineIo::Version version() const { return m_version; }
    Transport transport() const { return m_transport; }
    QString transportName() const;
    //! \brief The request that opened the session: headers, query, remote address.
    const Http::HttpRequest &handshakeRequest() const { return m_handshake; }
    QDateTime openedAt() const { return m_openedAt; }
    bool isOpen() const { return m_state != State::Closed; }
    bool isUpgrading() const { return !m_probe.isNull(); }
    //! \brief A long-poll GET is held, waiting for something to send.
    bool hasPendingPoll() const { return !m_heldPoll.isNull(); }

    //! \brief Queues packets and sends them as soon as the transport allows.
    //!
    //! Past the send-queue limit the queue is dropped, nothing more is queued, and the
    //! session closes from the event loop (not inside this call: a broadcast may be walking
    //! a room that the close would change).
    void send(const EngineIo::Packet &packet);
    void send(const QList<EngineIo::Packet> &packets);

    //! \brief Ends the session: queued packets are still delivered, then the close packet.
    void close(CloseReason reason = CloseReason::ServerClose);
    //! \brief Ends the session at once, dropping what is queued (e.g. on a protocol error).
    void abort(CloseReason reason, const QString &detail = {}) { finish(reason, detail); }

    //! \brief Bytes waiting in the polling queue, each packet with its bookkeeping.
    qint64 queuedBytes() const { return m_queuedBytes; }
    //! \brief What one queued packet costs beyond its data, as queuedBytes() counts it.
    static constexpr qint64 PacketOverhead = qint64(sizeof(EngineIo::Packet));

    quint64 packetsReceived() const { return m_packetsIn; }
    quint64 packetsSent() const { return m_packetsOut; }

    // Driven by the EngineIoServer that created the session, which has checked each request
    // first: its sid names this session, its protocol version is the session's, and its
    // transport is the one the call is for.

    //! \brief Answers the handshake GET of a session created on Transport::Polling with the
    //! open packet.
    void startPolling(Http::HttpConnection *connection, const Http::HttpRequest &request);
    //! \brief Sends the open packet over \a socket, the WebSocket of a session created on
    //! Transport::WebSocket; the session owns the socket from now on.
    void startWebSocket(Http::HostWebSocket *socket);
    //! \brief A long-poll GET: answered at once if packets are queued, else held until
    //! something is (the next ping at the latest). A second GET while one is held ends the
    //! session, as the reference server does.
    void handlePoll(Http::HttpConnection *connection, const Http::HttpRequest &request);
    //! \brief A POST carrying the client's packets.
    void handlePost(Http::HttpConnection *connection, const Http::HttpRequest &request);
    //! \brief An upgrade attempt: \a socket becomes the transport once the client completes
    //! the probe; it is closed if the session has a WebSocket, a probe, or has ended. The
    //! session owns the socket from now on.
    void probeWebSocket(Http::HostWebSocket *socket);
    //! \brief Ends the session with CloseReason::PingTimeout if its heartbeat deadline has
    //! passed (v4: the pong is overdue; v3: the client has been silent too long); true if it
    //! did or the session had ended already.
    //!
    //! The deadline timer fires up to one tick of the wheel late; a request that arrives in
    //! between must find the session as dead as the timer would have left it (the official
    //! compliance suites poll exactly pingInterval + pingTimeout after the handshake).
    bool expireIfOverdue();

Q_SIGNALS:
    //! \brief A message packet (text or binary) arrived.
    void messageReceived(const Confab::EngineIo::Packet &packet);
    //! \brief The session moved to another transport (an upgrade completed).
    void transportChanged(Confab::EngineIoSession::Transport transport);
    //! \brief The session is over; emitted once. No signal follows.
    void closed(Confab::EngineIoSession::CloseReason reason, const QString &detail);

private:
    enum class State { Open, Closing, Closed };

    void sendOpenPacket();
    void flush();
    void checkQueueLimit();
    //! Drops the queue now, closes from the event loop; nothing more is queued.
    void overflow(const QString &detail);
    void dropForBudget(const char *why) override;
    void respondToPoll(QList<EngineIo::Packet> packets);
    void handlePacket(const EngineIo::Packet &packet);
    void onWebSocketText(const QByteArray &utf8, Http::HostWebSocket *socket);
    void onWebSocketBinary(const QByteArray &bytes, Http::HostWebSocket *socket);
    void completeUpgrade();
    void abandonProbe();
    void schedulePing();
    void onPingTimer();
    void finish(CloseReason reason, const QString &detail);
    void wireWebSocket(Http::HostWebSocket *socket);
    void writeToWebSocket(Http::HostWebSocket *socket, const EngineIo::Packet &packet);

    EngineIoServer *m_server;
    TrafficCounters &m_traffic;
    const QString m_sid;
    const EngineIo::Version m_version;
    const Http::HttpRequest m_handshake;
    const QDateTime m_openedAt;
    Transport m_transport;
    State m_state = State::Open;

    QList<EngineIo::Packet> m_queue;
    qint64 m_queuedBytes = 0; //!< m_queue's data plus PacketOverhead per packet
    bool m_overflowed = false; //!< over the send-queue limit: closing, nothing more is queued
    QPointer<Http::HttpConnection> m_heldPoll;
    Http::HttpRequest m_heldPollRequest;
    QMetaObject::Connection m_heldPollAborted;
    QPointer<Http::HostWebSocket> m_webSocket;
    QPointer<Http::HostWebSocket> m_probe;
    bool m_probed = false; //!< the probe answered "3probe": polling is paused

    // On the server's TimerWheel: thousands of sessions restart these all the time.
    WheelTimer m_pingTimer; //!< v4: next ping, then the pong deadline; v3: client silence
    bool m_awaitingPong = false;
    //! Exactly when m_pingTimer is due (the wheel fires it up to a tick later): v4 the next
    //! ping, then the pong deadline; v3 the end of the client's allowed silence.
    QDeadlineTimer m_pingDeadline{QDeadlineTimer::Forever};
    WheelTimer m_upgradeTimer;
    WheelTimer m_noopTimer; //!< during an upgrade, releases polls the client still makes
    WheelTimer m_closeTimer; //!< a polling session closing waits this long for its last GET
    CloseReason m_closeReason = CloseReason::ServerClose;

    quint64 m_packetsIn = 0;
    quint64 m_packetsOut = 0;
};

} // namespace Confab
