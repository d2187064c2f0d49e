// SPDX-License-Identifier: MIT
#pragma once

#include "chathost.h"

#include <QtCore/QObject>

#include <memory>

namespace Confab::App {

//! \brief What start() learns from the host thread: the outcome and the values the GUI
//! thread caches.
struct EmbeddedHostStart
{
    bool ok = false;
    QString error;
    quint16 port = 0;
    QStringList joinUrls;
    QString certificateFingerprint;
    QString databasePath;
};

//! \brief EmbeddedHost's half on the host thread: creates, runs and destroys the ChatHost
//! there, and passes on the host's signals (EmbeddedHost receives them queued).
//!
//! Every member function runs on the host thread.
class EmbeddedHostWorker : public QObject
{
    Q_OBJECT
public:
    EmbeddedHostWorker() = default;
    ~EmbeddedHostWorker() override;

    EmbeddedHostStart start(const Confab::HostConfig &config);
    void stop();
    Confab::ChatHost *host() const { return m_host.get(); }

Q_SIGNALS:
    //! \a name: what the chat service calls the sid already (empty outside "/").
    void clientConnected(const Confab::ClientInfo &info, const QString &name);
    void clientDisconnected(const QString &sid, const QString &nsp);
    void roomsChanged(const QString &sid, const QString &nsp, const QStringList &rooms);
    void transportChanged(const QString &sid, const QString &nsp, const QString &transport);
    void nameChanged(const QString &sid, const QString &name);

private:
    std::unique_ptr<Confab::ChatHost> m_host;
};

} // namespace Confab::App
