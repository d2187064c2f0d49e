// SPDX-License-Identifier: MIT
#pragma once

#include "chatclient.h"
#include "roomstate.h"

#include <QtCore/QHash>
#include <QtCore/QTimer>

namespace Confab::App {

//! \brief The rooms of the chat we are connected to: fed by the ChatClient, it keeps the room
//! list, each joined room's members and messages, and who is typing.
class ChatRoomState : public RoomState
{
    Q_OBJECT
public:
    //! What `join` returns and what loadOlder() asks for.
    static constexpr int HistoryPage = 50;

    explicit ChatRoomState(Confab::Client::ChatClient *chat, QObject *parent = nullptr);

    RoomListModel *rooms() const override { return m_rooms; }
    QString currentRoom() const override { return m_currentRoom; }
    void setCurrentRoom(const QString &room) override;
    MessageListModel *messages() const override;
    QString typingText() const override { return m_typingText; }
    bool isLoadingOlder() const override { return m_loadingOlder; }

    void joinRoom(const QString &room) override;
    void leaveRoom(const QString &room) override;
    QString sendMessage(const QString &text) override;
    bool retryMessage(const QString &clientId) override;
    void loadOlder() override;
    void composerEdited(const QString &text) override;

    //! The model of \a room, created on demand.
    MessageListModel *messagesOf(const QString &room);
    //! \brief Forgets every room: the session ended.
    void reset();

Q_SIGNALS:
    //! A message of another room or of ours arrived and was listed (DesktopNotifier).
    void messageArrived(const Confab::Client::ChatMessage &message);
    //! A request failed; the session shows it as its lastError.
    void errorOccurred(const QString &error);

protected:
    //! Re-makes "Bob is typing…" in the new language.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Typer
    {
        QString name;
        qint64 until = 0; //!< ms since epoch after which the notice is stale
    };

    void setLoadingOlder(bool loading);
    void updateTypingText();
    void updateMemberCount(const QString &room);

    void onWelcomed(const QString &name, const QString &sid,
                    const QList<Confab::Client::ChatRoomSummary> &rooms);
    void onRoomJoined(const QString &room, const QList<Confab::Client::ChatMember> &members,
                      const QList<Confab::Client::ChatMessage> &history);
    void onRoomLeft(const QString &room);
    void onMemberJoined(const QString &room, const QString &sid, const QString &name);
    void onMemberLeft(const QString &room, const QString &sid, const QString &name);
    void onMessageReceived(const Confab::Client::ChatMessage &message);
    void onTyping(const QString &room, const QString &sid, const QString &name, bool typing);
    void onRenamed(const QString &sid, const QString &oldName, const QString &name);
    void onPeers(const QList<Confab::Client::ChatPeer> &peers);

    Confab::Client::ChatClient *m_chat;
    RoomListModel *m_rooms;
    MessageListModel *m_noMessages; //!< what messages() returns without a current room
    QHash<QString, MessageListModel *> m_messages; //!< by room; children of this
    QHash<QString, QHash<QString, QString>> m_members; //!< room → sid → name, rooms we are in
    QHash<QString, QHash<QString, Typer>> m_typers; //!< room → sid → who is typing
    QString m_autoOpenRoom; //!< a room the user asked to join: shown once joined
    QString m_currentRoom;
    QString m_typingText;
    bool m_loadingOlder = false;
    QTimer m_typingIdle; //!< stops our typing notice after a pause
    QTimer m_typingExpiry; //!< drops others' typing notices that were never cleared
};

} // namespace Confab::App
