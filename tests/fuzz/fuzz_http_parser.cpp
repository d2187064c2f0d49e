// SPDX-License-Identifier: MIT
// libFuzzer target for HttpRequestParser (ConfabHttp).
//
// Input layout: byte 0 picks the limits, bytes 1-2 pick how the rest is split; the rest is
// the byte stream a client would send. The stream is parsed three ways — all at once, in
// pieces of a data-derived size, and at two data-derived cut points — honouring the feed()
// contract (unconsumed bytes are offered again). Beyond "no crash, no sanitizer report",
// every run must respect the contract and the limits, and all runs must agree: the same
// requests, and an error in one iff an error (with the same status) in the others.
#include "http/httprequestparser.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace Confab::Http;

namespace {

[[noreturn]] void violation(const char *what)
{
    std::fprintf(stderr, "fuzz_http_parser: %s\n", what);
    std::abort();
}

struct Outcome
{
    QList<QByteArray> requests;
    int heads = 0;
    int errorStatus = 0;
    qsizetype consumed = 0;

    bool operator==(const Outcome &other) const
    {
        // Where in the stream an error is reported may differ with the split (a data
        // callback runs at a piece boundary); what was found may not.
        return requests == other.requests && heads == other.heads
                && errorStatus == other.errorStatus
                && (errorStatus != 0 || consumed == other.consumed);
    }
};

QByteArray summary(const HttpRequest &request)
{
    QByteArray out = request.methodName() + ' ' + request.target + ' ' + request.path.toUtf8() + ' '
            + QByteArray::number(request.httpMajor) + '.' + QByteArray::number(request.httpMinor)
            + (request.keepAlive ? " ka" : " close");
    for (const auto &[name, value] : request.headers)
        out += '|' + name + ':' + value;
    return out + "|body=" + request.body;
}

// Feeds \a input split at \a cuts (sorted offsets); returns what the parser reported.
Outcome run(QByteArrayView input, const QList<qsizetype> &cuts, const HttpParserLimits &limits)
{
    HttpRequestParser parser(limits);
    Outcome outcome;
    QByteArray pending;
    qsizetype offered = 0;
    qsizetype cutIndex = 0;
    while (offered < input.size()) {
        qsizetype end = input.size();
        while (cutIndex < cuts.size() && cuts.at(cutIndex) <= offered)
            ++cutIndex;
        if (cutIndex < cuts.size())
            end = cuts.at(cutIndex);
        pending += input.sliced(offered, end - offered).toByteArray();
        offered = end;

        for (;;) {
            const qsizetype before = pending.size();
            const auto result = parser.feed(pending);
            if (result.consumed < 0 || result.consumed > before)
                violation("consumed more than offered");
            pending.remove(0, result.consumed);
            outcome.consumed += result.consumed;

            switch (result.status) {
            case HttpRequestParser::Status::NeedMoreData:
                if (result.consumed != before)
                    violation("NeedMoreData without consuming everything");
                break;
            case HttpRequestParser::Status::HeadComplete:
                ++outcome.heads;
                if (parser.headSize() > limits.maxHeadSize)
                    violation("head larger than maxHeadSize accepted");
                if (!parser.isInBody() || !parser.request().body.isEmpty())
                    violation("body bytes before the body started");
                continue;
            case HttpRequestParser::Status::MessageComplete: {
                const HttpRequest request = parser.takeRequest();
                if (request.body.size() > limits.maxBodySize)
                    violation("body larger than maxBodySize accepted");
                if (request.headers.size() > limits.maxHeaderCount)
                    violation("more header fields than maxHeaderCount accepted");
                if (outcome.requests.size() + 1 != outcome.heads)
                    violation("message completed without its head");
                outcome.requests.append(summary(request));
                continue;
            }
            case HttpRequestParser::Status::Error:
                outcome.errorStatus = parser.errorStatus();
                switch (outcome.errorStatus) {
                case 400:
                case 413:
                case 431:
                case 501:
                case 505:
                    break;
                default:
                    violation("unexpected error status");
                }
                if (parser.errorDetail().isEmpty())
                    violation("error without detail");
                if (parser.feed("GET / HTTP/1.1\r\n").status != HttpRequestParser::Status::Error)
                    violation("error state not sticky");
                return outcome;
            }
            break;
        }
    }
    if (outcome.consumed != input.size())
        violation("input left unconsumed without an error");
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || size > 256 * 1024)
        return 0;
    const uint8_t config = data[0];
    HttpParserLimits limits;
    // Small limits reach the 413/431 paths with short inputs; default ones the common path.
    if (config & 0x01)
        limits.maxHeadSize = 64 + (config >> 4) * 16;
    if (config & 0x02)
        limits.maxBodySize = (config >> 4);
    if (config & 0x04)
        limits.maxHeaderCount = 3;

    const QByteArrayView input(reinterpret_cast<const char *>(data + 3), qsizetype(size - 3));
    const qsizetype n = input.size();

    const Outcome whole = run(input, {}, limits);

    // Fixed-size pieces (1..32 bytes).
    QList<qsizetype> pieces;
    const qsizetype step = 1 + data[1] % 32;
    for (qsizetype at = step; at < n; at += step)
        pieces.append(at);
    if (!(run(input, pieces, limits) == whole))
        violation("piecewise parse disagrees with whole parse");

    // Two cut points anywhere (head/body boundaries included).
    if (n > 1) {
        qsizetype a = (qsizetype(data[1]) * 257 + data[2]) % n;
        qsizetype b = (qsizetype(data[2]) * 131 + data[1] * 7) % n;
        if (a > b)
            std::swap(a, b);
        QList<qsizetype> cuts;
        for (qsizetype cut : {a, b}) {
            if (cut > 0 && (cuts.isEmpty() || cuts.last() != cut))
                cuts.append(cut);
        }
        if (!(run(input, cuts, limits) == whole))
            violation("two-cut parse disagrees with whole parse");
    }
    return 0;
}
