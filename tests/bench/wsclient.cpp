// SPDX-License-Identifier: MIT
#include "wsclient.h"

#include <cstring>

namespace Bench::Ws {

QByteArray upgradeRequest(QByteArrayView hostPort, QByteArrayView path)
{
    QByteArray request;
    request.reserve(256);
    request += "GET ";
    request += path;
    request += " HTTP/1.1\r\nHost: ";
    request += hostPort;
    // A fixed key: the generator does not check Sec-WebSocket-Accept (only "101").
    request += "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    return request;
}

void appendFrame(QByteArray &out, Opcode opcode, QByteArrayView payload)
{
    static constexpr unsigned char mask[4] = {0x3a, 0x5c, 0xa7, 0x11};
    const qsizetype n = payload.size();
    const qsizetype start = out.size();
    qsizetype header = 2 + 4 + (n < 126 ? 0 : n < 65536 ? 2 : 8);
    out.resize(start + header + n);
    auto *p = reinterpret_cast<unsigned char *>(out.data() + start);
    *p++ = 0x80 | opcode;
    if (n < 126) {
        *p++ = 0x80 | quint8(n);
    } else if (n < 65536) {
        *p++ = 0x80 | 126;
        *p++ = quint8(n >> 8);
        *p++ = quint8(n);
    } else {
        *p++ = 0x80 | 127;
        for (int shift = 56; shift >= 0; shift -= 8)
            *p++ = quint8(quint64(n) >> shift);
    }
    std::memcpy(p, mask, 4);
    p += 4;
    const auto *src = reinterpret_cast<const unsigned char *>(payload.data());
    for (qsizetype i = 0; i < n; ++i)
        p[i] = src[i] ^ mask[i & 3];
}

void FrameParser::append(const QByteArray &bytes)
{
    if (m_pos > 0 && m_pos == m_buf.size()) {
        m_buf = bytes; // the common case: everything before was consumed
        m_pos = 0;
        return;
    }
    if (m_pos > 65536) {
        m_buf.remove(0, m_pos);
        m_pos = 0;
    }
    m_buf += bytes;
}

FrameParser::Result FrameParser::next(Opcode &opcode, QByteArrayView &payload)
{
    for (int guard = 0; guard < 1'000'000; ++guard) {
        const qsizetype avail = m_buf.size() - m_pos;
        if (avail < 2)
            return NeedMore;
        const auto *p = reinterpret_cast<const unsigned char *>(m_buf.constData() + m_pos);
        const bool fin = p[0] & 0x80;
        const auto op = Opcode(p[0] & 0x0f);
        const bool masked = p[1] & 0x80;
        quint64 len = p[1] & 0x7f;
        qsizetype header = 2;
        if (len == 126) {
            if (avail < 4)
                return NeedMore;
            len = (quint64(p[2]) << 8) | p[3];
            header = 4;
        } else if (len == 127) {
            if (avail < 10)
                return NeedMore;
            len = 0;
            for (int i = 0; i < 8; ++i)
                len = (len << 8) | p[2 + i];
            header = 10;
        }
        if (masked || len > (quint64(1) << 30))
            return Error; // servers never mask
        if (quint64(avail) < header + len)
            return NeedMore;
        const QByteArrayView body(m_buf.constData() + m_pos + header, qsizetype(len));
        m_pos += header + qsizetype(len);
        if (op >= Close) { // control frames are never fragmented
            opcode = op;
            payload = body;
            return Frame;
        }
        if (!fin) {
            if (op != Continuation) {
                m_fragments.clear();
                m_fragmentOpcode = op;
            }
            m_inFragment = true;
            m_fragments.append(body);
            continue;
        }
        if (op == Continuation) {
            if (!m_inFragment)
                return Error;
            m_fragments.append(body);
            m_inFragment = false;
            opcode = m_fragmentOpcode;
            payload = m_fragments;
            return Frame;
        }
        opcode = op;
        payload = body;
        return Frame;
    }
    return Error;
}

} // namespace Bench::Ws
