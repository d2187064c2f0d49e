// SPDX-License-Identifier: MIT
// Names and room names on the chat host (server/chat/names.h): what a display name keeps,
// which names count as the same, and how the registry hands out suffixes.
#include "names.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QSet>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
namespace Names = Confab::Names;

namespace {

constexpr int MaxName = 32;

QString withLoneSurrogate()
{
    QString s = u"a"_s;
    s.append(QChar(char16_t(0xD800)));
    s.append(u'b');
    return s;
}

} // namespace

class tst_ChatNames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalize_data();
    void normalize();
    void skeleton_data();
    void skeleton();
    void registrySuffixesLookAlikes_data();
    void registrySuffixesLookAlikes();
    void registryReleases();
    void registrySameNameManyTimes();
};

void tst_ChatNames::normalize_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("max");
    QTest::addColumn<QString>("expected");

    // Good: unchanged.
    QTest::addRow("plain") << u"alice"_s << MaxName << u"alice"_s;
    QTest::addRow("inner space") << u"alice bob"_s << MaxName << u"alice bob"_s;
    QTest::addRow("emoji") << u"al 🙂"_s << MaxName << u"al 🙂"_s;
    QTest::addRow("emoji with variation selector") << u"❤\uFE0F"_s << MaxName << u"❤\uFE0F"_s;
    QTest::addRow("cyrillic kept") << u"Ваня"_s << MaxName << u"Ваня"_s;
    // White space.
    QTest::addRow("trimmed") << u"  alice\t"_s << MaxName << u"alice"_s;
    QTest::addRow("run collapsed") << u"a \t\u3000\u00A0 b"_s << MaxName << u"a b"_s;
    QTest::addRow("line breaks") << u"a\r\nb\u2028c\u2029d\u0085e"_s << MaxName << u"a b c d e"_s;
    // Control characters (Cc), C0 and C1.
    QTest::addRow("newline bell nul") << u"a\nb\x07\0c"_s << MaxName << u"a bc"_s;
    QTest::addRow("escape sequence") << u"\x1b]0;owned\x07x"_s << MaxName << u"]0;ownedx"_s;
    QTest::addRow("C1 CSI") << u"\u009B31mred"_s << MaxName << u"31mred"_s;
    QTest::addRow("DEL") << u"al\x7Fice"_s << MaxName << u"alice"_s;
    // Format characters (Cf).
    QTest::addRow("zero-width space") << u"alice\u200B"_s << MaxName << u"alice"_s;
    QTest::addRow("zero-width joiners") << u"a\u200Cl\u200Dice"_s << MaxName << u"alice"_s;
    QTest::addRow("bidi override") << u"\u202Eecila"_s << MaxName << u"ecila"_s;
    QTest::addRow("bidi embeddings") << u"\u202A\u202Bx\u202C"_s << MaxName << u"x"_s;
    QTest::addRow("bidi isolates") << u"\u2066\u2067\u2068x\u2069"_s << MaxName << u"x"_s;
    QTest::addRow("marks") << u"\u200Ex\u200F\u061C"_s << MaxName << u"x"_s;
    QTest::addRow("BOM") << u"\uFEFFalice"_s << MaxName << u"alice"_s;
    QTest::addRow("soft hyphen") << u"al\u00ADice"_s << MaxName << u"alice"_s;
    QTest::addRow("word joiner") << u"ali\u2060ce"_s << MaxName << u"alice"_s;
    QTest::addRow("tag characters") << u"x\U000E0041\U000E007F"_s << MaxName << u"x"_s;
    // Invisible letters and broken text.
    QTest::addRow("hangul filler") << u"\u3164"_s << MaxName << QString();
    QTest::addRow("hangul fillers around") << u"\u115Fa\u1160\uFFA0"_s << MaxName << u"a"_s;
    QTest::addRow("braille blank") << u"\u2800\u2800"_s << MaxName << QString();
    QTest::addRow("grapheme joiner") << u"al\u034Fice"_s << MaxName << u"alice"_s;
    QTest::addRow("lone surrogate") << withLoneSurrogate() << MaxName << u"ab"_s;
    QTest::addRow("noncharacter") << u"a\uFFFEb\uFDD0"_s << MaxName << u"ab"_s;
    QTest::addRow("nothing visible") << u"\u200B\u202E\n\x07"_s << MaxName << QString();
    QTest::addRow("empty") << QString() << MaxName << QString();
    // NFC.
    QTest::addRow("NFC") << u"e\u0301"_s << MaxName << u"\u00E9"_s;
    QTest::addRow("NFC after stripping") << u"e\u200D\u0301"_s << MaxName << u"\u00E9"_s;
    QTest::addRow("NFC hangul") << u"\u1100\u1161"_s << MaxName << u"\uAC00"_s;
    // Length: UTF-16 units, never half a character, no trailing space.
    QTest::addRow("cut") << u"abcdef"_s << 4 << u"abcd"_s;
    QTest::addRow("cut before pair") << u"abc🙂"_s << 4 << u"abc"_s;
    QTest::addRow("cut then trim") << u"abc def"_s << 4 << u"abc"_s;
    QTest::addRow("cut after collapse") << u"a    b"_s << 3 << u"a b"_s;
    QTest::addRow("megabyte") << QString(1 << 20, u'x') << MaxName << QString(MaxName, u'x');
    QTest::addRow("zero-widths then name")
            << QString(1000, QChar(0x200B)) + u"alice"_s << MaxName << u"alice"_s;
    QTest::addRow("hangul jamo compose to the full length")
            << QString(u"\u1100\u1161\u11A8"_s).repeated(MaxName) << MaxName
            << QString(u"\uAC01"_s).repeated(MaxName);
    // The ASCII fast path of isNormalized() must agree.
    QTest::addRow("ascii leading space") << u" ab"_s << MaxName << u"ab"_s;
    QTest::addRow("ascii trailing space") << u"ab "_s << MaxName << u"ab"_s;
    QTest::addRow("ascii double space") << u"a  b"_s << MaxName << u"a b"_s;
    QTest::addRow("ascii tab") << u"a\tb"_s << MaxName << u"a b"_s;
    QTest::addRow("ascii single space") << u"a b c"_s << MaxName << u"a b c"_s;
    QTest::addRow("ascii only space") << u" "_s << MaxName << QString();
    QTest::addRow("ascii punctuation") << u"#dev-ops_1 (x)"_s << MaxName << u"#dev-ops_1 (x)"_s;
}

void tst_ChatNames::normalize()
{
    QFETCH(QString, input);
    QFETCH(int, max);
    QFETCH(QString, expected);
    const QString got = Names::normalize(input, max);
    QCOMPARE(got, expected);
    // Idempotent, and what isNormalized() accepts.
    QCOMPARE(Names::normalize(got, max), got);
    QVERIFY(Names::isNormalized(got, max));
    QCOMPARE(Names::isNormalized(input, max), input == expected);
}

void tst_ChatNames::skeleton_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("same");

    QTest::addRow("identical") << u"alice"_s << u"alice"_s << true;
    QTest::addRow("case") << u"alice"_s << u"ALICE"_s << true;
    QTest::addRow("title case") << u"alice"_s << u"Alice"_s << true;
    QTest::addRow("cyrillic a") << u"alice"_s << u"\u0430lice"_s << true;
    QTest::addRow("cyrillic i") << u"alice"_s << u"al\u0456ce"_s << true;
    QTest::addRow("cyrillic c e") << u"alice"_s << u"ali\u0441\u0435"_s << true;
    QTest::addRow("cyrillic capitals") << u"ACE"_s << u"\u0410\u0421\u0415"_s << true;
    QTest::addRow("all cyrillic paypal")
            << u"paypal"_s << u"\u0440\u0430\u0443\u0440\u0430\u04CF"_s << true;
    QTest::addRow("greek omicron") << u"bob"_s << u"b\u03BFb"_s << true;
    QTest::addRow("greek capitals") << u"HOT"_s << u"\u0397\u039F\u03A4"_s << true;
    QTest::addRow("greek capital then case") << u"hot"_s << u"\u0397\u039F\u03A4"_s << true;
    QTest::addRow("fullwidth") << u"alice"_s << u"\uFF41\uFF4C\uFF49\uFF43\uFF45"_s << true;
    QTest::addRow("fullwidth capitals")
            << u"alice"_s << u"\uFF21\uFF2C\uFF29\uFF23\uFF25"_s << true;
    QTest::addRow("mathematical bold")
            << u"alice"_s << u"\U0001D41A\U0001D425\U0001D422\U0001D41C\U0001D41E"_s << true;
    QTest::addRow("ligature") << u"office"_s << u"o\uFB03ce"_s << true;
    QTest::addRow("dotless i") << u"alice"_s << u"al\u0131ce"_s << true;
    QTest::addRow("zero-width") << u"alice"_s << u"alice\u200B"_s << true;
    QTest::addRow("bidi") << u"alice"_s << u"\u202Dalice\u202C"_s << true;
    QTest::addRow("variation selector") << u"alice"_s << u"alice\uFE0F"_s << true;
    QTest::addRow("spaces") << u"a b"_s << u"a\u3000 b"_s << true;
    QTest::addRow("NFC vs NFD") << u"jos\u00E9"_s << u"JOSE\u0301"_s << true;
    QTest::addRow("cyrillic yo vs e diaeresis") << u"\u00EB"_s << u"\u0451"_s << true;
    // Different people.
    QTest::addRow("other name") << u"alice"_s << u"bob"_s << false;
    QTest::addRow("accent matters") << u"jose"_s << u"jos\u00E9"_s << false;
    QTest::addRow("suffix") << u"alice"_s << u"alice (2)"_s << false;
    QTest::addRow("space matters") << u"alice"_s << u"al ice"_s << false;
    QTest::addRow("real cyrillic word") << u"\u0412\u0430\u043D\u044F"_s << u"Bahr"_s << false;
}

void tst_ChatNames::skeleton()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, same);
    QCOMPARE(Names::skeleton(a) == Names::skeleton(b), same);
    // Stable: a skeleton is its own skeleton.
    QCOMPARE(Names::skeleton(Names::skeleton(a)), Names::skeleton(a));
}

void tst_ChatNames::registrySuffixesLookAlikes_data()
{
    QTest::addColumn<QString>("later");
    QTest::addColumn<QString>("given");

    QTest::addRow("same") << u"alice"_s << u"alice (2)"_s;
    QTest::addRow("capital") << u"Alice"_s << u"Alice (2)"_s;
    QTest::addRow("cyrillic a") << u"\u0430lice"_s << u"\u0430lice (2)"_s;
    QTest::addRow("fullwidth") << u"\uFF41lice"_s << u"\uFF41lice (2)"_s;
    QTest::addRow("greek epsilon")
            << u"alic\u03B5"_s << u"alic\u03B5"_s; // ε is no e: not confusable
    QTest::addRow("other") << u"bob"_s << u"bob"_s;
}

void tst_ChatNames::registrySuffixesLookAlikes()
{
    QFETCH(QString, later);
    QFETCH(QString, given);
    Names::Registry names;
    QCOMPARE(names.claim(u"alice"_s, MaxName), u"alice"_s);
    QCOMPARE(names.claim(later, MaxName), given);
    QVERIFY(names.isTaken(u"ALICE"_s));
}

void tst_ChatNames::registryReleases()
{
    Names::Registry names;
    QCOMPARE(names.claim(u"alice"_s, MaxName), u"alice"_s);
    QCOMPARE(names.claim(u"alice"_s, MaxName), u"alice (2)"_s);
    QCOMPARE(names.claim(u"alice"_s, MaxName), u"alice (3)"_s);
    names.release(u"alice"_s);
    QVERIFY(!names.isTaken(u"alice"_s));
    QCOMPARE(names.claim(u"Alice"_s, MaxName), u"Alice"_s);
    // The next number, not the lowest freed one.
    names.release(u"alice (2)"_s);
    QCOMPARE(names.claim(u"alice"_s, MaxName), u"alice (4)"_s);
    // A name that is someone's suffixed name is taken like any other.
    QCOMPARE(names.claim(u"alice (3)"_s, MaxName), u"alice (3) (2)"_s);
    // A long name is cut so that its suffix fits.
    const QString longName(MaxName, u'x');
    QCOMPARE(names.claim(longName, MaxName), longName);
    const QString second = names.claim(longName, MaxName);
    QCOMPARE(second, QString(MaxName - 4, u'x') + u" (2)"_s);
    QCOMPARE(second.size(), MaxName);
    // Everything released: nothing left behind.
    for (const QString &name :
         {u"Alice"_s, u"alice (3)"_s, u"alice (4)"_s, u"alice (3) (2)"_s, longName, second})
        names.release(name);
    QCOMPARE(names.size(), 0);
    QCOMPARE(names.claim(u"alice"_s, MaxName), u"alice"_s);
    QCOMPARE(names.claim(u"alice"_s, MaxName), u"alice (2)"_s);
}

void tst_ChatNames::registrySameNameManyTimes()
{
    // 2,000 connections asking for one name each get a name of their own. (Before the
    // registry every claim tested every suffix below its own: quadratic.)
    constexpr int Count = 2000;
    Names::Registry names;
    QSet<QString> given;
    QSet<QString> skeletons;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < Count; ++i) {
        const QString name = names.claim(i % 2 ? u"alice"_s : u"\u0430lice"_s, MaxName);
        given.insert(name);
        skeletons.insert(Names::skeleton(name));
    }
    qInfo("%d claims of one name: %lld ms", Count, qlonglong(timer.elapsed()));
    QCOMPARE(given.size(), Count);
    QCOMPARE(skeletons.size(), Count);
    QCOMPARE(names.size(), Count);
}

QTEST_GUILESS_MAIN(tst_ChatNames)
#include "tst_chatnames.moc"
