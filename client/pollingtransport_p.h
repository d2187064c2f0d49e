// SPDX-License-Identifier: MIT
#pragma once

#include "clienttransport_p.h"

#include <QtCore/QHash>
#include <QtCore/QPointer>

#include <QtNetwork/QNetworkReply>

class QNetworkAccessManager;
class QNetworkRequest;

namespace Confab::Client {

//! \brief Engine.IO over HTTP long-polling: the handshake GET, one held GET at a time (poll())
//! and one POST at a time (write()), through the client's QNetworkAccessManager so that its
//! connections are reused from one session to the next.
//!
//! Every response is bounded while it arrives: a Content-Length over the receive limit is
//! refused at the headers, and the body is taken through a 64 KiB read buffer and counted.
class PollingTransport final : public ClientTransport
{
    Q_OBJECT
public:
    PollingTransport(const Options &options, QNetworkAccessManager *nam, QObject *parent);

    QString name() const override;
    qsizetype wireSize(const EngineIo::Packet &packet) const override;
    void open() override;
    //! POSTs a batch (at most 16 packets, within maxPayload) unless a POST is in flight.
    void write(QList<EngineIo::Packet> &queue) override;
    bool shutdown(bool graceful) override;

    //! Sends the next long-poll GET unless one is pending.
    void poll();
    //! A GET or POST is in flight; the upgrade waits until neither is.
    bool isBusy() const { return m_pollReply || m_postReply; }
    //! The session is closing: the pending GET's failure no longer matters, and a failed POST
    //! ends the close (CloseReason::ClientClose).
    void setClosing() { m_closing = true; }

private:
    QNetworkRequest httpRequest();
    void watchReply(QNetworkReply *reply);
    void watchReplySize(QNetworkReply *reply);
    //! The reply's whole body: what watchReplySize() has taken so far and the rest.
    QByteArray takeBody(QNetworkReply *reply);
    //! The finished reply of \a slot, taken out of it (deleted later) with its \a body; null
    //! when it was discarded meanwhile.
    QNetworkReply *takeFinished(QPointer<QNetworkReply> &slot, QByteArray &body);
    //! Logs why \a reply, a \a what request, failed and reports it as \a reason.
    void reportFailure(QNetworkReply *reply, const QByteArray &body, const char *what,
                       EngineIoClient::CloseReason reason);
    void onHandshakeFinished();
    void onPollFinished();
    void onPostFinished();
    void discardReply(QPointer<QNetworkReply> &reply);

    QNetworkAccessManager *m_nam;
    QPointer<QNetworkReply> m_handshakeReply;
    QPointer<QNetworkReply> m_pollReply;
    QPointer<QNetworkReply> m_postReply;
    //! Bodies of the replies above, read while they arrive (see watchReplySize()).
    QHash<QNetworkReply *, QByteArray> m_replyBodies;
    bool m_closing = false;
};

} // namespace Confab::Client
