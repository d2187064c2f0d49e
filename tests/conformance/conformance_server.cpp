// SPDX-License-Identifier: MIT
// The server the official Engine.IO / Socket.IO compliance suites expect, built from Confab's
// server library (see README.md beside this file for how to run the suites against it).
//   conformance_server                 Socket.IO v5 suite: /socket.io/ on port 3000
//   conformance_server --engineio      Engine.IO v4 suite: bare echo on /engine.io/
//   conformance_server --engineio --eio3   Engine.IO v3 suite
// Once listening it prints "PORT <n>" (--port 0 picks a free one, as conformance_test.js does).
#include "engineioserver.h"
#include "hostcertificate.h"
#include "http/httplistener.h"
#include "socketioserver.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Confab;

namespace {

EngineIoOptions suiteEngineOptions()
{
    // The suites hard-code these, and CORS open to any origin.
    EngineIoOptions options;
    // CONFAB_WEBSOCKET_ENGINE=qt|native: the suites run against either engine.
    options.webSocketEngine = webSocketEngineFromEnvironment(options.webSocketEngine);
    options.pingInterval = 300ms;
    options.pingTimeout = 200ms;
    options.maxPayload = 1'000'000;
    options.corsOrigins = {u"*"_s};
    return options;
}

void installSuiteHandlers(SocketIoServer &server)
{
    for (const QString &nsp : {u"/"_s, u"/custom"_s}) {
        server.onConnect(
                [&server, nsp](const QString &sid, const Environ &, const QVariant &auth) {
                    server.emitEvent(u"auth"_s, {auth}, {{sid}, {}, nsp});
                    return ConnectResult::accept();
                },
                nsp);
    }
    server.on(u"message"_s, [&server](const QString &sid, const QVariantList &args) {
        server.emitEvent(u"message-back"_s, args, {{sid}, {}, u"/"_s});
        return QVariantList();
    });
    server.on(u"message-with-ack"_s,
              [](const QString &, const QVariantList &args) { return args; });
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption engineOption(u"engineio"_s, u"Bare Engine.IO echo server."_s);
    const QCommandLineOption eio3Option(u"eio3"_s, u"Allow Engine.IO v3."_s);
    const QCommandLineOption portOption(u"port"_s, u"Port (3000; 0 picks a free one)."_s, u"port"_s,
                                        u"3000"_s);
    // The suites connect to "localhost", which may resolve to ::1 or 127.0.0.1: any address
    // by default.
    const QCommandLineOption hostOption(u"host"_s, u"Address to listen on (any)."_s, u"address"_s);
    const QCommandLineOption tlsOption(u"tls"_s,
                                       u"TLS on the same port, with a self-signed certificate."_s);
    parser.addOptions({engineOption, eio3Option, portOption, hostOption, tlsOption});
    parser.process(app);
    const quint16 port = quint16(parser.value(portOption).toUInt());
    const QHostAddress address = parser.isSet(hostOption) ? QHostAddress(parser.value(hostOption))
                                                          : QHostAddress(QHostAddress::Any);
    const auto setUpTls = [&parser, &tlsOption](EngineIoServer *engine) {
        if (!parser.isSet(tlsOption))
            return true;
        const HostCertificate certificate
                = HostCertificate::generate({u"localhost"_s}, {u"127.0.0.1"_s, u"::1"_s});
        if (certificate.isNull())
            return false;
        QSslConfiguration configuration;
        configuration.setLocalCertificate(certificate.certificate);
        configuration.setPrivateKey(certificate.key);
        engine->httpListener()->setTls(Http::HttpListener::TlsMode::On, configuration);
        return engine->httpListener()->tlsMode() == Http::HttpListener::TlsMode::On;
    };
    const auto listening = [](quint16 boundPort) {
        std::printf("PORT %u\n", unsigned(boundPort));
        std::fflush(stdout);
    };
    if (parser.isSet(engineOption)) {
        EngineIoOptions options = suiteEngineOptions();
        options.path = u"/engine.io/"_s;
        options.allowEio3 = parser.isSet(eio3Option);
        auto *server = new EngineIoServer(options, &app);
        QObject::connect(server, &EngineIoServer::sessionOpened, server,
                         [](EngineIoSession *session) {
                             QObject::connect(session, &EngineIoSession::messageReceived, session,
                                              [session](const EngineIo::Packet &packet) {
                                                  session->send(packet);
                                              });
                         });
        if (!setUpTls(server) || !server->listen(address, port))
            return 1;
        listening(server->serverPort());
    } else {
        SocketIoOptions options;
        options.engine = suiteEngineOptions();
        options.connectTimeout = 1000ms;
        auto *server = new SocketIoServer(options, &app);
        installSuiteHandlers(*server);
        if (!setUpTls(server->engine()) || !server->listen(address, port))
            return 1;
        listening(server->serverPort());
    }
    return app.exec();
}
