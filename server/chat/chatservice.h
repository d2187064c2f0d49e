// SPDX-License-Identifier: MIT
#pragma once

#include "chatstore.h"
#include "names.h"
#include "passwordgate.h"

#include <QtCore/QDateTime>
#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QTimer>

#include <chrono>

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
    //! Every other event (join, leave, typing, rename, history, who): per second per sid, on
    //! average and in a burst; a bucket of its own, so that chatting never costs a join.
    double eventRateLimit = 20;
    int eventRateBurst = 40;
    //! Rooms one sid may be in at once.
    int maxRoomsPerClient = 32;
    //! Rooms with members the host keeps at once; a join that would open one more fails.
    int maxRooms = 10000;
    //! Rooms listed in `welcome` at most (the busiest ones).
    int welcomeRooms = 100;
    //! A room's `room` event goes out at most once per interval, with the latest count.
    std::chrono::milliseconds roomAnnounceInterval{250};
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
    //! Token bucket: \a rate tokens a second, at most \a burst saved up.
    struct TokenBucket
    {
        double tokens = 0;
        QElapsedTimer refill;
        void fill(int burst)
        {
            tokens = burst;
            refill.start();
        }
        bool take(double rate, int burst);
    };
    struct Member
    {
        QString sid;
        QString name;
        QString author; //!< SHA-256 (hex) of the CONNECT's "device", or empty
        QSet<QString> rooms;
        QDateTime since;
        TokenBucket messages; //!< `message`
        TokenBucket events; //!< everything else
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
    //! \brief Tells every sid how many members \a room has now (the `room` event), at once
    //! or, when the room was announced less than an interval ago, from announcePending().
    void announceRoom(const QString &room, const QString &skipSid = {});
    void sendRoomCount(const QString &room, int members, const QString &skipSid = {});
    void announcePending();
    qint64 intervalMs() const { return m_options.roomAnnounceInterval.count(); }
    //! \brief welcome's rooms (the busiest ones, at most welcomeRooms) and whether that is
    //! all of them.
    std::pair<QVariantList, bool> roomList() const;
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

    //! A room's last `room` event, while it is recent or a newer count waits to go out.
    struct Announcement
    {
        qint64 sentAt = 0; //!< m_clock
        int sentMembers = 0;
        bool pending = false;
    };
    QHash<QString, Announcement> m_announced;
    QTimer m_announceTimer;
    QElapsedTimer m_clock;
    PasswordGate m_gate;
};

} // namespace Confab
