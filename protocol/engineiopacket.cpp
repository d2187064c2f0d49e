// SPDX-License-Identifier: MIT
#include "engineiopacket.h"

using namespace Qt::StringLiterals;

namespace Confab::EngineIo {

using Protocol::ErrorCode;
using Protocol::Result;

QByteArray encodeText(const Packet &packet)
{
    QByteArray out;
    out.reserve(packet.data.size() + 1);
    out.append(char('0' + int(packet.type)));
    out.append(packet.data);
    return out;
}

std::optional<char> framePrefix(const Packet &packet, Version version)
{
    if (!packet.binary)
        return char('0' + int(packet.type));
    if (version == Version::V3)
        return char(PacketType::Message); // v3 binary frames carry the type as their first byte
    return std::nullopt;
}

Frame encodeFrame(const Packet &packet, Version version)
{
    const std::optional<char> prefix = framePrefix(packet, version);
    if (!prefix)
        return {packet.data, packet.binary};
    QByteArray out;
    out.reserve(packet.data.size() + 1);
    out.append(*prefix);
    out.append(packet.data);
    return {out, packet.binary};
}

Result<Packet> decodeText(QByteArrayView text, const Protocol::Limits &limits)
{
    if (text.isEmpty())
        return {ErrorCode::Empty, u"empty Engine.IO packet"_s};
    if (text.size() > limits.maxPayload)
        return {ErrorCode::PayloadTooLarge,
                u"packet of %1 bytes exceeds the limit of %2"_s.arg(text.size())
                        .arg(limits.maxPayload)};
    const char digit = text.front();
    if (digit < '0' || digit > '6')
        return {ErrorCode::UnknownPacketType,
                u"unknown Engine.IO packet type '%1'"_s.arg(QChar::fromLatin1(digit))};
    const QByteArrayView data = text.sliced(1);
    if (!data.isValidUtf8())
        return {ErrorCode::InvalidUtf8, u"Engine.IO text packet is not valid UTF-8"_s};
    return Packet{PacketType(digit - '0'), data.toByteArray(), false};
}

Result<Packet> decodeBinary(QByteArrayView bytes, Version version, const Protocol::Limits &limits)
{
    if (bytes.size() > limits.maxPayload)
        return {ErrorCode::PayloadTooLarge,
                u"binary packet of %1 bytes exceeds the limit of %2"_s.arg(bytes.size())
                        .arg(limits.maxPayload)};
    if (version == Version::V4)
        return Packet::binaryMessage(bytes.toByteArray());
    if (bytes.isEmpty())
        return {ErrorCode::Empty, u"empty Engine.IO v3 binary frame"_s};
    if (quint8(bytes.front()) != quint8(PacketType::Message))
        return {ErrorCode::UnknownPacketType,
                u"Engine.IO v3 binary frame of type %1; only messages may be binary"_s.arg(
                        quint8(bytes.front()))};
    return Packet::binaryMessage(bytes.sliced(1).toByteArray());
}

Result<Packet> decodeFrame(const Frame &frame, Version version, const Protocol::Limits &limits)
{
    return frame.binary ? decodeBinary(frame.bytes, version, limits)
                        : decodeText(frame.bytes, limits);
}

} // namespace Confab::EngineIo
