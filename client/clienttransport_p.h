// SPDX-License-Identifier: MIT
#pragma once

#include "engineioclient.h"

#include <engineiohandshake.h>
#include <engineiopacket.h>

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QUrl>
#include <QtNetwork/qtnetworkglobal.h>

class QSslCertificate;
class QSslConfiguration;
class QSslError;

namespace Confab::Client {

//! \brief One way of carrying an Engine.IO session's packets: HTTP long-polling or a WebSocket.
//!
//! EngineIoClient drives the session on top of it (handshake, heartbeat, upgrade, close); a
//! transport only moves packets, bounds what it reads (setReceiveLimit()) and applies the TLS
//! options. It reports through packetsReceived(), written() and failed(); after failed() it does
//! nothing more until shut down. shutdown() is the only way to end one: the transport then
//! deletes itself, so its owner keeps it in a QPointer.
class ClientTransport : public QObject
{
    Q_OBJECT
public:
    using CloseReason = EngineIoClient::CloseReason;
    using Options = EngineIoClient::Options;

    ClientTransport(const Options &options, QObject *parent);

    //! "polling" or "websocket", as in the Engine.IO query and the handshake's upgrades.
    virtual QString name() const = 0;
    //! Bytes \a packet takes on this transport, as the server's maxPayload counts them.
    virtual qsizetype wireSize(const EngineIo::Packet &packet) const = 0;
    //! Sends the handshake request (polling) or connects (WebSocket); with a sid set by
    //! setHandshake(), joins that session instead.
    virtual void open() = 0;
    //! Sends what may leave now from the front of \a queue and removes it; the rest waits for
    //! written().
    virtual void write(QList<EngineIo::Packet> &queue) = 0;
    //! Ends the transport; it deletes itself, at once or, when \a graceful, once its last bytes
    //! have left. True while it lingers for them.
    virtual bool shutdown(bool graceful) = 0;
    //! The most the server may send in one HTTP response or WebSocket message from now on.
    virtual void setReceiveLimit(qsizetype limit) { m_receiveLimit = limit; }

    //! The session this transport belongs to: its sid and maxPayload.
    void setHandshake(const EngineIo::Handshake &handshake) { m_handshake = handshake; }

Q_SIGNALS:
    //! Packets from the server, in order: a whole polling payload, or one WebSocket message.
    void packetsReceived(const QList<Confab::EngineIo::Packet> &packets);
    //! A write() has been delivered; more may be written.
    void written();
    //! The transport cannot go on; \a detail is a readable reason.
    void failed(Confab::Client::EngineIoClient::CloseReason reason, const QString &detail);

protected:
    QUrl requestUrl(bool websocket);
#if QT_CONFIG(ssl)
    QSslConfiguration sslConfiguration() const;
#endif
    //! The TLS errors are only about the pinned certificate, so they may be ignored.
    bool certificateTrusted(const QSslCertificate &peer, const QList<QSslError> &errors) const;
    //! No pin, or \a peer is the pinned certificate.
    bool pinHolds(const QSslCertificate &peer) const;
    //! Why \a peer is refused under the pin, naming both SHA-256 fingerprints.
    QString pinRefusal(const QSslCertificate &peer) const;
    //! Remembers pinRefusal() when certificateTrusted() refused \a peer for the pin, so that
    //! the failure that follows says so instead of Qt's generic handshake error.
    void notePinRefusal(const QSslCertificate &peer);

    const Options m_options;
    EngineIo::Handshake m_handshake;
    qsizetype m_receiveLimit = 0;
    bool m_shutDown = false;
    QString m_pinRefusal; //!< set when a certificate other than the pinned one was served

private:
    quint64 m_cacheBuster = 0;
};

//! The first bytes of \a bytes, for the wire trace.
QByteArray truncatedForLog(QByteArrayView bytes);

} // namespace Confab::Client
