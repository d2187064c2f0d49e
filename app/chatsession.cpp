// SPDX-License-Identifier: MIT
#include "chatsession.h"

#include "applogging.h"
#include "hostsidsource.h"
#include "peersidsource.h"
#include "preferences.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QSysInfo>

#include <cmath>

using namespace Qt::StringLiterals;
using Confab::Client::ChatClient;
using Confab::Client::SocketIoClient;

namespace Confab::App {

ChatSession::ChatSession(ChatClient *chat, Preferences *preferences, SidListModel *sids,
                         QObject *parent)
    : Session(parent)
    , m_socket(chat->socket())
    , m_chat(chat)
    , m_preferences(preferences)
    , m_sids(sids)
{
    // QCoreApplication::installTranslator() sends LanguageChange to the application object.
    if (QCoreApplication::instance())
        QCoreApplication::instance()->installEventFilter(this);

    // One secret per install, so that hosts mark our messages as ours after a restart too.
    m_chat->setInstallId(m_preferences->installId());

    connect(m_socket, &SocketIoClient::stateChanged, this, [this](SocketIoClient::State state) {
        if (state == SocketIoClient::State::Reconnecting)
            m_countdown.start();
        else
            m_countdown.stop();
        if (state == SocketIoClient::State::Connecting)
            m_refusal.clear();
        Q_EMIT connectionStateChanged();
    });
    connect(m_socket, &SocketIoClient::reconnectScheduled, this,
            &ChatSession::connectionStateChanged);
    connect(m_socket, &SocketIoClient::connected, this, [this] {
        m_refusal.clear();
        Q_EMIT connectionStateChanged();
        Q_EMIT mySidChanged();
    });
    connect(m_socket, &SocketIoClient::connectError, this,
            [this](const QString &, const QString &message, const QVariant &) {
                m_refusal = message;
                setLastError(tr("The server refused the connection: %1").arg(message));
                Q_EMIT connectionStateChanged();
            });
    connect(m_socket, &SocketIoClient::errorOccurred, this,
            [this](SocketIoClient::Error error, const QString &message) {
                qCInfo(lcApp) << "connection error:" << error << message;
                switch (error) {
                case SocketIoClient::Error::ConnectFailed:
                    // While reconnecting the state line says enough; a first attempt that fails
                    // usually means a wrong address.
                    if (!m_socket->hasEverConnected())
                        setLastError(tr("Could not reach %1: %2")
                                             .arg(m_serverUrl.toDisplayString(), message));
                    break;
                case SocketIoClient::Error::InvalidUrl:
                case SocketIoClient::Error::TlsError:
                case SocketIoClient::Error::ProtocolError:
                case SocketIoClient::Error::ReconnectFailed:
                case SocketIoClient::Error::ServerDisconnected:
                    setLastError(message);
                    break;
                default:
                    break;
                }
            });
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &ChatSession::connectionStateChanged);

    connect(m_chat, &ChatClient::welcomed, this,
            [this](const QString &, const QString &sid) { onWelcomed(sid); });
    connect(m_chat, &ChatClient::nameChanged, this, &ChatSession::myNameChanged);
}

ChatSession::~ChatSession()
{
    // The client says goodbye before the host it may be talking to goes away.
    m_chat->disconnectFromHost();
    m_host = nullptr;
    m_sidSource.reset();
}

bool ChatSession::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::LanguageChange && watched == QCoreApplication::instance())
        Q_EMIT connectionStateChanged();
    return Session::eventFilter(watched, event);
}

void ChatSession::setReconnectionDelays(std::chrono::milliseconds first,
                                        std::chrono::milliseconds max)
{
    Confab::Client::ClientOptions options = m_socket->options();
    options.reconnectionDelay = first;
    options.reconnectionDelayMax = max;
    m_socket->setOptions(options);
}

// --- properties ---

QString ChatSession::connectionState() const
{
    if (!m_refusal.isEmpty())
        return tr("Refused: %1").arg(m_refusal);
    switch (m_socket->state()) {
    case SocketIoClient::State::Disconnected:
        return m_mode == Mode::Idle ? tr("Not connected") : tr("Disconnected");
    case SocketIoClient::State::Connecting:
        return tr("Connecting…");
    case SocketIoClient::State::Connected:
        return m_socket->isConnected() ? tr("Connected") : tr("Connecting…");
    case SocketIoClient::State::Reconnecting: {
        const QDateTime at = m_socket->nextReconnectAt();
        const qint64 ms = at.isValid() ? QDateTime::currentDateTimeUtc().msecsTo(at) : 0;
        if (ms <= 0)
            return tr("Reconnecting…");
        return tr("Reconnecting in %1 s").arg(qint64(std::ceil(double(ms) / 1000.0)));
    }
    }
    return {};
}

bool ChatSession::isConnected() const
{
    return m_socket->isConnected();
}

void ChatSession::setLastError(const QString &error)
{
    if (m_lastError == error)
        return;
    if (!error.isEmpty())
        qCInfo(lcApp) << "error:" << error;
    m_lastError = error;
    Q_EMIT lastErrorChanged();
}

QString ChatSession::myName() const
{
    return m_chat->name();
}

QString ChatSession::mySid() const
{
    return m_chat->sid();
}

int ChatSession::hostPort() const
{
    return m_host ? m_host->port() : 0;
}

void ChatSession::setMode(Mode mode)
{
    if (m_mode == mode)
        return;
    m_mode = mode;
    qCInfo(lcApp) << "mode" << mode;
    Q_EMIT modeChanged();
    Q_EMIT connectionStateChanged();
}

// --- sessions ---

bool ChatSession::hostChat(int port, const QString &password)
{
    leave();
    if (port < 0 || port > 65535) {
        setLastError(tr("%1 is not a port number").arg(port));
        return false;
    }
    auto host = std::make_unique<HostSidSource>(m_sids);
    HostSidSource::Options options;
    options.address = m_hostAddress;
    options.port = port;
    options.attempts = port == 0 ? 1 : PortAttempts;
    options.password = password;
    options.dataLocation = m_hostDataLocation;
    // Announced on the network as "alice (box)": whose chat, on which computer.
    if (m_preferences->announceHost()) {
        const QString machine = QSysInfo::machineHostName();
        const QString user = m_preferences->userName().trimmed();
        options.announceName = user.isEmpty() ? machine : u"%1 (%2)"_s.arg(user, machine);
    }
    if (!host->start(options)) {
        setLastError(tr("Could not start the host: %1").arg(host->errorString()));
        return false;
    }
    m_host = host.get();
    m_sidSource = std::move(host);

    // Others join through these; loopback only when there is nothing else.
    const QStringList urls = m_host->joinUrls();
    m_hostUrls.clear();
    for (const QString &url : urls) {
        const QHostAddress address(QUrl(url).host());
        if (!address.isLoopback())
            m_hostUrls.append(url);
    }
    if (m_hostUrls.isEmpty())
        m_hostUrls = urls;
    Q_EMIT hostUrlsChanged();
    qCInfo(lcApp) << "hosting on port" << m_host->port() << m_hostUrls;

    setMode(Mode::Hosting);
    // Our own client joins like anyone else, over loopback.
    const QString loopback = m_hostAddress.protocol() == QAbstractSocket::IPv6Protocol
                    && m_hostAddress != QHostAddress::Any
            ? u"[::1]"_s
            : u"127.0.0.1"_s;
    // The port may change from run to run; the host's store does not: our device id for our
    // own host is derived from its data location, so our messages stay ours across restarts.
    startSession(QUrl(u"http://%1:%2/"_s.arg(loopback).arg(m_host->port())), password,
                 u"confab-host:"_s + m_host->databasePath());
    return true;
}

bool ChatSession::joinServer(const QString &text, const QString &password)
{
    leave();
    QString trimmed = text.trimmed();
    QUrl url = QUrl::fromUserInput(trimmed);
    // fromUserInput reads "host:3000" as scheme "host"; a Socket.IO server is http(s) or ws(s).
    const QStringList schemes{u"http"_s, u"https"_s, u"ws"_s, u"wss"_s};
    if (!url.isValid() || !schemes.contains(url.scheme()))
        url = QUrl(u"http://"_s + trimmed);
    if (trimmed.isEmpty() || !url.isValid() || url.host().isEmpty()) {
        setLastError(tr("“%1” is not a server address").arg(trimmed));
        return false;
    }
    m_preferences->rememberServer(url.toString());
    // A host's sids follow the server itself; a guest's follow what the host tells it.
    m_sidSource = std::make_unique<PeerSidSource>(m_chat, m_sids);
    setMode(Mode::Joined);
    startSession(url, password);
    return true;
}

void ChatSession::startSession(const QUrl &url, const QString &password, const QString &deviceScope)
{
    m_serverUrl = url;
    Q_EMIT serverUrlChanged();
    m_refusal.clear();
    // The inspector shows one connection at a time.
    Q_EMIT sessionStarted();
    m_chat->connectToHost(url, m_preferences->userName(), password, deviceScope);
    Q_EMIT connectionStateChanged();
}

void ChatSession::leave()
{
    if (m_mode == Mode::Idle && !m_sidSource)
        return;
    m_chat->disconnectFromHost();
    const bool hosting = m_host;
    m_host = nullptr;
    m_sidSource.reset(); // stops our host
    if (hosting) {
        m_hostUrls.clear();
        Q_EMIT hostUrlsChanged();
    }
    resetSession();
    setMode(Mode::Idle);
}

void ChatSession::resetSession()
{
    Q_EMIT sessionEnded();
    m_sids->clear();
    m_refusal.clear();
    m_serverUrl.clear();
    Q_EMIT serverUrlChanged();
    Q_EMIT mySidChanged();
    Q_EMIT myNameChanged();
}

void ChatSession::onWelcomed(const QString &sid)
{
    m_sids->setOwnSid(sid);
    Q_EMIT mySidChanged();
    refreshSids();
}

void ChatSession::refreshSids()
{
    if (m_socket->isConnected())
        m_chat->who();
}

void ChatSession::disconnectSid(const QString &sid, const QString &nsp)
{
    if (!m_sidSource || !m_sidSource->disconnectSid(sid, nsp))
        setLastError(tr("Only the host can disconnect others"));
}

void ChatSession::rename(const QString &name)
{
    m_preferences->setUserName(name);
    m_chat->rename(name);
}

} // namespace Confab::App
