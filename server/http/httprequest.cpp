// SPDX-License-Identifier: MIT
#include "httprequest.h"

#include "httplogging.h"

#include <QtCore/QDateTime>
#include <QtCore/QLocale>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Confab::Http {

namespace {

bool isTokenChar(char c)
{
    // tchar, RFC 9110 §5.6.2
    constexpr QByteArrayView punctuation("!#$%&'*+-.^_`|~");
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || punctuation.contains(c);
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

bool isFieldValue(QByteArrayView value)
{
    // field-value, RFC 9110 §5.5: visible characters, SP, HTAB and obs-text. CR and LF in
    // particular would let a value end the header block early (response splitting).
    return std::all_of(value.begin(), value.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u == '\t' || (u >= 0x20 && u != 0x7f);
    });
}

bool sameName(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

} // namespace

QByteArray HttpRequest::header(QByteArrayView name) const
{
    return headerValues(name).join(", ");
}

QList<QByteArray> HttpRequest::headerValues(QByteArrayView name) const
{
    QList<QByteArray> values;
    for (const auto &[fieldName, value] : headers) {
        if (sameName(fieldName, name))
            values.append(value);
    }
    return values;
}

bool HttpRequest::hasHeader(QByteArrayView name) const
{
    return std::any_of(headers.cbegin(), headers.cend(),
                       [name](const auto &field) { return sameName(field.first, name); });
}

bool HttpRequest::headerContainsToken(QByteArrayView name, QByteArrayView token) const
{
    for (const auto &[fieldName, value] : headers) {
        if (!sameName(fieldName, name))
            continue;
        QByteArrayView rest(value);
        for (;;) {
            const qsizetype comma = rest.indexOf(',');
            if (sameName((comma < 0 ? rest : rest.first(comma)).trimmed(), token))
                return true;
            if (comma < 0)
                break;
            rest = rest.sliced(comma + 1);
        }
    }
    return false;
}

bool HttpRequest::isWebSocketUpgrade() const
{
    // RFC 6455 §4.2.1: a GET of HTTP/1.1 or later carrying both of these.
    return method == Method::Get && (httpMajor > 1 || (httpMajor == 1 && httpMinor >= 1))
            && headerContainsToken("upgrade", "websocket")
            && headerContainsToken("connection", "upgrade");
}

QByteArray HttpRequest::methodName(Method method)
{
    switch (method) {
    case Method::Get:
        return QByteArrayLiteral("GET");
    case Method::Head:
        return QByteArrayLiteral("HEAD");
    case Method::Post:
        return QByteArrayLiteral("POST");
    case Method::Put:
        return QByteArrayLiteral("PUT");
    case Method::Delete:
        return QByteArrayLiteral("DELETE");
    case Method::Options:
        return QByteArrayLiteral("OPTIONS");
    case Method::Patch:
        return QByteArrayLiteral("PATCH");
    }
    return {};
}

HttpResponse::HttpResponse(int status, QByteArray content, QByteArray contentType)
    : statusCode(status)
    , body(std::move(content))
{
    if (!contentType.isEmpty())
        headers.append({QByteArrayLiteral("Content-Type"), std::move(contentType)});
}

HttpResponse &HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    headers.removeIf([&name](const auto &field) { return sameName(field.first, name); });
    headers.append({name, value});
    return *this;
}

HttpResponse &HttpResponse::addHeader(const QByteArray &name, const QByteArray &value)
{
    headers.append({name, value});
    return *this;
}

QByteArray HttpResponse::header(QByteArrayView name) const
{
    QList<QByteArray> values;
    for (const auto &[fieldName, value] : headers) {
        if (sameName(fieldName, name))
            values.append(value);
    }
    return values.join(", ");
}

HttpResponse HttpResponse::text(int status, const QByteArray &text)
{
    return HttpResponse(status, text, QByteArrayLiteral("text/plain; charset=utf-8"));
}

HttpResponse HttpResponse::json(int status, QByteArray json)
{
    return HttpResponse(status, std::move(json), QByteArrayLiteral("application/json"));
}

HttpResponse HttpResponse::error(int status, const QByteArray &detail)
{
    QByteArray text = QByteArray::number(status) + ' ' + reasonPhrase(status);
    if (!detail.isEmpty())
        text += ": " + detail;
    text += '\n';
    return HttpResponse::text(status, text);
}

QByteArray HttpResponse::reasonPhrase(int status)
{
    struct Phrase
    {
        int status;
        const char *text;
    };
    // RFC 9110 §15
    static constexpr Phrase phrases[] = {
            {100, "Continue"},
            {101, "Switching Protocols"},
            {200, "OK"},
            {201, "Created"},
            {202, "Accepted"},
            {204, "No Content"},
            {301, "Moved Permanently"},
            {302, "Found"},
            {304, "Not Modified"},
            {400, "Bad Request"},
            {401, "Unauthorized"},
            {403, "Forbidden"},
            {404, "Not Found"},
            {405, "Method Not Allowed"},
            {408, "Request Timeout"},
            {409, "Conflict"},
            {411, "Length Required"},
            {413, "Content Too Large"},
            {414, "URI Too Long"},
            {415, "Unsupported Media Type"},
            {417, "Expectation Failed"},
            {426, "Upgrade Required"},
            {429, "Too Many Requests"},
            {431, "Request Header Fields Too Large"},
            {500, "Internal Server Error"},
            {501, "Not Implemented"},
            {502, "Bad Gateway"},
            {503, "Service Unavailable"},
            {504, "Gateway Timeout"},
            {505, "HTTP Version Not Supported"},
    };
    for (const Phrase &phrase : phrases) {
        if (phrase.status == status)
            return QByteArray(phrase.text);
    }
    return QByteArrayLiteral("Unknown");
}

QByteArray HttpResponse::serialize(const WireOptions &options) const
{
    int status = statusCode;
    if (status < 200 || status > 599) {
        // 1xx are interim responses: sending one as *the* response would leave the client
        // waiting for a final one that never comes.
        qCWarning(lcHttp) << "Invalid final status" << status << "replaced by 500";
        status = 500;
    }
    // RFC 9110 §8.6 / §15.3.5 / §15.4.5: no Content-Length and no content for 204 and 304.
    const bool bodyAllowed = status != 204 && status != 304;

    QByteArray out;
    out.reserve(128 + headers.size() * 48 + (bodyAllowed ? body.size() : 0));
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";

    bool hasDate = false;
    for (const auto &[name, value] : headers) {
        if (sameName(name, "content-length") || sameName(name, "transfer-encoding")
            || sameName(name, "connection")) {
            continue; // framing is ours: a second, different value would desync the client
        }
        if (!isToken(name) || !isFieldValue(value)) {
            qCWarning(lcHttp) << "Dropping invalid response header" << name.left(64);
            continue;
        }
        hasDate = hasDate || sameName(name, "date");
        out += name + ": " + value + "\r\n";
    }
    if (!hasDate) {
        // RFC 9110 §6.6.1: an origin server with a clock sends Date; IMF-fixdate, always GMT.
        out += "Date: "
                + QLocale::c()
                          .toString(QDateTime::currentDateTimeUtc(),
                                    u"ddd, dd MMM yyyy hh:mm:ss 'GMT'"_s)
                          .toLatin1()
                + "\r\n";
    }
    if (bodyAllowed)
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += options.keepAlive ? QByteArrayView("Connection: keep-alive\r\n")
                             : QByteArrayView("Connection: close\r\n");
    out += "\r\n";
    if (bodyAllowed && !options.headRequest)
        out += body;
    return out;
}

} // namespace Confab::Http
