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

#include <QtCore/QStandardPaths>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
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

private:
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
        // The pages are checked against their English texts, whatever the machine's locale.
        m_preferences = std::make_unique<Preferences>(nullptr);
        m_preferences->setLanguage(u"en"_s);
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
