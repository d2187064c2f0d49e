// SPDX-License-Identifier: MIT
// confab: the desktop app. Parses the command line, creates the Controller, loads the UI;
// everything else lives in ConfabApp and ConfabUi so that tests can link it.
#include "controller.h"
#include "preferences.h"
#include "trayicon.h"
#ifdef CONFAB_HAVE_DBUS
#    include "freedesktopnotifications.h"
#endif

#include <QtCore/QCommandLineParser>
#include <QtNetwork/QHostAddress>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>
#include <QtWidgets/QApplication>

#include <cstdio>
#include <memory>
#include <optional>

Q_IMPORT_QML_PLUGIN(ConfabPlugin)
Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

using namespace Qt::StringLiterals;
using namespace Confab::App;

namespace {
// Qt's xcb plugin takes "-name"/"--name" for itself (the X11 resource name) and removes it
// from the arguments, so `confab --name alice` would lose the name on X11: take it out of
// argv before QApplication sees it.
std::optional<QString> takeNameArgument(int &argc, char **argv)
{
    std::optional<QString> name;
    int out = 1;
    for (int i = 1; i < argc; ++i) {
        const QByteArrayView arg(argv[i]);
        if (arg == "--") { // the rest are not options
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        if ((arg == "--name" || arg == "-name") && i + 1 < argc) {
            name = QString::fromLocal8Bit(argv[++i]);
        } else if (arg.startsWith("--name=")) {
            name = QString::fromLocal8Bit(arg.sliced(7));
        } else {
            argv[out++] = argv[i];
        }
    }
    argc = out;
    argv[argc] = nullptr;
    return name;
}
} // namespace

int main(int argc, char *argv[])
{
    const std::optional<QString> nameArgument = takeNameArgument(argc, argv);
    // QApplication rather than QGuiApplication: the tray icon is a widget-side class.
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"confab"_s);
    QApplication::setApplicationDisplayName(u"Confab"_s);
    QApplication::setOrganizationName(u"Confab"_s);
    QApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));
    QApplication::setDesktopFileName(u"confab"_s);

    // Before the command line, so that --help speaks the chosen language too.
    Preferences preferences(nullptr);
    Preferences::setInstance(&preferences);

    QCommandLineParser parser;
    parser.setApplicationDescription(
            QCoreApplication::translate("main", "Host or join a Socket.IO chat."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption hostOption(
            u"host"_s, QCoreApplication::translate("main", "Start hosting a chat right away."));
    const QCommandLineOption joinOption(
            u"join"_s, QCoreApplication::translate("main", "Join the server at <url> right away."),
            u"url"_s);
    const QCommandLineOption portOption(
            u"port"_s,
            QCoreApplication::translate(
                    "main", "Port to host on (default 3000, the next free one if taken; 0: any)."),
            u"port"_s, u"3000"_s);
    const QCommandLineOption nameOption(
            u"name"_s, QCoreApplication::translate("main", "The name to chat as."), u"name"_s);
    const QCommandLineOption passwordOption(
            u"password"_s,
            QCoreApplication::translate("main",
                                        "Password the host asks for, or to give when joining."),
            u"password"_s);
    const QCommandLineOption addressOption(
            u"address"_s,
            QCoreApplication::translate(
                    "main", "Address to host on (default: all of this computer's addresses)."),
            u"address"_s);
    const QCommandLineOption dataOption(
            u"data"_s,
            QCoreApplication::translate(
                    "main", "Folder for the host's messages, or :memory: to keep none."),
            u"dir"_s);
    parser.addOptions({hostOption, joinOption, portOption, nameOption, passwordOption,
                       addressOption, dataOption});
    parser.process(app);

    bool portOk = false;
    const int port = parser.value(portOption).toInt(&portOk);
    const QHostAddress address(parser.isSet(addressOption) ? parser.value(addressOption)
                                                           : u"0.0.0.0"_s);
    if (!portOk || port < 0 || port > 65535 || address.isNull()
        || (parser.isSet(hostOption) && parser.isSet(joinOption))) {
        std::fprintf(stderr, "%s\n", qPrintable(parser.helpText()));
        return 2;
    }

    // Fusion draws with the palette Main.qml hands it from Theme (light or dark, following
    // Preferences), so the app looks the same on every platform.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(u"Fusion"_s);

    Controller controller(nullptr, &preferences);
    Controller::setInstance(&controller);
    ChatSession *session = controller.session();
    if (parser.isSet(addressOption))
        session->setHostAddress(address);
    if (parser.isSet(dataOption))
        session->setHostDataLocation(parser.value(dataOption));
    if (nameArgument)
        preferences.setUserName(*nameArgument);

    QQmlApplicationEngine engine;
    QObject::connect(
            &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
            [] { QCoreApplication::exit(-1); }, Qt::QueuedConnection);
    engine.addImportPath(u"qrc:/qt/qml"_s);
    engine.load(QUrl(u"qrc:/qt/qml/Confab/Ui/Main.qml"_s));

    // Notifications and badges follow the main window.
    DesktopNotifier *notifier = controller.notifier();
    const QList<QObject *> roots = engine.rootObjects();
    if (auto *window = roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.first()))
        notifier->setWindow(window);
    QIcon icon;
    for (const char *size : {"22x22", "32x32", "64x64"})
        icon.addFile(u":/icons/%1/confab.png"_s.arg(QLatin1StringView(size)));
    icon = QIcon::fromTheme(u"confab"_s, icon);
    QApplication::setWindowIcon(icon);
    std::unique_ptr<TrayIcon> tray;
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        tray = std::make_unique<TrayIcon>(notifier, icon);
        QObject::connect(&preferences, &Preferences::languageChanged, tray.get(),
                         &TrayIcon::retranslate);
    }
    std::unique_ptr<NotificationBackend> backend;
#ifdef CONFAB_HAVE_DBUS
    if (FreedesktopNotificationBackend::isAvailable())
        backend = std::make_unique<FreedesktopNotificationBackend>();
    QObject::connect(notifier, &DesktopNotifier::unreadCountChanged, &app, &publishLauncherCount);
#endif
    if (!backend && tray && QSystemTrayIcon::supportsMessages())
        backend = std::make_unique<TrayNotificationBackend>(tray->systemTrayIcon());
    notifier->setBackend(backend.get());

    if (parser.isSet(hostOption))
        session->hostChat(port, parser.value(passwordOption));
    else if (parser.isSet(joinOption))
        session->joinServer(parser.value(joinOption), parser.value(passwordOption));

    return app.exec();
}
