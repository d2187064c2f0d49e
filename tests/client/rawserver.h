// SPDX-License-Identifier: MIT
#pragma once

// A hostile server for the client tests: plain HTTP/1.1 and a hand-made WebSocket handshake on
// 127.0.0.1, so that a test can answer what no real server would (an endless body, a false
// Content-Length, a 1 GiB WebSocket frame, control characters) and count what it wrote.

#include <QtCore/QCryptographicHash>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QSet>
#include <QtCore/QUrlQuery>
#include <QtCore/QtEndian>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>

#include <functional>
#include <memory>

namespace ConfabTest {

using namespace Qt::StringLiterals;

class RawServer : public QObject
{
public:
    struct Request
    {
        QByteArray method;
        QByteArray target;
        QHash<QByteArray, QByteArray> headers; //!< names in lower case
        QByteArray body;
        QTcpSocket *socket = nullptr;

        bool isUpgrade() const { return headers.value("upgrade").toLower() == "websocket"; }
    };

    //! Called for every complete request; answers through respond(), stream(), acceptWebSocket()
    //! or not at all (the request then hangs, as a held long-poll).
    std::function<void(const Request &)> handler;

    explicit RawServer(QObject *parent = nullptr)
        : QObject(parent)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
                connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                    ++m_disconnects;
                    m_buffers.remove(socket);
                    m_upgraded.remove(socket);
                    socket->deleteLater();
                });
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    QString httpUrl() const { return u"http://127.0.0.1:%1"_s.arg(port()); }

    //! Bytes of streamed bodies the kernel has taken so far (what the client could read).
    qint64 streamedBytes() const { return m_streamed; }
    //! True once a stream stopped because the client closed its connection.
    bool streamAbandoned() const { return m_abandoned; }
    int disconnects() const { return m_disconnects; }

    static void respond(QTcpSocket *socket, int status, const QByteArray &body,
                        const QByteArray &contentType = "text/plain; charset=UTF-8")
    {
        socket->write("HTTP/1.1 " + QByteArray::number(status) + " Whatever\r\nContent-Type: "
                      + contentType + "\r\nContent-Length: " + QByteArray::number(body.size())
                      + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    //! How stream() wraps each 64 KiB piece of its body.
    enum class Framing {
        Raw, //!< as is (a Content-Length body, or a WebSocket frame's payload)
        HttpChunks, //!< Transfer-Encoding: chunked
        WebSocketContinuations, //!< one non-final continuation frame each (RFC 6455 §5.4)
    };

    //! Writes \a head, then \a total bytes of \a filler as the body, as fast as the client
    //! takes them, until done or the client closes.
    void stream(QTcpSocket *socket, const QByteArray &head, qint64 total, Framing framing,
                char filler = 'x')
    {
        socket->write(head);
        auto remaining = std::make_shared<qint64>(total);
        const QByteArray chunk(64 * 1024, filler);
        auto pump = [socket, remaining, chunk, framing] {
            while (*remaining > 0 && socket->bytesToWrite() < 4 * chunk.size()) {
                const QByteArray data = chunk.first(qMin<qint64>(chunk.size(), *remaining));
                *remaining -= data.size();
                switch (framing) {
                case Framing::Raw:
                    socket->write(data);
                    break;
                case Framing::HttpChunks:
                    socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
                    break;
                case Framing::WebSocketContinuations:
                    socket->write(frameHeader(0x00, false, quint64(data.size())) + data);
                    break;
                }
            }
        };
        connect(socket, &QTcpSocket::bytesWritten, this, [this, pump](qint64 written) {
            m_streamed += written;
            pump();
        });
        connect(socket, &QTcpSocket::disconnected, this, [this, remaining] {
            if (*remaining > 0)
                m_abandoned = true;
        });
        pump();
    }

    //! Completes a WebSocket handshake (RFC 6455 §4.2.2); frames may follow (frameHeader()).
    static void acceptWebSocket(const Request &request)
    {
        const QByteArray key = request.headers.value("sec-websocket-key")
                + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
        const QByteArray accept
                = QCryptographicHash::hash(key, QCryptographicHash::Sha1).toBase64();
        request.socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                              + accept + "\r\n\r\n");
    }

    //! The header of an unmasked frame with \a opcode (1 text, 0 continuation) whose payload
    //! is \a length bytes.
    static QByteArray frameHeader(int opcode, bool final, quint64 length)
    {
        QByteArray header(1, char((final ? 0x80 : 0) | opcode));
        if (length < 126) {
            header.append(char(length));
        } else if (length <= 0xffff) {
            header.append(char(126));
            header.append(char(length >> 8)).append(char(length & 0xff));
        } else {
            header.append(char(127));
            for (int shift = 56; shift >= 0; shift -= 8)
                header.append(char((length >> shift) & 0xff));
        }
        return header;
    }

private:
    void read(QTcpSocket *socket)
    {
        if (m_upgraded.contains(socket)) {
            socket->readAll(); // the client's WebSocket frames: not parsed here
            return;
        }
        m_buffers[socket] += socket->readAll();
        for (;;) {
            // Looked up again each time: a handler may close the socket.
            auto it = m_buffers.find(socket);
            if (it == m_buffers.end())
                return;
            QByteArray &buffer = *it;
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            Request request;
            request.socket = socket;
            const QList<QByteArray> lines = buffer.left(end).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            request.method = first.value(0);
            request.target = first.value(1);
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon > 0)
                    request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                           lines[i].mid(colon + 1).trimmed());
            }
            const qsizetype length = request.headers.value("content-length").toLongLong();
            if (buffer.size() < end + 4 + length)
                return;
            request.body = buffer.mid(end + 4, length);
            buffer.remove(0, end + 4 + length);
            if (handler)
                handler(request);
            if (request.isUpgrade()) {
                m_buffers.remove(socket);
                m_upgraded.insert(socket);
                return;
            }
        }
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QSet<QTcpSocket *> m_upgraded;
    qint64 m_streamed = 0;
    bool m_abandoned = false;
    int m_disconnects = 0;
};

//! \brief A minimal Engine.IO v4 polling peer on a RawServer: answers the handshake with
//! openPacket, each POST with "ok" (after onPost), and gives what deliver() is handed to the
//! next GET, or to the GET it holds meanwhile (a long-poll).
class PollingPeer
{
public:
    QByteArray openPacket = R"(0{"sid":"raw","upgrades":[],"pingInterval":25000,)"
                            R"("pingTimeout":20000,"maxPayload":1000000})";
    //! Each POSTed payload, before the "ok".
    std::function<void(const QByteArray &body)> onPost;

    static bool hasSid(const RawServer::Request &request)
    {
        const QByteArray &target = request.target;
        return QUrlQuery(QString::fromLatin1(target.mid(target.indexOf('?') + 1)))
                .hasQueryItem(u"sid"_s);
    }

    void handle(const RawServer::Request &request)
    {
        if (request.method == "POST") {
            if (onPost)
                onPost(request.body);
            RawServer::respond(request.socket, 200, "ok");
        } else if (!hasSid(request)) {
            RawServer::respond(request.socket, 200, openPacket);
        } else if (!m_queued.isEmpty()) {
            RawServer::respond(request.socket, 200, std::exchange(m_queued, {}));
        } else {
            m_held = request.socket;
        }
    }

    void deliver(const QByteArray &payload)
    {
        if (m_held)
            RawServer::respond(std::exchange(m_held, nullptr), 200, payload);
        else
            m_queued = payload;
    }

private:
    QPointer<QTcpSocket> m_held;
    QByteArray m_queued;
};

} // namespace ConfabTest
