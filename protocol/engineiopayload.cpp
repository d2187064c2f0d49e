// SPDX-License-Identifier: MIT
#include "engineiopayload.h"

using namespace Qt::StringLiterals;

namespace Confab::EngineIo::Payload {

using Protocol::ErrorCode;
using Protocol::Limits;
using Protocol::Result;

namespace {

constexpr auto Base64Options = QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors;

Result<Packet> decodeBase64(QByteArrayView base64)
{
    auto decoded = QByteArray::fromBase64Encoding(base64.toByteArray(), Base64Options);
    if (!decoded)
        return {ErrorCode::InvalidBase64, u"binary packet with invalid base64"_s};
    return Packet::binaryMessage(std::move(*decoded));
}

// What every payload decoder checks first; text payloads must also be UTF-8.
std::optional<Protocol::Error> checkBody(QByteArrayView body, const Limits &limits, bool text)
{
    if (body.isEmpty())
        return Protocol::Error{ErrorCode::Empty, u"empty payload"_s};
    if (body.size() > limits.maxPayload)
        return Protocol::Error{ErrorCode::PayloadTooLarge,
                               u"payload of %1 bytes exceeds the limit of %2"_s.arg(body.size())
                                       .arg(limits.maxPayload)};
    if (text && !body.isValidUtf8())
        return Protocol::Error{ErrorCode::InvalidUtf8, u"payload is not valid UTF-8"_s};
    return std::nullopt;
}

// Length in UTF-16 code units of well-formed UTF-8: v3 counts lengths the way JavaScript
// strings do. Every byte that is not a continuation byte starts a code point; 4-byte ones take
// two code units.
qsizetype utf16Length(QByteArrayView utf8)
{
    qsizetype units = 0;
    for (const char c : utf8) {
        const auto byte = quint8(c);
        if ((byte & 0xc0) != 0x80)
            units += byte >= 0xf0 ? 2 : 1;
    }
    return units;
}

// Advances over \a units UTF-16 code units of \a utf8 starting at \a pos; -1 when the text
// ends first or the count would split a surrogate pair.
qsizetype advanceUtf16(QByteArrayView utf8, qsizetype pos, qsizetype units)
{
    while (units > 0) {
        if (pos >= utf8.size())
            return -1;
        const auto byte = quint8(utf8[pos]);
        const int length = byte < 0x80 ? 1 : byte < 0xe0 ? 2 : byte < 0xf0 ? 3 : 4;
        const int width = length == 4 ? 2 : 1;
        if (width > units)
            return -1;
        units -= width;
        pos += length;
    }
    return pos <= utf8.size() ? pos : -1;
}

// Reads a decimal length up to \a terminator (at most 10 digits) and steps over it; each
// digit is a character, or with \a digitsAsBytes a byte 0-9 (v3 binary payloads). -1 if
// malformed.
qsizetype readLength(QByteArrayView body, qsizetype &pos, char terminator, bool digitsAsBytes)
{
    qsizetype value = 0;
    int digits = 0;
    while (pos < body.size() && body[pos] != terminator) {
        const int digit = digitsAsBytes ? quint8(body[pos]) : body[pos] - '0';
        if (digit < 0 || digit > 9 || ++digits > 10)
            return -1;
        value = value * 10 + digit;
        ++pos;
    }
    if (digits == 0 || pos >= body.size())
        return -1;
    ++pos; // the terminator
    return value;
}

} // namespace

QByteArray encode(const QList<Packet> &packets)
{
    QByteArray out;
    qsizetype size = 0;
    for (const Packet &packet : packets)
        size += 2 + (packet.binary ? (packet.data.size() + 2) / 3 * 4 : packet.data.size());
    out.reserve(size);
    for (const Packet &packet : packets) {
        if (!out.isEmpty())
            out.append(RecordSeparator);
        if (packet.binary) {
            out.append('b');
            out.append(packet.data.toBase64());
        } else {
            out.append(char('0' + int(packet.type)));
            out.append(packet.data);
        }
    }
    return out;
}

Result<QList<Packet>> decode(QByteArrayView body, const Limits &limits)
{
    if (auto error = checkBody(body, limits, true))
        return *error;
    QList<Packet> packets;
    qsizetype start = 0;
    while (start <= body.size()) {
        qsizetype end = body.indexOf(RecordSeparator, start);
        if (end < 0)
            end = body.size();
        const QByteArrayView record = body.sliced(start, end - start);
        if (record.isEmpty())
            return {ErrorCode::MalformedPayload,
                    u"empty record at offset %1 of the payload"_s.arg(start)};
        auto packet = record.front() == 'b' ? decodeBase64(record.sliced(1))
                                            : decodeText(record, limits);
        if (!packet)
            return packet.error();
        packets.append(std::move(packet).value());
        start = end + 1;
    }
    return packets;
}

bool needsV3Binary(const QList<Packet> &packets)
{
    return std::any_of(packets.cbegin(), packets.cend(), [](const Packet &p) { return p.binary; });
}

QByteArray encodeV3Text(const QList<Packet> &packets)
{
    QByteArray out;
    for (const Packet &packet : packets) {
        QByteArray text;
        if (packet.binary)
            text = "b4" + packet.data.toBase64();
        else
            text = encodeText(packet);
        out.append(QByteArray::number(utf16Length(text)));
        out.append(':');
        out.append(text);
    }
    return out;
}

QByteArray encodeV3Binary(const QList<Packet> &packets)
{
    QByteArray out;
    for (const Packet &packet : packets) {
        const QByteArray bytes = encodeFrame(packet, Version::V3).bytes;
        out.append(char(packet.binary ? 1 : 0));
        for (const char digit : QByteArray::number(bytes.size()))
            out.append(char(digit - '0'));
        out.append(char(0xff));
        out.append(bytes);
    }
    return out;
}

Result<QList<Packet>> decodeV3Text(QByteArrayView body, const Limits &limits)
{
    if (auto error = checkBody(body, limits, true))
        return *error;
    QList<Packet> packets;
    qsizetype pos = 0;
    while (pos < body.size()) {
        const qsizetype lengthAt = pos;
        const qsizetype length = readLength(body, pos, ':', false);
        if (length < 0)
            return {ErrorCode::MalformedPayload,
                    u"bad length prefix at offset %1 of the payload"_s.arg(lengthAt)};
        const qsizetype end = advanceUtf16(body, pos, length);
        if (end < 0)
            return {ErrorCode::MalformedPayload,
                    u"packet at offset %1 is shorter than its length %2"_s.arg(pos).arg(length)};
        const QByteArrayView text = body.sliced(pos, end - pos);
        pos = end;
        if (text.isEmpty())
            continue; // engine.io-parser 2 skips empty packets
        if (text.front() == 'b') {
            if (text.size() < 2 || text[1] != '4')
                return {ErrorCode::UnknownPacketType,
                        u"v3 base64 packet must be a message (b4...)"_s};
            auto packet = decodeBase64(text.sliced(2));
            if (!packet)
                return packet.error();
            packets.append(std::move(packet).value());
            continue;
        }
        auto packet = decodeText(text, limits);
        if (!packet)
            return packet.error();
        packets.append(std::move(packet).value());
    }
    return packets;
}

Result<QList<Packet>> decodeV3Binary(QByteArrayView body, const Limits &limits)
{
    if (auto error = checkBody(body, limits, false))
        return *error;
    QList<Packet> packets;
    qsizetype pos = 0;
    while (pos < body.size()) {
        const qsizetype kindAt = pos;
        const auto kind = quint8(body[pos++]);
        if (kind > 1)
            return {ErrorCode::MalformedPayload,
                    u"bad packet kind %1 at offset %2 of a binary payload"_s.arg(kind).arg(kindAt)};
        const qsizetype length = readLength(body, pos, char(0xff), true);
        if (length < 0 || length > body.size() - pos)
            return {ErrorCode::MalformedPayload,
                    u"bad length at offset %1 of a binary payload"_s.arg(kindAt)};
        const QByteArrayView bytes = body.sliced(pos, length);
        pos += length;
        auto packet
                = kind == 1 ? decodeBinary(bytes, Version::V3, limits) : decodeText(bytes, limits);
        if (!packet)
            return packet.error();
        packets.append(std::move(packet).value());
    }
    return packets;
}

} // namespace Confab::EngineIo::Payload
