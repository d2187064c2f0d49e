// SPDX-License-Identifier: MIT
#pragma once

#include "engineiopacket.h"

#include <QtCore/QList>

namespace Confab::EngineIo {

//! \brief HTTP long-polling payloads: several packets in one request or response body.
//!
//! v4 joins packets with the record separator 0x1E and writes binary messages as 'b' followed
//! by base64. v3 prefixes each packet with its length, either as text ("6:4hello", lengths in
//! UTF-16 code units, binary as "b4"+base64) or in the binary "XHR2" form used for
//! application/octet-stream bodies.
namespace Payload {

//! The v4 record separator.
inline constexpr char RecordSeparator = '\x1e';

//! v4: "4hello\x1e2\x1ebAQIDBA==". An empty list gives an empty payload.
QByteArray encode(const QList<Packet> &packets);
//! v4. Rejects an empty body, invalid UTF-8 and anything over Limits::maxPayload.
Protocol::Result<QList<Packet>> decode(QByteArrayView body, const Protocol::Limits &limits = {});

//! v3 text form: "6:4hello2:4€"; binary messages as "b4"+base64.
QByteArray encodeV3Text(const QList<Packet> &packets);
//! v3 binary (XHR2) form: per packet 0|1, length digits as bytes, 0xFF, then the packet.
QByteArray encodeV3Binary(const QList<Packet> &packets);
//! True when a v3 payload of these packets must use the binary form (a binary message is in
//! it and the client did not ask for base64 with b64=1).
bool needsV3Binary(const QList<Packet> &packets);

Protocol::Result<QList<Packet>> decodeV3Text(QByteArrayView body,
                                             const Protocol::Limits &limits = {});
Protocol::Result<QList<Packet>> decodeV3Binary(QByteArrayView body,
                                               const Protocol::Limits &limits = {});

} // namespace Payload
} // namespace Confab::EngineIo
