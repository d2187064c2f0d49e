// SPDX-License-Identifier: MIT
#include "preferences.h"

#include "applogging.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QLibraryInfo>
#include <QtCore/QLocale>
#include <QtCore/QSettings>
#include <QtGui/QGuiApplication>
#include <QtGui/QPalette>

using namespace Qt::StringLiterals;

namespace {

const QString SettingLanguage = u"language"_s;
const QString SettingTheme = u"theme"_s;
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

Preferences *Preferences::s_instance = nullptr;

Preferences::Preferences(QObject *parent)
    : QObject(parent)
{
    const QSettings settings;
    const QString language = settings.value(SettingLanguage).toString();
    if (availableLanguages().contains(language))
        m_language = language;
    m_theme = themeFromKey(settings.value(SettingTheme).toString());
    loadTranslations();
    updateDark();
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
    qCInfo(lcApp) << "language:" << m_effectiveLanguage
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

void Preferences::updateDark()
{
    bool dark = m_theme == Theme::Dark;
    if (m_theme == Theme::System && qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        dark = QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
    if (dark == m_dark)
        return;
    m_dark = dark;
    Q_EMIT darkChanged();
}
