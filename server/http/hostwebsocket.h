// SPDX-License-Identifier: MIT
#pragma once

#include "sendbudget.h"
#include "websocketcodec.h"

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QObject>
#include <QtCore/QString>

namespace Confab::Http {

//! \brief The host's end of one WebSocket session, whichever engine runs it.
//!
//! Two engines implement it: WebSocketConnection (our own RFC 6455 server end, "native") and
//! QtWebSocketConnection (a QWebSocket that QWebSocketServer::handleConnection() made of the
//! upgraded socket, "qt"). EngineIoSession talks to this interface only. What it owes the
//! client (bytesToWrite()) is bounded by maxBacklog() and counts against the host's SendBudget
//! (setSendBudget()); past either, the engine drops the client (closed() with
//! CloseCode::Abnormal, from the event loop).
//!
//! Lifetime: while open, the connection belongs to its parent. Once closed() is emitted it
//! leaves its parent and deletes itself when the TCP connection is done.
class HostWebSocket : public QObject, public SendBudget::Account
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual bool isOpen() const = 0;

    //! \brief Sends a text or binary message made of \a head (at most MaxPrefix bytes,
    //! copied) followed by \a body, which the recipients of a broadcast share: an engine must
    //! not encode it again per recipient where it can avoid it.
    virtual void queueMessage(bool binary, QByteArrayView head, const QByteArray &body) = 0;
    static constexpr int MaxPrefix = 4;

    //! \brief Starts the closing handshake with \a code and \a reason after what was sent.
    //! closed() follows at once; nothing is received any more.
    virtual void close(quint16 code = Confab::WebSocket::CloseCode::Normal,
                       const QByteArray &reason = {})
            = 0;

    //! \brief What the client is owed and has not taken yet, in bytes (with bookkeeping
    //! where the engine keeps its own queue).
    virtual qint64 bytesToWrite() const = 0;
    //! The default of maxBacklog().
    static constexpr qint64 MaxBacklog = 64 * 1024 * 1024;
    //! \brief A client whose bytesToWrite() grows beyond this is dropped: it cannot keep up.
    void setMaxBacklog(qint64 bytes) { m_maxBacklog = qMax<qint64>(bytes, 1); }
    qint64 maxBacklog() const { return m_maxBacklog; }

Q_SIGNALS:
    //! \brief A whole text message (valid UTF-8) arrived.
    void textMessageReceived(const QByteArray &utf8);
    //! \brief A whole binary message arrived.
    void binaryMessageReceived(const QByteArray &bytes);
    //! \brief The WebSocket is over: the peer closed it (its \a code), this end closed it
    //! (close(), or a protocol error: the code sent), or the connection broke
    //! (CloseCode::Abnormal). Emitted once.
    void closed(quint16 code, const QString &reason);

protected:
    qint64 m_maxBacklog = MaxBacklog;
};

} // namespace Confab::Http

