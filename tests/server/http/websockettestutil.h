// SPDX-License-Identifier: MIT
// Client frames for tests of the server end of RFC 6455.
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

using namespace Qt::StringLiterals;

namespace WebSocketTest {

inline const QByteArray Key = "\x37\xfa\x21\x3d"_ba; // the RFC's §5.7 example key

//! A client frame: \a firstByte (FIN, RSV, opcode) and \a payload masked with \a key.
//! \a lengthForm forces a length encoding (0 = shortest, 16 or 64).
inline QByteArray clientFrame(quint8 firstByte, const QByteArray &payload, bool masked = true,
                              int lengthForm = 0, const QByteArray &key = Key)
{
    QByteArray frame;
    frame.append(char(firstByte));
    const quint8 mask = masked ? 0x80 : 0;
    const quint64 n = quint64(payload.size());
    if (lengthForm == 0 && n <= 125) {
        frame.append(char(mask | n));
    } else if (lengthForm == 16 || (lengthForm == 0 && n <= 0xFFFF)) {
        frame.append(char(mask | 126));
        frame.append(char(n >> 8));
        frame.append(char(n & 0xFF));
    } else {
        frame.append(char(mask | 127));
        for (int i = 7; i >= 0; --i)
            frame.append(char((n >> (8 * i)) & 0xFF));
    }
    if (!masked)
        return frame + payload;
    frame.append(key);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(char(payload.at(i) ^ key.at(i & 3)));
    return frame;
}

inline QByteArray closePayload(quint16 code, const QByteArray &reason = {})
{
    return QByteArray(1, char(code >> 8)) + char(code & 0xFF) + reason;
}

} // namespace WebSocketTest
