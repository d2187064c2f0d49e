// SPDX-License-Identifier: MIT
// confab: the desktop app. Parses the command line, creates the Controller, loads the UI;
// everything else lives in ConfabApp and ConfabUi so that tests can link it.
#include "chatroomstate.h"
#include "controller.h"
#include "passwordaccessibility.h"
#include "preferences.h"
#include "trayicon.h"
#ifdef CONFAB_HAVE_DBUS
#    include "freedesktopnotifications.h"
#endif

#include <QtCore/QCommandLineParser>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QTimer>
#include <QtNetwork/QHostAddress>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>
#include <QtWidgets/QApplication>

#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

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

// CONFAB_FRAME_STATS=<file>: record the main window's frame times for tests/bench/app_burst.py
// (issue 21: "p99 frame interval during a burst"). Off unless the variable is set, so it costs
// nothing normally; when on, one vector append per frame. frameSwapped may come from the
// render thread (threaded render loop), hence the direct connection and the mutex; the lines
// are appended to the file once a second and at exit, so a benchmark can read them while the
// app runs. Each line: "<CLOCK_MONOTONIC ms at the swap> <ms since the previous swap>", so
// that the reader can keep the frames of its own time window.
class FrameStats
{
public:
    FrameStats(QQuickWindow *window, const QString &path)
        : m_file(path)
    {
        if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
            std::fprintf(stderr, "CONFAB_FRAME_STATS: cannot write %s\n", qPrintable(path));
            return;
        }
        m_connection = QObject::connect(
                window, &QQuickWindow::frameSwapped, window, [this] { frameSwapped(); },
                Qt::DirectConnection);
        QObject::connect(&m_flushTimer, &QTimer::timeout, &m_flushTimer, [this] { flush(); });
        m_flushTimer.start(1000);
    }
    ~FrameStats()
    {
        // The window outlives us (main() destroys the engine later): no frame may reach a
        // destroyed FrameStats.
        QObject::disconnect(m_connection);
        flush();
    }
    FrameStats(const FrameStats &) = delete;
    FrameStats &operator=(const FrameStats &) = delete;

    //! \brief A message arrived: the next frame's latency is counted from the first arrival
    //! after the previous frame (how long a message waits to be seen).
    //! The context of connections that call this: they end with it.
    QObject *context() { return &m_context; }
    void contentChanged()
    {
        const std::scoped_lock lock(m_mutex);
        if (m_clock.isValid() && m_changeNs < 0)
            m_changeNs = m_clock.nsecsElapsed();
    }

private:
    struct Frame
    {
        qint64 atNs;
        qint64 intervalNs;
        qint64 latencyNs; //!< since the first change it shows; -1 when it shows none
    };

    void frameSwapped()
    {
        const std::scoped_lock lock(m_mutex);
        if (!m_clock.isValid()) {
            m_clock.start();
            return;
        }
        const qint64 now = m_clock.nsecsElapsed();
        m_frames.push_back({now, now - m_lastNs, m_changeNs < 0 ? -1 : now - m_changeNs});
        m_lastNs = now;
        m_changeNs = -1;
    }

    void flush()
    {
        std::vector<Frame> frames;
        qint64 referenceNs = 0;
        {
            const std::scoped_lock lock(m_mutex);
            frames.swap(m_frames);
            // QElapsedTimer's reference is CLOCK_MONOTONIC on Linux, like Python's monotonic().
            if (m_clock.isValid())
                referenceNs = m_clock.msecsSinceReference() * 1000000;
        }
        if (!m_file.isOpen() || frames.empty())
            return;
        QByteArray out;
        for (const Frame &frame : frames) {
            out += QByteArray::number(double(referenceNs + frame.atNs) / 1e6, 'f', 3) + ' '
                    + QByteArray::number(double(frame.intervalNs) / 1e6, 'f', 3) + ' '
                    + QByteArray::number(frame.latencyNs < 0 ? -1.0 : double(frame.latencyNs) / 1e6,
                                         'f', 3)
                    + '\n';
        }
        m_file.write(out);
        m_file.flush();
    }

    QObject m_context;
    QFile m_file;
    QMetaObject::Connection m_connection;
    QTimer m_flushTimer;
    std::mutex m_mutex;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_changeNs = -1;
    std::vector<Frame> m_frames;
};
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
    // Before any window: what is typed in password fields never reaches AT-SPI clients.
    Confab::App::installPasswordAccessibility();

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
    auto *mainWindow = roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.first());
    if (mainWindow) {
        notifier->setWindow(mainWindow);
        // Keyboard users start typing at once: window managers give a new window the focus,
        // and without one (a kiosk, a bare X server) this is what gives it.
        mainWindow->requestActivate();
    }
    std::unique_ptr<FrameStats> frameStats;
    if (mainWindow && qEnvironmentVariableIsSet("CONFAB_FRAME_STATS"))
        frameStats = std::make_unique<FrameStats>(mainWindow,
                                                  qEnvironmentVariable("CONFAB_FRAME_STATS"));
    if (frameStats) {
        // A message's latency runs from its arrival (before the list batches it) to the frame
        // that shows it.
        FrameStats *stats = frameStats.get();
        QObject::connect(controller.roomState(), &ChatRoomState::messageArrived, stats->context(),
                         [stats] { stats->contentChanged(); });
    }
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
