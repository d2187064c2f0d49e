// SPDX-License-Identifier: MIT
// What a hostile server can make the client read: an HTTP response or WebSocket message over
// the client's limit (limits.maxPayload; 64 KiB before the handshake) is refused while it
// arrives, not after it has been buffered whole. The server counts what the kernel took from
// it before the client gave up.
#include "rawserver.h"
#include "socketioclient.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab::Client;
using ConfabTest::RawServer;
using Framing = RawServer::Framing;

namespace {

constexpr int Timeout = 20000;
// The client's limit in these tests.
constexpr qsizetype Limit = 1'000'000;
// What a hostile server offers: far more than the limit (and than the bound below).
constexpr qint64 Offered = 128LL * 1024 * 1024;
// What the server may get rid of before the client has noticed: the limit plus the loopback
// socket buffers on both sides (a few MiB each), with room to spare.
constexpr qint64 Bound = Limit + 24LL * 1024 * 1024;

const QByteArray OpenPacket = R"(0{"sid":"hostile","upgrades":[],"pingInterval":25000,)"
                              R"("pingTimeout":20000,"maxPayload":1000000})";

} // namespace

class tst_ClientLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oversizedIsRefusedWhileRead_data()
    {
        QTest::addColumn<TransportMode>("mode");
        // Which response the server inflates: the handshake or a poll (after a real handshake).
        QTest::addColumn<bool>("afterHandshake");
        QTest::addColumn<int>("status");
        QTest::addColumn<Framing>("framing");
        QTest::addColumn<bool>("declared"); // a Content-Length of everything offered

        QTest::addRow("handshake, Content-Length")
                << TransportMode::Polling << false << 200 << Framing::Raw << true;
        QTest::addRow("handshake, chunked")
                << TransportMode::Polling << false << 200 << Framing::HttpChunks << false;
        QTest::addRow("handshake, error body, chunked")
                << TransportMode::Polling << false << 503 << Framing::HttpChunks << false;
        QTest::addRow("handshake, until close")
                << TransportMode::Polling << false << 200 << Framing::Raw << false;
        QTest::addRow("poll, Content-Length")
                << TransportMode::Polling << true << 200 << Framing::Raw << true;
        QTest::addRow("poll, chunked")
                << TransportMode::Polling << true << 200 << Framing::HttpChunks << false;
        QTest::addRow("poll, error body, Content-Length")
                << TransportMode::Polling << true << 400 << Framing::Raw << true;
        QTest::addRow("websocket, first message, one frame")
                << TransportMode::WebSocket << false << 0 << Framing::Raw << true;
        QTest::addRow("websocket, one frame")
                << TransportMode::WebSocket << true << 0 << Framing::Raw << true;
        QTest::addRow("websocket, continuation frames") << TransportMode::WebSocket << true << 0
                                                        << Framing::WebSocketContinuations << false;
    }
    void oversizedIsRefusedWhileRead()
    {
        QFETCH(TransportMode, mode);
        QFETCH(bool, afterHandshake);
        QFETCH(int, status);
        QFETCH(Framing, framing);
        QFETCH(bool, declared);

        RawServer server;
        server.handler = [&](const RawServer::Request &request) {
            if (request.isUpgrade()) {
                RawServer::acceptWebSocket(request);
                QByteArray head;
                if (afterHandshake)
                    head = RawServer::frameHeader(1, true, OpenPacket.size()) + OpenPacket;
                if (framing == Framing::WebSocketContinuations)
                    head += RawServer::frameHeader(1, false, 1) + "4";
                else
                    head += RawServer::frameHeader(1, true, quint64(Offered));
                server.stream(request.socket, head, Offered, framing);
                return;
            }
            if (request.method == "POST") {
                RawServer::respond(request.socket, 200, "ok");
                return;
            }
            if (afterHandshake && !ConfabTest::PollingPeer::hasSid(request)) {
                RawServer::respond(request.socket, 200, OpenPacket);
                return;
            }
            QByteArray head = "HTTP/1.1 " + QByteArray::number(status)
                    + " Hostile\r\nContent-Type: text/plain; charset=UTF-8\r\n";
            if (declared)
                head += "Content-Length: " + QByteArray::number(Offered) + "\r\n";
            if (framing == Framing::HttpChunks)
                head += "Transfer-Encoding: chunked\r\n";
            head += "Connection: close\r\n\r\n";
            server.stream(request.socket, head, Offered, framing, '4');
        };
        QVERIFY(server.listen());

        ClientOptions options;
        options.url = QUrl(server.httpUrl());
        options.transports = mode;
        options.reconnection = false;
        options.limits.maxPayload = Limit;
        SocketIoClient client(options);
        QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
        client.open();
        QVERIFY(errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).value<SocketIoClient::Error>(),
                 SocketIoClient::Error::ProtocolError);
        QVERIFY2(client.lastError().contains(u"limit of %1 bytes"_s.arg(
                         afterHandshake ? Limit : qMin<qsizetype>(Limit, 64 * 1024))),
                 qPrintable(client.lastError()));
        QCOMPARE(client.state(), SocketIoClient::State::Disconnected);
        // The client hung up on the stream rather than reading it to the end.
        QTRY_VERIFY_WITH_TIMEOUT(server.streamAbandoned(), Timeout);
        qInfo("the server got rid of %lld bytes before the client hung up", server.streamedBytes());
        QVERIFY2(server.streamedBytes() < Bound,
                 qPrintable(QString::number(server.streamedBytes())));
    }

    void withinLimitStillWorks()
    {
        // A poll just under the limit still reaches the application.
        RawServer server;
        ConfabTest::PollingPeer peer;
        const QByteArray event = "42[\"big\",\"" + QByteArray(Limit - 64, 'a') + "\"]";
        peer.onPost = [&](const QByteArray &body) {
            if (body.startsWith("40"))
                peer.deliver(R"(40{"sid":"s"})" + QByteArray(1, '\x1e') + event);
        };
        server.handler = [&](const RawServer::Request &request) { peer.handle(request); };
        QVERIFY(server.listen());
        ClientOptions options;
        options.url = QUrl(server.httpUrl());
        options.transports = TransportMode::Polling;
        options.reconnection = false;
        options.limits.maxPayload = Limit;
        SocketIoClient client(options);
        QSignalSpy events(&client, &SocketIoClient::eventReceived);
        client.open();
        QVERIFY2(events.wait(Timeout), qPrintable(client.lastError()));
        QCOMPARE(events.first().at(1).toString(), u"big"_s);
        QCOMPARE(events.first().at(2).toList().value(0).toString().size(), Limit - 64);
    }
};

QTEST_GUILESS_MAIN(tst_ClientLimits)
#include "tst_client_limits.moc"
