// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QList>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>

//! \brief A QTcpSocket that hands writes straight to the kernel when nothing is queued.
//!
//! QAbstractSocket copies every write into its ring buffer, enables the write notifier and
//! sends on the next event-loop pass. On a server holding thousands of sockets that costs a
//! retained 32 KiB buffer chunk per socket (kept after the first write) and a notifier
//! registration per write, which Qt's glib dispatcher removes with a linear search. Here a
//! write to a socket whose buffer is empty goes out with one non-blocking send(); only what
//! the kernel does not take is left to QAbstractSocket, so the byte order never changes.
//! bytesWritten() is not emitted for bytes sent directly.
//!
//! Frames queued with queueFrame() are gathered per socket and sent with one writev() per
//! socket per event-loop pass (a broadcast burst costs one system call per recipient, not
//! one per message), sharing the payload bytes instead of copying them.
class DirectTcpSocket : public QTcpSocket
{
    Q_OBJECT
public:
    using QTcpSocket::QTcpSocket;
    ~DirectTcpSocket() override;

    //! Bytes a queued frame's head may have (a WebSocket header plus a type byte).
    static constexpr int kMaxHead = 15;

    //! \brief Queues \a head (copied, at most kMaxHead bytes) and \a body (shared) to be
    //! sent at the next event-loop pass, or before any other write to this socket.
    void queueFrame(QByteArrayView head, const QByteArray &body);
    //! \brief Sends what queueFrame() gathered now.
    void flushFrames();

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    struct Frame
    {
        char head[kMaxHead];
        quint8 headSize;
        QByteArray body;
    };
    bool canSendDirectly() const;
    void writeThroughQt(const Frame &frame, qint64 skip);

    QList<Frame> m_frames;
};

//! \brief A QTcpServer whose connections are DirectTcpSockets with TCP_NODELAY.
class DirectTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr socketDescriptor) override;
};
