// SPDX-License-Identifier: MIT
#include "names.h"

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace Confab::Names {

namespace {

//! Letters that draw nothing (Hangul fillers, the combining grapheme joiner, Khmer inherent
//! vowels, Mongolian free variation selectors, the blank Braille pattern) but are not Cf, so
//! the category test alone would keep them: a name made of them looks empty or like another.
bool isInvisibleLetter(char32_t c)
{
    return c == 0x034F || c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5
            || (c >= 0x180B && c <= 0x180F) || c == 0x2800 || c == 0x3164 || c == 0xFFA0;
}

//! Characters a display name never keeps (see normalize()).
bool isStripped(char32_t c)
{
    switch (QChar::category(c)) {
    case QChar::Other_Control: // C0, DEL, C1: NUL, BEL, ESC, CSI (U+009B)...
    case QChar::Other_Format: // ZWSP, ZWJ/ZWNJ, LRM/RLM, U+202A-202E, U+2066-2069, BOM, SHY...
    case QChar::Other_Surrogate: // a lone half of a pair
        return true;
    default:
        return QChar::isNonCharacter(c) || isInvisibleLetter(c);
    }
}

//! Variation selectors: kept in display names (they pick an emoji's presentation), but
//! `alice` followed by one looks exactly like `alice`.
bool isVariationSelector(char32_t c)
{
    return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

struct Confusable
{
    char32_t from;
    char32_t to;
};

// Look-alikes of Latin letters from UTS #39's confusables.txt, the ones that draw the same
// in common fonts. Capitals map to Latin capitals before case folding (Greek Η is an H, but
// its lower case η is not an h); lower-case entries also catch what case folding produces.
// Fullwidth, mathematical and other compatibility forms are NFKD's job, not this table's.
constexpr std::array<Confusable, 73> Confusables{{
        {0x0131, u'i'}, // ı dotless i
        {0x0237, u'j'}, // ȷ dotless j
        {0x0251, u'a'}, // ɑ
        {0x0261, u'g'}, // ɡ
        {0x0269, u'i'}, // ɩ
        {0x037F, u'J'}, // Greek Ϳ
        {0x0391, u'A'}, {0x0392, u'B'}, {0x0395, u'E'}, {0x0396, u'Z'},
        {0x0397, u'H'}, {0x0399, u'I'}, {0x039A, u'K'}, {0x039C, u'M'},
        {0x039D, u'N'}, {0x039F, u'O'}, {0x03A1, u'P'}, {0x03A4, u'T'},
        {0x03A5, u'Y'}, {0x03A7, u'X'}, {0x03B1, u'a'}, {0x03B3, u'y'},
        {0x03B9, u'i'}, {0x03BA, u'k'}, {0x03BD, u'v'}, {0x03BF, u'o'},
        {0x03C1, u'p'}, {0x03C5, u'u'}, {0x03C7, u'x'}, {0x03F2, u'c'},
        {0x03F3, u'j'}, {0x03F9, u'C'}, {0x0405, u'S'}, {0x0406, u'I'},
        {0x0408, u'J'}, {0x0410, u'A'}, {0x0412, u'B'}, {0x0415, u'E'},
        {0x041A, u'K'}, {0x041C, u'M'}, {0x041D, u'H'}, {0x041E, u'O'},
        {0x0420, u'P'}, {0x0421, u'C'}, {0x0422, u'T'}, {0x0425, u'X'},
        {0x0430, u'a'}, {0x0435, u'e'}, {0x043E, u'o'}, {0x0440, u'p'},
        {0x0441, u'c'}, {0x0443, u'y'}, {0x0445, u'x'}, {0x0455, u's'},
        {0x0456, u'i'}, {0x0458, u'j'}, {0x0461, u'w'}, {0x0475, u'v'},
        {0x04AE, u'Y'}, {0x04AF, u'y'}, {0x04BB, u'h'}, {0x04C0, u'l'},
        {0x04CF, u'l'}, {0x0501, u'd'}, {0x051A, u'Q'}, {0x051B, u'q'},
        {0x051C, u'W'}, {0x051D, u'w'}, {0x0578, u'n'}, {0x057D, u'u'},
        {0x0585, u'o'}, // Armenian ո ս օ
        {0x13A0, u'D'}, {0x13A1, u'R'}, // Cherokee Ꭰ Ꭱ
}};
static_assert(std::is_sorted(Confusables.cbegin(), Confusables.cend(),
                             [](const Confusable &a, const Confusable &b) {
                                 return a.from < b.from;
                             }),
              "binary search needs the table sorted");

char32_t unconfuse(char32_t c)
{
    if (c < Confusables.front().from || c > Confusables.back().from)
        return c;
    const auto it = std::lower_bound(
            Confusables.cbegin(), Confusables.cend(), c,
            [](const Confusable &entry, char32_t value) { return entry.from < value; });
    return it != Confusables.cend() && it->from == c ? it->to : c;
}

//! Calls \a f with each code point of \a text until it returns false; a lone surrogate comes
//! as itself (category Other_Surrogate).
template<typename F>
void forEachCodePoint(const QString &text, F f)
{
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size; ++i) {
        char32_t c = text.at(i).unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < size && text.at(i + 1).isLowSurrogate()) {
            c = QChar::surrogateToUcs4(text.at(i), text.at(i + 1));
            ++i;
        }
        if (!f(c))
            return;
    }
}

void append(QString &out, char32_t c)
{
    if (QChar::requiresSurrogates(c)) {
        out.append(QChar(QChar::highSurrogate(c)));
        out.append(QChar(QChar::lowSurrogate(c)));
    } else {
        out.append(QChar(char16_t(c)));
    }
}

//! At most \a max UTF-16 units, without splitting a surrogate pair.
QString cut(const QString &text, int max)
{
    if (text.size() <= max)
        return text;
    qsizetype end = qMax(0, max);
    if (end > 0 && text.at(end - 1).isHighSurrogate())
        --end;
    return text.left(end);
}

} // namespace

QString normalize(const QString &text, int maxLength)
{
    // A CONNECT may carry a name of a megabyte: what is kept is read only until it surely
    // covers maxLength after NFC (which composes at most three units into one, Hangul L V T).
    const qsizetype enough = 3 * qsizetype(qMax(0, maxLength)) + 4;
    QString out;
    out.reserve(qMin(text.size(), enough + 1));
    bool space = false;
    forEachCodePoint(text, [&](char32_t c) {
        // White space first: line breaks and tabs are Cc, and become a space, not nothing.
        if (QChar::isSpace(c)) {
            space = true;
            return true;
        }
        if (isStripped(c))
            return true;
        if (space && !out.isEmpty())
            out.append(u' ');
        space = false;
        append(out, c);
        return out.size() < enough;
    });
    // After stripping: a base letter and a combining mark that a ZWJ kept apart compose now.
    out = out.normalized(QString::NormalizationForm_C);
    return cut(out, maxLength).trimmed();
}

bool isNormalized(const QString &text, int maxLength)
{
    if (text.size() > maxLength)
        return false;
    // Every message and typing notice names its room: printable ASCII with single inner
    // spaces is answered without building a copy.
    const qsizetype size = text.size();
    bool ascii = true;
    for (qsizetype i = 0; i < size && ascii; ++i) {
        const char16_t c = text.at(i).unicode();
        if (c == u' ') {
            if (i == 0 || i == size - 1 || text.at(i - 1) == u' ')
                return false;
        } else {
            ascii = c > 0x20 && c < 0x7F;
        }
    }
    return ascii || normalize(text, maxLength) == text;
}

QString skeleton(const QString &text)
{
    const QString decomposed = text.normalized(QString::NormalizationForm_KD);
    QString out;
    out.reserve(decomposed.size());
    bool space = false;
    forEachCodePoint(decomposed, [&](char32_t c) {
        if (QChar::isSpace(c)) {
            space = true;
            return true;
        }
        if (isStripped(c) || isVariationSelector(c))
            return true;
        if (space && !out.isEmpty())
            out.append(u' ');
        space = false;
        append(out, unconfuse(c));
        return true;
    });
    // Case folding can produce letters of the table (lower-case Greek and Cyrillic) and
    // decomposable ones (ẞ → ss is fine, but İ → i + U+0307 must be in canonical order).
    const QString folded = out.toCaseFolded().normalized(QString::NormalizationForm_KD);
    QString result;
    result.reserve(folded.size());
    forEachCodePoint(folded, [&](char32_t c) {
        append(result, unconfuse(c));
        return true;
    });
    return result;
}

QString Registry::claim(const QString &wanted, int maxLength)
{
    const QString base = skeleton(wanted);
    if (!m_taken.contains(base)) {
        m_taken.insert(base, base);
        ++m_bases[base].holders;
        return wanted;
    }
    // Start where the last claim of this name stopped: numbers below are taken, or were
    // given and freed since (the next free number, not always the lowest).
    Base &entry = m_bases[base];
    for (int n = entry.next;; ++n) {
        const QString suffix = u" (%1)"_s.arg(n);
        const QString candidate = normalize(wanted, maxLength - int(suffix.size())) + suffix;
        const QString key = skeleton(candidate);
        if (m_taken.contains(key))
            continue;
        m_taken.insert(key, base);
        ++entry.holders;
        entry.next = n + 1;
        return candidate;
    }
}

void Registry::release(const QString &name)
{
    const auto it = m_taken.constFind(skeleton(name));
    if (it == m_taken.cend())
        return;
    const auto base = m_bases.find(it.value());
    m_taken.erase(it);
    // With the last holder gone, the wanted name is forgotten, so the table holds only names
    // in use.
    if (base != m_bases.end() && --base->holders <= 0)
        m_bases.erase(base);
}

} // namespace Confab::Names
