// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>

namespace Confab::Discovery {

//! The DNS-SD service type every Confab host announces.
inline constexpr char ServiceType[] = "_confab._tcp";

//! \brief What a Confab host says about itself in its DNS-SD TXT record.
//!
//! On the wire (RFC 6763 §6), one "key=value" string each: `name` (the host's name), `v` (the
//! chat protocol's version), `path` (the Engine.IO endpoint), `pw` (1 when a password is
//! needed), `tls` (1 when the host speaks TLS) and `fp` (its certificate's SHA-256, 64 hex
//! digits). Everything here may come from anyone on the network: decodeTxt() bounds and
//! cleans every field, and ignores what it does not know.
struct ServiceInfo
{
    //! Longest name kept, in characters: enough for any real host, and a delegate's line.
    static constexpr int MaxNameLength = 63;
    static constexpr int MaxPathLength = 100;
    //! Versions above this are not a number we believe (a garbled or hostile record).
    static constexpr int MaxVersion = 9999;

    QString name;
    int version = 0; //!< 0: not announced
    QString path = QStringLiteral("/socket.io/");
    bool passwordRequired = false;
    bool tls = false;
    QString fingerprint; //!< lower-case hex, 64 digits, or empty

    bool operator==(const ServiceInfo &) const = default;
};

//! \brief The TXT strings announcing \a info; the name is cut (at a character) to fit.
QList<QByteArray> encodeTxt(const ServiceInfo &info);
//! \brief Reads \a txt: known keys only, the first of each wins (RFC 6763 §6.4), keys case-
//! insensitive; a value that is malformed leaves its field at the default.
ServiceInfo decodeTxt(const QList<QByteArray> &txt);

//! \brief \a text as plain, bounded text: controls, bidi overrides and zero-width characters
//! removed, runs of white space folded, at most \a maxLength characters.
QString plainText(const QString &text, int maxLength);

//! \brief \a text cut to at most \a maxBytes bytes of UTF-8, never inside a character.
QByteArray truncatedUtf8(const QString &text, int maxBytes);

} // namespace Confab::Discovery
