// SPDX-License-Identifier: MIT
#include "chatmessage.h"

using namespace Qt::StringLiterals;

namespace Confab::Client {

ChatMessage ChatMessage::fromVariant(const QVariant &value, bool *ok)
{
    ChatMessage message;
    const QVariantMap map = value.toMap();
    const QVariant id = map.value(u"id"_s);
    const QVariant text = map.value(u"text"_s);
    const QVariant room = map.value(u"room"_s);
    const bool valid = value.metaType().id() == QMetaType::QVariantMap && id.canConvert<qint64>()
            && text.metaType().id() == QMetaType::QString
            && room.metaType().id() == QMetaType::QString;
    if (ok)
        *ok = valid;
    if (!valid)
        return message;
    message.id = id.toLongLong();
    message.room = room.toString();
    message.sid = map.value(u"sid"_s).toString();
    message.name = map.value(u"name"_s).toString();
    message.text = text.toString();
    message.timestamp = QDateTime::fromMSecsSinceEpoch(map.value(u"ts"_s).toLongLong(), Qt::UTC);
    // "clientId" is null for messages sent without one; a null QVariant converts to "".
    message.clientId = map.value(u"clientId"_s).toString();
    message.deliveryState = DeliveryState::Sent;
    return message;
}

QVariantMap ChatMessage::toVariant() const
{
    return {
            {u"id"_s, id},
            {u"room"_s, room},
            {u"sid"_s, sid},
            {u"name"_s, name},
            {u"text"_s, text},
            {u"ts"_s, timestamp.isValid() ? timestamp.toMSecsSinceEpoch() : qint64(0)},
            {u"clientId"_s, clientId.isEmpty() ? QVariant::fromValue(nullptr) : QVariant(clientId)},
    };
}

} // namespace Confab::Client
