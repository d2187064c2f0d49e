// SPDX-License-Identifier: MIT
// libFuzzer target: long-polling payloads, v4 and both v3 forms. Whatever decodes must
// survive encode → decode unchanged.
#include "engineiopayload.h"

#include <cstdlib>

using namespace Confab;
using namespace Confab::EngineIo;

namespace {
template<typename Encode, typename Decode>
void check(QByteArrayView input, Encode encode, Decode decode, const Protocol::Limits &limits)
{
    auto packets = decode(input, limits);
    if (!packets || packets->isEmpty()) // v3 skips empty packets: "0:" decodes to nothing
        return;
    Protocol::Limits roomy = limits;
    roomy.maxPayload = 1 << 20; // re-encoding may grow (base64) past the input's limit
    const auto again = decode(encode(*packets), roomy);
    if (!again || *again != *packets)
        std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    Protocol::Limits limits;
    limits.maxPayload = 8192;
    check(input, Payload::encode, Payload::decode, limits);
    check(input, Payload::encodeV3Text, Payload::decodeV3Text, limits);
    check(input, Payload::encodeV3Binary, Payload::decodeV3Binary, limits);
    return 0;
}
