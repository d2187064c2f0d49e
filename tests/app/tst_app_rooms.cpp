// SPDX-License-Identifier: MIT
// A guest's room list follows the host's `room` events: rooms others create appear with their
// head count, without polling `who`.
#include "chathost.h"
#include "controller.h"
#include "hostsidsource.h"
#include "socketioserver.h"

#include <QtCore/QStandardPaths>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Confab::App;
using namespace Confab::Client;

namespace {
constexpr int Timeout = 10000;
//! Well under the 10 s the app used to poll at: what arrives in time was pushed.
constexpr int PushTimeout = 3000;
} // namespace

class tst_AppRooms : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"ConfabTest"_s);
        QCoreApplication::setApplicationName(u"tst_app_rooms"_s);
    }
    void guestLearnsNewRooms();
    void hostileServerCannotGrowTheApp();
};

void tst_AppRooms::guestLearnsNewRooms()
{
    Confab::HostConfig config;
    config.address = QHostAddress::LocalHost;
    config.port = 0;
    config.dataLocation = u":memory:"_s;
    Confab::ChatHost host(config);
    QVERIFY2(host.start(), qPrintable(host.errorString()));
    const QString url = u"http://127.0.0.1:%1/"_s.arg(host.port());

    Controller guest(nullptr);
    guest.preferences()->setUserName(u"guest"_s);
    QVERIFY(guest.session()->joinServer(url));
    QTRY_COMPARE_WITH_TIMEOUT(guest.roomState()->currentRoom(), u"lobby"_s, Timeout);
    RoomListModel *rooms = guest.roomState()->rooms();
    QCOMPARE(rooms->indexOf(u"project"_s), -1);

    SocketIoClient socket;
    ChatClient bob(&socket);
    QSignalSpy welcomed(&bob, &ChatClient::welcomed);
    bob.connectToHost(QUrl(url), u"bob"_s);
    QVERIFY(welcomed.wait(Timeout));
    QSignalSpy joined(&bob, &ChatClient::roomJoined);
    bob.joinRoom(u"project"_s);
    QVERIFY(joined.wait(Timeout));
    QTRY_VERIFY_WITH_TIMEOUT(rooms->indexOf(u"project"_s) >= 0, PushTimeout);
    QCOMPARE(rooms->room(u"project"_s).members, 1);
    QCOMPARE(rooms->room(u"project"_s).joined, false);

    // The lobby, which we are in, keeps counting its own members.
    bob.joinRoom(u"lobby"_s);
    QTRY_COMPARE_WITH_TIMEOUT(rooms->room(u"lobby"_s).members, 2, PushTimeout);

    // The last one out: an empty room nobody here is in is forgotten, so that rooms any peer
    // can create by the thousand do not pile up in everyone's list.
    bob.leaveRoom(u"project"_s);
    QTRY_COMPARE_WITH_TIMEOUT(rooms->indexOf(u"project"_s), -1, PushTimeout);
    bob.disconnectFromHost();
    QTRY_COMPARE_WITH_TIMEOUT(rooms->room(u"lobby"_s).members, 1, PushTimeout);

    // A room we leave empty goes too; one we leave to others stays, with their count.
    QSignalSpy guestJoined(guest.chat(), &ChatClient::roomJoined);
    QSignalSpy guestLeft(guest.chat(), &ChatClient::roomLeft);
    guest.roomState()->joinRoom(u"solo"_s);
    QVERIFY(guestJoined.wait(Timeout));
    QCOMPARE(rooms->room(u"solo"_s).joined, true);
    guest.roomState()->leaveRoom(u"solo"_s);
    QTRY_COMPARE_WITH_TIMEOUT(guestLeft.size(), 1, Timeout); // emitted at once or on the ack
    QTRY_COMPARE_WITH_TIMEOUT(rooms->indexOf(u"solo"_s), -1, PushTimeout);
    QCOMPARE(rooms->indexOf(u"lobby"_s), 0);
}

void tst_AppRooms::hostileServerCannotGrowTheApp()
{
    // Not a Confab host: a Socket.IO server that welcomes the app, then sends messages and
    // typing notices for a thousand rooms the app never joined.
    constexpr int Rooms = 1000;
    Confab::SocketIoServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    connect(&server, &Confab::SocketIoServer::clientConnected, &server,
            [&server](const Confab::ClientInfo &client) {
                const Confab::EmitOptions to{{client.sid}, {}, client.nsp};
                server.emitEvent(u"welcome"_s,
                                 {QVariantMap{{u"sid"_s, client.sid},
                                              {u"name"_s, u"guest"_s},
                                              {u"rooms"_s, QVariantList{}}}},
                                 to);
                for (int i = 0; i < Rooms; ++i) {
                    const QString room = u"r%1"_s.arg(i);
                    server.emitEvent(u"message"_s,
                                     {QVariantMap{{u"id"_s, i + 1},
                                                  {u"room"_s, room},
                                                  {u"sid"_s, u"evil"_s},
                                                  {u"name"_s, u"evil"_s},
                                                  {u"text"_s, u"spam"_s},
                                                  {u"ts"_s, qint64(1700000000000)}}},
                                     to);
                    server.emitEvent(u"typing"_s,
                                     {QVariantMap{{u"room"_s, room},
                                                  {u"sid"_s, u"evil"_s},
                                                  {u"name"_s, u"evil"_s},
                                                  {u"typing"_s, true}}},
                                     to);
                }
                // Sent last on the same connection: once listed, all of the above was handled.
                server.emitEvent(u"room"_s,
                                 {QVariantMap{{u"name"_s, u"sentinel"_s}, {u"members"_s, 1}}}, to);
            });

    Controller guest(nullptr);
    guest.preferences()->setUserName(u"guest"_s);
    QSignalSpy received(guest.chat(), &ChatClient::messageReceived);
    QVERIFY(guest.session()->joinServer(u"http://127.0.0.1:%1/"_s.arg(server.serverPort())));
    RoomListModel *rooms = guest.roomState()->rooms();
    QTRY_VERIFY_WITH_TIMEOUT(rooms->indexOf(u"sentinel"_s) >= 0, Timeout);
    QCOMPARE(received.size(), Rooms); // they did arrive, and were dropped
    QCOMPARE(rooms->count(), 1);
    QCOMPARE(guest.notifier()->unreadCount(), 0);
    QCOMPARE(guest.roomState()->messagesOf(u"r0"_s)->count(), 0);
    guest.session()->leave();
}

QTEST_MAIN(tst_AppRooms)

#include "tst_app_rooms.moc"
