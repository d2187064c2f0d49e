// SPDX-License-Identifier: MIT
#include "avahi_p.h"
#include "discoverylogging.h"

#include <QtDBus/QDBusArgument>
#include <QtDBus/QDBusMetaType>
#include <QtDBus/QDBusObjectPath>
#include <QtNetwork/QNetworkInterface>

using namespace Qt::StringLiterals;

namespace Confab::Discovery {

using namespace Avahi;

namespace {
bool isUnknownMethod(const QDBusMessage &reply)
{
    const QString name = reply.errorName();
    return name == u"org.freedesktop.DBus.Error.UnknownMethod"
            || name == u"org.freedesktop.DBus.Error.UnknownInterface";
}

QAbstractSocket::NetworkLayerProtocol toProtocol(int avahiProtocol)
{
    switch (avahiProtocol) {
    case ProtoInet:
        return QAbstractSocket::IPv4Protocol;
    case ProtoInet6:
        return QAbstractSocket::IPv6Protocol;
    default:
        return QAbstractSocket::UnknownNetworkLayerProtocol;
    }
}
} // namespace

AvahiBrowser::AvahiBrowser(const QDBusConnection &bus, QObject *parent)
    : ServiceBrowser(parent)
    , m_bus(bus)
    , m_watcher(Service, bus,
                QDBusServiceWatcher::WatchForRegistration
                        | QDBusServiceWatcher::WatchForUnregistration)
{
    qDBusRegisterMetaType<QList<QByteArray>>();
    connect(&m_watcher, &QDBusServiceWatcher::serviceRegistered, this, [this] {
        if (!m_started)
            return;
        qCInfo(lcDiscovery) << "the Avahi daemon appeared: browsing";
        dropEverything(State::Starting, {});
        createBrowser();
    });
    connect(&m_watcher, &QDBusServiceWatcher::serviceUnregistered, this, [this] {
        if (m_started)
            dropEverything(State::Unavailable, tr("the Avahi daemon stopped"));
    });
}

AvahiBrowser::~AvahiBrowser()
{
    for (auto it = m_resolvers.cbegin(); it != m_resolvers.cend(); ++it)
        freeObject(it.key(), ResolverInterface);
    if (!m_browserPath.isEmpty())
        freeObject(m_browserPath, BrowserInterface);
}

QString AvahiBrowser::itemKey(int interfaceIndex, int protocol, const QString &name,
                              const QString &domain)
{
    return QString::number(interfaceIndex) + u'\n' + QString::number(protocol) + u'\n' + name
            + u'\n' + domain;
}

void AvahiBrowser::start()
{
    if (m_started)
        return;
    m_started = true;
    if (!m_bus.isConnected()) {
        setState(State::Unavailable, tr("no system D-Bus (%1)").arg(m_bus.lastError().message()));
        return;
    }
    // Listen before anything exists that could speak (see the class comment).
    for (const QString &member : {u"ItemNew"_s, u"ItemRemove"_s, u"Failure"_s}) {
        m_bus.connect(Service, QString(), BrowserInterface, member, this,
                      SLOT(onBrowserSignal(QDBusMessage)));
    }
    for (const QString &member : {u"Found"_s, u"Failure"_s}) {
        m_bus.connect(Service, QString(), ResolverInterface, member, this,
                      SLOT(onResolverSignal(QDBusMessage)));
    }
    m_bus.connect(Service, u"/"_s, ServerInterface, u"StateChanged"_s, this,
                  SLOT(onServerStateChanged(int, QString)));
    createBrowser();
}

void AvahiBrowser::createBrowser()
{
    setState(State::Starting);
    const quint64 round = ++m_round;
    m_browserPending = true;
    const QVariantList arguments{IfUnspec, ProtoUnspec, QString::fromLatin1(ServiceType), QString(),
                                 0u};
    const QString method = m_useServer2 ? u"ServiceBrowserPrepare"_s : u"ServiceBrowserNew"_s;
    callAsync(m_bus,
              methodCall(u"/"_s, m_useServer2 ? Server2Interface : ServerInterface, method,
                         arguments),
              this, [this, round](const QDBusMessage &reply) {
                  if (round != m_round)
                      return;
                  if (m_useServer2 && isUnknownMethod(reply)) {
                      qCDebug(lcDiscovery) << "no Server2 (Avahi before 0.8): ServiceBrowserNew";
                      m_useServer2 = false;
                      createBrowser();
                      return;
                  }
                  m_browserPending = false;
                  if (reply.type() == QDBusMessage::ErrorMessage) {
                      const QString reason = describe(reply);
                      dropEverything(State::Unavailable, reason);
                      return;
                  }
                  m_browserPath = qvariant_cast<QDBusObjectPath>(reply.arguments().value(0)).path();
                  setState(State::Browsing);
                  if (m_useServer2) {
                      m_bus.send(methodCall(m_browserPath, BrowserInterface, u"Start"_s));
                      return;
                  }
                  // What an older daemon said before its reply reached us.
                  const QList<QDBusMessage> early = std::exchange(m_early, {});
                  for (const QDBusMessage &message : early) {
                      if (message.interface() == BrowserInterface)
                          onBrowserSignal(message);
                      else
                          onResolverSignal(message);
                  }
              });
}

void AvahiBrowser::onBrowserSignal(const QDBusMessage &message)
{
    if (!m_browserPath.isEmpty() && message.path() == m_browserPath) {
        dispatchBrowserSignal(message);
    } else if (m_browserPending && !m_useServer2 && m_early.size() < MaxEarlySignals) {
        m_early.append(message);
    }
}

void AvahiBrowser::dispatchBrowserSignal(const QDBusMessage &message)
{
    const QVariantList args = message.arguments();
    if (message.member() == u"Failure") {
        const QString reason = tr("Avahi: %1").arg(args.value(0).toString().left(200));
        dropEverything(State::Unavailable, reason);
        return;
    }
    if (args.size() < 6)
        return;
    const int interfaceIndex = args.at(0).toInt();
    const int protocol = args.at(1).toInt();
    const QString name = args.at(2).toString();
    const QString type = args.at(3).toString();
    const QString domain = args.at(4).toString();
    const QString key = itemKey(interfaceIndex, protocol, name, domain);
    if (message.member() == u"ItemRemove") {
        removeItem(key);
        return;
    }
    if (message.member() != u"ItemNew" || m_items.contains(key))
        return;
    if (m_items.size() >= MaxItems) {
        if (!std::exchange(m_warnedFull, true))
            qCWarning(lcDiscovery) << "more than" << MaxItems << "announcements: ignoring the rest";
        return;
    }
    qCDebug(lcDiscovery) << "found" << name << "on interface" << interfaceIndex << "protocol"
                         << protocol;
    Item item;
    item.interfaceIndex = interfaceIndex;
    item.protocol = protocol;
    item.name = name;
    item.type = type;
    item.domain = domain;
    m_items.insert(key, item);
    m_toResolve.append(key);
    startResolves();
}

void AvahiBrowser::startResolves()
{
    while (m_resolvesInFlight < MaxResolvesInFlight && !m_toResolve.isEmpty())
        resolve(m_toResolve.takeFirst());
}

void AvahiBrowser::resolve(const QString &key)
{
    if (!m_items.contains(key))
        return; // gone while it waited
    ++m_resolvesInFlight;
    const Item &wanted = m_items[key];
    // The address of the protocol it was seen over: an item seen over IPv6 resolves to its
    // IPv6 address, so each resolution pairs a record with an address that answered on it.
    const QVariantList arguments{wanted.interfaceIndex, wanted.protocol, wanted.name, wanted.type,
                                 wanted.domain,         wanted.protocol, 0u};
    const bool server2 = m_useServer2;
    const quint64 round = m_round;
    callAsync(m_bus,
              methodCall(u"/"_s, server2 ? Server2Interface : ServerInterface,
                         server2 ? u"ServiceResolverPrepare"_s : u"ServiceResolverNew"_s,
                         arguments),
              this, [this, key, server2, round](const QDBusMessage &reply) {
                  if (round == m_round) {
                      --m_resolvesInFlight;
                      startResolves();
                  }
                  if (reply.type() == QDBusMessage::ErrorMessage) {
                      qCDebug(lcDiscovery).noquote() << "cannot resolve:" << describe(reply);
                      return;
                  }
                  const QString path
                          = qvariant_cast<QDBusObjectPath>(reply.arguments().value(0)).path();
                  auto item = m_items.find(key);
                  if (round != m_round || item == m_items.end()) {
                      // Gone meanwhile.
                      freeObject(path, ResolverInterface);
                      return;
                  }
                  item->resolverPath = path;
                  m_resolvers.insert(path, key);
                  if (server2) {
                      m_bus.send(methodCall(path, ResolverInterface, u"Start"_s));
                      return;
                  }
                  QList<QDBusMessage> later;
                  const QList<QDBusMessage> early = std::exchange(m_early, {});
                  for (const QDBusMessage &message : early) {
                      if (message.path() == path)
                          dispatchResolverSignal(message);
                      else
                          later.append(message);
                  }
                  m_early = later;
              });
}

void AvahiBrowser::onResolverSignal(const QDBusMessage &message)
{
    if (m_resolvers.contains(message.path())) {
        dispatchResolverSignal(message);
    } else if (!m_useServer2 && m_early.size() < MaxEarlySignals) {
        // A resolver whose creation we have not heard back about yet (older daemons).
        m_early.append(message);
    }
}

void AvahiBrowser::dispatchResolverSignal(const QDBusMessage &message)
{
    const QString key = m_resolvers.value(message.path());
    auto item = m_items.find(key);
    if (item == m_items.end())
        return;
    const QVariantList args = message.arguments();
    if (message.member() == u"Failure") {
        qCDebug(lcDiscovery) << "cannot resolve" << item->name << args.value(0).toString();
        return;
    }
    if (message.member() != u"Found" || args.size() < 11)
        return;
    DiscoveredService service;
    service.instanceName = plainText(args.at(2).toString(), ServiceInfo::MaxNameLength);
    service.domain = plainText(args.at(4).toString(), 255);
    service.interfaceIndex = args.at(0).toInt();
    service.interfaceName = QNetworkInterface::interfaceNameFromIndex(service.interfaceIndex);
    service.protocol = toProtocol(args.at(1).toInt());
    service.hostName = plainText(args.at(5).toString(), 255);
    service.address = QHostAddress(args.at(7).toString());
    if (service.address.isNull()) {
        qCDebug(lcDiscovery) << "not an address:" << args.at(7).toString().left(64);
        return;
    }
    // A link-local address means nothing without its interface: it is the URL's zone.
    if (service.address.protocol() == QAbstractSocket::IPv6Protocol
        && service.address.isLinkLocal()) {
        service.address.setScopeId(service.interfaceName.isEmpty()
                                           ? QString::number(service.interfaceIndex)
                                           : service.interfaceName);
    }
    service.port = quint16(args.at(8).toUInt());
    QList<QByteArray> txt;
    const QVariant txtArgument = args.at(9);
    if (txtArgument.canConvert<QDBusArgument>())
        qvariant_cast<QDBusArgument>(txtArgument) >> txt;
    else
        txt = txtArgument.value<QList<QByteArray>>();
    service.info = decodeTxt(txt);
    service.local = args.at(10).toUInt() & LookupResultLocal;
    if (service.port == 0)
        return;
    item->service = service;
    item->resolved = true;
    qCDebug(lcDiscovery) << "resolved" << service.instanceName << service.url();
    Q_EMIT serviceResolved(service);
}

void AvahiBrowser::removeItem(const QString &key)
{
    auto item = m_items.find(key);
    if (item == m_items.end())
        return;
    const Item gone = *item;
    m_items.erase(item);
    if (!gone.resolverPath.isEmpty()) {
        m_resolvers.remove(gone.resolverPath);
        freeObject(gone.resolverPath, ResolverInterface);
    }
    qCDebug(lcDiscovery) << "gone:" << gone.name;
    if (gone.resolved)
        Q_EMIT serviceRemoved(gone.service);
}

void AvahiBrowser::dropEverything(State state, const QString &reason)
{
    ++m_round;
    const QHash<QString, Item> items = std::exchange(m_items, {});
    m_resolvers.clear();
    m_early.clear();
    m_toResolve.clear();
    m_resolvesInFlight = 0;
    m_browserPath.clear();
    m_browserPending = false;
    m_warnedFull = false;
    for (const Item &item : items) {
        if (item.resolved)
            Q_EMIT serviceRemoved(item.service);
    }
    setState(state, reason);
}

void AvahiBrowser::freeObject(const QString &path, const QString &interface)
{
    if (m_bus.isConnected())
        m_bus.send(methodCall(path, interface, u"Free"_s));
}

void AvahiBrowser::onServerStateChanged(int state, const QString &error)
{
    // A host name collision does not stop browsing; a failed daemon does.
    if (state == ServerFailure && m_started)
        dropEverything(State::Unavailable, tr("Avahi: %1").arg(error.left(200)));
}

} // namespace Confab::Discovery
