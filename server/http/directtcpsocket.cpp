// SPDX-License-Identifier: MIT
#include "directtcpsocket.h"

#ifdef Q_OS_LINUX
#    include <cerrno>
#    include <sys/socket.h>
#    include <sys/uio.h>
#endif

namespace {

#ifdef Q_OS_LINUX
// Non-blocking, and no SIGPIPE from a peer that went away: Qt reports that error itself
// when it flushes what we leave to it.
constexpr int kSendFlags = MSG_NOSIGNAL | MSG_DONTWAIT;
#endif

} // namespace

bool DirectTcpSocket::canSendDirectly() const
{
#ifdef Q_OS_LINUX
    return state() == ConnectedState && bytesToWrite() == 0 && socketDescriptor() >= 0;
#else
    return false;
#endif
}

qint64 DirectTcpSocket::writeData(const char *data, qint64 size)
{
#ifdef Q_OS_LINUX
    if (size > 0 && canSendDirectly()) {
        ssize_t sent;
        do {
            sent = ::send(int(socketDescriptor()), data, size_t(size), kSendFlags);
        } while (sent < 0 && errno == EINTR);
        if (sent == size)
            return size;
        if (sent > 0) {
            const qint64 rest = QTcpSocket::writeData(data + sent, size - sent);
            return rest < 0 ? rest : size;
        }
        // EAGAIN, or an error that Qt's own send will meet and report.
    }
#endif
    return QTcpSocket::writeData(data, size);
}

qint64 DirectTcpSocket::writeParts(QByteArrayView head, QByteArrayView body)
{
#ifdef Q_OS_LINUX
    if (canSendDirectly() && isWritable()) {
        iovec parts[2] = {{const_cast<char *>(head.data()), size_t(head.size())},
                          {const_cast<char *>(body.data()), size_t(body.size())}};
        ssize_t sent;
        do {
            sent = ::writev(int(socketDescriptor()), parts, body.isEmpty() ? 1 : 2);
        } while (sent < 0 && errno == EINTR);
        const qint64 total = head.size() + body.size();
        if (sent == total)
            return total;
        if (sent < 0)
            sent = 0; // let Qt's write path meet (and report) the error, or wait for room
        if (sent < head.size()) {
            if (QIODevice::write(head.data() + sent, head.size() - sent) < 0)
                return -1;
            sent = head.size();
        }
        const qint64 offset = sent - head.size();
        if (QIODevice::write(body.data() + offset, body.size() - offset) < 0)
            return -1;
        return total;
    }
#endif
    const qint64 a = QIODevice::write(head.data(), head.size());
    if (a < 0)
        return a;
    const qint64 b = body.isEmpty() ? 0 : QIODevice::write(body.data(), body.size());
    return b < 0 ? b : a + b;
}

void DirectTcpServer::incomingConnection(qintptr socketDescriptor)
{
    // As QTcpServer does, with our socket type.
    auto *socket = new DirectTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    // Frames go out as they are written; without this, Nagle would hold a second small
    // frame back until the first is acknowledged.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    addPendingConnection(socket);
}
