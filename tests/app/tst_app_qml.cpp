// SPDX-License-Identifier: MIT
// Runs the Qt Quick tests in tests/app/qml against the real AppController, which hosts on a
// loopback port with an in-memory store, so pages are exercised end to end.
#include "appcontroller.h"
#include "apptestutil.h"
#include "chathost.h"
#include "chatstore.h"
#include "preferences.h"

#include <QtCore/QStandardPaths>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickControls2/QQuickStyle>
#include <QtQuickTest/quicktest.h>
#include <QtTest/QTest>

#include <memory>

Q_IMPORT_QML_PLUGIN(ConfabPlugin)
Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

using namespace Qt::StringLiterals;

//! What QML tests cannot do themselves: filling the host's store (import ConfabTest).
class TestHelper : public QObject
{
    Q_OBJECT
public:
    //! \brief Stores \a count messages "m1" … "mN" in \a room of the controller's host.
    Q_INVOKABLE bool storeMessages(const QString &room, int count)
    {
        AppController *app = AppController::create(nullptr, nullptr);
        return app->host() && AppTest::storeMessages(app->host()->store(), room, count);
    }
};

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void applicationAvailable()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"ConfabTest"_s);
        QCoreApplication::setApplicationName(u"tst_app_qml"_s);
        QQuickStyle::setStyle(u"Fusion"_s);
        // The pages are checked against their English texts, whatever the machine's locale.
        m_preferences = std::make_unique<Preferences>(nullptr);
        m_preferences->setLanguage(u"en"_s);
        m_preferences->setTheme(Preferences::Theme::System);
        Preferences::setInstance(m_preferences.get());
        m_controller = std::make_unique<AppController>(nullptr);
        m_controller->setHostAddress(QHostAddress::LocalHost);
        m_controller->setHostDataLocation(u":memory:"_s);
        m_controller->setUserName(u"Tester"_s);
        AppController::setInstance(m_controller.get());
    }
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(u"qrc:/qt/qml"_s);
        qmlRegisterSingletonInstance("ConfabTest", 1, 0, "TestHelper", &m_helper);
    }
    void cleanupTestCase()
    {
        m_controller.reset();
        m_preferences.reset();
    }

private:
    std::unique_ptr<Preferences> m_preferences;
    std::unique_ptr<AppController> m_controller;
    TestHelper m_helper;
};

QUICK_TEST_MAIN_WITH_SETUP(tst_app_qml, Setup)

#include "tst_app_qml.moc"
