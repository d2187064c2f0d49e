// SPDX-License-Identifier: MIT
#pragma once

#include "hostwebsocket.h"

#include <QtCore/QPointer>

QT_BEGIN_NAMESPACE
class QSslSocket;
class QTcpSocket;
class QTimer;
class QWebSocket;
QT_END_NAMESPACE

namespace Confab::Http {

//! \brief The "qt" HostWebSocket engine: a QWebSocket that QWebSocketServer::handleConnection()
//! made of an upgraded socket (the request head left unread by HttpConnection).
//!
//! Qt's well-worn implementation, at a price the native engine does not pay: about three times
//! the memory per idle client (~21 KiB against ~7 KiB, tests/bench/RESULTS.md), and text
//! crosses UTF-16 both ways (QWebSocket speaks QString). A broadcast's text is converted to a QString once, not per
//! recipient (see queueMessage()); QWebSocket then encodes it back to UTF-8 per recipient,
//! which is Qt's cost and cannot be avoided through its API. Binary messages go through as
//! bytes. QWebSocket writes every frame to its socket at once, so what is owed is the socket's
//! buffer: bytesToWrite() is QWebSocket::bytesToWrite().
class QtWebSocketConnection : public HostWebSocket
{
    Q_OBJECT
public:
    //! \brief Takes over \a socket (open, fresh from QWebSocketServer::nextPendingConnection())
    //! and \a tcpSocket, the one handed to handleConnection() that it runs on: Qt 6.4's
    //! QWebSocket does not own it. Incoming messages and frames over \a maxMessageSize bytes
    //! close it with 1009.
    QtWebSocketConnection(QWebSocket *socket, QTcpSocket *tcpSocket, qint64 maxMessageSize,
                          QObject *parent = nullptr);
    ~QtWebSocketConnection() override;

    bool isOpen() const override { return m_state == State::Open; }
    void queueMessage(bool binary, QByteArrayView head, const QByteArray &body) override;
    void close(quint16 code = Confab::WebSocket::CloseCode::Normal,
               const QByteArray &reason = {}) override;
    qint64 bytesToWrite() const override;

private:
    enum class State { Open, Closed };
    void syncOwed();
    void checkBacklog();
    void dropForBudget(const char *why) override;
    void drop(const char *why);
    //! closed() once, then leave the parent; the socket is deleted when TCP is done.
    void leaveOpen(quint16 code, const QString &reason);
    void armCloseDeadline();

    QPointer<QWebSocket> m_socket;
    QPointer<QSslSocket> m_tls; //!< the socket under it, over TLS
    QTimer *m_closeDeadline = nullptr;
    State m_state = State::Open;
    bool m_overflowed = false;
};

} // namespace Confab::Http
