// SPDX-License-Identifier: MIT
#pragma once

#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>

namespace Confab::Http {

//! \brief A QTcpSocket that hands writes straight to the kernel when nothing is queued.
//!
//! QAbstractSocket copies every write into its ring buffer, enables the write notifier and
//! sends on the next event-loop pass. On a server holding thousands of sockets that costs a
//! retained 32 KiB buffer chunk per socket (kept after the first write) and a notifier
//! registration per write, which Qt's glib dispatcher removes with a linear search. Here a
//! write to a socket whose buffer is empty goes out with one non-blocking send(); only what
//! the kernel does not take is left to QAbstractSocket, so the byte order never changes.
//! bytesWritten() is not emitted for bytes sent directly.
class DirectTcpSocket : public QTcpSocket
{
    Q_OBJECT
public:
    using QTcpSocket::QTcpSocket;

    //! \brief Whether writes go straight to the kernel (the default) or through Qt's buffer.
    //!
    //! Off for a socket handed to QWebSocket: it writes each frame's header and payload in
    //! separate writes, so write-through (with TCP_NODELAY) made two send()s and two TCP
    //! segments per message, and a 1000-member room's joins (a million small segments) left
    //! the peers too busy to answer pings. Qt's buffer sends everything written in one
    //! event-loop pass with one send(), at the cost of the buffer chunk it keeps per socket.
    void setWriteThrough(bool on) { m_writeThrough = on; }

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    bool canSendDirectly() const;

    bool m_writeThrough = true;
};

//! \brief A QTcpServer whose connections are DirectTcpSockets with TCP_NODELAY.
class DirectTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

    //! \brief Instead of making sockets, hand each accepted descriptor to
    //! descriptorAccepted() (whose receiver owns it): the listener looks at its first byte
    //! before deciding what kind of socket it becomes.
    void setHandOffDescriptors(bool on) { m_handOff = on; }

    //! \brief A connection as DirectTcpSocket with TCP_NODELAY (nullptr, descriptor closed, on
    //! failure).
    static DirectTcpSocket *makeSocket(qintptr socketDescriptor, QObject *parent = nullptr);

Q_SIGNALS:
    void descriptorAccepted(qintptr socketDescriptor);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    bool m_handOff = false;
};

} // namespace Confab::Http
