// SPDX-License-Identifier: MIT
#include "json.h"
#include "socketiopacket.h"

#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab;
using namespace Confab::SocketIo;
using Protocol::ErrorCode;

using ByteList = QList<QByteArray>;

namespace {
const QByteArray bin1234 = QByteArray("\x01\x02\x03\x04", 4);
} // namespace

class tst_SocketIoPacket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encodeDecode_data();
    void encodeDecode();
    void decodeOnly_data();
    void decodeOnly();
    void invalid_data();
    void invalid();
    void incremental();
    void incrementalErrors_data();
    void incrementalErrors();
    void decoderRecoversAfterError();
    void helpers();
    void largeAndUnicode();
    void toEngineIoPackets_data();
    void toEngineIoPackets();
};

void tst_SocketIoPacket::encodeDecode_data()
{
    QTest::addColumn<Packet>("packet");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<ByteList>("attachments");

    // Every example of the Socket.IO v5 specification (wire form without Engine.IO's '4').
    QTest::addRow("connect /") << Packet::connect() << "0"_ba << ByteList{};
    QTest::addRow("connect with auth")
            << Packet::connect(u"/"_s, QVariantMap{{u"token"_s, u"123"_s}})
            << R"(0{"token":"123"})"_ba << ByteList{};
    QTest::addRow("connect /admin with auth")
            << Packet::connect(u"/admin"_s, QVariantMap{{u"token"_s, u"123"_s}})
            << R"(0/admin,{"token":"123"})"_ba << ByteList{};
    QTest::addRow("connect reply")
            << Packet::connect(u"/"_s, QVariantMap{{u"sid"_s, u"wZX3oN0bSVIhsaknAAAI"_s}})
            << R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})"_ba << ByteList{};
    QTest::addRow("connect reply /admin")
            << Packet::connect(u"/admin"_s, QVariantMap{{u"sid"_s, u"oSO0OpakMV_3jnilAAAA"_s}})
            << R"(0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})"_ba << ByteList{};
    QTest::addRow("connect_error") << Packet::connectError(u"/"_s, u"Not authorized"_s)
                                   << R"(4{"message":"Not authorized"})"_ba << ByteList{};
    QTest::addRow("connect_error invalid namespace")
            << Packet::connectError(u"/random"_s, u"Invalid namespace"_s)
            << R"(4/random,{"message":"Invalid namespace"})"_ba << ByteList{};
    QTest::addRow("connect_error with data")
            << Packet::connectError(u"/"_s, u"no"_s, QVariantMap{{u"retry"_s, false}})
            << R"(4{"data":{"retry":false},"message":"no"})"_ba << ByteList{};
    QTest::addRow("connect_error string (python-socketio)")
            << Packet{PacketType::ConnectError, u"/random"_s, {}, u"Unable to connect"_s}
            << R"(4/random,"Unable to connect")"_ba << ByteList{};
    QTest::addRow("disconnect") << Packet::disconnect() << "1"_ba << ByteList{};
    QTest::addRow("disconnect /admin")
            << Packet::disconnect(u"/admin"_s) << "1/admin,"_ba << ByteList{};
    QTest::addRow("event") << Packet::event(u"hey"_s, {u"Jude"_s}) << R"(2["hey","Jude"])"_ba
                           << ByteList{};
    QTest::addRow("event /admin") << Packet::event(u"bar"_s, {}, u"/admin"_s)
                                  << R"(2/admin,["bar"])"_ba << ByteList{};
    QTest::addRow("event with ack id")
            << Packet::event(u"foo"_s, {}, u"/"_s, 12) << R"(212["foo"])"_ba << ByteList{};
    QTest::addRow("event with ack id 0")
            << Packet::event(u"x"_s, {}, u"/"_s, 0) << R"(20["x"])"_ba << ByteList{};
    QTest::addRow("event /admin with ack id") << Packet::event(u"tellme"_s, {}, u"/admin"_s, 1)
                                              << R"(2/admin,1["tellme"])"_ba << ByteList{};
    QTest::addRow("event with mixed args") << Packet::event(
            u"message"_s, {qint64(1), u"2"_s, QVariantMap{{u"3"_s, QVariantList{true}}}})
                                           << R"(2["message",1,"2",{"3":[true]}])"_ba << ByteList{};
    QTest::addRow("ack /admin") << Packet::ack(13, {u"bar"_s}, u"/admin"_s)
                                << R"(3/admin,13["bar"])"_ba << ByteList{};
    QTest::addRow("ack without args") << Packet::ack(456, {}) << R"(3456[])"_ba << ByteList{};
    QTest::addRow("ack with mixed args")
            << Packet::ack(456, {qint64(1), u"2"_s, QVariantMap{{u"3"_s, QVariantList{false}}}})
            << R"(3456[1,"2",{"3":[false]}])"_ba << ByteList{};
    QTest::addRow("binary event") << Packet::event(u"baz"_s, {bin1234})
                                  << R"(51-["baz",{"_placeholder":true,"num":0}])"_ba
                                  << ByteList{bin1234};
    QTest::addRow("binary event /admin, two attachments")
            << Packet::event(u"baz"_s, {"\x01"_ba, "\x02"_ba}, u"/admin"_s)
            << R"(52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])"_ba
            << ByteList{"\x01"_ba, "\x02"_ba};
    QTest::addRow("binary event with ack id")
            << Packet::event(u"message-with-ack"_s, {"\x01\x02\x03"_ba, "\x04\x05\x06"_ba}, u"/"_s,
                             789)
            << R"(52-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])"_ba
            << ByteList{"\x01\x02\x03"_ba, "\x04\x05\x06"_ba};
    QTest::addRow("binary ack") << Packet::ack(15, {u"bar"_s, bin1234})
                                << R"(61-15["bar",{"_placeholder":true,"num":0}])"_ba
                                << ByteList{bin1234};
    QTest::addRow("binary ack /admin")
            << Packet::ack(1, {bin1234}, u"/admin"_s)
            << R"(61-/admin,1[{"_placeholder":true,"num":0}])"_ba << ByteList{bin1234};
    QTest::addRow("binary deep in the tree")
            << Packet::event(u"x"_s,
                             {QVariantMap{{u"a"_s, QVariantList{QVariantMap{{u"b"_s, bin1234}}}}}})
            << R"(51-["x",{"a":[{"b":{"_placeholder":true,"num":0}}]}])"_ba << ByteList{bin1234};
    QTest::addRow("empty binary") << Packet::event(u"x"_s, {QByteArray()})
                                  << R"(51-["x",{"_placeholder":true,"num":0}])"_ba
                                  << ByteList{QByteArray()};
    QTest::addRow("utf-8")
            << Packet::event(u"message"_s, {u"€ 中文 😀"_s})
            << "2[\"message\",\"\xe2\x82\xac \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80\"]"_ba
            << ByteList{};
    QTest::addRow("numeric event name")
            << Packet{PacketType::Event, u"/"_s, {}, QVariantList{qint64(5), u"x"_s}}
            << R"(2[5,"x"])"_ba << ByteList{};
    QTest::addRow("null argument")
            << Packet::event(u"x"_s, {Json::null()}) << R"(2["x",null])"_ba << ByteList{};
}

void tst_SocketIoPacket::encodeDecode()
{
    QFETCH(Packet, packet);
    QFETCH(QByteArray, text);
    QFETCH(ByteList, attachments);

    const Encoded encoded = encode(packet);
    QCOMPARE(encoded.text, text);
    QCOMPARE(encoded.attachments, attachments);

    const auto decoded = decode(text, attachments);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().toString()));
    Packet expected = packet;
    if (!attachments.isEmpty())
        expected.type = packet.isEventLike() ? PacketType::BinaryEvent : PacketType::BinaryAck;
    QCOMPARE(decoded->type, expected.type);
    QCOMPARE(decoded->nsp, expected.nsp);
    QCOMPARE(decoded->id, expected.id);
    // Re-encoding what was decoded gives the same bytes: nothing was lost or reordered.
    QCOMPARE(encode(*decoded), encoded);

    // The incremental decoder gives the same packet, with the attachments fed one by one.
    Decoder decoder;
    auto step = decoder.addText(text);
    QVERIFY(step.ok());
    for (const QByteArray &attachment : attachments) {
        QVERIFY(!step->has_value());
        QVERIFY(decoder.isAwaitingAttachments());
        step = decoder.addBinary(attachment);
        QVERIFY(step.ok());
    }
    QVERIFY(step->has_value());
    QVERIFY(!decoder.isAwaitingAttachments());
    QCOMPARE(encode(**step), encoded);
}

void tst_SocketIoPacket::decodeOnly_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Packet>("packet");

    // The namespace also ends at the end of the packet (the reference parser; the suite sends
    // these).
    QTest::addRow("connect namespace without comma")
            << "0/custom"_ba << Packet::connect(u"/custom"_s);
    QTest::addRow("disconnect namespace without comma")
            << "1/custom"_ba << Packet::disconnect(u"/custom"_s);
    QTest::addRow("python client connect") << "0{}"_ba << Packet::connect(u"/"_s, QVariantMap{});
    QTest::addRow("python client connect /chat")
            << "0/chat,{}"_ba << Packet::connect(u"/chat"_s, QVariantMap{});
    QTest::addRow("whitespace in JSON")
            << R"(2[ "a" , 1 ])"_ba << Packet::event(u"a"_s, {qint64(1)});
    QTest::addRow("namespace with query (v4 clients)")
            << "0/admin?token=1234,"_ba << Packet::connect(u"/admin?token=1234"_s);
    QTest::addRow("float argument") << R"(2["a",1.5])"_ba << Packet::event(u"a"_s, {1.5});
    QTest::addRow("placeholder in a text packet stays an object")
            << R"(2["a",{"_placeholder":true,"num":0}])"_ba
            << Packet::event(u"a"_s,
                             {QVariantMap{{u"_placeholder"_s, true}, {u"num"_s, qint64(0)}}});
    QTest::addRow("max ack id") << R"(29007199254740991["a"])"_ba
                                << Packet::event(u"a"_s, {}, u"/"_s, 9007199254740991LL);
}

void tst_SocketIoPacket::decodeOnly()
{
    QFETCH(QByteArray, text);
    QFETCH(Packet, packet);
    const auto decoded = decode(text);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().toString()));
    QCOMPARE(*decoded, packet);
}

void tst_SocketIoPacket::invalid_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<ErrorCode>("code");

    // Malformed framing.
    QTest::addRow("empty") << QByteArray() << ErrorCode::Empty;
    QTest::addRow("unknown type 7") << "7"_ba << ErrorCode::UnknownPacketType;
    QTest::addRow("unknown type letters (suite: 4abc)") << "abc"_ba << ErrorCode::UnknownPacketType;
    QTest::addRow("invalid utf-8") << "2[\"\xff\"]"_ba << ErrorCode::InvalidUtf8;
    QTest::addRow("invalid utf-8 in namespace") << "0/\xc0,"_ba << ErrorCode::InvalidUtf8;
    // Bad JSON.
    QTest::addRow("bad JSON (suite: 42abc[...])")
            << R"(2abc["message-with-ack",1])"_ba << ErrorCode::InvalidJson;
    QTest::addRow("truncated JSON") << R"(2["a")"_ba << ErrorCode::InvalidJson;
    QTest::addRow("trailing data") << R"(2["a"]])"_ba << ErrorCode::InvalidJson;
    QTest::addRow("two values") << R"(2["a"],["b"])"_ba << ErrorCode::InvalidJson;
    // Wrong payload shape for the type.
    QTest::addRow("event object (suite: 42{})") << "2{}"_ba << ErrorCode::InvalidPayload;
    QTest::addRow("event empty array") << "2[]"_ba << ErrorCode::InvalidPayload;
    QTest::addRow("event without payload") << "2"_ba << ErrorCode::InvalidPayload;
    QTest::addRow("event name boolean") << "2[true]"_ba << ErrorCode::InvalidPayload;
    QTest::addRow("event name object") << R"(2[{}])"_ba << ErrorCode::InvalidPayload;
    QTest::addRow("reserved event connect") << R"(2["connect"])"_ba << ErrorCode::InvalidPayload;
    QTest::addRow("reserved event disconnecting")
            << R"(2["disconnecting"])"_ba << ErrorCode::InvalidPayload;
    QTest::addRow("connect with array") << "0[1]"_ba << ErrorCode::InvalidPayload;
    QTest::addRow("connect with string") << R"(0"x")"_ba << ErrorCode::InvalidPayload;
    QTest::addRow("disconnect with payload") << "1{}"_ba << ErrorCode::InvalidPayload;
    QTest::addRow("connect_error without payload") << "4"_ba << ErrorCode::InvalidPayload;
    QTest::addRow("connect_error with number") << "4/a,1"_ba << ErrorCode::InvalidPayload;
    QTest::addRow("ack with object") << "31{}"_ba << ErrorCode::InvalidPayload;
    // Ack ids.
    QTest::addRow("ack without id") << R"(3["x"])"_ba << ErrorCode::InvalidAckId;
    QTest::addRow("negative ack id") << R"(2-1["x"])"_ba << ErrorCode::InvalidAckId;
    QTest::addRow("negative ack id after namespace")
            << R"(2/a,-5["x"])"_ba << ErrorCode::InvalidAckId;
    QTest::addRow("ack id over 2^53-1")
            << R"(29007199254740992["x"])"_ba << ErrorCode::InvalidAckId;
    QTest::addRow("huge ack id") << R"(299999999999999999999999999["x"])"_ba
                                 << ErrorCode::InvalidAckId;
    // Attachment counts.
    QTest::addRow("binary without count") << R"(5["x"])"_ba << ErrorCode::InvalidAttachmentCount;
    QTest::addRow("binary without dash") << R"(51["x"])"_ba << ErrorCode::InvalidAttachmentCount;
    QTest::addRow("binary count zero") << R"(50-["x"])"_ba << ErrorCode::InvalidAttachmentCount;
    QTest::addRow("binary count letters") << R"(5a-["x"])"_ba << ErrorCode::InvalidAttachmentCount;
    QTest::addRow("binary count huge") << R"(599999-["x"])"_ba << ErrorCode::InvalidAttachmentCount;
    QTest::addRow("too many attachments") << R"(511-["x"])"_ba << ErrorCode::TooManyAttachments;
    QTest::addRow("binary ack without count")
            << R"(6["x"])"_ba << ErrorCode::InvalidAttachmentCount;
    // Limits.
    QTest::addRow("too deep") << "2[\"x\"," + QByteArray(100, '[') + QByteArray(100, ']') + "]"
                              << ErrorCode::TooDeep;
    QTest::addRow("oversized") << "2[\"" + QByteArray(1'000'000, 'x') + "\"]"
                               << ErrorCode::PayloadTooLarge;
    QTest::addRow("attachment count mismatch")
            << R"(51-["x",{"_placeholder":true,"num":0}])"_ba << ErrorCode::InvalidAttachmentCount;
}

void tst_SocketIoPacket::invalid()
{
    QFETCH(QByteArray, text);
    QFETCH(ErrorCode, code);

    const auto decoded = decode(text);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, code);
    QVERIFY(!decoded.error().detail.isEmpty());

    // The incremental decoder agrees, except that it waits for the attachments that the
    // one-shot decode was not given.
    Decoder decoder;
    const auto step = decoder.addText(text);
    if (step.ok()) {
        QCOMPARE(code, ErrorCode::InvalidAttachmentCount);
        QVERIFY(decoder.isAwaitingAttachments());
        return;
    }
    QCOMPARE(step.error().code, code);
}

void tst_SocketIoPacket::incremental()
{
    Decoder decoder;
    // The suite's binary message: text, then two binary frames.
    auto step = decoder.addText(
            R"(52-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
    QVERIFY(step.ok());
    QVERIFY(!step->has_value());
    step = decoder.addBinary("\x01\x02\x03"_ba);
    QVERIFY(step.ok());
    QVERIFY(!step->has_value());
    step = decoder.addBinary("\x04\x05\x06"_ba);
    QVERIFY(step.ok());
    QVERIFY(step->has_value());
    const Packet &packet = **step;
    QCOMPARE(packet.type, PacketType::BinaryEvent);
    QCOMPARE(packet.eventName(), u"message"_s);
    QCOMPARE(packet.arguments(), (QVariantList{"\x01\x02\x03"_ba, "\x04\x05\x06"_ba}));

    // Then a plain packet decodes at once.
    step = decoder.addText(R"(2["next"])");
    QVERIFY(step.ok() && step->has_value());
    QCOMPARE((*step)->eventName(), u"next"_s);
}

void tst_SocketIoPacket::incrementalErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<ByteList>("frames"); // "T:..." text, otherwise binary
    QTest::addColumn<ErrorCode>("code");

    QTest::addRow("binary with nothing pending")
            << QByteArray() << ByteList{"\x01"_ba} << ErrorCode::UnexpectedBinary;
    QTest::addRow("text while awaiting attachments")
            << R"(51-["x",{"_placeholder":true,"num":0}])"_ba << ByteList{"T:2[\"y\"]"_ba}
            << ErrorCode::MissingAttachment;
    QTest::addRow("placeholder num out of range")
            << R"(51-["x",{"_placeholder":true,"num":1}])"_ba << ByteList{"\x01"_ba}
            << ErrorCode::InvalidPlaceholder;
    QTest::addRow("placeholder num negative")
            << R"(51-["x",{"_placeholder":true,"num":-1}])"_ba << ByteList{"\x01"_ba}
            << ErrorCode::InvalidPlaceholder;
    QTest::addRow("placeholder num fractional")
            << R"(51-["x",{"_placeholder":true,"num":0.5}])"_ba << ByteList{"\x01"_ba}
            << ErrorCode::InvalidPlaceholder;
    QTest::addRow("placeholder num string") << R"(51-["x",{"_placeholder":true,"num":"0"}])"_ba
                                            << ByteList{"\x01"_ba} << ErrorCode::InvalidPlaceholder;
    QTest::addRow("attachment referenced twice (found by the fuzzer)")
            << R"(51-["x",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}])"_ba
            << ByteList{"\x01"_ba} << ErrorCode::InvalidPlaceholder;
    QTest::addRow("placeholder without num")
            << R"(51-["x",{"_placeholder":true}])"_ba << ByteList{"\x01"_ba}
            << ErrorCode::InvalidPlaceholder;
    QTest::addRow("attachment too large")
            << R"(51-["x",{"_placeholder":true,"num":0}])"_ba
            << ByteList{QByteArray(1'000'001, 'x')} << ErrorCode::PayloadTooLarge;
}

void tst_SocketIoPacket::incrementalErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(ByteList, frames);
    QFETCH(ErrorCode, code);

    Decoder decoder;
    Protocol::Result<std::optional<Packet>> step = std::optional<Packet>();
    if (!text.isEmpty()) {
        step = decoder.addText(text);
        QVERIFY(step.ok());
    }
    for (const QByteArray &frame : frames) {
        step = frame.startsWith("T:") ? decoder.addText(frame.mid(2)) : decoder.addBinary(frame);
        if (!step.ok())
            break;
    }
    QVERIFY(!step.ok());
    QCOMPARE(step.error().code, code);
    QVERIFY(!decoder.isAwaitingAttachments());
}

void tst_SocketIoPacket::decoderRecoversAfterError()
{
    Decoder decoder;
    QVERIFY(!decoder.addText("9").ok());
    const auto step = decoder.addText(R"(2["ok"])");
    QVERIFY(step.ok() && step->has_value());
    QCOMPARE((*step)->eventName(), u"ok"_s);
}

void tst_SocketIoPacket::helpers()
{
    QVERIFY(isReservedEventName(u"connect"));
    QVERIFY(isReservedEventName(u"removeListener"));
    QVERIFY(!isReservedEventName(u"message"));
    QVERIFY(hasBinary(QVariantList{1, QVariantMap{{u"a"_s, QByteArray()}}}));
    QVERIFY(!hasBinary(QVariantList{1, QVariantMap{{u"a"_s, u"b"_s}}}));

    const Packet event = Packet::event(u"chat"_s, {1, 2});
    QCOMPARE(event.eventName(), u"chat"_s);
    QCOMPARE(event.arguments(), (QVariantList{1, 2}));
    const Packet ack = Packet::ack(3, {u"x"_s});
    QCOMPARE(ack.eventName(), QString());
    QCOMPARE(ack.arguments(), QVariantList{u"x"_s});

    // An explicit BinaryEvent without binary data is sent as a plain event.
    Packet wrong = event;
    wrong.type = PacketType::BinaryEvent;
    QCOMPARE(encode(wrong).text, R"(2["chat",1,2])"_ba);
}

void tst_SocketIoPacket::largeAndUnicode()
{
    const QString big = QString(500'000, u'中'); // 1.5 MB of UTF-8
    const Encoded encoded = encode(Packet::event(u"big"_s, {big}));
    Protocol::Limits limits;
    limits.maxPayload = 2'000'000;
    const auto decoded = decode(encoded.text, {}, limits);
    QVERIFY(decoded.ok());
    QCOMPARE(decoded->arguments().first().toString(), big);
    QCOMPARE(decode(encoded.text).error().code, ErrorCode::PayloadTooLarge);
}

void tst_SocketIoPacket::toEngineIoPackets_data()
{
    QTest::addColumn<Packet>("packet");
    QTest::addColumn<QList<EngineIo::Packet>>("expected");

    QTest::addRow("event") << Packet::event(u"hi"_s, {1})
                           << QList<EngineIo::Packet>{EngineIo::Packet::message("2[\"hi\",1]")};
    QTest::addRow("connect") << Packet::connect(u"/admin"_s)
                             << QList<EngineIo::Packet>{EngineIo::Packet::message("0/admin,")};
    QTest::addRow("binary event: text, then each attachment in order")
            << Packet::event(u"up"_s, {bin1234, QByteArray("x")}, u"/"_s, 7)
            << QList<EngineIo::Packet>{
                       EngineIo::Packet::message("52-7[\"up\",{\"_placeholder\":true,\"num\":0},"
                                                 "{\"_placeholder\":true,\"num\":1}]"),
                       EngineIo::Packet::binaryMessage(bin1234),
                       EngineIo::Packet::binaryMessage("x")};
    QTest::addRow("binary ack") << Packet::ack(3, {bin1234})
                                << QList<EngineIo::Packet>{
                                           EngineIo::Packet::message(
                                                   "61-3[{\"_placeholder\":true,\"num\":0}]"),
                                           EngineIo::Packet::binaryMessage(bin1234)};
}

void tst_SocketIoPacket::toEngineIoPackets()
{
    QFETCH(Packet, packet);
    QFETCH(QList<EngineIo::Packet>, expected);
    QCOMPARE(SocketIo::toEngineIoPackets(packet), expected);
}

QTEST_APPLESS_MAIN(tst_SocketIoPacket)
#include "tst_socketiopacket.moc"
