// SPDX-License-Identifier: MIT
// ChatClient against a real ChatHost in this process, on a loopback port chosen by the system:
// the chat protocol as the app speaks it (server/chat/README.md).
#include "chatclient.h"
#include "chathost.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Confab::Client;
using Confab::ChatHost;
using Confab::HostConfig;

namespace {

constexpr int Timeout = 10000;

//! One chat participant: a SocketIoClient with its ChatClient.
struct Peer
{
    std::unique_ptr<SocketIoClient> socket;
    std::unique_ptr<ChatClient> chat;

    Peer()
        : socket(std::make_unique<SocketIoClient>())
        , chat(std::make_unique<ChatClient>(socket.get()))
    {
        ClientOptions options;
        // Fast reconnection so that the reconnect test stays short.
        options.reconnectionDelay = std::chrono::milliseconds(50);
        options.reconnectionDelayMax = std::chrono::milliseconds(200);
        options.randomizationFactor = 0;
        socket->setOptions(options);
    }
    ~Peer()
    {
        chat.reset();
        socket.reset();
    }
};

std::unique_ptr<ChatHost> startHost(quint16 port = 0, const QString &password = {})
{
    HostConfig config;
    config.address = QHostAddress::LocalHost;
    config.port = port;
    config.dataLocation = u":memory:"_s;
    config.chat.password = password;
    auto host = std::make_unique<ChatHost>(config);
    if (!host->start()) {
        qWarning("host did not start: %s", qPrintable(host->errorString()));
        return {};
    }
    return host;
}

QUrl urlOf(const ChatHost &host)
{
    return QUrl(u"http://127.0.0.1:%1/"_s.arg(host.port()));
}

} // namespace

class tst_ChatClient : public QObject
{
    Q_OBJECT

private:
    //! Connects \a peer as \a name and waits for the welcome.
    bool welcome(Peer &peer, const QString &name, const QString &password = {})
    {
        QSignalSpy welcomed(peer.chat.get(), &ChatClient::welcomed);
        peer.chat->connectToHost(urlOf(*m_host), name, password);
        return welcomed.wait(Timeout);
    }
    bool join(Peer &peer, const QString &room)
    {
        QSignalSpy joined(peer.chat.get(), &ChatClient::roomJoined);
        peer.chat->joinRoom(room);
        return joined.wait(Timeout);
    }

    std::unique_ptr<ChatHost> m_host;

private Q_SLOTS:
    void init()
    {
        m_host = startHost();
        QVERIFY(m_host);
    }
    void cleanup() { m_host.reset(); }

    void welcomeAndJoin();
    void sendAckAndReceive();
    void failedMessageRetriesWithSameId();
    void historyPages();
    void typing();
    void renameAndWho();
    void roomUpdates();
    void ownAcrossConnections();
    void refusedWithoutPassword();
    void queuedWhileReconnecting();
    void catchUpAfterHostRestart();
    void borrowedClientIdIsNotOurs();
    void deviceIdPerServer_data();
    void deviceIdPerServer();
    void deviceIdSentPerServer();
};

void tst_ChatClient::welcomeAndJoin()
{
    Peer alice;
    QSignalSpy welcomed(alice.chat.get(), &ChatClient::welcomed);
    alice.chat->connectToHost(urlOf(*m_host), u"  alice "_s);
    QVERIFY(welcomed.wait(Timeout));
    QCOMPARE(welcomed.first().at(0).toString(), u"alice"_s); // trimmed by the host
    QCOMPARE(alice.chat->name(), u"alice"_s);
    QVERIFY(!alice.chat->sid().isEmpty());
    QCOMPARE(welcomed.first().at(1).toString(), alice.chat->sid());

    QSignalSpy joined(alice.chat.get(), &ChatClient::roomJoined);
    QSignalSpy memberJoined(alice.chat.get(), &ChatClient::memberJoined);
    alice.chat->joinRoom(u"lobby"_s);
    QVERIFY(joined.wait(Timeout));
    QCOMPARE(joined.first().at(0).toString(), u"lobby"_s);
    const auto members = joined.first().at(1).value<QList<ChatMember>>();
    QCOMPARE(members.size(), 1);
    QCOMPARE(members.first().name, u"alice"_s);
    QCOMPARE(alice.chat->rooms(), QStringList{u"lobby"_s});

    // A second person with the same name gets a suffix, and both see the room in welcome.
    Peer other;
    QSignalSpy otherWelcome(other.chat.get(), &ChatClient::welcomed);
    other.chat->connectToHost(urlOf(*m_host), u"alice"_s);
    QVERIFY(otherWelcome.wait(Timeout));
    QCOMPARE(other.chat->name(), u"alice (2)"_s);
    const auto rooms = otherWelcome.first().at(2).value<QList<ChatRoomSummary>>();
    QCOMPARE(rooms.size(), 1);
    QCOMPARE(rooms.first().name, u"lobby"_s);
    QCOMPARE(rooms.first().members, 1);

    QVERIFY(join(other, u"lobby"_s));
    QTRY_COMPARE_WITH_TIMEOUT(memberJoined.size(), 2, Timeout); // herself, then the other
    QCOMPARE(memberJoined.last().at(2).toString(), u"alice (2)"_s);

    QSignalSpy left(alice.chat.get(), &ChatClient::memberLeft);
    other.chat->disconnectFromHost();
    QVERIFY(left.wait(Timeout));
    QCOMPARE(left.first().at(0).toString(), u"lobby"_s);
    QCOMPARE(left.first().at(2).toString(), u"alice (2)"_s);
}

void tst_ChatClient::sendAckAndReceive()
{
    Peer alice, bob;
    QVERIFY(welcome(alice, u"alice"_s));
    QVERIFY(welcome(bob, u"bob"_s));
    QVERIFY(join(alice, u"lobby"_s));
    QVERIFY(join(bob, u"lobby"_s));

    QSignalSpy sent(alice.chat.get(), &ChatClient::messageSent);
    QSignalSpy updated(alice.chat.get(), &ChatClient::messageUpdated);
    QSignalSpy aliceReceived(alice.chat.get(), &ChatClient::messageReceived);
    QSignalSpy bobReceived(bob.chat.get(), &ChatClient::messageReceived);

    const QString clientId = alice.chat->sendMessage(u"lobby"_s, u"  hello bob \n"_s);
    QVERIFY(!clientId.isEmpty());
    QCOMPARE(sent.size(), 1); // before sendMessage returned
    const auto pending = sent.first().at(0).value<ChatMessage>();
    QCOMPARE(pending.deliveryState, ChatMessage::DeliveryState::Sending);
    QCOMPARE(pending.clientId, clientId);
    QCOMPARE(pending.text, u"hello bob"_s);
    QVERIFY(pending.own);

    QVERIFY(updated.wait(Timeout));
    const auto acked = updated.first().at(0).value<ChatMessage>();
    QCOMPARE(acked.deliveryState, ChatMessage::DeliveryState::Sent);
    QCOMPARE(acked.clientId, clientId);
    QCOMPARE(acked.id, 1); // the room's first message
    QVERIFY(acked.timestamp.isValid());

    QTRY_COMPARE_WITH_TIMEOUT(bobReceived.size(), 1, Timeout);
    const auto received = bobReceived.first().at(0).value<ChatMessage>();
    QCOMPARE(received.text, u"hello bob"_s);
    QCOMPARE(received.name, u"alice"_s);
    QCOMPARE(received.sid, alice.chat->sid());
    QCOMPARE(received.id, acked.id);
    QCOMPARE(received.clientId, clientId);
    QVERIFY(!received.own);

    // Alice's echo is folded into the ack: no second copy, no second update.
    QSignalSpy bobUpdated(bob.chat.get(), &ChatClient::messageUpdated);
    bob.chat->sendMessage(u"lobby"_s, u"hi alice"_s);
    QTRY_COMPARE_WITH_TIMEOUT(aliceReceived.size(), 1, Timeout);
    QCOMPARE(aliceReceived.first().at(0).value<ChatMessage>().text, u"hi alice"_s);
    QCOMPARE(updated.size(), 1);
    QVERIFY(bobUpdated.size() == 1 || bobUpdated.wait(Timeout));

    // Blank text sends nothing.
    QVERIFY(alice.chat->sendMessage(u"lobby"_s, u"   "_s).isEmpty());
    QCOMPARE(sent.size(), 1);
}

void tst_ChatClient::failedMessageRetriesWithSameId()
{
    Peer alice;
    QVERIFY(welcome(alice, u"alice"_s));
    QSignalSpy updated(alice.chat.get(), &ChatClient::messageUpdated);

    // Not a member of the room: the host refuses, nothing is stored.
    const QString clientId = alice.chat->sendMessage(u"elsewhere"_s, u"anyone?"_s);
    QVERIFY(updated.wait(Timeout));
    auto failed = updated.first().at(0).value<ChatMessage>();
    QCOMPARE(failed.deliveryState, ChatMessage::DeliveryState::Failed);
    QVERIFY2(failed.error.contains(u"not a member"_s), qPrintable(failed.error));
    QCOMPARE(m_host->store()->messageCount(), 0);
    QVERIFY(!alice.chat->retry(u"unknown"_s));

    QVERIFY(join(alice, u"elsewhere"_s));
    updated.clear();
    QVERIFY(alice.chat->retry(clientId));
    QCOMPARE(updated.size(), 1); // back to Sending at once
    QCOMPARE(updated.first().at(0).value<ChatMessage>().deliveryState,
             ChatMessage::DeliveryState::Sending);
    QTRY_COMPARE_WITH_TIMEOUT(updated.size(), 2, Timeout);
    const auto sent = updated.last().at(0).value<ChatMessage>();
    QCOMPARE(sent.deliveryState, ChatMessage::DeliveryState::Sent);
    QCOMPARE(sent.clientId, clientId);
    QVERIFY(sent.error.isEmpty());
    QVERIFY(!alice.chat->retry(clientId)); // only failed messages
}

void tst_ChatClient::historyPages()
{
    Peer alice;
    QVERIFY(welcome(alice, u"alice"_s));
    QVERIFY(join(alice, u"lobby"_s));
    QSignalSpy updated(alice.chat.get(), &ChatClient::messageUpdated);
    for (int i = 1; i <= 5; ++i)
        alice.chat->sendMessage(u"lobby"_s, u"m%1"_s.arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(updated.size(), 5, Timeout);

    // A newcomer's join carries the history, with our own messages recognised by client id.
    QSignalSpy joined(alice.chat.get(), &ChatClient::roomJoined);
    alice.chat->leaveRoom(u"lobby"_s);
    alice.chat->joinRoom(u"lobby"_s);
    QVERIFY(joined.wait(Timeout));
    const auto history = joined.first().at(2).value<QList<ChatMessage>>();
    QCOMPARE(history.size(), 5);
    QCOMPARE(history.first().text, u"m1"_s);
    QVERIFY(history.first().own);

    QSignalSpy page(alice.chat.get(), &ChatClient::historyReceived);
    alice.chat->requestHistory(u"lobby"_s, 4, 2);
    QVERIFY(page.wait(Timeout));
    const auto older = page.first().at(1).value<QList<ChatMessage>>();
    QCOMPARE(older.size(), 2);
    QCOMPARE(older.at(0).id, 2);
    QCOMPARE(older.at(1).id, 3);
}

void tst_ChatClient::typing()
{
    Peer alice, bob;
    QVERIFY(welcome(alice, u"alice"_s));
    QVERIFY(welcome(bob, u"bob"_s));
    QVERIFY(join(alice, u"lobby"_s));
    QVERIFY(join(bob, u"lobby"_s));

    QSignalSpy bobTyping(bob.chat.get(), &ChatClient::typingChanged);
    QSignalSpy aliceSent(alice.chat.get(), &ChatClient::eventSent);
    alice.chat->setTyping(u"lobby"_s, true);
    alice.chat->setTyping(u"lobby"_s, true); // not sent twice
    QCOMPARE(aliceSent.size(), 1);
    QVERIFY(bobTyping.wait(Timeout));
    QCOMPARE(bobTyping.first().at(0).toString(), u"lobby"_s);
    QCOMPARE(bobTyping.first().at(1).toString(), alice.chat->sid());
    QCOMPARE(bobTyping.first().at(2).toString(), u"alice"_s);
    QCOMPARE(bobTyping.first().at(3).toBool(), true);

    // Sending a message ends the notice.
    alice.chat->sendMessage(u"lobby"_s, u"done"_s);
    QTRY_COMPARE_WITH_TIMEOUT(bobTyping.size(), 2, Timeout);
    QCOMPARE(bobTyping.last().at(3).toBool(), false);
}

void tst_ChatClient::roomUpdates()
{
    Peer alice, bob;
    QVERIFY(welcome(alice, u"alice"_s));
    QVERIFY(welcome(bob, u"bob"_s));
    // Bob is in no room, and hears of each change of a room's head count.
    QSignalSpy updates(bob.chat.get(), &ChatClient::roomUpdated);
    QVERIFY(join(alice, u"fresh"_s));
    QTRY_COMPARE_WITH_TIMEOUT(updates.size(), 1, Timeout);
    QCOMPARE(updates.at(0), (QVariantList{u"fresh"_s, 1}));
    alice.chat->leaveRoom(u"fresh"_s);
    QTRY_COMPARE_WITH_TIMEOUT(updates.size(), 2, Timeout);
    QCOMPARE(updates.at(1), (QVariantList{u"fresh"_s, 0}));
}

void tst_ChatClient::ownAcrossConnections()
{
    QString sentText;
    {
        // A first run of the app: sends one message, then quits.
        Peer first;
        first.chat->setInstallId(u"install-1"_s);
        QVERIFY(welcome(first, u"alice"_s));
        QVERIFY(join(first, u"lobby"_s));
        QSignalSpy updated(first.chat.get(), &ChatClient::messageUpdated);
        first.chat->sendMessage(u"lobby"_s, u"before the restart"_s);
        QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty()
                                         && updated.last().at(0).value<ChatMessage>().deliveryState
                                                 == ChatMessage::DeliveryState::Sent,
                                 Timeout);
    }
    Peer bob;
    QVERIFY(welcome(bob, u"bob"_s));
    QVERIFY(join(bob, u"lobby"_s));
    QSignalSpy got(bob.chat.get(), &ChatClient::messageUpdated);
    bob.chat->sendMessage(u"lobby"_s, u"from bob"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!got.isEmpty()
                                     && got.last().at(0).value<ChatMessage>().deliveryState
                                             == ChatMessage::DeliveryState::Sent,
                             Timeout);

    // The next run: a new sid and no client ids in memory, the same install id.
    Peer second;
    second.chat->setInstallId(u"install-1"_s);
    QVERIFY(welcome(second, u"alice"_s));
    QSignalSpy joined(second.chat.get(), &ChatClient::roomJoined);
    second.chat->joinRoom(u"lobby"_s);
    QVERIFY(joined.wait(Timeout));
    const auto history = joined.first().at(2).value<QList<ChatMessage>>();
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.at(0).text, u"before the restart"_s);
    QVERIFY(history.at(0).own);
    QCOMPARE(history.at(1).text, u"from bob"_s);
    QVERIFY(!history.at(1).own);

    QSignalSpy older(second.chat.get(), &ChatClient::historyReceived);
    second.chat->requestHistory(u"lobby"_s, history.at(1).id, 10);
    QVERIFY(older.wait(Timeout));
    const auto page = older.first().at(1).value<QList<ChatMessage>>();
    QCOMPARE(page.size(), 1);
    QVERIFY(page.at(0).own);

    // Another install sees none of it as its own.
    Peer other;
    other.chat->setInstallId(u"install-2"_s);
    QVERIFY(welcome(other, u"carol"_s));
    QSignalSpy otherJoined(other.chat.get(), &ChatClient::roomJoined);
    other.chat->joinRoom(u"lobby"_s);
    QVERIFY(otherJoined.wait(Timeout));
    for (const ChatMessage &message : otherJoined.first().at(2).value<QList<ChatMessage>>())
        QVERIFY(!message.own);
}

void tst_ChatClient::renameAndWho()
{
    Peer alice, bob;
    QVERIFY(welcome(alice, u"alice"_s));
    QVERIFY(welcome(bob, u"bob"_s));
    QVERIFY(join(alice, u"lobby"_s));
    QVERIFY(join(bob, u"lobby"_s));

    QSignalSpy bobSaw(bob.chat.get(), &ChatClient::renamed);
    QSignalSpy nameChanged(alice.chat.get(), &ChatClient::nameChanged);
    alice.chat->rename(u"bob"_s); // taken: the host adds a suffix
    QVERIFY(bobSaw.wait(Timeout));
    QCOMPARE(bobSaw.first().at(0).toString(), alice.chat->sid());
    QCOMPARE(bobSaw.first().at(1).toString(), u"alice"_s);
    QCOMPARE(bobSaw.first().at(2).toString(), u"bob (2)"_s);
    QTRY_COMPARE_WITH_TIMEOUT(alice.chat->name(), u"bob (2)"_s, Timeout);
    QCOMPARE(nameChanged.size(), 1);

    QSignalSpy peers(bob.chat.get(), &ChatClient::peersReceived);
    bob.chat->who();
    QVERIFY(peers.wait(Timeout));
    const auto list = peers.first().at(0).value<QList<ChatPeer>>();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).name, u"bob (2)"_s); // oldest first
    QCOMPARE(list.at(0).rooms, QStringList{u"lobby"_s});
    QVERIFY(list.at(0).since.isValid());
    QVERIFY(!list.at(0).transport.isEmpty());
    QCOMPARE(list.at(1).sid, bob.chat->sid());
    QVERIFY(list.at(1).address.isEmpty()); // not shown by default
}

void tst_ChatClient::refusedWithoutPassword()
{
    m_host = startHost(0, u"sesame"_s);
    QVERIFY(m_host);
    Peer eve;
    QSignalSpy refused(eve.socket.get(), &SocketIoClient::connectError);
    eve.chat->connectToHost(urlOf(*m_host), u"eve"_s, u"wrong"_s);
    QVERIFY(refused.wait(Timeout));
    QCOMPARE(refused.first().at(1).toString(), u"unauthorized"_s);

    Peer alice;
    QVERIFY(welcome(alice, u"alice"_s, u"sesame"_s));
}

void tst_ChatClient::queuedWhileReconnecting()
{
    Peer alice;
    QVERIFY(welcome(alice, u"alice"_s));
    QVERIFY(join(alice, u"lobby"_s));
    const quint16 port = m_host->port();

    QSignalSpy state(alice.socket.get(), &SocketIoClient::stateChanged);
    m_host->stop();
    m_host.reset();
    QTRY_COMPARE_WITH_TIMEOUT(alice.socket->state(), SocketIoClient::State::Reconnecting, Timeout);

    QSignalSpy updated(alice.chat.get(), &ChatClient::messageUpdated);
    QSignalSpy sent(alice.chat.get(), &ChatClient::messageSent);
    QSignalSpy joined(alice.chat.get(), &ChatClient::roomJoined);
    const QString clientId = alice.chat->sendMessage(u"lobby"_s, u"while away"_s);
    QCOMPARE(sent.size(), 1);
    QCOMPARE(sent.first().at(0).value<ChatMessage>().deliveryState,
             ChatMessage::DeliveryState::Sending);

    // The host comes back on the same port: the client rejoins the room, then the message goes.
    m_host = startHost(port);
    QVERIFY(m_host);
    QVERIFY(joined.wait(Timeout));
    QCOMPARE(joined.first().at(0).toString(), u"lobby"_s);
    QTRY_COMPARE_WITH_TIMEOUT(updated.size(), 1, Timeout);
    const auto delivered = updated.first().at(0).value<ChatMessage>();
    QCOMPARE(delivered.clientId, clientId);
    QCOMPARE(delivered.deliveryState, ChatMessage::DeliveryState::Sent);
    QCOMPARE(m_host->store()->messageCount(), 1);
}

void tst_ChatClient::catchUpAfterHostRestart()
{
    // A SQLite host that alice loses; while she is away bob posts 300 messages to the same
    // store through another host she cannot reach; then her host comes back on its port. The
    // join's latest 50 do not reach back to her last message: she fetches the rest.
    QTemporaryDir data;
    QVERIFY(data.isValid());
    const auto startAt = [&data](quint16 port) {
        HostConfig config;
        config.address = QHostAddress::LocalHost;
        config.port = port;
        config.dataLocation = data.path();
        config.chat.rateLimit = 10000;
        config.chat.rateBurst = 10000;
        auto host = std::make_unique<ChatHost>(config);
        return host->start() ? std::move(host) : nullptr;
    };
    m_host.reset();
    m_host = startAt(0);
    QVERIFY(m_host);
    const quint16 port = m_host->port();

    Peer alice;
    QVERIFY(welcome(alice, u"alice"_s));
    QVERIFY(join(alice, u"lobby"_s));
    QSignalSpy received(alice.chat.get(), &ChatClient::messageReceived);
    QSignalSpy joined(alice.chat.get(), &ChatClient::roomJoined);
    {
        Peer bob;
        QVERIFY(welcome(bob, u"bob"_s));
        QVERIFY(join(bob, u"lobby"_s));
        bob.chat->sendMessage(u"lobby"_s, u"before"_s);
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, Timeout);
    }
    const qint64 lastHeld = received.first().at(0).value<ChatMessage>().id;

    m_host->stop();
    m_host.reset();
    QTRY_COMPARE_WITH_TIMEOUT(alice.socket->state(), SocketIoClient::State::Reconnecting, Timeout);
    constexpr int Missed = 300;
    {
        auto other = startAt(0);
        QVERIFY(other);
        Peer bob;
        QSignalSpy welcomed(bob.chat.get(), &ChatClient::welcomed);
        bob.chat->connectToHost(urlOf(*other), u"bob"_s);
        QVERIFY(welcomed.wait(Timeout));
        QVERIFY(join(bob, u"lobby"_s));
        QSignalSpy updated(bob.chat.get(), &ChatClient::messageUpdated);
        for (int i = 0; i < Missed; ++i)
            bob.chat->sendMessage(u"lobby"_s, u"m%1"_s.arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(updated.size(), Missed, Timeout);
        other->stop();
    }

    m_host = startAt(port);
    QVERIFY(m_host);
    QVERIFY(joined.wait(Timeout));
    const auto history = joined.last().at(2).value<QList<ChatMessage>>();
    QCOMPARE(history.size(), Missed);
    for (int i = 0; i < Missed; ++i) {
        QCOMPARE(history.at(i).id, lastHeld + 1 + i); // no gap, none twice, in order
        QCOMPARE(history.at(i).text, u"m%1"_s.arg(i));
    }
    QCOMPARE(received.size(), 1);

    // A message after the catch-up arrives as usual.
    Peer carol;
    QVERIFY(welcome(carol, u"carol"_s));
    QVERIFY(join(carol, u"lobby"_s));
    carol.chat->sendMessage(u"lobby"_s, u"after"_s);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, Timeout);
    QCOMPARE(received.last().at(0).value<ChatMessage>().id, lastHeld + Missed + 1);
}

void tst_ChatClient::borrowedClientIdIsNotOurs()
{
    Peer alice, mallory;
    alice.chat->setInstallId(u"install-alice"_s);
    mallory.chat->setInstallId(u"install-mallory"_s);
    QVERIFY(welcome(alice, u"alice"_s));
    QVERIFY(welcome(mallory, u"mallory"_s));
    QVERIFY(join(alice, u"lobby"_s));
    QVERIFY(join(mallory, u"lobby"_s));

    QSignalSpy updated(alice.chat.get(), &ChatClient::messageUpdated);
    QSignalSpy received(alice.chat.get(), &ChatClient::messageReceived);
    QSignalSpy malloryReceived(mallory.chat.get(), &ChatClient::messageReceived);
    const QString clientId = alice.chat->sendMessage(u"lobby"_s, u"mine"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty()
                                     && updated.last().at(0).value<ChatMessage>().deliveryState
                                             == ChatMessage::DeliveryState::Sent,
                             Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(malloryReceived.size(), 1, Timeout);

    // Mallory saw alice's client id in the broadcast and sends with it.
    mallory.chat->emitRaw(
            u"message"_s,
            {QVariantMap{{u"room"_s, u"lobby"_s}, {u"text"_s, u"evil"_s}, {u"id"_s, clientId}}},
            false);
    // Live: alice shows it, as mallory's.
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, Timeout);
    const auto live = received.first().at(0).value<ChatMessage>();
    QCOMPARE(live.text, u"evil"_s);
    QCOMPARE(live.name, u"mallory"_s);
    QVERIFY(!live.own);
    QCOMPARE(updated.size(), 1); // alice's own message was not touched

    // Reloaded (the history and join acks): only alice's message is alice's.
    QSignalSpy history(alice.chat.get(), &ChatClient::historyReceived);
    alice.chat->requestHistory(u"lobby"_s);
    QVERIFY(history.wait(Timeout));
    const auto page = history.first().at(1).value<QList<ChatMessage>>();
    QCOMPARE(page.size(), 2);
    QCOMPARE(page.at(0).text, u"mine"_s);
    QVERIFY(page.at(0).own);
    QCOMPARE(page.at(1).text, u"evil"_s);
    QCOMPARE(page.at(1).clientId, clientId);
    QVERIFY(!page.at(1).own);

    QSignalSpy rejoined(alice.chat.get(), &ChatClient::roomJoined);
    alice.chat->leaveRoom(u"lobby"_s);
    alice.chat->joinRoom(u"lobby"_s);
    QVERIFY(rejoined.wait(Timeout));
    const auto again = rejoined.first().at(2).value<QList<ChatMessage>>();
    QCOMPARE(again.size(), 2);
    QVERIFY(again.at(0).own);
    QVERIFY(!again.at(1).own);
}

void tst_ChatClient::deviceIdPerServer_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("same");

    QTest::addRow("same url") << u"http://chat.example:3000/"_s << u"http://chat.example:3000/"_s
                              << true;
    QTest::addRow("path and case") << u"http://chat.example:3000/"_s
                                   << u"HTTP://Chat.Example:3000/socket.io/?x=1"_s << true;
    QTest::addRow("ws is http") << u"http://chat.example:3000"_s << u"ws://chat.example:3000/"_s
                                << true;
    QTest::addRow("default port") << u"https://chat.example/"_s << u"wss://chat.example:443"_s
                                  << true;
    QTest::addRow("user info") << u"http://chat.example/"_s << u"http://bob@chat.example/"_s
                               << true;
    QTest::addRow("other port") << u"http://chat.example:3000/"_s << u"http://chat.example:3001/"_s
                                << false;
    QTest::addRow("other host") << u"http://chat.example:3000/"_s << u"http://other.example:3000/"_s
                                << false;
    QTest::addRow("other scheme") << u"http://chat.example/"_s << u"https://chat.example/"_s
                                  << false;
    QTest::addRow("address") << u"http://127.0.0.1:3000/"_s << u"http://[::1]:3000/"_s << false;
}

void tst_ChatClient::deviceIdPerServer()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, same);
    const QString install = u"install-1"_s;
    const QString idA = ChatClient::deviceIdFor(install, QUrl(a));
    const QString idB = ChatClient::deviceIdFor(install, QUrl(b));
    QCOMPARE(idA == idB, same);
    // HMAC-SHA256 in hex; another install's differs.
    QCOMPARE(idA.size(), 64);
    QVERIFY(ChatClient::deviceIdFor(u"install-2"_s, QUrl(a)) != idA);
}

void tst_ChatClient::deviceIdSentPerServer()
{
    // What goes into the CONNECT of two hosts, and of the first one again.
    auto other = startHost();
    QVERIFY(other);
    const auto sentDevice = [](Peer &peer) {
        return peer.socket->options().authProvider(u"/"_s).toMap().value(u"device"_s).toString();
    };
    Peer alice;
    alice.chat->setInstallId(u"install-1"_s);
    QVERIFY(welcome(alice, u"alice"_s));
    const QString first = sentDevice(alice);
    QCOMPARE(alice.chat->deviceId(), first);
    QSignalSpy welcomed(alice.chat.get(), &ChatClient::welcomed);
    alice.chat->connectToHost(urlOf(*other), u"alice"_s);
    QVERIFY(welcomed.wait(Timeout));
    const QString second = sentDevice(alice);
    QVERIFY(!first.isEmpty());
    QVERIFY(first != second);
    QVERIFY(first != u"install-1"_s && second != u"install-1"_s);
    QVERIFY(welcome(alice, u"alice"_s));
    QCOMPARE(sentDevice(alice), first);
    QCOMPARE(alice.chat->deviceId(), first);
}

QTEST_GUILESS_MAIN(tst_ChatClient)
#include "tst_chatclient.moc"
