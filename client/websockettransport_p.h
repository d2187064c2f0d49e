// SPDX-License-Identifier: MIT
#pragma once

#include "clienttransport_p.h"

#include <QtCore/QPointer>
#include <QtWebSockets/QWebSocket>

namespace Confab::Client {

//! \brief Engine.IO over one QWebSocket: a WebSocket-only session, or the upgrade probe that
//! becomes the session's transport.
//!
//! A frame or message over the receive limit is refused by Qt at its header or as it grows
//! (closed with 1009, reported as CloseReason::ProtocolError). With a pinned certificate only
//! that certificate is accepted, checked at sslErrors and again once connected.
class WebSocketTransport final : public ClientTransport
{
    Q_OBJECT
public:
    WebSocketTransport(const Options &options, QObject *parent);

    QString name() const override;
    qsizetype wireSize(const EngineIo::Packet &packet) const override;
    void open() override;
    //! Sends everything queued, one message per packet.
    void write(QList<EngineIo::Packet> &queue) override;
    //! Graceful: the close handshake may take up to 3 s before the transport goes.
    bool shutdown(bool graceful) override;
    void setReceiveLimit(qsizetype limit) override;

    //! Opens as the upgrade probe (PROTOCOL.md §1.7): sends "2probe" once connected, reports
    //! "3probe" with probeAnswered() and ignores every other message until upgrade().
    void openProbe();
    //! Sends "5": from now on this transport carries the session.
    void upgrade();

Q_SIGNALS:
    //! The server answered the probe; polling may pause.
    void probeAnswered();

private:
    void onConnected();
    void onText(const QString &text);
    void onBinary(const QByteArray &bytes);
    void onGone();

    QPointer<QWebSocket> m_ws;
    bool m_probing = false;
    bool m_probeAnswered = false;
};

} // namespace Confab::Client
