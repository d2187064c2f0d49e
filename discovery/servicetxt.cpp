// SPDX-License-Identifier: MIT
#include "servicetxt.h"

#include <QtCore/QStringDecoder>

using namespace Qt::StringLiterals;

namespace Confab::Discovery {

namespace {
// RFC 6763 §6.1: each string is at most 255 bytes (one length byte on the wire).
constexpr qsizetype MaxTxtString = 255;
// A whole record, §6.2: we announce far less; more than this from a peer is not ours.
constexpr qsizetype MaxTxtStrings = 64;

bool isHidden(char32_t c)
{
    // Bidi overrides and isolates, zero-width characters and the BOM: they reorder or hide
    // what a person reads.
    return (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E)
            || (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF || c == 0x061C;
}

bool isHex(QByteArrayView text)
{
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

QByteArray fingerprintFrom(QByteArray value)
{
    // Accept the usual spellings, "AB:CD:..." and "abcd...".
    value.replace(':', QByteArray());
    if (value.size() != 64 || !isHex(value))
        return {};
    return value.toLower();
}
} // namespace

QString plainText(const QString &text, int maxLength)
{
    QString out;
    out.reserve(qMin(text.size(), qsizetype(maxLength) * 2));
    bool space = false;
    int length = 0;
    for (char32_t c : text.toUcs4()) {
        if (length >= maxLength)
            break;
        if (QChar::isSpace(c) || c < 0x20 || (c >= 0x7F && c < 0xA0)) {
            space = !out.isEmpty();
            continue;
        }
        if (isHidden(c) || QChar::category(c) == QChar::Other_NotAssigned)
            continue;
        if (space) {
            out += u' ';
            ++length;
            space = false;
            if (length >= maxLength)
                break;
        }
        out += QString::fromUcs4(&c, 1);
        ++length;
    }
    return out;
}

QByteArray truncatedUtf8(const QString &text, int maxBytes)
{
    QByteArray utf8 = text.toUtf8();
    if (utf8.size() <= maxBytes)
        return utf8;
    qsizetype end = maxBytes;
    // Back off over continuation bytes (10xxxxxx) to the start of the cut character.
    while (end > 0 && (uchar(utf8.at(end)) & 0xC0) == 0x80)
        --end;
    utf8.truncate(end);
    return utf8;
}

QList<QByteArray> encodeTxt(const ServiceInfo &info)
{
    QList<QByteArray> txt;
    txt.reserve(6);
    const QString name = plainText(info.name, ServiceInfo::MaxNameLength);
    txt.append("name=" + truncatedUtf8(name, MaxTxtString - 5));
    txt.append("v=" + QByteArray::number(info.version));
    txt.append("path=" + info.path.toUtf8().left(ServiceInfo::MaxPathLength));
    txt.append(info.passwordRequired ? "pw=1"_ba : "pw=0"_ba);
    txt.append(info.tls ? "tls=1"_ba : "tls=0"_ba);
    const QByteArray fp = fingerprintFrom(info.fingerprint.toLatin1());
    if (info.tls && !fp.isEmpty())
        txt.append("fp=" + fp);
    return txt;
}

ServiceInfo decodeTxt(const QList<QByteArray> &txt)
{
    ServiceInfo info;
    enum Seen { Name = 1, Version = 2, Path = 4, Password = 8, Tls = 16, Fingerprint = 32 };
    int seen = 0;
    const auto first = [&seen](Seen key) {
        if (seen & key)
            return false;
        seen |= key;
        return true;
    };
    for (qsizetype i = 0; i < txt.size() && i < MaxTxtStrings; ++i) {
        const QByteArray &entry = txt.at(i);
        if (entry.isEmpty() || entry.size() > MaxTxtString)
            continue;
        const qsizetype equals = entry.indexOf('=');
        // §6.4: a string with no '=' is a boolean attribute, which we have none of.
        if (equals <= 0)
            continue;
        const QByteArray key = entry.left(equals).toLower();
        const QByteArray value = entry.mid(equals + 1);
        if (key == "name" && first(Name)) {
            auto decode = QStringDecoder(QStringDecoder::Utf8);
            const QString text = decode(value);
            if (!decode.hasError())
                info.name = plainText(text, ServiceInfo::MaxNameLength);
        } else if (key == "v" && first(Version)) {
            bool ok = false;
            const int version = value.toInt(&ok);
            if (ok && version > 0 && version <= ServiceInfo::MaxVersion)
                info.version = version;
        } else if (key == "path" && first(Path)) {
            // A path is plain ASCII: printable, no spaces, no '?' or '#', absolute.
            bool ok = value.startsWith('/') && value.size() <= ServiceInfo::MaxPathLength;
            for (char c : value)
                ok = ok && c > 0x20 && c < 0x7F && c != '?' && c != '#' && c != '\\';
            if (ok)
                info.path = QString::fromLatin1(value);
        } else if (key == "pw" && first(Password)) {
            info.passwordRequired = value == "1";
        } else if (key == "tls" && first(Tls)) {
            info.tls = value == "1";
        } else if (key == "fp" && first(Fingerprint)) {
            info.fingerprint = QString::fromLatin1(fingerprintFrom(value));
        }
    }
    // A fingerprint means something only on a TLS host.
    if (!info.tls)
        info.fingerprint.clear();
    return info;
}

} // namespace Confab::Discovery
