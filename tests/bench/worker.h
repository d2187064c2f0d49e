// SPDX-License-Identifier: MIT
// One load-generator thread: a share of the clients, each a QTcpSocket speaking WebSocket,
// Engine.IO v4 and Socket.IO v5 by hand, driven by this thread's own event loop. The
// controller (bench.cpp) starts phases with invoke() and watches the atomic counters; the
// samples are read back with a blocking invoke once a phase is over.
#pragma once

#include "wsclient.h"

#include <QtCore/QObject>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpSocket>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace Bench {

struct Client
{
    enum State : quint8 { Idle, Tcp, Http, Open, Ready, Closed };
    QTcpSocket *socket = nullptr;
    int id = 0; //!< global index; its name is "b<id>"
    State state = Idle;
    bool closing = false;
    Ws::FrameParser parser;
    std::int64_t startedNs = 0;
    int pings = 0;
    QByteArray room;
    qint64 nextAckId = 0;
    qint64 joinAckId = -1;
    std::deque<std::pair<qint64, std::int64_t>> outstanding; //!< message ack id, sent at
    int toSend = 0; //!< echo: messages still to send (closed loop)
    int seq = 0; //!< message ids "m<seq>", unique per client
    int deliveries = 0; //!< `message` events received since the last reset
};

class Worker : public QObject
{
public:
    Worker(int index, QByteArray host, quint16 port);
    //! Connect over TLS (wss), set before the workers start (--tls).
    static inline bool useTls = false;
    ~Worker() override;

    //! Runs \a fn in the worker's thread; blocks until it returned when \a wait is set.
    void invoke(std::function<void()> fn, bool wait = false);

    // ---- phases (call through invoke) ----
    void startConnect(const std::vector<int> &ids, int inflight, std::int64_t timeoutNs);
    void joinAll(const QByteArray &fixedRoom); //!< empty: each client its own room "e<id>"
    void startEcho(int perClient, bool measure);
    //! Client 0 (on worker 0) sends \a count messages to the room: \a rate per second, or as
    //! fast as acks come back with at most \a window unacknowledged when \a rate is 0.
    void startSender(int count, double rate, int window, bool measure);
    void setMeasureDeliveries(bool on) { m_measureDeliveries = on; }
    void resetCounts();
    void closeAll();

    // ---- read back (call through invoke with wait) ----
    std::vector<std::int64_t> takeConnectSamples() { return std::exchange(m_connectNs, {}); }
    std::vector<std::int64_t> takeAckSamples() { return std::exchange(m_ackNs, {}); }
    std::vector<std::int64_t> takeDeliverySamples() { return std::exchange(m_deliveryNs, {}); }
    std::vector<std::int64_t> takeSenderAckSamples() { return std::exchange(m_senderAckNs, {}); }
    //! Smallest and largest per-client count of pings since the last resetCounts().
    std::pair<int, int> pingRange() const;
    std::pair<int, int> deliveryRange() const;
    int readyClients() const;

    // ---- watched by the controller ----
    std::atomic<int> connected{0};
    std::atomic<int> failed{0};
    std::atomic<int> dropped{0};
    std::atomic<std::int64_t> pings{0};
    std::atomic<int> joinsOk{0};
    std::atomic<int> joinsFailed{0};
    std::atomic<std::int64_t> acksOk{0};
    std::atomic<std::int64_t> acksFailed{0};
    std::atomic<std::int64_t> deliveries{0};
    std::atomic<std::int64_t> frames{0};
    std::atomic<std::int64_t> lastFrameNs{0};
    std::atomic<std::int64_t> lastDeliveryNs{0};
    std::atomic<std::int64_t> firstSendNs{0};
    std::atomic<int> senderAcked{0};
    std::atomic<int> senderSent{0};
    std::atomic<int> protocolErrors{0};
    std::atomic<std::int64_t> threadCpuNs{0}; //!< refreshed every tick

private:
    void launch(Client &c);
    void onConnected(Client &c);
    void onReadyRead(Client &c);
    void onGone(Client &c);
    void handleText(Client &c, QByteArrayView text);
    void handleAck(Client &c, qint64 id, QByteArrayView text);
    void handleDelivery(Client &c, QByteArrayView text);
    void sendText(Client &c, QByteArrayView text);
    void sendMessage(Client &c, std::int64_t nowNs);
    void launchNext();
    void tick();
    void senderPump();

    int m_index;
    QByteArray m_host;
    QByteArray m_hostPort;
    quint16 m_port;
    QThread m_thread;
    QTimer *m_tick = nullptr;
    QTimer *m_rateTimer = nullptr;
    std::vector<std::unique_ptr<Client>> m_clients;
    std::size_t m_nextLaunch = 0;
    int m_inflight = 0;
    int m_inflightCap = 16;
    std::int64_t m_connectTimeoutNs = 0;
    bool m_measureAcks = false;
    bool m_measureDeliveries = false;
    std::vector<std::int64_t> m_connectNs, m_ackNs, m_deliveryNs, m_senderAckNs;
    QByteArray m_out; //!< scratch for frames

    // the fanout sender
    Client *m_sender = nullptr;
    int m_senderCount = 0;
    double m_senderRate = 0;
    int m_senderWindow = 1;
    bool m_senderMeasure = false;
    std::int64_t m_senderStartNs = 0;
};

} // namespace Bench
