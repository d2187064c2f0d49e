// SPDX-License-Identifier: MIT
#pragma once

#include "chatservice.h"
#include "hostcertificate.h"
#include "http/httplistener.h"
#include "socketioserver.h"

#include <QtNetwork/QHostAddress>

#include <memory>

namespace Confab {

//! \brief Everything a chat host is configured with.
struct HostConfig
{
    QHostAddress address = QHostAddress::Any;
    quint16 port = 3000; //!< 0 picks a free one
    SocketIoOptions socketIo;
    ChatOptions chat;
    //! A folder for the message store, or ":memory:"; empty means the app's data folder.
    QString dataLocation;
    //! The message store's size limit in bytes (0: none); see ChatStore::setSizeLimit().
    qint64 maxStorage = qint64(1) << 30;
    //! confab-server: announce the host on the local network over DNS-SD (--no-announce).
    bool announce = true;
    //! TLS on the host's port (plain HTTP alongside it with On).
    Http::HttpListener::TlsMode tls = Http::HttpListener::TlsMode::On;
    //! A certificate (PEM) and its key to serve instead of the self-signed one kept in
    //! dataLocation; both or neither.
    QString tlsCertificateFile;
    QString tlsKeyFile;
    //! Replace the kept self-signed certificate with a new one at start().
    bool regenerateCertificate = false;
};

//! \brief A running chat host: the Socket.IO server, the chat service and its store.
//!
//! What confab-server runs, and what the desktop app embeds when a person hosts.
class ChatHost : public QObject
{
    Q_OBJECT
public:
    explicit ChatHost(const HostConfig &config, QObject *parent = nullptr);
    ~ChatHost() override;

    //! \brief Opens the store and starts listening; false with errorString() on failure.
    bool start();
    //! \brief Disconnects everyone, stops listening and commits what is pending.
    void stop();
    QString errorString() const { return m_error; }

    quint16 port() const;
    //! \brief URLs a person can join at. Listening on every address: one per address of each
    //! interface that is up, IPv4 first, then IPv6 (link-local ones with their zone), and
    //! loopback last (127.0.0.1, [::1]). Listening on one address: that one.
    //! With TLS, each ends in "#fp=" and the certificate's SHA-256 (64 hex digits): the app
    //! and confab-cli then connect over TLS and pin it (Client::parseJoinLink()).
    QStringList joinUrls() const;
    //! \brief "http://ADDRESS:PORT/", IPv6 in brackets with its zone as "%25zone" (RFC 6874).
    static QString urlFor(const QHostAddress &address, quint16 port);
    static QString defaultDataLocation();

    //! \brief SHA-256 fingerprint of the certificate served ("AB:CD:…"); empty with TLS off or
    //! before start(). Joiners pin it (the join link's #fp=, discovery's TXT fp).
    QString certificateFingerprint() const { return m_certificate.fingerprint(); }
    const HostCertificate &certificate() const { return m_certificate; }
    //! \brief Makes and keeps a new self-signed certificate and serves it to connections
    //! from now on (joiners who pinned the old one are refused until they trust the new one).
    //! False with errorString() if it cannot, or a certificate from files is served.
    bool regenerateCertificate();

    const HostConfig &config() const { return m_config; }
    SocketIoServer *server() const { return m_server.get(); }
    ChatStore *store() const { return m_store.get(); }
    ChatService *service() const { return m_service.get(); }

private:
    HostConfig m_config;
    std::unique_ptr<SocketIoServer> m_server;
    std::unique_ptr<ChatStore> m_store;
    std::unique_ptr<ChatService> m_service;
    bool setUpTls(bool regenerate);
    QStringList withPin(QStringList urls) const;

    HostCertificate m_certificate;
    QString m_error;
};

} // namespace Confab
