// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QPointer>
#include <QtCore/QString>

QT_BEGIN_NAMESPACE
class QSslSocket;
class QTcpSocket;
QT_END_NAMESPACE

namespace Confab::Http {

class WebSocketConnection;

//! \brief How the bytes of one WebSocketConnection reach the peer and come back: the I/O
//! under the connection's framing, send queue, backlog and close handshake, which are shared.
//!
//! Two implementations: DescriptorTransport (Linux: the socket's descriptor taken over from Qt,
//! read with recv() into a per-thread buffer and written with one sendmsg() per batch) and
//! QTcpSocketTransport (everywhere: the QTcpSocket itself, whose buffer takes every write).
//! WebSocketConnection::accept() picks one. The connection calls it once per read or write
//! batch, never per byte or per frame; it calls the connection back through the protected
//! helpers below.
class WebSocketTransport
{
public:
    //! One piece of a gathered write.
    struct Slice
    {
        const char *data;
        qsizetype size;
    };
    //! At most this many slices per write().
    static constexpr int MaxSlices = 512;

    explicit WebSocketTransport(WebSocketConnection &connection)
        : m_connection(connection)
    { }
    virtual ~WebSocketTransport() = default;
    Q_DISABLE_COPY_MOVE(WebSocketTransport)

    //! \brief Hands \a count slices, in order, to the peer as far as they are taken now without
    //! blocking. Returns the bytes taken (a prefix of the slices), or -1 with \a error set
    //! when the connection broke.
    virtual qint64 write(const Slice *slices, int count, QString &error) = 0;
    //! \brief Bytes write() took that the transport still holds itself (QTcpSocket's buffer);
    //! 0 for one that takes only what the kernel takes.
    virtual qint64 bytesBuffered() const = 0;
    //! \brief Whether the connection wants writable() when the kernel can take more. A
    //! transport that buffers calls writable() whenever its buffer shrank instead.
    virtual void setWriteNotification(bool enabled) = 0;
    //! \brief Whether bytes the client sent wait in the transport, not read yet (what came
    //! behind the request when the transport keeps Qt's buffer).
    virtual bool hasUnreadInput() const = 0;
    //! \brief Hands what waits (hasUnreadInput()) to the connection.
    virtual void readUnread() = 0;
    //! \brief Ends the TCP connection; nothing is called back afterwards.
    virtual void close() = 0;

protected:
    //! \brief Decodes \a bytes; false if the connection is closed or gone (stop reading).
    bool received(QByteArrayView bytes);
    //! \brief The peer went away or the connection broke.
    void lost(const QString &error);
    //! \brief The kernel took bytes or can take more.
    void writable();

    WebSocketConnection &m_connection;
};

//! \brief The transport on the QTcpSocket itself: Qt reads, and buffers what it cannot send.
//! Also the one over TLS (a QSslSocket), whose records only Qt can read and write.
class QTcpSocketTransport final : public WebSocketTransport
{
public:
    //! \brief Takes over \a socket (parented to \a connection; its read buffer holds the
    //! client's first frames, if any).
    QTcpSocketTransport(QTcpSocket *socket, WebSocketConnection &connection);

    qint64 write(const Slice *slices, int count, QString &error) override;
    qint64 bytesBuffered() const override;
    void setWriteNotification(bool) override { }
    bool hasUnreadInput() const override;
    void readUnread() override;
    void close() override;

private:
    QPointer<QTcpSocket> m_socket;
    QSslSocket *m_tls = nullptr; //!< m_socket, when it is one
};

} // namespace Confab::Http
