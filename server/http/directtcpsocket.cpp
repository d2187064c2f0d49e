// SPDX-License-Identifier: MIT
#include "directtcpsocket.h"

#ifdef Q_OS_LINUX
#    include <cerrno>
#    include <sys/socket.h>
#endif
#ifdef Q_OS_UNIX
#    include <unistd.h>
#endif

namespace Confab::Http {

namespace {

#ifdef Q_OS_LINUX
// Non-blocking, and no SIGPIPE from a peer that went away: Qt reports that error itself
// when it flushes what we leave to it.
constexpr int SendFlags = MSG_NOSIGNAL | MSG_DONTWAIT;
#endif

} // namespace

bool DirectTcpSocket::canSendDirectly() const
{
#ifdef Q_OS_LINUX
    return m_writeThrough && state() == ConnectedState && bytesToWrite() == 0
            && socketDescriptor() >= 0;
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
            sent = ::send(int(socketDescriptor()), data, size_t(size), SendFlags);
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

DirectTcpSocket *DirectTcpServer::makeSocket(qintptr socketDescriptor, QObject *parent)
{
    // As QTcpServer does, with our socket type.
    auto *socket = new DirectTcpSocket(parent);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
#ifdef Q_OS_UNIX
        ::close(int(socketDescriptor));
#endif
        return nullptr;
    }
    // Frames go out as they are written; without this, Nagle would hold a second small
    // frame back until the first is acknowledged.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    return socket;
}

void DirectTcpServer::incomingConnection(qintptr socketDescriptor)
{
    if (m_handOff) {
        Q_EMIT descriptorAccepted(socketDescriptor);
        return;
    }
    if (auto *socket = makeSocket(socketDescriptor, this))
        addPendingConnection(socket);
}

} // namespace Confab::Http
