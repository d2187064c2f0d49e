// SPDX-License-Identifier: MIT
// Notifications and the unread badge: the real Controller hosting in this process, a second
// client sending, and a fake notification backend in place of the desktop's.
#include "chathost.h"
#include "controller.h"
#include "desktopnotifier.h"
#include "hostsidsource.h"
#include "trayicon.h"
#ifdef CONFAB_HAVE_DBUS
#    include "freedesktopnotifications.h"
#    include "privatebus.h"

#    include <QtCore/QScopeGuard>
#    include <QtDBus/QDBusConnection>
#endif

#include <QtCore/QStandardPaths>
#include <QtGui/QImage>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Confab::App;
using namespace Confab::Client;

namespace {

constexpr int Timeout = 10000;

class FakeBackend : public NotificationBackend
{
    Q_OBJECT
public:
    struct Shown
    {
        QString title;
        QString body;
        QString room;
    };
    void show(const QString &title, const QString &body, const QString &room) override
    {
        shown.append({title, body, room});
    }
    void withdrawAll() override { ++withdrawn; }
    void click(const QString &room) { Q_EMIT activated(room); }

    QList<Shown> shown;
    int withdrawn = 0;
};

//! Someone else in the chat: a SocketIoClient with its ChatClient.
struct Peer
{
    std::unique_ptr<SocketIoClient> socket = std::make_unique<SocketIoClient>();
    std::unique_ptr<ChatClient> chat = std::make_unique<ChatClient>(socket.get());
    ~Peer()
    {
        chat.reset();
        socket.reset();
    }
};

#ifdef CONFAB_HAVE_DBUS
//! \brief org.freedesktop.Notifications on a private bus: records what it is asked to show,
//! and never answers GetCapabilities (as a busy server has not yet, when the first message
//! comes).
class FakeNotificationServer : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Notified
    {
        QString summary;
        QString body;
    };
    QList<Notified> notified;

public Q_SLOTS:
    QStringList GetCapabilities(const QDBusMessage &message)
    {
        message.setDelayedReply(true);
        return {};
    }
    uint Notify(const QString &, uint, const QString &, const QString &summary, const QString &body,
                const QStringList &, const QVariantMap &, int)
    {
        notified.append({summary, body});
        return uint(notified.size());
    }
    void CloseNotification(uint) { }
};
#endif

} // namespace

class tst_AppNotify : public QObject
{
    Q_OBJECT

private:
    //! Our peer "bob" joins \a room; true once the app has seen him there.
    bool bobJoins(const QString &room)
    {
        QSignalSpy joined(m_bob->chat.get(), &ChatClient::roomJoined);
        m_bob->chat->joinRoom(room);
        return joined.wait(Timeout);
    }
    //! Bob sends \a text to \a room and the app lists it.
    bool bobSays(const QString &room, const QString &text)
    {
        MessageListModel *model = m_app->roomState()->messagesOf(room);
        const int before = model->count();
        m_bob->chat->sendMessage(room, text);
        return QTest::qWaitFor([&] { return model->count() > before; }, Timeout);
    }

    std::unique_ptr<Controller> m_app;
    std::unique_ptr<Peer> m_bob;
    FakeBackend *m_backend = nullptr;
#ifdef CONFAB_HAVE_DBUS
    AppTest::PrivateSessionBus m_bus;
#endif

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"ConfabTest"_s);
        QCoreApplication::setApplicationName(u"tst_app_notify"_s);
#ifdef CONFAB_HAVE_DBUS
        // A session bus of our own (as in tst_preferences), before anything touches
        // QDBusConnection::sessionBus(), which reads the address once.
        const QString busError = m_bus.start();
        QVERIFY2(busError.isEmpty(), qPrintable(busError));
#endif
    }
    void cleanupTestCase()
    {
#ifdef CONFAB_HAVE_DBUS
        m_bus.stop();
#endif
    }
    void init()
    {
        m_app = std::make_unique<Controller>(nullptr);
        m_app->session()->setHostAddress(QHostAddress::LocalHost);
        m_app->session()->setHostDataLocation(u":memory:"_s);
        m_app->preferences()->setUserName(u"alice"_s);
        m_app->notifier()->setEnabled(true);
        m_backend = new FakeBackend;
        m_backend->setParent(m_app.get());
        m_app->notifier()->setBackend(m_backend);
        QVERIFY(m_app->session()->hostChat(0));
        QTRY_COMPARE_WITH_TIMEOUT(m_app->roomState()->currentRoom(), u"lobby"_s, Timeout);

        m_bob = std::make_unique<Peer>();
        QSignalSpy welcomed(m_bob->chat.get(), &ChatClient::welcomed);
        m_bob->chat->connectToHost(
                QUrl(u"http://127.0.0.1:%1/"_s.arg(m_app->session()->hostPort())), u"bob"_s);
        QVERIFY(welcomed.wait(Timeout));
        QVERIFY(bobJoins(u"lobby"_s));
    }
    void cleanup()
    {
        m_bob.reset();
        m_app.reset();
        m_backend = nullptr;
    }

    void inactiveWindowNotifiesOncePerMessage();
    void activeWindowDoesNotNotify();
    void ownMessagesNeverNotify();
    void activationClearsBadge();
    void notificationClickShowsRoom();
    void disabledStillCounts();
    void windowStateFollowsWindow();
    void elide_data();
    void elide();
    void trayBadge();
#ifdef CONFAB_HAVE_DBUS
    void launcherEntry();
    void freedesktopEscapesAlways_data();
    void freedesktopEscapesAlways();
#endif
};

void tst_AppNotify::inactiveWindowNotifiesOncePerMessage()
{
    DesktopNotifier *notifier = m_app->notifier();
    notifier->setWindowActive(false);
    QSignalSpy counts(notifier, &DesktopNotifier::unreadCountChanged);
    const QString longText = QString(300, u'x');
    QVERIFY(bobSays(u"lobby"_s, u"hello alice"_s));
    QVERIFY(bobSays(u"lobby"_s, u"are you there?"_s));
    QVERIFY(bobSays(u"lobby"_s, longText));

    QCOMPARE(m_backend->shown.size(), 3);
    for (const auto &shown : std::as_const(m_backend->shown)) {
        QCOMPARE(shown.title, u"bob in lobby"_s);
        QCOMPARE(shown.room, u"lobby"_s);
    }
    QCOMPARE(m_backend->shown.at(0).body, u"hello alice"_s);
    QCOMPARE(m_backend->shown.at(1).body, u"are you there?"_s);
    QCOMPARE(m_backend->shown.at(2).body.size(), DesktopNotifier::MaxBodyLength);
    QVERIFY(m_backend->shown.at(2).body.endsWith(u'…'));
    QCOMPARE(notifier->unreadCount(), 3);
    QCOMPARE(counts.size(), 3);
    QCOMPARE(counts.last().at(0).toInt(), 3);
}

void tst_AppNotify::activeWindowDoesNotNotify()
{
    m_app->notifier()->setWindowActive(true);
    QVERIFY(bobSays(u"lobby"_s, u"hello"_s));
    // A room we are in but not looking at counts in the room list, not on the desktop.
    QVERIFY(bobJoins(u"side"_s));
    QSignalSpy joined(m_app->chat(), &ChatClient::roomJoined);
    m_app->roomState()->joinRoom(u"side"_s);
    QVERIFY(joined.wait(Timeout));
    m_app->roomState()->setCurrentRoom(u"lobby"_s);
    QVERIFY(bobSays(u"side"_s, u"over here"_s));
    QCOMPARE(m_app->roomState()->rooms()->room(u"side"_s).unread, 1);
    QCOMPARE(m_backend->shown.size(), 0);
    QCOMPARE(m_app->notifier()->unreadCount(), 0);
}

void tst_AppNotify::ownMessagesNeverNotify()
{
    m_app->notifier()->setWindowActive(false);
    QSignalSpy updated(m_app->chat(), &ChatClient::messageUpdated);
    QSignalSpy bobGot(m_bob->chat.get(), &ChatClient::messageReceived);
    m_app->roomState()->sendMessage(u"from alice"_s);
    QVERIFY(bobGot.wait(Timeout));
    QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty(), Timeout);
    // Bob's reply comes after ours on the same connection: once it is listed, ours would have
    // been too.
    QVERIFY(bobSays(u"lobby"_s, u"got it"_s));
    QCOMPARE(m_backend->shown.size(), 1);
    QCOMPARE(m_backend->shown.constFirst().body, u"got it"_s);
    QCOMPARE(m_app->notifier()->unreadCount(), 1);
}

void tst_AppNotify::activationClearsBadge()
{
    DesktopNotifier *notifier = m_app->notifier();
    notifier->setWindowActive(false);
    QVERIFY(bobSays(u"lobby"_s, u"one"_s));
    QVERIFY(bobSays(u"lobby"_s, u"two"_s));
    QCOMPARE(notifier->unreadCount(), 2);
    notifier->setWindowActive(true);
    QCOMPARE(notifier->unreadCount(), 0);
    QCOMPARE(m_backend->withdrawn, 1);
    // Seen while active: no badge, no notification.
    QVERIFY(bobSays(u"lobby"_s, u"three"_s));
    QCOMPARE(notifier->unreadCount(), 0);
    QCOMPARE(m_backend->shown.size(), 2);
}

void tst_AppNotify::notificationClickShowsRoom()
{
    QVERIFY(bobJoins(u"side"_s));
    QSignalSpy joined(m_app->chat(), &ChatClient::roomJoined);
    m_app->roomState()->joinRoom(u"side"_s);
    QVERIFY(joined.wait(Timeout));
    m_app->roomState()->setCurrentRoom(u"lobby"_s);
    DesktopNotifier *notifier = m_app->notifier();
    notifier->setWindowActive(false);
    QVERIFY(bobSays(u"side"_s, u"psst"_s));
    QCOMPARE(m_backend->shown.size(), 1);
    QCOMPARE(m_app->roomState()->rooms()->room(u"side"_s).unread, 1);

    m_backend->click(m_backend->shown.constFirst().room);
    QCOMPARE(m_app->roomState()->currentRoom(), u"side"_s);
    QCOMPARE(m_app->roomState()->rooms()->room(u"side"_s).unread, 0);
    QCOMPARE(notifier->unreadCount(), 0);
}

void tst_AppNotify::disabledStillCounts()
{
    DesktopNotifier *notifier = m_app->notifier();
    QSignalSpy enabled(notifier, &DesktopNotifier::enabledChanged);
    notifier->setEnabled(false);
    QCOMPARE(enabled.size(), 1);
    // The setting is remembered for the next run.
    QCOMPARE(Preferences(nullptr, Preferences::Scope::SettingsOnly).notificationsEnabled(), false);
    notifier->setWindowActive(false);
    QVERIFY(bobSays(u"lobby"_s, u"quietly"_s));
    QCOMPARE(m_backend->shown.size(), 0);
    QCOMPARE(notifier->unreadCount(), 1);
    notifier->setEnabled(true);
    QCOMPARE(Preferences(nullptr, Preferences::Scope::SettingsOnly).notificationsEnabled(), true);
}

void tst_AppNotify::windowStateFollowsWindow()
{
    Preferences preferences(nullptr, Preferences::Scope::SettingsOnly);
    DesktopNotifier notifier(&preferences);
    QWindow window;
    notifier.setWindow(&window);
    QVERIFY(!notifier.isWindowActive()); // hidden
    window.show();
    window.requestActivate();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTRY_VERIFY(notifier.isWindowActive());
    window.hide();
    QTRY_VERIFY(!notifier.isWindowActive());
    ChatMessage message;
    message.id = 1;
    message.room = u"lobby"_s;
    message.name = u"bob"_s;
    message.text = u"hi"_s;
    notifier.messageArrived(message);
    QCOMPARE(notifier.unreadCount(), 1);
    notifier.activate();
    QVERIFY(window.isVisible());
    QCOMPARE(notifier.unreadCount(), 0);
}

void tst_AppNotify::elide_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("max");
    QTest::addColumn<QString>("expected");
    QTest::addRow("short") << u"hello"_s << 10 << u"hello"_s;
    QTest::addRow("exact") << u"0123456789"_s << 10 << u"0123456789"_s;
    QTest::addRow("long") << u"0123456789ab"_s << 10 << u"012345678…"_s;
    QTest::addRow("trimmed") << u"  hi \n"_s << 10 << u"hi"_s;
    // An emoji (two UTF-16 units) at the cut is dropped whole, not halved.
    QTest::addRow("surrogate") << (u"01234567"_s + QString::fromUcs4(U"\U0001F600") + u"xyz"_s)
                               << 10 << u"01234567…"_s;
}

void tst_AppNotify::elide()
{
    QFETCH(QString, text);
    QFETCH(int, max);
    QFETCH(QString, expected);
    QCOMPARE(DesktopNotifier::elide(text, max), expected);
}

void tst_AppNotify::trayBadge()
{
    QCOMPARE(TrayIcon::toolTipFor(0), u"Confab"_s);
    QCOMPARE(TrayIcon::toolTipFor(3), u"Confab — 3 unread message(s)"_s);
    QPixmap plain(32, 32);
    plain.fill(Qt::blue);
    const QIcon base(plain);
    QCOMPARE(TrayIcon::badgedIcon(base, 0).pixmap(32).toImage().pixelColor(28, 28),
             QColor(Qt::blue));
    // The badge sits in the lower right corner and leaves the upper left alone.
    const QImage badged = TrayIcon::badgedIcon(base, 3).pixmap(32).toImage();
    QCOMPARE(badged.pixelColor(2, 2), QColor(Qt::blue));
    QVERIFY(badged.pixelColor(27, 27).red() > 150);
}

#ifdef CONFAB_HAVE_DBUS
void tst_AppNotify::launcherEntry()
{
    const QDBusMessage message = launcherEntryUpdate(u"confab.desktop"_s, 3);
    QCOMPARE(message.type(), QDBusMessage::SignalMessage);
    QCOMPARE(message.interface(), u"com.canonical.Unity.LauncherEntry"_s);
    QCOMPARE(message.member(), u"Update"_s);
    QCOMPARE(message.arguments().size(), 2);
    QCOMPARE(message.arguments().at(0).toString(), u"application://confab.desktop"_s);
    QVariantMap properties = message.arguments().at(1).toMap();
    QCOMPARE(properties.value(u"count"_s).metaType(), QMetaType::fromType<qint64>());
    QCOMPARE(properties.value(u"count"_s).toLongLong(), 3);
    QCOMPARE(properties.value(u"count-visible"_s).toBool(), true);
    properties = launcherEntryUpdate(u"confab.desktop"_s, 0).arguments().at(1).toMap();
    QCOMPARE(properties.value(u"count-visible"_s).toBool(), false);

    const QDBusMessage notify
            = FreedesktopNotificationBackend::notifyMessage(u"bob in lobby"_s, u"a <b> & c"_s, 7);
    QCOMPARE(notify.member(), u"Notify"_s);
    QCOMPARE(notify.arguments().size(), 8);
    QCOMPARE(notify.arguments().at(1).toUInt(), 7u);
    QCOMPARE(notify.arguments().at(3).toString(), u"bob in lobby"_s);
    QCOMPARE(notify.arguments().at(4).toString(), u"a &lt;b&gt; &amp; c"_s);
    QCOMPARE(notify.arguments().at(5).toStringList().value(0), u"default"_s);
}

void tst_AppNotify::freedesktopEscapesAlways_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("room");
    QTest::addColumn<QString>("text");
    QTest::addRow("img") << u"<img src=http://127.0.0.1:9/x>"_s << u"lobby"_s
                         << u"<img src=\"http://127.0.0.1:9/y\">"_s;
    QTest::addRow("heading") << u"<h1><u>BIG</u></h1>"_s << u"<b>room</b>"_s << u"<h1>hi</h1>"_s;
    QTest::addRow("bold") << u"<b>alice</b>"_s << u"lobby"_s << u"a & b < c"_s;
    QTest::addRow("link") << u"bob"_s << u"lobby"_s << u"<a href=\"http://x/\">click</a>"_s;
}

void tst_AppNotify::freedesktopEscapesAlways()
{
    QFETCH(QString, name);
    QFETCH(QString, room);
    QFETCH(QString, text);
    // The fake server on a connection of its own; the backend talks over the session bus.
    const QString connectionName
            = u"fake-notifications-%1"_s.arg(QLatin1StringView(QTest::currentDataTag()));
    QDBusConnection server = QDBusConnection::connectToBus(m_bus.address(), connectionName);
    // Whatever fails below, the next row registers the service again.
    const auto release = qScopeGuard([&server, connectionName] {
        server.unregisterService(u"org.freedesktop.Notifications"_s);
        server.unregisterObject(u"/org/freedesktop/Notifications"_s);
        QDBusConnection::disconnectFromBus(connectionName);
    });
    QVERIFY(server.isConnected());
    FakeNotificationServer fake;
    QVERIFY(server.registerObject(u"/org/freedesktop/Notifications"_s, &fake,
                                  QDBusConnection::ExportAllSlots));
    QVERIFY(server.registerService(u"org.freedesktop.Notifications"_s));

    {
        FreedesktopNotificationBackend backend;
        Preferences preferences(nullptr, Preferences::Scope::SettingsOnly);
        DesktopNotifier notifier(&preferences);
        notifier.setEnabled(true);
        notifier.setBackend(&backend);
        notifier.setWindowActive(false);
        ChatMessage message;
        message.id = 1;
        message.room = room;
        message.name = name;
        message.text = text;
        // At once: the server has not said whether it reads markup (and never will here).
        notifier.messageArrived(message);
        QTRY_COMPARE_WITH_TIMEOUT(fake.notified.size(), 1, Timeout);
    }
    QCOMPARE(fake.notified.constFirst().summary,
             u"%1 in %2"_s.arg(name.toHtmlEscaped(), room.toHtmlEscaped()));
    QCOMPARE(fake.notified.constFirst().body, text.toHtmlEscaped());
    QVERIFY(!fake.notified.constFirst().summary.contains(u'<'));
    QVERIFY(!fake.notified.constFirst().body.contains(u'<'));
}
#endif

QTEST_MAIN(tst_AppNotify)

#include "tst_app_notify.moc"
