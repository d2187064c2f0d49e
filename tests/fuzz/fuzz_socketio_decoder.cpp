// SPDX-License-Identifier: MIT
// libFuzzer target: the incremental Socket.IO decoder fed a stream of frames. The input is
// split on 0x00 bytes; a frame starting with 0x01 is binary (the rest of it), others text.
#include "socketiopacket.h"

#include <cstdlib>

using namespace Confab;
using namespace Confab::SocketIo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    Protocol::Limits limits;
    limits.maxPayload = 8192;
    limits.maxDepth = 16;
    limits.maxAttachments = 4;

    Decoder decoder(limits);
    for (const QByteArray &frame : input.split('\0')) {
        const bool binary = frame.startsWith('\x01');
        auto step = binary ? decoder.addBinary(frame.mid(1)) : decoder.addText(frame);
        if (!step || !step->has_value())
            continue;
        // Every packet the decoder accepts re-encodes to something it decodes to the same.
        const Packet &packet = **step;
        const Encoded encoded = encode(packet);
        Protocol::Limits roomy = limits;
        roomy.maxPayload = 1 << 20;
        const auto again = decode(encoded.text, encoded.attachments, roomy);
        if (!again || encode(*again) != encoded)
            std::abort();
    }
    return 0;
}
