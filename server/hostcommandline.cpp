// SPDX-License-Identifier: MIT
#include "hostcommandline.h"

#include <QtCore/QLoggingCategory>
#include <QtNetwork/QNetworkInterface>

using namespace Qt::StringLiterals;

namespace Confab {

namespace {
const QCommandLineOption hostOption({u"H"_s, u"host"_s},
                                    u"Address to listen on (default: all interfaces)."_s,
                                    u"address"_s, u"0.0.0.0"_s);
const QCommandLineOption portOption({u"p"_s, u"port"_s}, u"TCP port (default: 3000)."_s,
                                    u"port"_s, u"3000"_s);
const QCommandLineOption pathOption(u"path"_s, u"Endpoint path (default: /socket.io/)."_s,
                                    u"path"_s, u"/socket.io/"_s);
const QCommandLineOption pingIntervalOption(u"ping-interval"_s,
                                            u"Milliseconds between pings (default: 25000)."_s,
                                            u"ms"_s, u"25000"_s);
const QCommandLineOption pingTimeoutOption(u"ping-timeout"_s,
                                           u"Milliseconds to wait for a pong (default: 20000)."_s,
                                           u"ms"_s, u"20000"_s);
const QCommandLineOption maxPayloadOption(u"max-payload"_s,
                                          u"Largest message or polling payload in bytes "
                                          "(default: 1000000)."_s,
                                          u"bytes"_s, u"1000000"_s);
const QCommandLineOption corsOption(u"cors"_s,
                                    u"Allow browsers from this origin (repeatable; * for any)."_s,
                                    u"origin"_s);
const QCommandLineOption transportsOption(u"transports"_s,
                                          u"Comma-separated transports (default: "
                                          "polling,websocket)."_s,
                                          u"list"_s, u"polling,websocket"_s);
const QCommandLineOption eio3Option(u"allow-eio3"_s,
                                    u"Also serve Socket.IO 2 clients (Engine.IO v3)."_s);
const QCommandLineOption verboseOption(u"verbose"_s,
                                       u"Log every packet (confab.*.debug=true)."_s);

bool toPositive(const QString &text, qint64 max, qint64 &out)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value <= 0 || value > max)
        return false;
    out = value;
    return true;
}
} // namespace

HostCommandLine::HostCommandLine()
{
    m_parser.setApplicationDescription(
            u"Confab host: a Socket.IO server for chat on your network."_s);
    m_parser.addHelpOption();
    m_parser.addVersionOption();
    m_parser.addOptions({hostOption, portOption, pathOption, pingIntervalOption, pingTimeoutOption,
                         maxPayloadOption, corsOption, transportsOption, eio3Option,
                         verboseOption});
}

HostCommandLine::Parsed HostCommandLine::parse(const QStringList &arguments)
{
    if (!m_parser.parse(arguments))
        return {false, 2, m_parser.errorText() + u"\nTry --help."_s};
    if (m_parser.isSet(u"help"_s))
        return {false, 0, m_parser.helpText()};
    if (m_parser.isSet(u"version"_s))
        return {false, 0, u"confab-server " CONFAB_VERSION ""_s};
    if (!m_parser.positionalArguments().isEmpty())
        return {false, 2, u"unexpected argument: %1"_s.arg(m_parser.positionalArguments().first())};

    if (!m_address.setAddress(m_parser.value(hostOption)))
        return {false, 2, u"--host: not an IP address: %1"_s.arg(m_parser.value(hostOption))};
    qint64 value = 0;
    if (!toPositive(m_parser.value(portOption), 65535, value))
        return {false, 2, u"--port: expected 1-65535, got %1"_s.arg(m_parser.value(portOption))};
    m_port = quint16(value);

    EngineIoOptions &engine = m_options.engine;
    engine.path = m_parser.value(pathOption);
    if (!engine.path.startsWith(u'/'))
        return {false, 2, u"--path must start with /"_s};
    if (!toPositive(m_parser.value(pingIntervalOption), 3'600'000, value))
        return {false, 2, u"--ping-interval: expected milliseconds"_s};
    engine.pingInterval = std::chrono::milliseconds(value);
    if (!toPositive(m_parser.value(pingTimeoutOption), 3'600'000, value))
        return {false, 2, u"--ping-timeout: expected milliseconds"_s};
    engine.pingTimeout = std::chrono::milliseconds(value);
    if (!toPositive(m_parser.value(maxPayloadOption), qint64(1) << 30, value))
        return {false, 2, u"--max-payload: expected bytes"_s};
    engine.maxPayload = value;
    engine.corsOrigins = m_parser.values(corsOption);
    engine.transports = m_parser.value(transportsOption).split(u',', Qt::SkipEmptyParts);
    for (const QString &transport : std::as_const(engine.transports)) {
        if (transport != u"polling" && transport != u"websocket")
            return {false, 2, u"--transports: unknown transport %1"_s.arg(transport)};
    }
    if (engine.transports.isEmpty())
        return {false, 2, u"--transports: at least one transport is needed"_s};
    engine.allowEio3 = m_parser.isSet(eio3Option);
    if (m_parser.isSet(verboseOption))
        QLoggingCategory::setFilterRules(u"confab.*.debug=true"_s);
    return {};
}

void HostCommandLine::installHandlers(SocketIoServer &server) const
{
    server.onAny([&server](const QString &sid, const QString &event, const QVariantList &args,
                           const Ack &ack) {
        SocketIoServer::EmitOptions options;
        options.skipSids = {sid};
        const int delivered = server.emitEvent(event, args, options);
        ack({QVariantMap{{u"ok"_s, true}, {u"delivered"_s, delivered}}});
    });
}

QStringList HostCommandLine::joinUrls(quint16 port) const
{
    QStringList urls;
    const auto url = [&](const QHostAddress &address) {
        const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                ? u"[%1]"_s.arg(address.toString())
                : address.toString();
        return u"http://%1:%2/"_s.arg(host).arg(port);
    };
    if (m_address != QHostAddress::Any && m_address != QHostAddress::AnyIPv4
        && m_address != QHostAddress::AnyIPv6)
        return {url(m_address)};
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback())
            urls.append(url(address));
    }
    urls.append(url(QHostAddress::LocalHost));
    return urls;
}

} // namespace Confab
