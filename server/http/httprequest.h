// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QUrlQuery>
#include <QtNetwork/QHostAddress>

#include <utility>

namespace Confab::Http {

//! \brief Header fields in the order they appeared (or will be written), one entry per field line.
using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

//! \brief One HTTP/1.x request as received: the head, and after the whole message the body.
//!
//! Header names are lowercased; values have surrounding whitespace removed. Repeated fields are
//! kept as separate entries; header() joins them as RFC 9110 §5.3 allows for list fields.
struct HttpRequest
{
    Q_GADGET
public:
    //! \brief The methods Confab serves. Any other method is answered 501 by the parser.
    enum class Method { Get, Head, Post, Put, Delete, Options, Patch };
    Q_ENUM(Method)

    Method method = Method::Get;
    QByteArray target; //!< request-target exactly as sent, e.g. "/socket.io/?EIO=4&t=x"
    QString path; //!< percent-decoded path of the target, e.g. "/socket.io/"
    QUrlQuery query; //!< query of the target; use query.queryItemValue(key, QUrl::FullyDecoded)
    HttpHeaders headers; //!< lowercased names, trimmed values, arrival order
    QByteArray body; //!< decoded body (chunked transfer coding removed)
    int httpMajor = 1;
    int httpMinor = 1;
    bool keepAlive = true; //!< whether the client lets the connection persist after this request
    QHostAddress remoteAddress;
    quint16 remotePort = 0;
    bool secure = false; //!< whether it came over TLS
    //! Bytes of the request line and header fields on the wire (set on a handed-over upgrade).
    qsizetype headSize = 0;

    //! \brief The values of all fields called \a name (any case) joined by ", "; empty if absent.
    QByteArray header(QByteArrayView name) const;
    //! \brief The values of all fields called \a name (any case), one entry per field line.
    QList<QByteArray> headerValues(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    //! \brief True if the comma-separated list in field \a name contains \a token (any case).
    bool headerContainsToken(QByteArrayView name, QByteArrayView token) const;

    //! \brief GET over HTTP/1.1 with "Upgrade: websocket" and "Connection: upgrade".
    //! The rest of the handshake (key, version) is for the WebSocket end to validate.
    bool isWebSocketUpgrade() const;

    QByteArray methodName() const { return methodName(method); }
    static QByteArray methodName(Method method);
};

//! \brief An HTTP response to be written on a connection.
//!
//! The serializer owns the framing: it always writes Content-Length (except for 204/304,
//! which must not carry a body), a Connection header matching what the connection will
//! really do, and a Date. Headers with those names set here are ignored, and fields that
//! are not a valid token/value pair (e.g. a CR or LF in a value) are dropped, so echoing
//! client input into a header cannot split the response.
struct HttpResponse
{
    int statusCode = 200;
    HttpHeaders headers; //!< names keep their case as given
    QByteArray body;
    //! \brief Close the connection after this response even if the client wants keep-alive.
    bool closeConnection = false;

    HttpResponse() = default;
    explicit HttpResponse(int status, QByteArray content = {}, QByteArray contentType = {});

    //! \brief Replaces every field called \a name (any case) by one with \a value.
    HttpResponse &setHeader(const QByteArray &name, const QByteArray &value);
    //! \brief Appends a field line, keeping existing ones of the same name.
    HttpResponse &addHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(QByteArrayView name) const;

    //! \brief A text/plain; charset=utf-8 response.
    static HttpResponse text(int status, const QByteArray &text);
    //! \brief An application/json response; \a json must already be serialized.
    static HttpResponse json(int status, QByteArray json);
    //! \brief A small plain-text error response, body "<status> <reason>[: detail]\n".
    static HttpResponse error(int status, const QByteArray &detail = {});
    //! \brief "Not Found" for 404 etc.; "Unknown" for codes without a standard phrase.
    static QByteArray reasonPhrase(int status);

    struct WireOptions
    {
        bool keepAlive = false; //!< write "Connection: keep-alive", else "Connection: close"
        bool headRequest = false; //!< answer to HEAD: Content-Length of the body, no body bytes
    };
    //! \brief The bytes to write on the wire, "HTTP/1.1 <status> <reason>\r\n..." plus body.
    QByteArray serialize(const WireOptions &options) const;
};

} // namespace Confab::Http

