// SPDX-License-Identifier: MIT
#pragma once

#include "servicediscovery.h"

#include <QtCore/QAbstractListModel>
#include <QtQml/QQmlEngine>

#include <memory>

namespace Confab::App {

//! \brief The Confab hosts on the local network (DNS-SD), live, for the start page.
//!
//! One row per host (a DNS-SD instance), whatever the number of interfaces and protocols it
//! resolved on; its URL is the one a join most likely reaches: IPv4 first, then a global IPv6
//! address, then a link-local one (with its zone). A row goes when the last of its
//! resolutions goes. Rows are sorted by name, so the list does not jump as hosts answer.
//! Everything in a row came from the network: names are plain, bounded text
//! (Discovery::decodeTxt()), and at most MaxHosts rows are kept.
class FoundHostsModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The hosts found come from Controller.foundHosts")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    //! False when there is no discovery on this machine (no Avahi daemon...).
    Q_PROPERTY(bool available READ isAvailable NOTIFY availabilityChanged)
    //! Why discovery is off, for a person ("the Avahi daemon is not running..."); empty while
    //! it works.
    Q_PROPERTY(QString unavailableReason READ unavailableReason NOTIFY availabilityChanged)
public:
    enum Roles {
        NameRole = Qt::UserRole + 1,
        UrlRole, //!< what a join uses: "http://192.0.2.1:3000"
        AddressRole, //!< what a person reads: "192.0.2.1:3000"
        PasswordRequiredRole,
        TlsRole,
        FingerprintRole,
        LocalRole, //!< announced from this machine
    };
    Q_ENUM(Roles)

    static constexpr int MaxHosts = 100;

    explicit FoundHostsModel(QObject *parent = nullptr);
    ~FoundHostsModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_hosts.size()); }
    bool isAvailable() const { return m_available; }
    QString unavailableReason() const { return m_reason; }

    //! \brief Takes its rows from \a browser from now on, and starts it.
    void setBrowser(std::unique_ptr<Discovery::ServiceBrowser> browser);
    Discovery::ServiceBrowser *browser() const { return m_browser.get(); }

    //! \brief A resolution of a host: a new row, or a change to its row.
    void addService(const Confab::Discovery::DiscoveredService &service);
    //! \brief A resolution gone: the row goes with its last one.
    void removeService(const Confab::Discovery::DiscoveredService &service);
    void setAvailability(bool available, const QString &reason);

    //! \brief The row of the host named \a name (display name), or -1.
    Q_INVOKABLE int indexOfName(const QString &name) const;

Q_SIGNALS:
    void countChanged();
    void availabilityChanged();

private:
    struct Host
    {
        QString key;
        QList<Discovery::DiscoveredService> resolutions;
        const Discovery::DiscoveredService &best() const;
    };
    int rowOfKey(const QString &key) const;
    void syncAvailability();

    std::unique_ptr<Discovery::ServiceBrowser> m_browser;
    QList<Host> m_hosts;
    bool m_available = true;
    QString m_reason;
};

} // namespace Confab::App
