// SPDX-License-Identifier: MIT
#include "engineiopayload.h"

#include <QtCore/QFile>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab;
using namespace Confab::EngineIo;
using Protocol::ErrorCode;

using PacketList = QList<Packet>;

class tst_EngineIoPayload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void v4_data();
    void v4();
    void v4Invalid_data();
    void v4Invalid();
    void v3Text_data();
    void v3Text();
    void v3TextInvalid_data();
    void v3TextInvalid();
    void v3Binary_data();
    void v3Binary();
    void v3BinaryInvalid_data();
    void v3BinaryInvalid();
    void largePayload();
    void fixtures();
};

void tst_EngineIoPayload::v4_data()
{
    QTest::addColumn<PacketList>("packets");
    QTest::addColumn<QByteArray>("wire");

    QTest::addRow("one text packet") << PacketList{Packet::message("hello"_ba)} << "4hello"_ba;
    QTest::addRow("several text packets")
            << PacketList{Packet::message("test1"_ba), Packet::message("test2"_ba),
                          Packet::message("test3"_ba)}
            << "4test1\x1e"
               "4test2\x1e"
               "4test3"_ba;
    QTest::addRow("text and binary")
            << PacketList{Packet::message("hello"_ba), Packet::binaryMessage("\x01\x02\x03\x04"_ba)}
            << "4hello\x1e"
               "bAQIDBA=="_ba;
    QTest::addRow("ping and message")
            << PacketList{Packet::of(PacketType::Ping), Packet::message(u"€"_s.toUtf8())}
            << "2\x1e"
               "4\xe2\x82\xac"_ba;
    QTest::addRow("noop") << PacketList{Packet::of(PacketType::Noop)} << "6"_ba;
    QTest::addRow("close") << PacketList{Packet::of(PacketType::Close)} << "1"_ba;
    QTest::addRow("empty binary") << PacketList{Packet::binaryMessage({})} << "b"_ba;
    QTest::addRow("socket.io over polling")
            << PacketList{Packet::message(R"(2["hello"])"_ba), Packet::message(R"(2["world"])"_ba)}
            << R"(42["hello"])"
               "\x1e"
               R"(42["world"])"_ba;
    QTest::addRow("emoji and CJK")
            << PacketList{Packet::message(u"😀中文"_s.toUtf8())} << "4"_ba + u"😀中文"_s.toUtf8();
}

void tst_EngineIoPayload::v4()
{
    QFETCH(PacketList, packets);
    QFETCH(QByteArray, wire);
    QCOMPARE(Payload::encode(packets), wire);
    const auto decoded = Payload::decode(wire);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().toString()));
    QCOMPARE(*decoded, packets);
}

void tst_EngineIoPayload::v4Invalid_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<ErrorCode>("code");

    QTest::addRow("empty") << QByteArray() << ErrorCode::Empty;
    QTest::addRow("invalid packet") << "abc"_ba << ErrorCode::UnknownPacketType;
    QTest::addRow("empty record") << "4a\x1e\x1e"
                                     "4b"_ba
                                  << ErrorCode::MalformedPayload;
    QTest::addRow("trailing separator") << "4a\x1e"_ba << ErrorCode::MalformedPayload;
    QTest::addRow("leading separator") << "\x1e"
                                          "4a"_ba
                                       << ErrorCode::MalformedPayload;
    QTest::addRow("bad base64") << "bAQ!D"_ba << ErrorCode::InvalidBase64;
    QTest::addRow("space in base64") << "bAQ ID"_ba << ErrorCode::InvalidBase64;
    QTest::addRow("invalid utf-8") << "4\xc3\x28"_ba << ErrorCode::InvalidUtf8;
    QTest::addRow("second packet invalid") << "4ok\x1e"
                                              "9"_ba
                                           << ErrorCode::UnknownPacketType;
    QTest::addRow("oversized") << QByteArray(1'000'001, '4') << ErrorCode::PayloadTooLarge;
}

void tst_EngineIoPayload::v4Invalid()
{
    QFETCH(QByteArray, wire);
    QFETCH(ErrorCode, code);
    const auto decoded = Payload::decode(wire);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, code);
}

void tst_EngineIoPayload::v3Text_data()
{
    QTest::addColumn<PacketList>("packets");
    QTest::addColumn<QByteArray>("wire");

    QTest::addRow("one") << PacketList{Packet::message("hello"_ba)} << "6:4hello"_ba;
    // Lengths count UTF-16 code units: "4€" is 2, "4😀" is 3 (a surrogate pair).
    QTest::addRow("euro") << PacketList{Packet::message("hello"_ba),
                                        Packet::message(u"€"_s.toUtf8())}
                          << "6:4hello2:4\xe2\x82\xac"_ba;
    QTest::addRow("emoji") << PacketList{Packet::message(u"😀"_s.toUtf8())}
                           << "3:4\xf0\x9f\x98\x80"_ba;
    QTest::addRow("binary as b4") << PacketList{Packet::binaryMessage("\x01\x02\x03\x04"_ba)}
                                  << "10:b4AQIDBA=="_ba;
    QTest::addRow("noop") << PacketList{Packet::of(PacketType::Noop)} << "1:6"_ba;
    QTest::addRow("close") << PacketList{Packet::of(PacketType::Close)} << "1:1"_ba;
    QTest::addRow("open and connect")
            << PacketList{Packet::of(PacketType::Open, R"({"sid":"a"})"_ba),
                          Packet::message("0"_ba)}
            << R"(12:0{"sid":"a"}2:40)"_ba;
}

void tst_EngineIoPayload::v3Text()
{
    QFETCH(PacketList, packets);
    QFETCH(QByteArray, wire);
    QCOMPARE(Payload::encodeV3Text(packets), wire);
    const auto decoded = Payload::decodeV3Text(wire);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().toString()));
    QCOMPARE(*decoded, packets);
}

void tst_EngineIoPayload::v3TextInvalid_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<ErrorCode>("code");

    QTest::addRow("empty") << QByteArray() << ErrorCode::Empty;
    QTest::addRow("no length") << ":4hello"_ba << ErrorCode::MalformedPayload;
    QTest::addRow("no colon") << "64hello"_ba << ErrorCode::MalformedPayload;
    QTest::addRow("letter in length") << "6a:4hello"_ba << ErrorCode::MalformedPayload;
    QTest::addRow("too short") << "7:4hello"_ba << ErrorCode::MalformedPayload;
    QTest::addRow("huge length") << "99999999999:4"_ba << ErrorCode::MalformedPayload;
    QTest::addRow("splits a surrogate pair")
            << "2:4\xf0\x9f\x98\x80"_ba << ErrorCode::MalformedPayload;
    QTest::addRow("bad type") << "1:9"_ba << ErrorCode::UnknownPacketType;
    QTest::addRow("b without type") << "1:b"_ba << ErrorCode::UnknownPacketType;
    QTest::addRow("bad base64") << "4:b4A!"_ba << ErrorCode::InvalidBase64;
    QTest::addRow("invalid utf-8") << "2:4\xff"_ba << ErrorCode::InvalidUtf8;
}

void tst_EngineIoPayload::v3TextInvalid()
{
    QFETCH(QByteArray, wire);
    QFETCH(ErrorCode, code);
    const auto decoded = Payload::decodeV3Text(wire);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, code);
}

void tst_EngineIoPayload::v3Binary_data()
{
    QTest::addColumn<PacketList>("packets");
    QTest::addColumn<QByteArray>("wire");

    // The exact bytes the Engine.IO v3 test suite expects.
    QTest::addRow("text and binary")
            << PacketList{Packet::message("hello"_ba), Packet::binaryMessage("\x01\x02\x03\x04"_ba)}
            << QByteArray::fromHex("0006ff3468656c6c6f0105ff0401020304");
    // Lengths are bytes here, not UTF-16 units.
    QTest::addRow("utf-8 text") << PacketList{Packet::message(u"€"_s.toUtf8())}
                                << QByteArray::fromHex("0004ff34e282ac");
    QTest::addRow("ten bytes") << PacketList{Packet::binaryMessage(QByteArray(9, 'x'))}
                               << QByteArray::fromHex("010100ff04") + QByteArray(9, 'x');
}

void tst_EngineIoPayload::v3Binary()
{
    QFETCH(PacketList, packets);
    QFETCH(QByteArray, wire);
    QVERIFY(Payload::needsV3Binary(packets)
            == std::any_of(packets.cbegin(), packets.cend(),
                           [](const Packet &p) { return p.binary; }));
    QCOMPARE(Payload::encodeV3Binary(packets), wire);
    const auto decoded = Payload::decodeV3Binary(wire);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().toString()));
    QCOMPARE(*decoded, packets);
}

void tst_EngineIoPayload::v3BinaryInvalid_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<ErrorCode>("code");

    QTest::addRow("empty") << QByteArray() << ErrorCode::Empty;
    QTest::addRow("bad kind") << QByteArray::fromHex("0201ff34") << ErrorCode::MalformedPayload;
    QTest::addRow("no terminator") << QByteArray::fromHex("000601") << ErrorCode::MalformedPayload;
    QTest::addRow("digit over 9") << QByteArray::fromHex("000aff34") << ErrorCode::MalformedPayload;
    QTest::addRow("longer than body")
            << QByteArray::fromHex("0009ff3468") << ErrorCode::MalformedPayload;
    QTest::addRow("no digits") << QByteArray::fromHex("00ff34") << ErrorCode::MalformedPayload;
    QTest::addRow("binary ping") << QByteArray::fromHex("0101ff02") << ErrorCode::UnknownPacketType;
    QTest::addRow("text invalid utf-8")
            << QByteArray::fromHex("0002ff34ff") << ErrorCode::InvalidUtf8;
}

void tst_EngineIoPayload::v3BinaryInvalid()
{
    QFETCH(QByteArray, wire);
    QFETCH(ErrorCode, code);
    const auto decoded = Payload::decodeV3Binary(wire);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, code);
}

void tst_EngineIoPayload::largePayload()
{
    // Exactly at the limit passes, one byte over fails, in every form.
    Protocol::Limits limits;
    limits.maxPayload = 4096;
    const QByteArray atLimit = "4"_ba + QByteArray(4095, 'x');
    QVERIFY(Payload::decode(atLimit, limits).ok());
    QCOMPARE(Payload::decode(QByteArray(atLimit + "x"), limits).error().code,
             ErrorCode::PayloadTooLarge);
    const QByteArray v3 = "4096:"_ba + atLimit;
    QCOMPARE(Payload::decodeV3Text(v3, limits).error().code, ErrorCode::PayloadTooLarge);

    const PacketList many(1000, Packet::message("x"_ba));
    const auto decoded = Payload::decode(Payload::encode(many));
    QVERIFY(decoded.ok());
    QCOMPARE(decoded->size(), 1000);
}

void tst_EngineIoPayload::fixtures()
{
    // Golden payloads kept as files, byte for byte as the reference server sends them.
    QFile file(QStringLiteral(CONFAB_TEST_DATA_DIR "/engineio/polling-mixed.bin"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    const auto decoded = Payload::decode(file.readAll());
    QVERIFY(decoded.ok());
    QCOMPARE(*decoded,
             (PacketList{Packet::of(PacketType::Ping), Packet::message(R"(2["a",1])"_ba),
                         Packet::binaryMessage("\x00\xff"_ba), Packet::of(PacketType::Noop)}));
}

QTEST_APPLESS_MAIN(tst_EngineIoPayload)
#include "tst_engineiopayload.moc"
