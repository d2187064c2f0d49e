// SPDX-License-Identifier: MIT
#include "hostcommandline.h"

#include <QtCore/QFile>
#include <QtCore/QLoggingCategory>
#include <QtCore/QRegularExpression>

#include <limits>

using namespace Qt::StringLiterals;

namespace Confab {

namespace {
const QCommandLineOption hostOption({u"H"_s, u"host"_s},
                                    u"Address to listen on (default: every address, IPv4 and "
                                    u"IPv6; 0.0.0.0 for every IPv4 one only, :: for IPv6 only)."_s,
                                    u"address"_s);
const QCommandLineOption portOption({u"p"_s, u"port"_s},
                                    u"TCP port (default: 3000; 0 picks a free one)."_s, u"port"_s,
                                    u"3000"_s);
const QCommandLineOption dataOption(u"data"_s,
                                    u"Folder for the message store, or :memory: to keep "
                                    "nothing (default: the user's data folder)."_s,
                                    u"dir"_s);
const QCommandLineOption passwordOption(u"password"_s,
                                        u"Only clients that send this password may join. Other "
                                        "users of this computer can read it (ps): prefer "
                                        "--password-file or the CONFAB_PASSWORD environment "
                                        "variable."_s,
                                        u"password"_s);
const QCommandLineOption passwordFileOption(u"password-file"_s,
                                            u"Read the password from the first line of this "
                                            "file."_s,
                                            u"path"_s);
const QCommandLineOption nameOption(u"name"_s, u"The host's name, shown to clients."_s, u"name"_s,
                                    u"Confab"_s);
const QCommandLineOption rateOption(u"rate-limit"_s,
                                    u"Messages per second each client may send (default: 20; "
                                    "bursts of twice as many)."_s,
                                    u"n"_s, u"20"_s);
const QCommandLineOption eventRateOption(u"event-rate-limit"_s,
                                         u"Other events (join, leave, typing, rename, history, "
                                         "who) per second each client may send (default: 20; "
                                         "bursts of twice as many)."_s,
                                         u"n"_s, u"20"_s);
const QCommandLineOption maxStorageOption(u"max-storage"_s,
                                          u"Largest message store, in bytes or with a suffix "
                                          "K, M, G or T (powers of 1024); new messages are "
                                          "refused once it is reached; 0: no limit (default: "
                                          "1G)."_s,
                                          u"size"_s, u"1G"_s);
const QCommandLineOption addressesOption(u"show-addresses"_s,
                                         u"Tell clients each other's addresses in 'who'."_s);
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
const QCommandLineOption
        maxSessionsPerAddressOption(u"max-sessions-per-address"_s,
                                    u"Sessions one address (an IPv6 /64) may have open at once "
                                    u"(default: 256; 0 for no limit, e.g. "
                                    "behind a reverse proxy or for a benchmark)."_s,
                                    u"n"_s, u"256"_s);
const QCommandLineOption maxSessionsOption(u"max-sessions"_s,
                                           u"Sessions open at once in total (default: 10000; "
                                           "0 for no limit)."_s,
                                           u"n"_s, u"10000"_s);
const QCommandLineOption maxSendQueueOption(
        u"max-send-queue"_s,
        u"Bytes waiting to be sent to one client before it is disconnected as one that does "
        "not read (default: 8 x --max-payload, at least 8 MiB)."_s,
        u"bytes"_s);
const QCommandLineOption maxSendTotalOption(
        u"max-send-total"_s,
        u"Bytes waiting to be sent to all clients together, in bytes or with a suffix K, M, G "
        "or T; past it the client owed the most is disconnected, then the next, until the "
        "total is within it (a broadcast counts once per recipient; default: 256M; 0: no "
        "limit)."_s,
        u"bytes"_s, u"256M"_s);
const QCommandLineOption recoveryWindowOption(
        u"recovery-window"_s,
        u"Seconds a client that lost its connection has to come back with its old id, rooms "
        "and every event it missed (Socket.IO connection state recovery, as socket.io 4.6+; "
        "default: 120; 0: off)."_s,
        u"seconds"_s, u"120"_s);
const QCommandLineOption recoveryBufferOption(
        u"recovery-buffer"_s,
        u"Events kept for connection state recovery, all clients together, in bytes or with a "
        "suffix K, M, G or T; each is stored once whoever it reached, the oldest go first "
        "(default: 32M)."_s,
        u"bytes"_s, u"32M"_s);
const QCommandLineOption allowedHostOption(
        u"allowed-host"_s,
        u"A name clients may reach this host by, besides its addresses, localhost and its "
        "machine name (repeatable; .example.org for a domain, * for any). Requests naming "
        "another Host are refused, against DNS rebinding."_s,
        u"name"_s);
const QCommandLineOption webSocketEngineOption(
        u"websocket-engine"_s,
        u"What runs WebSocket sessions: native (Confab's own RFC 6455 end: ~7 KiB per idle "
        "client, text stays UTF-8, one writev per client per pass; the default on Linux) or "
        "qt (QWebSocket, Qt's well-worn implementation: ~21 KiB per idle client, text "
        "converted to UTF-16 and back, about twice the CPU per fan-out delivery; the default "
        "elsewhere). Default also from CONFAB_WEBSOCKET_ENGINE."_s,
        u"engine"_s);
const QCommandLineOption noAnnounceOption(
        u"no-announce"_s,
        u"Do not announce this host on the local network. By default it is announced over "
        "DNS-SD / mDNS as _confab._tcp (through the Avahi daemon on Linux; without one it is "
        "simply not announced), so that Confab and any mDNS browser find it. Never announced "
        "when listening on a loopback address."_s);
const QCommandLineOption tlsOption(
        u"tls"_s,
        u"TLS on the host's port: on (the default: each connection picks TLS or plain HTTP, "
        "on the same port), required (plain requests are refused with 403 'tls required', "
        "except GET / which is redirected to https) or off (plain HTTP only)."_s,
        u"mode"_s, u"on"_s);
const QCommandLineOption tlsCertOption(
        u"tls-cert"_s,
        u"Serve this PEM certificate (e.g. from your own CA; the first of the file is the "
        "host's) instead of the self-signed one the host makes and keeps in its data folder "
        "(host-certificate.pem, host-key.pem). Needs --tls-key."_s,
        u"file"_s);
const QCommandLineOption tlsKeyOption(u"tls-key"_s,
                                      u"The PEM private key (unencrypted) of --tls-cert."_s,
                                      u"file"_s);
const QCommandLineOption regenerateCertificateOption(
        u"regenerate-certificate"_s,
        u"Replace the kept self-signed certificate with a new one (a new SHA-256 fingerprint: "
        "joiners who pinned the old one are refused until they trust the new one)."_s);
const QCommandLineOption verboseOption(u"verbose"_s, u"Log every packet (confab.*.debug=true)."_s);

//! "512M", "2G", "1048576", "0": bytes, or -1 when \a text is none of those.
qint64 toSize(const QString &text)
{
    static const QRegularExpression pattern(u"^\\s*(\\d+)\\s*([KMGT]?)(?:I?B)?\\s*$"_s,
                                            QRegularExpression::CaseInsensitiveOption);
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return -1;
    bool ok = false;
    const qint64 number = match.captured(1).toLongLong(&ok);
    const QString unit = match.captured(2).toUpper();
    const int shift = unit.isEmpty() ? 0 : 10 * int(QStringView(u"KMGT").indexOf(unit) + 1);
    if (!ok || number > (std::numeric_limits<qint64>::max() >> shift))
        return -1;
    return number << shift;
}

bool toNonNegative(const QString &text, qint64 max, qint64 &out)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < 0 || value > max)
        return false;
    out = value;
    return true;
}

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
            u"Confab host: a Socket.IO chat server for your network. Browsers join at "
            u"http://ADDRESS:PORT/, the web chat it serves."_s);
    m_parser.addHelpOption();
    m_parser.addVersionOption();
    m_parser.addOptions({hostOption,
                         portOption,
                         dataOption,
                         passwordOption,
                         passwordFileOption,
                         nameOption,
                         rateOption,
                         eventRateOption,
                         maxStorageOption,
                         addressesOption,
                         pathOption,
                         pingIntervalOption,
                         pingTimeoutOption,
                         maxPayloadOption,
                         corsOption,
                         transportsOption,
                         eio3Option,
                         maxSessionsPerAddressOption,
                         maxSessionsOption,
                         maxSendQueueOption,
                         maxSendTotalOption,
                         allowedHostOption,
                         webSocketEngineOption,
                         recoveryWindowOption,
                         recoveryBufferOption,
                         tlsOption,
                         tlsCertOption,
                         tlsKeyOption,
                         regenerateCertificateOption});
    m_parser.addOption(noAnnounceOption);
    m_parser.addOption(verboseOption);
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

    if (!m_parser.isSet(hostOption))
        m_config.address = QHostAddress::Any; // dual-stack: http://[::1]:PORT/ works too
    else if (!m_config.address.setAddress(m_parser.value(hostOption)))
        return {false, 2, u"--host: not an IP address: %1"_s.arg(m_parser.value(hostOption))};
    bool portOk = false;
    const uint port = m_parser.value(portOption).toUInt(&portOk);
    if (!portOk || port > 65535)
        return {false, 2, u"--port: expected 0-65535, got %1"_s.arg(m_parser.value(portOption))};
    m_config.port = quint16(port);
    m_config.dataLocation = m_parser.value(dataOption);

    ChatOptions &chat = m_config.chat;
    // The password from the command line, else from a file, else from the environment: only
    // the first two are visible in ps (and a unit file), so both ways around them exist.
    if (m_parser.isSet(passwordOption) && m_parser.isSet(passwordFileOption))
        return {false, 2, u"--password and --password-file: give only one"_s};
    if (m_parser.isSet(passwordFileOption)) {
        const QString path = m_parser.value(passwordFileOption);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {false, 2,
                    u"--password-file: cannot read %1: %2"_s.arg(path, file.errorString())};
        QByteArray line = file.readLine(4096);
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            return {false, 2, u"--password-file: the first line of %1 is empty"_s.arg(path)};
        chat.password = QString::fromUtf8(line);
    } else if (m_parser.isSet(passwordOption)) {
        chat.password = m_parser.value(passwordOption);
    } else {
        chat.password = qEnvironmentVariable("CONFAB_PASSWORD");
    }
    chat.serverName = m_parser.value(nameOption);
    chat.showAddresses = m_parser.isSet(addressesOption);
    qint64 value = 0;
    if (!toPositive(m_parser.value(rateOption), 100000, value))
        return {false, 2, u"--rate-limit: expected messages per second"_s};
    chat.rateLimit = double(value);
    chat.rateBurst = int(2 * value);
    if (!toPositive(m_parser.value(eventRateOption), 100000, value))
        return {false, 2, u"--event-rate-limit: expected events per second"_s};
    chat.eventRateLimit = double(value);
    chat.eventRateBurst = int(2 * value);
    m_config.maxStorage = toSize(m_parser.value(maxStorageOption));
    if (m_config.maxStorage < 0)
        return {false, 2, u"--max-storage: expected a size such as 512M or 2G (0: no limit)"_s};

    EngineIoOptions &engine = m_config.socketIo.engine;
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
    if (!toNonNegative(m_parser.value(maxSessionsPerAddressOption), 10'000'000, value))
        return {false, 2, u"--max-sessions-per-address: expected a number (0: no limit)"_s};
    engine.maxSessionsPerAddress = int(value);
    if (!toNonNegative(m_parser.value(maxSessionsOption), 10'000'000, value))
        return {false, 2, u"--max-sessions: expected a number (0: no limit)"_s};
    engine.maxSessions = int(value);
    if (m_parser.isSet(maxSendQueueOption)) {
        if (!toPositive(m_parser.value(maxSendQueueOption), qint64(1) << 40, value))
            return {false, 2, u"--max-send-queue: expected bytes"_s};
        engine.maxSendQueue = value;
    }
    engine.maxSendTotal = toSize(m_parser.value(maxSendTotalOption));
    ConnectionStateRecovery &recovery = m_config.socketIo.recovery;
    if (!toNonNegative(m_parser.value(recoveryWindowOption), 86'400, value))
        return {false, 2, u"--recovery-window: expected seconds (0: off, at most a day)"_s};
    recovery.enabled = value > 0;
    recovery.maxDisconnectionDuration = std::chrono::seconds(value);
    // The chat hears of a recovered client (it rejoins its rooms), so its connect handler
    // runs for it too, checking the password again.
    recovery.skipMiddlewares = false;
    recovery.maxBufferedBytes = toSize(m_parser.value(recoveryBufferOption));
    if (recovery.maxBufferedBytes < 0)
        return {false, 2, u"--recovery-buffer: expected a size such as 32M"_s};
    if (engine.maxSendTotal < 0)
        return {false, 2, u"--max-send-total: expected a size such as 256M or 1G (0: no limit)"_s};
    engine.allowedHosts = m_parser.values(allowedHostOption);
    if (m_parser.isSet(webSocketEngineOption)) {
        const auto chosen = parseWebSocketEngine(m_parser.value(webSocketEngineOption));
        if (!chosen)
            return {false, 2, u"--websocket-engine: expected native or qt"_s};
        engine.webSocketEngine = *chosen;
    } else if (qEnvironmentVariableIsSet(WebSocketEngineVariable)) {
        const auto chosen = parseWebSocketEngine(qEnvironmentVariable(WebSocketEngineVariable));
        if (!chosen)
            return {false, 2, u"CONFAB_WEBSOCKET_ENGINE: expected native or qt"_s};
        engine.webSocketEngine = *chosen;
    }
    m_config.announce = !m_parser.isSet(noAnnounceOption);
    const QString tls = m_parser.value(tlsOption);
    if (tls == u"on"_s)
        m_config.tls = Http::HttpListener::TlsMode::On;
    else if (tls == u"required"_s)
        m_config.tls = Http::HttpListener::TlsMode::Required;
    else if (tls == u"off"_s)
        m_config.tls = Http::HttpListener::TlsMode::Off;
    else
        return {false, 2, u"--tls: expected on, required or off"_s};
    m_config.tlsCertificateFile = m_parser.value(tlsCertOption);
    m_config.tlsKeyFile = m_parser.value(tlsKeyOption);
    if (m_config.tlsCertificateFile.isEmpty() != m_config.tlsKeyFile.isEmpty())
        return {false, 2, u"--tls-cert and --tls-key go together"_s};
    m_config.regenerateCertificate = m_parser.isSet(regenerateCertificateOption);
    if (m_config.regenerateCertificate && !m_config.tlsCertificateFile.isEmpty())
        return {false, 2, u"--regenerate-certificate: the certificate comes from --tls-cert"_s};
    if (m_config.tls == Http::HttpListener::TlsMode::Off
        && (!m_config.tlsCertificateFile.isEmpty() || m_config.regenerateCertificate))
        return {false, 2, u"--tls off: no certificate is served"_s};
    if (m_parser.isSet(verboseOption))
        QLoggingCategory::setFilterRules(u"confab.*.debug=true"_s);
    return {};
}

} // namespace Confab
