// SPDX-License-Identifier: MIT
#include "chatmessage.h"

namespace Confab::Client {

ChatMessage ChatMessage::fromWire(const ChatProtocol::Message &wire)
{
    ChatMessage message;
    message.id = wire.id;
    message.clientId = wire.clientId;
    message.room = wire.room;
    message.sid = wire.sid;
    message.name = wire.name;
    message.text = wire.text;
    message.timestamp = QDateTime::fromMSecsSinceEpoch(wire.ts, Qt::UTC);
    message.deliveryState = DeliveryState::Sent;
    return message;
}

ChatProtocol::Message ChatMessage::toWire() const
{
    ChatProtocol::Message wire;
    wire.id = id;
    wire.room = room;
    wire.sid = sid;
    wire.name = name;
    wire.text = text;
    wire.ts = timestamp.isValid() ? timestamp.toMSecsSinceEpoch() : qint64(0);
    wire.clientId = clientId;
    return wire;
}

ChatMessage ChatMessage::fromVariant(const QVariant &value, bool *ok)
{
    bool valid = false;
    const ChatProtocol::Message wire = ChatProtocol::Message::fromVariant(value, &valid);
    if (ok)
        *ok = valid;
    return valid ? fromWire(wire) : ChatMessage();
}

QVariantMap ChatMessage::toVariant() const
{
    return toWire().toVariant();
}

} // namespace Confab::Client
