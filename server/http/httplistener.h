// SPDX-License-Identifier: MIT
#pragma once

#include "httpconnection.h"
#include "httprequest.h"

#include <QtCore/QObject>
#include <QtNetwork/QHostAddress>
#include <QtNetwork/QSslConfiguration>

#include <chrono>

class QTcpServer;
class QTcpSocket;

namespace Confab::Http {

//! \brief Accepts TCP connections on one port and serves HTTP/1.1 on each (HttpConnection),
//! in clear or over TLS on the same port (setTls()).
//!
//! Plain requests are reported with the connection to answer them on; WebSocket upgrade
//! requests are handed over with their socket, untouched, typically to
//! WebSocketConnection::accept(). Connections are children of the listener and are
//! deleted (deleteLater()) once closed, so keep them in a QPointer when answering later.
class HttpListener : public QObject
{
    Q_OBJECT
public:
    //! \brief Cheap counters since construction, for logs and tests.
    struct Statistics
    {
        quint64 connectionsAccepted = 0;
        quint64 connectionsRejected = 0; //!< turned away with 503 over maxConnections()
        quint64 requestsReceived = 0;
        quint64 requestsAborted = 0;
        quint64 webSocketUpgrades = 0;
        quint64 tlsConnections = 0; //!< connections whose first byte began a TLS handshake
        quint64 tlsHandshakesFailed = 0; //!< of those, broken or not finished in time
    };

    //! \brief Whether the port speaks TLS.
    enum class TlsMode {
        Off, //!< plain HTTP only
        //! Each connection's first byte decides: 0x16 (a TLS handshake record) starts TLS,
        //! anything else is plain HTTP.
        On,
        //! As On, but a plain request is refused (403 "tls required"), except GET and HEAD
        //! of "/", which are redirected (308) to the same URL over https.
        Required,
    };

    explicit HttpListener(QObject *parent = nullptr);
    ~HttpListener() override;

    //! \brief Starts listening; \a port 0 picks a free port (read it back with serverPort()).
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    //! \brief Stops accepting; connections already open carry on.
    void close();
    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    QString errorString() const;

    //! \brief Limits and timeouts for connections accepted from now on.
    void setConnectionSettings(const HttpConnectionSettings &settings);
    HttpConnectionSettings connectionSettings() const { return m_settings; }

    //! \brief Cap on simultaneous connections (default 1024); beyond it a new connection gets
    //! "503 Service Unavailable" and is closed. A WebSocket connection handed over counts
    //! only if its new owner says so with trackConnection().
    void setMaxConnections(int count);
    int maxConnections() const { return m_maxConnections; }
    int connectionCount() const { return m_connectionCount; }
    //! \brief Counts \a connection (say, the WebSocketConnection a handed-over socket became)
    //! toward maxConnections() until it is destroyed: a TCP connection is one whoever serves it.
    void trackConnection(QObject *connection);

    //! \brief TLS on this port for connections accepted from now on. \a configuration holds
    //! the certificate and private key (and whatever else the server end should use); it is
    //! ignored with TlsMode::Off.
    void setTls(TlsMode mode, const QSslConfiguration &configuration = {});
    TlsMode tlsMode() const { return m_tlsMode; }
    //! \brief How long a TLS handshake may take from the connection's first byte (default
    //! 10 s); a connection that has not finished it by then is closed. Before its first byte a
    //! connection has the head timeout of connectionSettings().
    void setTlsHandshakeTimeout(std::chrono::milliseconds timeout) { m_handshakeTimeout = timeout; }

    const Statistics &statistics() const { return m_statistics; }

Q_SIGNALS:
    //! \brief A request arrived on \a connection; answer with connection->respond(), now or
    //! later. Until then the connection reads nothing more and has no timeout.
    void requestReceived(HttpConnection *connection, const HttpRequest &request);
    //! \brief The client of \a connection went away while its request was pending.
    void requestAborted(HttpConnection *connection);
    //! \brief See HttpConnection::webSocketUpgradeRequested(); the receiver owns \a socket.
    //! If nothing is connected, upgrade requests are answered 501.
    void webSocketUpgradeRequested(QTcpSocket *socket, const HttpRequest &head);

private:
    void acceptConnections();
    void acceptDescriptor(qintptr descriptor);
    void sniffed(qintptr descriptor, bool tls);
    void startTls(qintptr descriptor);
    void adopt(QTcpSocket *socket, bool counted = false);
    bool refusePlain(HttpConnection *connection, const HttpRequest &request);

    QTcpServer *m_server = nullptr; // child (a DirectTcpServer)
    TlsMode m_tlsMode = TlsMode::Off;
    QSslConfiguration m_tlsConfiguration;
    std::chrono::milliseconds m_handshakeTimeout{10'000};
    HttpConnectionSettings m_settings;
    int m_maxConnections = 1024;
    int m_connectionCount = 0;
    Statistics m_statistics;
};

} // namespace Confab::Http
