// SPDX-License-Identifier: MIT
// The whole app minus the window: a Controller hosting on a loopback port, joined by a
// python-socketio client (Debian's /usr/bin/python3) and by a second Controller.
#include "apptestutil.h"
#include "chathost.h"
#include "controller.h"
#include "embeddedhost.h"
#include "engineioserver.h"
#include "hostsidsource.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace Confab::App;

namespace {

constexpr int Timeout = 15000;

QStringList names(const SidListModel *model)
{
    QStringList result;
    for (int row = 0; row < model->rowCount(); ++row)
        result.append(model->index(row).data(SidListModel::NameRole).toString());
    result.sort();
    return result;
}

int rowWithText(const MessageListModel *model, const QString &text)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row).data(MessageListModel::TextRole).toString() == text)
            return row;
    }
    return -1;
}

} // namespace

class tst_AppEndToEnd : public QObject
{
    Q_OBJECT

private:
    static std::unique_ptr<Controller> makeController(const QString &name)
    {
        auto controller = std::make_unique<Controller>(nullptr);
        controller->session()->setHostAddress(QHostAddress::LocalHost);
        controller->session()->setHostDataLocation(u":memory:"_s);
        controller->session()->setReconnectionDelays(50ms, 200ms);
        controller->preferences()->setUserName(name);
        return controller;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"ConfabTest"_s);
        QCoreApplication::setApplicationName(u"tst_app_e2e"_s);
    }

    void hostWithPythonPeer();
    void joinedControllerSeesHost();
    void guestJoinsFromTheLinkOverTls();
    void hostPortTakenMovesOn();
    void joinRefusedShowsReason();
};

void tst_AppEndToEnd::hostWithPythonPeer()
{
    const QString missing = AppTest::pythonMissing();
    if (!missing.isEmpty()) {
        if (qEnvironmentVariableIntValue("CONFAB_REQUIRE_PEERS") == 1)
            QFAIL(qPrintable(missing));
        QSKIP(qPrintable(missing));
    }

    auto app = makeController(u"Alice"_s);
    QSignalSpy modeChanged(app->session(), &Session::modeChanged);
    QVERIFY(app->session()->hostChat(0));
    QCOMPARE(app->session()->mode(), Session::Mode::Hosting);
    QCOMPARE(modeChanged.size(), 1);
    QVERIFY(app->session()->hostPort() > 0);
    // TLS is on by default: the link carries the certificate's fingerprint for joiners to pin.
    const QString fingerprint = app->session()->hostSource()->host()->call(
            [](Confab::ChatHost &host) { return host.certificateFingerprint(); });
    QCOMPARE(fingerprint.size(), 95);
    QCOMPARE(app->session()->hostUrls(),
             QStringList{u"http://127.0.0.1:%1/#fp=%2"_s.arg(app->session()->hostPort())
                                 .arg(QString(fingerprint).remove(u':'))});
    // A room on a LAN runs on Qt's WebSocket engine (confab-server on the native one); the
    // python peer below upgrades to a WebSocket served by it.
    if (qEnvironmentVariableIsEmpty("CONFAB_WEBSOCKET_ENGINE")) {
        const auto engine = app->session()->hostSource()->host()->call([](Confab::ChatHost &host) {
            return host.server()->options().engine.webSocketEngine;
        });
        QCOMPARE(engine, Confab::WebSocketEngine::Qt);
    }
    // As confab-server: a client that drops off for a while gets its session back, with what it
    // missed (python_peer.py takes the offsets this appends to events).
    QVERIFY(app->session()->hostSource()->host()->call(
            [](Confab::ChatHost &host) { return host.server()->options().recovery.enabled; }));

    // The app's own client joins its host and lands in the lobby.
    QTRY_COMPARE_WITH_TIMEOUT(app->roomState()->currentRoom(), u"lobby"_s, Timeout);
    QCOMPARE(app->session()->connectionState(), u"Connected"_s);
    QCOMPARE(app->session()->myName(), u"Alice"_s);
    MessageListModel *lobby = app->roomState()->messages();
    QCOMPARE(lobby->room(), u"lobby"_s);

    AppTest::PythonPeer python(u"python_peer.py"_s,
                               {u"http://127.0.0.1:%1"_s.arg(app->session()->hostPort()), u"Py"_s});
    QTRY_VERIFY_WITH_TIMEOUT(python.has(u"acked"_s), Timeout);
    QCOMPARE(python.find(u"joined"_s).value(u"members"_s).toArray().size(), 2);

    // Its message reaches the app's model, as someone else's.
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(lobby, u"hello from python"_s) >= 0, Timeout);
    const QModelIndex fromPython = lobby->index(rowWithText(lobby, u"hello from python"_s));
    QCOMPARE(fromPython.data(MessageListModel::NameRole).toString(), u"Py"_s);
    QCOMPARE(fromPython.data(MessageListModel::OwnRole).toBool(), false);
    QCOMPARE(app->roomState()->rooms()->room(u"lobby"_s).members, 2);
    QCOMPARE(app->roomState()->rooms()->room(u"lobby"_s).unread, 0); // it is the room on screen

    // The sids panel lists both, fed by the host.
    QTRY_COMPARE_WITH_TIMEOUT(names(app->sids()), (QStringList{u"Alice"_s, u"Py"_s}), Timeout);
    const QString pythonSid = python.find(u"welcome"_s).value(u"sid"_s).toString();
    const int pythonRow = app->sids()->indexOf(pythonSid);
    QVERIFY(pythonRow >= 0);
    QCOMPARE(app->sids()->index(pythonRow).data(SidListModel::TransportRole).toString(),
             u"websocket"_s);
    // Chat rooms read as their names, though the service keeps them apart from sid rooms.
    QTRY_COMPARE_WITH_TIMEOUT(
            app->sids()->index(pythonRow).data(SidListModel::RoomsRole).toStringList(),
            QStringList{u"lobby"_s}, Timeout);
    QVERIFY(app->sids()
                    ->index(app->sids()->indexOf(app->session()->mySid()))
                    .data(SidListModel::OwnRole)
                    .toBool());

    // The app's message reaches python, and is marked sent in the app.
    const QString clientId = app->roomState()->sendMessage(u"hello from confab"_s);
    QVERIFY(!clientId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(python.has(u"message"_s, u"hello from confab"_s), Timeout);
    QCOMPARE(python.find(u"message"_s, u"hello from confab"_s).value(u"name"_s).toString(),
             u"Alice"_s);
    const int ownRow = lobby->rowOfClientId(clientId);
    QVERIFY(ownRow >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(
            lobby->index(ownRow).data(MessageListModel::DeliveryStateRole).toInt(),
            int(MessageListModel::Sent), Timeout);
    QVERIFY(lobby->index(ownRow).data(MessageListModel::OwnRole).toBool());
    QCOMPARE(rowWithText(lobby, u"hello from confab"_s), ownRow); // listed once

    // The inspector saw the traffic both ways.
    EventLogModel *log = app->inspector()->eventLogSource();
    bool sawOut = false, sawIn = false;
    for (int row = 0; row < log->rowCount(); ++row) {
        const auto entry = log->entry(row);
        sawOut |= entry.direction == EventLogModel::Outgoing
                && entry.args.contains(u"hello from confab"_s);
        sawIn |= entry.direction == EventLogModel::Incoming
                && entry.args.contains(u"hello from python"_s);
    }
    QVERIFY(sawOut);
    QVERIFY(sawIn);

    // The host disconnects python: it hears it, and the panel drops it.
    app->session()->disconnectSid(pythonSid);
    QTRY_VERIFY_WITH_TIMEOUT(python.has(u"disconnected"_s), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(names(app->sids()), QStringList{u"Alice"_s}, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(app->roomState()->rooms()->room(u"lobby"_s).members, 1, Timeout);
    // (waitForFinished() would fail if it has finished already.)
    QTRY_COMPARE_WITH_TIMEOUT(python.process.state(), QProcess::NotRunning, Timeout);
    QCOMPARE(python.process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(python.process.exitCode(), 0);
    QVERIFY(python.has(u"exit"_s));

    app->session()->leave();
    QCOMPARE(app->session()->mode(), Session::Mode::Idle);
    QVERIFY(!app->session()->hostSource());
    QCOMPARE(app->sids()->rowCount(), 0);
    QCOMPARE(app->roomState()->rooms()->rowCount(), 0);
}

void tst_AppEndToEnd::guestJoinsFromTheLinkOverTls()
{
    auto host = makeController(u"Alice"_s);
    QVERIFY(host->session()->hostChat(0));
    const auto tlsConnections = [&host] {
        return host->session()->hostSource()->host()->call([](Confab::ChatHost &h) {
            return h.server()->engine()->httpListener()->statistics().tlsConnections;
        });
    };
    // The host's own client joins over loopback in clear.
    QTRY_COMPARE_WITH_TIMEOUT(host->roomState()->currentRoom(), u"lobby"_s, Timeout);
    QCOMPARE(tlsConnections(), 0u);

    // The link shown to others (and in the QR code) carries "#fp=": the guest goes TLS and pins.
    const QString link = host->session()->hostUrls().value(0);
    QVERIFY2(link.contains(u"#fp="_s), qPrintable(link));
    auto guest = makeController(u"Bob"_s);
    QVERIFY(guest->session()->joinServer(link));
    QTRY_COMPARE_WITH_TIMEOUT(guest->roomState()->currentRoom(), u"lobby"_s, Timeout);
    QVERIFY(tlsConnections() > 0);
    host->roomState()->sendMessage(u"encrypted"_s);
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(guest->roomState()->messages(), u"encrypted"_s) >= 0,
                             Timeout);
    // The pin is remembered with the server.
    QCOMPARE(guest->preferences()->recentServers().value(0), link);

    // A link whose fingerprint is not the certificate served (the host's changed, or another
    // machine answers): refused, and the error names both.
    const QString served = host->session()->hostSource()->host()->call(
            [](Confab::ChatHost &h) { return h.certificateFingerprint(); });
    QString wrongHex = QString(served).remove(u':');
    wrongHex[0] = wrongHex[0] == u'0' ? u'1' : u'0';
    QString wrongLink = link;
    wrongLink.replace(QString(served).remove(u':'), wrongHex);
    auto stranger = makeController(u"Eve"_s);
    QVERIFY(stranger->session()->joinServer(wrongLink));
    QTRY_VERIFY_WITH_TIMEOUT(stranger->session()->lastError().contains(served), Timeout);
    const QString error = stranger->session()->lastError();
    QString wrongPin;
    for (qsizetype i = 0; i < wrongHex.size(); i += 2)
        wrongPin += (i ? u":"_s : QString()) + wrongHex.mid(i, 2);
    QVERIFY2(error.contains(wrongPin), qPrintable(error));
    QVERIFY(!stranger->session()->isConnected());
}

void tst_AppEndToEnd::joinedControllerSeesHost()
{
    auto host = makeController(u"Alice"_s);
    QVERIFY(host->session()->hostChat(0));
    QTRY_COMPARE_WITH_TIMEOUT(host->roomState()->currentRoom(), u"lobby"_s, Timeout);

    auto guest = makeController(u"Bob"_s);
    QVERIFY(guest->session()->joinServer(u"127.0.0.1:%1"_s.arg(host->session()->hostPort())));
    QCOMPARE(guest->session()->mode(), Session::Mode::Joined);
    QCOMPARE(guest->preferences()->recentServers().value(0),
             u"http://127.0.0.1:%1"_s.arg(host->session()->hostPort()));
    QTRY_COMPARE_WITH_TIMEOUT(guest->roomState()->currentRoom(), u"lobby"_s, Timeout);

    // Joined mode: sids come from `who` and follow joins and renames.
    QTRY_COMPARE_WITH_TIMEOUT(names(guest->sids()), (QStringList{u"Alice"_s, u"Bob"_s}), Timeout);
    host->session()->rename(u"Alicia"_s);
    QTRY_COMPARE_WITH_TIMEOUT(names(guest->sids()), (QStringList{u"Alicia"_s, u"Bob"_s}), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(names(host->sids()), (QStringList{u"Alicia"_s, u"Bob"_s}), Timeout);

    // Typing shows on the other side, and ends with the message.
    host->roomState()->composerEdited(u"hel"_s);
    QTRY_COMPARE_WITH_TIMEOUT(guest->roomState()->typingText(), u"Alicia is typing…"_s, Timeout);
    host->roomState()->sendMessage(u"hello"_s);
    QTRY_COMPARE_WITH_TIMEOUT(guest->roomState()->typingText(), QString(), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(guest->roomState()->messages(), u"hello"_s) >= 0, Timeout);

    // A message in a room the guest is in but not looking at counts as unread.
    guest->roomState()->joinRoom(u"side"_s);
    QTRY_COMPARE_WITH_TIMEOUT(guest->roomState()->currentRoom(), u"side"_s, Timeout);
    host->roomState()->sendMessage(u"in the lobby"_s);
    QTRY_COMPARE_WITH_TIMEOUT(guest->roomState()->rooms()->room(u"lobby"_s).unread, 1, Timeout);
    guest->roomState()->setCurrentRoom(u"lobby"_s);
    QCOMPARE(guest->roomState()->rooms()->room(u"lobby"_s).unread, 0);

    // The inspector: a raw `who` with an ack shows the reply.
    QSignalSpy reply(guest->inspector(), &Inspector::lastReplyChanged);
    QVERIFY(guest->inspector()->emitRaw(u"who"_s, {}, true));
    QTRY_VERIFY_WITH_TIMEOUT(guest->inspector()->lastReply().startsWith(u"[{\"ok\":true"_s),
                             Timeout);
    QVERIFY(!guest->inspector()->emitRaw(u"who"_s, u"{nope"_s, false));
    QVERIFY(guest->session()->lastError().contains(u"JSON"_s));

    // The host goes away: the guest says it is reconnecting.
    host.reset();
    QTRY_VERIFY_WITH_TIMEOUT(guest->session()->connectionState().startsWith(u"Reconnecting"_s),
                             Timeout);
}

void tst_AppEndToEnd::hostPortTakenMovesOn()
{
    auto first = makeController(u"A"_s);
    QVERIFY(first->session()->hostChat(0));
    const int taken = first->session()->hostPort();
    auto second = makeController(u"B"_s);
    QVERIFY(second->session()->hostChat(taken));
    QVERIFY(second->session()->hostPort() != taken);
    QVERIFY(second->session()->hostPort() > taken
            && second->session()->hostPort() < taken + Session::PortAttempts);
}

void tst_AppEndToEnd::joinRefusedShowsReason()
{
    auto host = makeController(u"A"_s);
    QVERIFY(host->session()->hostChat(0, u"sesame"_s));
    auto guest = makeController(u"B"_s);
    QVERIFY(guest->session()->joinServer(u"http://127.0.0.1:%1/"_s.arg(host->session()->hostPort()),
                                         u"wrong"_s));
    QTRY_COMPARE_WITH_TIMEOUT(guest->session()->connectionState(), u"Refused: unauthorized"_s,
                              Timeout);
    QVERIFY(guest->session()->lastError().contains(u"unauthorized"_s));
    guest->session()->clearError();
    QVERIFY(guest->session()->lastError().isEmpty());
    QVERIFY(!guest->session()->joinServer(u"   "_s));
    QVERIFY(!guest->session()->lastError().isEmpty());
}

QTEST_MAIN(tst_AppEndToEnd)
#include "tst_app_e2e.moc"
