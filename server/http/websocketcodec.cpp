// SPDX-License-Identifier: MIT
#include "websocketcodec.h"

#include <QtCore/QCryptographicHash>

#include <cstring>

namespace Confab::WebSocket {

namespace {

quint64 readBigEndian(const uchar *p, int bytes)
{
    quint64 value = 0;
    for (int i = 0; i < bytes; ++i)
        value = (value << 8) | p[i];
    return value;
}

// XORs \a size bytes from \a in with the 4-byte \a key into \a out, eight bytes at a time.
void unmask(char *out, const char *in, qsizetype size, const char key[4])
{
    quint32 key32;
    memcpy(&key32, key, 4);
    // Two copies of the key in memory order, whatever the byte order of the machine.
    const quint64 key64 = (quint64(key32) << 32) | key32;
    qsizetype i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 word;
        memcpy(&word, in + i, 8);
        word ^= key64;
        memcpy(out + i, &word, 8);
    }
    for (; i < size; ++i)
        out[i] = char(in[i] ^ key[i & 3]);
}

} // namespace

QByteArray serverFrame(Opcode opcode, QByteArrayView payload)
{
    char head[MaxServerHeader];
    const int headSize = serverFrameHeader(head, opcode, quint64(payload.size()));
    QByteArray frame;
    frame.reserve(headSize + payload.size());
    frame.append(head, headSize);
    frame.append(payload);
    return frame;
}

QByteArray closeFrame(quint16 code, QByteArrayView reason)
{
    // Code (2 bytes) + reason must fit a control frame; cut the reason before a UTF-8
    // continuation byte so what is left stays valid text.
    qsizetype length = qMin<qsizetype>(reason.size(), MaxControlPayload - 2);
    if (length < reason.size()) {
        while (length > 0 && (quint8(reason.at(length)) & 0xC0) == 0x80)
            --length;
    }
    QByteArray payload;
    payload.reserve(2 + length);
    payload.append(char(code >> 8));
    payload.append(char(code & 0xFF));
    payload.append(reason.first(length));
    return serverFrame(Opcode::Close, payload);
}

bool isValidUtf8(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const uchar *>(bytes.data());
    const uchar *const end = p + bytes.size();
    while (p < end) {
        // Socket.IO traffic is mostly ASCII JSON: skip it a word at a time.
        while (end - p >= 8) {
            quint64 word;
            memcpy(&word, p, 8);
            if (word & 0x8080808080808080ULL)
                break;
            p += 8;
        }
        if (p == end)
            break;
        const uchar c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        // RFC 3629 §4: the lead byte fixes the length and the range of the second byte,
        // which rules out overlong forms, surrogates and code points above U+10FFFF.
        int continuation;
        uchar low = 0x80, high = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            continuation = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            continuation = 2;
            if (c == 0xE0)
                low = 0xA0;
            else if (c == 0xED)
                high = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            continuation = 3;
            if (c == 0xF0)
                low = 0x90;
            else if (c == 0xF4)
                high = 0x8F;
        } else {
            return false;
        }
        if (end - p <= continuation)
            return false;
        if (p[1] < low || p[1] > high)
            return false;
        for (int i = 2; i <= continuation; ++i) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
        }
        p += continuation + 1;
    }
    return true;
}

QByteArray acceptKey(QByteArrayView clientKey)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(clientKey);
    sha1.addData(QByteArrayView("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
    return sha1.result().toBase64();
}

bool isValidReceivedCloseCode(quint16 code)
{
    // §7.4.1 and the IANA registry: 1004-1006 and 1015 are reserved and never sent;
    // 3000-4999 belong to libraries and applications.
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
            || (code >= 3000 && code <= 4999);
}

Decoder::Result Decoder::fail(quint16 code, const char *detail)
{
    m_errorCode = code;
    m_errorDetail = detail;
    m_payload.clear();
    m_fragments.clear();
    return {Status::Error, 0};
}

Decoder::Result Decoder::next(QByteArrayView data)
{
    m_bytesNeeded = 0;
    if (m_errorCode)
        return {Status::Error, 0};
    if (data.size() < 2)
        return {Status::NeedMore, 0};
    const auto *bytes = reinterpret_cast<const uchar *>(data.data());
    const bool final = bytes[0] & 0x80;
    const auto opcode = Opcode(bytes[0] & 0x0F);
    if (bytes[0] & 0x70)
        return fail(CloseCode::ProtocolError, "reserved bits set, but no extension was agreed");
    if (!(bytes[1] & 0x80))
        return fail(CloseCode::ProtocolError, "a client frame must be masked");

    qsizetype headerSize = 2;
    quint64 length = bytes[1] & 0x7F;
    if (length == 126) {
        if (data.size() < 4)
            return {Status::NeedMore, 0};
        length = readBigEndian(bytes + 2, 2);
        headerSize = 4;
    } else if (length == 127) {
        if (data.size() < 10)
            return {Status::NeedMore, 0};
        length = readBigEndian(bytes + 2, 8);
        if (length >> 63)
            return fail(CloseCode::ProtocolError, "frame length has its most significant bit set");
        headerSize = 10;
    }
    headerSize += 4; // the masking key

    const bool control = quint8(opcode) & 0x8;
    if (control) {
        if (opcode != Opcode::Close && opcode != Opcode::Ping && opcode != Opcode::Pong)
            return fail(CloseCode::ProtocolError, "unknown control opcode");
        if (!final)
            return fail(CloseCode::ProtocolError, "a control frame must not be fragmented");
        if (length > quint64(MaxControlPayload))
            return fail(CloseCode::ProtocolError, "control frame longer than 125 bytes");
    } else {
        if (opcode == Opcode::Continuation) {
            if (!m_inFragments)
                return fail(CloseCode::ProtocolError, "continuation frame without a message");
        } else if (opcode == Opcode::Text || opcode == Opcode::Binary) {
            if (m_inFragments)
                return fail(CloseCode::ProtocolError, "new message before the last one ended");
        } else {
            return fail(CloseCode::ProtocolError, "unknown data opcode");
        }
        // Refused on the header: a peer cannot make us buffer more than the limit.
        const quint64 total = length + quint64(m_inFragments ? m_fragments.size() : 0);
        if (length > quint64(m_maxMessageSize) || total > quint64(m_maxMessageSize))
            return fail(CloseCode::TooBig, "message larger than the server accepts");
    }

    const qint64 frameSize = headerSize + qint64(length);
    if (data.size() < frameSize) {
        m_bytesNeeded = frameSize;
        return {Status::NeedMore, 0};
    }
    const char *key = data.data() + headerSize - 4;
    const char *masked = data.data() + headerSize;
    const Result consumed{Status::Message, frameSize};

    if (control) {
        QByteArray payload(qsizetype(length), Qt::Uninitialized);
        unmask(payload.data(), masked, payload.size(), key);
        m_opcode = opcode;
        m_closeCode = CloseCode::NoStatus;
        if (opcode == Opcode::Close && length > 0) {
            if (length == 1)
                return fail(CloseCode::ProtocolError, "close frame with a one-byte payload");
            const quint16 code = quint16(
                    readBigEndian(reinterpret_cast<const uchar *>(payload.constData()), 2));
            if (!isValidReceivedCloseCode(code))
                return fail(CloseCode::ProtocolError, "invalid close code");
            payload.remove(0, 2);
            if (!isValidUtf8(payload))
                return fail(CloseCode::InvalidPayload, "close reason is not UTF-8");
            m_closeCode = code;
        }
        m_payload = std::move(payload);
        return consumed;
    }

    if (opcode != Opcode::Continuation && final) {
        // The common case: a whole message in one frame, unmasked straight into its buffer.
        m_payload = QByteArray(qsizetype(length), Qt::Uninitialized);
        unmask(m_payload.data(), masked, m_payload.size(), key);
        if (opcode == Opcode::Text && !isValidUtf8(m_payload))
            return fail(CloseCode::InvalidPayload, "text message is not UTF-8");
        m_opcode = opcode;
        return consumed;
    }
    if (opcode != Opcode::Continuation) {
        m_inFragments = true;
        m_fragmentOpcode = opcode;
        m_fragments.clear();
    }
    const qsizetype offset = m_fragments.size();
    m_fragments.resize(offset + qsizetype(length));
    unmask(m_fragments.data() + offset, masked, qsizetype(length), key);
    if (!final)
        return {Status::Frame, frameSize};
    m_inFragments = false;
    m_opcode = m_fragmentOpcode;
    m_payload = std::exchange(m_fragments, {});
    if (m_opcode == Opcode::Text && !isValidUtf8(m_payload))
        return fail(CloseCode::InvalidPayload, "text message is not UTF-8");
    return consumed;
}

} // namespace Confab::WebSocket
