// SPDX-License-Identifier: MIT
#pragma once

#include "chathost.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QThread>

#include <functional>
#include <type_traits>

namespace Confab::App {

class EmbeddedHostWorker;

//! \brief The desktop app's chat host, on a thread of its own.
//!
//! A Confab::ChatHost (its Socket.IO server, sockets, timers and message store) is created,
//! run and destroyed on a QThread that this object owns, so that a burst of traffic does not
//! stall the window and a busy window does not delay pings and acks.
//!
//! The thread that created the EmbeddedHost (the GUI thread) never touches the host's
//! objects. It gets a narrow API instead:
//! - start() and stop(), which wait for the host thread (see each for why that is short);
//! - values cached when start() succeeded: port(), joinUrls(), certificateFingerprint(),
//!   databasePath(), config();
//! - disconnectClient(), queued to the host thread;
//! - signals re-emitted on this object's thread through queued connections, in the order the
//!   host emitted them, and nameOf(), a copy of the names fed by those same signals;
//! - post() and call() to run code on the host thread with the ChatHost (tests, and anything
//!   rare that needs more than the above).
//!
//! After stop() returns no signal of the stopped host is emitted any more, even one that was
//! already queued.
class EmbeddedHost : public QObject
{
    Q_OBJECT
public:
    explicit EmbeddedHost(QObject *parent = nullptr);
    //! Stops the host and its thread.
    ~EmbeddedHost() override;

    //! \brief Creates a ChatHost with \a config on the host thread (starting the thread if
    //! needed) and starts it: opens the store and binds the port.
    //!
    //! Waits for the host thread to answer: the caller needs the port at once (to join its own
    //! host, to show the join URLs, to try the next port when this one is taken), and opening
    //! the store and binding are the same short work the GUI thread did itself when the host
    //! lived there. This object's signals are relayed from before the host thread handles its
    //! first connection, so a receiver connected right after start() returns misses nothing.
    //! \return false with errorString() when the store or the port cannot be had; the thread
    //! then stays up for another start().
    bool start(const Confab::HostConfig &config);
    //! \brief Disconnects everyone and commits what is pending (on the host thread), destroys
    //! the host there, then ends the thread and waits for it. Drops signals still queued.
    void stop();

    bool isRunning() const { return m_running; }
    QString errorString() const { return m_error; }
    //! The port the host listens on; 0 when not running.
    quint16 port() const { return m_port; }
    //! See ChatHost::joinUrls().
    QStringList joinUrls() const { return m_joinUrls; }
    //! See ChatHost::certificateFingerprint(): what joiners pin (discovery's TXT fp).
    QString certificateFingerprint() const { return m_certificateFingerprint; }
    //! The message store's file (or ":memory:"); see ChatStore::databasePath().
    QString databasePath() const { return m_databasePath; }
    //! The configuration start() last succeeded with.
    const Confab::HostConfig &config() const { return m_config; }
    //! \brief The name \a sid (namespace "/") goes by, or empty; as of the signals delivered
    //! so far (clientConnected() carries a new sid's name already).
    QString nameOf(const QString &sid) const { return m_names.value(sid); }

    //! \brief Disconnects \a sid from \a nsp and closes its connection (queued to the host
    //! thread; clientDisconnected() follows).
    void disconnectClient(const QString &sid, const QString &nsp = QStringLiteral("/"));

    //! \brief Runs \a job with the host on the host thread, later; nothing if not running.
    void post(std::function<void(Confab::ChatHost &)> job);
    //! \brief Runs \a job with the host on the host thread and returns its result, waiting
    //! for it (a default value if not running). Never call it from the host thread.
    template<typename Job>
    auto call(Job &&job)
    {
        using Result = std::invoke_result_t<Job &, Confab::ChatHost &>;
        if constexpr (std::is_void_v<Result>) {
            runBlocking(job);
        } else {
            Result result{};
            runBlocking([&](Confab::ChatHost &host) { result = job(host); });
            return result;
        }
    }

    //! The thread the host lives on (for tests and diagnostics; null when not started).
    QThread *hostThread() { return m_worker ? &m_thread : nullptr; }

Q_SIGNALS:
    //! A client joined namespace nsp; nameOf(info.sid) already answers for "/".
    void clientConnected(const Confab::ClientInfo &info);
    void clientDisconnected(const QString &sid, const QString &nsp);
    void roomsChanged(const QString &sid, const QString &nsp, const QStringList &rooms);
    void transportChanged(const QString &sid, const QString &nsp, const QString &transport);
    //! \a sid (namespace "/") renamed itself to \a name.
    void nameChanged(const QString &sid, const QString &name);

private:
    //! Runs \a job on the host thread and waits; false (and no call) when not running.
    bool runBlocking(const std::function<void(Confab::ChatHost &)> &job);
    void relay();

    QThread m_thread;
    EmbeddedHostWorker *m_worker = nullptr; //!< lives on m_thread; deleted when it finishes
    bool m_running = false;
    QString m_error;
    quint16 m_port = 0;
    QStringList m_joinUrls;
    QString m_certificateFingerprint;
    QString m_databasePath;
    Confab::HostConfig m_config;
    QHash<QString, QString> m_names; //!< sid → name, namespace "/"
};

} // namespace Confab::App
