// SPDX-License-Identifier: MIT
#include "avahi_p.h"
#include "discoverylogging.h"

#include <QtDBus/QDBusConnectionInterface>
#include <QtDBus/QDBusError>
#include <QtDBus/QDBusMetaType>
#include <QtDBus/QDBusPendingReply>

using namespace Qt::StringLiterals;

namespace Confab::Discovery::Avahi {

QDBusMessage methodCall(const QString &path, const QString &interface, const QString &method,
                        const QVariantList &arguments)
{
    QDBusMessage message = QDBusMessage::createMethodCall(Service, path, interface, method);
    message.setAutoStartService(false);
    message.setArguments(arguments);
    return message;
}

void callAsync(const QDBusConnection &bus, const QDBusMessage &message, QObject *context,
               std::function<void(const QDBusMessage &reply)> onReply)
{
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(message), context);
    QObject::connect(watcher, &QDBusPendingCallWatcher::finished, context,
                     [watcher, onReply = std::move(onReply)] {
                         watcher->deleteLater();
                         onReply(watcher->reply());
                     });
}

//! \brief A sentence for a person, from a D-Bus error reply.
QString describe(const QDBusMessage &reply)
{
    const QString name = reply.errorName();
    if (name == u"org.freedesktop.DBus.Error.ServiceUnknown"
        || name == u"org.freedesktop.DBus.Error.NameHasNoOwner")
        return AvahiBrowser::tr("the Avahi daemon is not running (install and start avahi-daemon)");
    if (name == u"org.freedesktop.DBus.Error.NoReply"
        || name == u"org.freedesktop.DBus.Error.Timeout")
        return AvahiBrowser::tr("the Avahi daemon does not answer");
    return AvahiBrowser::tr("Avahi: %1").arg(reply.errorMessage().left(200));
}

} // namespace Confab::Discovery::Avahi

namespace Confab::Discovery {

using namespace Avahi;

namespace {
constexpr int MaxCollisions = 32;
}

AvahiAnnouncer::AvahiAnnouncer(const QDBusConnection &bus, QObject *parent)
    : ServiceAnnouncer(parent)
    , m_bus(bus)
    , m_watcher(Service, bus,
                QDBusServiceWatcher::WatchForRegistration
                        | QDBusServiceWatcher::WatchForUnregistration)
{
    qDBusRegisterMetaType<QList<QByteArray>>();
    connect(&m_watcher, &QDBusServiceWatcher::serviceRegistered, this, [this] {
        qCInfo(lcDiscovery) << "the Avahi daemon appeared";
        m_groupPath.clear();
        if (m_wanted)
            registerWhenReady();
    });
    connect(&m_watcher, &QDBusServiceWatcher::serviceUnregistered, this, [this] {
        // Its entry groups went with it; a new daemon gets a new one.
        m_groupPath.clear();
        ++m_round;
        if (m_wanted)
            setState(State::Unavailable, tr("the Avahi daemon stopped"));
    });
    if (m_bus.isConnected()) {
        m_bus.connect(Service, u"/"_s, ServerInterface, u"StateChanged"_s, this,
                      SLOT(onServerStateChanged(int, QString)));
        // Every group's signal, kept only for ours: its path is known only once it exists.
        m_bus.connect(Service, QString(), EntryGroupInterface, u"StateChanged"_s, this,
                      SLOT(onGroupStateChanged(QDBusMessage)));
    }
}

AvahiAnnouncer::~AvahiAnnouncer()
{
    // Queued on the connection: the daemon says goodbye on the network. Were the process to
    // end first, the daemon frees the group of a client that left all the same.
    if (!m_groupPath.isEmpty())
        m_bus.send(methodCall(m_groupPath, EntryGroupInterface, u"Free"_s));
}

void AvahiAnnouncer::announce(const QString &name, quint16 port, const ServiceInfo &info)
{
    freeGroup();
    m_wanted = true;
    // An instance name is one DNS label: at most 63 bytes.
    m_name = QString::fromUtf8(truncatedUtf8(plainText(name, 63), 63));
    if (m_name.isEmpty())
        m_name = u"Confab"_s;
    m_port = port;
    m_info = info;
    m_collisions = 0;
    registerWhenReady();
}

void AvahiAnnouncer::withdraw()
{
    m_wanted = false;
    freeGroup();
    setAnnouncedName({});
    setState(State::Idle);
}

void AvahiAnnouncer::registerWhenReady()
{
    if (!m_bus.isConnected()) {
        const QString reason = tr("no system D-Bus (%1)").arg(m_bus.lastError().message());
        setState(State::Unavailable, reason);
        return;
    }
    setState(State::Registering);
    const quint64 round = ++m_round;
    callAsync(m_bus, methodCall(u"/"_s, ServerInterface, u"GetState"_s), this,
              [this, round](const QDBusMessage &reply) {
                  if (round != m_round)
                      return;
                  if (reply.type() == QDBusMessage::ErrorMessage) {
                      const QString reason = describe(reply);
                      setState(State::Unavailable, reason);
                      return;
                  }
                  // Otherwise the daemon is still choosing its host name: StateChanged
                  // comes with Running.
                  if (reply.arguments().value(0).toInt() == ServerRunning)
                      addService();
              });
}

void AvahiAnnouncer::addService()
{
    if (!m_groupPath.isEmpty())
        return;
    setState(State::Registering);
    const quint64 round = ++m_round;
    auto fail = [this](const QDBusMessage &reply) {
        const QString reason = describe(reply);
        setState(State::Failed, reason);
    };
    callAsync(m_bus, methodCall(u"/"_s, ServerInterface, u"EntryGroupNew"_s), this,
              [this, round, fail](const QDBusMessage &reply) {
                  if (round != m_round)
                      return;
                  if (reply.type() == QDBusMessage::ErrorMessage)
                      return fail(reply);
                  m_groupPath = qvariant_cast<QDBusObjectPath>(reply.arguments().value(0)).path();
                  const QVariantList arguments{IfUnspec,
                                               ProtoUnspec,
                                               0u,
                                               m_name,
                                               QString::fromLatin1(ServiceType),
                                               QString(),
                                               QString(),
                                               QVariant::fromValue(m_port),
                                               QVariant::fromValue(encodeTxt(m_info))};
                  callAsync(
                          m_bus,
                          methodCall(m_groupPath, EntryGroupInterface, u"AddService"_s, arguments),
                          this, [this, round, fail](const QDBusMessage &added) {
                              if (round != m_round)
                                  return;
                              if (added.errorName() == u"org.freedesktop.Avahi.CollisionError") {
                                  // Another program on this machine has the name.
                                  onGroupStateChanged(QDBusMessage::createSignal(
                                                              m_groupPath, EntryGroupInterface,
                                                              u"StateChanged"_s)
                                                      << int(GroupCollision) << QString());
                                  return;
                              }
                              if (added.type() == QDBusMessage::ErrorMessage)
                                  return fail(added);
                              callAsync(m_bus,
                                        methodCall(m_groupPath, EntryGroupInterface, u"Commit"_s),
                                        this, [this, round, fail](const QDBusMessage &committed) {
                                            if (round == m_round
                                                && committed.type() == QDBusMessage::ErrorMessage)
                                                fail(committed);
                                        });
                          });
              });
}

void AvahiAnnouncer::freeGroup()
{
    ++m_round;
    if (m_groupPath.isEmpty())
        return;
    m_bus.send(methodCall(m_groupPath, EntryGroupInterface, u"Free"_s));
    m_groupPath.clear();
}

void AvahiAnnouncer::onServerStateChanged(int state, const QString &error)
{
    if (!m_wanted)
        return;
    switch (state) {
    case ServerRunning:
        if (m_groupPath.isEmpty())
            addService();
        break;
    case ServerCollision:
    case ServerRegistering:
        // The host name changes: records of the old one go, and we add ours again once the
        // daemon runs under the new one.
        freeGroup();
        setState(State::Registering);
        break;
    case ServerFailure:
        freeGroup();
        setState(State::Unavailable, tr("Avahi: %1").arg(error.left(200)));
        break;
    default:
        break;
    }
}

void AvahiAnnouncer::onGroupStateChanged(const QDBusMessage &message)
{
    if (message.path() != m_groupPath || m_groupPath.isEmpty())
        return;
    const int state = message.arguments().value(0).toInt();
    switch (state) {
    case GroupEstablished:
        qCInfo(lcDiscovery).noquote()
                << "announced" << m_name << "as" << ServiceType << "on port" << m_port;
        setAnnouncedName(m_name);
        setState(State::Announced);
        break;
    case GroupCollision: {
        if (++m_collisions > MaxCollisions) {
            freeGroup();
            setState(State::Failed, tr("the name is taken on the network"));
            return;
        }
        freeGroup();
        const quint64 round = m_round;
        callAsync(m_bus,
                  methodCall(u"/"_s, ServerInterface, u"GetAlternativeServiceName"_s, {m_name}),
                  this, [this, round](const QDBusMessage &reply) {
                      if (round != m_round)
                          return;
                      const QString alternative = reply.arguments().value(0).toString();
                      if (reply.type() == QDBusMessage::ErrorMessage || alternative.isEmpty()) {
                          setState(State::Failed, describe(reply));
                          return;
                      }
                      qCInfo(lcDiscovery).noquote()
                              << "the name" << m_name << "is taken; trying" << alternative;
                      m_name = alternative;
                      addService();
                  });
        break;
    }
    case GroupFailure:
        freeGroup();
        setState(State::Failed,
                 tr("Avahi: %1").arg(message.arguments().value(1).toString().left(200)));
        break;
    default:
        break;
    }
}

} // namespace Confab::Discovery
