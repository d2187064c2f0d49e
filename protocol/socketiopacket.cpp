// SPDX-License-Identifier: MIT
#include "socketiopacket.h"

#include "json.h"

#include <QtCore/QJsonArray>

using namespace Qt::StringLiterals;

namespace Confab::SocketIo {

using Protocol::Error;
using Protocol::ErrorCode;
using Protocol::Limits;
using Protocol::Result;

Packet Packet::event(const QString &name, const QVariantList &args, const QString &nsp,
                     std::optional<qint64> id)
{
    QVariantList data;
    data.reserve(args.size() + 1);
    data.append(name);
    data.append(args);
    return {PacketType::Event, nsp, id, QVariant(std::move(data))};
}

Packet Packet::ack(qint64 id, const QVariantList &args, const QString &nsp)
{
    return {PacketType::Ack, nsp, id, QVariant(args)};
}

Packet Packet::connect(const QString &nsp, const QVariant &auth)
{
    return {PacketType::Connect, nsp, std::nullopt, auth};
}

Packet Packet::connectError(const QString &nsp, const QString &message, const QVariant &errorData)
{
    QVariantMap payload{{u"message"_s, message}};
    if (errorData.isValid())
        payload.insert(u"data"_s, errorData);
    return {PacketType::ConnectError, nsp, std::nullopt, QVariant(std::move(payload))};
}

Packet Packet::disconnect(const QString &nsp)
{
    return {PacketType::Disconnect, nsp, std::nullopt, {}};
}

QString Packet::eventName() const
{
    if (!isEventLike() || data.typeId() != QMetaType::QVariantList)
        return {};
    const auto &list = *static_cast<const QVariantList *>(data.constData());
    return list.isEmpty() ? QString() : list.first().toString();
}

QVariantList Packet::arguments() const
{
    if (data.typeId() != QMetaType::QVariantList)
        return {};
    const auto &list = *static_cast<const QVariantList *>(data.constData());
    return isEventLike() ? list.mid(1) : list;
}

bool Packet::operator==(const Packet &other) const
{
    const auto isNull
            = [](const QVariant &v) { return !v.isValid() || v.typeId() == QMetaType::Nullptr; };
    return type == other.type && nsp == other.nsp && id == other.id
            && (data == other.data || (isNull(data) && isNull(other.data)));
}

bool hasBinary(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::QByteArray:
        return true;
    case QMetaType::QVariantList: {
        const auto &list = *static_cast<const QVariantList *>(value.constData());
        return std::any_of(list.cbegin(), list.cend(), hasBinary);
    }
    case QMetaType::QVariantMap: {
        const auto &map = *static_cast<const QVariantMap *>(value.constData());
        return std::any_of(map.cbegin(), map.cend(), hasBinary);
    }
    case QMetaType::QVariantHash: {
        const auto &hash = *static_cast<const QVariantHash *>(value.constData());
        return std::any_of(hash.cbegin(), hash.cend(), hasBinary);
    }
    default:
        return false;
    }
}

bool isReservedEventName(QStringView name)
{
    static constexpr QStringView reserved[]
            = {u"connect",       u"connect_error", u"disconnect",
               u"disconnecting", u"newListener",   u"removeListener"};
    return std::find(std::begin(reserved), std::end(reserved), name) != std::end(reserved);
}

namespace {
thread_local quint64 encodedPackets = 0;
} // namespace

quint64 encodedOnThisThread()
{
    return encodedPackets;
}

Encoded encode(const Packet &packet)
{
    ++encodedPackets;
    Encoded encoded;
    QByteArray json;
    const bool hasData = packet.data.isValid()
            && !(packet.type == PacketType::Connect && packet.data.typeId() == QMetaType::Nullptr)
            && packet.type != PacketType::Disconnect;
    if (hasData)
        Json::write(json, packet.data, &encoded.attachments);

    // The binary variants exist only to announce attachments: pick them from the data.
    PacketType type = packet.type;
    if (packet.isEventLike())
        type = encoded.attachments.isEmpty() ? PacketType::Event : PacketType::BinaryEvent;
    else if (packet.isAckLike())
        type = encoded.attachments.isEmpty() ? PacketType::Ack : PacketType::BinaryAck;

    QByteArray &out = encoded.text;
    out.reserve(json.size() + packet.nsp.size() + 24);
    out.append(char('0' + int(type)));
    if (!encoded.attachments.isEmpty()) {
        out.append(QByteArray::number(encoded.attachments.size()));
        out.append('-');
    }
    if (!packet.nsp.isEmpty() && packet.nsp != u"/") {
        out.append(packet.nsp.toUtf8());
        out.append(',');
    }
    if (packet.id)
        out.append(QByteArray::number(*packet.id));
    out.append(json);
    return encoded;
}

QList<EngineIo::Packet> toEngineIoPackets(const Packet &packet)
{
    const Encoded encoded = encode(packet);
    QList<EngineIo::Packet> packets;
    packets.reserve(1 + encoded.attachments.size());
    packets.append(EngineIo::Packet::message(encoded.text));
    for (const QByteArray &attachment : encoded.attachments)
        packets.append(EngineIo::Packet::binaryMessage(attachment));
    return packets;
}

namespace {

struct Header
{
    PacketType type = PacketType::Event;
    int attachments = 0;
    QString nsp = u"/"_s;
    std::optional<qint64> id;
    QJsonValue json = QJsonValue(QJsonValue::Undefined);
};

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// socket.io-parser's isPayloadValid, per packet type (PROTOCOL.md §2.3).
std::optional<Error> validatePayload(const Header &h)
{
    const QJsonValue &json = h.json;
    const bool absent = json.isUndefined();
    switch (h.type) {
    case PacketType::Connect:
        if (absent || json.isObject())
            return std::nullopt;
        return Error{ErrorCode::InvalidPayload, u"CONNECT payload must be an object"_s};
    case PacketType::Disconnect:
        if (absent)
            return std::nullopt;
        return Error{ErrorCode::InvalidPayload, u"DISCONNECT carries no payload"_s};
    case PacketType::ConnectError:
        if (json.isObject() || json.isString())
            return std::nullopt;
        return Error{ErrorCode::InvalidPayload,
                     u"CONNECT_ERROR payload must be an object or a string"_s};
    case PacketType::Event:
    case PacketType::BinaryEvent: {
        if (!json.isArray() || json.toArray().isEmpty())
            return Error{ErrorCode::InvalidPayload, u"EVENT payload must be a non-empty array"_s};
        const QJsonValue name = json.toArray().first();
        if (name.isDouble())
            return std::nullopt;
        if (!name.isString())
            return Error{ErrorCode::InvalidPayload, u"event name must be a string or a number"_s};
        if (isReservedEventName(name.toString()))
            return Error{ErrorCode::InvalidPayload,
                         u"'%1' is a reserved event name"_s.arg(name.toString())};
        return std::nullopt;
    }
    case PacketType::Ack:
    case PacketType::BinaryAck:
        if (!h.id)
            return Error{ErrorCode::InvalidAckId, u"ACK without an ack id"_s};
        if (json.isArray())
            return std::nullopt;
        return Error{ErrorCode::InvalidPayload, u"ACK payload must be an array"_s};
    }
    return std::nullopt;
}

// Everything but the attachments: "<type>[<n>-][<nsp>,][<id>][<json>]".
Result<Header> decodeHeader(QByteArrayView text, const Limits &limits)
{
    if (text.isEmpty())
        return {ErrorCode::Empty, u"empty Socket.IO packet"_s};
    if (text.size() > limits.maxPayload)
        return {ErrorCode::PayloadTooLarge,
                u"packet of %1 bytes exceeds the limit of %2"_s.arg(text.size())
                        .arg(limits.maxPayload)};
    if (!text.isValidUtf8())
        return {ErrorCode::InvalidUtf8, u"Socket.IO packet is not valid UTF-8"_s};
    Header h;
    const char digit = text.front();
    if (digit < '0' || digit > '6')
        return {ErrorCode::UnknownPacketType,
                u"unknown Socket.IO packet type '%1'"_s.arg(QChar::fromLatin1(digit))};
    h.type = PacketType(digit - '0');
    qsizetype i = 1;
    const qsizetype n = text.size();

    if (h.type == PacketType::BinaryEvent || h.type == PacketType::BinaryAck) {
        const qsizetype start = i;
        while (i < n && isDigit(text[i]) && i - start < 4)
            ++i;
        if (i == start || i >= n || text[i] != '-')
            return {ErrorCode::InvalidAttachmentCount,
                    u"binary packet without a valid \"<count>-\" prefix"_s};
        const int count = text.sliced(start, i - start).toInt();
        if (count < 1)
            return {ErrorCode::InvalidAttachmentCount, u"binary packet announces no attachments"_s};
        if (count > limits.maxAttachments)
            return {ErrorCode::TooManyAttachments,
                    u"%1 attachments; at most %2 are allowed"_s.arg(count).arg(
                            limits.maxAttachments)};
        h.attachments = count;
        ++i;
    }

    if (i < n && text[i] == '/') {
        // The reference parser ends a namespace at ',' or at the end of the packet.
        const qsizetype start = i;
        while (i < n && text[i] != ',')
            ++i;
        h.nsp = QString::fromUtf8(text.sliced(start, i - start));
        if (i < n)
            ++i;
    }

    if (i < n && text[i] == '-' && i + 1 < n && isDigit(text[i + 1]))
        return {ErrorCode::InvalidAckId, u"negative ack id"_s};
    if (i < n && isDigit(text[i])) {
        const qsizetype start = i;
        while (i < n && isDigit(text[i]))
            ++i;
        bool ok = false;
        const qint64 id = text.sliced(start, i - start).toLongLong(&ok);
        if (!ok || i - start > 16 || id > limits.maxAckId)
            return {ErrorCode::InvalidAckId,
                    u"ack id %1 is out of range"_s.arg(QString::fromLatin1(
                            text.sliced(start, qMin<qsizetype>(i - start, 24))))};
        h.id = id;
    }

    if (i < n) {
        auto json = Json::parseValue(text.sliced(i));
        if (!json)
            return json.error();
        h.json = std::move(json).value();
    }
    if (auto error = validatePayload(h))
        return *error;
    return h;
}

Result<Packet> finish(Header &&h, const Limits &limits, const QList<QByteArray> &attachments)
{
    Packet packet;
    packet.type = h.type;
    packet.nsp = std::move(h.nsp);
    packet.id = h.id;
    if (!h.json.isUndefined()) {
        auto data = Json::toVariant(h.json, limits, h.attachments ? &attachments : nullptr);
        if (!data)
            return data.error();
        packet.data = std::move(data).value();
    }
    return packet;
}

} // namespace

Result<Packet> decode(QByteArrayView text, const QList<QByteArray> &attachments,
                      const Limits &limits)
{
    auto header = decodeHeader(text, limits);
    if (!header)
        return header.error();
    if (header->attachments != attachments.size())
        return {ErrorCode::InvalidAttachmentCount,
                u"packet announces %1 attachments, %2 given"_s.arg(header->attachments)
                        .arg(attachments.size())};
    return finish(std::move(header).value(), limits, attachments);
}

void Decoder::reset()
{
    m_pending.reset();
    m_pendingJson = QJsonValue();
    m_expected = 0;
    m_attachments.clear();
}

Result<std::optional<Packet>> Decoder::addText(QByteArrayView text)
{
    if (m_pending) {
        reset();
        return {ErrorCode::MissingAttachment,
                u"text packet received while binary attachments were expected"_s};
    }
    auto header = decodeHeader(text, m_limits);
    if (!header)
        return header.error();
    if (header->attachments == 0) {
        auto packet = finish(std::move(header).value(), m_limits, {});
        if (!packet)
            return packet.error();
        return std::optional<Packet>(std::move(packet).value());
    }
    m_expected = header->attachments;
    m_pendingJson = header->json;
    m_pending = Packet{header->type, header->nsp, header->id, {}};
    m_attachments.reserve(m_expected);
    return std::optional<Packet>();
}

Result<std::optional<Packet>> Decoder::addBinary(const QByteArray &bytes)
{
    if (!m_pending)
        return {ErrorCode::UnexpectedBinary, u"binary data with no binary packet waiting for it"_s};
    if (bytes.size() > m_limits.maxPayload) {
        reset();
        return {ErrorCode::PayloadTooLarge,
                u"attachment of %1 bytes exceeds the limit of %2"_s.arg(bytes.size())
                        .arg(m_limits.maxPayload)};
    }
    m_attachments.append(bytes);
    if (m_attachments.size() < m_expected)
        return std::optional<Packet>();

    Header h{m_pending->type, m_expected, m_pending->nsp, m_pending->id, m_pendingJson};
    const QList<QByteArray> attachments = std::exchange(m_attachments, {});
    reset();
    auto packet = finish(std::move(h), m_limits, attachments);
    if (!packet)
        return packet.error();
    return std::optional<Packet>(std::move(packet).value());
}

} // namespace Confab::SocketIo
