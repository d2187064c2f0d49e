// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QtGlobal>

namespace Confab::WebSocket {

//! Bytes a server frame header can take: 2, plus 8 for the 64-bit length form.
constexpr int kMaxServerHeader = 10;

//! \brief Writes the RFC 6455 (§5.2) header of one final, unmasked frame carrying
//! \a payloadLength bytes of text or binary data to \a out; returns its length (2, 4 or 10).
//!
//! Servers never mask (§5.1). The length takes 7 bits up to 125, then 16 bits (126), then
//! 64 bits (127) with the most significant bit clear.
inline int serverFrameHeader(char *out, bool binary, quint64 payloadLength)
{
    out[0] = char(0x80 | (binary ? 0x2 : 0x1)); // FIN, opcode
    if (payloadLength <= 125) {
        out[1] = char(payloadLength);
        return 2;
    }
    if (payloadLength <= 0xFFFF) {
        out[1] = char(126);
        out[2] = char(payloadLength >> 8);
        out[3] = char(payloadLength & 0xFF);
        return 4;
    }
    out[1] = char(127);
    for (int i = 0; i < 8; ++i)
        out[2 + i] = char((payloadLength >> (8 * (7 - i))) & 0xFF);
    out[2] &= 0x7F;
    return 10;
}

} // namespace Confab::WebSocket
