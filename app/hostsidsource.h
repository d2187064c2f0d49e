// SPDX-License-Identifier: MIT
#pragma once

#include "servicediscovery.h"
#include "sidsource.h"

#include <QtNetwork/QHostAddress>

#include <memory>

namespace Confab {
struct ClientInfo;
struct HostConfig;
} // namespace Confab

namespace Confab::App {

class EmbeddedHost;

//! \brief The embedded host, and the sids it serves.
//!
//! The only class of the app that knows the host: it starts it (moving on to the next port
//! when one is taken), tells the session where the host listens, and mirrors the host's
//! server into SidListModel across every namespace. The host runs on a thread of its own
//! (EmbeddedHost); everything here reaches it through EmbeddedHost's queued signals and
//! cached values, never its objects.
class HostSidSource : public SidSource
{
    Q_OBJECT
public:
    struct Options
    {
        QHostAddress address = QHostAddress::Any;
        int port = 0; //!< the first port tried; 0 picks any
        int attempts = 1; //!< how many ports from \c port on
        QString password;
        QString dataLocation; //!< a folder or ":memory:"; empty: the app's data folder
        //! The name to announce the host by on the local network (DNS-SD); empty: none.
        QString announceName;
    };

    explicit HostSidSource(SidListModel *sids, QObject *parent = nullptr);
    //! Stops the host.
    ~HostSidSource() override;

    //! \brief Starts the host; false (and errorString()) when no port of the range is free.
    bool start(const Options &options);
    QString errorString() const { return m_error; }
    int port() const;
    //! Where others join: one URL per address the host listens on.
    QStringList joinUrls() const;
    //! The host's message store, which outlives the port: what our device id derives from.
    QString databasePath() const;
    //! The host and its thread, for tests.
    EmbeddedHost *host() const { return m_host.get(); }
    //! What announces the host on the network; null when Options::announceName was empty.
    Discovery::ServiceAnnouncer *announcer() const { return m_announcer.get(); }

    bool disconnectSid(const QString &sid, const QString &nsp) override;

private:
    void watchHost();
    void announce(const QString &name, const Confab::HostConfig &config);
    void onClientConnected(const Confab::ClientInfo &info);
    static QStringList displayRooms(const QString &sid, const QString &nsp,
                                    const QStringList &socketIoRooms);

    std::unique_ptr<EmbeddedHost> m_host;
    std::unique_ptr<Discovery::ServiceAnnouncer> m_announcer;
    QString m_error;
};

} // namespace Confab::App
