// SPDX-License-Identifier: MIT
// confab-cli's terminal sanitiser: every control, C1 and format character a server could use to
// drive a terminal (retitle, clear, reorder text) is escaped; everything else is left alone.
#include "terminaltext.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab::Cli;

class tst_ClientTerminalText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void escapeControls_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("visible");
        QTest::addColumn<QString>("json");

        // good: left alone
        QTest::addRow("empty") << QString() << QString() << QString();
        QTest::addRow("ascii") << u"hello, world ~!"_s << u"hello, world ~!"_s
                               << u"hello, world ~!"_s;
        QTest::addRow("backslash stays") << u"a\\b"_s << u"a\\b"_s << u"a\\b"_s;
        QTest::addRow("latin, cjk") << u"café 日本"_s << u"café 日本"_s << u"café 日本"_s;
        QTest::addRow("nbsp, emoji") << u"a\u00a0b 😀"_s << u"a\u00a0b 😀"_s << u"a\u00a0b 😀"_s;
        QTest::addRow("arabic letters") << u"مرحبا"_s << u"مرحبا"_s << u"مرحبا"_s;

        // C0, DEL, C1
        QTest::addRow("osc title + clear")
                << u"\x1b]0;pwned\x07\x1b[2J"_s << u"\\x1b]0;pwned\\x07\\x1b[2J"_s
                << u"\\u001b]0;pwned\\u0007\\u001b[2J"_s;
        QTest::addRow("newline, cr, tab")
                << u"a\nb\rc\td"_s << u"a\\nb\\rc\\td"_s << u"a\\u000ab\\u000dc\\u0009d"_s;
        QTest::addRow("nul") << QString(QChar(0)) << u"\\x00"_s << u"\\u0000"_s;
        QTest::addRow("del") << u"x\x7f"_s << u"x\\x7f"_s << u"x\\u007f"_s;
        QTest::addRow("c1 csi") << u"\u009b31m"_s << u"\\x9b31m"_s << u"\\u009b31m"_s;
        QTest::addRow("c1 first, last")
                << u"\u0080\u009f"_s << u"\\x80\\x9f"_s << u"\\u0080\\u009f"_s;

        // format characters: bidi, zero-width, BOM, tags
        QTest::addRow("rlo") << u"\u202eecila"_s << u"\\u{202e}ecila"_s << u"\\u202eecila"_s;
        QTest::addRow("embeddings")
                << u"\u202a\u202b\u202c\u202d"_s << u"\\u{202a}\\u{202b}\\u{202c}\\u{202d}"_s
                << u"\\u202a\\u202b\\u202c\\u202d"_s;
        QTest::addRow("isolates") << u"\u2066\u2067\u2068\u2069"_s
                                  << u"\\u{2066}\\u{2067}\\u{2068}\\u{2069}"_s
                                  << u"\\u2066\\u2067\\u2068\\u2069"_s;
        QTest::addRow("marks") << u"\u200e\u200f\u061c"_s << u"\\u{200e}\\u{200f}\\u{061c}"_s
                               << u"\\u200e\\u200f\\u061c"_s;
        QTest::addRow("zero width")
                << u"a\u200bb\u200dc\u2060"_s << u"a\\u{200b}b\\u{200d}c\\u{2060}"_s
                << u"a\\u200bb\\u200dc\\u2060"_s;
        QTest::addRow("bom") << u"\ufeffx"_s << u"\\u{feff}x"_s << u"\\ufeffx"_s;
        QTest::addRow("line separators")
                << u"\u2028\u2029"_s << u"\\u{2028}\\u{2029}"_s << u"\\u2028\\u2029"_s;
        QTest::addRow("tag (astral)")
                << u"a\U000e0041"_s << u"a\\u{e0041}"_s << u"a\\udb40\\udc41"_s;

        // malformed: unpaired surrogates
        QTest::addRow("lone high")
                << (u"a"_s + QChar(0xd800) + u"b"_s) << u"a\\u{d800}b"_s << u"a\\ud800b"_s;
        QTest::addRow("lone low") << QString(QChar(0xdc00)) << u"\\u{dc00}"_s << u"\\udc00"_s;
    }
    void escapeControls()
    {
        QFETCH(QString, input);
        QFETCH(QString, visible);
        QFETCH(QString, json);
        QCOMPARE(Confab::Cli::escapeControls(input, EscapeStyle::Visible), visible);
        QCOMPARE(Confab::Cli::escapeControls(input, EscapeStyle::Json), json);
    }

    void jsonLineKeepsValue_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addRow("ascii") << u"plain"_s;
        QTest::addRow("terminal attack") << u"\x1b]0;t\x07\x1b[2J\u009b2J\u202e\u2066\n\x7f"_s;
        QTest::addRow("astral tag") << u"\U000e0041"_s;
        QTest::addRow("quotes and backslashes") << u"\"\\\u202e\""_s;
    }
    void jsonLineKeepsValue()
    {
        // As confab-cli prints an event: the line is safe, valid JSON, and the same value.
        QFETCH(QString, value);
        const QJsonObject object{{u"event"_s, value}, {u"args"_s, QJsonArray{value}}, {value, 1}};
        const QByteArray line
                = escapeJsonForTerminal(QJsonDocument(object).toJson(QJsonDocument::Compact));
        for (const char c : line)
            QVERIFY2(uchar(c) >= 0x20 && uchar(c) < 0x7f, line.constData());
        QJsonParseError error;
        const QJsonDocument back = QJsonDocument::fromJson(line, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(back.object(), object);
    }

    void asciiJsonIsUntouched()
    {
        const QByteArray json = R"({"event":"x","args":["\u001b",1]})";
        QCOMPARE(escapeJsonForTerminal(json), json);
    }
};

QTEST_APPLESS_MAIN(tst_ClientTerminalText)
#include "tst_client_terminaltext.moc"
