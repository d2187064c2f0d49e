// SPDX-License-Identifier: MIT
#include "pollingtransport_p.h"

#include "clientlogging.h"

#include <engineiopayload.h>

#include <QtNetwork/QNetworkAccessManager>
#include <QtNetwork/QNetworkReply>
#include <QtNetwork/QNetworkRequest>
#if QT_CONFIG(ssl)
#    include <QtNetwork/QSslConfiguration>
#    include <QtNetwork/QSslError>
#endif

using namespace Qt::StringLiterals;

namespace Confab::Client {

using EngineIo::Packet;

namespace {

// python-engineio 4.3 refuses polling payloads of more than 16 packets (PROTOCOL.md §4.6).
constexpr int MaxPacketsPerPost = 16;
// Several packets share a POST only up to this many bytes: python-engineio 4.3's aiohttp driver
// reads a body with one StreamReader.read(), which returns only the bytes that have arrived, so
// big bodies get cut. One packet still goes alone, however large.
constexpr qsizetype SoftPostBytes = 16 * 1024;
// How far QNetworkAccessManager may read an HTTP body ahead of this thread.
constexpr qint64 ReplyReadBuffer = 64 * 1024;

QString replyError(QNetworkReply *reply, const QByteArray &replyBody)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QString detail = reply->errorString();
    if (status != 0) {
        const QByteArray body = replyBody.trimmed();
        detail = u"HTTP %1"_s.arg(status);
        if (!body.isEmpty())
            detail += u": "_s + QString::fromUtf8(truncatedForLog(body));
    }
    return detail;
}

EngineIoClient::CloseReason failureReason(QNetworkReply *reply)
{
    return reply->error() == QNetworkReply::SslHandshakeFailedError
            ? EngineIoClient::CloseReason::TlsError
            : EngineIoClient::CloseReason::TransportError;
}

} // namespace

PollingTransport::PollingTransport(const Options &options, QNetworkAccessManager *nam,
                                   QObject *parent)
    : ClientTransport(options, parent)
    , m_nam(nam)
{ }

QString PollingTransport::name() const
{
    return u"polling"_s;
}

qsizetype PollingTransport::wireSize(const Packet &packet) const
{
    // A v4 polling payload carries type digit + text, or 'b' + base64.
    if (packet.binary)
        return 1 + (packet.data.size() + 2) / 3 * 4;
    return 1 + packet.data.size();
}

QNetworkRequest PollingTransport::httpRequest()
{
    QNetworkRequest request(requestUrl(false));
    for (const auto &[name, value] : m_options.headers)
        request.setRawHeader(name, value);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    // Engine.IO servers speak HTTP/1.1; h2 over TLS only adds ways to fail.
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
#if QT_CONFIG(ssl)
    if (request.url().scheme() == "https"_L1)
        request.setSslConfiguration(sslConfiguration());
#endif
    return request;
}

void PollingTransport::watchReplySize(QNetworkReply *reply)
{
    // QNetworkReply would keep a whole body until finished(), and its HTTP thread reads ahead
    // of this one without bound. A small read buffer makes it stop reading the socket until
    // the bytes are taken here, where they are counted, so a hostile server can make the
    // client hold at most the limit. A declared length over the limit is refused at once.
    reply->setReadBufferSize(ReplyReadBuffer);
    auto refuse = [this](qint64 bytes, bool declared) {
        const qsizetype limit = m_receiveLimit;
        qCInfo(lcClientTransport) << "refusing an HTTP response of" << bytes
                                  << (declared ? "declared" : "received") << "bytes; the limit is"
                                  << limit;
        Q_EMIT failed(
                CloseReason::ProtocolError,
                u"the server sent an HTTP response larger than the client's limit of %1 bytes"_s
                        .arg(limit));
    };
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply, refuse] {
        bool ok = false;
        const qint64 declared = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&ok);
        if (ok && declared > m_receiveLimit)
            refuse(declared, true);
    });
    connect(reply, &QNetworkReply::readyRead, this, [this, reply, refuse] {
        QByteArray &body = m_replyBodies[reply];
        body += reply->readAll();
        if (body.size() > m_receiveLimit)
            refuse(body.size(), false);
    });
}

QByteArray PollingTransport::takeBody(QNetworkReply *reply)
{
    return m_replyBodies.take(reply) + reply->readAll();
}

void PollingTransport::watchReply(QNetworkReply *reply)
{
    watchReplySize(reply);
#if QT_CONFIG(ssl)
    connect(reply, &QNetworkReply::sslErrors, this, [this, reply](const QList<QSslError> &errors) {
        if (certificateTrusted(reply->sslConfiguration().peerCertificate(), errors)) {
            qCDebug(lcClientTransport) << "trusting the pinned certificate";
            reply->ignoreSslErrors();
        } else {
            qCInfo(lcClientTransport) << "TLS errors:" << errors;
            notePinRefusal(reply->sslConfiguration().peerCertificate());
        }
    });
    // Emitted before any request byte is sent: the place Qt documents for pinning checks.
    connect(reply, &QNetworkReply::encrypted, this, [this, reply] {
        if (!pinHolds(reply->sslConfiguration().peerCertificate()))
            Q_EMIT failed(CloseReason::TlsError,
                          pinRefusal(reply->sslConfiguration().peerCertificate()));
    });
#endif
}

QNetworkReply *PollingTransport::takeFinished(QPointer<QNetworkReply> &slot, QByteArray &body)
{
    QNetworkReply *reply = slot;
    slot = nullptr;
    if (reply) {
        reply->deleteLater();
        body = takeBody(reply);
    }
    return reply;
}

void PollingTransport::reportFailure(QNetworkReply *reply, const QByteArray &body, const char *what,
                                     CloseReason reason)
{
    if (!m_pinRefusal.isEmpty())
        reason = CloseReason::TlsError;
    const QString detail = m_pinRefusal.isEmpty() ? replyError(reply, body) : m_pinRefusal;
    qCInfo(lcClientTransport).nospace() << what << " failed: " << detail;
    Q_EMIT failed(reason, detail);
}

void PollingTransport::open()
{
    QNetworkRequest request = httpRequest();
    request.setTransferTimeout(int(m_options.connectTimeout.count()));
    qCDebug(lcClientTransport) << "GET" << request.url();
    m_handshakeReply = m_nam->get(request);
    watchReply(m_handshakeReply);
    connect(m_handshakeReply, &QNetworkReply::finished, this,
            &PollingTransport::onHandshakeFinished);
}

void PollingTransport::onHandshakeFinished()
{
    QByteArray body;
    QNetworkReply *reply = takeFinished(m_handshakeReply, body);
    if (!reply)
        return;
    if (reply->error() != QNetworkReply::NoError) {
        reportFailure(reply, body, "handshake", failureReason(reply));
        return;
    }
    qCDebug(lcClientTransport) << "handshake <" << truncatedForLog(body);
    auto packets = EngineIo::Payload::decode(body, m_options.limits);
    if (!packets || packets->isEmpty()) {
        Q_EMIT failed(CloseReason::ProtocolError,
                      u"bad handshake: "_s
                              + (packets ? u"empty payload"_s : packets.error().toString()));
        return;
    }
    Q_EMIT packetsReceived(*packets);
}

void PollingTransport::poll()
{
    if (m_pollReply || m_shutDown)
        return;
    QNetworkRequest request = httpRequest();
    m_pollReply = m_nam->get(request);
    watchReply(m_pollReply);
    connect(m_pollReply, &QNetworkReply::finished, this, &PollingTransport::onPollFinished);
}

void PollingTransport::onPollFinished()
{
    QByteArray body;
    QNetworkReply *reply = takeFinished(m_pollReply, body);
    if (!reply)
        return;
    if (reply->error() != QNetworkReply::NoError) {
        if (!m_closing)
            reportFailure(reply, body, "poll", failureReason(reply));
        return;
    }
    qCDebug(lcClientTransport) << "poll <" << truncatedForLog(body);
    auto packets = EngineIo::Payload::decode(body, m_options.limits);
    if (!packets) {
        Q_EMIT failed(CloseReason::ProtocolError, packets.error().toString());
        return;
    }
    Q_EMIT packetsReceived(*packets);
}

void PollingTransport::write(QList<Packet> &queue)
{
    if (m_postReply || m_shutDown || queue.isEmpty())
        return;
    const qsizetype maxBytes = m_handshake.maxPayload.value_or(0);
    QList<Packet> batch;
    qsizetype bytes = 0;
    while (!queue.isEmpty() && batch.size() < MaxPacketsPerPost) {
        const qsizetype size = wireSize(queue.first()) + (batch.isEmpty() ? 0 : 1);
        if (!batch.isEmpty()
            && ((maxBytes > 0 && bytes + size > maxBytes) || bytes + size > SoftPostBytes))
            break;
        bytes += size;
        batch.append(queue.takeFirst());
    }
    const QByteArray body = EngineIo::Payload::encode(batch);
    qCDebug(lcClientTransport) << "POST >" << truncatedForLog(body);
    QNetworkRequest request = httpRequest();
    request.setHeader(QNetworkRequest::ContentTypeHeader, "text/plain;charset=UTF-8"_ba);
    request.setTransferTimeout(
            int(std::max(m_options.connectTimeout, std::chrono::milliseconds(1000)).count()));
    m_postReply = m_nam->post(request, body);
    watchReply(m_postReply);
    connect(m_postReply, &QNetworkReply::finished, this, &PollingTransport::onPostFinished);
}

void PollingTransport::onPostFinished()
{
    QByteArray body;
    QNetworkReply *reply = takeFinished(m_postReply, body);
    if (!reply)
        return;
    if (reply->error() != QNetworkReply::NoError) {
        reportFailure(reply, body, "POST",
                      m_closing ? CloseReason::ClientClose : failureReason(reply));
        return;
    }
    // Node answers "ok", python-engineio "OK" (PROTOCOL.md §1.5).
    const QByteArray answer = body.trimmed();
    if (answer.compare("ok", Qt::CaseInsensitive) != 0)
        qCDebug(lcClientTransport) << "unexpected POST answer" << truncatedForLog(answer);
    Q_EMIT written();
}

bool PollingTransport::shutdown(bool graceful)
{
    // Nothing of a polling session lingers: a graceful close has already had its POST answered.
    Q_UNUSED(graceful);
    m_shutDown = true;
    discardReply(m_handshakeReply);
    discardReply(m_pollReply);
    discardReply(m_postReply);
    deleteLater();
    return false;
}

void PollingTransport::discardReply(QPointer<QNetworkReply> &reply)
{
    if (!reply)
        return;
    QNetworkReply *r = reply;
    reply = nullptr;
    m_replyBodies.remove(r);
    r->disconnect(this);
    r->abort();
    r->deleteLater();
}

} // namespace Confab::Client
