// SPDX-License-Identifier: MIT
#include "engineiohandshake.h"
#include "engineiopacket.h"

#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Confab;
using namespace Confab::EngineIo;
using Protocol::ErrorCode;

class tst_EngineIoPacket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textPackets_data();
    void textPackets();
    void binaryFrames_data();
    void binaryFrames();
    void invalidText_data();
    void invalidText();
    void invalidBinary_data();
    void invalidBinary();
    void handshakeToJson_data();
    void handshakeToJson();
    void handshakeFromJson_data();
    void handshakeFromJson();
    void invalidHandshake_data();
    void invalidHandshake();
};

void tst_EngineIoPacket::textPackets_data()
{
    QTest::addColumn<Packet>("packet");
    QTest::addColumn<QByteArray>("wire");

    const QByteArray open
            = R"({"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})"_ba;
    QTest::addRow("open") << Packet::of(PacketType::Open, open) << "0"_ba + open;
    QTest::addRow("close") << Packet::of(PacketType::Close) << "1"_ba;
    QTest::addRow("ping") << Packet::of(PacketType::Ping) << "2"_ba;
    QTest::addRow("ping probe") << Packet::of(PacketType::Ping, "probe"_ba) << "2probe"_ba;
    QTest::addRow("pong") << Packet::of(PacketType::Pong) << "3"_ba;
    QTest::addRow("pong probe") << Packet::of(PacketType::Pong, "probe"_ba) << "3probe"_ba;
    QTest::addRow("message") << Packet::message("hello"_ba) << "4hello"_ba;
    QTest::addRow("empty message") << Packet::message({}) << "4"_ba;
    QTest::addRow("socket.io event")
            << Packet::message(R"(2["hey","Jude"])"_ba) << R"(42["hey","Jude"])"_ba;
    QTest::addRow("utf-8 message")
            << Packet::message(u"€ 中文 😀"_s.toUtf8()) << "4"_ba + u"€ 中文 😀"_s.toUtf8();
    QTest::addRow("upgrade") << Packet::of(PacketType::Upgrade) << "5"_ba;
    QTest::addRow("noop") << Packet::of(PacketType::Noop) << "6"_ba;
}

void tst_EngineIoPacket::textPackets()
{
    QFETCH(Packet, packet);
    QFETCH(QByteArray, wire);

    QCOMPARE(encodeText(packet), wire);
    const Frame frame = encodeFrame(packet);
    QCOMPARE(frame.bytes, wire);
    QVERIFY(!frame.binary);
    QCOMPARE(encodeFrame(packet, Version::V3), frame); // text packets are the same in v3

    const auto decoded = decodeText(wire);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().toString()));
    QCOMPARE(*decoded, packet);
    QCOMPARE(*decodeFrame(frame), packet);
}

void tst_EngineIoPacket::binaryFrames_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<Version>("version");
    QTest::addColumn<QByteArray>("wire");

    QTest::addRow("v4") << "\x01\x02\x03\x04"_ba << Version::V4 << "\x01\x02\x03\x04"_ba;
    QTest::addRow("v4 empty") << QByteArray() << Version::V4 << QByteArray();
    QTest::addRow("v4 starting with a digit") << "4abc"_ba << Version::V4 << "4abc"_ba;
    QTest::addRow("v3 type byte") << "\x01\x02\x03\x04"_ba << Version::V3
                                  << "\x04\x01\x02\x03\x04"_ba;
    QTest::addRow("v3 empty") << QByteArray() << Version::V3 << "\x04"_ba;
}

void tst_EngineIoPacket::binaryFrames()
{
    QFETCH(QByteArray, data);
    QFETCH(Version, version);
    QFETCH(QByteArray, wire);

    const Packet packet = Packet::binaryMessage(data);
    const Frame frame = encodeFrame(packet, version);
    QVERIFY(frame.binary);
    QCOMPARE(frame.bytes, wire);
    const auto decoded = decodeBinary(wire, version);
    QVERIFY(decoded.ok());
    QCOMPARE(*decoded, packet);
    QCOMPARE(*decodeFrame(frame, version), packet);
}

void tst_EngineIoPacket::invalidText_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<ErrorCode>("code");

    QTest::addRow("empty") << QByteArray() << ErrorCode::Empty;
    QTest::addRow("type 7") << "7"_ba << ErrorCode::UnknownPacketType;
    QTest::addRow("letters") << "abc"_ba << ErrorCode::UnknownPacketType;
    QTest::addRow("binary marker in a frame") << "bAQID"_ba << ErrorCode::UnknownPacketType;
    QTest::addRow("negative") << "-1"_ba << ErrorCode::UnknownPacketType;
    QTest::addRow("invalid utf-8") << "4\xff\xfe"_ba << ErrorCode::InvalidUtf8;
    QTest::addRow("truncated utf-8") << "4\xe2\x82"_ba << ErrorCode::InvalidUtf8;
    QTest::addRow("utf-16 surrogate in utf-8") << "4\xed\xa0\x80"_ba << ErrorCode::InvalidUtf8;
    QTest::addRow("oversized") << "4"_ba + QByteArray(1'000'000, 'x') << ErrorCode::PayloadTooLarge;
}

void tst_EngineIoPacket::invalidText()
{
    QFETCH(QByteArray, wire);
    QFETCH(ErrorCode, code);
    const auto decoded = decodeText(wire);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, code);
    QVERIFY(!decoded.error().detail.isEmpty());
}

void tst_EngineIoPacket::invalidBinary_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<Version>("version");
    QTest::addColumn<ErrorCode>("code");

    QTest::addRow("v3 empty") << QByteArray() << Version::V3 << ErrorCode::Empty;
    QTest::addRow("v3 ping type") << "\x02probe"_ba << Version::V3 << ErrorCode::UnknownPacketType;
    QTest::addRow("v4 oversized") << QByteArray(1'000'001, '\0') << Version::V4
                                  << ErrorCode::PayloadTooLarge;
}

void tst_EngineIoPacket::invalidBinary()
{
    QFETCH(QByteArray, wire);
    QFETCH(Version, version);
    QFETCH(ErrorCode, code);
    const auto decoded = decodeBinary(wire, version);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, code);
}

void tst_EngineIoPacket::handshakeToJson_data()
{
    QTest::addColumn<Handshake>("handshake");
    QTest::addColumn<QByteArray>("json");

    QTest::addRow("polling session")
            << Handshake{u"lv_VI97HAXpY6yYWAAAC"_s, {u"websocket"_s}, 25000ms, 20000ms, 1000000}
            << R"({"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})"_ba;
    QTest::addRow("websocket session")
            << Handshake{u"abc"_s, {}, 300ms, 200ms, 1000000}
            << R"({"sid":"abc","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000})"_ba;
    QTest::addRow("no maxPayload")
            << Handshake{u"abc"_s, {u"websocket"_s}, 300ms, 200ms, std::nullopt}
            << R"({"sid":"abc","upgrades":["websocket"],"pingInterval":300,"pingTimeout":200})"_ba;
}

void tst_EngineIoPacket::handshakeToJson()
{
    QFETCH(Handshake, handshake);
    QFETCH(QByteArray, json);
    QCOMPARE(handshake.toJson(), json);
    const auto parsed = Handshake::fromJson(json);
    QVERIFY(parsed.ok());
    QCOMPARE(*parsed, handshake);
}

void tst_EngineIoPacket::handshakeFromJson_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<Handshake>("handshake");

    // python-engineio 4.3: no maxPayload, other key order.
    QTest::addRow("python-engineio")
            << R"({"sid": "x1", "upgrades": ["websocket"], "pingTimeout": 200, "pingInterval": 300})"_ba
            << Handshake{u"x1"_s, {u"websocket"_s}, 300ms, 200ms, std::nullopt};
    QTest::addRow("huge maxPayload is clamped (found by the fuzzer)")
            << R"({"sid":"x","pingInterval":1,"pingTimeout":2,"maxPayload":1e300})"_ba
            << Handshake{u"x"_s, {}, 1ms, 2ms, 9007199254740992LL};
    QTest::addRow("fractional maxPayload is truncated")
            << R"({"sid":"x","pingInterval":1,"pingTimeout":2,"maxPayload":10.5})"_ba
            << Handshake{u"x"_s, {}, 1ms, 2ms, 10};
    QTest::addRow("extra keys ignored")
            << R"({"sid":"x","pingInterval":1,"pingTimeout":2,"extra":true})"_ba
            << Handshake{u"x"_s, {}, 1ms, 2ms, std::nullopt};
}

void tst_EngineIoPacket::handshakeFromJson()
{
    QFETCH(QByteArray, json);
    QFETCH(Handshake, handshake);
    const auto parsed = Handshake::fromJson(json);
    QVERIFY(parsed.ok());
    QCOMPARE(*parsed, handshake);
}

void tst_EngineIoPacket::invalidHandshake_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addRow("not json") << "{"_ba;
    QTest::addRow("array") << "[1]"_ba;
    QTest::addRow("no sid") << R"({"pingInterval":1,"pingTimeout":2})"_ba;
    QTest::addRow("empty sid") << R"({"sid":"","pingInterval":1,"pingTimeout":2})"_ba;
    QTest::addRow("no pingInterval") << R"({"sid":"x","pingTimeout":2})"_ba;
    QTest::addRow("string pingTimeout") << R"({"sid":"x","pingInterval":1,"pingTimeout":"2"})"_ba;
    QTest::addRow("negative ping") << R"({"sid":"x","pingInterval":-1,"pingTimeout":2})"_ba;
    QTest::addRow("huge ping") << R"({"sid":"x","pingInterval":1e12,"pingTimeout":2})"_ba;
}

void tst_EngineIoPacket::invalidHandshake()
{
    QFETCH(QByteArray, json);
    const auto parsed = Handshake::fromJson(json);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, ErrorCode::InvalidHandshake);
}

QTEST_APPLESS_MAIN(tst_EngineIoPacket)
#include "tst_engineiopacket.moc"
