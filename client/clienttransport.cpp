// SPDX-License-Identifier: MIT
#include "clienttransport_p.h"

#include <QtCore/QRandomGenerator>
#include <QtCore/QUrlQuery>
#if QT_CONFIG(ssl)
#    include <QtNetwork/QSslCertificate>
#    include <QtNetwork/QSslConfiguration>
#    include <QtNetwork/QSslError>
#endif

using namespace Qt::StringLiterals;

namespace Confab::Client {

QByteArray truncatedForLog(QByteArrayView bytes)
{
    constexpr qsizetype max = 120;
    return bytes.size() <= max ? bytes.toByteArray() : bytes.first(max).toByteArray() + "…";
}

ClientTransport::ClientTransport(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_receiveLimit(options.limits.maxPayload)
{ }

QUrl ClientTransport::requestUrl(bool websocket)
{
    QUrl url = websocket ? m_options.wsUrl : m_options.httpUrl;
    QUrlQuery query = m_options.query;
    query.addQueryItem(u"EIO"_s, u"4"_s);
    query.addQueryItem(u"transport"_s, websocket ? u"websocket"_s : u"polling"_s);
    if (!websocket) {
        // A cache buster, as every official client sends; servers ignore its value.
        query.addQueryItem(u"t"_s,
                           QString::number(QRandomGenerator::global()->generate(), 36)
                                   + QString::number(++m_cacheBuster, 36));
    }
    if (!m_handshake.sid.isEmpty())
        query.addQueryItem(u"sid"_s, m_handshake.sid);
    url.setQuery(query);
    return url;
}

#if QT_CONFIG(ssl)
QSslConfiguration ClientTransport::sslConfiguration() const
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    // A pin restricts: with no CA to consult (this also stops Qt loading the system's on
    // demand), every certificate fails verification and sslErrors decides, accepting only the
    // pinned one. A CA that vouches for another certificate is not asked.
    if (!m_options.trustedCertificateSha256.isEmpty())
        config.setCaCertificates({});
    return config;
}
#endif

bool ClientTransport::certificateTrusted(const QSslCertificate &peer,
                                         const QList<QSslError> &errors) const
{
#if QT_CONFIG(ssl)
    const QByteArray &pin = m_options.trustedCertificateSha256;
    if (pin.isEmpty())
        return false;
    // The server proved in the handshake that it holds the leaf's key, so a leaf that is the
    // pinned certificate settles every complaint (self-signed, wrong host, unknown issuer...).
    if (!peer.isNull())
        return peer.digest(QCryptographicHash::Sha256) == pin;
    // Without the leaf, every complaint must be about the pinned certificate.
    if (errors.isEmpty())
        return false;
    for (const QSslError &error : errors) {
        const QSslCertificate cert = error.certificate();
        if (cert.isNull() || cert.digest(QCryptographicHash::Sha256) != pin)
            return false;
    }
    return true;
#else
    Q_UNUSED(peer);
    Q_UNUSED(errors);
    return false;
#endif
}

QString ClientTransport::pinRefusal(const QSslCertificate &peer) const
{
#if QT_CONFIG(ssl)
    const auto text = [](const QByteArray &digest) {
        return QString::fromLatin1(digest.toHex(':').toUpper());
    };
    const QString served
            = peer.isNull() ? u"none"_s : text(peer.digest(QCryptographicHash::Sha256));
    return u"the server's certificate (SHA-256 %1) is not the pinned one (SHA-256 %2): the "
           u"host made a new certificate, or another machine answers at this address"_s.arg(
                   served, text(m_options.trustedCertificateSha256));
#else
    Q_UNUSED(peer);
    return {};
#endif
}

void ClientTransport::notePinRefusal(const QSslCertificate &peer)
{
    if (!m_options.trustedCertificateSha256.isEmpty())
        m_pinRefusal = pinRefusal(peer);
}

bool ClientTransport::pinHolds(const QSslCertificate &peer) const
{
#if QT_CONFIG(ssl)
    // The empty CA list already sends every certificate through certificateTrusted(); this
    // checks again once the connection is up, whatever trust store Qt ended up using.
    const QByteArray &pin = m_options.trustedCertificateSha256;
    return pin.isEmpty() || (!peer.isNull() && peer.digest(QCryptographicHash::Sha256) == pin);
#else
    Q_UNUSED(peer);
    return true;
#endif
}

} // namespace Confab::Client
