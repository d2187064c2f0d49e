// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QTranslator>
#include <QtQml/QQmlEngine>

#include <memory>
#include <optional>
#include <vector>

namespace Confab::App {

//! \brief Every setting of the app: its look and language (which translation is loaded and
//! whether the UI is dark), the name the user chats as, the servers they joined, whether
//! notifications are on, and the id of this install.
//!
//! Both follow the system by default and are remembered with QSettings. Changing the language
//! swaps the installed translators (Confab's own and Qt's qtbase/qtdeclarative ones when the
//! system has them) and retranslates every QML engine that uses this singleton, so the running
//! UI switches without a restart.
//!
//! Qt 6.4 has no QStyleHints::colorScheme(), so "System" asks the desktop portal's
//! org.freedesktop.appearance color-scheme over D-Bus where there is one (GNOME, KDE), and
//! otherwise reads the platform palette: a dark window colour means a dark desktop. Both are
//! followed live.
//!
//! A QML singleton shared with C++ like Controller: main() creates one and passes it to
//! setInstance() before QML loads; create() returns it.
class Preferences : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    //! "" follows the system locale; otherwise one of availableLanguages(), e.g. "zh_CN".
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    //! The language in effect: "en" or "zh_CN" (what "System" resolved to).
    Q_PROPERTY(QString effectiveLanguage READ effectiveLanguage NOTIFY languageChanged)
    Q_PROPERTY(Theme theme READ theme WRITE setTheme NOTIFY themeChanged)
    //! Whether the UI draws dark: the chosen theme, or for System the platform's palette.
    Q_PROPERTY(bool dark READ isDark NOTIFY darkChanged)
    //! The name the user wants (the host may add a suffix); $USER until one is chosen.
    Q_PROPERTY(QString userName READ userName WRITE setUserName NOTIFY userNameChanged)
    //! The servers joined last, newest first.
    Q_PROPERTY(QStringList recentServers READ recentServers NOTIFY recentServersChanged)
    //! Whether messages give a system notification (the tray's menu switches it).
    Q_PROPERTY(bool notificationsEnabled READ notificationsEnabled WRITE setNotificationsEnabled
                       NOTIFY notificationsEnabledChanged)
    //! Whether a chat we host is announced on the local network (DNS-SD), so that others
    //! find it on their start page; on by default (the start page's Host box switches it).
    Q_PROPERTY(bool announceHost READ announceHost WRITE setAnnounceHost NOTIFY announceHostChanged)
public:
    //! How many servers recentServers keeps.
    static constexpr int MaxRecentServers = 8;

    enum class Theme {
        System, //!< follow the desktop
        Light,
        Dark,
    };
    Q_ENUM(Theme)

    //! What an instance applies beyond keeping the settings.
    enum class Scope {
        Application, //!< installs the translators of the language (and follows it)
        SettingsOnly, //!< leaves the application's translators alone (a Controller's own, in tests)
    };

    //! No default for \a parent: Qt 6.4 would construct a default-constructible singleton
    //! itself.
    explicit Preferences(QObject *parent, Scope scope = Scope::Application);
    ~Preferences() override;

    static void setInstance(Preferences *instance);
    static Preferences *instance() { return s_instance; }
    static Preferences *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);

    //! The languages Confab ships, as locale names ("en", "zh_CN").
    static QStringList availableLanguages();

    QString language() const { return m_language; }
    void setLanguage(const QString &language);
    QString effectiveLanguage() const { return m_effectiveLanguage; }
    Theme theme() const { return m_theme; }
    void setTheme(Theme theme);
    bool isDark() const { return m_dark; }
    QString userName() const { return m_userName; }
    void setUserName(const QString &name);
    QStringList recentServers() const { return m_recentServers; }
    bool notificationsEnabled() const { return m_notificationsEnabled; }
    void setNotificationsEnabled(bool enabled);
    bool announceHost() const { return m_announceHost; }
    void setAnnounceHost(bool announce);
    //! \brief Puts \a url first in recentServers.
    void rememberServer(const QString &url);
    //! \brief One secret per install (created on first use), from which the chat client
    //! derives a device id per server.
    QString installId();

    //! \brief What the portal's color-scheme \a value says: dark, light, or no preference.
    //! Unwraps the nested D-Bus variants some portal versions send.
    static std::optional<bool> portalPrefersDark(const QVariant &value);

    //! \brief Also retranslate \a engine when the language changes (create() does this for
    //! engines that use the singleton from QML).
    void addEngine(QQmlEngine *engine);

Q_SIGNALS:
    void languageChanged();
    void themeChanged();
    void darkChanged();
    void userNameChanged();
    void recentServersChanged();
    void notificationsEnabledChanged();
    void announceHostChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    friend class PortalWatcher;

    void loadTranslations();
    void updateDark();
    //! The desktop portal answered or changed its color-scheme.
    void setPortalPrefersDark(std::optional<bool> dark);

    Scope m_scope;
    QString m_language;
    QString m_effectiveLanguage;
    Theme m_theme = Theme::System;
    bool m_dark = false;
    std::optional<bool> m_portalDark; //!< nullopt: no portal, or no preference
    std::vector<std::unique_ptr<QTranslator>> m_translators;
    QList<QPointer<QQmlEngine>> m_engines;
    QString m_userName;
    QStringList m_recentServers;
    bool m_notificationsEnabled = true;
    bool m_announceHost = true;

    static Preferences *s_instance;
};

} // namespace Confab::App
