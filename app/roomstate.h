// SPDX-License-Identifier: MIT
#pragma once

#include "messagelistmodel.h"
#include "roomlistmodel.h"

#include <QtCore/QObject>
#include <QtQml/QQmlEngine>

namespace Confab::App {

//! \brief The rooms as the pages see them: the list, the current room, its messages, and who
//! is typing in it.
//!
//! An interface: ChatRoomState is the real one (fed by the chat client); the Qt Quick tests
//! use a test double deriving from this class, so the two cannot drift apart.
class RoomState : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The room state comes from Controller.roomState")
    Q_PROPERTY(Confab::App::RoomListModel *rooms READ rooms CONSTANT)
    Q_PROPERTY(QString currentRoom READ currentRoom WRITE setCurrentRoom NOTIFY currentRoomChanged)
    //! The messages of currentRoom (an empty model when there is none).
    Q_PROPERTY(Confab::App::MessageListModel *messages READ messages NOTIFY currentRoomChanged)
    //! "Bob is typing…" for the current room, or empty.
    Q_PROPERTY(QString typingText READ typingText NOTIFY typingTextChanged)
    Q_PROPERTY(bool loadingOlder READ isLoadingOlder NOTIFY loadingOlderChanged)
public:
    using QObject::QObject;

    virtual RoomListModel *rooms() const = 0;
    virtual QString currentRoom() const = 0;
    virtual void setCurrentRoom(const QString &room) = 0;
    virtual MessageListModel *messages() const = 0;
    virtual QString typingText() const = 0;
    virtual bool isLoadingOlder() const = 0;

    //! \brief Shows \a room, joining it first when we are not in it.
    Q_INVOKABLE virtual void joinRoom(const QString &room) = 0;
    Q_INVOKABLE virtual void leaveRoom(const QString &room) = 0;
    //! \brief Sends \a text to the current room; returns the message's client id.
    Q_INVOKABLE virtual QString sendMessage(const QString &text) = 0;
    Q_INVOKABLE virtual bool retryMessage(const QString &clientId) = 0;
    //! \brief Asks for the messages before the oldest one shown.
    Q_INVOKABLE virtual void loadOlder() = 0;
    //! \brief The composer's text changed: tells the room we are typing, and that we stopped
    //! after a pause or when it is cleared.
    Q_INVOKABLE virtual void composerEdited(const QString &text) = 0;

Q_SIGNALS:
    void currentRoomChanged();
    void typingTextChanged();
    void loadingOlderChanged();
};

} // namespace Confab::App
