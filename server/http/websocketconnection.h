// SPDX-License-Identifier: MIT
#pragma once

#include "hostwebsocket.h"
#include "httprequest.h"
#include "websocketcodec.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QObject>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QTimer;
QT_END_NAMESPACE

namespace Confab::Http {

class WebSocketTransport;

//! \brief The server end of one RFC 6455 WebSocket, taken over from an HTTP upgrade request:
//! the "native" HostWebSocket engine.
//!
//! Why not QWebSocket: a server holding thousands of idle clients paid about 5 KiB per
//! connection for it (the object, its frame reader and its many signal connections), and every
//! text message went through a UTF-16 QString and back. Here a connection is one small object
//! over a WebSocketTransport: incoming bytes are decoded in place (WebSocket::Decoder), text
//! stays UTF-8, and outgoing frames (see queueFrame()) share their payload with every other
//! recipient of a broadcast and leave in one gathered write per connection per event-loop pass.
//! The transport is the socket's own descriptor where it can be taken over (Linux:
//! DescriptorTransport, one read notifier and no buffer of its own) and the QTcpSocket
//! elsewhere (QTcpSocketTransport); framing, the send queue and its accounting, the backlog,
//! Pong coalescing and the close handshake are the same on both.
//!
//! No extension (permessage-deflate) or subprotocol is negotiated. Pings from the client are
//! answered, coalesced as RFC 6455 §5.5.3 allows: while one Pong waits to be sent, further
//! Pings only update the payload of the single Pong that follows it, so a client that sends
//! pings and never reads cannot make the host hold a Pong per Ping. The Engine.IO heartbeat
//! above does not rely on them.
//!
//! Lifetime: while open, the connection belongs to its parent. Once closed() is emitted it
//! leaves its parent and deletes itself when the TCP connection is done (at once if the peer
//! went away; after the closing handshake, or a short deadline, if this end closed).
//!
//! What it owes the client (bytesToWrite()) also counts against the host's SendBudget, if
//! setSendBudget() gave it one: past that total, the connection owed the most is dropped like
//! one over its maxBacklog().
class WebSocketConnection : public HostWebSocket
{
    Q_OBJECT
public:
    //! \brief The error response for a \a request that cannot become a WebSocket, or nothing.
    //!
    //! HttpRequest::isWebSocketUpgrade() must hold already; this checks the version (13; else
    //! 426 naming it) and the key (16 bytes in base64; else 400).
    static std::optional<HttpResponse> checkHandshake(const HttpRequest &request);
    //! \brief The 101 response for a request that passed checkHandshake().
    static QByteArray handshakeResponse(const HttpRequest &request);

    //! \brief Answers \a request with 101 and takes over \a socket, whose read buffer must
    //! still start with the request head (request.headSize bytes; anything after it is the
    //! client's first frames). Takes ownership of \a socket; returns nullptr if it has gone.
    static WebSocketConnection *accept(QTcpSocket *socket, const HttpRequest &request,
                                       qint64 maxMessageSize, QObject *parent = nullptr);

    ~WebSocketConnection() override;

    bool isOpen() const override { return m_state == State::Open; }

    //! \brief Queues a text or binary message made of \a head (at most MaxPrefix bytes,
    //! copied) followed by \a body (shared, not copied). It is sent at the next event-loop
    //! pass, together with whatever else was queued meanwhile.
    void queueMessage(bool binary, QByteArrayView head, const QByteArray &body) override;
    //! \brief Sends what queueMessage() gathered now, instead of at the next pass.
    void flush();

    //! \brief Starts the closing handshake: queued messages go first, then a Close frame with
    //! \a code and \a reason. closed() follows at once; nothing is received any more.
    void close(quint16 code = Confab::WebSocket::CloseCode::Normal,
               const QByteArray &reason = {}) override;

    //! \brief What waits for the kernel to take it (a slow reader's backlog, and the frames
    //! queued for this event-loop pass): the bytes of every frame plus its bookkeeping
    //! (FrameOverhead), so that many small frames count at what they cost.
    //! Past maxBacklog() the client is dropped (closed() with CloseCode::Abnormal, from the
    //! event loop). Broadcast frames share their payload, so this counts bytes owed, not held.
    qint64 bytesToWrite() const override;

    //! \brief Test hook: run on the QTcpSocket even where descriptors could be taken over.
    static void setUseSocketDescriptors(bool use);

private:
    enum class State { Open, Closing, Closed };
    struct Frame
    {
        char head[Confab::WebSocket::MaxServerHeader + MaxPrefix];
        quint8 headSize;
        bool pong = false;
        QByteArray body;
        qint64 size() const { return headSize + body.size(); }
        //! What holding it costs: its bytes and its slot in a list (a Pong's own body
        //! allocation is at most one at a time, see answerPing()).
        qint64 cost() const { return size() + qint64(sizeof(Frame)); }
    };

public:
    //! \brief What one queued frame costs beyond its bytes, as bytesToWrite() counts it.
    static constexpr qint64 FrameOverhead = qint64(sizeof(Frame));

private:
    // The transports call back through consume(), connectionLost() and onWritable().
    friend class WebSocketTransport;

    explicit WebSocketConnection(qint64 maxMessageSize, QObject *parent);
    //! The one platform-dependent choice: the transport \a socket is taken over with.
    std::unique_ptr<WebSocketTransport> takeOver(QTcpSocket *socket);
    //! The transport took bytes, or can take more: the backlog goes on, a Pong left, a
    //! connection waiting to be written out is released.
    void onWritable();
    void processBuffered();
    //! Decodes \a bytes after what is buffered; false if the connection is closed or gone.
    bool consume(QByteArrayView bytes);
    //! Bytes of \a data used by whole frames, or -1 if reading must stop (closed, deleted).
    qsizetype decode(QByteArrayView data);
    void queueControl(const QByteArray &frameBytes, bool pong = false);
    void answerPing(QByteArrayView payload);
    //! After a write: a Ping that came while the previous Pong waited is answered now.
    void pongLeft();
    void queueFrame(Frame &&frame);
    void writeFrames(QList<Frame> frames);
    //! Writes \a frames (\a skip bytes of the first already out) through the transport as far
    //! as it takes them: the frames that went out whole, or -1 if the connection broke.
    qsizetype writeVector(const QList<Frame> &frames, qint64 &skip);
    //! A Pong frame went wholly to the transport.
    void pongWritten();
    //! Keeps \a frames from \a sent on (\a skip bytes of the first already out) for later.
    void keepBacklog(QList<Frame> frames, qsizetype sent, qint64 skip);
    void appendToBacklog(Frame &&frame);
    bool hasUnsentData() const;
    void peerClosed(quint16 code, const QString &reason);
    void protocolError(quint16 code, const QByteArray &detail);
    void backlogOverflow(const char *why = nullptr);
    void dropForBudget(const char *why) override { backlogOverflow(why); }
    //! Reports bytesToWrite() to the SendBudget (nothing once dropped or released).
    void syncOwed() { setOwed(m_overflowed || m_state == State::Closed ? 0 : bytesToWrite()); }
    void connectionLost(const QString &error);
    void closeAfterSending(const QByteArray &closeFrame);
    void leaveOpen();
    void armCloseDeadline();
    void releaseWhenWritten();
    void release();

    Confab::WebSocket::Decoder m_decoder;
    State m_state = State::Open;
    std::unique_ptr<WebSocketTransport> m_transport;
    QByteArray m_partial; //!< an incomplete frame's bytes
    QList<Frame> m_queued; //!< frames for the next event-loop pass
    QList<Frame> m_backlog; //!< what the kernel did not take yet
    qint64 m_backlogSkip = 0; //!< bytes of m_backlog's first frame already sent
    qint64 m_backlogBytes = 0; //!< cost() of m_backlog, less m_backlogSkip
    qint64 m_queuedBytes = 0; //!< cost() of m_queued
    QByteArray m_latestPing; //!< payload of the last Ping not answered yet (m_pingWaiting)
    bool m_pongPending = false; //!< a Pong is queued and not yet wholly with the kernel
    bool m_pongInTransport = false; //!< that Pong is in the transport's own buffer
    bool m_pingWaiting = false; //!< a Ping came meanwhile; answered once that Pong left
    QTimer *m_closeDeadline = nullptr;
    bool m_awaitingPeerClose = false; //!< we sent Close and wait for the answer
    bool m_releaseWhenWritten = false;
    bool m_writeBroken = false;
    bool m_overflowed = false;
};

} // namespace Confab::Http
