// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QMetaType>
#include <QtCore/QObject>
#include <QtCore/QString>

#include <utility>
#include <variant>

namespace Confab::Protocol {
Q_NAMESPACE

//! \brief Why a frame, payload or packet could not be decoded.
//!
//! Every decoder in this library reports one of these with a readable detail; none of them
//! throws, asserts or logs on input that came from the network.
enum class ErrorCode {
    Empty, //!< nothing to decode where something was required
    UnknownPacketType, //!< the type digit (or byte) is not one the protocol defines
    InvalidUtf8, //!< text that is not well-formed UTF-8
    PayloadTooLarge, //!< over Limits::maxPayload
    MalformedPayload, //!< a polling payload's framing (separators, length prefixes) is broken
    InvalidBase64, //!< a 'b'-prefixed binary packet whose base64 does not decode
    InvalidJson, //!< JSON that does not parse, or trailing data after it
    InvalidNamespace, //!< a namespace that does not start with '/' or is not terminated
    InvalidAckId, //!< an ack id that is negative, not a number or out of range
    InvalidAttachmentCount, //!< the "N-" prefix of a binary packet is missing, zero or malformed
    TooManyAttachments, //!< more attachments than Limits::maxAttachments
    UnexpectedBinary, //!< a binary frame with no binary packet waiting for it
    MissingAttachment, //!< a text packet arrived while attachments were still expected
    InvalidPlaceholder, //!< a placeholder whose num is missing or out of range
    TooDeep, //!< JSON nested deeper than Limits::maxDepth
    InvalidPayload, //!< well-formed JSON of the wrong shape for the packet type
    InvalidHandshake, //!< an OPEN packet without the fields the protocol requires
};
Q_ENUM_NS(ErrorCode)

//! \brief A decode failure: what kind, and a sentence a person can read in a log.
struct Error
{
    ErrorCode code = ErrorCode::Empty;
    QString detail;

    //! "InvalidJson: unexpected end of input at offset 12"
    QString toString() const;
    bool operator==(const Error &other) const = default;
};

//! \brief Limits every decoder enforces, so that no input can make it allocate without bound.
struct Limits
{
    //! Bytes in one polling payload, one WebSocket message or one Socket.IO packet
    //! (Engine.IO's maxPayload; the reference server's maxHttpBufferSize).
    qsizetype maxPayload = 1'000'000;
    //! Binary attachments of one Socket.IO packet (the reference decoder allows 10).
    int maxAttachments = 10;
    //! Nesting of arrays and objects in one packet's JSON.
    int maxDepth = 64;
    //! Largest ack id: JavaScript's Number.MAX_SAFE_INTEGER, so every client can represent it.
    qint64 maxAckId = 9007199254740991LL;
};

//! \brief Either a value or an Error; the return type of every decoder.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    { }
    Result(Error error)
        : m_value(std::move(error))
    { }
    Result(ErrorCode code, QString detail)
        : m_value(Error{code, std::move(detail)})
    { }

    bool ok() const { return m_value.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_value); }
    const T &value() const & { return std::get<0>(m_value); }
    T &&value() && { return std::get<0>(std::move(m_value)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_value); }

private:
    std::variant<T, Error> m_value;
};

} // namespace Confab::Protocol
