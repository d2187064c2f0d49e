// SPDX-License-Identifier: MIT
// Confab's own Socket.IO host (ConfabServer) as a peer for the client interop tests: the same
// command line and handlers as tests/interop/client_python_server.py and client_node_server.js,
// so that tst_client_interop and tst_client_cli run against it unchanged.
//
//   client_confab_server [--port N] [--ping-interval ms] [--ping-timeout ms] [--max-payload bytes]
//
// Listens on 127.0.0.1 only and prints one line "PORT <n>" once it accepts connections (--port 0,
// the default, picks a free one). Defaults as in the other two peers: ping interval 1000 ms, ping
// timeout 2000 ms, max payload 1e7 bytes. SIGTERM exits with status 0 (as the Node peer does).
// --tls-cert/--tls-key (Node peer only) are refused: the Confab host serves plain HTTP.
// CONFAB_WEBSOCKET_ENGINE=qt|native picks the host's WebSocket engine (the platform's default
// otherwise), so the client tests run against both.
//
// Handlers (on "/" and "/chat"):
//   connect        refuses {"token": <anything but "secret">} with message "invalid token" and
//                  data {"reason": "bad token"}; otherwise emits "welcome" {"nsp", "auth",
//                  "query", "header"} (the "extra" query parameter of the handshake, decoded as
//                  a form field like parse_qs / Node's querystring, and its X-Confab-Test header;
//                  null when absent). Emitted from the handler, so the host sends it right after
//                  the CONNECT ack.
//   echo           acks with its arguments
//   message        emits "message-back" with its arguments
//   ask            emits "question" with its arguments and an ack request; the client's ack
//                  arguments come back as an "answer" event (nothing if it never answers)
//   slow [ms]      acks "late" after ms milliseconds (default 1000; for ack timeouts)
//   server-binary  emits "binary" with bytes 00..04 and {"nested": bytes 00 ff}
//   disconnect-me  the server disconnects the client's namespace (python-socketio's
//                  disconnect(sid, namespace)); the Engine.IO connection stays open
#include "socketioserver.h"
#include "unixsignals.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QLoggingCategory>
#include <QtCore/QTimer>
#include <QtCore/QUrl>

#include <chrono>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Confab;
using namespace Confab::Http;

namespace {

//! The first value of form field \a key in the request's query, '+' meaning a space (as
//! python's parse_qs and Node's querystring read it); null when the field is absent.
QVariant queryField(const HttpRequest &request, const QString &key)
{
    const QByteArray target = request.target;
    const qsizetype mark = target.indexOf('?');
    if (mark < 0)
        return QVariant::fromValue(nullptr);
    QByteArray query = target.mid(mark + 1);
    const qsizetype fragment = query.indexOf('#');
    if (fragment >= 0)
        query.truncate(fragment);
    const QByteArray wanted = key.toUtf8();
    for (const QByteArray &field : query.split('&')) {
        const qsizetype eq = field.indexOf('=');
        auto decode = [](QByteArray part) {
            part.replace('+', ' ');
            return QUrl::fromPercentEncoding(part);
        };
        const QString name = decode(eq < 0 ? field : field.left(eq));
        if (name.toUtf8() == wanted)
            return decode(eq < 0 ? QByteArray() : field.mid(eq + 1));
    }
    return QVariant::fromValue(nullptr);
}

void install(SocketIoServer &server, const QString &nsp)
{
    auto toSid = [nsp](const QString &sid) { return EmitOptions{{sid}, {}, nsp}; };

    server.onConnect(
            [&server, nsp, toSid](const QString &sid, const Environ &environ,
                                  const QVariant &auth) {
                const QVariantMap authMap = auth.toMap();
                if (auth.typeId() == QMetaType::QVariantMap && authMap.contains(u"token"_s)) {
                    const QVariant token = authMap.value(u"token"_s);
                    if (token.typeId() != QMetaType::QString || token.toString() != u"secret"_s) {
                        return ConnectResult::refuse(u"invalid token"_s,
                                                     QVariantMap{{u"reason"_s, u"bad token"_s}});
                    }
                }
                const QVariant header = environ.request.hasHeader("x-confab-test")
                        ? QVariant(QString::fromUtf8(environ.header("x-confab-test")))
                        : QVariant::fromValue(nullptr);
                server.emitEvent(u"welcome"_s,
                                 {QVariantMap{{u"nsp"_s, nsp},
                                              {u"auth"_s, auth},
                                              {u"query"_s, queryField(environ.request, u"extra"_s)},
                                              {u"header"_s, header}}},
                                 toSid(sid));
                return ConnectResult::accept();
            },
            nsp);

    server.on(u"echo"_s, [](const QString &, const QVariantList &args) { return args; }, nsp);

    server.on(
            u"message"_s,
            [&server, toSid](const QString &sid, const QVariantList &args) {
                server.emitEvent(u"message-back"_s, args, toSid(sid));
                return QVariantList();
            },
            nsp);

    server.on(
            u"ask"_s,
            [&server, nsp, toSid](const QString &sid, const QVariantList &args) {
                // python-socketio and Node wait for the answer forever; an hour will do here.
                server.emitWithAck(
                        sid, u"question"_s, args,
                        [&server, sid, toSid](bool timedOut, const QVariantList &reply) {
                            if (!timedOut)
                                server.emitEvent(u"answer"_s, reply, toSid(sid));
                        },
                        std::chrono::milliseconds(1h), nsp);
                return QVariantList();
            },
            nsp);

    server.onAsync(
            u"slow"_s,
            [&server](const QString &, const QVariantList &args, const Ack &ack) {
                const int ms = args.isEmpty() ? 1000 : args.first().toInt();
                QTimer::singleShot(ms, &server, [ack] { ack({u"late"_s}); });
            },
            nsp);

    server.on(
            u"server-binary"_s,
            [&server, toSid](const QString &sid, const QVariantList &) {
                server.emitEvent(u"binary"_s,
                                 {QByteArray("\x00\x01\x02\x03\x04", 5),
                                  QVariantMap{{u"nested"_s, QByteArray("\x00\xff", 2)}}},
                                 toSid(sid));
                return QVariantList();
            },
            nsp);

    server.on(
            u"disconnect-me"_s,
            [&server, nsp](const QString &sid, const QVariantList &) {
                server.disconnectClient(sid, nsp);
                return QVariantList();
            },
            nsp);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"client_confab_server"_s);
    // Like the other peers, quiet unless something goes wrong.
    QLoggingCategory::setFilterRules(u"confab.*.debug=false\nconfab.*.info=false"_s);

    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption portOption(u"port"_s, u"TCP port; 0 picks a free one."_s, u"N"_s,
                                        u"0"_s);
    const QCommandLineOption pingIntervalOption(u"ping-interval"_s, u"Milliseconds."_s, u"ms"_s,
                                                u"1000"_s);
    const QCommandLineOption pingTimeoutOption(u"ping-timeout"_s, u"Milliseconds."_s, u"ms"_s,
                                               u"2000"_s);
    const QCommandLineOption maxPayloadOption(u"max-payload"_s, u"Bytes per message or payload."_s,
                                              u"bytes"_s, u"1e7"_s);
    const QCommandLineOption tlsCertOption(u"tls-cert"_s, u"Not supported (Node peer only)."_s,
                                           u"file"_s);
    const QCommandLineOption tlsKeyOption(u"tls-key"_s, u"Not supported (Node peer only)."_s,
                                          u"file"_s);
    parser.addOptions({portOption, pingIntervalOption, pingTimeoutOption, maxPayloadOption,
                       tlsCertOption, tlsKeyOption});
    parser.process(app);

    if (parser.isSet(tlsCertOption) || parser.isSet(tlsKeyOption)) {
        std::fprintf(stderr, "client_confab_server: the Confab host has no TLS\n");
        return 2;
    }
    bool ok[4] = {};
    const uint port = parser.value(portOption).toUInt(&ok[0]);
    const int pingInterval = parser.value(pingIntervalOption).toInt(&ok[1]);
    const int pingTimeout = parser.value(pingTimeoutOption).toInt(&ok[2]);
    // Number("1e7") in the Node peer: accept the same spellings.
    const double maxPayload = parser.value(maxPayloadOption).toDouble(&ok[3]);
    if (!ok[0] || !ok[1] || !ok[2] || !ok[3] || port > 65535 || pingInterval <= 0
        || pingTimeout <= 0 || maxPayload < 1) {
        std::fprintf(stderr, "client_confab_server: bad option value\n");
        return 2;
    }

    SocketIoOptions options;
    options.engine.pingInterval = std::chrono::milliseconds(pingInterval);
    options.engine.pingTimeout = std::chrono::milliseconds(pingTimeout);
    options.engine.maxPayload = qint64(maxPayload);
    options.engine.webSocketEngine = webSocketEngineFromEnvironment(options.engine.webSocketEngine);

    SocketIoServer server(options);
    install(server, u"/"_s);
    install(server, u"/chat"_s);

    UnixSignals unixSignals({SIGTERM, SIGINT});
    QObject::connect(&unixSignals, &UnixSignals::received, &app, [&server] {
        server.close();
        QCoreApplication::exit(0);
    });

    if (!server.listen(QHostAddress::LocalHost, quint16(port))) {
        std::fprintf(stderr, "client_confab_server: %s\n", qPrintable(server.errorString()));
        return 3;
    }
    std::printf("PORT %u\n", unsigned(server.serverPort()));
    std::fflush(stdout);
    return app.exec();
}
