// SPDX-License-Identifier: MIT
// confab-cli: QCoreApplication + argument parsing; the logic is in CliSession.
#include "clisession.h"
#include "discoverycommand.h"
#include "terminaltext.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QLoggingCategory>

#include <cstdio>
#include <cstdlib>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"confab-cli"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));

    QCommandLineParser parser;
    Confab::Cli::CliSession::setupParser(parser);
    parser.process(app);

    if (parser.isSet(u"discover"_s)) {
        bool ok = false;
        const double seconds = parser.value(u"timeout"_s).toDouble(&ok);
        if (!ok || seconds <= 0 || seconds > 24 * 3600 || !parser.positionalArguments().isEmpty()) {
            std::fprintf(stderr,
                         "confab-cli: --discover takes no URL, and --timeout seconds "
                         "(more than 0)\nTry 'confab-cli --help'.\n");
            return Confab::Cli::ExitUsage;
        }
        if (!parser.isSet(u"verbose"_s))
            QLoggingCategory::setFilterRules(u"confab.*.info=false\nconfab.*.warning=false"_s);
        QFile out;
        if (!out.open(1, QIODevice::WriteOnly | QIODevice::Unbuffered))
            return 1;
        Confab::Cli::DiscoveryCommand command(Confab::Discovery::createBrowser(),
                                              int(seconds * 1000), &out);
        QObject::connect(&command, &Confab::Cli::DiscoveryCommand::finished, &app,
                         &QCoreApplication::exit, Qt::QueuedConnection);
        command.start();
        return app.exec();
    }

    QString error;
    const auto config = Confab::Cli::CliSession::configFromParser(parser, &error);
    if (!config) {
        std::fprintf(stderr, "confab-cli: %s\nTry 'confab-cli --help'.\n",
                     error.toLocal8Bit().constData());
        return Confab::Cli::ExitUsage;
    }

    // The library's own log lines would garble stderr's one-line messages; --verbose keeps them.
    if (!config->verbose)
        QLoggingCategory::setFilterRules(u"confab.*.info=false"_s);
    // Log lines may quote the server too (an HTTP error body, a close reason): escaped like
    // every other line confab-cli writes.
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &context,
                              const QString &message) {
        const QString line = Confab::Cli::escapeControls(qFormatLogMessage(type, context, message),
                                                         Confab::Cli::EscapeStyle::Visible);
        std::fprintf(stderr, "%s\n", line.toLocal8Bit().constData());
        std::fflush(stderr);
        if (type == QtFatalMsg)
            std::abort();
    });

    // The file descriptor, not the FILE*: stdio would hold lines back when stdout is a pipe.
    QFile out;
    if (!out.open(1, QIODevice::WriteOnly | QIODevice::Unbuffered))
        return 1;
    Confab::Cli::CliSession session(*config, &out);
    QObject::connect(&session, &Confab::Cli::CliSession::finished, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    session.start();
    return app.exec();
}
