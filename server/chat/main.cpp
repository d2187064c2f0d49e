// SPDX-License-Identifier: MIT
// confab-server: the Confab chat host without a screen. Parses the command line, starts the
// host, and stops it cleanly on SIGINT or SIGTERM; everything else lives in the libraries.
#include "chathost.h"
#include "chatlogging.h"
#include "chatprotocol.h"
#include "hostcommandline.h"
#include "qrcode.h"
#include "servicediscovery.h"
#include "unixsignals.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QUrl>
#include <QtNetwork/QHostAddress>

#ifdef Q_OS_LINUX
#    include "epolleventdispatcher.h"
#endif

#include <cstdio>
#include <memory>
#include <unistd.h> // isatty

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
#ifdef Q_OS_LINUX
    // epoll instead of Qt's poll()-based loop: with thousands of clients that loop's cost
    // grows with every connection held, on every pass. CONFAB_EVENT_DISPATCHER=qt keeps Qt's.
    if (qgetenv("CONFAB_EVENT_DISPATCHER") != "qt") {
        auto dispatcher = std::make_unique<Confab::EpollEventDispatcher>();
        if (dispatcher->isValid())
            QCoreApplication::setEventDispatcher(dispatcher.release());
    }
#endif
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

    Confab::ChatHost host(commandLine.config());
    if (!host.start()) {
        std::fprintf(stderr, "confab-server: %s\n", qPrintable(host.errorString()));
        return 3;
    }
    if (const QString fingerprint = host.certificateFingerprint(); !fingerprint.isEmpty())
        std::printf("TLS certificate SHA-256 fingerprint: %s\n", qPrintable(fingerprint));
    const QStringList urls = host.joinUrls();
    for (const QString &url : urls)
        std::printf("Confab host ready: join at %s\n", qPrintable(url));
    // A person at the terminal gets the first LAN link as a QR code, for a phone to scan;
    // scripts and logs (stdout not a terminal) get only the lines above.
    if (::isatty(STDOUT_FILENO) && !urls.isEmpty()
        && !QHostAddress(QUrl(urls.first()).host()).isLoopback()) {
        const Confab::QrCode code = Confab::QrCode::encode(urls.first());
        if (!code.isNull()) {
            std::printf("\nScan to join %s from a phone on the same network:\n%s\n",
                        qPrintable(urls.first()), code.toTerminalText().toUtf8().constData());
        }
    }
    std::fflush(stdout);

    // Announced for as long as it runs: Confab's start page and `confab-cli --discover` list
    // it, and so does any mDNS browser. Without a daemon the announcer says so once (a
    // warning of confab.discovery) and the host serves anyway.
    std::unique_ptr<Confab::Discovery::ServiceAnnouncer> announcer;
    const Confab::HostConfig &config = commandLine.config();
    if (!config.announce) {
        qCInfo(Confab::lcChat) << "not announced on the network (--no-announce)";
    } else if (config.address.isLoopback()) {
        qCInfo(Confab::lcChat) << "not announced on the network: listening on loopback only";
    } else {
        announcer = Confab::Discovery::createAnnouncer();
        Confab::Discovery::ServiceInfo info;
        info.name = config.chat.serverName;
        info.version = Confab::ChatProtocol::ProtocolVersion;
        info.path = config.socketIo.engine.path;
        info.passwordRequired = !config.chat.password.isEmpty();
        // Joiners pin what discovery says, as with the printed links' #fp=.
        info.fingerprint = host.certificateFingerprint().remove(u':').toLower();
        info.tls = !info.fingerprint.isEmpty();
        announcer->announce(info.name, host.port(), info);
    }

    Confab::UnixSignals signals_({SIGINT, SIGTERM});
    QObject::connect(&signals_, &Confab::UnixSignals::received, &app, [&](int signal) {
        qCInfo(Confab::lcChat) << "signal" << signal << "received: shutting down";
        if (announcer)
            announcer->withdraw();
        host.stop();
        QCoreApplication::quit();
    });
    return app.exec();
}
