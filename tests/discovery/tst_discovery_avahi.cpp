// SPDX-License-Identifier: MIT
// The Avahi backend and the app's model against a fake Avahi daemon (fakeavahi.h) on a private
// bus: what they ask the daemon, in which order, and what they make of its answers — including
// an old daemon's early signals, a daemon that is missing, comes and goes, a name collision
// and a flood of announcements.
#include "../app/privatebus.h"
#include "avahi_p.h"
#include "chatsession.h"
#include "controller.h"
#include "fakeavahi.h"
#include "foundhostsmodel.h"
#include "hostsidsource.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <QtCore/QEventLoop>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QSysInfo>
#include <QtCore/QTimer>

using namespace Qt::StringLiterals;
using namespace Confab::Discovery;
using Confab::App::FoundHostsModel;
using DiscoveryTest::FakeAvahi;

namespace {
//! \brief Runs the event loop until \a done, or 20 s. QTRY_* sleeps 10 ms between passes, and
//! a flood needs a thousand passes of the fake daemon and the browser in turn.
bool runUntil(const std::function<bool()> &done)
{
    QEventLoop loop;
    QTimer check;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    check.start(1);
    loop.exec();
    return done();
}

const QString BrowserInterface = u"org.freedesktop.Avahi.ServiceBrowser"_s;
const QString ResolverInterface = u"org.freedesktop.Avahi.ServiceResolver"_s;
const QList<QByteArray> LabTxt{"name=Lab", "v=1", "path=/socket.io/", "pw=1", "tls=0"};
} // namespace

class tst_DiscoveryAvahi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void browseFindsResolvesAndLoses_data();
    void browseFindsResolvesAndLoses();
    void oldDaemonEarlySignalsAreKept();
    void noDaemonThenDaemonComesAndGoes();
    void floodIsBounded();
    void hostileFoundIsCleaned();
    void announceAndCollision();
    void announceWithoutDaemon();
    void appHostAnnouncesUnlessSwitchedOff_data();
    void appHostAnnouncesUnlessSwitchedOff();

private:
    QString browserPath() const;
    QString lastResolverPath() const;

    AppTest::PrivateSessionBus m_bus;
    std::optional<QDBusConnection> m_daemonBus;
    std::optional<QDBusConnection> m_clientBus;
    std::unique_ptr<FakeAvahi> m_fake;
    int m_connections = 0;
};

void tst_DiscoveryAvahi::initTestCase()
{
    // The app's settings: a test's own, starting from nothing.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"ConfabTest"_s);
    QSettings().clear();
    // The app's parts use the system bus: in this process, that is the private one.
    const QString error = m_bus.start({"DBUS_SYSTEM_BUS_ADDRESS"});
    if (!error.isEmpty())
        QFAIL(qPrintable(error));
}

void tst_DiscoveryAvahi::cleanupTestCase()
{
    m_bus.stop();
}

void tst_DiscoveryAvahi::init()
{
    // Fresh connections per test: no object, match or name of the previous one remains.
    const QString n = QString::number(++m_connections);
    m_daemonBus = QDBusConnection::connectToBus(m_bus.address(), u"daemon"_s + n);
    m_clientBus = QDBusConnection::connectToBus(m_bus.address(), u"client"_s + n);
    QVERIFY(m_daemonBus->isConnected());
    QVERIFY(m_clientBus->isConnected());
    m_fake = std::make_unique<FakeAvahi>(*m_daemonBus);
}

void tst_DiscoveryAvahi::cleanup()
{
    m_fake->stop();
    m_fake.reset();
    QDBusConnection::disconnectFromBus(m_daemonBus->name());
    QDBusConnection::disconnectFromBus(m_clientBus->name());
}

QString tst_DiscoveryAvahi::browserPath() const
{
    for (const QDBusMessage &call : m_fake->calls) {
        if (call.member() == u"Start" && call.interface() == BrowserInterface)
            return call.path();
    }
    return {};
}

QString tst_DiscoveryAvahi::lastResolverPath() const
{
    const auto starts = m_fake->callsOf(u"Start"_s);
    for (auto it = starts.crbegin(); it != starts.crend(); ++it) {
        if (it->interface() == ResolverInterface)
            return it->path();
    }
    return {};
}

void tst_DiscoveryAvahi::browseFindsResolvesAndLoses_data()
{
    QTest::addColumn<int>("protocol");
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("url");
    QTest::addRow("ipv4") << 0 << u"192.0.2.1"_s << u"http://192.0.2.1:3000"_s;
    // Interface 1 is the loopback interface everywhere: "lo" is its zone.
    QTest::addRow("link-local ipv6") << 1 << u"fe80::1"_s << u"http://[fe80::1%25lo]:3000"_s;
}

void tst_DiscoveryAvahi::browseFindsResolvesAndLoses()
{
    QFETCH(int, protocol);
    QFETCH(QString, address);
    QFETCH(QString, url);
    QVERIFY(m_fake->start());
    FoundHostsModel model;
    QAbstractItemModelTester tester(&model);
    auto *browser = new AvahiBrowser(*m_clientBus);
    QSignalSpy resolved(browser, &ServiceBrowser::serviceResolved);
    QSignalSpy removed(browser, &ServiceBrowser::serviceRemoved);
    model.setBrowser(std::unique_ptr<ServiceBrowser>(browser));

    // Avahi 0.8: prepared, then started, so nothing can be said before we listen.
    QTRY_COMPARE(browser->state(), ServiceBrowser::State::Browsing);
    QTRY_VERIFY(!browserPath().isEmpty());
    const QDBusMessage prepare = m_fake->callsOf(u"ServiceBrowserPrepare"_s).value(0);
    QCOMPARE(prepare.arguments(), (QVariantList{-1, -1, u"_confab._tcp"_s, QString(), 0u}));
    QVERIFY(model.isAvailable());
    QCOMPARE(model.rowCount(), 0);

    m_fake->itemNew(browserPath(), 1, protocol, u"Lab"_s);
    QTRY_VERIFY(!lastResolverPath().isEmpty());
    // Resolved over the protocol it was seen on.
    QCOMPARE(m_fake->callsOf(u"ServiceResolverPrepare"_s).value(0).arguments(),
             (QVariantList{1, protocol, u"Lab"_s, u"_confab._tcp"_s, u"local"_s, protocol, 0u}));
    m_fake->emitSignal(lastResolverPath(), ResolverInterface, u"Found"_s,
                       FakeAvahi::found(1, protocol, u"Lab"_s, address, 3000, LabTxt));
    QTRY_COMPARE(resolved.size(), 1);
    const auto service = resolved.at(0).at(0).value<DiscoveredService>();
    QCOMPARE(service.url().toString(), url);
    QCOMPARE(service.hostName, u"box.local"_s);
    QCOMPARE(service.info.passwordRequired, true);
    QCOMPARE(model.rowCount(), 1);
    const QModelIndex row = model.index(0);
    QCOMPARE(row.data(FoundHostsModel::NameRole).toString(), u"Lab"_s);
    QCOMPARE(row.data(FoundHostsModel::UrlRole).toString(), url);
    QCOMPARE(row.data(FoundHostsModel::PasswordRequiredRole).toBool(), true);

    // The same item again changes nothing; its removal frees its resolver and the row.
    m_fake->itemNew(browserPath(), 1, protocol, u"Lab"_s);
    const QString resolver = lastResolverPath();
    m_fake->itemRemove(browserPath(), 1, protocol, u"Lab"_s);
    QTRY_COMPARE(removed.size(), 1);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(m_fake->callsOf(u"ServiceResolverPrepare"_s).size(), 1);
    QTRY_VERIFY(std::any_of(m_fake->calls.cbegin(), m_fake->calls.cend(),
                            [&](const QDBusMessage &call) {
                                return call.member() == u"Free" && call.path() == resolver;
                            }));
}

void tst_DiscoveryAvahi::oldDaemonEarlySignalsAreKept()
{
    // Avahi before 0.8: no Server2, and the new browser's ItemNew (then the new resolver's
    // Found) leave before the reply that names the object.
    m_fake->server2 = false;
    m_fake->sendEarly = [](const QString &path, const QDBusMessage &call) {
        QDBusMessage early;
        if (call.member() == u"ServiceBrowserNew") {
            early = QDBusMessage::createSignal(path, BrowserInterface, u"ItemNew"_s);
            early.setArguments(FakeAvahi::item(2, 0, u"Early"_s));
        } else {
            early = QDBusMessage::createSignal(path, ResolverInterface, u"Found"_s);
            early.setArguments(FakeAvahi::found(2, 0, u"Early"_s, u"192.0.2.7"_s, 4000,
                                                {"name=Early bird", "v=1"}));
        }
        return QList<QDBusMessage>{early};
    };
    QVERIFY(m_fake->start());
    AvahiBrowser browser(*m_clientBus);
    QSignalSpy resolved(&browser, &ServiceBrowser::serviceResolved);
    browser.start();
    QTRY_COMPARE(resolved.size(), 1);
    const auto service = resolved.at(0).at(0).value<DiscoveredService>();
    QCOMPARE(service.displayName(), u"Early bird"_s);
    QCOMPARE(service.url().toString(), u"http://192.0.2.7:4000"_s);
    // It tried Server2 first, then fell back.
    QCOMPARE(m_fake->callsOf(u"ServiceBrowserPrepare"_s).size(), 1);
    QCOMPARE(m_fake->callsOf(u"ServiceBrowserNew"_s).size(), 1);
    QCOMPARE(m_fake->callsOf(u"ServiceResolverNew"_s).size(), 1);
    QCOMPARE(browser.state(), ServiceBrowser::State::Browsing);
}

void tst_DiscoveryAvahi::noDaemonThenDaemonComesAndGoes()
{
    FoundHostsModel model;
    QAbstractItemModelTester tester(&model);
    auto *browser = new AvahiBrowser(*m_clientBus);
    model.setBrowser(std::unique_ptr<ServiceBrowser>(browser));
    // Nobody owns org.freedesktop.Avahi, and the call does not start anybody.
    QTRY_COMPARE(browser->state(), ServiceBrowser::State::Unavailable);
    QVERIFY(!model.isAvailable());
    QVERIFY2(model.unavailableReason().contains(u"Avahi daemon is not running"_s),
             qPrintable(model.unavailableReason()));

    // The daemon starts: browsing begins by itself.
    QVERIFY(m_fake->start());
    QTRY_COMPARE(browser->state(), ServiceBrowser::State::Browsing);
    QTRY_VERIFY(model.isAvailable());
    QTRY_VERIFY(!browserPath().isEmpty());
    m_fake->itemNew(browserPath(), 1, 0, u"Lab"_s);
    QTRY_VERIFY(!lastResolverPath().isEmpty());
    m_fake->emitSignal(lastResolverPath(), ResolverInterface, u"Found"_s,
                       FakeAvahi::found(1, 0, u"Lab"_s, u"192.0.2.1"_s, 3000, LabTxt));
    QTRY_COMPARE(model.rowCount(), 1);

    // The daemon stops: what it found goes, and the page says discovery is off.
    m_fake->stop();
    QTRY_COMPARE(model.rowCount(), 0);
    QTRY_VERIFY(!model.isAvailable());
    QCOMPARE(model.unavailableReason(), u"the Avahi daemon stopped"_s);
}

void tst_DiscoveryAvahi::floodIsBounded()
{
    QVERIFY(m_fake->start());
    AvahiBrowser browser(*m_clientBus);
    browser.start();
    QTRY_VERIFY(!browserPath().isEmpty());
    const int flood = AvahiBrowser::MaxItems + 100;
    for (int i = 0; i < flood; ++i)
        m_fake->itemNew(browserPath(), 1, 0, u"Spam %1"_s.arg(i));
    QVERIFY(runUntil([&] {
        return m_fake->callsOf(u"ServiceResolverPrepare"_s).size() >= AvahiBrowser::MaxItems;
    }));
    QCOMPARE(m_fake->callsOf(u"ServiceResolverPrepare"_s).size(), AvahiBrowser::MaxItems);
    // Nothing more comes later.
    m_fake->itemNew(browserPath(), 1, 0, u"One more"_s);
    QTRY_VERIFY(m_fake->callsOf(u"Start"_s).size() >= AvahiBrowser::MaxItems + 1);
    QCOMPARE(m_fake->callsOf(u"ServiceResolverPrepare"_s).size(), AvahiBrowser::MaxItems);

    // The model keeps at most MaxHosts rows, whatever resolves.
    FoundHostsModel model;
    for (int i = 0; i < FoundHostsModel::MaxHosts + 20; ++i) {
        DiscoveredService service;
        service.instanceName = u"Host %1"_s.arg(i, 3, 10, QChar(u'0'));
        service.address = QHostAddress(u"192.0.2.1"_s);
        service.port = 3000;
        model.addService(service);
    }
    QCOMPARE(model.rowCount(), FoundHostsModel::MaxHosts);
}

void tst_DiscoveryAvahi::hostileFoundIsCleaned()
{
    QVERIFY(m_fake->start());
    AvahiBrowser browser(*m_clientBus);
    QSignalSpy resolved(&browser, &ServiceBrowser::serviceResolved);
    browser.start();
    QTRY_VERIFY(!browserPath().isEmpty());
    const QString evil = u"\u202Eevil\nname"_s + QString(100, u'x');
    m_fake->itemNew(browserPath(), 1, 0, evil);
    QTRY_VERIFY(!lastResolverPath().isEmpty());
    // Not an address: ignored.
    m_fake->emitSignal(lastResolverPath(), ResolverInterface, u"Found"_s,
                       FakeAvahi::found(1, 0, evil, u"<script>"_s, 3000, {}));
    // Then a good one, with a TXT record full of garbage.
    m_fake->emitSignal(lastResolverPath(), ResolverInterface, u"Found"_s,
                       FakeAvahi::found(1, 0, evil, u"192.0.2.66"_s, 3000,
                                        {"name=\x01\x02", "v=-1", "path=../../etc", "pw=1"}));
    QTRY_COMPARE(resolved.size(), 1);
    const auto service = resolved.at(0).at(0).value<DiscoveredService>();
    QCOMPARE(service.instanceName, u"evil name"_s + QString(63 - 9, u'x'));
    QCOMPARE(service.displayName(), service.instanceName); // the TXT name was empty once clean
    QCOMPARE(service.info.version, 0);
    QCOMPARE(service.info.path, u"/socket.io/"_s);
    QCOMPARE(service.url().toString(), u"http://192.0.2.66:3000"_s);
}

void tst_DiscoveryAvahi::announceAndCollision()
{
    QVERIFY(m_fake->start());
    AvahiAnnouncer announcer(*m_clientBus);
    ServiceInfo info;
    info.name = u"Lab"_s;
    info.version = 1;
    info.passwordRequired = true;
    announcer.announce(u"Lab"_s, 3000, info);
    QTRY_COMPARE(m_fake->callsOf(u"Commit"_s).size(), 1);
    const QDBusMessage add = m_fake->callsOf(u"AddService"_s).value(0);
    const QVariantList args = add.arguments();
    QCOMPARE(args.size(), 9);
    QCOMPARE(args.at(3).toString(), u"Lab"_s);
    QCOMPARE(args.at(4).toString(), u"_confab._tcp"_s);
    QCOMPARE(args.at(7).toUInt(), 3000u);
    QList<QByteArray> txt;
    qvariant_cast<QDBusArgument>(args.at(8)) >> txt;
    QCOMPARE(txt, encodeTxt(info));
    QCOMPARE(announcer.state(), ServiceAnnouncer::State::Registering);

    const QString group = add.path();
    m_fake->emitSignal(group, u"org.freedesktop.Avahi.EntryGroup"_s, u"StateChanged"_s,
                       {3, QString()}); // collision
    QTRY_COMPARE(m_fake->callsOf(u"AddService"_s).size(), 2);
    QCOMPARE(m_fake->callsOf(u"GetAlternativeServiceName"_s).value(0).arguments(),
             QVariantList{u"Lab"_s});
    const QDBusMessage again = m_fake->callsOf(u"AddService"_s).value(1);
    QCOMPARE(again.arguments().at(3).toString(), u"Lab #2"_s);
    QVERIFY(again.path() != group);
    QTRY_VERIFY(std::any_of(m_fake->calls.cbegin(), m_fake->calls.cend(),
                            [&](const QDBusMessage &call) {
                                return call.member() == u"Free" && call.path() == group;
                            }));
    // The old group's late word is not ours any more.
    m_fake->emitSignal(group, u"org.freedesktop.Avahi.EntryGroup"_s, u"StateChanged"_s,
                       {2, QString()});
    m_fake->emitSignal(again.path(), u"org.freedesktop.Avahi.EntryGroup"_s, u"StateChanged"_s,
                       {2, QString()}); // established
    QTRY_COMPARE(announcer.state(), ServiceAnnouncer::State::Announced);
    QCOMPARE(announcer.announcedName(), u"Lab #2"_s);

    announcer.withdraw();
    QCOMPARE(announcer.state(), ServiceAnnouncer::State::Idle);
    QTRY_VERIFY(std::any_of(m_fake->calls.cbegin(), m_fake->calls.cend(),
                            [&](const QDBusMessage &call) {
                                return call.member() == u"Free" && call.path() == again.path();
                            }));
}

void tst_DiscoveryAvahi::announceWithoutDaemon()
{
    AvahiAnnouncer announcer(*m_clientBus);
    announcer.announce(u"Lab"_s, 3000, ServiceInfo{});
    QTRY_COMPARE(announcer.state(), ServiceAnnouncer::State::Unavailable);
    QVERIFY2(announcer.errorString().contains(u"Avahi daemon is not running"_s),
             qPrintable(announcer.errorString()));
    // The daemon starts: the host is announced after all.
    QVERIFY(m_fake->start());
    QTRY_COMPARE(m_fake->callsOf(u"Commit"_s).size(), 1);
}

void tst_DiscoveryAvahi::appHostAnnouncesUnlessSwitchedOff_data()
{
    QTest::addColumn<bool>("announce");
    QTest::addRow("on (the default)") << true;
    QTest::addRow("switched off") << false;
}

void tst_DiscoveryAvahi::appHostAnnouncesUnlessSwitchedOff()
{
    QFETCH(bool, announce);
    QVERIFY(m_fake->start());
    Confab::App::Controller controller(nullptr);
    controller.preferences()->setUserName(u"alice"_s);
    QVERIFY(controller.preferences()->announceHost()); // the default
    controller.preferences()->setAnnounceHost(announce);
    Confab::App::ChatSession *session = controller.session();
    session->setHostDataLocation(u":memory:"_s);
    QVERIFY(session->hostChat(0, u"pw"_s));
    auto *announcer = session->hostSource()->announcer();
    if (!announce) {
        QVERIFY(!announcer);
        QVERIFY(m_fake->callsOf(u"EntryGroupNew"_s).isEmpty());
        return;
    }
    QVERIFY(announcer);
    QTRY_COMPARE(m_fake->callsOf(u"Commit"_s).size(), 1);
    const QDBusMessage add = m_fake->callsOf(u"AddService"_s).value(0);
    QCOMPARE(add.arguments().value(3).toString(), u"alice (%1)"_s.arg(QSysInfo::machineHostName()));
    QCOMPARE(add.arguments().value(7).toUInt(), uint(session->hostPort()));
    QList<QByteArray> txt;
    qvariant_cast<QDBusArgument>(add.arguments().value(8)) >> txt;
    QVERIFY2(txt.contains("pw=1") && txt.contains("v=1"), txt.join(' ').constData());
    // Leaving withdraws it.
    session->leave();
    QTRY_VERIFY(std::any_of(m_fake->calls.cbegin(), m_fake->calls.cend(),
                            [&](const QDBusMessage &call) {
                                return call.member() == u"Free" && call.path() == add.path();
                            }));
}

QTEST_MAIN(tst_DiscoveryAvahi)
#include "tst_discovery_avahi.moc"
