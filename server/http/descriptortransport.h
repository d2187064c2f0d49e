// SPDX-License-Identifier: MIT
#pragma once

#include "websockettransport.h"

#include <memory>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE

namespace Confab::Http {

//! \brief The transport on the socket's own descriptor, taken over from Qt (Linux only; built
//! there only).
//!
//! Why: an idle connection then holds one read notifier and no read buffer (incoming bytes are
//! read into a per-thread buffer and decoded in place), and the frames of an event-loop pass
//! leave in one sendmsg() straight from the shared payloads, with no copy into a socket buffer.
//! What the kernel does not take stays in the connection's backlog until the descriptor is
//! writable again.
class DescriptorTransport final : public WebSocketTransport
{
public:
    //! \brief Takes \a socket's connection over on a descriptor of our own; nullptr (and
    //! \a socket untouched) if it cannot be: Qt still holds bytes to send, or no descriptor
    //! is left. The bytes Qt had read past the request (the client's first frames) go to
    //! \a unread; \a socket is closed and deleted later.
    static std::unique_ptr<DescriptorTransport>
    adopt(QTcpSocket *socket, WebSocketConnection &connection, QByteArray &unread);
    ~DescriptorTransport() override;

    qint64 write(const Slice *slices, int count, QString &error) override;
    qint64 bytesBuffered() const override { return 0; }
    void setWriteNotification(bool enabled) override;
    bool hasUnreadInput() const override { return false; }
    void readUnread() override { }
    void close() override;

private:
    DescriptorTransport(int fd, WebSocketConnection &connection);
    void onReadable();

    int m_fd;
    std::unique_ptr<QSocketNotifier> m_readNotifier;
    std::unique_ptr<QSocketNotifier> m_writeNotifier;
};

} // namespace Confab::Http
