// SPDX-License-Identifier: MIT
#include "chatprotocol.h"

namespace Confab::ChatProtocol {

QStringList eventNames()
{
    return {Event::Welcome, Event::Join,    Event::Joined,  Event::Leave,
            Event::Left,    Event::Message, Event::History, Event::Typing,
            Event::Rename,  Event::Renamed, Event::Who,     Event::Room};
}

Message Message::fromVariant(const QVariant &value, bool *ok)
{
    Message message;
    const QVariantMap map = value.toMap();
    const QVariant id = map.value(Field::Id);
    const QVariant text = map.value(Field::Text);
    const QVariant room = map.value(Field::Room);
    const bool valid = value.metaType().id() == QMetaType::QVariantMap && id.canConvert<qint64>()
            && text.metaType().id() == QMetaType::QString
            && room.metaType().id() == QMetaType::QString;
    if (ok)
        *ok = valid;
    if (!valid)
        return message;
    message.id = id.toLongLong();
    message.room = room.toString();
    message.sid = map.value(Field::Sid).toString();
    message.name = map.value(Field::Name).toString();
    message.text = text.toString();
    message.ts = map.value(Field::Ts).toLongLong();
    // "clientId" is null for messages sent without one; a null QVariant converts to "".
    message.clientId = map.value(Field::ClientId).toString();
    return message;
}

QVariantMap Message::toVariant() const
{
    return {{Field::Id, id},
            {Field::Room, room},
            {Field::Sid, sid},
            {Field::Name, name},
            {Field::Text, text},
            {Field::Ts, ts},
            {Field::ClientId,
             clientId.isEmpty() ? QVariant::fromValue(nullptr) : QVariant(clientId)}};
}

} // namespace Confab::ChatProtocol
