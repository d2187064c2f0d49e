// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QTranslator>
#include <QtQml/QQmlEngine>

#include <memory>
#include <optional>
#include <vector>

//! \brief The app's look and language: which translation is loaded and whether the UI is dark.
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
//! A QML singleton shared with C++ like AppController: main() creates one and passes it to
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
public:
    enum class Theme {
        System, //!< follow the desktop
        Light,
        Dark,
    };
    Q_ENUM(Theme)

    //! No default argument: Qt 6.4 would construct a default-constructible singleton itself.
    explicit Preferences(QObject *parent);
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

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    friend class PortalWatcher;

    void loadTranslations();
    void updateDark();
    //! The desktop portal answered or changed its color-scheme.
    void setPortalPrefersDark(std::optional<bool> dark);

    QString m_language;
    QString m_effectiveLanguage;
    Theme m_theme = Theme::System;
    bool m_dark = false;
    std::optional<bool> m_portalDark; //!< nullopt: no portal, or no preference
    std::vector<std::unique_ptr<QTranslator>> m_translators;
    QList<QPointer<QQmlEngine>> m_engines;

    static Preferences *s_instance;
};
