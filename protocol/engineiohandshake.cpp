// SPDX-License-Identifier: MIT
#include "engineiohandshake.h"

#include "json.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>

using namespace Qt::StringLiterals;

namespace Confab::EngineIo {

using Protocol::ErrorCode;
using Protocol::Result;

QByteArray Handshake::toJson() const
{
    QByteArray out;
    out.reserve(128);
    out.append("{\"sid\":");
    Json::writeString(out, sid);
    out.append(",\"upgrades\":[");
    for (qsizetype i = 0; i < upgrades.size(); ++i) {
        if (i)
            out.append(',');
        Json::writeString(out, upgrades.at(i));
    }
    out.append("],\"pingInterval\":").append(QByteArray::number(pingInterval.count()));
    out.append(",\"pingTimeout\":").append(QByteArray::number(pingTimeout.count()));
    if (maxPayload)
        out.append(",\"maxPayload\":").append(QByteArray::number(*maxPayload));
    out.append('}');
    return out;
}

Result<Handshake> Handshake::fromJson(QByteArrayView json)
{
    auto parsed = Json::parseValue(json);
    if (!parsed)
        return Protocol::Error{ErrorCode::InvalidHandshake,
                               u"open packet: "_s + parsed.error().detail};
    if (!parsed->isObject())
        return {ErrorCode::InvalidHandshake, u"open packet is not a JSON object"_s};
    const QJsonObject object = parsed->toObject();
    Handshake h;
    h.sid = object.value("sid"_L1).toString();
    if (h.sid.isEmpty())
        return {ErrorCode::InvalidHandshake, u"open packet has no sid"_s};
    const QJsonValue interval = object.value("pingInterval"_L1);
    const QJsonValue timeout = object.value("pingTimeout"_L1);
    // Whole milliseconds, at least 1: a fraction would round to a zero-length timer.
    const auto validMs = [](const QJsonValue &v) {
        return v.isDouble() && v.toDouble() >= 1 && v.toDouble() <= INT_MAX;
    };
    if (!validMs(interval) || !validMs(timeout))
        return {ErrorCode::InvalidHandshake,
                u"open packet needs positive pingInterval and pingTimeout"_s};
    h.pingInterval = std::chrono::milliseconds(int(interval.toDouble()));
    h.pingTimeout = std::chrono::milliseconds(int(timeout.toDouble()));
    for (const QJsonValue &upgrade : object.value("upgrades"_L1).toArray())
        h.upgrades.append(upgrade.toString());
    const QJsonValue maxPayload = object.value("maxPayload"_L1);
    // Whole bytes; an absurd value is clamped to 2^53 rather than overflowing qint64.
    if (maxPayload.isDouble() && maxPayload.toDouble() >= 1)
        h.maxPayload = qint64(qMin(maxPayload.toDouble(), 9007199254740992.0));
    else
        h.maxPayload.reset();
    return h;
}

} // namespace Confab::EngineIo
