// SPDX-License-Identifier: MIT
#include "chathost.h"

#include "chatlogging.h"
#include "engineioserver.h"
#include "http/httpconnection.h"
#include "webclient.h"

#include <QtCore/QStandardPaths>
#include <QtNetwork/QNetworkInterface>

using namespace Qt::StringLiterals;

namespace Confab {

ChatHost::ChatHost(const HostConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_server(std::make_unique<SocketIoServer>(config.socketIo))
    , m_store(std::make_unique<ChatStore>())
{
    if (m_config.dataLocation.isEmpty())
        m_config.dataLocation = defaultDataLocation();
    // The web chat at "/": a browser on the LAN joins with nothing installed. Direct: the
    // engine reads *handled as soon as the signal returns.
    connect(
            m_server->engine(), &EngineIoServer::otherRequest, this,
            [](Http::HttpConnection *connection, const Http::HttpRequest &request, bool *handled) {
                if (auto response = WebClient::respond(request)) {
                    connection->respond(*response);
                    *handled = true;
                }
            },
            Qt::DirectConnection);
}

ChatHost::~ChatHost()
{
    // The service's handlers reference the store: take the server down first.
    m_server.reset();
    m_service.reset();
    m_store.reset();
}

QString ChatHost::defaultDataLocation()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

bool ChatHost::start()
{
    if (!m_store->isOpen() && !m_store->open(m_config.dataLocation)) {
        m_error = m_store->errorString();
        return false;
    }
    m_store->setSizeLimit(m_config.maxStorage);
    if (!setUpTls(std::exchange(m_config.regenerateCertificate, false)))
        return false;
    if (!m_service)
        m_service = std::make_unique<ChatService>(m_server.get(), m_store.get(), m_config.chat);
    if (!m_server->listen(m_config.address, m_config.port)) {
        m_error = m_server->errorString();
        return false;
    }
    return true;
}

bool ChatHost::setUpTls(bool regenerate)
{
    Http::HttpListener *listener = m_server->engine()->httpListener();
    if (m_config.tls == Http::HttpListener::TlsMode::Off) {
        m_certificate = {};
        listener->setTls(Http::HttpListener::TlsMode::Off);
        return true;
    }
    QString error;
    HostCertificate certificate;
    if (!m_config.tlsCertificateFile.isEmpty() || !m_config.tlsKeyFile.isEmpty()) {
        if (regenerate) {
            m_error = u"the certificate comes from --tls-cert and --tls-key: it is not "
                      u"regenerated"_s;
            return false;
        }
        certificate
                = HostCertificate::load(m_config.tlsCertificateFile, m_config.tlsKeyFile, &error);
    } else {
        certificate = HostCertificate::loadOrCreate(m_config.dataLocation, regenerate, &error);
    }
    if (certificate.isNull()) {
        m_error = error;
        return false;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificate(certificate.certificate);
    configuration.setPrivateKey(certificate.key);
    listener->setTls(m_config.tls, configuration);
    if (listener->tlsMode() == Http::HttpListener::TlsMode::Off) {
        m_error = u"TLS is not available on this system (Qt has no TLS backend)"_s;
        return false;
    }
    m_certificate = certificate;
    qCInfo(lcChat) << "TLS certificate SHA-256" << m_certificate.fingerprint();
    return true;
}

bool ChatHost::regenerateCertificate()
{
    if (m_config.tls == Http::HttpListener::TlsMode::Off) {
        m_error = u"TLS is off"_s;
        return false;
    }
    return setUpTls(true);
}

void ChatHost::stop()
{
    m_server->close();
    m_store->flush();
}

quint16 ChatHost::port() const
{
    return m_server->serverPort();
}

QString ChatHost::urlFor(const QHostAddress &address, quint16 port)
{
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return u"http://%1:%2/"_s.arg(address.toString()).arg(port);
    // A link-local address means nothing without its interface: RFC 6874 writes the zone
    // after "%25" inside the brackets.
    QHostAddress bare = address;
    bare.setScopeId({});
    const QString zone = address.scopeId();
    return u"http://[%1%2]:%3/"_s.arg(bare.toString(), zone.isEmpty() ? QString() : u"%25"_s + zone)
            .arg(port);
}

QStringList ChatHost::joinUrls() const
{
    const quint16 port = this->port();
    const QHostAddress &address = m_config.address;
    const bool any = address == QHostAddress::Any;
    const bool v4 = any || address == QHostAddress::AnyIPv4;
    const bool v6 = any || address == QHostAddress::AnyIPv6;
    if (!v4 && !v6)
        return withPin({urlFor(address, port)});

    // Each address of each interface that is up, IPv4 first (what people type), then global
    // IPv6, then link-local IPv6; loopback last, for this machine.
    QStringList ipv4, ipv6, linkLocal;
    const QList<QNetworkInterface> interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        const auto flags = interface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp)
            || !flags.testFlag(QNetworkInterface::IsRunning)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        const QList<QNetworkAddressEntry> entries = interface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            const QHostAddress ip = entry.ip();
            if (ip.isLoopback())
                continue;
            if (ip.protocol() == QAbstractSocket::IPv4Protocol && v4) {
                ipv4.append(urlFor(ip, port));
            } else if (ip.protocol() == QAbstractSocket::IPv6Protocol && v6) {
                QHostAddress scoped = ip;
                if (ip.isLinkLocal() && scoped.scopeId().isEmpty())
                    scoped.setScopeId(interface.name());
                (ip.isLinkLocal() ? linkLocal : ipv6).append(urlFor(scoped, port));
            }
        }
    }
    QStringList urls = ipv4 + ipv6 + linkLocal;
    urls.removeDuplicates();
    if (v4)
        urls.append(urlFor(QHostAddress::LocalHost, port));
    if (v6)
        urls.append(urlFor(QHostAddress::LocalHostIPv6, port));
    return withPin(urls);
}

QStringList ChatHost::withPin(QStringList urls) const
{
    // The link stays http: a browser opens it without a warning about the self-signed
    // certificate (and could not pin it anyway); the Confab app and confab-cli read "#fp=",
    // go https to the same port and accept only this certificate.
    const QString fingerprint = m_certificate.fingerprint().remove(u':');
    if (fingerprint.isEmpty())
        return urls;
    for (QString &url : urls)
        url += u"#fp="_s + fingerprint;
    return urls;
}

} // namespace Confab
