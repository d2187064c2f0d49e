// SPDX-License-Identifier: MIT
// confab-server: the Confab host without a screen. Parses the command line, starts the host,
// and stops it cleanly on SIGINT or SIGTERM; everything else lives in the libraries.
#include "hostcommandline.h"
#include "serverlogging.h"
#include "socketioserver.h"
#include "unixsignals.h"

#include <QtCore/QCoreApplication>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"confab-server"_s);
    QCoreApplication::setOrganizationName(u"Confab"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));

    Confab::HostCommandLine commandLine;
    const auto parsed = commandLine.parse(app.arguments());
    if (!parsed.ok) {
        // --help and --version answer on stdout; usage errors go to stderr.
        std::fprintf(parsed.exitCode == 0 ? stdout : stderr, "%s\n", qPrintable(parsed.message));
        return parsed.exitCode;
    }

    Confab::SocketIoServer server(commandLine.options());
    commandLine.installHandlers(server);
    if (!server.listen(commandLine.address(), commandLine.port())) {
        std::fprintf(stderr, "confab-server: %s\n", qPrintable(server.errorString()));
        return 3;
    }
    for (const QString &url : commandLine.joinUrls(server.serverPort()))
        std::printf("Confab host ready: join at %s\n", qPrintable(url));
    std::fflush(stdout);

    Confab::UnixSignals signals_({SIGINT, SIGTERM});
    QObject::connect(&signals_, &Confab::UnixSignals::received, &app, [&](int signal) {
        qCInfo(lcServer) << "signal" << signal << "received: shutting down";
        server.close();
        QCoreApplication::quit();
    });
    return app.exec();
}
