// SPDX-License-Identifier: MIT
#pragma once

#include "servicediscovery.h"

#include <QtCore/QIODevice>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QTimer>

#include <memory>

namespace Confab::Cli {

//! \brief `confab-cli --discover`: lists the Confab hosts on the local network as JSON lines.
//!
//! One line per host and address as each resolves, {"name","url","pw","tls","fp"}, then the
//! end after the timeout. finished() gives the exit code: 0, or ExitNoDiscovery when there is
//! no discovery on this machine (the reason goes to stderr).
class DiscoveryCommand : public QObject
{
    Q_OBJECT
public:
    //! Seconds confab-cli browses by default: mDNS answers come within about one.
    static constexpr int DefaultTimeout = 3;

    DiscoveryCommand(std::unique_ptr<Discovery::ServiceBrowser> browser, int timeoutMs,
                     QIODevice *out, QObject *parent = nullptr);
    void start();

    //! \brief The JSON line for \a service (no newline).
    static QByteArray line(const Discovery::DiscoveredService &service);

Q_SIGNALS:
    void finished(int exitCode);

private:
    std::unique_ptr<Discovery::ServiceBrowser> m_browser;
    QIODevice *m_out;
    QTimer m_timer;
    QSet<QByteArray> m_printed;
};

} // namespace Confab::Cli
