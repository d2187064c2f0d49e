// SPDX-License-Identifier: MIT
// libFuzzer target for WebSocket::Decoder (ConfabHttp), the server's reader of client frames.
//
// Input layout: bytes 0-1 pick the message size limit, byte 2 how the rest is split; the rest
// is the byte stream a client would send. The stream is decoded all at once and in pieces of
// a data-derived size, keeping unconsumed bytes as WebSocketConnection does. Beyond "no
// crash, no sanitizer report": every result must respect the decoder's contract (consumed
// within the data, text valid UTF-8, control payloads ≤ 125 bytes, messages within the
// limit, errors final and with a close code), and both runs must see the same events.
#include "http/websocketcodec.h"

#include <QtCore/QList>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace Confab::WebSocket;

namespace {

[[noreturn]] void violation(const char *what)
{
    std::fprintf(stderr, "fuzz_websocket_decoder: %s\n", what);
    std::abort();
}

struct Event
{
    int opcode; // -1: error
    QByteArray payload;
    int code;
    bool operator==(const Event &other) const
    {
        return opcode == other.opcode && payload == other.payload && code == other.code;
    }
};

QList<Event> decodeInPieces(QByteArrayView stream, qint64 limit, qsizetype piece)
{
    Decoder decoder(limit);
    QList<Event> events;
    QByteArray buffered;
    qsizetype offset = 0;
    while (offset < stream.size()) {
        const qsizetype take = qMin(piece, stream.size() - offset);
        buffered.append(stream.sliced(offset, take));
        offset += take;
        for (;;) {
            const auto result = decoder.next(buffered);
            if (result.consumed < 0 || result.consumed > buffered.size())
                violation("consumed outside the data");
            if (result.status == Decoder::Status::NeedMore) {
                if (result.consumed != 0)
                    violation("NeedMore consumed bytes");
                if (decoder.bytesNeeded() != 0 && decoder.bytesNeeded() <= buffered.size())
                    violation("NeedMore although the frame is there");
                break;
            }
            if (result.status == Decoder::Status::Error) {
                if (decoder.errorCode() < 1000 || decoder.errorDetail().isEmpty())
                    violation("error without a close code or detail");
                if (decoder.next(buffered).status != Decoder::Status::Error)
                    violation("decoder recovered from an error");
                events.append({-1, {}, decoder.errorCode()});
                return events;
            }
            if (result.consumed == 0)
                violation("a frame of zero bytes");
            buffered.remove(0, result.consumed);
            if (result.status == Decoder::Status::Frame)
                continue;
            const Opcode opcode = decoder.opcode();
            const QByteArray &payload = decoder.payload();
            switch (opcode) {
            case Opcode::Text:
                if (!isValidUtf8(payload))
                    violation("text message that is not UTF-8");
                [[fallthrough]];
            case Opcode::Binary:
                if (payload.size() > limit)
                    violation("message over the limit");
                break;
            case Opcode::Close:
                if (payload.size() > MaxControlPayload - 2 || !isValidUtf8(payload))
                    violation("bad close reason");
                if (decoder.closeCode() != CloseCode::NoStatus
                    && !isValidReceivedCloseCode(decoder.closeCode()))
                    violation("invalid close code accepted");
                break;
            case Opcode::Ping:
            case Opcode::Pong:
                if (payload.size() > MaxControlPayload)
                    violation("control frame over 125 bytes");
                break;
            case Opcode::Continuation:
                violation("a continuation reported as a message");
            }
            events.append({int(opcode), payload, decoder.closeCode()});
        }
    }
    return events;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const qint64 limit = (qint64(data[0]) << 8 | data[1]) + 1; // 1 .. 65536 bytes
    const qsizetype piece = data[2] % 64 + 1;
    const QByteArrayView stream(reinterpret_cast<const char *>(data) + 3, qsizetype(size) - 3);
    const QList<Event> whole = decodeInPieces(stream, limit, stream.size() + 1);
    const QList<Event> pieces = decodeInPieces(stream, limit, piece);
    if (!(whole == pieces))
        violation("the split changed what was decoded");
    return 0;
}
