// SPDX-License-Identifier: MIT
#include "terminaltext.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Confab::Cli {

bool isUnsafeForTerminal(char32_t ucs4)
{
    if (ucs4 < 0x20 || (ucs4 >= 0x7f && ucs4 <= 0x9f))
        return true;
    if (ucs4 < 0xa0)
        return false;
    switch (QChar::category(ucs4)) {
    case QChar::Other_Format: // bidi controls, zero-width characters, BOM, tags, soft hyphen
    case QChar::Other_Surrogate: // unpaired: no terminal shows them the same way
    case QChar::Separator_Line: // U+2028, U+2029: some terminals break the line
    case QChar::Separator_Paragraph:
        return true;
    default:
        return false;
    }
}

namespace {

void appendHex(QString &out, char32_t value, int digits)
{
    out += QString::number(uint(value), 16).rightJustified(digits, u'0');
}

void appendEscaped(QString &out, char32_t ucs4, EscapeStyle style)
{
    if (style == EscapeStyle::Json) {
        auto unit = [&out](char16_t u) {
            out += "\\u"_L1;
            appendHex(out, u, 4);
        };
        if (QChar::requiresSurrogates(ucs4)) {
            unit(QChar::highSurrogate(ucs4));
            unit(QChar::lowSurrogate(ucs4));
        } else {
            unit(char16_t(ucs4));
        }
        return;
    }
    switch (ucs4) {
    case '\n':
        out += "\\n"_L1;
        return;
    case '\r':
        out += "\\r"_L1;
        return;
    case '\t':
        out += "\\t"_L1;
        return;
    default:
        break;
    }
    if (ucs4 <= 0xff) {
        out += "\\x"_L1;
        appendHex(out, ucs4, 2);
    } else {
        out += "\\u{"_L1;
        appendHex(out, ucs4, 4);
        out += u'}';
    }
}

} // namespace

QString escapeControls(QStringView text, EscapeStyle style)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t unit = text[i].unicode();
        char32_t ucs4 = unit;
        qsizetype units = 1;
        // A pair makes one character; an unpaired surrogate stays itself, to be escaped.
        if (QChar::isHighSurrogate(unit) && i + 1 < text.size()
            && QChar::isLowSurrogate(text[i + 1].unicode())) {
            ucs4 = QChar::surrogateToUcs4(unit, text[i + 1].unicode());
            units = 2;
        }
        if (isUnsafeForTerminal(ucs4))
            appendEscaped(out, ucs4, style);
        else
            out += text.sliced(i, units);
        i += units - 1;
    }
    return out;
}

QByteArray escapeJsonForTerminal(const QByteArray &json)
{
    // Every unsafe character that QJsonDocument writes raw is DEL or beyond ASCII.
    const bool ascii
            = std::all_of(json.cbegin(), json.cend(), [](char c) { return uchar(c) < 0x7f; });
    if (ascii)
        return json;
    // Outside strings a compact JSON document is printable ASCII, so each escape lands inside
    // a string, where \uXXXX stands for the same character.
    return escapeControls(QString::fromUtf8(json), EscapeStyle::Json).toUtf8();
}

} // namespace Confab::Cli
