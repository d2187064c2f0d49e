// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "socketioclient.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QUrl>

#include <chrono>

namespace Confab::Client {

//! \brief The client side of Confab's chat protocol: typed signals in, typed calls out.
//!
//! Wraps a SocketIoClient (not owned) and is the only client code that uses the chat's event
//! names and payloads (ChatProtocol, shared with the host; server/chat/README.md). Everything above it deals in ChatMessage values
//! and room names.
//!
//! Rooms joined with joinRoom() are joined again after every reconnection (the host gives the
//! new sid no rooms), and roomJoined() is emitted again with the latest history, so a view can
//! merge what it missed. When the latest history does not reach back to the last message this
//! client holds of a room (a host restart, a long absence), the rest is fetched first
//! (`history` after that id, page by page, at most MaxCatchUp messages) and roomJoined() carries
//! it all, oldest first, without a gap; messages arriving meanwhile follow it. Messages sent while the connection is down wait here and leave, with
//! their original client id, once the rooms are joined again.
//!
//! Signal order for one of our messages: messageSent() (Sending) from inside sendMessage(),
//! then exactly one messageUpdated() with Sent or Failed. The host's echo of a message we sent
//! is folded into that update and never reported by messageReceived().
class ChatClient : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString sid READ sid NOTIFY welcomed)
    Q_PROPERTY(QString name READ name NOTIFY nameChanged)
public:
    //! How long a message waits for its ack before it is marked Failed.
    static constexpr std::chrono::milliseconds AckTimeout{10000};

    explicit ChatClient(SocketIoClient *socket, QObject *parent = nullptr);
    ~ChatClient() override;

    SocketIoClient *socket() const { return m_socket; }

    //! \brief Connects to \a url as \a name (the host may change it), with \a password if the
    //! host needs one. Reconnections use the name the host gave last.
    //!
    //! \a deviceScope is what the CONNECT's "device" is derived with (deviceIdFor()); empty:
    //! the server's origin (serverOrigin() of \a url).
    void connectToHost(const QUrl &url, const QString &name, const QString &password = {},
                       const QString &deviceScope = {});
    //! \brief This install's secret id. Each server gets its own "device" derived from it
    //! (deviceIdFor()), so that the host can tell our messages from earlier runs apart (join and
    //! history acks list them as "own") while no two servers can link us by it. Cosmetic: anyone
    //! who copies a server's id gets the same marks there, and nothing more.
    void setInstallId(const QString &id) { m_installId = id; }
    //! \brief The "device" sent to the current server; empty without an install id.
    QString deviceId() const { return m_deviceId; }
    //! \brief HMAC-SHA256 of \a scope (a server origin) keyed with \a installId, hex.
    static QString deviceIdFor(const QString &installId, const QString &scope);
    static QString deviceIdFor(const QString &installId, const QUrl &server)
    {
        return deviceIdFor(installId, serverOrigin(server));
    }
    //! \brief "scheme://host:port" of \a url: scheme and host in lower case, ws(s) read as
    //! http(s), the default port written out; path, query and user info dropped.
    static QString serverOrigin(const QUrl &url);
    //! \brief Closes the connection and forgets rooms and queued messages.
    void disconnectFromHost();

    //! The sid the host gave this connection; empty before `welcome`.
    QString sid() const { return m_sid; }
    //! The name the host gave us (after trimming and de-duplication).
    QString name() const { return m_name; }
    //! Rooms joined (or being joined), in join order.
    QStringList rooms() const { return m_rooms; }

    void joinRoom(const QString &room);
    void leaveRoom(const QString &room);
    //! \brief Sends \a text to \a room and returns the client id generated for it (empty when
    //! the text is blank). messageSent() has been emitted when this returns.
    QString sendMessage(const QString &room, const QString &text);
    //! \brief Sends a Failed message again with the same client id, so the host stores it once
    //! even if the first attempt did arrive. False for unknown or not-failed ids.
    bool retry(const QString &clientId);
    //! \brief Asks for up to \a limit messages of \a room older than server id \a before
    //! (the newest when 0); the answer arrives as historyReceived().
    void requestHistory(const QString &room, qint64 before = 0, int limit = 50);
    //! \brief Tells the room whether we are typing; repeated values are not sent again.
    void setTyping(const QString &room, bool typing);
    void rename(const QString &name);
    //! \brief Asks who is connected; the answer arrives as peersReceived().
    void who();

    //! \brief Emits a raw event (the inspector's way to talk to any server). With \a wantAck
    //! the reply arrives as rawReplyReceived().
    void emitRaw(const QString &event, const QVariantList &args, bool wantAck);

Q_SIGNALS:
    //! The host greeted us: the name it gave us, our sid, and the rooms that exist.
    void welcomed(const QString &name, const QString &sid,
                  const QList<Confab::Client::ChatRoomSummary> &rooms);
    void nameChanged(const QString &name);
    //! We are in \a room with \a members; \a history is the latest messages, oldest first.
    //! Emitted again after each reconnection.
    void roomJoined(const QString &room, const QList<Confab::Client::ChatMember> &members,
                    const QList<Confab::Client::ChatMessage> &history);
    void roomLeft(const QString &room);
    void memberJoined(const QString &room, const QString &sid, const QString &name);
    void memberLeft(const QString &room, const QString &sid, const QString &name);
    //! A room was created, emptied, or its head count changed (any room, joined or not).
    void roomUpdated(const QString &room, int members);
    //! A message from someone else, or one of ours sent by another session.
    void messageReceived(const Confab::Client::ChatMessage &message);
    //! One of ours, just created, in state Sending.
    void messageSent(const Confab::Client::ChatMessage &message);
    //! One of ours changed delivery state (and got its server id and time when Sent).
    void messageUpdated(const Confab::Client::ChatMessage &message);
    //! Older messages of \a room asked for with requestHistory(), oldest first.
    void historyReceived(const QString &room, const QList<Confab::Client::ChatMessage> &messages);
    void typingChanged(const QString &room, const QString &sid, const QString &name, bool typing);
    void renamed(const QString &sid, const QString &oldName, const QString &name);
    void peersReceived(const QList<Confab::Client::ChatPeer> &peers);
    //! The host refused a request: \a event is the chat event, \a error the host's sentence.
    void requestFailed(const QString &event, const QString &room, const QString &error);
    //! Every event this client emitted (for the inspector); received ones are the socket's
    //! eventReceived().
    void eventSent(const QString &nsp, const QString &event, const QVariantList &args);
    //! The ack of an emitRaw() with wantAck: \a ok false when it timed out or was not sent.
    void rawReplyReceived(const QString &event, bool ok, const QVariantList &reply,
                          const QString &error);

private:
    struct Outgoing
    {
        ChatMessage message;
        bool inFlight = false; //!< emitted and waiting for its ack
    };

    void onConnected(const QString &nsp, const QString &sid);
    void onEvent(const QString &nsp, const QString &event, const QVariantList &args);
    void onWelcome(const QVariantMap &payload);
    void onMessage(const QVariantMap &payload);
    void sendJoin(const QString &room);
    //! Pages `history` after \a after into \a collected until it meets \a latest (the join's
    //! history), then emits roomJoined() with both and what arrived meanwhile.
    void catchUp(const QString &room, const QList<ChatMember> &members, qint64 after,
                 QList<ChatMessage> collected, const QList<ChatMessage> &latest);
    void finishJoin(const QString &room, const QList<ChatMember> &members,
                    const QList<ChatMessage> &history);
    void noteLastId(const QString &room, qint64 id);
    void sendOutgoing(const QString &clientId);
    void finishOutgoing(const QString &clientId, const AckResult &result);
    void emitTracked(const QString &event, const QVariantList &args);
    void emitTrackedWithAck(const QString &event, const QVariantList &args,
                            std::function<void(const AckResult &)> callback);
    bool isOnline() const;
    ChatMessage markOwn(ChatMessage message) const;
    //! Marks \a messages of a join or history ack, whose "own" lists the ids we sent.
    void markOwn(QList<ChatMessage> &messages, const QVariant &ownIds) const;

    SocketIoClient *m_socket;
    QString m_sid;
    QString m_name;
    QString m_password;
    QString m_installId;
    QString m_deviceId; //!< derived from m_installId for the server of connectToHost()
    QStringList m_rooms;
    QSet<QString> m_joinedNow; //!< rooms whose join ack arrived on this connection
    //! Every sid this client had: with the host's "own" lists, the only way a message is
    //! recognised as ours (a client id alone can be borrowed by anyone who saw it).
    QSet<QString> m_ownSids;
    QHash<QString, Outgoing> m_outgoing; //!< our messages without a final state, by client id
    QStringList m_outgoingOrder; //!< send order, kept when they wait for a reconnection
    QHash<QString, ChatMessage> m_failed; //!< by client id, for retry()
    QSet<QString> m_ownClientIds; //!< what we sent, to tell our echoes from raw emits
    QHash<QString, bool> m_typing; //!< what we last told each room
    //! The newest message id this client holds of each room: where a catch-up starts.
    QHash<QString, qint64> m_lastIds;
    //! Rooms catching up after a reconnection → the `message` events that arrived meanwhile.
    QHash<QString, QList<QVariantMap>> m_catchingUp;

public:
    //! The most messages one catch-up fetches (the view keeps fewer anyway).
    static constexpr int MaxCatchUp = 5000;
};

} // namespace Confab::Client
