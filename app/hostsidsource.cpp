// SPDX-License-Identifier: MIT
#include "hostsidsource.h"

#include "applogging.h"
#include "chathost.h"
#include "chatprotocol.h"
#include "embeddedhost.h"

using namespace Qt::StringLiterals;

namespace Confab::App {

HostSidSource::HostSidSource(SidListModel *sids, QObject *parent)
    : SidSource(sids, parent)
{ }

HostSidSource::~HostSidSource()
{
    // Withdrawn first: the network hears the host is gone before it stops answering.
    m_announcer.reset();
    if (m_host)
        m_host->stop();
}

bool HostSidSource::start(const Options &options)
{
    auto host = std::make_unique<EmbeddedHost>(); // one thread for every attempt
    for (int i = 0; i < options.attempts && options.port + i <= 65535; ++i) {
        Confab::HostConfig config;
        config.address = options.address;
        config.port = quint16(options.port + i);
        config.chat.password = options.password;
        config.dataLocation = options.dataLocation;
        // A room on a LAN: Qt's well-worn WebSocket implementation (the environment may pick
        // the native engine confab-server uses for thousands of clients).
        config.socketIo.engine.webSocketEngine
                = Confab::webSocketEngineFromEnvironment(Confab::WebSocketEngine::Qt);
        // As confab-server: a laptop that drops off the Wi-Fi for a minute gets back its sid,
        // rooms and every event it missed (socket.io 4.6+ connection state recovery).
        config.socketIo.recovery.enabled = true;
        if (host->start(config)) {
            m_host = std::move(host);
            watchHost();
            if (!options.announceName.isEmpty() && !options.address.isLoopback())
                announce(options.announceName, config);
            return true;
        }
        m_error = host->errorString();
        qCInfo(lcApp) << "port" << config.port << "unavailable:" << m_error;
    }
    return false;
}

void HostSidSource::announce(const QString &name, const Confab::HostConfig &config)
{
    m_announcer = Discovery::createAnnouncer();
    Discovery::ServiceInfo info;
    info.name = name;
    info.version = Confab::ChatProtocol::ProtocolVersion;
    info.path = config.socketIo.engine.path;
    info.passwordRequired = !config.chat.password.isEmpty();
    // Joiners pin what discovery says, as with the join links' #fp=.
    if (m_host) {
        info.fingerprint = m_host->certificateFingerprint().remove(u':').toLower();
        info.tls = !info.fingerprint.isEmpty();
    }
    m_announcer->announce(name, quint16(port()), info);
}

int HostSidSource::port() const
{
    return m_host ? m_host->port() : 0;
}

QStringList HostSidSource::joinUrls() const
{
    return m_host ? m_host->joinUrls() : QStringList();
}

QString HostSidSource::databasePath() const
{
    return m_host ? m_host->databasePath() : QString();
}

void HostSidSource::watchHost()
{
    // The host's signals come queued from its thread, and none is delivered before these
    // connections exist: start() returned just now, and we have not been back to the event
    // loop. So there is no list of clients to read first.
    EmbeddedHost *host = m_host.get();
    connect(host, &EmbeddedHost::clientConnected, this, &HostSidSource::onClientConnected);
    connect(host, &EmbeddedHost::clientDisconnected, this,
            [this](const QString &sid, const QString &nsp) { m_sids->remove(sid, nsp); });
    connect(host, &EmbeddedHost::roomsChanged, this,
            [this](const QString &sid, const QString &nsp, const QStringList &rooms) {
                m_sids->setRooms(sid, displayRooms(sid, nsp, rooms), nsp);
            });
    connect(host, &EmbeddedHost::transportChanged, this,
            [this](const QString &sid, const QString &nsp, const QString &transport) {
                m_sids->setTransport(sid, transport, nsp);
            });
    connect(host, &EmbeddedHost::nameChanged, this,
            [this](const QString &sid, const QString &name) {
                m_sids->setName(sid, name, u"/"_s);
            });
}

QStringList HostSidSource::displayRooms(const QString &sid, const QString &nsp,
                                        const QStringList &socketIoRooms)
{
    QStringList rooms;
    for (const QString &room : socketIoRooms) {
        if (room == sid)
            continue; // every sid is a room of its own
        rooms.append(nsp == u"/"_s ? Confab::ChatService::displayRoom(room) : room);
    }
    rooms.sort();
    return rooms;
}

void HostSidSource::onClientConnected(const Confab::ClientInfo &info)
{
    SidListModel::Entry entry;
    entry.sid = info.sid;
    entry.nsp = info.nsp;
    entry.address = info.address.toString();
    entry.transport = info.transport;
    entry.since = info.connectedAt;
    entry.rooms = displayRooms(info.sid, info.nsp, info.rooms);
    if (info.nsp == u"/"_s && m_host)
        entry.name = m_host->nameOf(info.sid);
    m_sids->upsert(entry);
}

bool HostSidSource::disconnectSid(const QString &sid, const QString &nsp)
{
    if (!m_host)
        return false;
    qCInfo(lcApp) << "disconnecting" << sid << "from" << nsp;
    m_host->disconnectClient(sid, nsp);
    return true;
}

} // namespace Confab::App
