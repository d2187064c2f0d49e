// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QtGlobal>

//! \file
//! The server side of RFC 6455 framing, as pure code: no sockets, no timers. WebSocketConnection
//! drives it; tests feed it bytes.

namespace Confab::WebSocket {

enum class Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

//! Status codes of a Close frame (RFC 6455 §7.4.1) that the server sends or reports.
namespace CloseCode {
constexpr quint16 Normal = 1000;
constexpr quint16 GoingAway = 1001;
constexpr quint16 ProtocolError = 1002;
constexpr quint16 NoStatus = 1005; //!< reported when a Close frame carried no code; never sent
constexpr quint16 Abnormal = 1006; //!< reported when the TCP connection ended without a Close
constexpr quint16 InvalidPayload = 1007; //!< text that is not UTF-8
constexpr quint16 PolicyViolation = 1008;
constexpr quint16 TooBig = 1009;
constexpr quint16 InternalError = 1011;
} // namespace CloseCode

//! Bytes a server frame header can take: 2, plus 8 for the 64-bit length form.
constexpr int MaxServerHeader = 10;
//! Control frames carry at most this many payload bytes (§5.5).
constexpr int MaxControlPayload = 125;

//! \brief Writes the RFC 6455 (§5.2) header of one final, unmasked frame with \a opcode and
//! \a payloadLength bytes of payload to \a out; returns its length (2, 4 or 10).
//!
//! Servers never mask (§5.1). The length takes 7 bits up to 125, then 16 bits (126), then
//! 64 bits (127) with the most significant bit clear.
inline int serverFrameHeader(char *out, Opcode opcode, quint64 payloadLength)
{
    out[0] = char(0x80 | quint8(opcode)); // FIN, opcode
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

inline int serverFrameHeader(char *out, bool binary, quint64 payloadLength)
{
    return serverFrameHeader(out, binary ? Opcode::Binary : Opcode::Text, payloadLength);
}

//! \brief A whole server frame: header and \a payload (control frames, tests).
QByteArray serverFrame(Opcode opcode, QByteArrayView payload);
//! \brief A Close frame with \a code and \a reason (cut to fit 125 bytes on a UTF-8 boundary).
QByteArray closeFrame(quint16 code, QByteArrayView reason = {});

//! \brief Whether \a bytes is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most
//! U+10FFFF). Runs of ASCII are checked eight bytes at a time.
bool isValidUtf8(QByteArrayView bytes);

//! \brief Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (§4.2.2).
QByteArray acceptKey(QByteArrayView clientKey);

//! \brief Whether \a code may appear in a Close frame received from a peer (§7.4).
bool isValidReceivedCloseCode(quint16 code);

//! \brief Decodes the frames a client sends, one complete frame at a time.
//!
//! The caller keeps unconsumed bytes and calls next() again with more. Client frames must be
//! masked (§5.1); no extension is negotiated, so RSV bits must be clear. Fragmented messages
//! are reassembled here (control frames may come between fragments); a message larger than
//! the limit is refused as soon as a header announces it, before its bytes are buffered.
class Decoder
{
public:
    enum class Status {
        NeedMore, //!< no complete frame at the start of the data; see bytesNeeded()
        Frame, //!< a frame was consumed that completes nothing (a non-final fragment)
        Message, //!< a message or control frame is in message()
        Error, //!< the stream is broken; see errorCode() and errorDetail(). Final.
    };

    struct Result
    {
        Status status;
        qsizetype consumed; //!< bytes of the data that were used
    };

    explicit Decoder(qint64 maxMessageSize = 1'000'000)
        : m_maxMessageSize(maxMessageSize)
    { }

    void setMaxMessageSize(qint64 bytes) { m_maxMessageSize = bytes; }
    qint64 maxMessageSize() const { return m_maxMessageSize; }

    //! \brief Decodes the frame at the start of \a data.
    Result next(QByteArrayView data);

    //! After Status::Message: Text or Binary (a whole message), or Close, Ping or Pong.
    Opcode opcode() const { return m_opcode; }
    //! After Status::Message: the unmasked payload. Text is valid UTF-8. For Close, the reason.
    const QByteArray &payload() const { return m_payload; }
    QByteArray takePayload() { return std::exchange(m_payload, {}); }
    //! After a Close message: its status code, or CloseCode::NoStatus if it had none.
    quint16 closeCode() const { return m_closeCode; }

    //! After NeedMore: how many bytes the frame needs in all, when the header tells (else 0).
    qint64 bytesNeeded() const { return m_bytesNeeded; }

    quint16 errorCode() const { return m_errorCode; }
    QByteArray errorDetail() const { return m_errorDetail; }

private:
    Result fail(quint16 code, const char *detail);

    qint64 m_maxMessageSize;
    Opcode m_opcode = Opcode::Text;
    QByteArray m_payload;
    quint16 m_closeCode = CloseCode::NoStatus;
    qint64 m_bytesNeeded = 0;
    // A fragmented message being reassembled.
    bool m_inFragments = false;
    Opcode m_fragmentOpcode = Opcode::Text;
    QByteArray m_fragments;
    quint16 m_errorCode = 0;
    QByteArray m_errorDetail;
};

} // namespace Confab::WebSocket
