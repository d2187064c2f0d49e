// SPDX-License-Identifier: MIT
// Runs the Qt Quick tests in tests/app/qml against the real Controller, which hosts on a
// loopback port with an in-memory store, so pages are exercised end to end; and against
// FakeApp, test doubles of the same interfaces (fakeapp.h).
#include "apptestutil.h"
#include "chathost.h"
#include "chatstore.h"
#include "controller.h"
#include "fakeapp.h"
#include "hostsidsource.h"
#include "preferences.h"

#include <QtCore/QMetaEnum>
#include <QtCore/QStandardPaths>
#include <QtGui/QAccessible>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>
#include <QtQuickControls2/QQuickStyle>
#include <QtQuickTest/quicktest.h>
#include <QtTest/QTest>

#include <memory>

Q_IMPORT_QML_PLUGIN(ConfabPlugin)
Q_IMPORT_QML_PLUGIN(Confab_UiPlugin)

using namespace Qt::StringLiterals;
using namespace Confab::App;

//! What QML tests cannot do themselves: filling the host's store, and a loopback HTTP server
//! that counts what the views fetch (import ConfabTest).
class TestHelper : public QObject
{
    Q_OBJECT
public:
    //! \brief The port of a loopback HTTP server that answers 404 to everything and counts the
    //! requests by path (tst_hostile: a remote <img> in peer text must never be fetched).
    Q_INVOKABLE int fetchServerPort()
    {
        if (!m_fetchServer.isListening()) {
            connect(&m_fetchServer, &QTcpServer::newConnection, this, [this] {
                while (QTcpSocket *socket = m_fetchServer.nextPendingConnection()) {
                    socket->setParent(this);
                    connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                        if (!socket->canReadLine())
                            return;
                        // "GET /path HTTP/1.1"
                        const QList<QByteArray> words = socket->readLine().split(' ');
                        if (words.size() >= 2)
                            ++m_fetches[QString::fromLatin1(words.at(1))];
                        socket->write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                                      "Connection: close\r\n\r\n");
                        socket->disconnectFromHost();
                    });
                    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                }
            });
            if (!m_fetchServer.listen(QHostAddress::LocalHost))
                return 0;
        }
        return m_fetchServer.serverPort();
    }
    //! \brief How many requests for \a path ("/x") the fetch server has had.
    Q_INVOKABLE int fetches(const QString &path) const { return m_fetches.value(path); }

    //! \brief Stores \a count messages "m1" … "mN" in \a room of the controller's host.
    Q_INVOKABLE bool storeMessages(const QString &room, int count)
    {
        HostSidSource *host = Controller::create(nullptr, nullptr)->session()->hostSource();
        return host && host->host() && AppTest::storeMessages(host->host(), room, count);
    }

    //! \brief The accessibility tree of \a item's window, as a screen reader gets it through
    //! the platform bridge (which reads the same QAccessibleInterfaces): one map per object,
    //! parents before children, with name, description, role (and its name), whether Qt
    //! reports it invisible or focusable, its objectName and class, and depth.
    Q_INVOKABLE QVariantList accessibleTree(QQuickItem *item) const
    {
        // The platform's bridge (AT-SPI, on for tst_a11y by a11y_session.py) turns
        // accessibility on once it has reached the accessibility bus; only then do controls
        // give themselves roles and names, as they do when a screen reader starts.
        if (!QTest::qWaitFor([] { return QAccessible::isActive(); }, 10000)) {
            qWarning("accessibleTree: accessibility is off (no AT-SPI bridge?)");
            return {};
        }
        QVariantList nodes;
        if (item && item->window())
            addAccessible(QAccessible::queryAccessibleInterface(item->window()), 0, nodes);
        return nodes;
    }

private:
    static void addAccessible(QAccessibleInterface *iface, int depth, QVariantList &nodes)
    {
        if (!iface || !iface->isValid() || depth > 100)
            return;
        const QAccessible::State state = iface->state();
        QObject *object = iface->object();
        nodes.append(QVariantMap{
                {u"name"_s, iface->text(QAccessible::Name)},
                {u"description"_s, iface->text(QAccessible::Description)},
                {u"role"_s, int(iface->role())},
                {u"roleName"_s,
                 QString::fromLatin1(
                         QMetaEnum::fromType<QAccessible::Role>().valueToKey(iface->role()))},
                {u"invisible"_s, bool(state.invisible)},
                {u"focusable"_s, bool(state.focusable)},
                {u"passwordEdit"_s, bool(state.passwordEdit)},
                {u"value"_s, iface->text(QAccessible::Value)},
                {u"disabled"_s, bool(state.disabled)},
                {u"objectName"_s, object ? object->objectName() : QString()},
                {u"className"_s,
                 object ? QString::fromLatin1(object->metaObject()->className()) : QString()},
                {u"depth"_s, depth},
        });
        for (int i = 0; i < iface->childCount(); ++i)
            addAccessible(iface->child(i), depth + 1, nodes);
    }

    QTcpServer m_fetchServer;
    QHash<QString, int> m_fetches;
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
        // The pages are checked against their English texts, whatever the machine's locale;
        // CONFAB_TEST_LANGUAGE runs the language-neutral tests (tst_a11y) in another.
        m_preferences = std::make_unique<Preferences>(nullptr);
        m_preferences->setLanguage(qEnvironmentVariableIsSet("CONFAB_TEST_LANGUAGE")
                                           ? qEnvironmentVariable("CONFAB_TEST_LANGUAGE")
                                           : u"en"_s);
        m_preferences->setTheme(Preferences::Theme::System);
        Preferences::setInstance(m_preferences.get());
        m_controller = std::make_unique<Controller>(nullptr, m_preferences.get());
        m_controller->session()->setHostAddress(QHostAddress::LocalHost);
        m_controller->session()->setHostDataLocation(u":memory:"_s);
        m_preferences->setUserName(u"Tester"_s);
        Controller::setInstance(m_controller.get());
    }
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(u"qrc:/qt/qml"_s);
        qmlRegisterSingletonInstance("ConfabTest", 1, 0, "TestHelper", &m_helper);
        qmlRegisterType<ConfabTest::FakeApp>("ConfabTest", 1, 0, "FakeApp");
    }
    void cleanupTestCase()
    {
        m_controller.reset();
        m_preferences.reset();
    }

private:
    std::unique_ptr<Preferences> m_preferences;
    std::unique_ptr<Controller> m_controller;
    TestHelper m_helper;
};

QUICK_TEST_MAIN_WITH_SETUP(tst_app_qml, Setup)

#include "tst_app_qml.moc"
