// SPDX-License-Identifier: MIT
#include "preferences.h"

#include "applogging.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QLibraryInfo>
#include <QtCore/QLocale>
#include <QtCore/QSettings>
#include <QtCore/QUuid>
#include <QtGui/QGuiApplication>
#include <QtGui/QPalette>

#if CONFAB_HAVE_DBUS
#    include <QtDBus/QDBusConnection>
#    include <QtDBus/QDBusMessage>
#    include <QtDBus/QDBusPendingCallWatcher>
#    include <QtDBus/QDBusVariant>
#endif

using namespace Qt::StringLiterals;

namespace Confab::App {

namespace {

const QString SettingLanguage = u"language"_s;
const QString SettingTheme = u"theme"_s;
const QString SettingUserName = u"userName"_s;
const QString SettingRecentServers = u"recentServers"_s;
const QString SettingNotifications = u"notifications"_s;
const QString SettingAnnounceHost = u"announceHost"_s;
// The install's id kept its old name: it is the same secret, only what is sent changed.
const QString SettingInstallId = u"deviceId"_s;
//! Where qt_add_translations puts the .qm files (its default RESOURCE_PREFIX).
const QString TranslationsDir = u":/i18n"_s;
const QString FallbackLanguage = u"en"_s;

QString themeKey(Preferences::Theme theme)
{
    switch (theme) {
    case Preferences::Theme::Light:
        return u"light"_s;
    case Preferences::Theme::Dark:
        return u"dark"_s;
    case Preferences::Theme::System:
        break;
    }
    return u"system"_s;
}

Preferences::Theme themeFromKey(const QString &key)
{
    if (key == u"light")
        return Preferences::Theme::Light;
    if (key == u"dark")
        return Preferences::Theme::Dark;
    return Preferences::Theme::System;
}

} // namespace

#if CONFAB_HAVE_DBUS
//! \brief Reads and watches the desktop portal's color-scheme (0 none, 1 dark, 2 light).
//! Does nothing without a session bus or a portal.
class PortalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit PortalWatcher(Preferences *preferences)
        : QObject(preferences)
        , m_preferences(preferences)
    {
        QDBusConnection bus = QDBusConnection::sessionBus();
        if (!bus.isConnected())
            return;
        bus.connect(Service, Path, Interface, u"SettingChanged"_s, this,
                    SLOT(onSettingChanged(QString, QString, QDBusVariant)));
        QDBusMessage read = QDBusMessage::createMethodCall(Service, Path, Interface, u"Read"_s);
        read << Namespace << Key;
        auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(read, ReadTimeoutMs), this);
        connect(watcher, &QDBusPendingCallWatcher::finished, this,
                [this](QDBusPendingCallWatcher *call) {
                    call->deleteLater();
                    const QDBusMessage reply = call->reply();
                    if (reply.type() == QDBusMessage::ReplyMessage
                        && !reply.arguments().isEmpty()) {
                        m_preferences->setPortalPrefersDark(
                                Preferences::portalPrefersDark(reply.arguments().constFirst()));
                    } else {
                        qCDebug(lcApp) << "no color-scheme from the desktop portal:"
                                       << reply.errorMessage();
                    }
                });
    }

private Q_SLOTS:
    void onSettingChanged(const QString &ns, const QString &key, const QDBusVariant &value)
    {
        if (ns == Namespace && key == Key)
            m_preferences->setPortalPrefersDark(
                    Preferences::portalPrefersDark(QVariant::fromValue(value)));
    }

private:
    static constexpr int ReadTimeoutMs = 2000;
    static inline const QString Service = u"org.freedesktop.portal.Desktop"_s;
    static inline const QString Path = u"/org/freedesktop/portal/desktop"_s;
    static inline const QString Interface = u"org.freedesktop.portal.Settings"_s;
    static inline const QString Namespace = u"org.freedesktop.appearance"_s;
    static inline const QString Key = u"color-scheme"_s;

    Preferences *m_preferences;
};
#endif

Preferences *Preferences::s_instance = nullptr;

Preferences::Preferences(QObject *parent, Scope scope)
    : QObject(parent)
    , m_scope(scope)
{
    const QSettings settings;
    const QString language = settings.value(SettingLanguage).toString();
    if (availableLanguages().contains(language))
        m_language = language;
    m_theme = themeFromKey(settings.value(SettingTheme).toString());
    m_userName = settings.value(SettingUserName).toString();
    if (m_userName.isEmpty())
        m_userName = qEnvironmentVariable("USER");
    m_recentServers = settings.value(SettingRecentServers).toStringList();
    m_notificationsEnabled = settings.value(SettingNotifications, true).toBool();
    m_announceHost = settings.value(SettingAnnounceHost, true).toBool();
    loadTranslations();
    updateDark();
#if CONFAB_HAVE_DBUS
    new PortalWatcher(this);
#endif
    // The platform palette changes when the desktop switches between light and dark.
    if (QCoreApplication::instance())
        QCoreApplication::instance()->installEventFilter(this);
}

Preferences::~Preferences()
{
    for (const auto &translator : m_translators)
        QCoreApplication::removeTranslator(translator.get());
    if (s_instance == this)
        s_instance = nullptr;
}

void Preferences::setInstance(Preferences *instance)
{
    s_instance = instance;
}

Preferences *Preferences::create(QQmlEngine *qmlEngine, QJSEngine *)
{
    if (!s_instance) {
        // Without an instance from main() (qmlscene-like tools), QML owns a fresh one.
        s_instance = new Preferences(nullptr);
    } else {
        QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    }
    s_instance->addEngine(qmlEngine);
    return s_instance;
}

QStringList Preferences::availableLanguages()
{
    return {u"en"_s, u"zh_CN"_s};
}

void Preferences::setLanguage(const QString &language)
{
    const QString wanted = availableLanguages().contains(language) ? language : QString();
    if (wanted == m_language)
        return;
    m_language = wanted;
    QSettings().setValue(SettingLanguage, m_language);
    loadTranslations();
    Q_EMIT languageChanged();
}

void Preferences::setTheme(Theme theme)
{
    if (theme == m_theme)
        return;
    m_theme = theme;
    QSettings().setValue(SettingTheme, themeKey(m_theme));
    Q_EMIT themeChanged();
    updateDark();
}

void Preferences::addEngine(QQmlEngine *engine)
{
    if (engine && !m_engines.contains(engine))
        m_engines.append(engine);
}

bool Preferences::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::ApplicationPaletteChange
        && watched == QCoreApplication::instance())
        updateDark();
    return QObject::eventFilter(watched, event);
}

void Preferences::loadTranslations()
{
    if (m_scope == Scope::SettingsOnly)
        return;
    for (const auto &translator : m_translators)
        QCoreApplication::removeTranslator(translator.get());
    m_translators.clear();

    const QLocale wanted = m_language.isEmpty() ? QLocale::system() : QLocale(m_language);
    // load(QLocale) walks the locale's UI languages ("zh-Hans-CN", "zh-CN", "zh"); a language
    // Confab does not ship falls back to English, whose file carries the plural forms.
    auto own = std::make_unique<QTranslator>();
    if (!own->load(wanted, u"confab"_s, u"_"_s, TranslationsDir)
        && !own->load(u"confab_"_s + FallbackLanguage, TranslationsDir)) {
        qCWarning(lcApp) << "no translation found in" << TranslationsDir;
    }
    const QString loaded = QFileInfo(own->filePath()).completeBaseName();
    m_effectiveLanguage = loaded.startsWith(u"confab_") ? loaded.mid(7) : FallbackLanguage;
    qCDebug(lcApp) << "language:" << m_effectiveLanguage
                   << (m_language.isEmpty() ? "(system)" : "(chosen)");
    m_translators.push_back(std::move(own));

    // Qt's own strings (dialog buttons, context menus), when qt6-translations-l10n is installed.
    // English needs none.
    if (m_effectiveLanguage != FallbackLanguage) {
        const QString qtDir = QLibraryInfo::path(QLibraryInfo::TranslationsPath);
        for (const QString &catalog : {u"qtbase"_s, u"qtdeclarative"_s}) {
            auto qt = std::make_unique<QTranslator>();
            if (qt->load(QLocale(m_effectiveLanguage), catalog, u"_"_s, qtDir))
                m_translators.push_back(std::move(qt));
            else
                qCDebug(lcApp) << "no" << catalog << "translation in" << qtDir;
        }
    }

    // Numbers and dates follow the chosen language too.
    QLocale::setDefault(m_language.isEmpty() ? QLocale::system() : QLocale(m_language));

    for (const auto &translator : m_translators)
        QCoreApplication::installTranslator(translator.get());
    for (const QPointer<QQmlEngine> &engine : std::as_const(m_engines)) {
        if (engine)
            engine->retranslate();
    }
}

std::optional<bool> Preferences::portalPrefersDark(const QVariant &value)
{
    QVariant inner = value;
#if CONFAB_HAVE_DBUS
    while (inner.metaType() == QMetaType::fromType<QDBusVariant>())
        inner = inner.value<QDBusVariant>().variant();
#endif
    if (inner.metaType() != QMetaType::fromType<uint>())
        return std::nullopt;
    switch (inner.toUInt()) {
    case 1:
        return true;
    case 2:
        return false;
    default:
        return std::nullopt;
    }
}

void Preferences::setPortalPrefersDark(std::optional<bool> dark)
{
    qCDebug(lcApp) << "desktop portal prefers"
                   << (dark ? (*dark ? "dark" : "light") : "nothing in particular");
    m_portalDark = dark;
    updateDark();
}

void Preferences::updateDark()
{
    bool dark = m_theme == Theme::Dark;
    if (m_theme == Theme::System && m_portalDark)
        dark = *m_portalDark;
    else if (m_theme == Theme::System
             && qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        dark = QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
    if (dark == m_dark)
        return;
    m_dark = dark;
    Q_EMIT darkChanged();
}

void Preferences::setUserName(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (m_userName == trimmed)
        return;
    m_userName = trimmed;
    QSettings().setValue(SettingUserName, m_userName);
    Q_EMIT userNameChanged();
}

void Preferences::rememberServer(const QString &url)
{
    m_recentServers.removeAll(url);
    m_recentServers.prepend(url);
    while (m_recentServers.size() > MaxRecentServers)
        m_recentServers.removeLast();
    QSettings().setValue(SettingRecentServers, m_recentServers);
    Q_EMIT recentServersChanged();
}

void Preferences::setNotificationsEnabled(bool enabled)
{
    if (m_notificationsEnabled == enabled)
        return;
    m_notificationsEnabled = enabled;
    QSettings().setValue(SettingNotifications, enabled);
    Q_EMIT notificationsEnabledChanged();
}

void Preferences::setAnnounceHost(bool announce)
{
    if (m_announceHost == announce)
        return;
    m_announceHost = announce;
    QSettings().setValue(SettingAnnounceHost, announce);
    Q_EMIT announceHostChanged();
}

QString Preferences::installId()
{
    // Servers never see it: each gets an id derived from it and its own origin, so that no two
    // of them can link our names.
    QSettings settings;
    QString id = settings.value(SettingInstallId).toString();
    if (id.isEmpty()) {
        id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        settings.setValue(SettingInstallId, id);
    }
    return id;
}

} // namespace Confab::App

#if CONFAB_HAVE_DBUS
#    include "preferences.moc"
#endif
