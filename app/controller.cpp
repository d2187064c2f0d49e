// SPDX-License-Identifier: MIT
#include "controller.h"

#include "preferences.h"

namespace Confab::App {

Controller *Controller::s_instance = nullptr;

Controller::Controller(QObject *parent, Preferences *preferences)
    : QObject(parent)
    , m_preferences(preferences ? preferences
                                : new Preferences(this, Preferences::Scope::SettingsOnly))
    , m_socket(new Confab::Client::SocketIoClient(this))
    , m_chat(new Confab::Client::ChatClient(m_socket, this))
    , m_sids(new SidListModel(this))
    , m_notifier(new DesktopNotifier(m_preferences, this))
    , m_roomState(new ChatRoomState(m_chat, this))
    , m_inspector(new ChatInspector(m_chat, this))
    , m_session(new ChatSession(m_chat, m_preferences, m_sids, this))
    , m_foundHosts(new FoundHostsModel(this))
{
    m_foundHosts->setBrowser(Discovery::createBrowser());
    // Whatever part fails, the banner shows it.
    connect(m_roomState, &ChatRoomState::errorOccurred, m_session, &ChatSession::setLastError);
    connect(m_inspector, &Inspector::errorOccurred, m_session, &ChatSession::setLastError);
    connect(m_session, &ChatSession::sessionStarted, m_inspector->eventLogSource(),
            &EventLogModel::clear);
    connect(m_session, &ChatSession::sessionEnded, m_roomState, &ChatRoomState::reset);
    connect(m_roomState, &ChatRoomState::messageArrived, m_notifier,
            &DesktopNotifier::messageArrived);
    // A click on a notification shows its room (joining it again if we left meanwhile).
    connect(m_notifier, &DesktopNotifier::roomRequested, m_roomState, &ChatRoomState::joinRoom);
}

Controller::~Controller()
{
    if (s_instance == this)
        s_instance = nullptr;
    // The session (and the host it may run) goes before the chat client it uses.
    delete m_session;
}

void Controller::setInstance(Controller *instance)
{
    s_instance = instance;
}

Controller *Controller::create(QQmlEngine *, QJSEngine *)
{
    if (!s_instance) {
        // Without an instance from main() (qmlscene-like tools), QML owns a fresh one.
        s_instance = new Controller(nullptr);
        return s_instance;
    }
    QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    return s_instance;
}

} // namespace Confab::App
