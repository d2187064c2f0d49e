// SPDX-License-Identifier: MIT
// Helpers for in-process host tests: a blocking-by-event-loop HTTP client and a raw
// WebSocket peer that keeps every frame it receives.
#pragma once

#include "engineiooptions.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTimer>
#include <QtCore/QUrlQuery>
#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWebSockets/QWebSocket>

#include <memory>

namespace TestUtil {

using namespace Qt::StringLiterals;

//! \brief Global data (initTestCase_data()): every test runs on both WebSocket engines.
inline void addWebSocketEngineRows()
{
    QTest::addColumn<QString>("webSocketEngine");
    QTest::newRow("native") << u"native"_s;
    QTest::newRow("qt") << u"qt"_s;
}

//! \brief The engine of the current global data row (see addWebSocketEngineRows()).
inline Confab::WebSocketEngine currentWebSocketEngine()
{
    QFETCH_GLOBAL(QString, webSocketEngine);
    return Confab::parseWebSocketEngine(webSocketEngine).value();
}

inline QUrl url(quint16 port, const QString &query, const QString &path = u"/socket.io/"_s,
                const QString &scheme = u"http"_s)
{
    QUrl u;
    u.setScheme(scheme);
    u.setHost(u"127.0.0.1"_s);
    u.setPort(port);
    u.setPath(path);
    u.setQuery(query);
    return u;
}

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &pair : headers) {
            if (pair.first.compare(name, Qt::CaseInsensitive) == 0)
                return pair.second;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

//! Sends requests and lets the event loop run until their replies are in.
class HttpClient
{
public:
    QNetworkReply *start(const QByteArray &method, const QUrl &url, const QByteArray &body = {},
                         const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        if (method == "POST" && !request.hasRawHeader("Content-Type"))
            request.setRawHeader("Content-Type", "text/plain;charset=UTF-8");
        QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
        return reply;
    }
    static HttpResult finish(QNetworkReply *reply, int timeoutMs = 10000)
    {
        if (!reply->isFinished()) {
            QSignalSpy spy(reply, &QNetworkReply::finished);
            if (!spy.wait(timeoutMs))
                return {};
        }
        HttpResult result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        result.headers = reply->rawHeaderPairs();
        result.error = reply->error();
        reply->deleteLater();
        return result;
    }
    HttpResult get(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return finish(start("GET", url, {}, headers));
    }
    HttpResult post(const QUrl &url, const QByteArray &body,
                    const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return finish(start("POST", url, body, headers));
    }

private:
    QNetworkAccessManager m_nam;
};

//! Runs the event loop until \a done() is true or \a timeoutMs passes (what QTRY_* do).
template<typename Predicate>
bool waitUntil(Predicate done, int timeoutMs = 5000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(5);
    }
    return true;
}

//! A raw WebSocket peer that queues every frame it receives.
class RawSocket : public QObject
{
public:
    explicit RawSocket(bool answerPings = true)
        : m_answerPings(answerPings)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, this,
                         [this](const QString &text) {
                             if (m_answerPings && text == u"2") {
                                 socket.sendTextMessage(u"3"_s);
                                 ++pingsAnswered;
                                 return;
                             }
                             frames.append({text.toUtf8(), false});
                         });
        QObject::connect(&socket, &QWebSocket::binaryMessageReceived, this,
                         [this](const QByteArray &bytes) {
                             frames.append({bytes, true});
                         });
        QObject::connect(&socket, &QWebSocket::disconnected, this, [this] { closed = true; });
        // A refused handshake never connects, so it never disconnects either.
        QObject::connect(&socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
                         [this] {
                             if (socket.state() != QAbstractSocket::ConnectedState)
                                 closed = true;
                         });
    }

    bool open(const QUrl &url, int timeoutMs = 5000)
    {
        QSignalSpy spy(&socket, &QWebSocket::connected);
        socket.open(url);
        return spy.wait(timeoutMs) || socket.state() == QAbstractSocket::ConnectedState;
    }
    //! The next frame (text or binary), or an empty frame after the timeout.
    QPair<QByteArray, bool> next(int timeoutMs = 5000)
    {
        waitUntil([this] { return !frames.isEmpty() || closed; }, timeoutMs);
        if (frames.isEmpty())
            return {};
        return frames.takeFirst();
    }
    QByteArray nextText(int timeoutMs = 5000) { return next(timeoutMs).first; }
    bool waitClosed(int timeoutMs = 5000)
    {
        return waitUntil([this] { return closed; }, timeoutMs);
    }
    void sendText(const QByteArray &utf8) { socket.sendTextMessage(QString::fromUtf8(utf8)); }
    void sendBinary(const QByteArray &bytes) { socket.sendBinaryMessage(bytes); }

    QWebSocket socket;
    QList<QPair<QByteArray, bool>> frames;
    bool closed = false;
    int pingsAnswered = 0;

private:
    bool m_answerPings;
};

//! The sid of an Engine.IO open packet "0{...}".
inline QString openSid(const QByteArray &openPacket)
{
    return QJsonDocument::fromJson(openPacket.mid(1)).object().value(u"sid"_s).toString();
}

} // namespace TestUtil
