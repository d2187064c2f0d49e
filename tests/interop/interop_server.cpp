// SPDX-License-Identifier: MIT
// A Confab host for the interop tests that drive it with the official clients
// (server_python_client.py: python-socketio 5; server_node_client.js: socket.io-client 4).
//
//   interop_server [--port N] [--ping-interval ms] [--ping-timeout ms] [--quit-on-eof] [--verbose]
//
// Listens on 127.0.0.1 only and prints one line "PORT <n>" once it accepts connections
// (--port 0, the default, picks a free port). With --quit-on-eof it exits when its standard
// input closes, so it never outlives a test script that was killed.
//
// The same handlers serve "/" and "/chat":
//   connect          accepts auth {} and {"token":"secret"} (and auth without a token); refuses
//                    any other token with "unauthorized", data {"reason":"bad token"}. From inside
//                    the handler it emits "welcome" {sid, nsp, transport, auth} to the new socket,
//                    which must reach the client after the CONNECT ack. With auth "binary": true
//                    it also emits "welcome_bin" [bytes 00..ff, {"b": bytes 01}]; with "ask": true
//                    it sends "question" ["on connect"] with an ack request and relays the answer
//                    as "answer" (or ["timeout"] after 3 s). With "disconnect_in_connect": true it
//                    calls disconnectClient() from the handler (see the note there).
//   echo ...         acks with its arguments (binary included)
//   no_ack           never acks (for client-side ack timeouts)
//   join {room}      enters the room; acks {"rooms": rooms(sid)}
//   leave {room}     leaves it; acks {"rooms": rooms(sid)}
//   participants {room}  acks with the sids in the room
//   to_room {room, text, except} emits "room_msg" {room, text, from} to the room minus the
//                    sender and the rooms in the optional list `except`; acks {"delivered": N}
//   to_sid {sid, text}  emits "sid_msg" {text, from} to that sid; acks {"delivered": N}
//   ask [{q, timeout}]   emitWithAck("question", [q]) to the sender (timeout ms, default 1000);
//                    then emits "answer" with the client's ack arguments, or ["timeout"], and
//                    acks "ask" with the same
//   binary_please    emits "bin" with bytes 00..ff at the top level, in a map and in a list;
//                    acks with the same arguments
//   burst {count}    emits "burst_item" i (0..count-1) to the sender, then acks {"sent": count}
//   tick             counts into the session ("ticks"); no ack arguments
//   kick [{close}]   acks "bye", then disconnectClient(sid, nsp, close)
//   session_set {k:v}  merges into the session; acks the session
//   session_get      acks the session
//   reasons [sid]    acks the disconnects seen so far: a list of {sid, nsp, reason}, or with a
//                    sid, the list of that sid's reason texts
//   wait_reason {sid, timeout}  acks the reason text once that sid has disconnected (at once if
//                    it already has), or "timeout" after timeout ms (default 5000)
#include "socketioserver.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QLoggingCategory>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTimer>

#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Confab;

namespace {

struct DisconnectRecord
{
    QString sid;
    QString nsp;
    QString reason;
};

struct ReasonWaiter
{
    QString sid;
    Ack ack;
    QTimer *timer = nullptr;
};

class InteropHost
{
public:
    explicit InteropHost(SocketIoServer &server)
        : m_server(server)
    { }

    void install(const QString &nsp);

private:
    EmitOptions toSid(const QString &sid, const QString &nsp) const { return {{sid}, {}, nsp}; }
    void recordDisconnect(const QString &sid, const QString &nsp, const QString &reason);
    QVariantList reasonsOf(const QString &sid) const;

    SocketIoServer &m_server;
    QList<DisconnectRecord> m_disconnects;
    QList<ReasonWaiter> m_waiters;
};

QVariant firstMap(const QVariantList &args, const QString &key)
{
    if (args.isEmpty())
        return {};
    const QVariant first = args.first();
    if (first.typeId() == QMetaType::QVariantMap)
        return first.toMap().value(key);
    return first; // a bare value stands for the one key
}

QByteArray allBytes()
{
    QByteArray bytes(256, Qt::Uninitialized);
    for (int i = 0; i < 256; ++i)
        bytes[i] = char(i);
    return bytes;
}

void InteropHost::recordDisconnect(const QString &sid, const QString &nsp, const QString &reason)
{
    m_disconnects.append({sid, nsp, reason});
    for (qsizetype i = 0; i < m_waiters.size();) {
        if (m_waiters.at(i).sid != sid) {
            ++i;
            continue;
        }
        ReasonWaiter waiter = m_waiters.takeAt(i);
        delete waiter.timer;
        waiter.ack({reason});
    }
}

QVariantList InteropHost::reasonsOf(const QString &sid) const
{
    QVariantList reasons;
    for (const DisconnectRecord &record : m_disconnects) {
        if (record.sid == sid)
            reasons.append(record.reason);
    }
    return reasons;
}

void InteropHost::install(const QString &nsp)
{
    SocketIoServer &server = m_server;

    server.onConnect(
            [this, nsp](const QString &sid, const Environ &environ, const QVariant &auth) {
                const QVariantMap authMap = auth.toMap();
                if (authMap.contains(u"token"_s) && authMap.value(u"token"_s) != u"secret"_s) {
                    return ConnectResult::refuse(u"unauthorized"_s,
                                                 QVariantMap{{u"reason"_s, u"bad token"_s}});
                }
                // Emitted before the handler returns: the host must hold it back until the
                // CONNECT ack has gone out.
                m_server.emitEvent(u"welcome"_s,
                                   {QVariantMap{{u"sid"_s, sid},
                                                {u"nsp"_s, nsp},
                                                {u"transport"_s, environ.transport},
                                                {u"auth"_s, authMap}}},
                                   toSid(sid, nsp));
                if (authMap.value(u"binary"_s).toBool()) {
                    // A multi-frame packet held back behind the CONNECT ack.
                    m_server.emitEvent(u"welcome_bin"_s,
                                       {allBytes(), QVariantMap{{u"b"_s, QByteArray("\x01", 1)}}},
                                       toSid(sid, nsp));
                }
                if (authMap.value(u"ask"_s).toBool()) {
                    // An ack request sent from the connect handler.
                    m_server.emitWithAck(
                            sid, u"question"_s, {u"on connect"_s},
                            [this, sid, nsp](bool timedOut, const QVariantList &reply) {
                                m_server.emitEvent(u"answer"_s,
                                                   timedOut ? QVariantList{u"timeout"_s} : reply,
                                                   toSid(sid, nsp));
                            },
                            3s, nsp);
                }
                if (authMap.value(u"disconnect_in_connect"_s).toBool()) {
                    // Not used by the scripts: SocketIoServer crashes on it (use after free in
                    // handleConnect); kept so that the bug report can be reproduced.
                    m_server.disconnectClient(sid, nsp);
                }
                return ConnectResult::accept();
            },
            nsp);

    server.onDisconnect(
            [this, nsp](const QString &sid, SocketIoServer::DisconnectReason reason) {
                recordDisconnect(sid, nsp, SocketIoServer::reasonText(reason));
            },
            nsp);

    server.on(
            u"echo"_s, [](const QString &, const QVariantList &args) { return args; }, nsp);

    server.onAsync(
            u"no_ack"_s, [](const QString &, const QVariantList &, const Ack &) {}, nsp);

    server.on(
            u"join"_s,
            [&server, nsp](const QString &sid, const QVariantList &args) {
                server.enterRoom(sid, firstMap(args, u"room"_s).toString(), nsp);
                return QVariantList{QVariantMap{{u"rooms"_s, server.rooms(sid, nsp)}}};
            },
            nsp);

    server.on(
            u"leave"_s,
            [&server, nsp](const QString &sid, const QVariantList &args) {
                server.leaveRoom(sid, firstMap(args, u"room"_s).toString(), nsp);
                return QVariantList{QVariantMap{{u"rooms"_s, server.rooms(sid, nsp)}}};
            },
            nsp);

    server.on(
            u"participants"_s,
            [&server, nsp](const QString &, const QVariantList &args) {
                return QVariantList{
                        QVariant(server.participants(firstMap(args, u"room"_s).toString(), nsp))};
            },
            nsp);

    server.on(
            u"to_room"_s,
            [&server, nsp](const QString &sid, const QVariantList &args) {
                const QString room = firstMap(args, u"room"_s).toString();
                const QVariant text = firstMap(args, u"text"_s);
                EmitOptions options;
                options.to = {room};
                options.skipSids = {sid};
                const QVariantList except = firstMap(args, u"except"_s).toList();
                for (const QVariant &other : except)
                    options.skipSids.append(other.toString());
                options.nsp = nsp;
                const int delivered = server.emitEvent(
                        u"room_msg"_s,
                        {QVariantMap{{u"room"_s, room}, {u"text"_s, text}, {u"from"_s, sid}}},
                        options);
                return QVariantList{QVariantMap{{u"delivered"_s, delivered}}};
            },
            nsp);

    server.on(
            u"to_sid"_s,
            [&server, nsp](const QString &sid, const QVariantList &args) {
                const QString target = firstMap(args, u"sid"_s).toString();
                const int delivered = server.emitEvent(
                        u"sid_msg"_s,
                        {QVariantMap{{u"text"_s, firstMap(args, u"text"_s)}, {u"from"_s, sid}}},
                        {{target}, {}, nsp});
                return QVariantList{QVariantMap{{u"delivered"_s, delivered}}};
            },
            nsp);

    server.onAsync(
            u"ask"_s,
            [this, &server, nsp](const QString &sid, const QVariantList &args, const Ack &ack) {
                const QVariantMap options = args.value(0).toMap();
                const QVariant question = options.value(u"q"_s, u"q"_s);
                const auto timeout
                        = std::chrono::milliseconds(options.value(u"timeout"_s, 1000).toLongLong());
                server.emitWithAck(
                        sid, u"question"_s, {question},
                        [this, sid, nsp, ack](bool timedOut, const QVariantList &reply) {
                            const QVariantList answer
                                    = timedOut ? QVariantList{u"timeout"_s} : reply;
                            m_server.emitEvent(u"answer"_s, answer, toSid(sid, nsp));
                            ack(answer);
                        },
                        timeout, nsp);
            },
            nsp);

    server.on(
            u"binary_please"_s,
            [&server, nsp](const QString &sid, const QVariantList &) {
                const QByteArray bytes = allBytes();
                const QVariantList payload{
                        bytes,
                        QVariantMap{
                                {u"data"_s, bytes},
                                {u"nested"_s,
                                 QVariantMap{{u"list"_s, QVariantList{bytes.left(4), 7, u"x"_s}}}}},
                        QVariantList{QByteArray("\x00\xff", 2), bytes.right(3)},
                };
                server.emitEvent(u"bin"_s, payload, {{sid}, {}, nsp});
                return payload;
            },
            nsp);

    server.on(
            u"burst"_s,
            [&server, nsp](const QString &sid, const QVariantList &args) {
                const int count = firstMap(args, u"count"_s).toInt();
                for (int i = 0; i < count; ++i)
                    server.emitEvent(u"burst_item"_s, {i}, {{sid}, {}, nsp});
                return QVariantList{QVariantMap{{u"sent"_s, count}}};
            },
            nsp);

    server.on(
            u"tick"_s,
            [&server, nsp](const QString &sid, const QVariantList &) {
                QVariantMap session = server.session(sid, nsp);
                session.insert(u"ticks"_s, session.value(u"ticks"_s, 0).toInt() + 1);
                server.saveSession(sid, session, nsp);
                return QVariantList();
            },
            nsp);

    server.onAsync(
            u"kick"_s,
            [&server, nsp](const QString &sid, const QVariantList &args, const Ack &ack) {
                const bool closeConnection = args.value(0).toMap().value(u"close"_s).toBool();
                ack({u"bye"_s});
                server.disconnectClient(sid, nsp, closeConnection);
            },
            nsp);

    server.on(
            u"session_set"_s,
            [&server, nsp](const QString &sid, const QVariantList &args) {
                QVariantMap session = server.session(sid, nsp);
                session.insert(args.value(0).toMap());
                server.saveSession(sid, session, nsp);
                return QVariantList{server.session(sid, nsp)};
            },
            nsp);

    server.on(
            u"session_get"_s,
            [&server, nsp](const QString &sid, const QVariantList &) {
                return QVariantList{server.session(sid, nsp)};
            },
            nsp);

    server.on(
            u"reasons"_s,
            [this](const QString &, const QVariantList &args) {
                if (!args.isEmpty() && args.first().typeId() == QMetaType::QString)
                    return QVariantList{QVariant(reasonsOf(args.first().toString()))};
                QVariantList all;
                for (const DisconnectRecord &record : std::as_const(m_disconnects)) {
                    all.append(QVariantMap{{u"sid"_s, record.sid},
                                           {u"nsp"_s, record.nsp},
                                           {u"reason"_s, record.reason}});
                }
                return QVariantList{QVariant(all)};
            },
            nsp);

    server.onAsync(
            u"wait_reason"_s,
            [this](const QString &, const QVariantList &args, const Ack &ack) {
                const QString target = firstMap(args, u"sid"_s).toString();
                const QVariantList seen = reasonsOf(target);
                if (!seen.isEmpty()) {
                    ack({seen.constLast()});
                    return;
                }
                int timeout = 5000;
                if (args.value(0).toMap().contains(u"timeout"_s))
                    timeout = args.value(0).toMap().value(u"timeout"_s).toInt();
                auto *timer = new QTimer;
                timer->setSingleShot(true);
                QObject::connect(timer, &QTimer::timeout, timer, [this, timer] {
                    for (qsizetype i = 0; i < m_waiters.size(); ++i) {
                        if (m_waiters.at(i).timer == timer) {
                            const Ack late = m_waiters.takeAt(i).ack;
                            late({u"timeout"_s});
                            break;
                        }
                    }
                    timer->deleteLater();
                });
                m_waiters.append({target, ack, timer});
                timer->start(timeout);
            },
            nsp);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"interop_server"_s);

    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption portOption(u"port"_s, u"TCP port; 0 picks a free one."_s, u"port"_s,
                                        u"0"_s);
    const QCommandLineOption pingIntervalOption(u"ping-interval"_s, u"Milliseconds."_s, u"ms"_s,
                                                u"500"_s);
    const QCommandLineOption pingTimeoutOption(u"ping-timeout"_s, u"Milliseconds."_s, u"ms"_s,
                                               u"500"_s);
    const QCommandLineOption eofOption(u"quit-on-eof"_s, u"Exit when stdin closes."_s);
    const QCommandLineOption verboseOption(u"verbose"_s, u"Log every packet."_s);
    const QCommandLineOption eio3Option(u"allow-eio3"_s, u"Serve Socket.IO 2 clients too."_s);
    const QCommandLineOption recoveryOption(
            u"recovery"_s, u"Connection state recovery with this window (ms); off when 0."_s,
            u"ms"_s, u"0"_s);
    const QCommandLineOption recoveryBufferOption(
            u"recovery-buffer"_s, u"Bytes of events kept for recovery."_s, u"bytes"_s);
    const QCommandLineOption recoverySessionsOption(
            u"recovery-sessions"_s, u"Disconnected sockets kept for recovery."_s, u"n"_s);
    parser.addOptions({portOption, pingIntervalOption, pingTimeoutOption, eofOption, verboseOption,
                       eio3Option, recoveryOption, recoveryBufferOption, recoverySessionsOption});
    parser.process(app);
    if (parser.isSet(verboseOption))
        QLoggingCategory::setFilterRules(u"confab.*.debug=true"_s);

    SocketIoOptions options;
    options.engine.pingInterval
            = std::chrono::milliseconds(parser.value(pingIntervalOption).toInt());
    options.engine.pingTimeout = std::chrono::milliseconds(parser.value(pingTimeoutOption).toInt());
    options.engine.maxPayload = 10'000'000;
    options.engine.allowEio3 = parser.isSet(eio3Option);
    // CONFAB_WEBSOCKET_ENGINE=qt|native: the interop tests run the host on either engine.
    options.engine.webSocketEngine = webSocketEngineFromEnvironment(options.engine.webSocketEngine);
    options.connectTimeout = 5s;
    options.ackTimeout = 2s;
    if (const int window = parser.value(recoveryOption).toInt(); window > 0) {
        options.recovery.enabled = true;
        options.recovery.maxDisconnectionDuration = std::chrono::milliseconds(window);
        if (parser.isSet(recoveryBufferOption))
            options.recovery.maxBufferedBytes = parser.value(recoveryBufferOption).toLongLong();
        if (parser.isSet(recoverySessionsOption))
            options.recovery.maxSessions = parser.value(recoverySessionsOption).toInt();
    }

    SocketIoServer server(options);
    InteropHost host(server);
    host.install(u"/"_s);
    host.install(u"/chat"_s);

    if (!server.listen(QHostAddress::LocalHost, quint16(parser.value(portOption).toUInt()))) {
        std::fprintf(stderr, "interop_server: %s\n", qPrintable(server.errorString()));
        return 3;
    }
    std::printf("PORT %u\n", unsigned(server.serverPort()));
    std::fflush(stdout);

    if (parser.isSet(eofOption)) {
        auto *notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [notifier] {
            char buffer[256];
            const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
            if (got <= 0) {
                notifier->setEnabled(false);
                QCoreApplication::quit();
            }
        });
    }
    const int code = app.exec();
    server.close();
    return code;
}
