// SPDX-License-Identifier: MIT
#include "embeddedhost.h"

#include "applogging.h"
#include "embeddedhost_p.h"

#include <QtCore/QCoreApplication>

using namespace Qt::StringLiterals;

namespace Confab::App {

// --- the host thread's half ---

EmbeddedHostWorker::~EmbeddedHostWorker()
{
    stop();
}

EmbeddedHostStart EmbeddedHostWorker::start(const Confab::HostConfig &config)
{
    Q_ASSERT(!m_host);
    EmbeddedHostStart result;
    // Created here, so that the host and everything it creates (servers, sockets, timers, the
    // store) belong to this thread.
    auto host = std::make_unique<Confab::ChatHost>(config);
    if (!host->start()) {
        result.error = host->errorString();
        return result;
    }
    // Nothing has been accepted yet: this thread has not returned to its event loop since
    // the host started listening.
    Confab::SocketIoServer *server = host->server();
    Confab::ChatService *service = host->service();
    connect(server, &Confab::SocketIoServer::clientConnected, this,
            [this, service](const Confab::ClientInfo &info) {
                // The service named the sid in its own handler, connected before this one.
                Q_EMIT clientConnected(info,
                                       info.nsp == u"/"_s ? service->nameOf(info.sid) : QString());
            });
    connect(server, &Confab::SocketIoServer::clientDisconnected, this,
            &EmbeddedHostWorker::clientDisconnected);
    connect(server, &Confab::SocketIoServer::roomsChanged, this, &EmbeddedHostWorker::roomsChanged);
    connect(server, &Confab::SocketIoServer::transportChanged, this,
            &EmbeddedHostWorker::transportChanged);
    connect(service, &Confab::ChatService::nameChanged, this, &EmbeddedHostWorker::nameChanged);

    result.ok = true;
    result.port = host->port();
    result.joinUrls = host->joinUrls();
    result.certificateFingerprint = host->certificateFingerprint();
    result.databasePath = host->store()->databasePath();
    m_host = std::move(host);
    return result;
}

void EmbeddedHostWorker::stop()
{
    if (!m_host)
        return;
    m_host->stop();
    m_host.reset();
}

// --- the GUI thread's half ---

EmbeddedHost::EmbeddedHost(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<Confab::ClientInfo>();
    m_thread.setObjectName(u"confab-host"_s);
}

EmbeddedHost::~EmbeddedHost()
{
    stop();
}

bool EmbeddedHost::start(const Confab::HostConfig &config)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_running) {
        m_error = u"The host is running already"_s;
        return false;
    }
    if (!m_worker) {
        m_worker = new EmbeddedHostWorker;
        m_worker->moveToThread(&m_thread);
        // Deferred deletions still run when the thread finishes: the worker goes on its own
        // thread, after stop() took the host down.
        connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        relay();
        m_thread.start();
    }

    EmbeddedHostStart started;
    EmbeddedHostWorker *worker = m_worker;
    QMetaObject::invokeMethod(
            worker, [worker, &config, &started] { started = worker->start(config); },
            Qt::BlockingQueuedConnection);
    if (!started.ok) {
        m_error = started.error;
        return false;
    }
    m_error.clear();
    m_running = true;
    m_config = config;
    m_port = started.port;
    m_joinUrls = started.joinUrls;
    m_certificateFingerprint = started.certificateFingerprint;
    m_databasePath = started.databasePath;
    qCDebug(lcApp) << "host thread serving port" << m_port;
    return true;
}

void EmbeddedHost::relay()
{
    // Queued: the worker emits on the host thread, these run on ours, in emission order.
    connect(
            m_worker, &EmbeddedHostWorker::clientConnected, this,
            [this](const Confab::ClientInfo &info, const QString &name) {
                if (info.nsp == u"/"_s)
                    m_names.insert(info.sid, name);
                Q_EMIT clientConnected(info);
            },
            Qt::QueuedConnection);
    connect(
            m_worker, &EmbeddedHostWorker::clientDisconnected, this,
            [this](const QString &sid, const QString &nsp) {
                if (nsp == u"/"_s)
                    m_names.remove(sid);
                Q_EMIT clientDisconnected(sid, nsp);
            },
            Qt::QueuedConnection);
    connect(
            m_worker, &EmbeddedHostWorker::nameChanged, this,
            [this](const QString &sid, const QString &name) {
                m_names.insert(sid, name);
                Q_EMIT nameChanged(sid, name);
            },
            Qt::QueuedConnection);
    connect(m_worker, &EmbeddedHostWorker::roomsChanged, this, &EmbeddedHost::roomsChanged,
            Qt::QueuedConnection);
    connect(m_worker, &EmbeddedHostWorker::transportChanged, this, &EmbeddedHost::transportChanged,
            Qt::QueuedConnection);
}

void EmbeddedHost::stop()
{
    if (!m_worker)
        return;
    Q_ASSERT(QThread::currentThread() == thread());
    EmbeddedHostWorker *worker = m_worker;
    QMetaObject::invokeMethod(
            worker, [worker] { worker->stop(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    m_worker = nullptr; // deleted as the thread finished
    // What the stopped host said and we have not relayed yet is of no use to anyone now.
    QCoreApplication::removePostedEvents(this, QEvent::MetaCall);
    m_running = false;
    m_port = 0;
    m_joinUrls.clear();
    m_certificateFingerprint.clear();
    m_databasePath.clear();
    m_names.clear();
    qCDebug(lcApp) << "host thread stopped";
}

void EmbeddedHost::disconnectClient(const QString &sid, const QString &nsp)
{
    post([sid, nsp](Confab::ChatHost &host) { host.server()->disconnectClient(sid, nsp, true); });
}

void EmbeddedHost::post(std::function<void(Confab::ChatHost &)> job)
{
    if (!m_running)
        return;
    EmbeddedHostWorker *worker = m_worker;
    QMetaObject::invokeMethod(
            worker,
            [worker, job = std::move(job)] {
                if (Confab::ChatHost *host = worker->host())
                    job(*host);
            },
            Qt::QueuedConnection);
}

bool EmbeddedHost::runBlocking(const std::function<void(Confab::ChatHost &)> &job)
{
    Q_ASSERT(QThread::currentThread() != &m_thread);
    if (!m_running)
        return false;
    EmbeddedHostWorker *worker = m_worker;
    QMetaObject::invokeMethod(
            worker,
            [worker, &job] {
                if (Confab::ChatHost *host = worker->host())
                    job(*host);
            },
            Qt::BlockingQueuedConnection);
    return true;
}

} // namespace Confab::App
