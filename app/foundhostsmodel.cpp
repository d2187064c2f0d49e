// SPDX-License-Identifier: MIT
#include "foundhostsmodel.h"

#include <algorithm>

using namespace Qt::StringLiterals;
using Confab::Discovery::DiscoveredService;
using Confab::Discovery::ServiceBrowser;

namespace Confab::App {

namespace {
//! Lower is better: the address a join most likely reaches.
int preference(const DiscoveredService &service)
{
    if (service.address.protocol() == QAbstractSocket::IPv4Protocol)
        return service.address.isLoopback() ? 1 : 0;
    return service.address.isLinkLocal() ? 3 : 2;
}

QString displayAddress(const DiscoveredService &service)
{
    const QString host = service.address.protocol() == QAbstractSocket::IPv6Protocol
            ? u'[' + service.address.toString() + u']'
            : service.address.toString();
    return host + u':' + QString::number(service.port);
}

bool nameLess(const QString &a, const QString &b)
{
    const int order = a.compare(b, Qt::CaseInsensitive);
    return order != 0 ? order < 0 : a < b;
}
} // namespace

const DiscoveredService &FoundHostsModel::Host::best() const
{
    return *std::min_element(resolutions.cbegin(), resolutions.cend(),
                             [](const DiscoveredService &a, const DiscoveredService &b) {
                                 return preference(a) < preference(b);
                             });
}

FoundHostsModel::FoundHostsModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

FoundHostsModel::~FoundHostsModel() = default;

int FoundHostsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_hosts.size());
}

QVariant FoundHostsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DiscoveredService &service = m_hosts.at(index.row()).best();
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return service.displayName();
    case UrlRole:
        return service.url().toString();
    case AddressRole:
        return displayAddress(service);
    case PasswordRequiredRole:
        return service.info.passwordRequired;
    case TlsRole:
        return service.info.tls;
    case FingerprintRole:
        return service.info.fingerprint;
    case LocalRole:
        return service.local;
    default:
        return {};
    }
}

QHash<int, QByteArray> FoundHostsModel::roleNames() const
{
    return {
            {NameRole, "name"},       {UrlRole, "url"},
            {AddressRole, "address"}, {PasswordRequiredRole, "passwordRequired"},
            {TlsRole, "tls"},         {FingerprintRole, "fingerprint"},
            {LocalRole, "local"},
    };
}

void FoundHostsModel::setBrowser(std::unique_ptr<ServiceBrowser> browser)
{
    if (m_browser) {
        m_browser->disconnect(this);
        beginResetModel();
        m_hosts.clear();
        endResetModel();
        Q_EMIT countChanged();
    }
    m_browser = std::move(browser);
    if (!m_browser)
        return;
    connect(m_browser.get(), &ServiceBrowser::serviceResolved, this, &FoundHostsModel::addService);
    connect(m_browser.get(), &ServiceBrowser::serviceRemoved, this,
            &FoundHostsModel::removeService);
    connect(m_browser.get(), &ServiceBrowser::stateChanged, this,
            &FoundHostsModel::syncAvailability);
    m_browser->start();
    syncAvailability();
}

void FoundHostsModel::syncAvailability()
{
    const bool off = m_browser->state() == ServiceBrowser::State::Unavailable;
    setAvailability(!off, off ? m_browser->unavailableReason() : QString());
}

void FoundHostsModel::setAvailability(bool available, const QString &reason)
{
    if (m_available == available && m_reason == reason)
        return;
    m_available = available;
    m_reason = reason;
    Q_EMIT availabilityChanged();
}

int FoundHostsModel::rowOfKey(const QString &key) const
{
    for (qsizetype row = 0; row < m_hosts.size(); ++row) {
        if (m_hosts.at(row).key == key)
            return int(row);
    }
    return -1;
}

int FoundHostsModel::indexOfName(const QString &name) const
{
    for (qsizetype row = 0; row < m_hosts.size(); ++row) {
        if (m_hosts.at(row).best().displayName() == name)
            return int(row);
    }
    return -1;
}

void FoundHostsModel::addService(const DiscoveredService &service)
{
    const QString key = service.key();
    const int row = rowOfKey(key);
    if (row >= 0) {
        Host &host = m_hosts[row];
        const QString name = host.best().displayName();
        auto same = std::find_if(host.resolutions.begin(), host.resolutions.end(),
                                 [&](const DiscoveredService &known) {
                                     return known.resolutionKey() == service.resolutionKey();
                                 });
        if (same != host.resolutions.end())
            *same = service;
        else
            host.resolutions.append(service);
        if (host.best().displayName() == name) {
            Q_EMIT dataChanged(index(row), index(row));
            return;
        }
        // Renamed: out, and back in at its new place.
        const Host moved = host;
        beginRemoveRows({}, row, row);
        m_hosts.removeAt(row);
        endRemoveRows();
        const QString newName = moved.best().displayName();
        const auto at = std::find_if(m_hosts.cbegin(), m_hosts.cend(), [&](const Host &other) {
            return nameLess(newName, other.best().displayName());
        });
        const int newRow = int(at - m_hosts.cbegin());
        beginInsertRows({}, newRow, newRow);
        m_hosts.insert(newRow, moved);
        endInsertRows();
        return;
    }
    if (m_hosts.size() >= MaxHosts)
        return;
    const QString name = service.displayName();
    const auto at = std::find_if(m_hosts.cbegin(), m_hosts.cend(), [&](const Host &other) {
        return nameLess(name, other.best().displayName());
    });
    const int newRow = int(at - m_hosts.cbegin());
    beginInsertRows({}, newRow, newRow);
    m_hosts.insert(newRow, Host{key, {service}});
    endInsertRows();
    Q_EMIT countChanged();
}

void FoundHostsModel::removeService(const DiscoveredService &service)
{
    const int row = rowOfKey(service.key());
    if (row < 0)
        return;
    Host &host = m_hosts[row];
    host.resolutions.removeIf([&](const DiscoveredService &known) {
        return known.resolutionKey() == service.resolutionKey();
    });
    if (!host.resolutions.isEmpty()) {
        Q_EMIT dataChanged(index(row), index(row));
        return;
    }
    beginRemoveRows({}, row, row);
    m_hosts.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
}

} // namespace Confab::App
