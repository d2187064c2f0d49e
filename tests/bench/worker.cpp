// SPDX-License-Identifier: MIT
#include "worker.h"

#include "stats.h"

#include "engineiopacket.h"
#include "json.h"
#include "socketiopacket.h"

#include <QtCore/QMetaObject>
#include <QtCore/QVariantMap>

#include <algorithm>
#include <climits>

using namespace Qt::StringLiterals;

namespace Bench {

namespace {

//! The Engine.IO text of a Socket.IO packet built with Confab's own codecs.
QByteArray eioText(const Confab::SocketIo::Packet &packet)
{
    return Confab::EngineIo::encodeText(
        Confab::EngineIo::Packet::message(Confab::SocketIo::encode(packet).text));
}

//! Parses the decimal digits at \a text[pos...]; -1 if there are none.
std::int64_t digitsAt(QByteArrayView text, qsizetype pos)
{
    std::int64_t value = 0;
    qsizetype i = pos;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && i - pos < 18; ++i)
        value = value * 10 + (text[i] - '0');
    return i == pos ? -1 : value;
}

//! The position just after `"key":` (whitespace skipped), or -1.
qsizetype valueOf(QByteArrayView text, QByteArrayView quotedKey, qsizetype from = 0)
{
    const qsizetype at = text.indexOf(quotedKey, from);
    if (at < 0)
        return -1;
    qsizetype i = at + quotedKey.size();
    while (i < text.size() && (text[i] == ' ' || text[i] == ':'))
        ++i;
    return i;
}

} // namespace

Worker::Worker(int index, QByteArray host, quint16 port)
    : m_index(index)
    , m_host(std::move(host))
    , m_port(port)
{
    m_hostPort = m_host + ':' + QByteArray::number(port);
    m_thread.setObjectName(u"bench-worker-%1"_s.arg(index));
    moveToThread(&m_thread);
    m_thread.start();
    invoke(
        [this] {
            m_tick = new QTimer(this);
            m_tick->setInterval(100);
            connect(m_tick, &QTimer::timeout, this, &Worker::tick);
            m_tick->start();
            m_rateTimer = new QTimer(this);
            m_rateTimer->setTimerType(Qt::PreciseTimer);
            m_rateTimer->setInterval(1);
            connect(m_rateTimer, &QTimer::timeout, this, &Worker::senderPump);
        },
        true);
}

Worker::~Worker()
{
    invoke(
        [this] {
            closeAll();
            delete m_tick;
            delete m_rateTimer;
            moveToThread(nullptr);
        },
        true);
    m_thread.quit();
    m_thread.wait(10'000);
}

void Worker::invoke(std::function<void()> fn, bool wait)
{
    QMetaObject::invokeMethod(this, std::move(fn),
                              wait ? Qt::BlockingQueuedConnection : Qt::QueuedConnection);
}

void Worker::startConnect(const std::vector<int> &ids, int inflight, std::int64_t timeoutNs)
{
    m_inflightCap = std::max(1, inflight);
    m_connectTimeoutNs = timeoutNs;
    for (int id : ids) {
        auto c = std::make_unique<Client>();
        c->id = id;
        m_clients.push_back(std::move(c));
    }
    launchNext();
}

void Worker::launchNext()
{
    while (m_inflight < m_inflightCap && m_nextLaunch < m_clients.size()) {
        Client &c = *m_clients[m_nextLaunch++];
        ++m_inflight;
        launch(c);
    }
}

void Worker::launch(Client &c)
{
    QSslSocket *tls = useTls ? new QSslSocket(this) : nullptr;
    c.socket = tls ? tls : new QTcpSocket(this);
    c.state = Client::Tcp;
    c.startedNs = nowNs();
    Client *cp = &c;
    if (tls) {
        // The host's certificate is self-signed; what is measured is the cost of encryption.
        tls->setPeerVerifyMode(QSslSocket::VerifyNone);
        connect(tls, &QSslSocket::encrypted, this, [this, cp] { onConnected(*cp); });
    } else {
        connect(c.socket, &QTcpSocket::connected, this, [this, cp] { onConnected(*cp); });
    }
    connect(c.socket, &QTcpSocket::readyRead, this, [this, cp] { onReadyRead(*cp); });
    connect(c.socket, &QTcpSocket::disconnected, this, [this, cp] { onGone(*cp); });
    connect(c.socket, &QTcpSocket::errorOccurred, this, [this, cp] { onGone(*cp); });
    if (tls) {
        tls->connectToHostEncrypted(QString::fromLatin1(m_host), m_port);
        return;
    }
    c.socket->connectToHost(QString::fromLatin1(m_host), m_port);
}

void Worker::onConnected(Client &c)
{
    c.socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    c.state = Client::Http;
    c.socket->write(Ws::upgradeRequest(m_hostPort, "/socket.io/?EIO=4&transport=websocket"));
}

void Worker::onGone(Client &c)
{
    if (c.state == Client::Closed)
        return;
    const bool wasReady = c.state == Client::Ready;
    c.state = Client::Closed;
    if (c.closing)
        return;
    if (wasReady) {
        ++dropped;
    } else {
        ++failed;
        --m_inflight;
        launchNext();
    }
    if (c.socket)
        c.socket->abort();
}

void Worker::onReadyRead(Client &c)
{
    c.parser.append(c.socket->readAll());
    if (c.state == Client::Http) {
        const QByteArrayView pending = c.parser.pending();
        const qsizetype end = pending.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        if (!pending.startsWith("HTTP/1.1 101")) {
            ++protocolErrors;
            onGone(c);
            return;
        }
        c.parser.consume(end + 4);
        c.state = Client::Open;
    }
    Ws::Opcode opcode{};
    QByteArrayView payload;
    for (int guard = 0; guard < 100'000; ++guard) {
        const auto result = c.parser.next(opcode, payload);
        if (result == Ws::FrameParser::NeedMore)
            return;
        if (result == Ws::FrameParser::Error) {
            ++protocolErrors;
            onGone(c);
            return;
        }
        ++frames;
        switch (opcode) {
        case Ws::Text:
            handleText(c, payload);
            break;
        case Ws::Ping:
            m_out.clear();
            Ws::appendFrame(m_out, Ws::Pong, payload);
            c.socket->write(m_out);
            break;
        case Ws::Close:
            onGone(c);
            return;
        default:
            break;
        }
        if (c.state == Client::Closed)
            return;
    }
}

void Worker::sendText(Client &c, QByteArrayView text)
{
    m_out.clear();
    Ws::appendFrame(m_out, Ws::Text, text);
    c.socket->write(m_out);
}

void Worker::handleText(Client &c, QByteArrayView text)
{
    const std::int64_t now = nowNs();
    lastFrameNs.store(now, std::memory_order_relaxed);
    if (text.isEmpty())
        return;
    switch (text[0]) {
    case '0': { // Engine.IO open: connect the main namespace with a name
        QVariantMap auth;
        auth.insert(u"name"_s, u"b%1"_s.arg(c.id));
        sendText(c, eioText(Confab::SocketIo::Packet::connect(u"/"_s, auth)));
        return;
    }
    case '2': // ping
        ++c.pings;
        ++pings;
        sendText(c, "3");
        return;
    case '1': // close
        onGone(c);
        return;
    case '4':
        break;
    default: // noop and the rest
        return;
    }
    if (text.size() < 2)
        return;
    switch (text[1]) {
    case '0': // CONNECT ack
        if (c.state != Client::Ready) {
            c.state = Client::Ready;
            m_connectNs.push_back(now - c.startedNs);
            ++connected;
            --m_inflight;
            launchNext();
        }
        return;
    case '4': // CONNECT_ERROR
        ++protocolErrors;
        onGone(c);
        return;
    case '1': // DISCONNECT
        onGone(c);
        return;
    case '2': // EVENT
        if (text.startsWith(R"(42["message",)"))
            handleDelivery(c, text);
        return;
    case '3': { // ACK
        const std::int64_t id = digitsAt(text, 2);
        if (id >= 0)
            handleAck(c, id, text);
        return;
    }
    default:
        return;
    }
}

void Worker::handleAck(Client &c, qint64 id, QByteArrayView text)
{
    if (id == c.joinAckId) {
        c.joinAckId = -1;
        // Low rate: decode it fully with Confab's codec and check {"ok": true}.
        const auto packet = Confab::SocketIo::decode(text.sliced(1));
        const QVariantList args = packet ? packet->arguments() : QVariantList{};
        if (!args.isEmpty() && args.first().toMap().value(u"ok"_s).toBool())
            ++joinsOk;
        else
            ++joinsFailed;
        return;
    }
    auto it = std::find_if(c.outstanding.begin(), c.outstanding.end(),
                           [id](const auto &entry) { return entry.first == id; });
    if (it == c.outstanding.end())
        return;
    const std::int64_t now = nowNs();
    const std::int64_t latency = now - it->second;
    c.outstanding.erase(it);
    // The hot path: no JSON parse, just {"ok":true} (python-socketio writes "ok": true).
    const qsizetype v = valueOf(text, "\"ok\"");
    const bool ok = v >= 0 && v < text.size() && text[v] == 't';
    if (ok)
        ++acksOk;
    else
        ++acksFailed;
    if (&c == m_sender) {
        if (m_senderMeasure)
            m_senderAckNs.push_back(latency);
        ++senderAcked;
        if (m_senderRate <= 0)
            senderPump();
        return;
    }
    if (m_measureAcks)
        m_ackNs.push_back(latency);
    if (c.toSend > 0)
        sendMessage(c, now);
}

void Worker::handleDelivery(Client &c, QByteArrayView text)
{
    const std::int64_t now = nowNs();
    ++c.deliveries;
    ++deliveries;
    lastDeliveryNs.store(now, std::memory_order_relaxed);
    if (!m_measureDeliveries)
        return;
    qsizetype v = valueOf(text, "\"text\"");
    if (v >= 0 && v < text.size() && text[v] == '"') {
        const std::int64_t sentAt = digitsAt(text, v + 1);
        if (sentAt > 0)
            m_deliveryNs.push_back(now - sentAt);
    }
}

void Worker::sendMessage(Client &c, std::int64_t now)
{
    const qint64 ackId = c.nextAckId++;
    QByteArray text;
    text.reserve(128);
    // 42<ack>["message",{"room":"..","text":"<send time ns>","id":"m<seq>"}]
    text += "42";
    text += QByteArray::number(ackId);
    text += R"(["message",{"room":")";
    text += c.room;
    text += R"(","text":")";
    text += QByteArray::number(now);
    text += R"(","id":"m)";
    text += QByteArray::number(c.seq++);
    text += "\"}]";
    c.outstanding.emplace_back(ackId, now);
    if (c.toSend > 0)
        --c.toSend;
    sendText(c, text);
}

void Worker::joinAll(const QByteArray &fixedRoom)
{
    for (auto &cp : m_clients) {
        Client &c = *cp;
        if (c.state != Client::Ready)
            continue;
        c.room = fixedRoom.isEmpty() ? "e" + QByteArray::number(c.id) : fixedRoom;
        c.joinAckId = c.nextAckId++;
        QVariantMap payload;
        payload.insert(u"room"_s, QString::fromLatin1(c.room));
        sendText(c, eioText(Confab::SocketIo::Packet::event(u"join"_s, {payload}, u"/"_s,
                                                            c.joinAckId)));
    }
}

void Worker::startEcho(int perClient, bool measure)
{
    m_measureAcks = measure;
    const std::int64_t now = nowNs();
    for (auto &cp : m_clients) {
        Client &c = *cp;
        if (c.state != Client::Ready)
            continue;
        c.toSend = perClient;
        if (perClient > 0)
            sendMessage(c, now);
    }
}

void Worker::startSender(int count, double rate, int window, bool measure)
{
    m_sender = nullptr;
    for (auto &cp : m_clients) {
        if (cp->id == 0 && cp->state == Client::Ready)
            m_sender = cp.get();
    }
    if (!m_sender)
        return;
    m_senderCount = count;
    m_senderRate = rate;
    m_senderWindow = std::max(1, window);
    m_senderMeasure = measure;
    senderSent = 0;
    senderAcked = 0;
    m_senderStartNs = nowNs();
    firstSendNs = m_senderStartNs;
    senderPump();
    if (rate > 0)
        m_rateTimer->start();
}

void Worker::senderPump()
{
    if (!m_sender || m_sender->state != Client::Ready)
        return;
    const std::int64_t now = nowNs();
    int due = m_senderCount;
    int cap = m_senderWindow;
    if (m_senderRate > 0) {
        due = std::min<std::int64_t>(m_senderCount,
                                     1 + std::int64_t(double(now - m_senderStartNs) * 1e-9
                                                      * m_senderRate));
        cap = 100'000; // a fixed rate does not wait for acks
    }
    int sent = senderSent.load();
    for (int guard = 0; guard < 100'000 && sent < due
         && int(m_sender->outstanding.size()) < cap;
         ++guard) {
        sendMessage(*m_sender, nowNs());
        sent = ++senderSent;
    }
    if (sent >= m_senderCount)
        m_rateTimer->stop();
}

void Worker::resetCounts()
{
    for (auto &cp : m_clients) {
        cp->pings = 0;
        cp->deliveries = 0;
    }
    deliveries = 0;
    acksOk = 0;
    acksFailed = 0;
    pings = 0;
}

std::pair<int, int> Worker::pingRange() const
{
    int lo = INT_MAX, hi = 0;
    for (const auto &cp : m_clients) {
        if (cp->state != Client::Ready)
            continue;
        lo = std::min(lo, cp->pings);
        hi = std::max(hi, cp->pings);
    }
    return {lo == INT_MAX ? 0 : lo, hi};
}

std::pair<int, int> Worker::deliveryRange() const
{
    int lo = INT_MAX, hi = 0;
    for (const auto &cp : m_clients) {
        if (cp->state != Client::Ready)
            continue;
        lo = std::min(lo, cp->deliveries);
        hi = std::max(hi, cp->deliveries);
    }
    return {lo == INT_MAX ? 0 : lo, hi};
}

int Worker::readyClients() const
{
    return int(std::count_if(m_clients.begin(), m_clients.end(),
                             [](const auto &cp) { return cp->state == Client::Ready; }));
}

void Worker::tick()
{
    threadCpuNs = Bench::threadCpuNs();
    if (m_inflight <= 0 || m_connectTimeoutNs <= 0)
        return;
    const std::int64_t now = nowNs();
    // Connection attempts that take too long count as failed (bounded scan of the launched).
    const std::size_t from = m_nextLaunch > 4096 ? m_nextLaunch - 4096 : 0;
    for (std::size_t i = from; i < m_nextLaunch; ++i) {
        Client &c = *m_clients[i];
        if (c.state != Client::Ready && c.state != Client::Closed
            && now - c.startedNs > m_connectTimeoutNs)
            onGone(c);
    }
}

void Worker::closeAll()
{
    m_rateTimer->stop();
    m_sender = nullptr;
    for (auto &cp : m_clients) {
        cp->closing = true;
        if (cp->socket) {
            cp->socket->disconnect(this);
            cp->socket->abort();
            delete cp->socket;
            cp->socket = nullptr;
        }
    }
    m_clients.clear();
    m_nextLaunch = 0;
    m_inflight = 0;
}

} // namespace Bench
