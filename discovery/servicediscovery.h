// SPDX-License-Identifier: MIT
#pragma once

#include "servicetxt.h"

#include <QtCore/QObject>
#include <QtCore/QUrl>
#include <QtNetwork/QHostAddress>

#include <memory>

namespace Confab::Discovery {

//! \brief One Confab host as resolved on one interface, over one protocol.
//!
//! A host on a network with IPv4 and IPv6 resolves twice (and once more per interface it is
//! seen on): each is a DiscoveredService with the same key().
struct DiscoveredService
{
    QString instanceName; //!< the DNS-SD instance name, as plain text
    QString domain; //!< "local" on mDNS
    int interfaceIndex = -1;
    QString interfaceName; //!< "eth0": the zone of a link-local IPv6 address
    //! The protocol the host was seen over (the record's, which is also its address's).
    QAbstractSocket::NetworkLayerProtocol protocol = QAbstractSocket::UnknownNetworkLayerProtocol;
    QString hostName; //!< "box.local"
    QHostAddress address; //!< with its scope id when link-local
    quint16 port = 0;
    ServiceInfo info;
    bool local = false; //!< announced from this machine

    //! \brief What a person reads: the announced name, else the instance name.
    QString displayName() const;
    //! \brief http(s)://address:port, IPv6 in brackets with its zone ("[fe80::1%25eth0]").
    QUrl url() const;
    //! \brief The host this is a resolution of: the same for each interface and protocol.
    QString key() const;
    //! \brief This very resolution: key() plus the interface and protocol.
    QString resolutionKey() const;
};

//! \brief Finds Confab hosts on the local network, live.
//!
//! Ordering: serviceResolved() comes once per resolution (and again when a host changes its
//! record); serviceRemoved() comes once for each resolution that goes, with what was last
//! resolved. When the browser becomes unavailable (the daemon stops), every resolution is
//! removed first.
class ServiceBrowser : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Idle, //!< not started
        Starting, //!< asking the daemon
        Browsing,
        Unavailable, //!< see unavailableReason(); may become Browsing when a daemon appears
    };
    Q_ENUM(State)

    using QObject::QObject;

    //! \brief Starts browsing for _confab._tcp in the default domain.
    virtual void start() = 0;
    State state() const { return m_state; }
    //! \brief A sentence for a person: why there is no discovery ("the Avahi daemon is not
    //! running"); empty while browsing.
    QString unavailableReason() const { return m_reason; }

Q_SIGNALS:
    void stateChanged();
    void serviceResolved(const Confab::Discovery::DiscoveredService &service);
    void serviceRemoved(const Confab::Discovery::DiscoveredService &service);

protected:
    void setState(State state, const QString &reason = {});

private:
    State m_state = State::Idle;
    QString m_reason;
};

//! \brief Announces this host as _confab._tcp while it runs.
//!
//! A name taken by another host on the network is replaced by the daemon's alternative
//! ("Confab #2") and announced again; announcedName() says which name is out there.
class ServiceAnnouncer : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Idle, //!< nothing announced
        Registering,
        Announced,
        Unavailable, //!< no daemon (see errorString()); announces when one appears
        Failed, //!< the daemon refused (see errorString())
    };
    Q_ENUM(State)

    using QObject::QObject;

    //! \brief Announces \a name (cut to a DNS label's 63 bytes) on \a port with \a info.
    virtual void announce(const QString &name, quint16 port, const ServiceInfo &info) = 0;
    //! \brief Stops announcing; the daemon tells the network the host is gone.
    virtual void withdraw() = 0;

    State state() const { return m_state; }
    QString errorString() const { return m_error; }
    QString announcedName() const { return m_announcedName; }

Q_SIGNALS:
    void stateChanged();

protected:
    void setState(State state, const QString &error = {});
    void setAnnouncedName(const QString &name) { m_announcedName = name; }

private:
    State m_state = State::Idle;
    QString m_error;
    QString m_announcedName;
};

//! \brief This platform's browser: Avahi's on Linux; elsewhere one that is Unavailable.
std::unique_ptr<ServiceBrowser> createBrowser(QObject *parent = nullptr);
//! \brief This platform's announcer, as createBrowser().
std::unique_ptr<ServiceAnnouncer> createAnnouncer(QObject *parent = nullptr);

} // namespace Confab::Discovery
