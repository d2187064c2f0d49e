// SPDX-License-Identifier: MIT
#include "json.h"

#include <QtCore/QDateTime>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QLocale>
#include <QtCore/QUrl>

#include <charconv>
#include <cmath>

using namespace Qt::StringLiterals;

namespace Confab::Json {

using Protocol::ErrorCode;
using Protocol::Result;

namespace {

constexpr char HexDigits[] = "0123456789abcdef";

//! Decimal digits without a temporary QByteArray (ids and timestamps are in every message).
template<typename Integer>
void writeInteger(QByteArray &out, Integer value)
{
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, result.ptr - digits);
}

// Number.prototype.toString(10) (ECMA-262 §6.1.6.1.20) from the shortest round-trip digits,
// so 1e21, 1e-7, 0.1 and 100 look exactly as a JavaScript peer writes them.
void writeDouble(QByteArray &out, double value)
{
    if (!std::isfinite(value)) {
        out.append("null", 4); // as JSON.stringify does
        return;
    }
    if (value == 0) {
        out.append('0'); // -0 too
        return;
    }
    if (value < 0) {
        out.append('-');
        value = -value;
    }
    if (value < 9007199254740992.0 && value == std::floor(value)) {
        out.append(QByteArray::number(qint64(value)));
        return;
    }
    const QByteArray sci = QByteArray::number(value, 'e', QLocale::FloatingPointShortest);
    const qsizetype ePos = sci.indexOf('e');
    QByteArray digits = sci.left(ePos);
    digits.replace(".", "");
    const int exponent = sci.mid(ePos + 1).toInt();
    const int k = int(digits.size());
    const int n = exponent + 1; // value = 0.digits × 10^n
    if (k <= n && n <= 21) {
        out.append(digits);
        out.append(QByteArray(n - k, '0'));
    } else if (0 < n && n <= 21) {
        out.append(digits.left(n));
        out.append('.');
        out.append(digits.mid(n));
    } else if (-6 < n && n <= 0) {
        out.append("0.", 2);
        out.append(QByteArray(-n, '0'));
        out.append(digits);
    } else {
        out.append(digits.front());
        if (k > 1) {
            out.append('.');
            out.append(digits.mid(1));
        }
        out.append('e');
        out.append(n - 1 >= 0 ? '+' : '-');
        out.append(QByteArray::number(std::abs(n - 1)));
    }
}

void writeMap(QByteArray &out, const QVariantMap &map, QList<QByteArray> *attachments)
{
    out.append('{');
    bool first = true;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (!first)
            out.append(',');
        first = false;
        writeString(out, it.key());
        out.append(':');
        write(out, it.value(), attachments);
    }
    out.append('}');
}

template<typename List>
void writeList(QByteArray &out, const List &list, QList<QByteArray> *attachments)
{
    out.append('[');
    bool first = true;
    for (const auto &item : list) {
        if (!first)
            out.append(',');
        first = false;
        write(out, QVariant(item), attachments);
    }
    out.append(']');
}

} // namespace

QVariant null()
{
    return QVariant::fromValue(nullptr);
}

namespace {

//! The bytes writeString() emits for \a c (a lone surrogate as \uXXXX); 4 for a valid
//! surrogate pair, counted at its high half.
inline int encodedSize(char16_t c, const char16_t *next, const char16_t *end)
{
    if (c < 0x80) {
        switch (c) {
        case u'"':
        case u'\\':
        case u'\b':
        case u'\f':
        case u'\n':
        case u'\r':
        case u'\t':
            return 2;
        default:
            return c < 0x20 ? 6 : 1;
        }
    }
    if (c < 0x800)
        return 2;
    if (QChar::isHighSurrogate(c) && next < end && QChar::isLowSurrogate(*next))
        return 4;
    if (QChar::isSurrogate(c))
        return 6;
    return 3;
}

} // namespace

void writeString(QByteArray &out, QStringView text)
{
    // Two passes: size the output exactly, then fill it through a pointer; appending byte by
    // byte cost a capacity check per character and dominated encoding chat messages.
    const char16_t *const begin = text.utf16();
    const char16_t *const end = begin + text.size();
    qsizetype size = 2;
    for (const char16_t *p = begin; p < end; ++p) {
        const int n = encodedSize(*p, p + 1, end);
        size += n;
        if (n == 4)
            ++p; // the pair's low half
    }
    const qsizetype start = out.size();
    out.resize(start + size);
    char *o = out.data() + start;
    const auto escape = [&o](char16_t unit) {
        *o++ = '\\';
        *o++ = 'u';
        *o++ = HexDigits[(unit >> 12) & 0xf];
        *o++ = HexDigits[(unit >> 8) & 0xf];
        *o++ = HexDigits[(unit >> 4) & 0xf];
        *o++ = HexDigits[unit & 0xf];
    };
    *o++ = '"';
    const char16_t *p = begin;
    while (p < end) {
        const char16_t c = *p++;
        if (c < 0x80) {
            switch (c) {
            case u'"':
                *o++ = '\\';
                *o++ = '"';
                break;
            case u'\\':
                *o++ = '\\';
                *o++ = '\\';
                break;
            case u'\b':
                *o++ = '\\';
                *o++ = 'b';
                break;
            case u'\f':
                *o++ = '\\';
                *o++ = 'f';
                break;
            case u'\n':
                *o++ = '\\';
                *o++ = 'n';
                break;
            case u'\r':
                *o++ = '\\';
                *o++ = 'r';
                break;
            case u'\t':
                *o++ = '\\';
                *o++ = 't';
                break;
            default:
                if (c < 0x20)
                    escape(c);
                else
                    *o++ = char(c);
            }
        } else if (c < 0x800) {
            *o++ = char(0xc0 | (c >> 6));
            *o++ = char(0x80 | (c & 0x3f));
        } else if (QChar::isHighSurrogate(c) && p < end && QChar::isLowSurrogate(*p)) {
            const char32_t ucs4 = QChar::surrogateToUcs4(c, *p++);
            *o++ = char(0xf0 | (ucs4 >> 18));
            *o++ = char(0x80 | ((ucs4 >> 12) & 0x3f));
            *o++ = char(0x80 | ((ucs4 >> 6) & 0x3f));
            *o++ = char(0x80 | (ucs4 & 0x3f));
        } else if (QChar::isSurrogate(c)) {
            escape(c); // a lone surrogate: well-formed JSON.stringify
        } else {
            *o++ = char(0xe0 | (c >> 12));
            *o++ = char(0x80 | ((c >> 6) & 0x3f));
            *o++ = char(0x80 | (c & 0x3f));
        }
    }
    *o++ = '"';
    Q_ASSERT(o == out.data() + out.size());
}

void write(QByteArray &out, const QVariant &value, QList<QByteArray> *attachments)
{
    switch (value.typeId()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr:
        out.append("null", 4);
        return;
    case QMetaType::Bool:
        out.append(value.toBool() ? "true" : "false");
        return;
    case QMetaType::Int:
    case QMetaType::Short:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::SChar:
    case QMetaType::Char:
        writeInteger(out, value.toLongLong());
        return;
    case QMetaType::UInt:
    case QMetaType::UShort:
    case QMetaType::ULong:
    case QMetaType::ULongLong:
    case QMetaType::UChar:
        writeInteger(out, value.toULongLong());
        return;
    case QMetaType::Double:
    case QMetaType::Float:
        writeDouble(out, value.toDouble());
        return;
    case QMetaType::QString:
        writeString(out, *static_cast<const QString *>(value.constData()));
        return;
    case QMetaType::QByteArray: {
        const auto &bytes = *static_cast<const QByteArray *>(value.constData());
        if (attachments) {
            out.append("{\"_placeholder\":true,\"num\":");
            out.append(QByteArray::number(attachments->size()));
            out.append('}');
            attachments->append(bytes);
        } else {
            out.append('"');
            out.append(bytes.toBase64());
            out.append('"');
        }
        return;
    }
    case QMetaType::QVariantMap:
        writeMap(out, *static_cast<const QVariantMap *>(value.constData()), attachments);
        return;
    case QMetaType::QVariantHash: {
        const auto &hash = *static_cast<const QVariantHash *>(value.constData());
        QVariantMap map;
        for (auto it = hash.cbegin(); it != hash.cend(); ++it)
            map.insert(it.key(), it.value());
        writeMap(out, map, attachments);
        return;
    }
    case QMetaType::QVariantList:
        writeList(out, *static_cast<const QVariantList *>(value.constData()), attachments);
        return;
    case QMetaType::QStringList:
        writeList(out, *static_cast<const QStringList *>(value.constData()), attachments);
        return;
    case QMetaType::QJsonValue:
    case QMetaType::QJsonObject:
    case QMetaType::QJsonArray:
    case QMetaType::QJsonDocument:
        write(out, value.toJsonValue().toVariant(), attachments);
        return;
    case QMetaType::QDateTime:
        // What Date.prototype.toJSON gives: UTC with milliseconds.
        writeString(out, value.toDateTime().toUTC().toString(Qt::ISODateWithMs));
        return;
    case QMetaType::QUrl:
        writeString(out, value.toUrl().toString(QUrl::FullyEncoded));
        return;
    default:
        if (value.canConvert<QString>())
            writeString(out, value.toString());
        else
            out.append("null", 4);
    }
}

QByteArray stringify(const QVariant &value, QList<QByteArray> *attachments)
{
    QByteArray out;
    write(out, value, attachments);
    return out;
}

Result<QJsonValue> parseValue(QByteArrayView json)
{
    qsizetype start = 0;
    while (start < json.size() && QChar::isSpace(json[start]))
        ++start;
    if (start == json.size())
        return {ErrorCode::InvalidJson, u"empty JSON"_s};
    QJsonParseError error{};
    const char first = json[start];
    if (first == '{' || first == '[') {
        const QJsonDocument doc = QJsonDocument::fromJson(
                QByteArray::fromRawData(json.data(), json.size()), &error);
        if (error.error == QJsonParseError::NoError)
            return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    } else {
        // QJsonDocument takes only objects and arrays: wrap a bare value in an array.
        QByteArray wrapped;
        wrapped.reserve(json.size() + 2);
        wrapped.append('[').append(json.data(), json.size()).append(']');
        const QJsonDocument doc = QJsonDocument::fromJson(wrapped, &error);
        if (error.error == QJsonParseError::NoError) {
            if (doc.array().size() == 1)
                return doc.array().first();
            return {ErrorCode::InvalidJson, u"trailing data after a JSON value"_s};
        }
        error.offset = qMax(0, error.offset - 1);
    }
    if (error.error == QJsonParseError::DeepNesting)
        return {ErrorCode::TooDeep, u"JSON nested too deeply"_s};
    return {ErrorCode::InvalidJson,
            u"%1 at offset %2"_s.arg(error.errorString()).arg(error.offset)};
}

namespace {

struct Attachments
{
    const QList<QByteArray> *bytes = nullptr;
    QList<bool> used;
};

Result<QVariant> convert(const QJsonValue &value, const Protocol::Limits &limits,
                         Attachments *attachments, int depth)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return null();
    case QJsonValue::Bool:
        return QVariant(value.toBool());
    case QJsonValue::Double:
    case QJsonValue::String:
        return value.toVariant(); // integers come back as qint64, others as double
    case QJsonValue::Array: {
        if (depth >= limits.maxDepth)
            return {ErrorCode::TooDeep, u"JSON nested deeper than %1"_s.arg(limits.maxDepth)};
        const QJsonArray array = value.toArray();
        QVariantList list;
        list.reserve(array.size());
        for (const QJsonValue &item : array) {
            auto converted = convert(item, limits, attachments, depth + 1);
            if (!converted)
                return converted;
            list.append(std::move(converted).value());
        }
        return QVariant(std::move(list));
    }
    case QJsonValue::Object: {
        if (depth >= limits.maxDepth)
            return {ErrorCode::TooDeep, u"JSON nested deeper than %1"_s.arg(limits.maxDepth)};
        const QJsonObject object = value.toObject();
        if (attachments && object.value("_placeholder"_L1) == QJsonValue(true)) {
            // socket.io-parser: the num must index an attachment of this packet.
            const QJsonValue num = object.value("num"_L1);
            const double n = num.toDouble(-1);
            const qsizetype count = attachments->bytes->size();
            if (!num.isDouble() || n != std::floor(n) || n < 0 || n >= count)
                return {ErrorCode::InvalidPlaceholder,
                        u"placeholder num %1 does not index one of %2 attachments"_s
                                .arg(QString::fromUtf8(QJsonDocument(QJsonArray{num})
                                                               .toJson(QJsonDocument::Compact)))
                                .arg(count)};
            // One use each: repeated references would multiply the data when re-sent
            // (a few kilobytes in, gigabytes out through a relay).
            const qsizetype index = qsizetype(n);
            if (attachments->used.at(index))
                return {ErrorCode::InvalidPlaceholder,
                        u"attachment %1 is referenced twice"_s.arg(index)};
            attachments->used[index] = true;
            return QVariant(attachments->bytes->at(index));
        }
        QVariantMap map;
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            auto converted = convert(it.value(), limits, attachments, depth + 1);
            if (!converted)
                return converted;
            map.insert(it.key(), std::move(converted).value());
        }
        return QVariant(std::move(map));
    }
    case QJsonValue::Undefined:
        break;
    }
    return null();
}

} // namespace

Result<QVariant> toVariant(const QJsonValue &value, const Protocol::Limits &limits,
                           const QList<QByteArray> *attachments)
{
    if (!attachments)
        return convert(value, limits, nullptr, 0);
    Attachments state{attachments, QList<bool>(attachments->size(), false)};
    return convert(value, limits, &state, 0);
}

Result<QVariant> parse(QByteArrayView json, const Protocol::Limits &limits)
{
    if (!json.isValidUtf8())
        return {ErrorCode::InvalidUtf8, u"JSON text is not valid UTF-8"_s};
    auto value = parseValue(json);
    if (!value)
        return value.error();
    return toVariant(*value, limits);
}

} // namespace Confab::Json
