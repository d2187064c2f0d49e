// SPDX-License-Identifier: MIT
// confab: the desktop app. Parses the command line, creates the AppController, loads the UI;
// everything else lives in ConfabApp and ConfabUi so that tests can link it.
#include "appcontroller.h"
#include "preferences.h"

#include <QtCore/QCommandLineParser>
#include <QtGui/QGuiApplication>
#include <QtNetwork/QHostAddress>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickControls2/QQuickStyle>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(ConfabPlugin)
Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(u"confab"_s);
    QGuiApplication::setApplicationDisplayName(u"Confab"_s);
    QGuiApplication::setOrganizationName(u"Confab"_s);
    QGuiApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));
    QGuiApplication::setDesktopFileName(u"confab"_s);

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

    AppController controller(nullptr);
    AppController::setInstance(&controller);
    if (parser.isSet(addressOption))
        controller.setHostAddress(address);
    if (parser.isSet(dataOption))
        controller.setHostDataLocation(parser.value(dataOption));
    if (parser.isSet(nameOption))
        controller.setUserName(parser.value(nameOption));

    QQmlApplicationEngine engine;
    QObject::connect(
            &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
            [] { QCoreApplication::exit(-1); }, Qt::QueuedConnection);
    engine.addImportPath(u"qrc:/qt/qml"_s);
    engine.load(QUrl(u"qrc:/qt/qml/Confab/Ui/Main.qml"_s));

    if (parser.isSet(hostOption))
        controller.hostChat(port, parser.value(passwordOption));
    else if (parser.isSet(joinOption))
        controller.joinServer(parser.value(joinOption), parser.value(passwordOption));

    return app.exec();
}
