// SPDX-License-Identifier: MIT
// confab-bench: the load generator of the side-by-side benchmark. One scenario per run against
// a server that is already listening (run.sh starts a fresh one for every run):
//
//   confab-bench --port P --server-pid PID --scenario connect|echo|fanout [options] --out F.json
//
//   connect  --clients N --hold S         N idle clients held S seconds, pings answered
//   echo     --clients C --messages M     C clients, each in its own room, M acked messages
//                                          each, one outstanding at a time
//   fanout   --clients N --messages K     one room of N; client 0 sends K messages, at full
//            [--rate R] [--window W]      speed (W unacknowledged at most) or R per second
//
// Clients are spread over two worker threads, each with its own event loop. Server CPU and
// memory come from /proc/PID of the server; the generator's own threads are watched too, and
// the result says when the generator (or the whole machine) was the bottleneck.
#include "stats.h"
#include "worker.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <cstdio>
#include <memory>
#include <thread>

#include <sys/resource.h>

using namespace Qt::StringLiterals;
using namespace Bench;

namespace {

constexpr int Workers = 2;

void sleepMs(int ms)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

//! Waits until \a done() or \a seconds pass; false on timeout.
template<typename F>
bool waitFor(F done, double seconds, int pollMs = 5)
{
    const std::int64_t deadline = nowNs() + std::int64_t(seconds * 1e9);
    while (!done()) {
        if (nowNs() > deadline)
            return false;
        sleepMs(pollMs);
    }
    return true;
}

struct Snapshot
{
    std::int64_t wallNs = 0;
    std::int64_t serverCpuNs = 0;
    std::int64_t serverRss = 0;
    std::int64_t selfCpuNs = 0;
    MachineCpu machine;
    std::int64_t workerCpuNs[Workers] = {};
};

class Controller
{
public:
    Controller(QByteArray host, quint16 port, qint64 serverPid)
        : m_serverPid(serverPid)
    {
        for (int i = 0; i < Workers; ++i)
            m_workers.push_back(std::make_unique<Worker>(i, host, port));
    }

    template<typename F>
    std::int64_t sum(F field) const
    {
        std::int64_t total = 0;
        for (const auto &w : m_workers)
            total += field(*w);
        return total;
    }

    Snapshot snapshot()
    {
        Snapshot s;
        s.wallNs = nowNs();
        s.serverCpuNs = procCpuNs(m_serverPid);
        s.serverRss = procStatusBytes(m_serverPid);
        s.selfCpuNs = processCpuNs();
        s.machine = machineCpu();
        for (int i = 0; i < Workers; ++i) {
            std::int64_t cpu = 0;
            m_workers[i]->invoke([&cpu] { cpu = threadCpuNs(); }, true);
            s.workerCpuNs[i] = cpu;
        }
        return s;
    }

    //! CPU figures of a measured interval: the server's, the generator's and the machine's.
    QJsonObject interval(const Snapshot &a, const Snapshot &b)
    {
        const double wall = double(b.wallNs - a.wallNs) / 1e9;
        const double serverCpu = double(b.serverCpuNs - a.serverCpuNs) / 1e9;
        const double selfCpu = double(b.selfCpuNs - a.selfCpuNs) / 1e9;
        double busiestWorker = 0;
        for (int i = 0; i < Workers; ++i)
            busiestWorker = std::max(busiestWorker,
                                     double(b.workerCpuNs[i] - a.workerCpuNs[i]) / 1e9 / wall);
        const double machineTotal = double(b.machine.total - a.machine.total);
        const double machineBusy =
            machineTotal > 0 ? double(b.machine.busy - a.machine.busy) / machineTotal : 0;
        const double cores = double(std::thread::hardware_concurrency());
        const double otherCores = std::max(0.0, machineBusy * cores - (serverCpu + selfCpu) / wall);
        QJsonObject o;
        o[u"wall_s"_s] = wall;
        o[u"server_cpu_s"_s] = serverCpu;
        o[u"server_cpu_pct"_s] = 100 * serverCpu / wall;
        o[u"generator_cpu_s"_s] = selfCpu;
        o[u"generator_busiest_thread_pct"_s] = 100 * busiestWorker;
        o[u"machine_busy_pct"_s] = 100 * machineBusy;
        o[u"other_load_cores"_s] = otherCores;
        // A worker thread that is busy ≥ 90% of the time is the bottleneck, not the server.
        o[u"generator_cpu_bound"_s] = busiestWorker >= 0.9;
        o[u"machine_saturated"_s] = machineBusy >= 0.95;
        return o;
    }

    //! Connects \a n clients (ids 0..n-1, id % 2 picks the worker); returns the connected count.
    int connectClients(int n, QJsonObject &out)
    {
        const std::int64_t t0 = nowNs();
        for (int w = 0; w < Workers; ++w) {
            std::vector<int> ids;
            for (int id = w; id < n; id += Workers)
                ids.push_back(id);
            m_workers[w]->invoke([w = m_workers[w].get(), ids] {
                w->startConnect(ids, 16, 20'000'000'000LL);
            });
        }
        const bool ok = waitFor(
            [&] { return sum([](Worker &w) { return w.connected + w.failed; }) >= n; },
            60 + n * 0.02);
        const double ramp = double(nowNs() - t0) / 1e9;
        std::vector<std::int64_t> samples;
        for (auto &w : m_workers) {
            std::vector<std::int64_t> part;
            w->invoke([&] { part = w->takeConnectSamples(); }, true);
            samples.insert(samples.end(), part.begin(), part.end());
        }
        const int connected = int(sum([](Worker &w) { return w.connected.load(); }));
        out[u"clients"_s] = n;
        out[u"connected"_s] = connected;
        out[u"connect_failed"_s] = int(sum([](Worker &w) { return w.failed.load(); }));
        out[u"connect_timeout"_s] = !ok;
        out[u"connect_ramp_s"_s] = ramp;
        out[u"connect_rate_per_s"_s] = connected / ramp;
        out[u"connect_p50_ms"_s] = percentile(samples, 50) / 1e6;
        out[u"connect_p99_ms"_s] = percentile(samples, 99) / 1e6;
        return connected;
    }

    void finish(QJsonObject &out)
    {
        out[u"dropped"_s] = int(sum([](Worker &w) { return w.dropped.load(); }));
        out[u"protocol_errors"_s] = int(sum([](Worker &w) { return w.protocolErrors.load(); }));
        out[u"server_rss_end_bytes"_s] = double(procStatusBytes(m_serverPid));
        out[u"server_hwm_bytes"_s] = double(procStatusBytes(m_serverPid, "VmHWM:"));
        for (auto &w : m_workers)
            w->invoke([w = w.get()] { w->closeAll(); }, true);
    }

    void resetAll()
    {
        for (auto &w : m_workers)
            w->invoke([w = w.get()] { w->resetCounts(); }, true);
    }

    QJsonObject runConnect(int n, double holdSeconds, int pingIntervalMs)
    {
        QJsonObject out;
        sleepMs(500); // let the fresh server settle
        const std::int64_t baseRss = procStatusBytes(m_serverPid);
        out[u"server_rss_base_bytes"_s] = double(baseRss);
        const int connected = connectClients(n, out);
        resetAll();
        const Snapshot a = snapshot();
        std::int64_t peakRss = baseRss;
        const std::int64_t end = a.wallNs + std::int64_t(holdSeconds * 1e9);
        for (int guard = 0; guard < 100'000 && nowNs() < end; ++guard) {
            sleepMs(int(std::min<std::int64_t>(250, std::max<std::int64_t>(1, (end - nowNs()) / 1'000'000))));
            peakRss = std::max(peakRss, procStatusBytes(m_serverPid));
        }
        const Snapshot b = snapshot();
        out[u"hold"_s] = interval(a, b);
        out[u"server_rss_held_bytes"_s] = double(b.serverRss);
        out[u"server_rss_per_client_bytes"_s] =
            connected > 0 ? double(b.serverRss - baseRss) / connected : 0.0;
        out[u"server_idle_cpu_pct"_s] = 100.0 * double(b.serverCpuNs - a.serverCpuNs)
            / double(b.wallNs - a.wallNs);
        int pingMin = INT_MAX, pingMax = 0;
        int ready = 0;
        for (auto &w : m_workers) {
            std::pair<int, int> range;
            int r = 0;
            w->invoke([&] { range = w->pingRange(); r = w->readyClients(); }, true);
            pingMin = std::min(pingMin, range.first);
            pingMax = std::max(pingMax, range.second);
            ready += r;
        }
        out[u"still_connected"_s] = ready;
        out[u"pings_total"_s] = double(sum([](Worker &w) { return w.pings.load(); }));
        out[u"pings_per_client_min"_s] = pingMin == INT_MAX ? 0 : pingMin;
        out[u"pings_per_client_max"_s] = pingMax;
        // A client gets a ping every interval; allow one short for phase alignment.
        const int expected = std::max(0, int(holdSeconds * 1000 / pingIntervalMs) - 1);
        out[u"pings_expected_min"_s] = expected;
        out[u"all_pings_answered_none_dropped"_s] =
            ready == n && pingMin >= expected && sum([](Worker &w) { return w.dropped.load(); }) == 0;
        finish(out);
        return out;
    }

    bool joinAll(const QByteArray &room, int expected, QJsonObject &out)
    {
        const std::int64_t t0 = nowNs();
        for (auto &w : m_workers)
            w->invoke([w = w.get(), room] { w->joinAll(room); });
        const bool ok = waitFor(
            [&] { return sum([](Worker &w) { return w.joinsOk + w.joinsFailed; }) >= expected; },
            60 + expected * 0.05);
        out[u"join_s"_s] = double(nowNs() - t0) / 1e9;
        out[u"joins_failed"_s] = int(sum([](Worker &w) { return w.joinsFailed.load(); }));
        return ok && sum([](Worker &w) { return w.joinsFailed.load(); }) == 0;
    }

    //! Waits until no frame arrived for \a quietMs (the `joined` broadcasts of a big room).
    void waitQuiet(int quietMs, double maxSeconds)
    {
        waitFor(
            [&] {
                std::int64_t last = 0;
                for (auto &w : m_workers)
                    last = std::max<std::int64_t>(last, w->lastFrameNs.load());
                return nowNs() - last > std::int64_t(quietMs) * 1'000'000;
            },
            maxSeconds, 20);
    }

    QJsonObject runEcho(int clients, int messages)
    {
        QJsonObject out;
        const int connected = connectClients(clients, out);
        if (connected < clients || !joinAll({}, connected, out)) {
            out[u"error"_s] = u"setup failed"_s;
            finish(out);
            return out;
        }
        // Warm-up (JITs, caches, the store's first commits): not measured.
        const int warm = std::min(20, std::max(1, messages / 10));
        for (auto &w : m_workers)
            w->invoke([w = w.get(), warm] { w->startEcho(warm, false); });
        waitFor([&] { return sum([](Worker &w) { return w.acksOk + w.acksFailed; })
                             >= std::int64_t(connected) * warm; },
                60);
        waitFor([&] { return sum([](Worker &w) { return w.deliveries.load(); })
                             >= std::int64_t(connected) * warm; },
                10);
        resetAll();
        const std::int64_t total = std::int64_t(connected) * messages;
        const Snapshot a = snapshot();
        for (auto &w : m_workers)
            w->invoke([w = w.get(), messages] { w->startEcho(messages, true); });
        const bool ok = waitFor(
            [&] { return sum([](Worker &w) { return w.acksOk + w.acksFailed; }) >= total; },
            120 + double(total) * 0.01);
        const Snapshot b = snapshot();
        waitFor([&] { return sum([](Worker &w) { return w.deliveries.load(); }) >= total; }, 10);
        std::vector<std::int64_t> samples;
        for (auto &w : m_workers) {
            std::vector<std::int64_t> part;
            w->invoke([&] { part = w->takeAckSamples(); }, true);
            samples.insert(samples.end(), part.begin(), part.end());
        }
        const std::int64_t acked = sum([](Worker &w) { return w.acksOk.load(); });
        const double wall = double(b.wallNs - a.wallNs) / 1e9;
        out[u"messages_per_client"_s] = messages;
        out[u"messages_total"_s] = double(total);
        out[u"acks_ok"_s] = double(acked);
        out[u"acks_failed"_s] = double(sum([](Worker &w) { return w.acksFailed.load(); }));
        out[u"echo_deliveries"_s] = double(sum([](Worker &w) { return w.deliveries.load(); }));
        out[u"timeout"_s] = !ok;
        out[u"measured"_s] = interval(a, b);
        out[u"msgs_per_s"_s] = double(acked) / wall;
        out[u"ack_p50_ms"_s] = percentile(samples, 50) / 1e6;
        out[u"ack_p99_ms"_s] = percentile(samples, 99) / 1e6;
        out[u"server_cpu_us_per_msg"_s] =
            acked > 0 ? double(b.serverCpuNs - a.serverCpuNs) / 1e3 / double(acked) : -1.0;
        finish(out);
        return out;
    }

    QJsonObject runFanout(int clients, int messages, double rate, int window)
    {
        QJsonObject out;
        const int connected = connectClients(clients, out);
        if (connected < clients || !joinAll("fan", connected, out)) {
            out[u"error"_s] = u"setup failed"_s;
            finish(out);
            return out;
        }
        waitQuiet(500, 120);
        Worker &senderWorker = *m_workers[0];
        // Warm-up: 20 messages at full speed, every delivery awaited.
        const int warm = 20;
        resetAll();
        senderWorker.invoke([&] { senderWorker.startSender(warm, 0, window, false); });
        waitFor([&] { return sum([](Worker &w) { return w.deliveries.load(); })
                             >= std::int64_t(connected) * warm; },
                60);
        waitQuiet(200, 10);
        resetAll();
        for (auto &w : m_workers)
            w->invoke([w = w.get()] { w->setMeasureDeliveries(true); }, true);
        const std::int64_t expected = std::int64_t(connected) * messages;
        const Snapshot a = snapshot();
        senderWorker.invoke(
            [&senderWorker, messages, rate, window] {
                senderWorker.startSender(messages, rate, window, true);
            });
        const double budget = 60 + (rate > 0 ? messages / rate : 0) + double(expected) * 1e-4;
        const bool ok = waitFor(
            [&] {
                return sum([](Worker &w) { return w.deliveries.load(); }) >= expected
                    && senderWorker.senderAcked >= messages;
            },
            budget);
        const Snapshot b = snapshot();
        if (!ok)
            waitQuiet(1000, 10); // whatever is still in flight, for an honest count
        std::vector<std::int64_t> samples, senderAcks;
        int minDelivered = INT_MAX, maxDelivered = 0;
        std::int64_t lastDelivery = 0;
        for (auto &w : m_workers) {
            std::vector<std::int64_t> part, acks;
            std::pair<int, int> range;
            w->invoke([&] {
                part = w->takeDeliverySamples();
                acks = w->takeSenderAckSamples();
                range = w->deliveryRange();
                w->setMeasureDeliveries(false);
            }, true);
            samples.insert(samples.end(), part.begin(), part.end());
            senderAcks.insert(senderAcks.end(), acks.begin(), acks.end());
            minDelivered = std::min(minDelivered, range.first);
            maxDelivered = std::max(maxDelivered, range.second);
            lastDelivery = std::max<std::int64_t>(lastDelivery, w->lastDeliveryNs.load());
        }
        const std::int64_t delivered = sum([](Worker &w) { return w.deliveries.load(); });
        const double span = double(lastDelivery - senderWorker.firstSendNs.load()) / 1e9;
        out[u"messages"_s] = messages;
        out[u"rate"_s] = rate;
        out[u"window"_s] = window;
        out[u"deliveries_expected"_s] = double(expected);
        out[u"deliveries"_s] = double(delivered);
        out[u"lost"_s] = double(expected - delivered);
        out[u"per_client_min"_s] = minDelivered == INT_MAX ? 0 : minDelivered;
        out[u"per_client_max"_s] = maxDelivered;
        out[u"sender_acked"_s] = senderWorker.senderAcked.load();
        out[u"sender_ack_p50_ms"_s] = percentile(senderAcks, 50) / 1e6;
        out[u"sender_ack_p99_ms"_s] = percentile(senderAcks, 99) / 1e6;
        out[u"timeout"_s] = !ok;
        out[u"measured"_s] = interval(a, b);
        out[u"deliveries_per_s"_s] = span > 0 ? double(delivered) / span : 0.0;
        out[u"delivery_p50_ms"_s] = percentile(samples, 50) / 1e6;
        out[u"delivery_p99_ms"_s] = percentile(samples, 99) / 1e6;
        out[u"server_cpu_us_per_delivery"_s] = delivered > 0
            ? double(b.serverCpuNs - a.serverCpuNs) / 1e3 / double(delivered)
            : -1.0;
        finish(out);
        return out;
    }

private:
    qint64 m_serverPid;
    std::vector<std::unique_ptr<Worker>> m_workers;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"confab-bench"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Confab's load generator (see tests/bench/README in run.sh)."_s);
    parser.addHelpOption();
    const QCommandLineOption hostOption(u"host"_s, u"Server address."_s, u"ip"_s, u"127.0.0.1"_s);
    const QCommandLineOption portOption(u"port"_s, u"Server port."_s, u"port"_s);
    const QCommandLineOption pidOption(u"server-pid"_s, u"Server process id (/proc)."_s, u"pid"_s);
    const QCommandLineOption scenarioOption(u"scenario"_s, u"connect, echo or fanout."_s, u"name"_s);
    const QCommandLineOption clientsOption(u"clients"_s, u"Clients."_s, u"n"_s, u"100"_s);
    const QCommandLineOption messagesOption(u"messages"_s, u"Messages."_s, u"n"_s, u"100"_s);
    const QCommandLineOption holdOption(u"hold"_s, u"connect: seconds held."_s, u"s"_s, u"30"_s);
    const QCommandLineOption rateOption(u"rate"_s, u"fanout: messages/s (0 = full speed)."_s,
                                        u"r"_s, u"0"_s);
    const QCommandLineOption windowOption(u"window"_s, u"fanout: unacked messages at full speed."_s,
                                          u"w"_s, u"32"_s);
    const QCommandLineOption pingOption(u"ping-interval"_s, u"The server's ping interval (ms)."_s,
                                        u"ms"_s, u"5000"_s);
    const QCommandLineOption labelOption(u"label"_s, u"Server label for the result."_s, u"s"_s);
    const QCommandLineOption outOption(u"out"_s, u"Write the JSON result here."_s, u"file"_s);
    const QCommandLineOption tlsOption(u"tls"_s, u"Connect over TLS (wss)."_s);
    parser.addOption(tlsOption);
    parser.addOptions({hostOption, portOption, pidOption, scenarioOption, clientsOption,
                       messagesOption, holdOption, rateOption, windowOption, pingOption,
                       labelOption, outOption});
    parser.process(app);
    Worker::useTls = parser.isSet(tlsOption);

    const quint16 port = quint16(parser.value(portOption).toUInt());
    const qint64 pid = parser.value(pidOption).toLongLong();
    if (port == 0 || pid <= 0 || procCpuNs(pid) < 0) {
        std::fprintf(stderr, "confab-bench: need --port and the --server-pid of a live server\n");
        return 2;
    }

    // 10,000 clients need 10,000 descriptors here (the server has its own limit).
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);

    const QString scenario = parser.value(scenarioOption);
    const int clients = parser.value(clientsOption).toInt();
    const int messages = parser.value(messagesOption).toInt();
    if (clients < 1 || clients > 100'000 || messages < 1 || messages > 10'000'000
        || clients + 64 > int(limit.rlim_cur)) {
        std::fprintf(stderr, "confab-bench: --clients/--messages out of range (fd limit %llu)\n",
                     static_cast<unsigned long long>(limit.rlim_cur));
        return 2;
    }

    QJsonObject result;
    {
        Controller controller(parser.value(hostOption).toLatin1(), port, pid);
        if (scenario == u"connect") {
            result = controller.runConnect(clients, parser.value(holdOption).toDouble(),
                                           parser.value(pingOption).toInt());
        } else if (scenario == u"echo") {
            result = controller.runEcho(clients, messages);
        } else if (scenario == u"fanout") {
            result = controller.runFanout(clients, messages, parser.value(rateOption).toDouble(),
                                          parser.value(windowOption).toInt());
        } else {
            std::fprintf(stderr, "confab-bench: unknown --scenario\n");
            return 2;
        }
    }
    result[u"scenario"_s] = scenario;
    result[u"server"_s] = parser.value(labelOption);
    result[u"fd_limit"_s] = double(limit.rlim_cur);
    const QByteArray json = QJsonDocument(result).toJson(QJsonDocument::Compact);
    if (parser.isSet(outOption)) {
        QFile file(parser.value(outOption));
        if (!file.open(QIODevice::WriteOnly) || file.write(json + '\n') < 0) {
            std::fprintf(stderr, "confab-bench: cannot write %s\n",
                         qPrintable(parser.value(outOption)));
            return 1;
        }
    }
    std::printf("%s\n", json.constData());
    return 0;
}
