// SPDX-License-Identifier: MIT
// libFuzzer target: Engine.IO frames (text and binary, v3 and v4) and the OPEN handshake.
#include "engineiohandshake.h"
#include "engineiopacket.h"

#include <cstdlib>

using namespace Confab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    Protocol::Limits limits;
    limits.maxPayload = 4096;

    if (auto text = EngineIo::decodeText(input, limits)) {
        // A decoded text packet re-encodes to exactly its input.
        if (EngineIo::encodeText(*text) != input)
            std::abort();
        if (text->type == EngineIo::PacketType::Open) {
            if (auto handshake = EngineIo::Handshake::fromJson(text->data)) {
                // What we write, we read back the same.
                const auto again = EngineIo::Handshake::fromJson(handshake->toJson());
                if (!again || !(*again == *handshake))
                    std::abort();
            }
        }
    }
    for (const auto version : {EngineIo::Version::V3, EngineIo::Version::V4}) {
        if (auto binary = EngineIo::decodeBinary(input, version, limits)) {
            if (EngineIo::encodeFrame(*binary, version).bytes != input)
                std::abort();
        }
    }
    return 0;
}
