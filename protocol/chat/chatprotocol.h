// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVariant>
#include <QtCore/QVariantMap>

//! \brief Confab's chat protocol over Socket.IO (server/chat/README.md): the one place its
//! event names, payload field names and message object are written down. The host
//! (server/chat) and the client (client/chat) both use these, so that a name cannot drift
//! between the two sides.
namespace Confab::ChatProtocol {

//! \brief The Socket.IO namespace the chat lives on.
inline const QString Namespace = QStringLiteral("/");

//! \brief The chat protocol's version, which hosts announce in DNS-SD (TXT "v"): it grows
//! when a change would break a client of the previous one.
inline constexpr int ProtocolVersion = 1;

//! \brief Event names, in both directions.
namespace Event {
inline const QString Welcome = QStringLiteral("welcome"); //!< host → client, after CONNECT
inline const QString Join = QStringLiteral("join");
inline const QString Joined = QStringLiteral("joined"); //!< host → room
inline const QString Leave = QStringLiteral("leave");
inline const QString Left = QStringLiteral("left"); //!< host → room
inline const QString Message = QStringLiteral("message"); //!< both ways
inline const QString History = QStringLiteral("history");
inline const QString Typing = QStringLiteral("typing"); //!< both ways
inline const QString Rename = QStringLiteral("rename");
inline const QString Renamed = QStringLiteral("renamed"); //!< host → rooms
inline const QString Who = QStringLiteral("who");
inline const QString Room = QStringLiteral("room"); //!< host → everyone: a room's head count
} // namespace Event

//! \brief Every event name above.
QStringList eventNames();

//! \brief Field names of the payloads, the acks and the CONNECT auth object.
namespace Field {
// Acks: {"ok": true, ...} or {"ok": false, "error": "<a sentence>"}.
inline const QString Ok = QStringLiteral("ok");
inline const QString Error = QStringLiteral("error");
// CONNECT auth.
inline const QString Password = QStringLiteral("password");
inline const QString Device = QStringLiteral("device");
// The message object (Message below) and requests.
inline const QString Id = QStringLiteral("id");
inline const QString Room = QStringLiteral("room");
inline const QString Sid = QStringLiteral("sid");
inline const QString Name = QStringLiteral("name");
inline const QString Text = QStringLiteral("text");
inline const QString Ts = QStringLiteral("ts");
inline const QString ClientId = QStringLiteral("clientId");
inline const QString Typing = QStringLiteral("typing");
inline const QString Old = QStringLiteral("old");
inline const QString Before = QStringLiteral("before");
inline const QString After = QStringLiteral("after");
inline const QString Limit = QStringLiteral("limit");
// Answers.
inline const QString Members = QStringLiteral("members");
inline const QString History = QStringLiteral("history");
inline const QString Messages = QStringLiteral("messages");
inline const QString Own = QStringLiteral("own");
inline const QString Rooms = QStringLiteral("rooms");
inline const QString MoreRooms = QStringLiteral("moreRooms");
inline const QString Server = QStringLiteral("server");
inline const QString Version = QStringLiteral("version");
inline const QString Sids = QStringLiteral("sids");
inline const QString Transport = QStringLiteral("transport");
inline const QString Since = QStringLiteral("since");
inline const QString Address = QStringLiteral("address");
} // namespace Field

//! \brief The message object as it travels:
//! {"id","room","sid","name","text","ts","clientId"}, "clientId" null when empty.
//!
//! The host's stored message and the client's view of a message are built on it.
struct Message
{
    qint64 id = 0; //!< per-room sequence number: grows by one with every message of the room
    QString room;
    QString sid;
    QString name;
    QString text;
    qint64 ts = 0; //!< ms since the epoch, UTC
    QString clientId; //!< the sender's own id for retries, or empty

    //! \brief Reads a message object; \a ok (if given) is false when it is not an object or
    //! "id", "room" or "text" is missing or of the wrong type (the rest may be absent).
    static Message fromVariant(const QVariant &value, bool *ok = nullptr);
    QVariantMap toVariant() const;

    bool operator==(const Message &other) const = default;
};

} // namespace Confab::ChatProtocol
