// SPDX-License-Identifier: MIT
#pragma once

#include "protocolerror.h"

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

#include <optional>

namespace Confab::EngineIo {
Q_NAMESPACE

//! \brief Engine.IO protocol revision: 4 is current; 3 serves Socket.IO 2 clients.
enum class Version : quint8 { V3 = 3, V4 = 4 };
Q_ENUM_NS(Version)

//! \brief The Engine.IO packet types; the value is the type digit on the wire.
enum class PacketType : quint8 {
    Open = 0,
    Close = 1,
    Ping = 2,
    Pong = 3,
    Message = 4,
    Upgrade = 5,
    Noop = 6,
};
Q_ENUM_NS(PacketType)

//! \brief One Engine.IO packet.
//!
//! \c data is UTF-8 text, or raw bytes when \c binary is set (only Message packets are binary).
//! Ping and Pong carry "probe" during an upgrade.
struct Packet
{
    PacketType type = PacketType::Message;
    QByteArray data;
    bool binary = false;

    static Packet message(QByteArray utf8) { return {PacketType::Message, std::move(utf8), false}; }
    static Packet binaryMessage(QByteArray bytes)
    {
        return {PacketType::Message, std::move(bytes), true};
    }
    static Packet of(PacketType type, QByteArray data = {})
    {
        return {type, std::move(data), false};
    }

    bool operator==(const Packet &other) const = default;
};

//! \brief What travels in one WebSocket message: a text or a binary frame.
struct Frame
{
    QByteArray bytes;
    bool binary = false;
    bool operator==(const Frame &other) const = default;
};

//! \brief Encodes a packet as the WebSocket frame that carries it.
//!
//! Text packets become "<type digit><data>". A binary message is a binary frame of the raw
//! bytes in v4, and of a 0x04 type byte followed by the bytes in v3.
Frame encodeFrame(const Packet &packet, Version version = Version::V4);

//! \brief The byte a WebSocket frame of \a packet puts before its data — the type digit of a
//! text packet, the type byte of a v3 binary one — or none (a v4 binary frame is the data).
//! For writers that send the data itself without building the frame (encodeFrame's layout).
std::optional<char> framePrefix(const Packet &packet, Version version = Version::V4);

//! \brief The text form "<digit><data>" of a non-binary packet (also one record of a payload).
QByteArray encodeText(const Packet &packet);

//! \brief Decodes a text WebSocket frame (or one record of a v4 payload).
Protocol::Result<Packet> decodeText(QByteArrayView text, const Protocol::Limits &limits = {});

//! \brief Decodes a binary WebSocket frame: always a binary Message.
Protocol::Result<Packet> decodeBinary(QByteArrayView bytes, Version version = Version::V4,
                                      const Protocol::Limits &limits = {});

//! \brief Decodes a frame of either kind.
Protocol::Result<Packet> decodeFrame(const Frame &frame, Version version = Version::V4,
                                     const Protocol::Limits &limits = {});

} // namespace Confab::EngineIo
