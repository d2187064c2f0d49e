// SPDX-License-Identifier: MIT
#pragma once

#include "chatprotocol.h"

#include <QtCore/QDateTime>
#include <QtCore/QList>
#include <QtCore/QMetaType>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVariant>

namespace Confab::Client {

//! \brief One chat message as the client sees it: a server message, or one of ours on its way.
//!
//! The fields of the protocol's message object (ChatProtocol::Message), with the time as a
//! QDateTime, plus what only the client knows: whether it is ours and how its delivery goes.
//!
//! Server messages carry the server's \c id (a per-room sequence number) and \c timestamp.
//! Messages this client sent also carry the \c clientId it generated; until the host
//! acknowledges one, its \c id is 0 and its timestamp is the local send time.
class ChatMessage
{
    Q_GADGET
    Q_PROPERTY(qint64 id MEMBER id)
    Q_PROPERTY(QString clientId MEMBER clientId)
    Q_PROPERTY(QString room MEMBER room)
    Q_PROPERTY(QString sid MEMBER sid)
    Q_PROPERTY(QString name MEMBER name)
    Q_PROPERTY(QString text MEMBER text)
    Q_PROPERTY(QDateTime timestamp MEMBER timestamp)
    Q_PROPERTY(bool own MEMBER own)
    Q_PROPERTY(DeliveryState deliveryState MEMBER deliveryState)
    Q_PROPERTY(QString error MEMBER error)
public:
    //! \brief Where a message is on its way to the host.
    enum class DeliveryState {
        Sending, //!< sent (or queued while reconnecting), no ack yet
        Sent, //!< stored by the host: it acknowledged the message, or sent it to us
        Failed, //!< refused, timed out or never sent; \c error says why, retry() re-sends
    };
    Q_ENUM(DeliveryState)

    qint64 id = 0; //!< the server's id; 0 until acknowledged
    QString clientId; //!< the id the sender chose, or empty
    QString room;
    QString sid;
    QString name;
    QString text;
    QDateTime timestamp; //!< UTC
    bool own = false; //!< sent by this client, or by this install in an earlier run
    DeliveryState deliveryState = DeliveryState::Sent;
    QString error; //!< why delivery failed; empty otherwise

    //! \brief The client's view of a message object of the protocol (state Sent).
    static ChatMessage fromWire(const ChatProtocol::Message &wire);
    //! \brief The protocol's message object, "ts" 0 when there is no timestamp.
    ChatProtocol::Message toWire() const;
    //! \brief Reads a protocol message object (ChatProtocol::Message::fromVariant()); \a ok
    //! (if given) is false when required fields are missing or of the wrong type.
    static ChatMessage fromVariant(const QVariant &value, bool *ok = nullptr);
    //! \brief The protocol object, with "ts" in ms since the epoch and "clientId" null when empty.
    QVariantMap toVariant() const;

    bool operator==(const ChatMessage &other) const = default;
};

//! \brief A room as listed in `welcome`: its name and how many sids are in it.
struct ChatRoomSummary
{
    QString name;
    int members = 0;
    bool operator==(const ChatRoomSummary &other) const = default;
};

//! \brief A member of a room: as listed by `join`, `joined` and `left`.
struct ChatMember
{
    QString sid;
    QString name;
    bool operator==(const ChatMember &other) const = default;
};

//! \brief A connected sid, as listed by `who`.
struct ChatPeer
{
    QString sid;
    QString name;
    QStringList rooms;
    QString transport;
    QDateTime since;
    QString address; //!< empty unless the host shows addresses
    bool operator==(const ChatPeer &other) const = default;
};

} // namespace Confab::Client

Q_DECLARE_METATYPE(Confab::Client::ChatMessage)
