// SPDX-License-Identifier: MIT
#pragma once

#include "chatclient.h"
#include "session.h"
#include "sidlistmodel.h"

#include <QtCore/QTimer>
#include <QtNetwork/QHostAddress>

#include <chrono>
#include <memory>

namespace Confab::App {

class HostSidSource;
class Preferences;
class SidSource;

//! \brief The real session: the chat client's connection, and when hosting the embedded host
//! our own client joins over loopback, through exactly the code path of a remote join.
//!
//! Keeps the SidSource that fits the mode: a HostSidSource (which owns the host) while
//! hosting, a PeerSidSource while joined. The name we ask for, the servers we joined and our
//! install's id are settings, read from and remembered in Preferences.
class ChatSession : public Session
{
    Q_OBJECT
public:
    ChatSession(Confab::Client::ChatClient *chat, Preferences *preferences, SidListModel *sids,
                QObject *parent = nullptr);
    //! Says goodbye to the host before stopping our own.
    ~ChatSession() override;

    // Configuration from C++ (command line, tests).
    //! Where a host listens; all addresses by default.
    void setHostAddress(const QHostAddress &address) { m_hostAddress = address; }
    //! The host's message store: a folder or ":memory:"; empty means the app's data folder.
    void setHostDataLocation(const QString &location) { m_hostDataLocation = location; }
    //! Shorter reconnection delays, for tests.
    void setReconnectionDelays(std::chrono::milliseconds first, std::chrono::milliseconds max);

    Mode mode() const override { return m_mode; }
    QString connectionState() const override;
    bool isConnected() const override;
    QString lastError() const override { return m_lastError; }
    QString myName() const override;
    QString mySid() const override;
    QStringList hostUrls() const override { return m_hostUrls; }
    int hostPort() const override;
    QUrl serverUrl() const override { return m_serverUrl; }

    bool hostChat(int port = DefaultPort, const QString &password = {}) override;
    bool joinServer(const QString &url, const QString &password = {}) override;
    void leave() override;
    void clearError() override { setLastError({}); }
    void refreshSids() override;
    void disconnectSid(const QString &sid, const QString &nsp = QStringLiteral("/")) override;

    //! \brief Shows \a error in the banner (what the other parts report lands here too).
    void setLastError(const QString &error);
    //! \brief Asks the host for \a name, and remembers it.
    void rename(const QString &name);
    //! The hosting sid source, which owns the embedded host; null unless hosting.
    HostSidSource *hostSource() const { return m_host; }

Q_SIGNALS:
    //! A connection is about to be opened: the inspector starts a new log.
    void sessionStarted();
    //! We left: the rooms are forgotten.
    void sessionEnded();

protected:
    //! Re-emits the connection state, made in C++, when the language changes.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setMode(Mode mode);
    //! \a deviceScope: see ChatClient::connectToHost().
    void startSession(const QUrl &url, const QString &password, const QString &deviceScope = {});
    void resetSession();
    void onWelcomed(const QString &sid);

    Confab::Client::SocketIoClient *m_socket;
    Confab::Client::ChatClient *m_chat;
    Preferences *m_preferences;
    SidListModel *m_sids;
    std::unique_ptr<SidSource> m_sidSource; //!< for the mode: hosting, joined, or none
    HostSidSource *m_host = nullptr; //!< m_sidSource while hosting

    Mode m_mode = Mode::Idle;
    QHostAddress m_hostAddress = QHostAddress::Any;
    QString m_hostDataLocation;
    QUrl m_serverUrl;
    QString m_refusal; //!< the host's CONNECT_ERROR message, until the next attempt
    QString m_lastError;
    QStringList m_hostUrls;
    QTimer m_countdown; //!< refreshes "Reconnecting in N s"
};

} // namespace Confab::App
