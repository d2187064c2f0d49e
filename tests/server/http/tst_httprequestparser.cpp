// SPDX-License-Identifier: MIT
// HttpRequestParser on its own: good / invalid / malformed rows, each fed all at once, byte
// by byte and in 7-byte pieces, honouring the "re-offer what was not consumed" contract.
// Plus HttpResponse's wire format.
#include "http/httprequestparser.h"

#include <QtCore/QRegularExpression>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab::Http;

Q_DECLARE_METATYPE(Confab::Http::HttpResponse)

namespace {

struct Outcome
{
    QList<QByteArray> requests; // one summary per completed request
    int heads = 0;
    int errorStatus = 0;
    qsizetype consumed = 0;
    QByteArray contractViolation; // set if feed() broke its own contract
};

// Keeps embedded NULs, unlike QByteArray(const char *).
template<qsizetype N>
QByteArray bytes(const char (&literal)[N])
{
    return QByteArray(literal, N - 1);
}

// "METHOD target body=<body>", enough to tell requests and their framing apart.
QByteArray summary(const HttpRequest &request)
{
    return request.methodName() + ' ' + request.target + " body=" + request.body;
}

// Feeds \a input in pieces of \a piece bytes (0: all at once) the way a socket owner does:
// unconsumed bytes are offered again together with the next piece.
Outcome run(const QByteArray &input, qsizetype piece, const HttpParserLimits &limits = {})
{
    HttpRequestParser parser(limits);
    Outcome outcome;
    QByteArray pending;
    qsizetype offered = 0;
    while (offered < input.size()) {
        const qsizetype step = piece == 0 ? input.size() : qMin(piece, input.size() - offered);
        pending += input.mid(offered, step);
        offered += step;
        for (;;) {
            const qsizetype before = pending.size();
            const auto result = parser.feed(pending);
            if (result.consumed < 0 || result.consumed > before) {
                outcome.contractViolation = "consumed more than offered";
                return outcome;
            }
            pending.remove(0, result.consumed);
            outcome.consumed += result.consumed;
            if (result.status == HttpRequestParser::Status::NeedMoreData) {
                // NeedMoreData means "everything you gave me is used up".
                if (result.consumed != before) {
                    outcome.contractViolation = "NeedMoreData left bytes unconsumed";
                    return outcome;
                }
                break;
            }
            if (result.status == HttpRequestParser::Status::HeadComplete) {
                ++outcome.heads;
                continue;
            }
            if (result.status == HttpRequestParser::Status::MessageComplete) {
                outcome.requests.append(summary(parser.takeRequest()));
                continue;
            }
            outcome.errorStatus = parser.errorStatus();
            return outcome;
        }
    }
    return outcome;
}

HttpParserLimits smallLimits()
{
    HttpParserLimits limits;
    limits.maxHeadSize = 256;
    limits.maxBodySize = 16;
    limits.maxHeaderCount = 8;
    return limits;
}

const QByteArray Get = QByteArrayLiteral(
        "GET /socket.io/?EIO=4&transport=polling&t=Nx1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
const QByteArray Post = QByteArrayLiteral("POST /socket.io/?EIO=4&transport=polling&sid=abc "
                                           "HTTP/1.1\r\nHost: localhost\r\n"
                                           "Content-Type: text/plain;charset=UTF-8\r\n"
                                           "Content-Length: 12\r\n\r\n4hello\x1e"
                                           "4chat");

} // namespace

class tst_HttpRequestParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void headFields();
    void keepAlive_data();
    void keepAlive();
    void stopsAtMessageBoundary();
    void oversizedContentLengthRefusedBeforeBody();
    void bodyLimitCanChangeAfterHead();
    void headOverLimitStopsReading();
    void errorIsStickyUntilReset();
    void emptyFeedIsNotEndOfStream();
    void webSocketUpgradeHead();

    void serializeResponse_data();
    void serializeResponse();
    void responseHeaderHelpers();
};

void tst_HttpRequestParser::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qsizetype>("piece");
    QTest::addColumn<bool>("small");
    QTest::addColumn<QList<QByteArray>>("expected");
    QTest::addColumn<int>("errorStatus");

    const auto add = [](const char *name, const QByteArray &input, QList<QByteArray> expected,
                        int errorStatus = 0, bool small = false) {
        for (qsizetype piece : {qsizetype(0), qsizetype(1), qsizetype(7)}) {
            const char *mode = piece == 0 ? "at once" : piece == 1 ? "byte by byte" : "by 7";
            QTest::addRow("%s [%s]", name, mode)
                    << input << piece << small << expected << errorStatus;
        }
    };

    // --- good ---
    add("good: GET with query", Get, {"GET /socket.io/?EIO=4&transport=polling&t=Nx1 body="});
    add("good: POST with Content-Length", Post,
        {"POST /socket.io/?EIO=4&transport=polling&sid=abc body=4hello\x1e"
         "4chat"});
    add("good: chunked body",
        "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        {"POST /c body=hello world"});
    add("good: chunked with extension and trailer",
        "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"
        "3;name=value\r\nabc\r\n0\r\nX-Checksum: 1\r\n\r\n",
        {"POST /c body=abc"});
    add("good: two pipelined requests", Get + Post,
        {"GET /socket.io/?EIO=4&transport=polling&t=Nx1 body=",
         "POST /socket.io/?EIO=4&transport=polling&sid=abc body=4hello\x1e"
         "4chat"});
    add("good: three pipelined, last one closes",
        "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
        "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz"
        "GET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        {"GET /1 body=", "POST /2 body=xyz", "GET /3 body="});
    add("good: HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", {"GET / body="});
    add("good: empty lines before a request", "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        {"GET / body="});
    add("good: absolute-form target", "GET http://example.com/p?q=1 HTTP/1.1\r\nHost: x\r\n\r\n",
        {"GET http://example.com/p?q=1 body="});
    add("good: OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", {"OPTIONS * body="});
    add("good: HEAD, PUT, DELETE, PATCH",
        "HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n"
        "PUT /p HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n1"
        "DELETE /d HTTP/1.1\r\nHost: a\r\n\r\n"
        "PATCH /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
        {"HEAD /h body=", "PUT /p body=1", "DELETE /d body=", "PATCH /x body="});
    add("good: body exactly at the limit",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 16\r\n\r\n0123456789abcdef",
        {"POST / body=0123456789abcdef"}, 0, true);
    add("good: head exactly at the limit",
        "GET / HTTP/1.1\r\nHost: a\r\nX: " + QByteArray(256 - 32, 'v') + "\r\n\r\n",
        {"GET / body="}, 0, true);
    add("good: incomplete request is no error", "POST / HTTP/1.1\r\nHost: a\r\nContent-Le", {});

    // --- invalid: well-formed, refused ---
    add("invalid: Content-Length over the limit",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 17\r\n\r\n0123456789abcdefg", {}, 413, true);
    add("invalid: chunked body growing past the limit",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        "8\r\n01234567\r\n8\r\n89abcdef\r\n1\r\nX\r\n0\r\n\r\n",
        {}, 413, true);
    add("invalid: single chunk over the limit",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffff\r\nabc", {}, 413,
        true);
    add("invalid: head over the limit",
        "GET / HTTP/1.1\r\nHost: a\r\nX: " + QByteArray(256 - 31, 'v') + "\r\n\r\n", {}, 431, true);
    add("invalid: endless header line", "GET / HTTP/1.1\r\nX: " + QByteArray(4096, 'v'), {}, 431,
        true);
    add("invalid: too many header fields",
        "GET / HTTP/1.1\r\nHost: a\r\n" + QByteArray("A: 1\r\n").repeated(8) + "\r\n", {}, 431,
        true);
    add("invalid: too many trailer fields",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n"
                + QByteArray("T: 1\r\n").repeated(9) + "\r\n",
        {}, 431, true);
    add("good: as many header fields as allowed",
        "GET / HTTP/1.1\r\nHost: a\r\n" + QByteArray("A: 1\r\n").repeated(7) + "\r\n",
        {"GET / body="}, 0, true);
    add("invalid: CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n", {},
        501);
    add("invalid: TRACE", "TRACE / HTTP/1.1\r\nHost: a\r\n\r\n", {}, 501);
    add("invalid: PROPFIND", "PROPFIND / HTTP/1.1\r\nHost: a\r\n\r\n", {}, 501);
    add("invalid: HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", {}, 505);
    add("invalid: HTTP/0.9 request line", "GET /\r\n\r\n", {}, 505);
    add("invalid: missing Host", "GET / HTTP/1.1\r\n\r\n", {}, 400);
    add("invalid: two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", {}, 400);
    add("invalid: gzip transfer coding",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", {}, 501);
    add("invalid: Transfer-Encoding with Content-Length",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
        "0\r\n\r\n",
        {}, 400);
    add("invalid: two Content-Length fields",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", {}, 400);
    add("invalid: asterisk target with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", {}, 400);
    add("invalid: request after Connection: close",
        "GET /1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\n\r\n",
        {"GET /1 body="}, 400);
    add("invalid: good request then garbage", Get + bytes("\x16\x03\x01\x02\x00"),
        {"GET /socket.io/?EIO=4&transport=polling&t=Nx1 body="}, 400);

    // --- malformed ---
    add("malformed: binary garbage", bytes("\x00\xff\x13\x37garbage\r\n\r\n"), {}, 400);
    add("malformed: TLS ClientHello", bytes("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"), {},
        400);
    add("malformed: unknown method", "FOO / HTTP/1.1\r\nHost: a\r\n\r\n", {}, 400);
    add("malformed: lowercase method", "get / HTTP/1.1\r\nHost: a\r\n\r\n", {}, 400);
    add("malformed: bad version", "GET / HTTP/1.x\r\nHost: a\r\n\r\n", {}, 400);
    add("malformed: space in field name", "GET / HTTP/1.1\r\nHo st: a\r\n\r\n", {}, 400);
    add("malformed: NUL in field value",
        bytes("GET / HTTP/1.1\r\nHost: a\x00"
              "b\r\n\r\n"),
        {}, 400);
    add("malformed: bad chunk size",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", {}, 400);
    add("malformed: negative Content-Length",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", {}, 400);
    add("malformed: overflowing Content-Length",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", {}, 400);
    add("malformed: bad target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", {}, 400);
}

void tst_HttpRequestParser::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(qsizetype, piece);
    QFETCH(bool, small);
    QFETCH(QList<QByteArray>, expected);
    QFETCH(int, errorStatus);

    const Outcome outcome = run(input, piece, small ? smallLimits() : HttpParserLimits());
    QVERIFY2(outcome.contractViolation.isEmpty(), outcome.contractViolation.constData());
    QCOMPARE(outcome.requests, expected);
    QCOMPARE(outcome.errorStatus, errorStatus);
    if (errorStatus == 0) {
        // Every byte of a good stream is consumed (the last request may be incomplete).
        QCOMPARE(outcome.consumed, input.size());
    }
}

void tst_HttpRequestParser::headFields()
{
    HttpRequestParser parser;
    const QByteArray input = "GET /a%20b/%C3%A9t%C3%A9?EIO=4&t=a%20b&sid=x%2By HTTP/1.1\r\n"
                             "Host: localhost:3000\r\n"
                             "User-Agent:   Confab-Test  \r\n"
                             "Accept: text/plain\r\n"
                             "ACCEPT: application/json\r\n"
                             "Connection: keep-alive, Upgrade\r\n\r\n";
    const auto result = parser.feed(input);
    QCOMPARE(result.status, HttpRequestParser::Status::HeadComplete);
    QCOMPARE(parser.headSize(), input.size());
    // http_parser leaves the head's final LF for the body phase to re-read.
    QCOMPARE(result.consumed, input.size() - 1);

    const HttpRequest &request = parser.request();
    QCOMPARE(request.method, HttpRequest::Method::Get);
    QCOMPARE(request.target, "/a%20b/%C3%A9t%C3%A9?EIO=4&t=a%20b&sid=x%2By");
    QCOMPARE(request.path, u"/a b/été"_s);
    QCOMPARE(request.query.queryItemValue(u"EIO"_s), u"4"_s);
    QCOMPARE(request.query.queryItemValue(u"t"_s, QUrl::FullyDecoded), u"a b"_s);
    QCOMPARE(request.query.queryItemValue(u"sid"_s, QUrl::FullyDecoded), u"x+y"_s);
    QCOMPARE(request.httpMajor, 1);
    QCOMPARE(request.httpMinor, 1);
    QCOMPARE(request.headers.size(), 5);
    QCOMPARE(request.headers.at(1).first, "user-agent");
    QCOMPARE(request.header("User-Agent"), "Confab-Test");
    QCOMPARE(request.header("accept"), "text/plain, application/json");
    QCOMPARE(request.headerValues("Accept").size(), 2);
    QVERIFY(request.hasHeader("HOST"));
    QVERIFY(!request.hasHeader("content-length"));
    QVERIFY(request.headerContainsToken("connection", "upgrade"));
    QVERIFY(!request.headerContainsToken("connection", "close"));
    QVERIFY(!request.isWebSocketUpgrade());
    QVERIFY(!parser.contentLength());

    QCOMPARE(parser.feed("\n").status, HttpRequestParser::Status::MessageComplete);
    QVERIFY(parser.isIdle());
}

void tst_HttpRequestParser::keepAlive_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("keepAlive");
    QTest::addRow("HTTP/1.1 default") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\r\n") << true;
    QTest::addRow("HTTP/1.1 close")
            << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n") << false;
    QTest::addRow("HTTP/1.0 default") << QByteArray("GET / HTTP/1.0\r\n\r\n") << false;
    QTest::addRow("HTTP/1.0 keep-alive")
            << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << true;
}

void tst_HttpRequestParser::keepAlive()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, keepAlive);
    HttpRequestParser parser;
    QCOMPARE(parser.feed(input).status, HttpRequestParser::Status::HeadComplete);
    QCOMPARE(parser.request().keepAlive, keepAlive);
}

void tst_HttpRequestParser::stopsAtMessageBoundary()
{
    HttpRequestParser parser;
    const QByteArray stream = Post + Get;
    auto result = parser.feed(stream);
    QCOMPARE(result.status, HttpRequestParser::Status::HeadComplete);
    qsizetype offset = result.consumed;
    QCOMPARE(parser.contentLength().value_or(-1), 12);

    result = parser.feed(QByteArrayView(stream).sliced(offset));
    QCOMPARE(result.status, HttpRequestParser::Status::MessageComplete);
    offset += result.consumed;
    // Exactly the first request, not a byte of the second.
    QCOMPARE(offset, Post.size());
    QCOMPARE(parser.bodyBytesReceived(), 12);
    QCOMPARE(parser.takeRequest().body,
             QByteArray("4hello\x1e"
                        "4chat"));

    result = parser.feed(QByteArrayView(stream).sliced(offset));
    QCOMPARE(result.status, HttpRequestParser::Status::HeadComplete);
    QCOMPARE(parser.request().target, "/socket.io/?EIO=4&transport=polling&t=Nx1");
}

void tst_HttpRequestParser::oversizedContentLengthRefusedBeforeBody()
{
    HttpRequestParser parser; // default limit: 1,000,000 bytes
    const QByteArray head = "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10485760\r\n\r\n";
    auto result = parser.feed(head);
    QCOMPARE(result.status, HttpRequestParser::Status::HeadComplete);
    QCOMPARE(parser.contentLength().value_or(-1), 10485760);

    // The next feed starts with the head's last LF plus body bytes: refused, nothing consumed.
    const QByteArray next = head.sliced(result.consumed) + QByteArray(4096, 'x');
    result = parser.feed(next);
    QCOMPARE(result.status, HttpRequestParser::Status::Error);
    QCOMPARE(result.consumed, 0);
    QCOMPARE(parser.errorStatus(), 413);
    QCOMPARE(parser.bodyBytesReceived(), 0);
    QVERIFY(parser.errorDetail().contains("10485760"));
}

void tst_HttpRequestParser::bodyLimitCanChangeAfterHead()
{
    HttpParserLimits limits;
    limits.maxBodySize = 10;
    const QByteArray request
            = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 20\r\n\r\n01234567890123456789";

    HttpRequestParser raised(limits);
    auto result = raised.feed(request);
    QCOMPARE(result.status, HttpRequestParser::Status::HeadComplete);
    raised.setMaxBodySize(100);
    result = raised.feed(QByteArrayView(request).sliced(result.consumed));
    QCOMPARE(result.status, HttpRequestParser::Status::MessageComplete);
    QCOMPARE(raised.request().body.size(), 20);

    limits.maxBodySize = 100;
    HttpRequestParser lowered(limits);
    result = lowered.feed(request);
    QCOMPARE(result.status, HttpRequestParser::Status::HeadComplete);
    lowered.setMaxBodySize(19);
    result = lowered.feed(QByteArrayView(request).sliced(result.consumed));
    QCOMPARE(result.status, HttpRequestParser::Status::Error);
    QCOMPARE(lowered.errorStatus(), 413);
}

void tst_HttpRequestParser::headOverLimitStopsReading()
{
    HttpParserLimits limits;
    limits.maxHeadSize = 1024;
    HttpRequestParser parser(limits);
    const QByteArray flood = "GET / HTTP/1.1\r\nX-Flood: " + QByteArray(1 << 20, 'a');
    const auto result = parser.feed(flood);
    QCOMPARE(result.status, HttpRequestParser::Status::Error);
    QCOMPARE(parser.errorStatus(), 431);
    QVERIFY(result.consumed <= limits.maxHeadSize);
}

void tst_HttpRequestParser::errorIsStickyUntilReset()
{
    HttpRequestParser parser;
    QCOMPARE(parser.feed("BREW /pot HTCPCP/1.0\r\n").status, HttpRequestParser::Status::Error);
    QCOMPARE(parser.errorStatus(), 400);
    const auto again = parser.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    QCOMPARE(again.status, HttpRequestParser::Status::Error);
    QCOMPARE(again.consumed, 0);

    parser.reset();
    QCOMPARE(parser.errorStatus(), 0);
    QVERIFY(parser.isIdle());
    QCOMPARE(parser.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status,
             HttpRequestParser::Status::HeadComplete);
}

void tst_HttpRequestParser::emptyFeedIsNotEndOfStream()
{
    HttpRequestParser parser;
    QCOMPARE(parser.feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Len").status,
             HttpRequestParser::Status::NeedMoreData);
    // http_parser would treat a zero-length execute() as EOF and fail the request.
    const auto empty = parser.feed({});
    QCOMPARE(empty.status, HttpRequestParser::Status::NeedMoreData);
    QCOMPARE(empty.consumed, 0);
    QCOMPARE(parser.feed("gth: 0\r\n\r\n").status, HttpRequestParser::Status::HeadComplete);
    QCOMPARE(parser.feed("\n").status, HttpRequestParser::Status::MessageComplete);
}

void tst_HttpRequestParser::webSocketUpgradeHead()
{
    HttpRequestParser parser;
    const QByteArray upgrade = "GET /socket.io/?EIO=4&transport=websocket&sid=abc HTTP/1.1\r\n"
                               "Host: localhost\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                               "Sec-WebSocket-Version: 13\r\n\r\n";
    const QByteArray withFrame = upgrade + "\x81\x85";
    const auto result = parser.feed(withFrame);
    QCOMPARE(result.status, HttpRequestParser::Status::HeadComplete);
    QVERIFY(result.consumed < upgrade.size());
    QVERIFY(parser.request().isWebSocketUpgrade());
    QCOMPARE(parser.request().query.queryItemValue(u"sid"_s), u"abc"_s);

    // A POST with the same headers is no WebSocket handshake (RFC 6455 §4.1 requires GET).
    HttpRequestParser post;
    QByteArray notGet = upgrade;
    notGet.replace(0, 3, "PUT");
    QCOMPARE(post.feed(notGet).status, HttpRequestParser::Status::HeadComplete);
    QVERIFY(!post.request().isWebSocketUpgrade());
}

void tst_HttpRequestParser::serializeResponse_data()
{
    QTest::addColumn<HttpResponse>("response");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<bool>("headRequest");
    QTest::addColumn<QByteArray>("expectedWithoutDate");
    QTest::addColumn<int>("warnings");

    QTest::addRow("200 text keep-alive")
            << HttpResponse::text(200, "ok") << true << false
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                          "Content-Length: 2\r\nConnection: keep-alive\r\n\r\nok")
            << 0;
    QTest::addRow("404 close")
            << HttpResponse::error(404, "no such session") << false << false
            << QByteArray("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
                          "Content-Length: 31\r\nConnection: close\r\n\r\n"
                          "404 Not Found: no such session\n")
            << 0;
    QTest::addRow("HEAD keeps the length, drops the body")
            << HttpResponse::json(200, "{\"a\":1}") << true << true
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: 7\r\nConnection: keep-alive\r\n\r\n")
            << 0;
    QTest::addRow("204 has neither length nor body")
            << HttpResponse(204, "ignored") << true << false
            << QByteArray("HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n") << 0;
    HttpResponse framing(200, "abc");
    framing.addHeader("Content-Length", "999")
            .addHeader("Transfer-Encoding", "chunked")
            .addHeader("connection", "keep-alive")
            .addHeader("X-Ok", "yes");
    QTest::addRow("framing headers are the serializer's")
            << framing << false << false
            << QByteArray("HTTP/1.1 200 OK\r\nX-Ok: yes\r\nContent-Length: 3\r\n"
                          "Connection: close\r\n\r\nabc")
            << 0;
    HttpResponse splitting(200);
    splitting.addHeader("Access-Control-Allow-Origin", "x\r\nSet-Cookie: evil=1")
            .addHeader("Bad Name", "v")
            .addHeader("X-Fine", "v\tw");
    QTest::addRow("response splitting attempts are dropped")
            << splitting << true << false
            << QByteArray("HTTP/1.1 200 OK\r\nX-Fine: v\tw\r\nContent-Length: 0\r\n"
                          "Connection: keep-alive\r\n\r\n")
            << 2;
    QTest::addRow("interim status becomes 500")
            << HttpResponse(101) << false << false
            << QByteArray("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                          "Connection: close\r\n\r\n")
            << 1;
}

void tst_HttpRequestParser::serializeResponse()
{
    QFETCH(HttpResponse, response);
    QFETCH(bool, keepAlive);
    QFETCH(bool, headRequest);
    QFETCH(QByteArray, expectedWithoutDate);
    QFETCH(int, warnings);

    // Dropped headers and replaced statuses are programming errors worth a warning.
    static const QRegularExpression warning(u"Dropping invalid response header|Invalid final"_s);
    for (int i = 0; i < warnings; ++i)
        QTest::ignoreMessage(QtWarningMsg, warning);

    QByteArray wire = response.serialize({.keepAlive = keepAlive, .headRequest = headRequest});
    // The Date is the only moving part: check its shape, then compare the rest exactly.
    static const QRegularExpression date(
            u"Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n"_s);
    const auto match = date.match(QString::fromLatin1(wire));
    QVERIFY2(match.hasMatch(), wire.constData());
    wire.remove(match.capturedStart(), match.capturedLength());
    QCOMPARE(wire, expectedWithoutDate);
}

void tst_HttpRequestParser::responseHeaderHelpers()
{
    HttpResponse response;
    response.setHeader("Cache-Control", "no-store").addHeader("Vary", "Origin");
    response.setHeader("cache-control", "no-cache");
    QCOMPARE(response.headers.size(), 2);
    QCOMPARE(response.header("CACHE-CONTROL"), "no-cache");
    response.setHeader("Date", "Thu, 01 Jan 1970 00:00:00 GMT");
    // A caller-provided Date is kept, not duplicated.
    QCOMPARE(response.serialize({}).count("Date:"), 1);
    QCOMPARE(HttpResponse::reasonPhrase(431), "Request Header Fields Too Large");
    QCOMPARE(HttpResponse::reasonPhrase(799), "Unknown");
}

QTEST_APPLESS_MAIN(tst_HttpRequestParser)
#include "tst_httprequestparser.moc"
