// SPDX-License-Identifier: MIT
#include "clisession.h"

#include "jsonvariant.h"
#include "stdinreader.h"
#include "terminaltext.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QIODevice>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <cstdio>

using namespace Qt::StringLiterals;
using Confab::Client::SocketIoClient;

namespace Confab::Cli {

namespace {
// How long the goodbye (DISCONNECT, close packet) may take before the process exits anyway.
constexpr std::chrono::milliseconds ShutdownGrace{3000};
} // namespace

CliSession::CliSession(const CliConfig &config, QIODevice *out, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_out(out)
{
    m_shutdownGuard.setParent(this);
    m_shutdownGuard.setSingleShot(true);
    connect(&m_shutdownGuard, &QTimer::timeout, this, [this] { Q_EMIT finished(m_exitCode); });
}

CliSession::~CliSession() = default;

void CliSession::setupParser(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
            u"A terminal client for any Socket.IO v4 server.\n\n"
            "Prints every received event as a JSON line {\"event\":...,\"args\":[...]} and reads "
            "JSON lines from stdin:\n"
            "  {\"event\":\"name\",\"args\":[...]}             emit\n"
            "  {\"event\":\"name\",\"args\":[...],\"ack\":true}  emit; the reply is printed as "
            "{\"ack\":\"name\",\"args\":[...]}\n"
            "  {\"ackId\":N,\"args\":[...]}                  answer an event printed with "
            "\"ackId\":N\n"
            "Binary data is written {\"$binary\":\"<base64>\"}. End of input disconnects.\n"
            "Control and bidi characters the server sends are escaped (\\uXXXX in JSON lines). "
            "HTTP responses and WebSocket messages over 100 MB (64 KiB before the handshake) "
            "are refused.\n\n"
            "Exit codes: 0 clean end, 2 bad arguments, 3 connection refused by the server, "
            "4 server unreachable, 5 bad JSON on stdin (each bad line is reported on stderr and "
            "skipped; the session goes on unless --strict), 6 disconnected by the server, 7 no "
            "discovery (--discover without an Avahi daemon).\n\n"
            "confab-cli --discover [--timeout S] lists the Confab hosts on the local network "
            "(DNS-SD / mDNS, _confab._tcp) instead: one JSON line per host and address, "
            "{\"name\",\"url\",\"pw\",\"tls\",\"fp\"}, for S seconds (default 3)."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(u"url"_s,
                                 u"http(s):// or ws(s)://host:port[/namespace] (none with "
                                 "--discover)"_s);
    parser.addOptions({
            {{u"n"_s, u"namespace"_s}, u"Namespace to join (default: the URL's, or /)."_s, u"ns"_s},
            {{u"a"_s, u"auth"_s}, u"CONNECT payload, a JSON object."_s, u"json"_s},
            {{u"t"_s, u"transport"_s},
             u"websocket, polling or auto (default)."_s,
             u"mode"_s,
             u"auto"_s},
            {u"path"_s, u"Engine.IO endpoint path (default /socket.io/)."_s, u"path"_s},
            {{u"H"_s, u"header"_s},
             u"Extra HTTP header \"Name: value\" (repeatable)."_s,
             u"header"_s},
            {{u"q"_s, u"query"_s}, u"Extra query parameter name=value (repeatable)."_s, u"param"_s},
            {u"ack-timeout"_s, u"Milliseconds to wait for an ack (default 10000)."_s, u"ms"_s,
             u"10000"_s},
            {u"no-reconnect"_s, u"Exit instead of reconnecting when the connection is lost."_s},
            {u"trust-sha256"_s,
             u"Accept only the server certificate with this SHA-256 fingerprint, even if it is "
             "self-signed; any other certificate is refused, even one a CA vouches for."_s,
             u"fingerprint"_s},
            {u"verbose"_s, u"Report connection changes on stderr."_s},
            {u"discover"_s,
             u"List the Confab hosts on the local network as JSON lines, then exit."_s},
            {u"timeout"_s, u"--discover: seconds to listen (default 3)."_s, u"seconds"_s, u"3"_s},
            {u"strict"_s,
             u"Stop at the first bad line on stdin (exit 5) instead of reporting it and going "
             "on."_s},
    });
}

std::optional<CliConfig> CliSession::configFromParser(const QCommandLineParser &parser,
                                                      QString *error)
{
    CliConfig config;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        *error = u"expected exactly one URL"_s;
        return std::nullopt;
    }
    // A join link's "#fp=" pins the certificate like --trust-sha256 (which wins if given).
    const Client::JoinLink link = Client::parseJoinLink(QUrl(positional.first()));
    if (link.malformedPin) {
        *error = u"the URL's #fp= must be 64 hex digits (colons allowed)"_s;
        return std::nullopt;
    }
    config.options.url = link.url;
    config.options.trustedCertificateSha256 = link.pin;
    const auto endpoint = Client::resolveEndpoint(config.options);
    if (!endpoint.error.isEmpty()) {
        *error = endpoint.error;
        return std::nullopt;
    }
    config.nsp = endpoint.nsp;
    if (parser.isSet(u"namespace"_s)) {
        config.nsp = parser.value(u"namespace"_s);
        if (!config.nsp.startsWith(u'/'))
            config.nsp.prepend(u'/');
    }
    config.options.namespaces = {config.nsp};
    if (parser.isSet(u"auth"_s)) {
        QJsonParseError parseError;
        const QJsonDocument doc
                = QJsonDocument::fromJson(parser.value(u"auth"_s).toUtf8(), &parseError);
        if (!doc.isObject()) {
            *error = u"--auth must be a JSON object"_s
                    + (parseError.error ? u": "_s + parseError.errorString() : QString());
            return std::nullopt;
        }
        config.options.auth = variantFromJson(doc.object());
    }
    const auto mode = Client::transportModeFromString(parser.value(u"transport"_s));
    if (!mode) {
        *error = u"--transport must be websocket, polling or auto"_s;
        return std::nullopt;
    }
    config.options.transports = *mode;
    if (parser.isSet(u"path"_s))
        config.options.path = parser.value(u"path"_s);
    for (const QString &header : parser.values(u"header"_s)) {
        const qsizetype colon = header.indexOf(u':');
        if (colon <= 0) {
            *error = u"--header must look like \"Name: value\""_s;
            return std::nullopt;
        }
        config.options.headers.append({header.left(colon).trimmed().toLatin1(),
                                       header.mid(colon + 1).trimmed().toUtf8()});
    }
    for (const QString &param : parser.values(u"query"_s)) {
        const qsizetype eq = param.indexOf(u'=');
        if (eq <= 0) {
            *error = u"--query must look like name=value"_s;
            return std::nullopt;
        }
        config.options.query.addQueryItem(param.left(eq), param.mid(eq + 1));
    }
    bool ok = false;
    const int ackTimeoutMs = parser.value(u"ack-timeout"_s).toInt(&ok);
    if (!ok || ackTimeoutMs < 0) {
        *error = u"--ack-timeout must be a number of milliseconds"_s;
        return std::nullopt;
    }
    config.ackTimeout = std::chrono::milliseconds(ackTimeoutMs);
    config.options.reconnection = !parser.isSet(u"no-reconnect"_s);
    if (parser.isSet(u"trust-sha256"_s)) {
        config.options.trustedCertificateSha256
                = Client::parseSha256Fingerprint(parser.value(u"trust-sha256"_s));
        if (config.options.trustedCertificateSha256.isEmpty()) {
            *error = u"--trust-sha256 must be 64 hex digits (colons allowed)"_s;
            return std::nullopt;
        }
    }
    config.verbose = parser.isSet(u"verbose"_s);
    config.strict = parser.isSet(u"strict"_s);
    return config;
}

void CliSession::start(int stdinFd)
{
    m_client = new SocketIoClient(m_config.options, this);
    connect(m_client, &SocketIoClient::eventReceived, this, &CliSession::onEvent);
    connect(m_client, &SocketIoClient::errorOccurred, this, &CliSession::onError);
    connect(m_client, &SocketIoClient::connected, this, [this](const QString &nsp) {
        if (m_config.verbose)
            note(u"connected to %1 (namespace %2, transport %3)"_s.arg(
                    m_config.options.url.toDisplayString(), nsp, m_client->transport()));
        // The offline buffer is flushed right after this signal; look again once it has been.
        QTimer::singleShot(0, this, &CliSession::maybeFinishInput);
    });
    connect(m_client, &SocketIoClient::transportChanged, this, [this](const QString &name) {
        if (m_config.verbose && !name.isEmpty())
            note(u"transport: %1"_s.arg(name));
    });
    connect(m_client, &SocketIoClient::connectError, this,
            [this](const QString &nsp, const QString &message, const QVariant &data) {
                QString text = u"the server refused the connection to %1: %2"_s.arg(nsp, message);
                if (data.isValid() && !data.isNull())
                    text += u" "_s
                            + QString::fromUtf8(QJsonDocument(QJsonArray{jsonFromVariant(data)})
                                                        .toJson(QJsonDocument::Compact)
                                                        .mid(1)
                                                        .chopped(1));
                fatal(ExitRefused, text);
            });
    connect(m_client, &SocketIoClient::disconnected, this,
            [this](const QString &nsp, SocketIoClient::DisconnectReason reason) {
                if (m_shuttingDown)
                    return;
                if (reason == SocketIoClient::DisconnectReason::ServerDisconnect)
                    fatal(ExitDisconnected, u"the server disconnected %1"_s.arg(nsp));
                else if (m_config.verbose)
                    note(u"disconnected from %1; reconnecting"_s.arg(nsp));
            });
    connect(m_client, &SocketIoClient::reconnectScheduled, this,
            [this](int attempt, std::chrono::milliseconds delay) {
                if (m_config.verbose)
                    note(u"reconnection attempt %1 in %2 ms"_s.arg(attempt).arg(delay.count()));
            });
    m_client->open();

    m_stdin = new StdinReader(this);
    connect(m_stdin, &StdinReader::lineRead, this, &CliSession::onLine);
    connect(m_stdin, &StdinReader::finished, this, &CliSession::onInputFinished);
    m_stdin->start(stdinFd);
}

void CliSession::onLine(const QByteArray &line)
{
    ++m_lineNumber;
    if (m_shuttingDown || line.trimmed().isEmpty())
        return;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
    auto bad = [this](const QString &why) {
        const QString message = u"stdin line %1: %2"_s.arg(m_lineNumber).arg(why);
        if (m_config.strict) {
            fatal(ExitBadInput, message);
            return;
        }
        // One typo must not cost the connection: reported, skipped, and the exit status
        // says so at the end.
        note(message + u" (skipped)"_s);
        m_badInput = true;
    };
    if (parseError.error != QJsonParseError::NoError) {
        bad(u"invalid JSON: %1 at offset %2"_s.arg(parseError.errorString())
                    .arg(parseError.offset));
        return;
    }
    if (!doc.isObject()) {
        bad(u"expected a JSON object"_s);
        return;
    }
    const QJsonObject command = doc.object();
    const QJsonValue argsValue = command.value("args"_L1);
    if (!argsValue.isUndefined() && !argsValue.isArray()) {
        bad(u"\"args\" must be an array"_s);
        return;
    }
    const QVariantList args = variantFromJson(argsValue.toArray()).toList();

    if (command.contains("ackId"_L1)) {
        const qint64 id = command.value("ackId"_L1).toInteger(-1);
        const Client::AckHandle handle = m_serverAcks.take(id);
        if (!handle.send(args))
            note(u"stdin line %1: no pending ack request %2"_s.arg(m_lineNumber).arg(id));
        return;
    }
    const QJsonValue eventValue = command.value("event"_L1);
    if (!eventValue.isString() || eventValue.toString().isEmpty()) {
        bad(u"expected \"event\" (a non-empty string) or \"ackId\""_s);
        return;
    }
    const QString event = eventValue.toString();
    if (command.value("ack"_L1).toBool()) {
        ++m_pendingAcks;
        m_client->emitWithAck(
                event, args, this,
                [this, event](const Client::AckResult &result) {
                    --m_pendingAcks;
                    QJsonObject reply{{u"ack"_s, event}};
                    if (result.ok()) {
                        reply.insert(u"args"_s, jsonFromVariant(result.args));
                    } else {
                        static const char *const names[]
                                = {"", "timeout", "disconnected", "not sent"};
                        reply.insert(u"error"_s, QString::fromLatin1(names[int(result.status)]));
                    }
                    printJson(reply);
                    maybeFinishInput();
                },
                m_config.ackTimeout, m_config.nsp);
    } else if (!m_client->emitEvent(event, args, m_config.nsp)) {
        note(u"stdin line %1: could not send \"%2\""_s.arg(m_lineNumber).arg(event));
    }
}

void CliSession::onInputFinished()
{
    m_inputDone = true;
    maybeFinishInput();
}

void CliSession::maybeFinishInput()
{
    // Emits made before the connection came up wait in the offline buffer: only end once the
    // namespace is connected (so they have been handed over) and no ack is outstanding.
    if (!m_inputDone || m_shuttingDown || m_pendingAcks > 0 || !m_client->isConnected(m_config.nsp))
        return;
    shutdown(m_badInput ? ExitBadInput : ExitOk);
}

void CliSession::onEvent(const QString &nsp, const QString &event, const QVariantList &args,
                         const Client::AckHandle &ack)
{
    Q_UNUSED(nsp);
    QJsonObject object{{u"event"_s, event}, {u"args"_s, jsonFromVariant(args)}};
    if (ack.isPending()) {
        const qint64 id = m_nextServerAck++;
        m_serverAcks.insert(id, ack);
        object.insert(u"ackId"_s, id);
    }
    printJson(object);
}

void CliSession::onError(SocketIoClient::Error error, const QString &message)
{
    if (m_shuttingDown)
        return;
    switch (error) {
    case SocketIoClient::Error::InvalidUrl:
        fatal(ExitUsage, message);
        break;
    case SocketIoClient::Error::ConnectFailed:
    case SocketIoClient::Error::TlsError:
        if (!m_client->hasEverConnected())
            fatal(ExitUnreachable,
                  u"cannot reach %1: %2"_s.arg(m_config.options.url.toDisplayString(), message));
        else if (m_config.verbose)
            note(message);
        break;
    case SocketIoClient::Error::ConnectionLost:
    case SocketIoClient::Error::PingTimeout:
    case SocketIoClient::Error::ProtocolError:
        if (!m_config.options.reconnection)
            fatal(ExitDisconnected, u"connection lost: %1"_s.arg(message));
        else if (m_config.verbose)
            note(u"connection lost: %1"_s.arg(message));
        break;
    case SocketIoClient::Error::ReconnectFailed:
        fatal(ExitDisconnected, message);
        break;
    case SocketIoClient::Error::ServerDisconnected:
    case SocketIoClient::Error::ConnectRefused: // reported by the dedicated signals
    case SocketIoClient::Error::NoError:
        break;
    }
}

void CliSession::printJson(const QJsonObject &object)
{
    // The values came from the server: no control or bidi character may reach a terminal raw.
    m_out->write(escapeJsonForTerminal(QJsonDocument(object).toJson(QJsonDocument::Compact))
                 + '\n');
}

void CliSession::note(const QString &message)
{
    // Messages quote the server (CONNECT_ERROR text, HTTP error bodies): escape its controls,
    // newlines included, so each message stays one line and cannot drive the terminal.
    std::fprintf(stderr, "confab-cli: %s\n",
                 escapeControls(message, EscapeStyle::Visible).toLocal8Bit().constData());
    std::fflush(stderr);
}

void CliSession::fatal(int exitCode, const QString &message)
{
    if (m_shuttingDown)
        return;
    note(message);
    shutdown(exitCode);
}

void CliSession::shutdown(int exitCode)
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_exitCode = exitCode;
    if (m_stdin)
        m_stdin->stop();
    connect(m_client, &SocketIoClient::closed, this, [this] { Q_EMIT finished(m_exitCode); });
    m_shutdownGuard.start(ShutdownGrace);
    m_client->close();
}

} // namespace Confab::Cli
