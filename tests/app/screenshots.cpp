// SPDX-License-Identifier: MIT
// confab_screenshots: takes the README's screenshots. Hosts a chat in the real app window,
// lets two chat clients (Bob and Carol) join it and talk, and grabs the start page, the chat,
// the sids drawer and the inspector. scripts/screenshots.sh runs it under Xvfb for each
// language and theme; it is not a test. --hostile instead names the peers, a room, messages
// and an inspector event with markup (a heading, bold, a remote <img>) and grabs the chat and
// the inspector into one image, hostile.png, which must show every one of them as written.
#include "controller.h"
#include "hostsidsource.h"
#include "preferences.h"

#include "chatclient.h"
#include "socketioclient.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QStandardPaths>
#include <QtGui/QGuiApplication>
#include <QtGui/QImage>
#include <QtGui/QPainter>
#include <QtQml/QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>
#include <QtTest/QTest>

#include <algorithm>
#include <cstdio>
#include <memory>

Q_IMPORT_QML_PLUGIN(ConfabPlugin)
Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

using namespace Qt::StringLiterals;
using namespace Confab::App;
using Confab::Client::ChatClient;
using Confab::Client::SocketIoClient;

namespace {

constexpr int Timeout = 15000;
//! Long enough for a transition (drawer, tab) to finish and the frame to be drawn.
constexpr int SettleMs = 600;

//! What the people say, in the screenshot's language.
struct Script
{
    QString me, bob, carol;
    QStringList bobSays, carolSays, iSay;
    QString room; //!< a second room the peers join
    QString event; //!< an event the inspector emits (hostile.png)
};

//! Peers who name themselves, their room and their words with markup.
Script hostileScript()
{
    Script script{u"Alice"_s,
                  u"<h1><u>BIG</u></h1>"_s,
                  u"<b>alice</b>"_s,
                  {u"<img src=\"http://127.0.0.1:9/x\"> this image must not load"_s,
                   u"\u202eecila is reversed with U+202E"_s},
                  {u"<font size=7 color=red>huge red</font>"_s},
                  {u"They all show as written."_s},
                  u"<img src=http://127.0.0.1:9/room><i>room</i>"_s,
                  u"<h1><u>event</u></h1>"_s};
    return script;
}

Script scriptFor(const QString &language)
{
    if (language == u"zh_CN") {
        return {u"李娜"_s,
                u"王磊"_s,
                u"陈静"_s,
                {u"李娜，下午投影仪有空吗？"_s, u"设计评审可以改到三点。"_s,
                 u"我把打印稿带过去。"_s},
                {u"三点算我一个。"_s},
                {u"好的，三点没问题。"_s, u"我订了小会议室。"_s},
                u"random"_s,
                {}};
    }
    return {u"Alice"_s,
            u"Bob"_s,
            u"Carol"_s,
            {u"Hi Alice! Is the projector free this afternoon?"_s,
             u"We could move the design review to 3 pm."_s, u"I'll bring the printouts."_s},
            {u"Count me in for 3 pm."_s},
            {u"Sure, 3 pm works for me."_s, u"I booked the small room."_s},
            u"random"_s,
            {}};
}

//! A chat participant that is not the app.
struct Peer
{
    explicit Peer(const QUrl &url, const QString &name)
        : socket(new SocketIoClient)
        , chat(new ChatClient(socket.get()))
    {
        chat->connectToHost(url, name);
    }
    std::unique_ptr<SocketIoClient> socket;
    std::unique_ptr<ChatClient> chat;
};

bool fail(const char *what)
{
    std::fprintf(stderr, "confab_screenshots: %s\n", what);
    return false;
}

} // namespace

class Shooter
{
public:
    Shooter(QQuickWindow *window, Controller *controller, QString outDir, QString suffix)
        : m_window(window)
        , m_controller(controller)
        , m_outDir(std::move(outDir))
        , m_suffix(std::move(suffix))
    { }

    bool shoot(const QString &view)
    {
        QTest::qWait(SettleMs);
        // No alpha channel: smaller files, and the window is opaque anyway.
        const QImage image = m_window->grabWindow().convertToFormat(QImage::Format_RGB32);
        const QString path = QDir(m_outDir).filePath(view + m_suffix + u".png"_s);
        if (image.isNull() || !image.save(path))
            return fail("could not grab or save the window");
        std::printf("%s\n", qPrintable(path));
        return true;
    }

    QObject *find(const char *objectName) const
    {
        return m_window->findChild<QObject *>(QLatin1StringView(objectName));
    }

    bool run(const Script &script, const QStringList &views)
    {
        if (!QTest::qWaitForWindowExposed(m_window))
            return fail("the window was never shown");
        if (views.contains(u"start"_s) && !shoot(u"start"_s))
            return false;
        if (views.contains(u"settings"_s)) {
            QObject *dialog = find("settingsDialog");
            if (!dialog)
                return fail("no settingsDialog");
            QMetaObject::invokeMethod(dialog, "open");
            if (!QTest::qWaitFor([dialog] { return dialog->property("opened").toBool(); }, Timeout)
                || !shoot(u"settings"_s))
                return fail("the settings dialog did not open");
            QMetaObject::invokeMethod(dialog, "close");
            if (!QTest::qWaitFor([dialog] { return !dialog->property("visible").toBool(); },
                                 Timeout))
                return fail("the settings dialog did not close");
        }
        static const QStringList chatViews{u"chat"_s, u"join"_s, u"sids"_s, u"inspector"_s,
                                           u"hostile"_s};
        if (std::none_of(chatViews.cbegin(), chatViews.cend(),
                         [&views](const QString &view) { return views.contains(view); }))
            return true;

        if (!m_controller->session()->hostChat(0))
            return fail("could not host");
        if (!QTest::qWaitFor([this] { return m_controller->session()->isConnected(); }, Timeout))
            return fail("the app did not connect to its own host");
        const QUrl url = QUrl(m_controller->session()->hostUrls().value(0));

        Peer bob(url, script.bob);
        Peer carol(url, script.carol);
        if (!QTest::qWaitFor(
                    [&] { return !bob.chat->sid().isEmpty() && !carol.chat->sid().isEmpty(); },
                    Timeout))
            return fail("the peers were not welcomed");
        for (Peer *peer : {&bob, &carol}) {
            peer->chat->joinRoom(u"lobby"_s);
            peer->chat->joinRoom(script.room);
        }
        if (!QTest::qWaitFor([&] { return m_controller->sids()->rowCount() == 3; }, Timeout))
            return fail("the sids panel never listed three sids");
        QTest::qWait(300); // joins are acked before the rooms list learns of them

        MessageListModel *messages = m_controller->roomState()->messagesOf(u"lobby"_s);
        int expected = messages->rowCount();
        const auto say = [&](ChatClient *chat, const QStringList &lines) {
            for (const QString &line : lines) {
                if (chat)
                    chat->sendMessage(u"lobby"_s, line);
                else
                    m_controller->roomState()->sendMessage(line);
                ++expected;
                if (!QTest::qWaitFor([&] { return messages->rowCount() >= expected; }, Timeout))
                    return false;
                QTest::qWait(150);
            }
            return true;
        };
        if (!say(bob.chat.get(), script.bobSays) || !say(carol.chat.get(), script.carolSays)
            || !say(nullptr, script.iSay))
            return fail("a message did not arrive");
        bob.chat->setTyping(u"lobby"_s, true);
        if (!QTest::qWaitFor([this] { return !m_controller->roomState()->typingText().isEmpty(); },
                             Timeout))
            return fail("the typing notice did not arrive");

        if (views.contains(u"chat"_s) && !shoot(u"chat"_s))
            return false;
        if (views.contains(u"join"_s)) {
            // The hosting banner with its QR code shown.
            QObject *banner = m_window->findChild<QObject *>(u"joinBanner"_s);
            if (!banner || !banner->setProperty("showQr", true))
                return fail("no join banner");
            if (!shoot(u"join"_s))
                return false;
            banner->setProperty("showQr", false);
        }

        if (views.contains(u"hostile"_s)) {
            // The chat above, the inspector with an event named in markup below.
            QTest::qWait(SettleMs);
            const QImage chat = m_window->grabWindow().convertToFormat(QImage::Format_RGB32);
            QObject *tabs = find("tabs");
            if (!tabs)
                return fail("no inspector tab");
            tabs->setProperty("currentIndex", 1);
            m_controller->inspector()->emitRaw(script.event, u"\"<b>bold?</b>\""_s, false);
            QTest::qWait(SettleMs);
            const QImage inspector = m_window->grabWindow().convertToFormat(QImage::Format_RGB32);
            tabs->setProperty("currentIndex", 0);
            QImage both(chat.width(), chat.height() + inspector.height(), QImage::Format_RGB32);
            QPainter painter(&both);
            painter.drawImage(0, 0, chat);
            painter.drawImage(0, chat.height(), inspector);
            painter.end();
            const QString path = QDir(m_outDir).filePath(u"hostile"_s + m_suffix + u".png"_s);
            if (!both.save(path))
                return fail("could not save the image");
            std::printf("%s\n", qPrintable(path));
        }

        if (views.contains(u"sids"_s)) {
            QObject *drawer = find("sidDrawer");
            if (!drawer)
                return fail("no sidDrawer");
            QMetaObject::invokeMethod(drawer, "open");
            if (!QTest::qWaitFor([drawer] { return drawer->property("opened").toBool(); }, Timeout)
                || !shoot(u"sids"_s))
                return fail("the sids drawer did not open");
            QMetaObject::invokeMethod(drawer, "close");
            if (!QTest::qWaitFor([drawer] { return !drawer->property("visible").toBool(); },
                                 Timeout))
                return fail("the sids drawer did not close");
        }

        if (views.contains(u"inspector"_s)) {
            QObject *tabs = find("tabs");
            QObject *eventField = find("eventField");
            if (!tabs || !eventField)
                return fail("no inspector tab");
            tabs->setProperty("currentIndex", 1);
            eventField->setProperty("text", u"who"_s);
            m_controller->inspector()->emitRaw(u"who"_s, QString(), true);
            if (!QTest::qWaitFor(
                        [this] { return m_controller->inspector()->lastReply().startsWith(u'['); },
                        Timeout))
                return fail("no reply to who");
            if (!shoot(u"inspector"_s))
                return false;
        }
        return true;
    }

private:
    QQuickWindow *m_window;
    Controller *m_controller;
    QString m_outDir;
    QString m_suffix;
};

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    // Its own settings, so that taking screenshots leaves the person's Confab alone.
    QGuiApplication::setOrganizationName(u"ConfabScreenshots"_s);
    QGuiApplication::setApplicationName(u"confab"_s);
    QGuiApplication::setApplicationDisplayName(u"Confab"_s);

    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption outOption(u"out"_s, u"Folder for the PNG files."_s, u"dir"_s, u"."_s);
    const QCommandLineOption languageOption(u"language"_s, u"en or zh_CN."_s, u"language"_s,
                                            u"en"_s);
    const QCommandLineOption themeOption(u"theme"_s, u"light or dark."_s, u"theme"_s, u"light"_s);
    const QCommandLineOption viewsOption(
            u"views"_s, u"Comma-separated: start, settings, chat, join, sids, inspector."_s,
            u"views"_s, u"start,chat,join,sids,inspector"_s);
    const QCommandLineOption hostileOption(
            u"hostile"_s, u"Peers, a room and an event named with markup (view \"hostile\")."_s);
    const QCommandLineOption suffixOption(
            u"suffix"_s, u"Appended to each file name, e.g. \"-zh_CN\" for chat-zh_CN.png."_s,
            u"suffix"_s);
    parser.addOptions(
            {outOption, languageOption, themeOption, viewsOption, suffixOption, hostileOption});
    parser.process(app);

    QQuickStyle::setStyle(u"Fusion"_s);

    Preferences preferences(nullptr);
    Preferences::setInstance(&preferences);
    preferences.setLanguage(parser.value(languageOption));
    preferences.setTheme(parser.value(themeOption) == u"dark" ? Preferences::Theme::Dark
                                                              : Preferences::Theme::Light);
    const bool hostile = parser.isSet(hostileOption);
    const Script script = hostile ? hostileScript() : scriptFor(preferences.effectiveLanguage());

    Controller controller(nullptr, &preferences);
    Controller::setInstance(&controller);
    controller.session()->setHostAddress(QHostAddress::LocalHost);
    controller.session()->setHostDataLocation(u":memory:"_s);
    controller.preferences()->setUserName(script.me);
    // The start page as on a network with Confab hosts: this machine's own browser finds
    // none (no Avahi daemon here), so the hosts are what a browser would report.
    FoundHostsModel *found = controller.foundHosts();
    found->setBrowser(nullptr);
    found->setAvailability(true, {});
    const struct
    {
        const char16_t *name;
        const char16_t *address;
        bool password;
    } hosts[] = {{u"Carol (carol-laptop)", u"192.0.2.23", false},
                 {u"Design review", u"192.0.2.40", true},
                 {u"Lab (lab-pc)", u"fe80::4c2:ff:fe1e:1dc8", false}};
    for (const auto &host : hosts) {
        Confab::Discovery::DiscoveredService service;
        service.instanceName = QString::fromUtf16(host.name);
        service.domain = u"local"_s;
        service.address = QHostAddress(QString::fromUtf16(host.address));
        if (service.address.isLinkLocal())
            service.address.setScopeId(u"wlan0"_s);
        service.port = 3000;
        service.info.passwordRequired = host.password;
        found->addService(service);
    }

    QQmlApplicationEngine engine;
    engine.addImportPath(u"qrc:/qt/qml"_s);
    engine.load(QUrl(u"qrc:/qt/qml/Confab/Ui/Main.qml"_s));
    auto *window = engine.rootObjects().isEmpty()
            ? nullptr
            : qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    if (!window)
        return fail("Main.qml did not load") ? 0 : 1;
    window->resize(1120, 720);

    QDir().mkpath(parser.value(outOption));
    Shooter shooter(window, &controller, parser.value(outOption), parser.value(suffixOption));
    const QStringList views = hostile && !parser.isSet(viewsOption)
            ? QStringList{u"hostile"_s}
            : parser.value(viewsOption).split(u',');
    const bool ok = shooter.run(script, views);
    controller.session()->leave();
    return ok ? 0 : 1;
}
