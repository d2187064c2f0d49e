// SPDX-License-Identifier: MIT
#include "httplistener.h"

#include "directtcpsocket.h"
#include "httplogging.h"

#include <QtCore/QMetaMethod>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>

namespace Confab::Http {

HttpListener::HttpListener(QObject *parent)
    : QObject(parent)
    , m_server(new DirectTcpServer(this))
{
    // Qt's default backlog of 50 drops the SYNs of a crowd arriving at once (a LAN meeting
    // joining, a reconnect storm after a restart); those clients then wait for TCP's
    // retransmission back-off, seconds each. The kernel caps this at net.core.somaxconn.
    m_server->setListenBacklogSize(4096);
    connect(m_server, &QTcpServer::newConnection, this, &HttpListener::acceptConnections);
}

HttpListener::~HttpListener() = default;

bool HttpListener::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server->listen(address, port)) {
        qCWarning(lcHttp) << "Cannot listen on" << address << port << m_server->errorString();
        return false;
    }
    qCInfo(lcHttp) << "Listening on" << m_server->serverAddress() << m_server->serverPort();
    return true;
}

void HttpListener::close()
{
    if (m_server->isListening())
        qCInfo(lcHttp) << "Stopped listening on port" << m_server->serverPort();
    m_server->close();
}

bool HttpListener::isListening() const
{
    return m_server->isListening();
}

QHostAddress HttpListener::serverAddress() const
{
    return m_server->serverAddress();
}

quint16 HttpListener::serverPort() const
{
    return m_server->serverPort();
}

QString HttpListener::errorString() const
{
    return m_server->errorString();
}

void HttpListener::setConnectionSettings(const HttpConnectionSettings &settings)
{
    m_settings = settings;
}

void HttpListener::setMaxConnections(int count)
{
    m_maxConnections = qMax(count, 1);
}

void HttpListener::trackConnection(QObject *connection)
{
    if (!connection)
        return;
    ++m_connectionCount;
    connect(connection, &QObject::destroyed, this, [this] { --m_connectionCount; });
}

void HttpListener::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        if (m_connectionCount >= m_maxConnections) {
            // Tell the client why instead of letting it hang in the listen backlog.
            ++m_statistics.connectionsRejected;
            qCDebug(lcHttp) << "Refusing connection from" << socket->peerAddress()
                            << "- at the limit of" << m_maxConnections << "connections";
            HttpConnection::respondAndClose(
                    socket,
                    HttpResponse::error(503, "too many connections").setHeader("Retry-After", "1"));
            continue;
        }
        adopt(socket);
    }
}

void HttpListener::adopt(QTcpSocket *socket)
{
    ++m_statistics.connectionsAccepted;
    ++m_connectionCount;
    auto *connection = new HttpConnection(socket, m_settings, this);

    connect(connection, &HttpConnection::requestReceived, this,
            [this, connection](const HttpRequest &request) {
                ++m_statistics.requestsReceived;
                Q_EMIT requestReceived(connection, request);
            });
    connect(connection, &HttpConnection::requestAborted, this, [this, connection] {
        ++m_statistics.requestsAborted;
        Q_EMIT requestAborted(connection);
    });
    connect(connection, &HttpConnection::webSocketUpgradeRequested, this,
            [this](QTcpSocket *upgraded, const HttpRequest &head) {
                static const QMetaMethod signal
                        = QMetaMethod::fromSignal(&HttpListener::webSocketUpgradeRequested);
                if (!isSignalConnected(signal)) {
                    HttpConnection::respondAndClose(
                            upgraded, HttpResponse::error(501, "WebSocket is not served here"));
                    return;
                }
                ++m_statistics.webSocketUpgrades;
                Q_EMIT webSocketUpgradeRequested(upgraded, head);
            });
    connect(connection, &HttpConnection::closed, this, [this, connection] {
        --m_connectionCount;
        connection->deleteLater();
    });
}

} // namespace Confab::Http
