// SPDX-License-Identifier: MIT
#include "json.h"

#include <QtTest/QTest>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;
using namespace Confab;
using Protocol::ErrorCode;

class tst_Json : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stringify_data();
    void stringify();
    void binary();
    void parse_data();
    void parse();
    void parseErrors_data();
    void parseErrors();
    void roundTrip_data();
    void roundTrip();
};

void tst_Json::stringify_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QByteArray>("json");

    // Numbers: expected strings are JSON.stringify's (Node 20).
    QTest::addRow("zero") << QVariant(0.0) << "0"_ba;
    QTest::addRow("negative zero") << QVariant(-0.0) << "0"_ba;
    QTest::addRow("int") << QVariant(42) << "42"_ba;
    QTest::addRow("negative int") << QVariant(-1) << "-1"_ba;
    QTest::addRow("qint64") << QVariant(qint64(9007199254740991)) << "9007199254740991"_ba;
    QTest::addRow("uint") << QVariant(4294967295u) << "4294967295"_ba;
    QTest::addRow("double integral") << QVariant(100.0) << "100"_ba;
    QTest::addRow("1.5") << QVariant(1.5) << "1.5"_ba;
    QTest::addRow("0.1") << QVariant(0.1) << "0.1"_ba;
    QTest::addRow("0.1+0.2") << QVariant(0.1 + 0.2) << "0.30000000000000004"_ba;
    QTest::addRow("1e21") << QVariant(1e21) << "1e+21"_ba;
    QTest::addRow("1e20") << QVariant(1e20) << "100000000000000000000"_ba;
    QTest::addRow("1e-7") << QVariant(1e-7) << "1e-7"_ba;
    QTest::addRow("0.000001") << QVariant(0.000001) << "0.000001"_ba;
    QTest::addRow("1.23e-18") << QVariant(123e-20) << "1.23e-18"_ba;
    QTest::addRow("-2.5e-10") << QVariant(-2.5e-10) << "-2.5e-10"_ba;
    QTest::addRow("2^53") << QVariant(9007199254740992.0) << "9007199254740992"_ba;
    QTest::addRow("large integral")
            << QVariant(123456789012345680000.0) << "123456789012345680000"_ba;
    QTest::addRow("max double") << QVariant(1.7976931348623157e308) << "1.7976931348623157e+308"_ba;
    QTest::addRow("min denormal") << QVariant(5e-324) << "5e-324"_ba;
    QTest::addRow("NaN") << QVariant(std::numeric_limits<double>::quiet_NaN()) << "null"_ba;
    QTest::addRow("Infinity") << QVariant(std::numeric_limits<double>::infinity()) << "null"_ba;

    // Strings.
    QTest::addRow("empty string") << QVariant(u""_s) << "\"\""_ba;
    QTest::addRow("escapes") << QVariant(u"\"\\\b\f\n\r\t\u0001\u001f\u007f"_s)
                             << "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\""_ba;
    QTest::addRow("utf-8") << QVariant(u"€ 中文 😀"_s)
                           << "\"\xe2\x82\xac \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80\""_ba;
    QTest::addRow("lone surrogate")
            << QVariant(QString(QChar(0xd800)) + u"x"_s) << "\"\\ud800x\""_ba;
    QTest::addRow("lone surrogates at the ends, low before high")
            << QVariant(QString(QChar(0xdc00)) + QChar(0xd83d) + u"é"_s + QChar(0xd83d))
            << "\"\\udc00\\ud83d\xc3\xa9\\ud83d\""_ba;
    QTest::addRow("pair after a 2-byte and a 3-byte character")
            << QVariant(u"ß€😀"_s) << "\"\xc3\x9f\xe2\x82\xac\xf0\x9f\x98\x80\""_ba;
    QTest::addRow("long ascii") << QVariant(QString(300, u'a'))
                                << "\"" + QByteArray(300, 'a') + "\"";
    QTest::addRow("integers") << QVariant(
            QVariantList{qint64(-9223372036854775807LL - 1), 0, quint64(18446744073709551615ULL)})
                              << "[-9223372036854775808,0,18446744073709551615]"_ba;

    // Others.
    QTest::addRow("true") << QVariant(true) << "true"_ba;
    QTest::addRow("false") << QVariant(false) << "false"_ba;
    QTest::addRow("null") << Json::null() << "null"_ba;
    QTest::addRow("invalid is null") << QVariant() << "null"_ba;
    QTest::addRow("empty list") << QVariant(QVariantList{}) << "[]"_ba;
    QTest::addRow("empty map") << QVariant(QVariantMap{}) << "{}"_ba;
    QTest::addRow("nested") << QVariant(
            QVariantList{1, u"2"_s, QVariantMap{{u"3"_s, QVariantList{true}}}})
                            << R"([1,"2",{"3":[true]}])"_ba;
    QTest::addRow("map keys sorted")
            << QVariant(QVariantMap{{u"b"_s, 1}, {u"a"_s, 2}}) << R"({"a":2,"b":1})"_ba;
    QTest::addRow("string list") << QVariant(QStringList{u"a"_s, u"b"_s}) << R"(["a","b"])"_ba;
    QTest::addRow("bytes without attachments are base64")
            << QVariant(QByteArray("\x01\x02\x03\x04", 4)) << "\"AQIDBA==\""_ba;
}

void tst_Json::stringify()
{
    QFETCH(QVariant, value);
    QFETCH(QByteArray, json);
    QCOMPARE(Json::stringify(value), json);
}

void tst_Json::binary()
{
    QList<QByteArray> attachments;
    const QVariant value = QVariantList{u"x"_s, QByteArray("\x01"),
                                        QVariantMap{{u"deep"_s, QVariantList{QByteArray("\x02")}}}};
    QCOMPARE(Json::stringify(value, &attachments),
             R"(["x",{"_placeholder":true,"num":0},{"deep":[{"_placeholder":true,"num":1}]}])"_ba);
    QCOMPARE(attachments, (QList<QByteArray>{"\x01"_ba, "\x02"_ba}));
}

void tst_Json::parse_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QVariant>("value");

    QTest::addRow("object") << R"({"a":1})"_ba << QVariant(QVariantMap{{u"a"_s, qint64(1)}});
    QTest::addRow("array") << R"([1,"2",true,null])"_ba
                           << QVariant(QVariantList{qint64(1), u"2"_s, true, Json::null()});
    QTest::addRow("bare string") << R"("hello")"_ba << QVariant(u"hello"_s);
    QTest::addRow("bare number") << "1.5"_ba << QVariant(1.5);
    QTest::addRow("bare integer") << "7"_ba << QVariant(qint64(7));
    QTest::addRow("bare true") << "true"_ba << QVariant(true);
    QTest::addRow("bare null") << "null"_ba << Json::null();
    QTest::addRow("whitespace") << " [ 1 ] "_ba << QVariant(QVariantList{qint64(1)});
    QTest::addRow("utf-8") << "[\"\xe4\xb8\xad\xf0\x9f\x98\x80\"]"_ba
                           << QVariant(QVariantList{u"中😀"_s});
    QTest::addRow("escaped surrogate pair")
            << R"(["\ud83d\ude00"])"_ba << QVariant(QVariantList{u"😀"_s});
}

void tst_Json::parse()
{
    QFETCH(QByteArray, json);
    QFETCH(QVariant, value);
    const auto parsed = Json::parse(json);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().toString()));
    QCOMPARE(*parsed, value);
}

void tst_Json::parseErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("maxDepth");
    QTest::addColumn<ErrorCode>("code");

    QTest::addRow("empty") << ""_ba << 64 << ErrorCode::InvalidJson;
    QTest::addRow("spaces") << "   "_ba << 64 << ErrorCode::InvalidJson;
    QTest::addRow("truncated") << R"(["a")"_ba << 64 << ErrorCode::InvalidJson;
    QTest::addRow("trailing garbage") << R"(["a"]x)"_ba << 64 << ErrorCode::InvalidJson;
    QTest::addRow("two values") << R"("a","b")"_ba << 64 << ErrorCode::InvalidJson;
    QTest::addRow("bare word") << "abc"_ba << 64 << ErrorCode::InvalidJson;
    QTest::addRow("invalid utf-8") << "[\"\xff\"]"_ba << 64 << ErrorCode::InvalidUtf8;
    QTest::addRow("overlong utf-8") << "[\"\xc0\xaf\"]"_ba << 64 << ErrorCode::InvalidUtf8;
    QTest::addRow("too deep") << "[[[[1]]]]"_ba << 3 << ErrorCode::TooDeep;
    QTest::addRow("too deep objects") << R"({"a":{"b":{"c":1}}})"_ba << 2 << ErrorCode::TooDeep;
    QTest::addRow("beyond Qt's own limit")
            << QByteArray(2000, '[') + QByteArray(2000, ']') << 64 << ErrorCode::TooDeep;
}

void tst_Json::parseErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(int, maxDepth);
    QFETCH(ErrorCode, code);
    Protocol::Limits limits;
    limits.maxDepth = maxDepth;
    const auto parsed = Json::parse(json, limits);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, code);
    QVERIFY(!parsed.error().detail.isEmpty());
}

void tst_Json::roundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addRow("mixed") << R"({"a":[1,2.5,"x",null,true,{"b":[]}],"c":"€"})"_ba;
    QTest::addRow("negative and small") << R"([-1,-0.5,1e-7,1e+21])"_ba;
    QTest::addRow("escapes") << R"(["\"\\\n\u0000"])"_ba;
}

void tst_Json::roundTrip()
{
    QFETCH(QByteArray, json);
    const auto parsed = Json::parse(json);
    QVERIFY(parsed.ok());
    QCOMPARE(Json::stringify(*parsed), json);
}

QTEST_APPLESS_MAIN(tst_Json)
#include "tst_json.moc"
