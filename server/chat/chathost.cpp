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
    if (!m_service)
        m_service = std::make_unique<ChatService>(m_server.get(), m_store.get(), m_config.chat);
    if (!m_server->listen(m_config.address, m_config.port)) {
        m_error = m_server->errorString();
        return false;
    }
    return true;
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

QStringList ChatHost::joinUrls() const
{
    const quint16 port = this->port();
    const auto url = [&](const QHostAddress &address) {
        const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                ? u"[%1]"_s.arg(address.toString())
                : address.toString();
        return u"http://%1:%2/"_s.arg(host).arg(port);
    };
    const QHostAddress &address = m_config.address;
    if (address != QHostAddress::Any && address != QHostAddress::AnyIPv4
        && address != QHostAddress::AnyIPv6)
        return {url(address)};
    QStringList urls;
    for (const QHostAddress &candidate : QNetworkInterface::allAddresses()) {
        if (candidate.protocol() == QAbstractSocket::IPv4Protocol && !candidate.isLoopback())
            urls.append(url(candidate));
    }
    urls.append(url(QHostAddress::LocalHost));
    return urls;
}

} // namespace Confab
