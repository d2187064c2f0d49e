// SPDX-License-Identifier: MIT
#pragma once

#include "socketioclient.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QTimer>

#include <chrono>
#include <optional>

class QCommandLineParser;
class QIODevice;

namespace Confab::Cli {

class StdinReader;

//! \brief confab-cli's exit codes (also listed in --help).
enum ExitCode {
    ExitOk = 0, //!< stdin ended and the client disconnected cleanly
    ExitUsage = 2, //!< bad arguments
    ExitRefused = 3, //!< the server refused the connection (CONNECT_ERROR, e.g. bad auth)
    ExitUnreachable = 4, //!< the server could not be reached (or its certificate not trusted)
    //! a line on stdin was not a valid JSON command (reported, and skipped unless --strict)
    ExitBadInput = 5,
    ExitDisconnected = 6, //!< the server disconnected the client, or reconnection gave up
    ExitNoDiscovery = 7, //!< --discover: no discovery on this machine (no Avahi daemon)
};

//! \brief What confab-cli was asked to do.
struct CliConfig
{
    Client::ClientOptions options;
    QString nsp = QStringLiteral("/");
    std::chrono::milliseconds ackTimeout{10000};
    bool verbose = false;
    //! Stop at the first bad line on stdin instead of reporting it and going on.
    bool strict = false;
};

//! \brief confab-cli's logic: a SocketIoClient wired to JSON lines on stdin and stdout.
//!
//! Every received event is printed as {"event":...,"args":[...]} (plus "ackId" when the server
//! asks for an acknowledgement). Each stdin line is a command:
//!   {"event":"name","args":[...]}               emit
//!   {"event":"name","args":[...],"ack":true}    emit and print {"ack":"name","args":[...]}
//!                                               (or {"ack":"name","error":"timeout"})
//!   {"ackId":N,"args":[...]}                    answer the server's ack request N
//! End of input waits for pending acks, then disconnects cleanly.
class CliSession : public QObject
{
    Q_OBJECT
public:
    CliSession(const CliConfig &config, QIODevice *out, QObject *parent = nullptr);
    ~CliSession() override;

    //! Adds confab-cli's options and positional argument to \a parser.
    static void setupParser(QCommandLineParser &parser);
    //! The configuration, or std::nullopt with \a error set.
    static std::optional<CliConfig> configFromParser(const QCommandLineParser &parser,
                                                     QString *error);

    //! Connects, and reads commands from file descriptor \a stdinFd.
    void start(int stdinFd = 0);

Q_SIGNALS:
    //! The session is over; the process should exit with \a exitCode.
    void finished(int exitCode);

private:
    void onLine(const QByteArray &line);
    void onInputFinished();
    void onEvent(const QString &nsp, const QString &event, const QVariantList &args,
                 const Client::AckHandle &ack);
    void onError(Client::SocketIoClient::Error error, const QString &message);
    void maybeFinishInput();
    void printJson(const QJsonObject &object);
    void note(const QString &message);
    void fatal(int exitCode, const QString &message);
    void shutdown(int exitCode);

    CliConfig m_config;
    QIODevice *m_out;
    Client::SocketIoClient *m_client = nullptr;
    StdinReader *m_stdin = nullptr;
    QHash<qint64, Client::AckHandle> m_serverAcks;
    qint64 m_nextServerAck = 0;
    int m_pendingAcks = 0;
    int m_lineNumber = 0;
    bool m_badInput = false; //!< a line was skipped: exit 5 at the end
    bool m_inputDone = false;
    bool m_shuttingDown = false;
    int m_exitCode = ExitOk;
    QTimer m_shutdownGuard;
};

} // namespace Confab::Cli
