// SPDX-License-Identifier: MIT
// A minimal WebSocket client codec (RFC 6455) for confab-bench: the upgrade request, masked
// client frames, and an incremental parser for the server's (unmasked) frames. No extensions
// are offered, so no permessage-deflate; fragmented messages are reassembled.
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

namespace Bench::Ws {

enum Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

//! The HTTP/1.1 upgrade request for a Socket.IO WebSocket-only session.
QByteArray upgradeRequest(QByteArrayView hostPort, QByteArrayView path);

//! Appends one masked client frame (FIN set) carrying \a payload.
void appendFrame(QByteArray &out, Opcode opcode, QByteArrayView payload);

//! Incremental parser for one connection's incoming bytes.
class FrameParser
{
public:
    enum Result { NeedMore, Frame, Error };

    void append(const QByteArray &bytes);
    //! The next complete message. \a payload stays valid until the next call to next()/append().
    Result next(Opcode &opcode, QByteArrayView &payload);
    //! Bytes received but not consumed yet (for the HTTP response before the first frame).
    QByteArrayView pending() const { return QByteArrayView(m_buf).sliced(m_pos); }
    void consume(qsizetype n) { m_pos += n; }

private:
    QByteArray m_buf;
    qsizetype m_pos = 0;
    QByteArray m_fragments;
    Opcode m_fragmentOpcode = Text;
    bool m_inFragment = false;
};

} // namespace Bench::Ws
