// SPDX-License-Identifier: MIT
#pragma once

#include "chatstore.h"
#include "names.h"

#include <QtCore/QDateTime>
#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QSet>

namespace Confab {

class SocketIoServer;

//! \brief Settings of the chat service (see server/chat/README.md for the protocol).
struct ChatOptions
{
    QString serverName = QStringLiteral("Confab");
    //! Empty: anyone may join. Otherwise CONNECT auth must carry this password.
    QString password;
    //! Messages per second each sid may send on average, and in a burst.
    double rateLimit = 20;
    int rateBurst = 40;
    //! Whether `who` tells remote clients each other's addresses.
    bool showAddresses = false;
    int historyOnJoin = 50;
    int maxHistory = 200;
};

//! \brief Turns a SocketIoServer into a chat host: names, rooms, messages, presence.
//!
//! Registers its handlers on namespace "/" of \a server and keeps who is where. Messages go
//! to \a store; each is acknowledged after its commit and then sent to its room.
class ChatService : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxNameLength = 32;
    static constexpr int MaxRoomLength = 64;
    static constexpr int MaxTextLength = 16000;
    static constexpr int MaxClientIdLength = 64;
    //! A longer CONNECT "device" is ignored.
    static constexpr int MaxDeviceLength = 128;

    ChatService(SocketIoServer *server, ChatStore *store, const ChatOptions &options = {},
                QObject *parent = nullptr);
    ~ChatService() override;

    const ChatOptions &options() const { return m_options; }
    //! \brief How a Socket.IO room of namespace "/" reads to a person: a chat room's name,
    //! or the room itself. The service keeps chat rooms under a prefix of their own, so
    //! that no room name can collide with a sid (every sid is a room).
    static QString displayRoom(const QString &socketIoRoom);

    //! \brief The name \a sid goes by, or empty.
    QString nameOf(const QString &sid) const;
    //! \brief Chat rooms with at least one member, with their member counts.
    QHash<QString, int> activeRooms() const;

Q_SIGNALS:
    void messageStored(const Confab::ChatMessage &message);
    //! \brief \a sid renamed itself to \a name (nameOf() has the name from the start).
    void nameChanged(const QString &sid, const QString &name);

private:
    struct Member
    {
        QString sid;
        QString name;
        QString author; //!< authorTag() of the CONNECT's "device", or empty
        QSet<QString> rooms;
        QDateTime since;
        double tokens = 0;
        QElapsedTimer refill;
    };

    QVariantList onJoin(const QString &sid, const QVariantList &args);
    QVariantList onLeave(const QString &sid, const QVariantList &args);
    QVariantList onHistory(const QString &sid, const QVariantList &args);
    QVariantList onTyping(const QString &sid, const QVariantList &args);
    QVariantList onRename(const QString &sid, const QVariantList &args);
    QVariantList onWho(const QString &sid, const QVariantList &args);
    void onDisconnected(const QString &sid);

    //! \brief \a room has no members left: frees its name unless it has messages (\a stored).
    void forgetRoomIfUnused(const QString &room, bool stored);
    void leave(Member &member, const QString &room);
    //! \brief The ids of \a messages that \a sid's install sent (an ack's "own").
    QVariantList ownIds(const QString &sid, const QList<ChatMessage> &messages) const;
    //! \brief Tells every sid how many members \a room has now (the `room` event).
    void announceRoom(const QString &room, const QString &skipSid = {});
    bool takeToken(Member &member);
    QVariantList roomList() const;
    static QString roomKey(const QString &room) { return u"room/" + room; }

    SocketIoServer *m_server;
    ChatStore *m_store;
    ChatOptions m_options;
    QHash<QString, Member> m_members; //!< by sid
    Names::Registry m_names; //!< names in use, unique by skeleton
    //! Names::skeleton() of every room that exists (members or messages) → its name. A room
    //! that only looks like one of them cannot be created (README: "Names and room names").
    struct RoomName
    {
        QString name;
        bool stored = false; //!< has (or is getting) messages: kept when empty
    };
    QHash<QString, RoomName> m_roomSkeletons;
    //! A room's members sorted by name, kept sorted as people come and go, so that a join
    //! in a big room answers with a shared list instead of building and sorting one.
    struct Roster
    {
        QList<std::pair<QString, QString>> byName; //!< (name, sid)
        QVariantList entries; //!< {"sid","name"} in the same order: the join ack's members
        bool stored = false; //!< the room has messages (its name stays reserved when empty)
        qsizetype size() const { return byName.size(); }
        void insert(const QString &name, const QString &sid);
        void remove(const QString &name, const QString &sid);
    };
    QHash<QString, Roster> m_rooms; //!< room → members
};

} // namespace Confab
