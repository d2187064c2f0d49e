// SPDX-License-Identifier: MIT
#pragma once

#include "chatclient.h"
#include "chatinspector.h"
#include "chatroomstate.h"
#include "chatsession.h"
#include "desktopnotifier.h"
#include "foundhostsmodel.h"
#include "preferences.h"
#include "sidlistmodel.h"

#include <QtCore/QObject>
#include <QtQml/QQmlEngine>

// The shape, as NeoChat splits its controller: small objects, each owning its data source.
//
//   Session      the connection: host/join/leave, its state, lastError, who we are. The real
//                one (ChatSession) keeps a SidSource for its mode: HostSidSource, which owns
//                the embedded host (an EmbeddedHost: the ChatHost on a thread of its own), or
//                PeerSidSource, fed by the host's `who` answers; both fill SidListModel.
//   RoomState    the rooms: list, current room, its messages, members, who is typing, the
//                composer's typing notices (ChatRoomState, fed by the ChatClient).
//   Inspector    the event log, raw emits and their replies (ChatInspector).
//   FoundHostsModel  the hosts on the local network, from a Discovery::ServiceBrowser.
//   Preferences  every setting: language, theme, user name, recent servers, install id,
//                notifications on or off.
//
// Why this thin root stays: QML needs one entry point to hand the parts to the pages, and
// C++ (main(), the tests) needs one thing to build and wire them (the chat client they share,
// errors into the session's banner, notifications). It holds no state of its own: its
// properties are CONSTANT and typed, and the pages take each part as a `required property`
// of its interface type (Session, RoomState, Inspector), never the root. The interfaces are
// what the Qt Quick tests' doubles derive from, so a fake cannot drift from the real parts.

namespace Confab::App {

//! \brief The parts of the desktop app, built and wired together; a QML singleton.
//!
//! main() creates one and hands it to setInstance() before QML loads, so that QML and C++
//! share it; create() returns that instance.
class Controller : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(Confab::App::Session *session READ session CONSTANT)
    Q_PROPERTY(Confab::App::RoomState *roomState READ roomState CONSTANT)
    Q_PROPERTY(Confab::App::SidListModel *sids READ sids CONSTANT)
    Q_PROPERTY(Confab::App::Inspector *inspector READ inspector CONSTANT)
    //! Notifications and the unread badge while the window is not active.
    Q_PROPERTY(Confab::App::DesktopNotifier *notifier READ notifier CONSTANT)
    //! The Confab hosts on the local network (DNS-SD), for the start page.
    Q_PROPERTY(Confab::App::FoundHostsModel *foundHosts READ foundHosts CONSTANT)
public:
    //! \a preferences: the settings to use; null gives this controller settings of its own,
    //! which leave the language alone (tests run several controllers, each with its own
    //! name). No default argument: Qt 6.4 constructs a default-constructible singleton itself
    //! and never calls create().
    explicit Controller(QObject *parent, Preferences *preferences = nullptr);
    ~Controller() override;

    //! \brief The instance QML gets; set it before the engine loads anything.
    static void setInstance(Controller *instance);
    static Controller *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);

    ChatSession *session() const { return m_session; }
    ChatRoomState *roomState() const { return m_roomState; }
    SidListModel *sids() const { return m_sids; }
    ChatInspector *inspector() const { return m_inspector; }
    DesktopNotifier *notifier() const { return m_notifier; }
    FoundHostsModel *foundHosts() const { return m_foundHosts; }
    Preferences *preferences() const { return m_preferences; }
    Confab::Client::SocketIoClient *socket() const { return m_socket; }
    Confab::Client::ChatClient *chat() const { return m_chat; }

private:
    static Controller *s_instance;

    Preferences *m_preferences;
    Confab::Client::SocketIoClient *m_socket;
    Confab::Client::ChatClient *m_chat;
    SidListModel *m_sids;
    DesktopNotifier *m_notifier;
    // Built in this order: the room state hears the chat client's signals before the session
    // and the sid sources (the welcome joins the lobby, then asks `who`).
    ChatRoomState *m_roomState;
    ChatInspector *m_inspector;
    ChatSession *m_session;
    FoundHostsModel *m_foundHosts;
};

} // namespace Confab::App
