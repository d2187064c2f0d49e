// SPDX-License-Identifier: MIT
#pragma once

// Test doubles of the app's parts for the Qt Quick tests (import ConfabTest; FakeApp). Each
// derives from the interface the pages take (Session, RoomState, Inspector), so a property or
// slot the real part gains or loses fails to compile here instead of drifting silently; the
// models are the real ones, filled directly. States the real parts reach only through a real
// network (reconnecting, a refusal, a failed delivery...) are set with FakeApp::set(), and
// every action the pages take is recorded in FakeApp::calls.

#include "eventlogmodel.h"
#include "foundhostsmodel.h"
#include "inspector.h"
#include "messagelistmodel.h"
#include "preferences.h"
#include "roomlistmodel.h"
#include "roomstate.h"
#include "session.h"
#include "sidlistmodel.h"

#include <QtCore/QDateTime>
#include <QtCore/QVariantList>

#include <functional>

namespace ConfabTest {

using namespace Qt::StringLiterals;

using Confab::App::EventLogFilterModel;
using Confab::App::EventLogModel;
using Confab::App::MessageListModel;
using Confab::App::RoomListModel;
using Confab::App::SidListModel;

//! Records one call: its name then its arguments.
using Recorder = std::function<void(const QVariantList &call)>;

class FakeSession : public Confab::App::Session
{
    Q_OBJECT
public:
    FakeSession(Recorder record, QObject *parent)
        : Session(parent)
        , m_record(std::move(record))
    { }

    Mode mode() const override { return m_mode; }
    QString connectionState() const override { return m_connectionState; }
    bool isConnected() const override { return m_connected; }
    QString lastError() const override { return m_lastError; }
    QString myName() const override { return m_myName; }
    QString mySid() const override { return m_mySid; }
    QStringList hostUrls() const override { return m_hostUrls; }
    int hostPort() const override { return m_hostPort; }
    QUrl serverUrl() const override { return m_serverUrl; }

    bool hostChat(int port, const QString &password) override
    {
        m_record({u"hostChat"_s, port, password});
        return true;
    }
    bool joinServer(const QString &url, const QString &password) override
    {
        m_record({u"joinServer"_s, url, password});
        return true;
    }
    void leave() override { m_record({u"leave"_s}); }
    void clearError() override { m_record({u"clearError"_s}); }
    void refreshSids() override { m_record({u"refreshSids"_s}); }
    void disconnectSid(const QString &sid, const QString &nsp) override
    {
        m_record({u"disconnectSid"_s, sid, nsp});
    }

    //! \brief Sets the property \a name (one of Session's) to \a value; false if it is not one.
    bool set(const QString &name, const QVariant &value)
    {
        if (name == u"mode")
            m_mode = Mode(value.toInt()), Q_EMIT modeChanged();
        else if (name == u"connectionState")
            m_connectionState = value.toString(), Q_EMIT connectionStateChanged();
        else if (name == u"connected")
            m_connected = value.toBool(), Q_EMIT connectionStateChanged();
        else if (name == u"lastError")
            m_lastError = value.toString(), Q_EMIT lastErrorChanged();
        else if (name == u"myName")
            m_myName = value.toString(), Q_EMIT myNameChanged();
        else if (name == u"mySid")
            m_mySid = value.toString(), Q_EMIT mySidChanged();
        else if (name == u"hostUrls")
            m_hostUrls = value.toStringList(), Q_EMIT hostUrlsChanged();
        else if (name == u"hostPort")
            m_hostPort = value.toInt(), Q_EMIT hostUrlsChanged();
        else if (name == u"serverUrl")
            m_serverUrl = value.toUrl(), Q_EMIT serverUrlChanged();
        else
            return false;
        return true;
    }

private:
    Recorder m_record;
    Mode m_mode = Mode::Joined;
    QString m_connectionState;
    bool m_connected = true;
    QString m_lastError;
    QString m_myName = u"tester"_s;
    QString m_mySid = u"me"_s;
    QStringList m_hostUrls;
    int m_hostPort = 0;
    QUrl m_serverUrl{u"http://127.0.0.1:4000/"_s};
};

class FakeRoomState : public Confab::App::RoomState
{
    Q_OBJECT
public:
    FakeRoomState(Recorder record, QObject *parent)
        : RoomState(parent)
        , m_record(std::move(record))
        , m_rooms(new RoomListModel(this))
        , m_messages(new MessageListModel(u"lobby"_s, this))
    {
        m_messages->setHistoryComplete(true);
    }

    RoomListModel *rooms() const override { return m_rooms; }
    QString currentRoom() const override { return m_currentRoom; }
    void setCurrentRoom(const QString &room) override
    {
        m_currentRoom = room;
        Q_EMIT currentRoomChanged();
    }
    MessageListModel *messages() const override { return m_messages; }
    QString typingText() const override { return m_typingText; }
    bool isLoadingOlder() const override { return m_loadingOlder; }

    void joinRoom(const QString &room) override { m_record({u"joinRoom"_s, room}); }
    void leaveRoom(const QString &room) override { m_record({u"leaveRoom"_s, room}); }
    QString sendMessage(const QString &text) override
    {
        m_record({u"sendMessage"_s, text});
        return {};
    }
    bool retryMessage(const QString &clientId) override
    {
        m_record({u"retryMessage"_s, clientId});
        return true;
    }
    void loadOlder() override { m_record({u"loadOlder"_s}); }
    void composerEdited(const QString &text) override { m_record({u"composerEdited"_s, text}); }

    bool set(const QString &name, const QVariant &value)
    {
        if (name == u"currentRoom")
            setCurrentRoom(value.toString());
        else if (name == u"typingText")
            m_typingText = value.toString(), Q_EMIT typingTextChanged();
        else if (name == u"loadingOlder")
            m_loadingOlder = value.toBool(), Q_EMIT loadingOlderChanged();
        else
            return false;
        return true;
    }

private:
    Recorder m_record;
    RoomListModel *m_rooms;
    MessageListModel *m_messages;
    QString m_currentRoom = u"lobby"_s;
    QString m_typingText;
    bool m_loadingOlder = false;
};

class FakeInspector : public Confab::App::Inspector
{
    Q_OBJECT
public:
    FakeInspector(Recorder record, QObject *parent)
        : Inspector(parent)
        , m_record(std::move(record))
        , m_log(new EventLogModel(this))
        , m_filter(new EventLogFilterModel(m_log, this))
    { }

    EventLogFilterModel *eventLog() const override { return m_filter; }
    EventLogModel *eventLogSource() const { return m_log; }
    QString lastReply() const override { return m_lastReply; }
    bool emitRaw(const QString &event, const QString &jsonArgs, bool wantAck) override
    {
        m_record({u"emitRaw"_s, event, jsonArgs, wantAck});
        return true;
    }

    bool set(const QString &name, const QVariant &value)
    {
        if (name != u"lastReply")
            return false;
        m_lastReply = value.toString();
        Q_EMIT lastReplyChanged();
        return true;
    }

private:
    Recorder m_record;
    EventLogModel *m_log;
    EventLogFilterModel *m_filter;
    QString m_lastReply;
};

//! \brief The parts a page takes, as doubles, and what the page asked of them.
class FakeApp : public QObject
{
    Q_OBJECT
    Q_PROPERTY(Confab::App::Session *session READ session CONSTANT)
    Q_PROPERTY(Confab::App::RoomState *roomState READ roomState CONSTANT)
    Q_PROPERTY(Confab::App::SidListModel *sids READ sids CONSTANT)
    Q_PROPERTY(Confab::App::Inspector *inspector READ inspector CONSTANT)
    //! Real settings of its own (the user name, the recent servers the start page lists).
    Q_PROPERTY(Confab::App::Preferences *preferences READ preferences CONSTANT)
    //! The real model with no browser: addFoundHost()/removeFoundHost() fill it.
    Q_PROPERTY(Confab::App::FoundHostsModel *foundHosts READ foundHosts CONSTANT)
    //! Every call the page made: [name, arguments...], oldest first.
    Q_PROPERTY(QVariantList calls READ calls NOTIFY callsChanged)
public:
    explicit FakeApp(QObject *parent = nullptr)
        : QObject(parent)
        , m_session(new FakeSession(recorder(), this))
        , m_roomState(new FakeRoomState(recorder(), this))
        , m_sids(new SidListModel(this))
        , m_inspector(new FakeInspector(recorder(), this))
        , m_preferences(
                  new Confab::App::Preferences(this, Confab::App::Preferences::Scope::SettingsOnly))
        , m_foundHosts(new Confab::App::FoundHostsModel(this))
    {
        m_preferences->setUserName(u"tester"_s);
    }

    FakeSession *session() const { return m_session; }
    FakeRoomState *roomState() const { return m_roomState; }
    SidListModel *sids() const { return m_sids; }
    FakeInspector *inspector() const { return m_inspector; }
    Confab::App::Preferences *preferences() const { return m_preferences; }
    Confab::App::FoundHostsModel *foundHosts() const { return m_foundHosts; }
    QVariantList calls() const { return m_calls; }

    //! \brief A host found on the network {name, address, port, pw, interface}: as the
    //! browser reports one resolution of it.
    Q_INVOKABLE void addFoundHost(const QVariantMap &host)
    {
        m_foundHosts->addService(foundService(host));
    }
    //! \brief That resolution gone.
    Q_INVOKABLE void removeFoundHost(const QVariantMap &host)
    {
        m_foundHosts->removeService(foundService(host));
    }
    //! \brief Discovery on (\a reason empty) or off.
    Q_INVOKABLE void setDiscoveryOff(const QString &reason)
    {
        m_foundHosts->setAvailability(reason.isEmpty(), reason);
    }
    static Confab::Discovery::DiscoveredService foundService(const QVariantMap &host)
    {
        Confab::Discovery::DiscoveredService service;
        service.instanceName = host.value(u"name"_s).toString();
        service.domain = u"local"_s;
        service.info.name = service.instanceName;
        service.info.passwordRequired = host.value(u"pw"_s).toBool();
        service.address = QHostAddress(host.value(u"address"_s).toString());
        service.interfaceName = host.value(u"interface"_s, u"eth0"_s).toString();
        service.interfaceIndex = 2;
        service.protocol = service.address.protocol();
        if (service.address.isLinkLocal())
            service.address.setScopeId(service.interfaceName);
        service.port = quint16(host.value(u"port"_s, 3000).toInt());
        return service;
    }

    //! \brief Sets each property of \a properties on the part that has it; fails the test
    //! (a warning) for one that no part has.
    Q_INVOKABLE void set(const QVariantMap &properties)
    {
        for (auto it = properties.cbegin(); it != properties.cend(); ++it) {
            if (it.key() == u"userName") {
                m_preferences->setUserName(it.value().toString());
            } else if (it.key() == u"recentServers") {
                const QStringList servers = it.value().toStringList();
                for (auto server = servers.crbegin(); server != servers.crend(); ++server)
                    m_preferences->rememberServer(*server);
            } else if (!m_session->set(it.key(), it.value())
                       && !m_roomState->set(it.key(), it.value())
                       && !m_inspector->set(it.key(), it.value())) {
                qWarning("FakeApp: no part has a property %s", qPrintable(it.key()));
            }
        }
    }

    //! \brief Appends a message {name, text, clientId, own, deliveryState, error} to the
    //! current room's messages.
    Q_INVOKABLE void addMessage(const QVariantMap &fields)
    {
        Confab::Client::ChatMessage message;
        message.room = m_roomState->currentRoom();
        message.name = fields.value(u"name"_s).toString();
        message.sid = message.name;
        message.text = fields.value(u"text"_s).toString();
        message.clientId = fields.value(u"clientId"_s).toString();
        message.own = fields.value(u"own"_s).toBool();
        message.deliveryState = Confab::Client::ChatMessage::DeliveryState(
                fields.value(u"deliveryState"_s).toInt());
        message.error = fields.value(u"error"_s).toString();
        message.timestamp = QDateTime::currentDateTimeUtc();
        // Only messages the host stored have its id.
        if (message.deliveryState == Confab::Client::ChatMessage::DeliveryState::Sent)
            message.id = ++m_lastId;
        m_roomState->messages()->append(message);
    }
    //! \brief Merges a join's history, messages {name, text} oldest first, into the current
    //! room's messages, as the chat client does when a room is shown.
    Q_INVOKABLE void addHistory(const QVariantList &messages)
    {
        QList<Confab::Client::ChatMessage> history;
        for (const QVariant &fields : messages) {
            Confab::Client::ChatMessage message;
            message.room = m_roomState->currentRoom();
            message.name = fields.toMap().value(u"name"_s).toString();
            message.sid = message.name;
            message.text = fields.toMap().value(u"text"_s).toString();
            message.timestamp = QDateTime::currentDateTimeUtc();
            message.id = ++m_lastId;
            history.append(message);
        }
        m_roomState->messages()->merge(history);
    }
    //! \brief Moves our message in \a row to \a state (MessageListModel.Sending...).
    Q_INVOKABLE void setDeliveryState(int row, int state)
    {
        Confab::Client::ChatMessage message = m_roomState->messages()->at(row);
        message.deliveryState = Confab::Client::ChatMessage::DeliveryState(state);
        m_roomState->messages()->update(message);
    }
    //! \brief Lists a room {name, members, unread, joined, current}.
    Q_INVOKABLE void addRoom(const QVariantMap &room)
    {
        RoomListModel *rooms = m_roomState->rooms();
        const QString name = room.value(u"name"_s).toString();
        rooms->ensure(name);
        rooms->setJoined(name, room.value(u"joined"_s).toBool());
        rooms->setMembers(name, room.value(u"members"_s).toInt());
        if (const int unread = room.value(u"unread"_s).toInt(); unread > 0)
            rooms->addUnread(name, unread);
        if (room.value(u"current"_s).toBool())
            rooms->setCurrent(name);
    }
    //! \brief Lists a sid {sid, nsp, name, address, transport, roomsText, own}.
    Q_INVOKABLE void addSid(const QVariantMap &sid)
    {
        SidListModel::Entry entry;
        entry.sid = sid.value(u"sid"_s).toString();
        entry.nsp = sid.value(u"nsp"_s, u"/"_s).toString();
        entry.name = sid.value(u"name"_s).toString();
        entry.address = sid.value(u"address"_s).toString();
        entry.transport = sid.value(u"transport"_s).toString();
        if (const QString rooms = sid.value(u"roomsText"_s).toString(); !rooms.isEmpty())
            entry.rooms = QStringList{rooms};
        entry.since = QDateTime::currentDateTimeUtc();
        if (sid.value(u"own"_s).toBool())
            m_sids->setOwnSid(entry.sid);
        m_sids->upsert(entry);
    }
    //! \brief Logs an event in the inspector (\a direction: EventLogModel.Incoming...).
    Q_INVOKABLE void addEvent(int direction, const QString &nsp, const QString &event,
                              const QVariantList &args)
    {
        m_inspector->eventLogSource()->append(EventLogModel::Direction(direction), nsp, event,
                                              args);
    }

    //! \brief \a text as the event log shows it (EventLogModel::escapeInvisible()).
    Q_INVOKABLE static QString loggedAs(const QString &text)
    {
        return EventLogModel::bounded(EventLogModel::escapeInvisible(text),
                                      EventLogModel::MaxNameLength);
    }

Q_SIGNALS:
    void callsChanged();

private:
    Recorder recorder()
    {
        return [this](const QVariantList &call) {
            m_calls.append(QVariant(call));
            Q_EMIT callsChanged();
        };
    }

    FakeSession *m_session;
    FakeRoomState *m_roomState;
    SidListModel *m_sids;
    FakeInspector *m_inspector;
    Confab::App::Preferences *m_preferences;
    Confab::App::FoundHostsModel *m_foundHosts;
    QVariantList m_calls;
    qint64 m_lastId = 0;
};

} // namespace ConfabTest
