// SPDX-License-Identifier: MIT
#pragma once

// The Avahi backend: the daemon's D-Bus API (org.freedesktop.Avahi on the system bus), as
// KDE's KDNSSD uses it. Private to ConfabDiscovery; the tests drive it against a fake daemon on
// a bus of their own.

#include "servicediscovery.h"

#include <QtCore/QHash>
#include <QtDBus/QDBusConnection>
#include <QtDBus/QDBusMessage>
#include <QtDBus/QDBusPendingCallWatcher>
#include <QtDBus/QDBusServiceWatcher>

#include <functional>

namespace Confab::Discovery::Avahi {

inline const QString Service = QStringLiteral("org.freedesktop.Avahi");
inline const QString ServerInterface = QStringLiteral("org.freedesktop.Avahi.Server");
//! Avahi 0.8: the *Prepare methods create a browser or resolver that waits for Start(), so
//! that no signal can fire before the client listens for it.
inline const QString Server2Interface = QStringLiteral("org.freedesktop.Avahi.Server2");
inline const QString EntryGroupInterface = QStringLiteral("org.freedesktop.Avahi.EntryGroup");
inline const QString BrowserInterface = QStringLiteral("org.freedesktop.Avahi.ServiceBrowser");
inline const QString ResolverInterface = QStringLiteral("org.freedesktop.Avahi.ServiceResolver");

// avahi-common/defs.h
enum ServerState {
    ServerInvalid = 0,
    ServerRegistering,
    ServerRunning,
    ServerCollision,
    ServerFailure
};
enum GroupState {
    GroupUncommitted = 0,
    GroupRegistering,
    GroupEstablished,
    GroupCollision,
    GroupFailure
};
constexpr int IfUnspec = -1;
constexpr int ProtoUnspec = -1;
constexpr int ProtoInet = 0;
constexpr int ProtoInet6 = 1;
constexpr uint LookupResultLocal = 8;

//! \brief A call to the daemon that never starts it: on a machine where it is not running,
//! discovery is off rather than a daemon appearing on the network behind the user's back.
QDBusMessage methodCall(const QString &path, const QString &interface, const QString &method,
                        const QVariantList &arguments = {});
//! \brief Sends \a message; \a onReply runs with the reply (an error reply too) unless
//! \a context is gone.
void callAsync(const QDBusConnection &bus, const QDBusMessage &message, QObject *context,
               std::function<void(const QDBusMessage &reply)> onReply);
//! \brief A sentence for a person, from a D-Bus error reply.
QString describe(const QDBusMessage &reply);

} // namespace Confab::Discovery::Avahi

namespace Confab::Discovery {

//! \brief ServiceAnnouncer over Avahi: EntryGroupNew, AddService, Commit; on a name collision
//! GetAlternativeServiceName and again; on a host name change or a daemon restart, again.
class AvahiAnnouncer : public ServiceAnnouncer
{
    Q_OBJECT
public:
    AvahiAnnouncer(const QDBusConnection &bus, QObject *parent = nullptr);
    ~AvahiAnnouncer() override;

    void announce(const QString &name, quint16 port, const ServiceInfo &info) override;
    void withdraw() override;

private Q_SLOTS:
    void onServerStateChanged(int state, const QString &error);
    void onGroupStateChanged(const QDBusMessage &message);

private:
    void registerWhenReady();
    void addService();
    void freeGroup();

    QDBusConnection m_bus;
    QDBusServiceWatcher m_watcher;
    bool m_wanted = false;
    QString m_name;
    quint16 m_port = 0;
    ServiceInfo m_info;
    QString m_groupPath;
    int m_collisions = 0;
    //! Replies belong to the round that asked; a withdraw or a restart starts a new one.
    quint64 m_round = 0;
};

//! \brief ServiceBrowser over Avahi: a ServiceBrowser object, and a ServiceResolver per item.
//!
//! It listens to every browser's and resolver's signals before it creates its own (a match
//! without a path) and keeps those of its own objects, so that with an older daemon (no
//! Server2.*Prepare) a signal sent before the reply to ServiceBrowserNew is not lost; such a
//! signal waits, bounded, until the reply names its object.
class AvahiBrowser : public ServiceBrowser
{
    Q_OBJECT
public:
    //! At most this many items (hosts × interfaces × protocols) are followed: a flood of
    //! announcements from a hostile peer costs no more than this.
    static constexpr int MaxItems = 256;
    //! Signals for objects whose path is not known yet (older daemons only).
    static constexpr int MaxEarlySignals = 64;
    //! Resolver creations awaiting the daemon's reply at once: the system bus refuses a
    //! connection more than 128 pending calls (max_replies_per_connection); the rest wait.
    static constexpr int MaxResolvesInFlight = 32;

    AvahiBrowser(const QDBusConnection &bus, QObject *parent = nullptr);
    ~AvahiBrowser() override;

    void start() override;

private Q_SLOTS:
    void onBrowserSignal(const QDBusMessage &message);
    void onResolverSignal(const QDBusMessage &message);
    void onServerStateChanged(int state, const QString &error);

private:
    struct Item
    {
        int interfaceIndex = -1;
        int protocol = -1;
        QString name;
        QString type;
        QString domain;
        QString resolverPath;
        bool resolved = false;
        DiscoveredService service;
    };
    static QString itemKey(int interfaceIndex, int protocol, const QString &name,
                           const QString &domain);
    void createBrowser();
    void dispatchBrowserSignal(const QDBusMessage &message);
    void dispatchResolverSignal(const QDBusMessage &message);
    void resolve(const QString &key);
    void startResolves();
    void removeItem(const QString &key);
    void dropEverything(State state, const QString &reason);
    void freeObject(const QString &path, const QString &interface);

    QDBusConnection m_bus;
    QDBusServiceWatcher m_watcher;
    bool m_started = false;
    bool m_useServer2 = true;
    bool m_listening = false;
    QString m_browserPath;
    bool m_browserPending = false;
    QHash<QString, Item> m_items; //!< by itemKey()
    QHash<QString, QString> m_resolvers; //!< resolver path -> item key
    QList<QDBusMessage> m_early; //!< signals of objects not yet known, oldest first
    QStringList m_toResolve; //!< item keys waiting for a resolver, oldest first
    int m_resolvesInFlight = 0;
    bool m_warnedFull = false;
    quint64 m_round = 0;
};

} // namespace Confab::Discovery
