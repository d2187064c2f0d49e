// SPDX-License-Identifier: MIT
#pragma once

#include "engineiopacket.h"
#include "protocolerror.h"

#include <QtCore/QByteArray>
#include <QtCore/QJsonValue>
#include <QtCore/QList>
#include <QtCore/QVariant>

#include <optional>

namespace Confab::SocketIo {
Q_NAMESPACE

//! \brief Socket.IO v5 packet types; the value is the type digit on the wire.
enum class PacketType : quint8 {
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
};
Q_ENUM_NS(PacketType)

//! \brief One Socket.IO packet, with binary data in place.
//!
//! \c data is a tree of QVariantMap, QVariantList, QString, numbers, bool and null, where a
//! QByteArray leaf is binary data: encode() swaps each for a {"_placeholder":true,"num":N}
//! and sends it as an attachment, and the Decoder puts the attachments back.
//!   - Connect: the auth object (client → server) or {"sid":...} (server → client), or null.
//!   - Event / BinaryEvent: [name, args...].
//!   - Ack / BinaryAck: [args...].
//!   - ConnectError: {"message":..., "data":...}, or a string from older servers.
//!   - Disconnect: null.
//! Encoding picks BinaryEvent / BinaryAck by itself when the data holds binary.
struct Packet
{
    PacketType type = PacketType::Event;
    QString nsp = QStringLiteral("/");
    std::optional<qint64> id; //!< ack id; 0 is a valid id
    QVariant data;

    static Packet event(const QString &name, const QVariantList &args = {},
                        const QString &nsp = QStringLiteral("/"), std::optional<qint64> id = {});
    static Packet ack(qint64 id, const QVariantList &args = {},
                      const QString &nsp = QStringLiteral("/"));
    static Packet connect(const QString &nsp = QStringLiteral("/"), const QVariant &auth = {});
    static Packet connectError(const QString &nsp, const QString &message,
                               const QVariant &errorData = {});
    static Packet disconnect(const QString &nsp = QStringLiteral("/"));

    //! For Event packets: the first element of data, as a string ("" otherwise).
    QString eventName() const;
    //! For Event packets: data without the name; for Ack packets: data.
    QVariantList arguments() const;
    //! True for BinaryEvent / BinaryAck, or when data holds a QByteArray anywhere.
    bool isEventLike() const
    {
        return type == PacketType::Event || type == PacketType::BinaryEvent;
    }
    bool isAckLike() const { return type == PacketType::Ack || type == PacketType::BinaryAck; }

    bool operator==(const Packet &other) const;
    bool operator!=(const Packet &other) const { return !(*this == other); }
};

//! \brief A packet's wire form: the text (without Engine.IO's leading '4') and its attachments.
struct Encoded
{
    QByteArray text;
    QList<QByteArray> attachments;
    bool operator==(const Encoded &other) const = default;
};

//! \brief Encodes a packet: "<type>[<n>-][<nsp>,][<id>][<json>]" plus binary attachments.
Encoded encode(const Packet &packet);

//! \brief How many packets encode() encoded on the calling thread so far.
//!
//! The host's tests use it to prove that a broadcast is encoded once, whatever the number of
//! recipients and whichever WebSocket engine carries it (one increment per packet: free).
quint64 encodedOnThisThread();

//! \brief The Engine.IO messages that carry \a packet: its text, then one binary message per
//! attachment, in the order a peer must receive them.
//!
//! The one conversion for host and client. The list shares its bytes (implicitly), so a
//! broadcast encodes once and hands every recipient the same list.
QList<EngineIo::Packet> toEngineIoPackets(const Packet &packet);

//! \brief True when a variant tree holds a QByteArray anywhere.
bool hasBinary(const QVariant &value);

//! \brief Reserved event names that a peer may not emit (socket.io-parser's list).
bool isReservedEventName(QStringView name);

//! \brief Incremental decoder: feed it the Engine.IO messages of one connection in order.
//!
//! A text message gives a packet at once, unless it announces attachments; then the packet
//! is returned with the last of its binary messages. After an error the decoder is reset, and
//! the connection is expected to be closed (the protocol has no way to resynchronise).
class Decoder
{
public:
    explicit Decoder(const Protocol::Limits &limits = {})
        : m_limits(limits)
    { }

    //! A complete packet, std::nullopt while attachments are awaited, or an error.
    Protocol::Result<std::optional<Packet>> addText(QByteArrayView text);
    Protocol::Result<std::optional<Packet>> addBinary(const QByteArray &bytes);

    bool isAwaitingAttachments() const { return m_pending.has_value(); }
    void reset();

private:
    Protocol::Limits m_limits;
    std::optional<Packet> m_pending; //!< the packet whose attachments are awaited
    QJsonValue m_pendingJson; //!< its data, placeholders not yet replaced
    int m_expected = 0;
    QList<QByteArray> m_attachments;
};

//! \brief Decodes a whole packet whose attachments are already known (e.g. in tests).
Protocol::Result<Packet> decode(QByteArrayView text, const QList<QByteArray> &attachments = {},
                                const Protocol::Limits &limits = {});

} // namespace Confab::SocketIo
