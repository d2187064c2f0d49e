// SPDX-License-Identifier: MIT
#include "directtcpsocket.h"

#include <QtCore/QAbstractEventDispatcher>

#include <cstring>
#include <utility>

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
    flushFrames(); // queued frames go first
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

namespace {

// Sockets with queued frames, flushed together once per event-loop pass (per thread).
struct PendingFlush
{
    QList<DirectTcpSocket *> sockets;
    bool scheduled = false;
};
thread_local PendingFlush pendingFlush;

} // namespace

DirectTcpSocket::~DirectTcpSocket()
{
    if (!m_frames.isEmpty())
        pendingFlush.sockets.removeOne(this);
}

void DirectTcpSocket::queueFrame(QByteArrayView head, const QByteArray &body)
{
    Q_ASSERT(head.size() <= kMaxHead);
    if (m_frames.isEmpty()) {
        pendingFlush.sockets.append(this);
        if (!pendingFlush.scheduled) {
            pendingFlush.scheduled = true;
            // Queued to this thread's loop: everything written until then goes out together.
            QMetaObject::invokeMethod(
                    QAbstractEventDispatcher::instance(),
                    [] {
                        pendingFlush.scheduled = false;
                        const QList<DirectTcpSocket *> sockets
                                = std::exchange(pendingFlush.sockets, {});
                        for (DirectTcpSocket *socket : sockets)
                            socket->flushFrames();
                    },
                    Qt::QueuedConnection);
        }
    }
    Frame frame;
    memcpy(frame.head, head.data(), size_t(head.size()));
    frame.headSize = quint8(head.size());
    frame.body = body;
    m_frames.append(std::move(frame));
}

void DirectTcpSocket::writeThroughQt(const Frame &frame, qint64 skip)
{
    // Into QAbstractSocket's buffer (our writeData() sees bytes queued and does not bypass).
    if (skip < frame.headSize)
        QTcpSocket::writeData(frame.head + skip, frame.headSize - skip);
    const qint64 bodySkip = qMax<qint64>(0, skip - frame.headSize);
    if (frame.body.size() > bodySkip)
        QTcpSocket::writeData(frame.body.constData() + bodySkip, frame.body.size() - bodySkip);
}

void DirectTcpSocket::flushFrames()
{
    if (m_frames.isEmpty())
        return;
    const QList<Frame> frames = std::exchange(m_frames, {});
    pendingFlush.sockets.removeOne(this); // when called directly, before the loop's pass
    if (state() != ConnectedState && state() != ClosingState)
        return;
    qsizetype next = 0; // first frame not sent yet
    qint64 skip = 0; // bytes of that frame already sent
#ifdef Q_OS_LINUX
    if (canSendDirectly()) {
        while (next < frames.size()) {
            constexpr qsizetype kMaxIov = 512;
            iovec parts[kMaxIov];
            int count = 0;
            qint64 total = 0;
            for (qsizetype i = next; i < frames.size() && count + 2 <= kMaxIov; ++i) {
                const Frame &f = frames.at(i);
                parts[count++] = {const_cast<char *>(f.head), size_t(f.headSize)};
                total += f.headSize;
                if (!f.body.isEmpty()) {
                    parts[count++]
                            = {const_cast<char *>(f.body.constData()), size_t(f.body.size())};
                    total += f.body.size();
                }
            }
            ssize_t sent;
            do {
                sent = ::writev(int(socketDescriptor()), parts, count);
            } while (sent < 0 && errno == EINTR);
            if (sent <= 0)
                break; // full, or an error Qt will meet and report: the rest goes through Qt
            // Advance past what the kernel took.
            qint64 left = sent;
            while (next < frames.size()) {
                const qint64 size = frames.at(next).headSize + frames.at(next).body.size();
                if (left < size) {
                    skip = left;
                    break;
                }
                left -= size;
                ++next;
            }
            if (sent < total)
                break;
        }
    }
#endif
    for (; next < frames.size(); ++next) {
        writeThroughQt(frames.at(next), skip);
        skip = 0;
    }
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
