// SPDX-License-Identifier: MIT
// Preferences: the language and theme are applied and remembered, and "System" follows the
// platform palette.
#include "preferences.h"

#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtGui/QGuiApplication>
#include <QtGui/QPalette>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#if CONFAB_HAVE_DBUS
#    include "privatebus.h"

#    include <QtDBus/QDBusConnection>
#    include <QtDBus/QDBusMessage>
#    include <QtDBus/QDBusVariant>
#endif

#include <optional>

using namespace Qt::StringLiterals;
using namespace Confab::App;

namespace {

QPalette paletteWithWindow(const QColor &window)
{
    QPalette palette = QGuiApplication::palette();
    palette.setColor(QPalette::Window, window);
    return palette;
}

#if CONFAB_HAVE_DBUS
const QString PortalPath = u"/org/freedesktop/portal/desktop"_s;
const QString PortalSettings = u"org.freedesktop.portal.Settings"_s;

//! A desktop portal's Settings interface with only the appearance color-scheme.
class FakePortal : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.portal.Settings")
public:
    uint scheme = 1;

public Q_SLOTS:
    QDBusVariant Read(const QString &ns, const QString &key)
    {
        Q_UNUSED(ns);
        Q_UNUSED(key);
        // Wrapped twice, as xdg-desktop-portal's deprecated Read() does.
        return QDBusVariant(QVariant::fromValue(QDBusVariant(scheme)));
    }
};
#endif

} // namespace

class tst_Preferences : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void languageAppliesAndPersists_data();
    void languageAppliesAndPersists();
    void unknownLanguageFollowsSystem();
    void systemLanguage();
    void themePersists_data();
    void themePersists();
    void systemThemeFollowsPalette();
    void portalColorScheme_data();
    void portalColorScheme();
    void chatSettingsPersist();
    void settingsOnlyLeavesTheLanguageAlone();
#if CONFAB_HAVE_DBUS
    void systemThemeFollowsPortal();
    void cleanupTestCase();
#endif

private:
    QPalette m_lightPalette;
#if CONFAB_HAVE_DBUS
    //! A private session bus, so that no real portal answers and the fake one can.
    AppTest::PrivateSessionBus m_bus;
#endif
};

void tst_Preferences::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"ConfabTest"_s);
    // Its own settings per run: ctest may run the zh_CN run alongside the default one.
    QCoreApplication::setApplicationName(u"tst_preferences_"_s
                                         + qEnvironmentVariable("CONFAB_EXPECT_SYSTEM_LANGUAGE"));
    m_lightPalette = paletteWithWindow(QColor(0xf0, 0xf0, 0xf0));
#if CONFAB_HAVE_DBUS
    // Before anything touches QDBusConnection::sessionBus(), which reads the address once.
    const QString busError = m_bus.start();
    QVERIFY2(busError.isEmpty(), qPrintable(busError));
#endif
}

void tst_Preferences::init()
{
    QSettings().clear();
    QGuiApplication::setPalette(m_lightPalette);
}

void tst_Preferences::languageAppliesAndPersists_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("connected"); //!< ChatSession's "Connected" in that language
    QTest::addColumn<QString>("typing"); //!< a plural form, from confab_en.ts for English
    QTest::addRow("en") << u"en"_s << u"Connected"_s << u"1 person is typing…"_s;
    QTest::addRow("zh_CN") << u"zh_CN"_s << u"已连接"_s << u"1 人正在输入…"_s;
}

void tst_Preferences::languageAppliesAndPersists()
{
    QFETCH(QString, language);
    QFETCH(QString, connected);
    QFETCH(QString, typing);
    {
        Preferences preferences(nullptr);
        QSignalSpy changed(&preferences, &Preferences::languageChanged);
        preferences.setLanguage(language);
        QCOMPARE(changed.size(), preferences.language() == language ? 1 : 0);
        QCOMPARE(preferences.effectiveLanguage(), language);
        QCOMPARE(QCoreApplication::translate("Confab::App::ChatSession", "Connected"), connected);
        QCOMPARE(QCoreApplication::translate("Confab::App::ChatRoomState", "%n people are typing…",
                                             nullptr, 1),
                 typing);
    }
    // Its translators leave with it.
    QCOMPARE(QCoreApplication::translate("Confab::App::ChatSession", "Connected"), u"Connected"_s);

    Preferences again(nullptr);
    QCOMPARE(again.language(), language);
    QCOMPARE(again.effectiveLanguage(), language);
    QCOMPARE(QCoreApplication::translate("Confab::App::ChatSession", "Connected"), connected);
}

void tst_Preferences::chatSettingsPersist()
{
    QString installId;
    {
        Preferences preferences(nullptr, Preferences::Scope::SettingsOnly);
        QSignalSpy nameChanged(&preferences, &Preferences::userNameChanged);
        preferences.setUserName(u"  alice  "_s);
        QCOMPARE(preferences.userName(), u"alice"_s);
        preferences.setUserName(u"alice"_s);
        QCOMPARE(nameChanged.size(), 1);

        // Newest first, each once, at most MaxRecentServers.
        QSignalSpy serversChanged(&preferences, &Preferences::recentServersChanged);
        for (int i = 0; i < Preferences::MaxRecentServers + 2; ++i)
            preferences.rememberServer(u"http://host%1:3000"_s.arg(i));
        preferences.rememberServer(u"http://host5:3000"_s);
        QCOMPARE(serversChanged.size(), Preferences::MaxRecentServers + 3);
        const QStringList servers = preferences.recentServers();
        QCOMPARE(servers.size(), Preferences::MaxRecentServers);
        QCOMPARE(servers.value(0), u"http://host5:3000"_s);
        QCOMPARE(servers.value(1), u"http://host9:3000"_s);
        QCOMPARE(servers.count(u"http://host5:3000"_s), 1);

        QSignalSpy notificationsChanged(&preferences, &Preferences::notificationsEnabledChanged);
        QVERIFY(preferences.notificationsEnabled()); // on by default
        preferences.setNotificationsEnabled(false);
        preferences.setNotificationsEnabled(false);
        QCOMPARE(notificationsChanged.size(), 1);

        QSignalSpy announceChanged(&preferences, &Preferences::announceHostChanged);
        QVERIFY(preferences.announceHost()); // on by default
        preferences.setAnnounceHost(false);
        preferences.setAnnounceHost(false);
        QCOMPARE(announceChanged.size(), 1);

        installId = preferences.installId();
        QVERIFY(!installId.isEmpty());
        QCOMPARE(preferences.installId(), installId);
    }
    // Remembered across runs.
    Preferences again(nullptr, Preferences::Scope::SettingsOnly);
    QCOMPARE(again.userName(), u"alice"_s);
    QCOMPARE(again.recentServers().value(0), u"http://host5:3000"_s);
    QCOMPARE(again.installId(), installId);
    QVERIFY(!again.notificationsEnabled());
    QVERIFY(!again.announceHost());
}

void tst_Preferences::settingsOnlyLeavesTheLanguageAlone()
{
    // A Controller's own settings (tests run several controllers) keep the app's language.
    Preferences preferences(nullptr, Preferences::Scope::SettingsOnly);
    preferences.setLanguage(u"zh_CN"_s);
    QCOMPARE(preferences.language(), u"zh_CN"_s);
    QCOMPARE(QCoreApplication::translate("Confab::App::ChatSession", "Connected"), u"Connected"_s);
}

void tst_Preferences::unknownLanguageFollowsSystem()
{
    Preferences preferences(nullptr);
    preferences.setLanguage(u"zh_CN"_s);
    preferences.setLanguage(u"tlh"_s); // not shipped
    QCOMPARE(preferences.language(), QString());
    QVERIFY(Preferences::availableLanguages().contains(preferences.effectiveLanguage()));
    QCOMPARE(Preferences(nullptr).language(), QString());
}

void tst_Preferences::systemLanguage()
{
    // ctest runs this under LC_ALL=C.UTF-8 and again under zh_CN.UTF-8 (tst_preferences_zh_CN).
    const QString expected = qEnvironmentVariable("CONFAB_EXPECT_SYSTEM_LANGUAGE");
    QVERIFY2(!expected.isEmpty(), "run through ctest, which sets CONFAB_EXPECT_SYSTEM_LANGUAGE");
    Preferences preferences(nullptr);
    QCOMPARE(preferences.language(), QString());
    QCOMPARE(preferences.effectiveLanguage(), expected);
}

void tst_Preferences::themePersists_data()
{
    QTest::addColumn<Preferences::Theme>("theme");
    QTest::addColumn<bool>("dark");
    QTest::addRow("light") << Preferences::Theme::Light << false;
    QTest::addRow("dark") << Preferences::Theme::Dark << true;
    QTest::addRow("system, light desktop") << Preferences::Theme::System << false;
}

void tst_Preferences::themePersists()
{
    QFETCH(Preferences::Theme, theme);
    QFETCH(bool, dark);
    {
        Preferences preferences(nullptr);
        // Start from the other side, so that every row sees a change.
        preferences.setTheme(theme == Preferences::Theme::Dark ? Preferences::Theme::Light
                                                               : Preferences::Theme::Dark);
        QSignalSpy themeChanged(&preferences, &Preferences::themeChanged);
        QSignalSpy darkChanged(&preferences, &Preferences::darkChanged);
        preferences.setTheme(theme);
        QCOMPARE(themeChanged.size(), 1);
        QCOMPARE(preferences.isDark(), dark);
        QCOMPARE(darkChanged.size(), 1);
    }
    Preferences again(nullptr);
    QCOMPARE(again.theme(), theme);
    QCOMPARE(again.isDark(), dark);
}

void tst_Preferences::systemThemeFollowsPalette()
{
    Preferences preferences(nullptr);
    QCOMPARE(preferences.theme(), Preferences::Theme::System);
    QVERIFY(!preferences.isDark());
    QSignalSpy darkChanged(&preferences, &Preferences::darkChanged);

    // The desktop turns dark: the platform palette changes under the app.
    QGuiApplication::setPalette(paletteWithWindow(QColor(0x20, 0x22, 0x25)));
    QTRY_VERIFY(preferences.isDark());
    QCOMPARE(darkChanged.size(), 1);

    // A chosen theme wins over the desktop's.
    preferences.setTheme(Preferences::Theme::Light);
    QVERIFY(!preferences.isDark());
    preferences.setTheme(Preferences::Theme::System);
    QVERIFY(preferences.isDark());

    QGuiApplication::setPalette(m_lightPalette);
    QTRY_VERIFY(!preferences.isDark());
}

void tst_Preferences::portalColorScheme_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<std::optional<bool>>("dark");
    // org.freedesktop.appearance color-scheme: 0 no preference, 1 dark, 2 light.
    QTest::addRow("dark") << QVariant(1u) << std::optional<bool>(true);
    QTest::addRow("light") << QVariant(2u) << std::optional<bool>(false);
    QTest::addRow("no preference") << QVariant(0u) << std::optional<bool>();
    QTest::addRow("unknown value") << QVariant(7u) << std::optional<bool>();
    QTest::addRow("not a uint") << QVariant(u"dark"_s) << std::optional<bool>();
    QTest::addRow("nothing") << QVariant() << std::optional<bool>();
#if CONFAB_HAVE_DBUS
    // Read() answers with a variant; older portals wrap it once more.
    QTest::addRow("in a variant") << QVariant::fromValue(QDBusVariant(1u))
                                  << std::optional<bool>(true);
    QTest::addRow("in two variants")
            << QVariant::fromValue(QDBusVariant(QVariant::fromValue(QDBusVariant(2u))))
            << std::optional<bool>(false);
#endif
}

void tst_Preferences::portalColorScheme()
{
    QFETCH(QVariant, value);
    QFETCH(std::optional<bool>, dark);
    QCOMPARE(Preferences::portalPrefersDark(value), dark);
}

#if CONFAB_HAVE_DBUS
void tst_Preferences::systemThemeFollowsPortal()
{
    // The portal lives on its own connection, so its answers really cross the bus.
    QDBusConnection portalBus = QDBusConnection::connectToBus(m_bus.address(), u"portal"_s);
    QVERIFY(portalBus.isConnected());
    FakePortal portal;
    QVERIFY(portalBus.registerObject(PortalPath, &portal, QDBusConnection::ExportAllSlots));
    QVERIFY(portalBus.registerService(u"org.freedesktop.portal.Desktop"_s));
    const auto announce = [&portalBus](uint scheme) {
        QDBusMessage changed
                = QDBusMessage::createSignal(PortalPath, PortalSettings, u"SettingChanged"_s);
        changed << u"org.freedesktop.appearance"_s << u"color-scheme"_s
                << QVariant::fromValue(QDBusVariant(scheme));
        QVERIFY(portalBus.send(changed));
    };

    Preferences preferences(nullptr);
    QCOMPARE(preferences.theme(), Preferences::Theme::System);
    // The palette is light; the portal says dark, and wins.
    QTRY_VERIFY(preferences.isDark());

    announce(2); // light
    QTRY_VERIFY(!preferences.isDark());
    announce(1); // dark
    QTRY_VERIFY(preferences.isDark());
    // A chosen theme still wins over the desktop's.
    preferences.setTheme(Preferences::Theme::Light);
    QVERIFY(!preferences.isDark());
    preferences.setTheme(Preferences::Theme::System);
    QVERIFY(preferences.isDark());
    // No preference: back to the palette (light).
    announce(0);
    QTRY_VERIFY(!preferences.isDark());

    portalBus.unregisterService(u"org.freedesktop.portal.Desktop"_s);
    portalBus.unregisterObject(PortalPath);
    QDBusConnection::disconnectFromBus(u"portal"_s);
}

void tst_Preferences::cleanupTestCase()
{
    m_bus.stop();
}
#endif

QTEST_MAIN(tst_Preferences)

#include "tst_preferences.moc"
