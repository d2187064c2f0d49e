// SPDX-License-Identifier: MIT
#include "chatroomstate.h"

#include "applogging.h"
#include "framebatch.h"

#include <QtCore/QCoreApplication>

using namespace Qt::StringLiterals;
using Confab::Client::ChatClient;
using Confab::Client::ChatMessage;

namespace Confab::App {

namespace {

constexpr int TypingIdleMs = 4000; //!< our notice stops after this long without a keystroke
constexpr qint64 TypingStaleMs = 8000; //!< others' notices expire if never cleared

const QString DefaultRoom = u"lobby"_s;

} // namespace

ChatRoomState::ChatRoomState(ChatClient *chat, QObject *parent)
    : RoomState(parent)
    , m_chat(chat)
    , m_rooms(new RoomListModel(this))
    , m_noMessages(new MessageListModel({}, this))
{
    // QCoreApplication::installTranslator() sends LanguageChange to the application object.
    if (QCoreApplication::instance())
        QCoreApplication::instance()->installEventFilter(this);

    connect(m_chat, &ChatClient::welcomed, this, &ChatRoomState::onWelcomed);
    connect(m_chat, &ChatClient::roomJoined, this, &ChatRoomState::onRoomJoined);
    connect(m_chat, &ChatClient::roomLeft, this, &ChatRoomState::onRoomLeft);
    connect(m_chat, &ChatClient::memberJoined, this, &ChatRoomState::onMemberJoined);
    connect(m_chat, &ChatClient::memberLeft, this, &ChatRoomState::onMemberLeft);
    connect(m_chat, &ChatClient::messageReceived, this, &ChatRoomState::onMessageReceived);
    connect(m_chat, &ChatClient::messageSent, this,
            [this](const ChatMessage &message) { messagesOf(message.room)->append(message); });
    connect(m_chat, &ChatClient::messageUpdated, this, [this](const ChatMessage &message) {
        if (!messagesOf(message.room)->update(message))
            messagesOf(message.room)->append(message);
    });
    connect(m_chat, &ChatClient::historyReceived, this,
            [this](const QString &room, const QList<ChatMessage> &messages) {
                MessageListModel *model = messagesOf(room);
                model->prepend(messages);
                if (messages.size() < HistoryPage)
                    model->setHistoryComplete(true);
                setLoadingOlder(false);
            });
    connect(m_chat, &ChatClient::roomUpdated, this, [this](const QString &room, int members) {
        // Ours are counted from their members, which `joined` and `left` keep current.
        if (!m_members.contains(room))
            m_rooms->setMembers(room, members);
    });
    connect(m_chat, &ChatClient::typingChanged, this, &ChatRoomState::onTyping);
    connect(m_chat, &ChatClient::renamed, this, &ChatRoomState::onRenamed);
    connect(m_chat, &ChatClient::peersReceived, this, &ChatRoomState::onPeers);
    connect(m_chat, &ChatClient::requestFailed, this,
            [this](const QString &, const QString &room, const QString &error) {
                // Whatever failed, a pending "load older" is not coming back with messages.
                setLoadingOlder(false);
                Q_EMIT errorOccurred(room.isEmpty() ? error : u"%1: %2"_s.arg(room, error));
            });

    m_typingIdle.setSingleShot(true);
    m_typingIdle.setInterval(TypingIdleMs);
    connect(&m_typingIdle, &QTimer::timeout, this,
            [this] { m_chat->setTyping(m_currentRoom, false); });
    m_typingExpiry.setInterval(1000);
    connect(&m_typingExpiry, &QTimer::timeout, this, &ChatRoomState::updateTypingText);
}

bool ChatRoomState::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::LanguageChange && watched == QCoreApplication::instance()) {
        m_typingText.clear(); // forces typingTextChanged() with the new wording
        updateTypingText();
    }
    return RoomState::eventFilter(watched, event);
}

void ChatRoomState::setLoadingOlder(bool loading)
{
    if (m_loadingOlder == loading)
        return;
    m_loadingOlder = loading;
    Q_EMIT loadingOlderChanged();
}

void ChatRoomState::setCurrentRoom(const QString &room)
{
    if (m_currentRoom == room)
        return;
    if (!m_currentRoom.isEmpty())
        m_chat->setTyping(m_currentRoom, false);
    m_currentRoom = room;
    m_rooms->setCurrent(room);
    m_rooms->clearUnread(room);
    setLoadingOlder(false);
    Q_EMIT currentRoomChanged();
    updateTypingText();
}

MessageListModel *ChatRoomState::messages() const
{
    return m_messages.value(m_currentRoom, m_noMessages);
}

MessageListModel *ChatRoomState::messagesOf(const QString &room)
{
    auto it = m_messages.find(room);
    if (it == m_messages.end()) {
        it = m_messages.insert(room, new MessageListModel(room, this));
        // A burst becomes one insertion per frame, not one per message (issue 21).
        (*it)->setBatchInterval(FrameInterval);
    }
    return *it;
}

void ChatRoomState::reset()
{
    setCurrentRoom({});
    m_rooms->clear();
    m_members.clear();
    m_typers.clear();
    updateTypingText();
    // The views hold the current model only; the others can go now.
    qDeleteAll(m_messages);
    m_messages.clear();
}

// --- chat events ---

void ChatRoomState::onWelcomed(const QString &, const QString &,
                               const QList<Confab::Client::ChatRoomSummary> &rooms)
{
    m_rooms->addRooms(rooms);
    // The first welcome of a session puts us in the lobby; after a reconnection the chat
    // client rejoins what we were in.
    if (m_chat->rooms().isEmpty())
        joinRoom(DefaultRoom);
}

void ChatRoomState::onRoomJoined(const QString &room,
                                 const QList<Confab::Client::ChatMember> &members,
                                 const QList<ChatMessage> &history)
{
    QHash<QString, QString> &known = m_members[room];
    known.clear();
    for (const auto &member : members)
        known.insert(member.sid, member.name);
    m_rooms->setJoined(room, true);
    updateMemberCount(room);

    MessageListModel *model = messagesOf(room);
    const bool first = model->count() == 0 && model->queuedCount() == 0;
    model->merge(history);
    if (first && history.size() < HistoryPage)
        model->setHistoryComplete(true);

    if (m_currentRoom.isEmpty() || m_autoOpenRoom == room) {
        m_autoOpenRoom.clear();
        setCurrentRoom(room);
    }
}

void ChatRoomState::onRoomLeft(const QString &room)
{
    // The room's `room` update may have come before our leave was answered, and was then
    // ignored (ours are counted from their members): the others we knew of are its count now,
    // and a room left empty is forgotten.
    QHash<QString, QString> others = m_members.take(room);
    others.remove(m_chat->sid());
    m_rooms->setMembers(room, int(others.size()));
    m_typers.remove(room);
    m_rooms->setJoined(room, false);
    if (m_currentRoom == room) {
        const QStringList joined = m_chat->rooms();
        setCurrentRoom(joined.isEmpty() ? QString() : joined.constFirst());
    }
    if (MessageListModel *model = m_messages.take(room))
        model->deleteLater(); // QML may still hold it until currentRoomChanged is handled
}

void ChatRoomState::onMemberJoined(const QString &room, const QString &sid, const QString &name)
{
    // Rooms we are not in are counted by their `room` updates.
    if (m_members.contains(room)) {
        m_members[room].insert(sid, name);
        updateMemberCount(room);
    }
}

void ChatRoomState::onMemberLeft(const QString &room, const QString &sid, const QString &)
{
    if (m_members.contains(room)) {
        m_members[room].remove(sid);
        updateMemberCount(room);
    }
    if (const auto typers = m_typers.find(room); typers != m_typers.end() && typers->remove(sid))
        updateTypingText();
}

void ChatRoomState::updateMemberCount(const QString &room)
{
    m_rooms->setMembers(room, int(m_members.value(room).size()));
}

void ChatRoomState::onMessageReceived(const ChatMessage &message)
{
    // Only rooms we are in: a server that sends messages for any room name it likes (or those
    // in flight after we left) must not create a model and an unread row per name.
    if (!m_members.contains(message.room)) {
        qCDebug(lcApp) << "ignoring a message for" << message.room << "which we are not in";
        return;
    }
    const bool added = messagesOf(message.room)->append(message);
    if (added && message.room != m_currentRoom)
        m_rooms->addUnread(message.room);
    if (added)
        Q_EMIT messageArrived(message);
    // A message ends its author's typing notice.
    if (m_typers[message.room].remove(message.sid) > 0)
        updateTypingText();
}

void ChatRoomState::onTyping(const QString &room, const QString &sid, const QString &name,
                             bool typing)
{
    if (!m_members.contains(room))
        return; // as for messages: only rooms we are in
    if (typing)
        m_typers[room].insert(sid, {name, QDateTime::currentMSecsSinceEpoch() + TypingStaleMs});
    else
        m_typers[room].remove(sid);
    updateTypingText();
}

void ChatRoomState::onRenamed(const QString &sid, const QString &, const QString &name)
{
    for (auto it = m_members.begin(); it != m_members.end(); ++it) {
        if (it->contains(sid))
            it->insert(sid, name);
    }
}

void ChatRoomState::onPeers(const QList<Confab::Client::ChatPeer> &peers)
{
    // Every room someone is in, with its head count; ours are counted from their members.
    QHash<QString, int> counts;
    for (const auto &peer : peers) {
        for (const QString &room : peer.rooms)
            ++counts[room];
    }
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (!m_members.contains(it.key()))
            m_rooms->setMembers(it.key(), it.value());
    }
}

void ChatRoomState::updateTypingText()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QStringList names;
    bool any = false;
    for (auto room = m_typers.begin(); room != m_typers.end(); ++room) {
        for (auto it = room->begin(); it != room->end();) {
            if (it->until < now) {
                it = room->erase(it);
                continue;
            }
            any = true;
            if (room.key() == m_currentRoom && it.key() != m_chat->sid())
                names.append(it->name);
            ++it;
        }
    }
    if (any)
        m_typingExpiry.start();
    else
        m_typingExpiry.stop();
    names.sort();
    QString text;
    if (names.size() == 1)
        text = tr("%1 is typing…").arg(names.constFirst());
    else if (names.size() == 2)
        text = tr("%1 and %2 are typing…").arg(names.at(0), names.at(1));
    else if (names.size() > 2)
        text = tr("%n people are typing…", nullptr, int(names.size()));
    if (text == m_typingText)
        return;
    m_typingText = text;
    Q_EMIT typingTextChanged();
}

// --- user actions ---

void ChatRoomState::joinRoom(const QString &room)
{
    const QString name = room.trimmed();
    if (name.isEmpty())
        return;
    if (m_chat->rooms().contains(name)) {
        setCurrentRoom(name);
        return;
    }
    m_autoOpenRoom = name;
    m_chat->joinRoom(name);
}

void ChatRoomState::leaveRoom(const QString &room)
{
    m_chat->leaveRoom(room);
}

QString ChatRoomState::sendMessage(const QString &text)
{
    if (m_currentRoom.isEmpty())
        return {};
    m_typingIdle.stop();
    return m_chat->sendMessage(m_currentRoom, text);
}

bool ChatRoomState::retryMessage(const QString &clientId)
{
    return m_chat->retry(clientId);
}

void ChatRoomState::loadOlder()
{
    if (m_currentRoom.isEmpty() || m_loadingOlder || !m_chat->socket()->isConnected())
        return;
    MessageListModel *model = messagesOf(m_currentRoom);
    if (model->historyComplete())
        return;
    setLoadingOlder(true);
    m_chat->requestHistory(m_currentRoom, model->oldestId(), HistoryPage);
}

void ChatRoomState::composerEdited(const QString &text)
{
    if (m_currentRoom.isEmpty())
        return;
    const bool typing = !text.trimmed().isEmpty();
    m_chat->setTyping(m_currentRoom, typing);
    if (typing)
        m_typingIdle.start();
    else
        m_typingIdle.stop();
}

} // namespace Confab::App
