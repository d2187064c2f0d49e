// SPDX-License-Identifier: MIT
#include "servicediscovery.h"

#include "discoverylogging.h"

#include <QtCore/QCoreApplication>

#ifdef CONFAB_HAVE_AVAHI
#    include "avahi_p.h"
#endif

using namespace Qt::StringLiterals;

namespace Confab::Discovery {

QString DiscoveredService::displayName() const
{
    return info.name.isEmpty() ? instanceName : info.name;
}

QUrl DiscoveredService::url() const
{
    QUrl url;
    // A pinned TLS host is joined like its join links: "http://…#fp=<hex>" (a browser opens the
    // http page; the Confab app and confab-cli read the pin and go https to the same port).
    // TLS without a fingerprint is a certificate from a CA: https.
    const bool pinned = info.tls && !info.fingerprint.isEmpty();
    url.setScheme(info.tls && !pinned ? u"https"_s : u"http"_s);
    // "fe80::1%eth0": QUrl adds the brackets and writes the zone as "%25eth0" (RFC 6874).
    url.setHost(address.toString());
    url.setPort(port);
    if (pinned)
        url.setFragment(u"fp="_s + info.fingerprint);
    return url;
}

QString DiscoveredService::key() const
{
    return instanceName + u'\n' + domain;
}

QString DiscoveredService::resolutionKey() const
{
    return key() + u'\n' + QString::number(interfaceIndex) + u'\n' + QString::number(int(protocol));
}

void ServiceBrowser::setState(State state, const QString &reason)
{
    if (m_state == state && m_reason == reason)
        return;
    m_state = state;
    m_reason = reason;
    // Said once, here, for every program: whatever else, joining by address still works.
    if (state == State::Unavailable)
        qCInfo(lcDiscovery).noquote() << "discovery is off:" << reason;
    else
        qCDebug(lcDiscovery) << "browser:" << state;
    Q_EMIT stateChanged();
}

void ServiceAnnouncer::setState(State state, const QString &error)
{
    if (m_state == state && m_error == error)
        return;
    m_state = state;
    m_error = error;
    if (state == State::Unavailable || state == State::Failed)
        qCWarning(lcDiscovery).noquote()
                << "not announced on the network:" << error << "(everything else works)";
    Q_EMIT stateChanged();
}

namespace {
QString noBackend()
{
    return QCoreApplication::translate("Confab::Discovery",
                                       "this platform has no DNS-SD support in Confab yet");
}

//! Where there is no backend: discovery is off, said once, and nothing else changes.
class UnavailableBrowser : public ServiceBrowser
{
public:
    using ServiceBrowser::ServiceBrowser;
    void start() override { setState(State::Unavailable, noBackend()); }
};

class UnavailableAnnouncer : public ServiceAnnouncer
{
public:
    using ServiceAnnouncer::ServiceAnnouncer;
    void announce(const QString &, quint16, const ServiceInfo &) override
    {
        setState(State::Unavailable, noBackend());
    }
    void withdraw() override { setState(State::Idle); }
};
} // namespace

std::unique_ptr<ServiceBrowser> createBrowser(QObject *parent)
{
#ifdef CONFAB_HAVE_AVAHI
    return std::make_unique<AvahiBrowser>(QDBusConnection::systemBus(), parent);
#else
    return std::make_unique<UnavailableBrowser>(parent);
#endif
}

std::unique_ptr<ServiceAnnouncer> createAnnouncer(QObject *parent)
{
#ifdef CONFAB_HAVE_AVAHI
    return std::make_unique<AvahiAnnouncer>(QDBusConnection::systemBus(), parent);
#else
    return std::make_unique<UnavailableAnnouncer>(parent);
#endif
}

} // namespace Confab::Discovery
