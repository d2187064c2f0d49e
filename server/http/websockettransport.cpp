// SPDX-License-Identifier: MIT
#include "websockettransport.h"

#include "websocketconnection.h"

#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpSocket>

using namespace Qt::StringLiterals;

namespace Confab::Http {

bool WebSocketTransport::received(QByteArrayView bytes)
{
    return m_connection.consume(bytes);
}

void WebSocketTransport::lost(const QString &error)
{
    m_connection.connectionLost(error);
}

void WebSocketTransport::writable()
{
    m_connection.onWritable();
}

QTcpSocketTransport::QTcpSocketTransport(QTcpSocket *socket, WebSocketConnection &connection)
    : WebSocketTransport(connection)
    , m_socket(socket)
{
    socket->setParent(&connection);
    // With the connection as context: release() disconnects them all at once (close()).
    QObject::connect(socket, &QTcpSocket::readyRead, &connection, [this] { readUnread(); });
    QObject::connect(socket, &QTcpSocket::disconnected, &connection,
                     [this] { lost(u"connection closed"_s); });
    QObject::connect(socket, &QTcpSocket::bytesWritten, &connection, [this] { writable(); });
    if (auto *tls = qobject_cast<QSslSocket *>(socket)) {
        // Over TLS, bytesWritten() says the plaintext went into the encryption; the records it
        // became wait in the socket underneath, and encryptedBytesWritten() says when they left.
        m_tls = tls;
        QObject::connect(tls, &QSslSocket::encryptedBytesWritten, &connection,
                         [this] { writable(); });
    }
}

qint64 QTcpSocketTransport::write(const Slice *slices, int count, QString &)
{
    // QTcpSocket takes everything: what the kernel does not take waits in its buffer
    // (bytesBuffered()), and bytesWritten() tells when it shrinks.
    qint64 total = 0;
    for (int i = 0; i < count; ++i) {
        m_socket->write(slices[i].data, slices[i].size);
        total += slices[i].size;
    }
    return total;
}

qint64 QTcpSocketTransport::bytesBuffered() const
{
    if (!m_socket)
        return 0;
    return m_socket->bytesToWrite() + (m_tls ? m_tls->encryptedBytesToWrite() : 0);
}

bool QTcpSocketTransport::hasUnreadInput() const
{
    return m_socket && m_socket->bytesAvailable() > 0;
}

void QTcpSocketTransport::readUnread()
{
    if (m_socket)
        received(m_socket->readAll());
}

void QTcpSocketTransport::close()
{
    if (!m_socket)
        return;
    m_socket->disconnect(&m_connection);
    // What Qt still buffers goes first.
    m_socket->disconnectFromHost();
}

} // namespace Confab::Http
