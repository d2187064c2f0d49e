// SPDX-License-Identifier: MIT
#include "descriptortransport.h"

#include <QtCore/QSocketNotifier>
#include <QtNetwork/QTcpSocket>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace Confab::Http {

namespace {

// Non-blocking, and no SIGPIPE from a peer that went away.
constexpr int SendFlags = MSG_NOSIGNAL | MSG_DONTWAIT;

} // namespace

std::unique_ptr<DescriptorTransport>
DescriptorTransport::adopt(QTcpSocket *socket, WebSocketConnection &connection, QByteArray &unread)
{
    if (socket->bytesToWrite() > 0)
        return nullptr;
    // Our own descriptor for the same connection: closing Qt's (below) does not end it.
    const int fd = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return nullptr;
    unread = socket->readAll(); // what Qt read past the head: the client's first frames
    // abort() closes Qt's descriptor and its notifiers at once, so Qt reads nothing more;
    // the object goes at the next pass (we may be inside one of its signals).
    socket->abort();
    socket->deleteLater();
    return std::unique_ptr<DescriptorTransport>(new DescriptorTransport(fd, connection));
}

DescriptorTransport::DescriptorTransport(int fd, WebSocketConnection &connection)
    : WebSocketTransport(connection)
    , m_fd(fd)
    , m_readNotifier(std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read))
{
    QObject::connect(m_readNotifier.get(), &QSocketNotifier::activated, m_readNotifier.get(),
                     [this] { onReadable(); });
}

DescriptorTransport::~DescriptorTransport()
{
    close();
}

void DescriptorTransport::onReadable()
{
    // One buffer per thread: an idle connection keeps no read buffer of its own.
    static thread_local QByteArray scratch(64 * 1024, Qt::Uninitialized);
    // Bounded, so one busy client cannot starve the others in this event-loop pass. Once
    // received() says stop, this object may be gone: nothing is touched after it.
    for (int round = 0; round < 4 && m_fd >= 0; ++round) {
        const ssize_t n = ::recv(m_fd, scratch.data(), size_t(scratch.size()), MSG_DONTWAIT);
        if (n == 0) {
            lost(u"connection closed by the peer"_s);
            return;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                lost(QString::fromLocal8Bit(strerror(errno)));
            return;
        }
        if (!received(QByteArrayView(scratch.constData(), n)))
            return;
        if (n < scratch.size())
            return; // drained
    }
}

qint64 DescriptorTransport::write(const Slice *slices, int count, QString &error)
{
    iovec parts[MaxSlices];
    Q_ASSERT(count <= MaxSlices);
    for (int i = 0; i < count; ++i)
        parts[i] = {const_cast<char *>(slices[i].data), size_t(slices[i].size)};
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = size_t(count);
    ssize_t sent;
    do {
        sent = ::sendmsg(m_fd, &message, SendFlags);
    } while (sent < 0 && errno == EINTR);
    if (sent >= 0)
        return sent;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return 0;
    error = QString::fromLocal8Bit(strerror(errno));
    return -1;
}

void DescriptorTransport::setWriteNotification(bool enabled)
{
    if (m_fd < 0 || !enabled) {
        m_writeNotifier.reset();
        return;
    }
    if (!m_writeNotifier) {
        m_writeNotifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Write);
        QObject::connect(m_writeNotifier.get(), &QSocketNotifier::activated, m_writeNotifier.get(),
                         [this] { writable(); });
    }
}

void DescriptorTransport::close()
{
    m_readNotifier.reset();
    m_writeNotifier.reset();
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

} // namespace Confab::Http
