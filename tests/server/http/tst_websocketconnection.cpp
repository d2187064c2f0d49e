// SPDX-License-Identifier: MIT
// WebSocketConnection over real loopback sockets, behind an HttpListener as in the host: a raw
// QTcpSocket client (to control every byte: masking, fragments, pipelined frames, refusing to
// read) and a QWebSocket client (another implementation). Every test runs twice (the global
// data): on a descriptor taken over from Qt (Linux) and on the QTcpSocket itself (elsewhere).
#include "http/httplistener.h"
#include "http/websocketconnection.h"
#include "websockettestutil.h"

#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWebSockets/QWebSocket>

#include <algorithm>
#include <array>
#include <memory>

using namespace Confab;
using namespace Confab::Http;
using namespace WebSocketTest;

namespace {

constexpr int Timeout = 5000;
constexpr qint64 MaxMessage = 2 * 1024 * 1024;

//! A hand-made client: sends what it is told, decodes the server's (unmasked) frames.
struct RawClient
{
    QTcpSocket socket;
    QByteArray buffer;
    QByteArray responseHead;
    struct Frame
    {
        quint8 opcode;
        QByteArray payload;
    };

    bool open(quint16 port, const QByteArray &extra = {}, const QByteArray &version = "13",
              const QByteArray &key = "dGhlIHNhbXBsZSBub25jZQ==")
    {
        // Event-driven waits only: the server runs in this thread.
        QSignalSpy connected(&socket, &QTcpSocket::connected);
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (!connected.wait(Timeout))
            return false;
        socket.write("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                     "Sec-WebSocket-Version: "
                     + version + "\r\nSec-WebSocket-Key: " + key + "\r\n\r\n" + extra);
        return readHead();
    }
    bool readHead()
    {
        while (!buffer.contains("\r\n\r\n")) {
            if (!waitForData())
                return false;
        }
        const qsizetype end = buffer.indexOf("\r\n\r\n") + 4;
        responseHead = buffer.left(end);
        buffer.remove(0, end);
        return true;
    }
    bool waitForData()
    {
        if (socket.bytesAvailable() == 0) {
            QSignalSpy readable(&socket, &QTcpSocket::readyRead);
            if (!readable.wait(Timeout))
                return false;
        }
        buffer += socket.readAll();
        return true;
    }
    std::optional<Frame> nextFrame()
    {
        for (;;) {
            if (buffer.size() >= 2) {
                const auto *b = reinterpret_cast<const uchar *>(buffer.constData());
                if (b[1] & 0x80)
                    return std::nullopt; // servers must not mask
                qint64 length = b[1] & 0x7F;
                qsizetype header = 2;
                if (length == 126 && buffer.size() >= 4) {
                    length = (b[2] << 8) | b[3];
                    header = 4;
                } else if (length == 127 && buffer.size() >= 10) {
                    length = 0;
                    for (int i = 2; i < 10; ++i)
                        length = (length << 8) | b[i];
                    header = 10;
                }
                if ((length < 126 || header > 2) && buffer.size() >= header + length) {
                    Frame frame{quint8(b[0] & 0x0F), buffer.mid(header, length)};
                    if (!(b[0] & 0x80))
                        return std::nullopt; // the server sends whole frames
                    buffer.remove(0, header + length);
                    return frame;
                }
            }
            if (!waitForData())
                return std::nullopt;
        }
    }
    //! True once the server has closed the TCP connection.
    bool waitForEof()
    {
        if (socket.state() == QAbstractSocket::UnconnectedState)
            return true;
        QSignalSpy gone(&socket, &QTcpSocket::disconnected);
        return gone.wait(Timeout) || socket.state() == QAbstractSocket::UnconnectedState;
    }
};

} // namespace

class tst_WebSocketConnection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();

    void echo();
    void framesPipelinedWithTheRequest();
    void fragmentedMessage();
    void pingIsAnswered();
    void clientCloses();
    void serverCloses();
    void protocolErrors_data();
    void protocolErrors();
    void peerVanishes();
    void slowReaderGetsEverything();
    void readerThatNeverReadsIsDropped();
    void pingFloodIsCoalesced();
    void smallFramesCountAtTheirCost();
    void totalSendBudget();
    void handshakeRefused_data();
    void handshakeRefused();
    void qtClientBigMessages();

private:
    void usePath()
    {
        QFETCH_GLOBAL(bool, descriptor);
        WebSocketConnection::setUseSocketDescriptors(descriptor);
    }
    //! Waits for the next connection the listener accepted.
    WebSocketConnection *nextConnection()
    {
        if (m_connections.isEmpty()
            && !QTest::qWaitFor([this] { return !m_connections.isEmpty(); }, Timeout))
            return nullptr;
        return m_connections.takeFirst();
    }

    std::unique_ptr<HttpListener> m_listener;
    QList<QPointer<WebSocketConnection>> m_connections;
    QByteArrayList m_texts; //!< text messages of every connection, in order
    QObject m_owner; // parent of open connections
};

void tst_WebSocketConnection::initTestCase_data()
{
    // Every test runs on both I/O paths.
    QTest::addColumn<bool>("descriptor");
    QTest::newRow("descriptor") << true;
    QTest::newRow("qtcpsocket") << false;
}

void tst_WebSocketConnection::init()
{
    m_listener = std::make_unique<HttpListener>();
    connect(m_listener.get(), &HttpListener::webSocketUpgradeRequested, this,
            [this](QTcpSocket *socket, const HttpRequest &head) {
                if (auto refused = WebSocketConnection::checkHandshake(head)) {
                    HttpConnection::respondAndClose(socket, *refused);
                    return;
                }
                auto *ws = WebSocketConnection::accept(socket, head, MaxMessage, &m_owner);
                if (!ws)
                    return;
                // Connected at once, as the host does: frames that came with the request
                // are delivered only after this.
                connect(ws, &WebSocketConnection::textMessageReceived, this,
                        [this](const QByteArray &text) { m_texts.append(text); });
                m_connections.append(ws);
            });
    QVERIFY(m_listener->listen(QHostAddress::LocalHost, 0));
}

void tst_WebSocketConnection::cleanup()
{
    WebSocketConnection::setUseSocketDescriptors(true);
    m_connections.clear();
    m_texts.clear();
    m_listener.reset();
    qDeleteAll(m_owner.children());
}

void tst_WebSocketConnection::echo()
{
    usePath();
    RawClient client;
    QVERIFY(client.open(m_listener->serverPort()));
    QVERIFY(client.responseHead.startsWith("HTTP/1.1 101 "));
    QVERIFY(client.responseHead.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    WebSocketConnection *ws = nextConnection();
    QVERIFY(ws);
    connect(ws, &WebSocketConnection::textMessageReceived, ws,
            [ws](const QByteArray &text) { ws->queueMessage(false, "<", text); });
    connect(ws, &WebSocketConnection::binaryMessageReceived, ws,
            [ws](const QByteArray &bytes) { ws->queueMessage(true, "\x04", bytes); });
    client.socket.write(clientFrame(0x81, "hello \xe2\x82\xac"_ba));
    client.socket.write(clientFrame(0x82, "\x00\x01\x02"_ba));
    const auto text = client.nextFrame();
    QVERIFY(text);
    QCOMPARE(text->opcode, quint8(1));
    QCOMPARE(text->payload, "<hello \xe2\x82\xac"_ba);
    const auto binary = client.nextFrame();
    QVERIFY(binary);
    QCOMPARE(binary->opcode, quint8(2));
    QCOMPARE(binary->payload, "\x04\x00\x01\x02"_ba);
    QVERIFY(ws->isOpen());
}

void tst_WebSocketConnection::framesPipelinedWithTheRequest()
{
    // A client may send frames right behind its request, before it has read the 101: they
    // are already in Qt's buffer when the connection takes over, and must not be lost.
    usePath();
    RawClient client;
    QVERIFY(client.open(m_listener->serverPort(),
                        clientFrame(0x81, "first") + clientFrame(0x81, "second")));
    WebSocketConnection *ws = nextConnection();
    QVERIFY(ws);
    QTRY_COMPARE_WITH_TIMEOUT(m_texts, QByteArrayList({"first"_ba, "second"_ba}), Timeout);
}

void tst_WebSocketConnection::fragmentedMessage()
{
    usePath();
    RawClient client;
    QVERIFY(client.open(m_listener->serverPort()));
    WebSocketConnection *ws = nextConnection();
    QVERIFY(ws);
    QSignalSpy texts(ws, &WebSocketConnection::textMessageReceived);
    // Fragments written one by one, a ping in the middle, the last one split in two writes.
    client.socket.write(clientFrame(0x01, "Hel"));
    client.socket.flush();
    client.socket.write(clientFrame(0x89, "mid"));
    const QByteArray last = clientFrame(0x80, "lo");
    client.socket.write(last.left(3));
    client.socket.flush();
    const auto pong = client.nextFrame();
    QVERIFY(pong);
    QCOMPARE(pong->opcode, quint8(0xA));
    client.socket.write(last.mid(3));
    QVERIFY(texts.wait(Timeout));
    QCOMPARE(texts.size(), 1);
    QCOMPARE(texts.at(0).at(0).toByteArray(), "Hello"_ba);
}

void tst_WebSocketConnection::pingIsAnswered()
{
    usePath();
    RawClient client;
    QVERIFY(client.open(m_listener->serverPort()));
    QVERIFY(nextConnection());
    client.socket.write(clientFrame(0x89, "are you there"));
    const auto pong = client.nextFrame();
    QVERIFY(pong);
    QCOMPARE(pong->opcode, quint8(0xA));
    QCOMPARE(pong->payload, "are you there"_ba);
}

void tst_WebSocketConnection::clientCloses()
{
    usePath();
    RawClient client;
    QVERIFY(client.open(m_listener->serverPort()));
    QPointer<WebSocketConnection> ws = nextConnection();
    QVERIFY(ws);
    QSignalSpy closed(ws.data(), &WebSocketConnection::closed);
    client.socket.write(clientFrame(0x88, closePayload(1001, "going away")));
    QVERIFY(closed.wait(Timeout));
    QCOMPARE(closed.at(0).at(0).value<quint16>(), quint16(1001));
    QCOMPARE(closed.at(0).at(1).toString(), u"going away"_s);
    // The server answers with the same code and closes the TCP connection itself.
    const auto answer = client.nextFrame();
    QVERIFY(answer);
    QCOMPARE(answer->opcode, quint8(0x8));
    QCOMPARE(answer->payload, closePayload(1001));
    QVERIFY(client.waitForEof());
    QTRY_VERIFY_WITH_TIMEOUT(ws.isNull(), Timeout); // it deleted itself
}

void tst_WebSocketConnection::serverCloses()
{
    usePath();
    RawClient client;
    QVERIFY(client.open(m_listener->serverPort()));
    QPointer<WebSocketConnection> ws = nextConnection();
    QVERIFY(ws);
    QSignalSpy closed(ws.data(), &WebSocketConnection::closed);
    ws->queueMessage(false, {}, "last words"_ba);
    ws->close(1001, "shutting down");
    QCOMPARE(closed.size(), 1); // at once: nothing is received any more
    QCOMPARE(closed.at(0).at(0).value<quint16>(), quint16(1001));
    QVERIFY(!ws->isOpen());
    ws->queueMessage(false, {}, "too late"_ba); // ignored
    const auto text = client.nextFrame();
    QVERIFY(text);
    QCOMPARE(text->payload, "last words"_ba);
    const auto close = client.nextFrame();
    QVERIFY(close);
    QCOMPARE(close->opcode, quint8(0x8));
    QCOMPARE(close->payload, closePayload(1001, "shutting down"));
    // The client answers; then the server ends the TCP connection and the object goes.
    client.socket.write(clientFrame(0x88, closePayload(1001)));
    QVERIFY(client.waitForEof());
    QTRY_VERIFY_WITH_TIMEOUT(ws.isNull(), Timeout);
    QCOMPARE(closed.size(), 1);
}

void tst_WebSocketConnection::protocolErrors_data()
{
    QTest::addColumn<QByteArray>("frames");
    QTest::addColumn<int>("code");
    QTest::newRow("unmasked") << clientFrame(0x81, "x", false) << 1002;
    QTest::newRow("rsv bit") << clientFrame(0xC1, "x") << 1002;
    QTest::newRow("bad utf-8") << clientFrame(0x81, "\xff"_ba) << 1007;
    QTest::newRow("too big") << clientFrame(0x82, QByteArray(MaxMessage + 1, 'x')) << 1009;
    QTest::newRow("continuation first") << clientFrame(0x80, "x") << 1002;
}

void tst_WebSocketConnection::protocolErrors()
{
    // A broken stream gets a Close frame with the reason's code, then the TCP connection ends.
    usePath();
    QFETCH(QByteArray, frames);
    QFETCH(int, code);
    RawClient client;
    QVERIFY(client.open(m_listener->serverPort()));
    QPointer<WebSocketConnection> ws = nextConnection();
    QVERIFY(ws);
    QSignalSpy closed(ws.data(), &WebSocketConnection::closed);
    QSignalSpy texts(ws.data(), &WebSocketConnection::textMessageReceived);
    client.socket.write(frames);
    const auto close = client.nextFrame();
    QVERIFY(close);
    QCOMPARE(close->opcode, quint8(0x8));
    QCOMPARE(quint16((quint8(close->payload.at(0)) << 8) | quint8(close->payload.at(1))),
             quint16(code));
    QVERIFY(client.waitForEof());
    QCOMPARE(closed.size(), 1);
    QCOMPARE(closed.at(0).at(0).value<quint16>(), quint16(code));
    QVERIFY(texts.isEmpty());
}

void tst_WebSocketConnection::peerVanishes()
{
    usePath();
    RawClient client;
    QVERIFY(client.open(m_listener->serverPort()));
    QPointer<WebSocketConnection> ws = nextConnection();
    QVERIFY(ws);
    QSignalSpy closed(ws.data(), &WebSocketConnection::closed);
    client.socket.abort();
    QVERIFY(closed.wait(Timeout));
    QCOMPARE(closed.at(0).at(0).value<quint16>(), WebSocket::CloseCode::Abnormal);
    QTRY_VERIFY_WITH_TIMEOUT(ws.isNull(), Timeout);
}

void tst_WebSocketConnection::slowReaderGetsEverything()
{
    // More than the kernel's buffers hold, queued to a client that does not read yet: the rest
    // waits in the connection's backlog and arrives whole and in order once it reads.
    usePath();
    RawClient client;
    client.socket.setReadBufferSize(4096); // Qt must not read ahead for us
    QVERIFY(client.open(m_listener->serverPort()));
    WebSocketConnection *ws = nextConnection();
    QVERIFY(ws);
    const int count = 40;
    const QByteArray chunk(512 * 1024, 'z');
    for (int i = 0; i < count; ++i)
        ws->queueMessage(true, QByteArray::number(i % 10), chunk);
    ws->flush();
    QFETCH_GLOBAL(bool, descriptor);
    if (descriptor)
        QVERIFY(ws->bytesToWrite() > 0); // 20 MiB do not fit in loopback's buffers
    client.socket.setReadBufferSize(0);
    for (int i = 0; i < count; ++i) {
        const auto frame = client.nextFrame();
        QVERIFY2(frame, qPrintable(u"frame %1"_s.arg(i)));
        QCOMPARE(frame->payload.size(), chunk.size() + 1);
        QCOMPARE(frame->payload.at(0), char('0' + i % 10));
    }
    QTRY_COMPARE_WITH_TIMEOUT(ws->bytesToWrite(), 0, Timeout);
    QVERIFY(ws->isOpen());
}

void tst_WebSocketConnection::readerThatNeverReadsIsDropped()
{
    // A client that stops reading while a room is flooded must not make the host hold an
    // ever-growing backlog: past the limit it is dropped, from the event loop (not inside
    // the send that overflowed), and nothing more is queued for it.
    usePath();
    RawClient client;
    client.socket.setReadBufferSize(4096);
    QVERIFY(client.open(m_listener->serverPort()));
    QPointer<WebSocketConnection> ws = nextConnection();
    QVERIFY(ws);
    QSignalSpy closed(ws.data(), &WebSocketConnection::closed);
    const QByteArray body(1024 * 1024, 'f'); // shared by every frame, as in a broadcast
    const int frames = int(WebSocketConnection::MaxBacklog / body.size()) + 16;
    for (int i = 0; i < frames && closed.isEmpty(); ++i) {
        ws->queueMessage(true, {}, body);
        ws->flush();
    }
    QVERIFY(closed.isEmpty()); // not synchronously
    QVERIFY(closed.wait(Timeout));
    QCOMPARE(closed.at(0).at(0).value<quint16>(), WebSocket::CloseCode::Abnormal);
    QVERIFY(closed.at(0).at(1).toString().contains(u"does not read"_s));
    QTRY_VERIFY_WITH_TIMEOUT(ws.isNull(), Timeout);
    client.socket.setReadBufferSize(0);
    QVERIFY(client.waitForEof());
}

void tst_WebSocketConnection::pingFloodIsCoalesced()
{
    // A client sends pings and never reads. Were each answered with its own Pong, the host
    // would hold ~180 bytes per 131-byte ping (the Pong, its list slot, its allocation).
    // RFC 6455 §5.5.3: only the most recent Ping not yet answered gets a Pong.
    usePath();
    RawClient client;
    client.socket.setReadBufferSize(4096); // Qt must not read ahead for us
    QVERIFY(client.open(m_listener->serverPort()));
    QPointer<WebSocketConnection> ws = nextConnection();
    QVERIFY(ws);
    const int pings = 100'000; // 13 MB of pings: more than loopback's buffers take in Pongs
    const QByteArray ping = clientFrame(0x89, QByteArray(125, 'p'));
    QByteArray flood;
    flood.reserve(ping.size() * pings + 200);
    for (int i = 0; i < pings; ++i)
        flood += ping;
    flood += clientFrame(0x89, "last") + clientFrame(0x81, "done");
    client.socket.write(flood);
    // "done" comes after every ping: once it is in, all of them were handled.
    QTRY_COMPARE_WITH_TIMEOUT(m_texts, QByteArrayList{"done"_ba}, 20000);
    QVERIFY(ws && ws->isOpen());
    QVERIFY2(ws->bytesToWrite() <= 1024, QByteArray::number(ws->bytesToWrite()).constData());

    // Once the client reads, the last Ping is answered (the Pongs before it answered
    // earlier ones).
    client.socket.setReadBufferSize(0);
    int pongs = 0;
    for (;;) {
        const auto frame = client.nextFrame();
        QVERIFY2(frame, qPrintable(u"after %1 pongs"_s.arg(pongs)));
        QCOMPARE(frame->opcode, quint8(0xA));
        ++pongs;
        if (frame->payload == "last")
            break;
        QCOMPARE(frame->payload, QByteArray(125, 'p'));
    }
    QVERIFY(pongs <= pings + 1);
    QTRY_COMPARE_WITH_TIMEOUT(ws->bytesToWrite(), 0, Timeout);
}

void tst_WebSocketConnection::smallFramesCountAtTheirCost()
{
    // Many tiny frames to a client that does not read: each holds a list slot of its own,
    // so the limit must count that, not its two bytes on the wire.
    usePath();
    RawClient client;
    client.socket.setReadBufferSize(4096);
    QVERIFY(client.open(m_listener->serverPort()));
    QPointer<WebSocketConnection> ws = nextConnection();
    QVERIFY(ws);
    QSignalSpy closed(ws.data(), &WebSocketConnection::closed);
    ws->queueMessage(true, {}, QByteArray(16 * 1024 * 1024, 'b')); // more than the kernel takes
    ws->flush();
    // 1.5 million empty messages: 3 MB on the wire, ~75 MB held.
    for (int i = 0; i < 1'500'000 && ws->bytesToWrite() > 0; ++i)
        ws->queueMessage(false, {}, QByteArray());
    QVERIFY(closed.wait(Timeout));
    QCOMPARE(closed.at(0).at(0).value<quint16>(), WebSocket::CloseCode::Abnormal);
    QVERIFY(closed.at(0).at(1).toString().contains(u"does not read"_s));
    QTRY_VERIFY_WITH_TIMEOUT(ws.isNull(), Timeout);
}

void tst_WebSocketConnection::totalSendBudget()
{
    // Several clients that never read, each far under its own backlog limit, owe more
    // together than the host's budget: the host drops the largest debtors until the total is
    // within it again, while a client that reads is untouched. The budget's count returns to
    // 0 once everyone is gone.
    usePath();
    constexpr qint64 Budget = 8 * 1024 * 1024;
    SendBudget budget(Budget);
    RawClient reader;
    QVERIFY(reader.open(m_listener->serverPort()));
    QPointer<WebSocketConnection> readerWs = nextConnection();
    QVERIFY(readerWs);
    readerWs->setSendBudget(&budget);
    constexpr int Silent = 3;
    std::array<RawClient, Silent> silent;
    QList<QPointer<WebSocketConnection>> silentWs;
    QList<std::shared_ptr<QSignalSpy>> silentClosed;
    for (RawClient &client : silent) {
        client.socket.setReadBufferSize(4096); // Qt must not read ahead for us
        QVERIFY(client.open(m_listener->serverPort()));
        QPointer<WebSocketConnection> ws = nextConnection();
        QVERIFY(ws);
        QCOMPARE(ws->maxBacklog(), WebSocketConnection::MaxBacklog); // 64 MiB each
        ws->setSendBudget(&budget);
        silentWs.append(ws);
        silentClosed.append(std::make_shared<QSignalSpy>(ws.data(), &WebSocketConnection::closed));
    }
    QSignalSpy readerClosed(readerWs.data(), &WebSocketConnection::closed);
    QCOMPARE(budget.accountCount(), 1 + Silent);

    // A "room" broadcast: one shared body to everyone, round after round. The reader takes
    // each round before the next; the others stop once the kernel's buffers are full. 32 MiB
    // per client, half of its own limit: without the budget nobody would be dropped.
    const QByteArray body(256 * 1024, 'b');
    const int rounds = int(32 * 1024 * 1024 / body.size());
    qint64 received = 0;
    for (int round = 0; round < rounds; ++round) {
        for (const QPointer<WebSocketConnection> &ws : std::as_const(silentWs)) {
            if (ws && ws->isOpen())
                ws->queueMessage(true, {}, body);
            // Within the budget (and this frame) after every single send.
            QVERIFY2(budget.total() <= Budget, QByteArray::number(budget.total()).constData());
        }
        QVERIFY(readerWs && readerWs->isOpen());
        readerWs->queueMessage(true, {}, body);
        QVERIFY(budget.total() <= Budget);
        const auto frame = reader.nextFrame();
        QVERIFY2(frame, qPrintable(u"round %1"_s.arg(round)));
        QCOMPARE(frame->payload.size(), body.size());
        received += frame->payload.size();
    }
    QCOMPARE(received, qint64(rounds) * body.size());
    QVERIFY(readerWs && readerWs->isOpen());
    QVERIFY(readerClosed.isEmpty());
    // Every silent client owed more than the budget allows at some point: each was dropped
    // as the largest debtor, from the event loop, with the reason.
    for (int i = 0; i < Silent; ++i) {
        QTRY_COMPARE_WITH_TIMEOUT(silentClosed.at(i)->size(), 1, Timeout);
        QCOMPARE(silentClosed.at(i)->at(0).at(0).value<quint16>(), WebSocket::CloseCode::Abnormal);
        const QString reason = silentClosed.at(i)->at(0).at(1).toString();
        QVERIFY2(reason.contains(u"send budget"_s), qPrintable(reason));
    }
    QCOMPARE(budget.drops(), quint64(Silent));
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(silentWs.cbegin(), silentWs.cend(),
                                         [](const auto &ws) { return ws.isNull(); }),
                             Timeout);
    // What the reader still owes is all that is counted; nothing once it is gone.
    QTRY_COMPARE_WITH_TIMEOUT(budget.total(), 0, Timeout);
    readerWs->close();
    QVERIFY(reader.waitForEof());
    QTRY_VERIFY_WITH_TIMEOUT(readerWs.isNull(), Timeout);
    QCOMPARE(budget.total(), 0);
    QCOMPARE(budget.accountCount(), 0);
}

void tst_WebSocketConnection::handshakeRefused_data()
{
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<int>("status");
    QTest::newRow("version 8") << "8"_ba
                               << "dGhlIHNhbXBsZSBub25jZQ=="_ba << 426;
    QTest::newRow("key not base64") << "13"_ba
                                    << "not base64!"_ba << 400;
    QTest::newRow("key of 15 bytes") << "13"_ba
                                     << "AAAAAAAAAAAAAAAAAAAA"_ba << 400;
}

void tst_WebSocketConnection::handshakeRefused()
{
    QFETCH(QByteArray, version);
    QFETCH(QByteArray, key);
    QFETCH(int, status);
    RawClient client;
    QVERIFY(client.open(m_listener->serverPort(), {}, version, key));
    QVERIFY2(client.responseHead.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status))),
             client.responseHead.constData());
    if (status == 426)
        QVERIFY(client.responseHead.contains("Sec-WebSocket-Version: 13\r\n"));
    QVERIFY(client.waitForEof());
    QVERIFY(m_connections.isEmpty());
}

void tst_WebSocketConnection::qtClientBigMessages()
{
    // QWebSocket splits messages into 512 KiB frames: reassembly against another implementation.
    usePath();
    QWebSocket client;
    QSignalSpy connected(&client, &QWebSocket::connected);
    client.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_listener->serverPort())));
    QVERIFY(connected.wait(Timeout));
    WebSocketConnection *ws = nextConnection();
    QVERIFY(ws);
    connect(ws, &WebSocketConnection::textMessageReceived, ws,
            [ws](const QByteArray &text) { ws->queueMessage(false, {}, text); });
    connect(ws, &WebSocketConnection::binaryMessageReceived, ws,
            [ws](const QByteArray &bytes) { ws->queueMessage(true, {}, bytes); });
    QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
    QSignalSpy binaries(&client, &QWebSocket::binaryMessageReceived);
    QString text;
    while (text.size() < 1'000'000) // 1.4 MB of UTF-8
        text += u"日本語 and ASCII "_s;
    QByteArray binary(1'900'000, Qt::Uninitialized);
    for (qsizetype i = 0; i < binary.size(); ++i)
        binary[i] = char(i * 31);
    client.sendTextMessage(text);
    client.sendBinaryMessage(binary);
    QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 1, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(binaries.size(), 1, Timeout);
    QCOMPARE(texts.at(0).at(0).toString(), text);
    QCOMPARE(binaries.at(0).at(0).toByteArray(), binary);

    QSignalSpy closed(ws, &WebSocketConnection::closed);
    client.close(QWebSocketProtocol::CloseCodeGoingAway, u"bye"_s);
    QVERIFY(closed.wait(Timeout));
    QCOMPARE(closed.at(0).at(0).value<quint16>(), quint16(1001));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, Timeout);
}

QTEST_GUILESS_MAIN(tst_WebSocketConnection)
#include "tst_websocketconnection.moc"
