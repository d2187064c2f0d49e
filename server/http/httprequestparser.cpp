// SPDX-License-Identifier: MIT
#include "httprequestparser.h"

#include <QtCore/QUrl>

#include <http_parser.h>

#include <limits>
#include <utility>

using namespace Qt::StringLiterals;

namespace Confab::Http {

class HttpRequestParserPrivate
{
public:
    enum class Phase {
        Idle, // between messages: no byte of the next one consumed yet
        Head, // inside a request head
        AfterHead, // paused right after the head; the body has not been started
        Body, // inside the body (or trailers)
        Complete, // paused right after a message
        Error,
    };

    explicit HttpRequestParserPrivate(const HttpParserLimits &limits);

    void reset();
    HttpRequestParser::Result feed(QByteArrayView data);

    // A callback reports an error by recording it and returning non-zero; http_parser then
    // stops with HPE_CB_<name> and feed() picks the recorded status up.
    int fail(int status, QByteArray detail);
    void finishError(http_errno error);
    void commitHeaderField();
    int checkHeaderCount();
    int validateHead();

    static HttpRequestParserPrivate *self(http_parser *parser)
    {
        return static_cast<HttpRequestParserPrivate *>(parser->data);
    }
    static int onMessageBegin(http_parser *parser);
    static int onUrl(http_parser *parser, const char *at, size_t length);
    static int onHeaderField(http_parser *parser, const char *at, size_t length);
    static int onHeaderValue(http_parser *parser, const char *at, size_t length);
    static int onHeadersComplete(http_parser *parser);
    static int onChunkHeader(http_parser *parser);
    static int onBody(http_parser *parser, const char *at, size_t length);
    static int onMessageComplete(http_parser *parser);

    http_parser m_parser{};
    http_parser_settings m_settings{};
    HttpParserLimits m_limits;
    Phase m_phase = Phase::Idle;

    HttpRequest m_request;
    QByteArray m_url;
    QByteArray m_field;
    QByteArray m_value;
    bool m_lastWasValue = false;
    bool m_inTrailers = false;
    int m_headerCount = 0;

    qsizetype m_headBytes = 0; // consumed since the last message boundary, until HeadComplete
    qsizetype m_headSize = 0; // whole head, known at HeadComplete
    std::optional<qint64> m_contentLength;
    qint64 m_bodyBytes = 0;
    qint64 m_bodyLimit = 0; // the limit captured when the body started

    int m_errorStatus = 0;
    QByteArray m_errorDetail;
};

HttpRequestParserPrivate::HttpRequestParserPrivate(const HttpParserLimits &limits)
    : m_limits(limits)
{
    http_parser_settings_init(&m_settings);
    m_settings.on_message_begin = &onMessageBegin;
    m_settings.on_url = &onUrl;
    m_settings.on_header_field = &onHeaderField;
    m_settings.on_header_value = &onHeaderValue;
    m_settings.on_headers_complete = &onHeadersComplete;
    m_settings.on_chunk_header = &onChunkHeader;
    m_settings.on_body = &onBody;
    m_settings.on_message_complete = &onMessageComplete;
    reset();
}

void HttpRequestParserPrivate::reset()
{
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
    m_phase = Phase::Idle;
    m_request = {};
    m_url.clear();
    m_field.clear();
    m_value.clear();
    m_lastWasValue = false;
    m_inTrailers = false;
    m_headerCount = 0;
    m_headBytes = 0;
    m_headSize = 0;
    m_contentLength.reset();
    m_bodyBytes = 0;
    m_bodyLimit = 0;
    m_errorStatus = 0;
    m_errorDetail.clear();
}

HttpRequestParser::Result HttpRequestParserPrivate::feed(QByteArrayView data)
{
    using Status = HttpRequestParser::Status;
    if (m_phase == Phase::Error)
        return {0, Status::Error};
    // http_parser reads a zero-length execute() as end of stream, which is not what an
    // empty feed means here.
    if (data.isEmpty())
        return {0, Status::NeedMoreData};

    if (HTTP_PARSER_ERRNO(&m_parser) == HPE_PAUSED)
        http_parser_pause(&m_parser, 0);

    if (m_phase == Phase::Complete) {
        m_phase = Phase::Idle;
        m_headBytes = 0;
    }
    if (m_phase == Phase::AfterHead) {
        // The body is about to start: judge a declared length now, before any body byte is
        // consumed, so an oversized upload is refused without being read.
        m_bodyLimit = m_limits.maxBodySize;
        if (m_contentLength && *m_contentLength > m_bodyLimit) {
            fail(413,
                 "request body of " + QByteArray::number(*m_contentLength)
                         + " bytes exceeds the limit of " + QByteArray::number(m_bodyLimit));
            m_phase = Phase::Error;
            return {0, Status::Error};
        }
        m_phase = Phase::Body;
    }

    qsizetype offered = data.size();
    bool headTruncated = false;
    const bool inHead = m_phase == Phase::Idle || m_phase == Phase::Head;
    if (inHead) {
        // Offer http_parser no more than the head budget: if the head has not ended within
        // it, it is too large, whatever the following bytes are.
        const qsizetype budget = m_limits.maxHeadSize - m_headBytes;
        if (offered > budget) {
            offered = qMax<qsizetype>(budget, 0);
            headTruncated = true;
        }
    }

    const qsizetype consumed = offered > 0
            ? qsizetype(http_parser_execute(&m_parser, &m_settings, data.data(), size_t(offered)))
            : 0;
    const auto error = HTTP_PARSER_ERRNO(&m_parser);

    if (error == HPE_PAUSED) {
        if (m_phase == Phase::AfterHead) {
            // http_parser stops on the head's final LF without consuming it; it reads it again
            // when the body starts.
            m_headSize = m_headBytes + consumed + 1;
            m_headBytes += consumed;
            return {consumed, Status::HeadComplete};
        }
        if (m_phase == Phase::Complete)
            return {consumed, Status::MessageComplete};
    }
    if (error != HPE_OK) {
        finishError(error);
        return {consumed, Status::Error};
    }
    if (inHead) {
        m_headBytes += consumed;
        if (headTruncated) {
            fail(431,
                 "request head exceeds " + QByteArray::number(m_limits.maxHeadSize) + " bytes");
            m_phase = Phase::Error;
            return {consumed, Status::Error};
        }
    }
    return {consumed, Status::NeedMoreData};
}

int HttpRequestParserPrivate::fail(int status, QByteArray detail)
{
    // Keep the first cause: a later one is usually a consequence of it.
    if (m_errorStatus == 0) {
        m_errorStatus = status;
        m_errorDetail = std::move(detail);
    }
    return -1;
}

void HttpRequestParserPrivate::finishError(http_errno error)
{
    m_phase = Phase::Error;
    if (m_errorStatus != 0)
        return; // recorded by one of our callbacks

    int status = 400;
    switch (error) {
    case HPE_HEADER_OVERFLOW:
        status = 431;
        break;
    case HPE_CLOSED_CONNECTION:
        // NEW_MESSAGE() puts http_parser in s_dead after a request that did not allow keep-alive
        fail(400, "data after a request with Connection: close");
        return;
    default:
        break;
    }
    fail(status, QByteArray(http_errno_description(error)));
}

void HttpRequestParserPrivate::commitHeaderField()
{
    if (m_field.isEmpty() && !m_inTrailers)
        return;
    ++m_headerCount;
    if (!m_inTrailers)
        m_request.headers.append({m_field.toLower(), m_value.trimmed()});
    m_field.clear();
    m_value.clear();
    m_lastWasValue = false;
}

int HttpRequestParserPrivate::checkHeaderCount()
{
    // Judged only once the head (or the trailer section) is complete, never in the middle of
    // a field: that keeps the verdict independent of how the input was split, while memory
    // is bounded anyway by the head budget.
    if (m_headerCount > m_limits.maxHeaderCount) {
        return fail(431,
                    "more than " + QByteArray::number(m_limits.maxHeaderCount) + " header fields");
    }
    return 0;
}

int HttpRequestParserPrivate::onMessageBegin(http_parser *parser)
{
    auto *d = self(parser);
    d->m_phase = Phase::Head;
    d->m_request = {};
    d->m_url.clear();
    d->m_field.clear();
    d->m_value.clear();
    d->m_lastWasValue = false;
    d->m_inTrailers = false;
    d->m_headerCount = 0;
    d->m_headSize = 0;
    d->m_contentLength.reset();
    d->m_bodyBytes = 0;
    return 0;
}

int HttpRequestParserPrivate::onUrl(http_parser *parser, const char *at, size_t length)
{
    // Bounded by the head budget in feed().
    self(parser)->m_url.append(at, qsizetype(length));
    return 0;
}

// Trailer fields (RFC 9110 §6.5, after a chunked body) are counted but not kept: nothing in
// Confab uses them, and changing the head after the owner saw it would be surprising. Not
// storing them also keeps them out of memory; http_parser caps their size at 80 KiB.

int HttpRequestParserPrivate::onHeaderField(http_parser *parser, const char *at, size_t length)
{
    auto *d = self(parser);
    if (d->m_lastWasValue)
        d->commitHeaderField();
    // The head is bounded by the budget in feed(), so this cannot grow past maxHeadSize.
    if (!d->m_inTrailers)
        d->m_field.append(at, qsizetype(length));
    d->m_lastWasValue = false;
    return 0;
}

int HttpRequestParserPrivate::onHeaderValue(http_parser *parser, const char *at, size_t length)
{
    auto *d = self(parser);
    if (!d->m_inTrailers)
        d->m_value.append(at, qsizetype(length));
    d->m_lastWasValue = true;
    return 0;
}

int HttpRequestParserPrivate::validateHead()
{
    HttpRequest &request = m_request;
    using Method = HttpRequest::Method;
    switch (http_method(m_parser.method)) {
    case HTTP_GET:
        request.method = Method::Get;
        break;
    case HTTP_HEAD:
        request.method = Method::Head;
        break;
    case HTTP_POST:
        request.method = Method::Post;
        break;
    case HTTP_PUT:
        request.method = Method::Put;
        break;
    case HTTP_DELETE:
        request.method = Method::Delete;
        break;
    case HTTP_OPTIONS:
        request.method = Method::Options;
        break;
    case HTTP_PATCH:
        request.method = Method::Patch;
        break;
    default:
        // CONNECT, TRACE, WebDAV, ...: well-formed but not served (RFC 9110 §9.1).
        return fail(501,
                    "method " + QByteArray(http_method_str(http_method(m_parser.method)))
                            + " is not supported");
    }

    request.httpMajor = m_parser.http_major;
    request.httpMinor = m_parser.http_minor;
    if (request.httpMajor != 1)
        return fail(505, "only HTTP/1.x is supported");

    // RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one in HTTP/1.0.
    const qsizetype hostCount = request.headerValues("host").size();
    if (hostCount > 1 || (hostCount == 0 && request.httpMinor >= 1))
        return fail(400, hostCount > 1 ? "more than one Host header" : "missing Host header");

    // http_parser accepts any Transfer-Encoding ending in chunked; anything but plain
    // "chunked" would hand the owner a body still in a coding it cannot know about.
    if (request.hasHeader("transfer-encoding")
        && request.header("transfer-encoding").compare("chunked", Qt::CaseInsensitive) != 0) {
        return fail(501, "unsupported transfer coding");
    }

    request.target = m_url;
    if (m_url == "*") {
        if (request.method != Method::Options)
            return fail(400, "asterisk-form target is only valid for OPTIONS");
        request.path = u"*"_s;
    } else {
        http_parser_url url;
        http_parser_url_init(&url);
        if (http_parser_parse_url(m_url.constData(), size_t(m_url.size()), 0, &url) != 0)
            return fail(400, "malformed request target");
        const auto field = [&](http_parser_url_fields which) {
            if (!(url.field_set & (1 << which)))
                return QByteArray();
            return m_url.mid(url.field_data[which].off, url.field_data[which].len);
        };
        const QByteArray rawPath = field(UF_PATH);
        // Absolute-form without a path ("http://host") means "/" (RFC 9112 §3.2.2).
        request.path = rawPath.isEmpty() ? u"/"_s : QUrl::fromPercentEncoding(rawPath);
        request.query.setQuery(QString::fromUtf8(field(UF_QUERY)));
    }

    if (m_parser.flags & F_CONTENTLENGTH) {
        // http_parser rejects lengths that overflow uint64; clamp what qint64 cannot hold.
        constexpr auto maxLength = quint64(std::numeric_limits<qint64>::max());
        m_contentLength = qint64(qMin<quint64>(m_parser.content_length, maxLength));
    }
    request.keepAlive = http_should_keep_alive(&m_parser) != 0;
    return 0;
}

int HttpRequestParserPrivate::onHeadersComplete(http_parser *parser)
{
    auto *d = self(parser);
    if (d->m_lastWasValue)
        d->commitHeaderField();
    if (d->checkHeaderCount() != 0 || d->validateHead() != 0)
        return -1;
    d->m_inTrailers = true;
    d->m_headerCount = 0; // from now on: trailer fields
    d->m_phase = Phase::AfterHead;
    // Stop here so the owner can look at the head (upgrade? body limit?) before any body byte.
    http_parser_pause(parser, 1);
    return 0;
}

int HttpRequestParserPrivate::onChunkHeader(http_parser *parser)
{
    auto *d = self(parser);
    // parser->content_length holds the size of the chunk about to be read: refuse it before
    // reading it rather than after buffering it.
    const quint64 room = quint64(qMax<qint64>(d->m_bodyLimit - d->m_bodyBytes, 0));
    if (parser->content_length > room) {
        return d->fail(413,
                       "chunked request body exceeds the limit of "
                               + QByteArray::number(d->m_bodyLimit) + " bytes");
    }
    return 0;
}

int HttpRequestParserPrivate::onBody(http_parser *parser, const char *at, size_t length)
{
    auto *d = self(parser);
    if (qint64(length) > d->m_bodyLimit - d->m_bodyBytes) {
        return d->fail(413,
                       "request body exceeds the limit of " + QByteArray::number(d->m_bodyLimit)
                               + " bytes");
    }
    d->m_bodyBytes += qint64(length);
    d->m_request.body.append(at, qsizetype(length));
    return 0;
}

int HttpRequestParserPrivate::onMessageComplete(http_parser *parser)
{
    auto *d = self(parser);
    if (d->m_lastWasValue)
        d->commitHeaderField(); // a pending trailer field
    if (d->checkHeaderCount() != 0)
        return -1;
    d->m_phase = Phase::Complete;
    // Stop at the boundary so bytes of a pipelined request stay with the owner.
    http_parser_pause(parser, 1);
    return 0;
}

HttpRequestParser::HttpRequestParser(const HttpParserLimits &limits)
    : d(std::make_unique<HttpRequestParserPrivate>(limits))
{ }

HttpRequestParser::~HttpRequestParser() = default;

HttpRequestParser::Result HttpRequestParser::feed(QByteArrayView data)
{
    return d->feed(data);
}

void HttpRequestParser::reset()
{
    d->reset();
}

const HttpParserLimits &HttpRequestParser::limits() const
{
    return d->m_limits;
}

void HttpRequestParser::setMaxBodySize(qint64 bytes)
{
    d->m_limits.maxBodySize = qMax<qint64>(bytes, 0);
}

const HttpRequest &HttpRequestParser::request() const
{
    return d->m_request;
}

HttpRequest HttpRequestParser::takeRequest()
{
    return std::exchange(d->m_request, HttpRequest());
}

bool HttpRequestParser::isIdle() const
{
    using Phase = HttpRequestParserPrivate::Phase;
    return (d->m_phase == Phase::Idle && d->m_headBytes == 0) || d->m_phase == Phase::Complete;
}

bool HttpRequestParser::isInBody() const
{
    using Phase = HttpRequestParserPrivate::Phase;
    return d->m_phase == Phase::AfterHead || d->m_phase == Phase::Body;
}

qsizetype HttpRequestParser::headSize() const
{
    return d->m_headSize != 0 ? d->m_headSize : d->m_headBytes;
}

std::optional<qint64> HttpRequestParser::contentLength() const
{
    return d->m_contentLength;
}

qint64 HttpRequestParser::bodyBytesReceived() const
{
    return d->m_bodyBytes;
}

int HttpRequestParser::errorStatus() const
{
    return d->m_errorStatus;
}

QByteArray HttpRequestParser::errorDetail() const
{
    return d->m_errorDetail;
}

} // namespace Confab::Http
