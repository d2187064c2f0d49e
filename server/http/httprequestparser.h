// SPDX-License-Identifier: MIT
#pragma once

#include "httprequest.h"

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

#include <memory>
#include <optional>

namespace Confab::Http {

class HttpRequestParserPrivate;

//! \brief Limits HttpRequestParser enforces on every request of a connection.
struct HttpParserLimits
{
    //! Request line + header fields + the empty line. Beyond it: 431. The underlying
    //! http_parser has its own hard ceiling of 80 KiB (also reported as 431).
    qsizetype maxHeadSize = 16 * 1024;
    //! Decoded body bytes. A larger Content-Length is refused with 413 before any body byte
    //! is read; a chunked body is refused with 413 as soon as it would grow past the limit.
    qint64 maxBodySize = 1'000'000;
    //! Header field lines (trailers included). Beyond it: 431.
    int maxHeaderCount = 100;
};

//! \brief Pure, incremental HTTP/1.1 request parser on top of http_parser (no I/O, no QObject).
//!
//! feed() parses as much of the given bytes as it can and reports how many it consumed and
//! what it found. It stops at every message boundary so the owner can act before looking at
//! more bytes:
//!  - HeadComplete after the request head: decide e.g. WebSocket upgrade vs. plain HTTP, or
//!    adjust the body limit, before a single body byte is consumed;
//!  - MessageComplete after the last body byte: bytes of a pipelined next request are left
//!    unconsumed;
//!  - Error with an HTTP status (400, 413, 431, 501, 505) and a short detail; the parser then
//!    stays in the error state (reset() starts over).
//! Bytes that were not consumed must be offered again in the next feed(), followed by new
//! ones. Note that HeadComplete leaves the final LF of the head unconsumed (http_parser
//! re-reads it to start the body), so headSize() is the way to learn the head's length.
//!
//! Memory is bounded by maxHeadSize + maxBodySize for the request being parsed.
class HttpRequestParser
{
public:
    enum class Status {
        NeedMoreData, //!< all bytes consumed (possibly body progress, see bodyBytesReceived())
        HeadComplete, //!< request() holds the head; body is empty so far
        MessageComplete, //!< takeRequest() returns the whole request
        Error, //!< errorStatus() and errorDetail() tell why
    };

    struct Result
    {
        qsizetype consumed = 0;
        Status status = Status::NeedMoreData;
    };

    explicit HttpRequestParser(const HttpParserLimits &limits = {});
    ~HttpRequestParser();
    Q_DISABLE_COPY_MOVE(HttpRequestParser)

    //! \brief Parses \a data; see the class description for the contract.
    Result feed(QByteArrayView data);

    //! \brief Forgets everything, including an error, and waits for a new request.
    void reset();

    const HttpParserLimits &limits() const;
    //! \brief Changes the body limit; it applies to any body not started yet (even right
    //! after HeadComplete of the current request).
    void setMaxBodySize(qint64 bytes);

    //! \brief The request being parsed: the head once HeadComplete was returned, the body
    //! once MessageComplete was.
    const HttpRequest &request() const;
    //! \brief Moves the completed request out; call after MessageComplete.
    HttpRequest takeRequest();

    //! \brief True between messages, before any byte of the next one was consumed.
    bool isIdle() const;
    //! \brief True once a head was reported and its message has not completed yet.
    bool isInBody() const;
    //! \brief Bytes of the current head consumed so far (the whole head after HeadComplete).
    qsizetype headSize() const;
    //! \brief Content-Length of the current request, if it declared one.
    std::optional<qint64> contentLength() const;
    //! \brief Decoded body bytes of the current request received so far.
    qint64 bodyBytesReceived() const;

    //! \brief HTTP status describing the error, or 0 if there is none.
    int errorStatus() const;
    //! \brief Short, log-safe description of the error (never contains request bytes).
    QByteArray errorDetail() const;

private:
    std::unique_ptr<HttpRequestParserPrivate> d;
};

} // namespace Confab::Http
