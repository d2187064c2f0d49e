// SPDX-License-Identifier: MIT
// The server side of RFC 6455 framing as pure code: client frames in, messages or close codes
// out; server frame headers; UTF-8 validation; the handshake's accept key. Wire bytes are
// spelled out, starting with the RFC's own examples.
#include "http/websocketcodec.h"
#include "websockettestutil.h"

#include <QtCore/QStringDecoder>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab::WebSocket;

using namespace WebSocketTest;

namespace {

//! \a bytes with anything outside printable ASCII as %XX.
QString printable(const QByteArray &bytes)
{
    QString out;
    for (char c : bytes) {
        if (c >= 0x20 && c < 0x7f && c != '%')
            out += QLatin1Char(c);
        else
            out += u"%%1"_s.arg(uint(quint8(c)), 2, 16, QChar(u'0')).toUpper();
    }
    return out;
}

//! What decoding a stream gave, one line per event: "text:Hello", "ping:x", "close:1000:bye",
//! "frame" for a non-final fragment, "error:1002".
QStringList decodeAll(Decoder &decoder, QByteArrayView stream, qsizetype *leftOver = nullptr)
{
    QStringList events;
    qsizetype offset = 0;
    for (;;) {
        const auto result = decoder.next(stream.sliced(offset));
        offset += result.consumed;
        if (result.status == Decoder::Status::NeedMore)
            break;
        if (result.status == Decoder::Status::Error) {
            events << u"error:%1"_s.arg(decoder.errorCode());
            break;
        }
        if (result.status == Decoder::Status::Frame) {
            events << u"frame"_s;
            continue;
        }
        const QByteArray payload = decoder.payload();
        const QString text
                = payload.size() > 40 ? u"%1 bytes"_s.arg(payload.size()) : printable(payload);
        switch (decoder.opcode()) {
        case Opcode::Text:
            events << u"text:"_s + text;
            break;
        case Opcode::Binary:
            events << u"binary:"_s + text;
            break;
        case Opcode::Ping:
            events << u"ping:"_s + text;
            break;
        case Opcode::Pong:
            events << u"pong:"_s + text;
            break;
        case Opcode::Close:
            events << u"close:%1:"_s.arg(decoder.closeCode()) + text;
            break;
        case Opcode::Continuation:
            events << u"continuation?"_s;
            break;
        }
    }
    if (leftOver)
        *leftOver = stream.size() - offset;
    return events;
}

} // namespace

class tst_WebSocketCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decode_data();
    void decode();
    void decodeByteByByte_data() { decode_data(); }
    void decodeByteByByte();
    void needMoreTellsTheFrameSize();
    void oversizedRefusedOnTheHeader();
    void errorIsFinal();
    void serverFrameHeader_data();
    void serverFrameHeader();
    void closeFrameFitsAControlFrame();
    void utf8_data();
    void utf8();
    void acceptKey();
};

void tst_WebSocketCodec::decode_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<qint64>("maxSize");
    QTest::addColumn<QStringList>("events");

    const qint64 max = 1000;
    const QByteArray big(70000, 'b');
    // RFC 6455 §5.7, byte for byte.
    QTest::newRow("rfc: masked Hello") << "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"_ba << max
                                       << QStringList{u"text:Hello"_s};
    QTest::newRow("rfc: masked ping Hello") << "\x89\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"_ba
                                            << max << QStringList{u"ping:Hello"_s};
    QTest::newRow("empty text") << clientFrame(0x81, {}) << max << QStringList{u"text:"_s};
    QTest::newRow("two frames in one read")
            << clientFrame(0x81, "42[\"a\"]") + clientFrame(0x82, "\x01\x02"_ba) << max
            << QStringList{u"text:42[\"a\"]"_s, u"binary:%01%02"_s};
    QTest::newRow("fragmented text")
            << clientFrame(0x01, "Hel") + clientFrame(0x00, "l") + clientFrame(0x80, "o") << max
            << QStringList{u"frame"_s, u"frame"_s, u"text:Hello"_s};
    QTest::newRow("ping between fragments")
            << clientFrame(0x01, "Hel") + clientFrame(0x89, "x") + clientFrame(0x80, "lo") << max
            << QStringList{u"frame"_s, u"ping:x"_s, u"text:Hello"_s};
    // A character split across fragments is valid: only the whole message is checked.
    QTest::newRow("utf-8 split across fragments")
            << clientFrame(0x01, "\xe2\x82"_ba) + clientFrame(0x80, "\xac"_ba) << max
            << QStringList{u"frame"_s, u"text:%E2%82%AC"_s};
    QTest::newRow("16-bit length")
            << clientFrame(0x82, QByteArray(300, 'x')) << max << QStringList{u"binary:300 bytes"_s};
    QTest::newRow("64-bit length")
            << clientFrame(0x82, big) << qint64(100000) << QStringList{u"binary:70000 bytes"_s};
    // Longer forms than needed are accepted, as browsers' peers do.
    QTest::newRow("non-minimal 64-bit length")
            << clientFrame(0x81, "hi", true, 64) << max << QStringList{u"text:hi"_s};
    QTest::newRow("pong") << clientFrame(0x8A, "p") << max << QStringList{u"pong:p"_s};
    QTest::newRow("close 1000 bye") << clientFrame(0x88, closePayload(1000, "bye")) << max
                                    << QStringList{u"close:1000:bye"_s};
    QTest::newRow("close without code")
            << clientFrame(0x88, {}) << max << QStringList{u"close:1005:"_s};
    QTest::newRow("close 4000 (application)")
            << clientFrame(0x88, closePayload(4000)) << max << QStringList{u"close:4000:"_s};

    // Broken streams: the close code the server answers with.
    QTest::newRow("unmasked") << clientFrame(0x81, "hi", false) << max
                              << QStringList{u"error:1002"_s};
    QTest::newRow("rsv1 without extension")
            << clientFrame(0xC1, "hi") << max << QStringList{u"error:1002"_s};
    QTest::newRow("rsv3") << clientFrame(0x91, "hi") << max << QStringList{u"error:1002"_s};
    QTest::newRow("data opcode 3")
            << clientFrame(0x83, "hi") << max << QStringList{u"error:1002"_s};
    QTest::newRow("control opcode 0xB")
            << clientFrame(0x8B, "hi") << max << QStringList{u"error:1002"_s};
    QTest::newRow("fragmented ping")
            << clientFrame(0x09, "hi") << max << QStringList{u"error:1002"_s};
    QTest::newRow("ping of 126 bytes")
            << clientFrame(0x89, QByteArray(126, 'p')) << max << QStringList{u"error:1002"_s};
    QTest::newRow("continuation first")
            << clientFrame(0x80, "lo") << max << QStringList{u"error:1002"_s};
    QTest::newRow("text inside fragments") << clientFrame(0x01, "Hel") + clientFrame(0x81, "x")
                                           << max << QStringList{u"frame"_s, u"error:1002"_s};
    QTest::newRow("64-bit length with top bit") << "\x82\xff\x80\x00\x00\x00\x00\x00\x00\x01"_ba
                    + Key << max << QStringList{u"error:1002"_s};
    QTest::newRow("close of one byte")
            << clientFrame(0x88, "\x03"_ba) << max << QStringList{u"error:1002"_s};
    QTest::newRow("close 1005 sent")
            << clientFrame(0x88, closePayload(1005)) << max << QStringList{u"error:1002"_s};
    QTest::newRow("close 999") << clientFrame(0x88, closePayload(999)) << max
                               << QStringList{u"error:1002"_s};
    QTest::newRow("close 5000") << clientFrame(0x88, closePayload(5000)) << max
                                << QStringList{u"error:1002"_s};
    QTest::newRow("close reason not utf-8") << clientFrame(0x88, closePayload(1000, "\xff"_ba))
                                            << max << QStringList{u"error:1007"_s};
    QTest::newRow("text not utf-8")
            << clientFrame(0x81, "a\xc3\x28"_ba) << max << QStringList{u"error:1007"_s};
    QTest::newRow("fragmented text not utf-8")
            << clientFrame(0x01, "\xe2\x82"_ba) + clientFrame(0x80, "a"_ba) << max
            << QStringList{u"frame"_s, u"error:1007"_s};
    QTest::newRow("over the limit")
            << clientFrame(0x82, QByteArray(1001, 'x')) << max << QStringList{u"error:1009"_s};
    QTest::newRow("at the limit") << clientFrame(0x82, QByteArray(1000, 'x')) << max
                                  << QStringList{u"binary:1000 bytes"_s};
    QTest::newRow("fragments over the limit")
            << clientFrame(0x02, QByteArray(600, 'x')) + clientFrame(0x80, QByteArray(401, 'x'))
            << max << QStringList{u"frame"_s, u"error:1009"_s};
}

void tst_WebSocketCodec::decode()
{
    QFETCH(QByteArray, stream);
    QFETCH(qint64, maxSize);
    QFETCH(QStringList, events);
    Decoder decoder(maxSize);
    qsizetype leftOver = -1;
    QCOMPARE(decodeAll(decoder, stream, &leftOver), events);
    if (!events.last().startsWith(u"error"_s))
        QCOMPARE(leftOver, 0);
}

void tst_WebSocketCodec::decodeByteByByte()
{
    // However the bytes arrive, the same events: feed one more byte each time, keeping the
    // unconsumed rest as a connection does.
    QFETCH(QByteArray, stream);
    QFETCH(qint64, maxSize);
    QFETCH(QStringList, events);
    Decoder decoder(maxSize);
    QStringList seen;
    QByteArray buffered;
    for (char c : std::as_const(stream)) {
        buffered.append(c);
        qsizetype leftOver = 0;
        const QStringList more = decodeAll(decoder, buffered, &leftOver);
        seen += more;
        if (!more.isEmpty() && more.last().startsWith(u"error"_s))
            break;
        if (leftOver < buffered.size())
            buffered = buffered.right(leftOver);
    }
    QCOMPARE(seen, events);
}

void tst_WebSocketCodec::needMoreTellsTheFrameSize()
{
    Decoder decoder;
    const QByteArray frame = clientFrame(0x82, QByteArray(300, 'x'));
    QCOMPARE(decoder.next(frame.first(1)).status, Decoder::Status::NeedMore);
    QCOMPARE(decoder.bytesNeeded(), 0); // the length is not known yet
    QCOMPARE(decoder.next(frame.first(3)).status, Decoder::Status::NeedMore);
    QCOMPARE(decoder.bytesNeeded(), 0);
    const auto partial = decoder.next(frame.first(100));
    QCOMPARE(partial.status, Decoder::Status::NeedMore);
    QCOMPARE(partial.consumed, 0);
    QCOMPARE(decoder.bytesNeeded(), frame.size());
    const auto whole = decoder.next(frame);
    QCOMPARE(whole.status, Decoder::Status::Message);
    QCOMPARE(whole.consumed, frame.size());
}

void tst_WebSocketCodec::oversizedRefusedOnTheHeader()
{
    // The header alone condemns a frame over the limit: nothing of it needs to be buffered.
    Decoder decoder(1'000'000);
    const QByteArray header = "\x82\xff\x00\x00\x00\x01\x00\x00\x00\x00"_ba + Key; // 4 GiB
    const auto result = decoder.next(header);
    QCOMPARE(result.status, Decoder::Status::Error);
    QCOMPARE(decoder.errorCode(), CloseCode::TooBig);
}

void tst_WebSocketCodec::errorIsFinal()
{
    Decoder decoder;
    QCOMPARE(decoder.next(clientFrame(0x81, "x", false)).status, Decoder::Status::Error);
    QCOMPARE(decoder.next(clientFrame(0x81, "x")).status, Decoder::Status::Error);
    QVERIFY(!decoder.errorDetail().isEmpty());
}

void tst_WebSocketCodec::serverFrameHeader_data()
{
    QTest::addColumn<int>("opcode");
    QTest::addColumn<quint64>("length");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("text 0") << 1 << quint64(0) << "\x81\x00"_ba;
    QTest::newRow("text 125") << 1 << quint64(125) << "\x81\x7d"_ba;
    QTest::newRow("binary 126") << 2 << quint64(126) << "\x82\x7e\x00\x7e"_ba;
    QTest::newRow("text 65535") << 1 << quint64(65535) << "\x81\x7e\xff\xff"_ba;
    QTest::newRow("binary 65536") << 2 << quint64(65536)
                                  << "\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00"_ba;
    QTest::newRow("close 2") << 8 << quint64(2) << "\x88\x02"_ba;
    QTest::newRow("pong 5") << 10 << quint64(5) << "\x8a\x05"_ba;
}

void tst_WebSocketCodec::serverFrameHeader()
{
    QFETCH(int, opcode);
    QFETCH(quint64, length);
    QFETCH(QByteArray, header);
    char out[MaxServerHeader];
    const int size = Confab::WebSocket::serverFrameHeader(out, Opcode(opcode), length);
    QCOMPARE(QByteArray(out, size), header);
}

void tst_WebSocketCodec::closeFrameFitsAControlFrame()
{
    QCOMPARE(closeFrame(1000), "\x88\x02\x03\xe8"_ba);
    QCOMPARE(closeFrame(1002, "bad"),
             "\x88\x05\x03\xea"
             "bad"_ba);
    // A long reason is cut to 123 bytes, never inside a character.
    QByteArray reason;
    while (reason.size() < 200)
        reason += "\xe2\x82\xac"_ba; // €
    const QByteArray frame = closeFrame(1011, reason);
    QVERIFY(frame.size() - 2 <= MaxControlPayload);
    QCOMPARE(quint8(frame.at(1)), quint8(frame.size() - 2));
    QVERIFY(isValidUtf8(frame.mid(4)));
    QCOMPARE(frame.size() - 4, 123 / 3 * 3);
}

void tst_WebSocketCodec::utf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");
    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("ascii") << "hello, world and more than eight"_ba << true;
    QTest::newRow("2-byte é") << "caf\xc3\xa9"_ba << true;
    QTest::newRow("3-byte €") << "\xe2\x82\xac"_ba << true;
    QTest::newRow("4-byte 😀") << "\xf0\x9f\x98\x80"_ba << true;
    QTest::newRow("U+10FFFF") << "\xf4\x8f\xbf\xbf"_ba << true;
    QTest::newRow("U+FFFF") << "\xef\xbf\xbf"_ba << true;
    QTest::newRow("multi-byte after 8 ascii") << "abcdefgh\xc3\xa9"_ba << true;
    QTest::newRow("multi-byte across a word") << "abcdef\xe2\x82\xac"_ba << true;
    QTest::newRow("overlong C0 80") << "\xc0\x80"_ba << false;
    QTest::newRow("overlong C1 BF") << "\xc1\xbf"_ba << false;
    QTest::newRow("overlong E0 80 80") << "\xe0\x80\x80"_ba << false;
    QTest::newRow("overlong F0 80 80 80") << "\xf0\x80\x80\x80"_ba << false;
    QTest::newRow("surrogate D800") << "\xed\xa0\x80"_ba << false;
    QTest::newRow("surrogate DFFF") << "\xed\xbf\xbf"_ba << false;
    QTest::newRow("above U+10FFFF") << "\xf4\x90\x80\x80"_ba << false;
    QTest::newRow("F5 lead") << "\xf5\x80\x80\x80"_ba << false;
    QTest::newRow("FF") << "abc\xff"_ba << false;
    QTest::newRow("lone continuation") << "a\x80"_ba << false;
    QTest::newRow("truncated 2-byte") << "abc\xc3"_ba << false;
    QTest::newRow("truncated 4-byte") << "\xf0\x9f\x98"_ba << false;
    QTest::newRow("bad second continuation") << "\xe2\x82\x41"_ba << false;
    QTest::newRow("invalid after 16 ascii") << "0123456789abcdef\xfe"_ba << false;
}

void tst_WebSocketCodec::utf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    QCOMPARE(isValidUtf8(bytes), valid);
    // Agrees with Qt's own decoder.
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder(bytes);
    QCOMPARE(!decoder.hasError(), valid);
    Q_UNUSED(decoded);
}

void tst_WebSocketCodec::acceptKey()
{
    // RFC 6455 §1.3.
    QCOMPARE(Confab::WebSocket::acceptKey("dGhlIHNhbXBsZSBub25jZQ=="),
             "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="_ba);
}

QTEST_GUILESS_MAIN(tst_WebSocketCodec)
#include "tst_websocketcodec.moc"
