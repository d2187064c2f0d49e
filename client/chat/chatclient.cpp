// SPDX-License-Identifier: MIT
#include "chatclient.h"

#include "chatclientlogging.h"

#include <QtCore/QMessageAuthenticationCode>
#include <QtCore/QPointer>
#include <QtCore/QUuid>

using namespace Qt::StringLiterals;

namespace Confab::Client {

namespace Event = ChatProtocol::Event;
namespace Field = ChatProtocol::Field;

namespace {

QVariantMap firstMap(const QVariantList &args)
{
    return args.isEmpty() ? QVariantMap() : args.constFirst().toMap();
}

//! The reply of an acked request: {"ok": true, ...} or {"ok": false, "error"}; \a error says
//! why when it is not a success (including timeouts and lost connections).
bool replyOk(const AckResult &result, QVariantMap *reply, QString *error)
{
    switch (result.status) {
    case AckStatus::Acknowledged:
        break;
    case AckStatus::TimedOut:
        *error = ChatClient::tr("No answer from the host");
        return false;
    case AckStatus::Disconnected:
        *error = ChatClient::tr("The connection was lost");
        return false;
    case AckStatus::NotSent:
        *error = ChatClient::tr("Not sent: not connected");
        return false;
    }
    *reply = firstMap(result.args);
    if (reply->value(Field::Ok).toBool())
        return true;
    *error = reply->value(Field::Error).toString();
    if (error->isEmpty())
        *error = ChatClient::tr("The host refused the request");
    return false;
}

QList<ChatMessage> messagesFrom(const QVariant &list)
{
    QList<ChatMessage> messages;
    const QVariantList items = list.toList();
    messages.reserve(items.size());
    for (const QVariant &item : items) {
        bool ok = false;
        ChatMessage message = ChatMessage::fromVariant(item, &ok);
        if (ok)
            messages.append(message);
    }
    return messages;
}

} // namespace

ChatClient::ChatClient(SocketIoClient *socket, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
{
    Q_ASSERT(socket);
    connect(m_socket, &SocketIoClient::connected, this, &ChatClient::onConnected);
    connect(m_socket, &SocketIoClient::disconnected, this,
            [this](const QString &nsp, SocketIoClient::DisconnectReason) {
                if (nsp != ChatProtocol::Namespace)
                    return;
                // The host forgets the sid's rooms and typing state with the connection.
                m_joinedNow.clear();
                m_typing.clear();
            });
    connect(m_socket, &SocketIoClient::eventReceived, this,
            [this](const QString &nsp, const QString &event, const QVariantList &args,
                   const AckHandle &) { onEvent(nsp, event, args); });
}

ChatClient::~ChatClient() = default;

QString ChatClient::serverOrigin(const QUrl &url)
{
    QString scheme = url.scheme().toLower();
    if (scheme == u"ws"_s)
        scheme = u"http"_s;
    else if (scheme == u"wss"_s)
        scheme = u"https"_s;
    const int port = url.port(scheme == u"https"_s ? 443 : 80);
    QString host = url.host(QUrl::FullyEncoded).toLower();
    if (host.contains(u':'))
        host = u'[' + host + u']';
    return u"%1://%2:%3"_s.arg(scheme, host).arg(port);
}

QString ChatClient::deviceIdFor(const QString &installId, const QString &scope)
{
    return QString::fromLatin1(QMessageAuthenticationCode::hash(scope.toUtf8(), installId.toUtf8(),
                                                                QCryptographicHash::Sha256)
                                       .toHex());
}

void ChatClient::connectToHost(const QUrl &url, const QString &name, const QString &password,
                               const QString &deviceScope)
{
    disconnectFromHost();
    // Another host (or a new session with this one): its ids mean nothing to what we hold.
    m_lastIds.clear();
    m_catchingUp.clear();
    m_deviceId = m_installId.isEmpty()
            ? QString()
            : deviceIdFor(m_installId, deviceScope.isEmpty() ? serverOrigin(url) : deviceScope);
    const QString wanted = name.trimmed();
    if (wanted != m_name) {
        m_name = wanted;
        Q_EMIT nameChanged(m_name);
    }
    m_password = password;

    ClientOptions options = m_socket->options();
    // A join link's "#fp=" pins the host's certificate and makes the connection TLS; without
    // it no pin is kept from an earlier host.
    const JoinLink link = parseJoinLink(url);
    options.url = link.url;
    options.trustedCertificateSha256 = link.pin;
    options.namespaces = {ChatProtocol::Namespace};
    // Evaluated for every CONNECT: after a rename, a reconnection asks for the new name.
    options.authProvider = [self = QPointer<ChatClient>(this)](const QString &) -> QVariant {
        if (!self)
            return {};
        QVariantMap auth;
        if (!self->m_name.isEmpty())
            auth.insert(Field::Name, self->m_name);
        if (!self->m_password.isEmpty())
            auth.insert(Field::Password, self->m_password);
        if (!self->m_deviceId.isEmpty())
            auth.insert(Field::Device, self->m_deviceId);
        return auth;
    };
    m_socket->setOptions(options);
    m_socket->open();
}

void ChatClient::disconnectFromHost()
{
    if (m_socket->state() != SocketIoClient::State::Disconnected)
        m_socket->close();
    m_rooms.clear();
    m_joinedNow.clear();
    m_typing.clear();
    m_outgoing.clear();
    m_outgoingOrder.clear();
    m_failed.clear();
    m_sid.clear();
}

bool ChatClient::isOnline() const
{
    return m_socket->isConnected(ChatProtocol::Namespace);
}

ChatMessage ChatClient::markOwn(ChatMessage message) const
{
    message.own = m_ownSids.contains(message.sid);
    return message;
}

void ChatClient::markOwn(QList<ChatMessage> &messages, const QVariant &ownIds) const
{
    // The host lists the ids this install sent, in earlier runs too (our "device").
    QSet<qint64> own;
    const QVariantList ids = ownIds.toList();
    for (const QVariant &id : ids)
        own.insert(id.toLongLong());
    for (ChatMessage &message : messages) {
        message = markOwn(message);
        message.own = message.own || own.contains(message.id);
    }
}

void ChatClient::emitTracked(const QString &event, const QVariantList &args)
{
    if (m_socket->emitEvent(event, args, ChatProtocol::Namespace, SocketIoClient::Volatile))
        Q_EMIT eventSent(ChatProtocol::Namespace, event, args);
}

void ChatClient::emitTrackedWithAck(const QString &event, const QVariantList &args,
                                    std::function<void(const AckResult &)> callback)
{
    qCDebug(lcChatClient) << "emit" << event;
    if (m_socket->emitWithAck(event, args, this, std::move(callback), AckTimeout,
                              ChatProtocol::Namespace))
        Q_EMIT eventSent(ChatProtocol::Namespace, event, args);
}

void ChatClient::onConnected(const QString &nsp, const QString &sid)
{
    if (nsp != ChatProtocol::Namespace)
        return;
    m_sid = sid;
    m_ownSids.insert(sid);
    // A new sid is in no room: join ours again. Queued messages follow each room's join ack,
    // because the host refuses messages to rooms we are not in.
    for (const QString &room : std::as_const(m_rooms))
        sendJoin(room);
    // Messages to rooms we never joined go now (the host will say why it refuses them).
    for (const QString &clientId : std::as_const(m_outgoingOrder)) {
        const auto it = m_outgoing.constFind(clientId);
        if (it != m_outgoing.cend() && !it->inFlight && !m_rooms.contains(it->message.room))
            sendOutgoing(clientId);
    }
}

void ChatClient::onEvent(const QString &nsp, const QString &event, const QVariantList &args)
{
    if (nsp != ChatProtocol::Namespace)
        return;
    const QVariantMap payload = firstMap(args);
    if (event == Event::Welcome) {
        onWelcome(payload);
    } else if (event == Event::Message) {
        onMessage(payload);
    } else if (event == Event::Joined) {
        Q_EMIT memberJoined(payload.value(Field::Room).toString(),
                            payload.value(Field::Sid).toString(),
                            payload.value(Field::Name).toString());
    } else if (event == Event::Left) {
        Q_EMIT memberLeft(payload.value(Field::Room).toString(),
                          payload.value(Field::Sid).toString(),
                          payload.value(Field::Name).toString());
    } else if (event == Event::Room) {
        const QString room = payload.value(Field::Name).toString();
        if (!room.isEmpty())
            Q_EMIT roomUpdated(room, payload.value(Field::Members).toInt());
    } else if (event == Event::Typing) {
        Q_EMIT typingChanged(
                payload.value(Field::Room).toString(), payload.value(Field::Sid).toString(),
                payload.value(Field::Name).toString(), payload.value(Field::Typing).toBool());
    } else if (event == Event::Renamed) {
        const QString sid = payload.value(Field::Sid).toString();
        const QString name = payload.value(Field::Name).toString();
        if (sid == m_sid && name != m_name) {
            m_name = name;
            Q_EMIT nameChanged(m_name);
        }
        Q_EMIT renamed(sid, payload.value(Field::Old).toString(), name);
    }
}

void ChatClient::onWelcome(const QVariantMap &payload)
{
    m_sid = payload.value(Field::Sid).toString();
    m_ownSids.insert(m_sid);
    const QString name = payload.value(Field::Name).toString();
    if (name != m_name) {
        m_name = name;
        Q_EMIT nameChanged(m_name);
    }
    QList<ChatRoomSummary> rooms;
    const QVariantList list = payload.value(Field::Rooms).toList();
    for (const QVariant &item : list) {
        const QVariantMap room = item.toMap();
        rooms.append({room.value(Field::Name).toString(), room.value(Field::Members).toInt()});
    }
    qCInfo(lcChatClient) << "welcomed as" << m_name << "sid" << m_sid;
    Q_EMIT welcomed(m_name, m_sid, rooms);
}

void ChatClient::onMessage(const QVariantMap &payload)
{
    bool ok = false;
    ChatMessage message = ChatMessage::fromVariant(payload, &ok);
    if (!ok) {
        qCWarning(lcChatClient) << "ignoring a malformed message event";
        return;
    }
    if (const auto held = m_catchingUp.find(message.room); held != m_catchingUp.end()) {
        // After what the room's catch-up brings, so that the view stays in order.
        if (held->size() < MaxCatchUp)
            held->append(payload);
        return;
    }
    noteLastId(message.room, message.id);
    // Ours only if the host says it came from one of our connections: anyone who saw one of
    // our client ids can send with it.
    if (m_ownSids.contains(message.sid) && !message.clientId.isEmpty()
        && m_ownClientIds.contains(message.clientId)) {
        // The echo of one of ours. Its ack came first (the host acks, then broadcasts), so
        // normally there is nothing left to do; if the ack was lost, the echo settles it.
        const auto it = m_outgoing.find(message.clientId);
        if (it != m_outgoing.end()) {
            message.own = true;
            message.deliveryState = ChatMessage::DeliveryState::Sent;
            m_outgoing.erase(it);
            m_outgoingOrder.removeOne(message.clientId);
            Q_EMIT messageUpdated(message);
        }
        return;
    }
    Q_EMIT messageReceived(markOwn(message));
}

void ChatClient::joinRoom(const QString &room)
{
    const QString name = room.trimmed();
    if (name.isEmpty())
        return;
    if (!m_rooms.contains(name))
        m_rooms.append(name);
    if (isOnline())
        sendJoin(name);
}

void ChatClient::sendJoin(const QString &room)
{
    emitTrackedWithAck(
            Event::Join, {QVariantMap{{Field::Room, room}}}, [this, room](const AckResult &r) {
                QVariantMap reply;
                QString error;
                if (!replyOk(r, &reply, &error)) {
                    if (r.status == AckStatus::Disconnected)
                        return; // joined again after the reconnection
                    m_rooms.removeOne(room);
                    Q_EMIT requestFailed(Event::Join, room, error);
                    return;
                }
                if (!m_rooms.contains(room))
                    return; // left meanwhile
                m_joinedNow.insert(room);
                QList<ChatMember> members;
                const QVariantList list = reply.value(Field::Members).toList();
                for (const QVariant &item : list) {
                    const QVariantMap member = item.toMap();
                    members.append({member.value(Field::Sid).toString(),
                                    member.value(Field::Name).toString()});
                }
                QList<ChatMessage> history = messagesFrom(reply.value(Field::History));
                markOwn(history, reply.value(Field::Own));
                const qint64 last = m_lastIds.value(room, 0);
                // A gap between what we hold and the latest history: fetch it first. (Ids
                // at or below ours mean a host that lost its history: nothing to fetch.)
                if (last > 0 && !history.isEmpty() && history.constFirst().id > last + 1) {
                    m_catchingUp.insert(room, {});
                    catchUp(room, members, last, {}, history);
                    return;
                }
                finishJoin(room, members, history);
            });
}

void ChatClient::catchUp(const QString &room, const QList<ChatMember> &members, qint64 after,
                         QList<ChatMessage> collected, const QList<ChatMessage> &latest)
{
    constexpr int Page = 200; // the host's largest page
    const QVariantMap request{{Field::Room, room}, {Field::After, after}, {Field::Limit, Page}};
    emitTrackedWithAck(
            Event::History, {request},
            [this, room, members, collected = std::move(collected), latest](const AckResult &r) {
                QList<ChatMessage> all = collected;
                QVariantMap reply;
                QString error;
                if (!replyOk(r, &reply, &error)) {
                    if (r.status == AckStatus::Disconnected) {
                        // The rejoin after the reconnection starts it again.
                        m_catchingUp.remove(room);
                        return;
                    }
                    // A host without `after` (older): at least the latest history.
                    qCInfo(lcChatClient) << "catching up" << room << "failed:" << error;
                    finishJoin(room, members, all + latest);
                    return;
                }
                if (!m_rooms.contains(room)) {
                    m_catchingUp.remove(room);
                    return; // left meanwhile
                }
                QList<ChatMessage> page = messagesFrom(reply.value(Field::Messages));
                markOwn(page, reply.value(Field::Own));
                const qint64 firstLatest = latest.constFirst().id;
                bool met = page.size() < Page;
                for (const ChatMessage &message : std::as_const(page)) {
                    if (message.id >= firstLatest) {
                        met = true;
                        break;
                    }
                    all.append(message);
                }
                if (met || page.isEmpty() || all.size() >= MaxCatchUp)
                    finishJoin(room, members, all + latest);
                else
                    catchUp(room, members, all.constLast().id, all, latest);
            });
}

void ChatClient::finishJoin(const QString &room, const QList<ChatMember> &members,
                            const QList<ChatMessage> &history)
{
    const QList<QVariantMap> held = m_catchingUp.take(room);
    for (const ChatMessage &message : history)
        noteLastId(room, message.id);
    Q_EMIT roomJoined(room, members, history);
    for (const QVariantMap &payload : held)
        onMessage(payload);

    for (const QString &clientId : std::as_const(m_outgoingOrder)) {
        const auto it = m_outgoing.constFind(clientId);
        if (it != m_outgoing.cend() && !it->inFlight && it->message.room == room)
            sendOutgoing(clientId);
    }
}

void ChatClient::noteLastId(const QString &room, qint64 id)
{
    qint64 &last = m_lastIds[room];
    last = qMax(last, id);
}

void ChatClient::leaveRoom(const QString &room)
{
    if (!m_rooms.removeOne(room))
        return;
    m_joinedNow.remove(room);
    m_typing.remove(room);
    m_lastIds.remove(room); // joined again later: its latest history, not all since
    m_catchingUp.remove(room);
    if (isOnline()) {
        emitTrackedWithAck(
                Event::Leave, {QVariantMap{{Field::Room, room}}}, [this, room](const AckResult &r) {
                    QVariantMap reply;
                    QString error;
                    if (!replyOk(r, &reply, &error) && r.status == AckStatus::Acknowledged)
                        Q_EMIT requestFailed(Event::Leave, room, error);
                });
    }
    Q_EMIT roomLeft(room);
}

QString ChatClient::sendMessage(const QString &room, const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || room.isEmpty())
        return {};
    ChatMessage message;
    message.clientId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    message.room = room;
    message.sid = m_sid;
    message.name = m_name;
    message.text = trimmed;
    message.timestamp = QDateTime::currentDateTimeUtc();
    message.own = true;
    message.deliveryState = ChatMessage::DeliveryState::Sending;

    m_ownClientIds.insert(message.clientId);
    m_outgoing.insert(message.clientId, {message, false});
    m_outgoingOrder.append(message.clientId);
    Q_EMIT messageSent(message);

    // Sending means we stopped typing; the host clears nothing by itself.
    setTyping(room, false);
    if (isOnline() && (m_joinedNow.contains(room) || !m_rooms.contains(room)))
        sendOutgoing(message.clientId);
    return message.clientId;
}

bool ChatClient::retry(const QString &clientId)
{
    auto it = m_failed.find(clientId);
    if (it == m_failed.end())
        return false;
    ChatMessage message = *it;
    m_failed.erase(it);
    message.deliveryState = ChatMessage::DeliveryState::Sending;
    message.error.clear();
    m_outgoing.insert(clientId, {message, false});
    m_outgoingOrder.append(clientId);
    Q_EMIT messageUpdated(message);
    if (isOnline() && (m_joinedNow.contains(message.room) || !m_rooms.contains(message.room)))
        sendOutgoing(clientId);
    return true;
}

void ChatClient::sendOutgoing(const QString &clientId)
{
    auto it = m_outgoing.find(clientId);
    if (it == m_outgoing.end())
        return;
    it->inFlight = true;
    const ChatMessage &message = it->message;
    emitTrackedWithAck(
            Event::Message,
            {QVariantMap{{Field::Room, message.room},
                         {Field::Text, message.text},
                         {Field::Id, message.clientId}}},
            [this, clientId](const AckResult &result) { finishOutgoing(clientId, result); });
}

void ChatClient::finishOutgoing(const QString &clientId, const AckResult &result)
{
    auto it = m_outgoing.find(clientId);
    if (it == m_outgoing.end())
        return;
    if (result.status == AckStatus::Disconnected) {
        // It may have been stored. Send it again after the reconnection: the host recognises
        // the client id and acks the stored copy instead of storing a second one.
        it->inFlight = false;
        qCInfo(lcChatClient) << "message" << clientId << "waits for the reconnection";
        return;
    }
    ChatMessage message = it->message;
    m_outgoing.erase(it);
    m_outgoingOrder.removeOne(clientId);

    QVariantMap reply;
    QString error;
    if (replyOk(result, &reply, &error)) {
        message.id = reply.value(Field::Id).toLongLong();
        noteLastId(message.room, message.id);
        const qint64 ts = reply.value(Field::Ts).toLongLong();
        if (ts > 0)
            message.timestamp = QDateTime::fromMSecsSinceEpoch(ts, Qt::UTC);
        message.deliveryState = ChatMessage::DeliveryState::Sent;
    } else {
        message.deliveryState = ChatMessage::DeliveryState::Failed;
        message.error = error;
        m_failed.insert(clientId, message);
        qCInfo(lcChatClient) << "message" << clientId << "failed:" << error;
    }
    Q_EMIT messageUpdated(message);
}

void ChatClient::requestHistory(const QString &room, qint64 before, int limit)
{
    QVariantMap request{{Field::Room, room}, {Field::Limit, limit}};
    if (before > 0)
        request.insert(Field::Before, before);
    emitTrackedWithAck(Event::History, {request}, [this, room](const AckResult &r) {
        QVariantMap reply;
        QString error;
        if (!replyOk(r, &reply, &error)) {
            Q_EMIT requestFailed(Event::History, room, error);
            return;
        }
        QList<ChatMessage> messages = messagesFrom(reply.value(Field::Messages));
        markOwn(messages, reply.value(Field::Own));
        Q_EMIT historyReceived(room, messages);
    });
}

void ChatClient::setTyping(const QString &room, bool typing)
{
    if (m_typing.value(room, false) == typing || !isOnline())
        return;
    m_typing.insert(room, typing);
    // Volatile: a typing notice that cannot leave now is worthless later.
    emitTracked(Event::Typing, {QVariantMap{{Field::Room, room}, {Field::Typing, typing}}});
}

void ChatClient::rename(const QString &name)
{
    const QString wanted = name.trimmed();
    if (wanted.isEmpty() || wanted == m_name)
        return;
    emitTrackedWithAck(Event::Rename, {QVariantMap{{Field::Name, wanted}}},
                       [this](const AckResult &r) {
                           QVariantMap reply;
                           QString error;
                           if (!replyOk(r, &reply, &error)) {
                               Q_EMIT requestFailed(Event::Rename, {}, error);
                               return;
                           }
                           const QString given = reply.value(Field::Name).toString();
                           if (!given.isEmpty() && given != m_name) {
                               m_name = given;
                               Q_EMIT nameChanged(m_name);
                           }
                       });
}

void ChatClient::who()
{
    emitTrackedWithAck(Event::Who, {}, [this](const AckResult &r) {
        QVariantMap reply;
        QString error;
        if (!replyOk(r, &reply, &error)) {
            Q_EMIT requestFailed(Event::Who, {}, error);
            return;
        }
        QList<ChatPeer> peers;
        const QVariantList list = reply.value(Field::Sids).toList();
        for (const QVariant &item : list) {
            const QVariantMap entry = item.toMap();
            ChatPeer peer;
            peer.sid = entry.value(Field::Sid).toString();
            peer.name = entry.value(Field::Name).toString();
            peer.rooms = entry.value(Field::Rooms).toStringList();
            peer.transport = entry.value(Field::Transport).toString();
            peer.since = QDateTime::fromMSecsSinceEpoch(entry.value(Field::Since).toLongLong(),
                                                        Qt::UTC);
            peer.address = entry.value(Field::Address).toString();
            peers.append(peer);
        }
        Q_EMIT peersReceived(peers);
    });
}

void ChatClient::emitRaw(const QString &event, const QVariantList &args, bool wantAck)
{
    if (!wantAck) {
        if (m_socket->emitEvent(event, args, ChatProtocol::Namespace))
            Q_EMIT eventSent(ChatProtocol::Namespace, event, args);
        else
            Q_EMIT rawReplyReceived(event, false, {}, tr("Not sent: not connected"));
        return;
    }
    const bool sent = m_socket->emitWithAck(
            event, args, this,
            [this, event](const AckResult &r) {
                QString error;
                switch (r.status) {
                case AckStatus::Acknowledged:
                    break;
                case AckStatus::TimedOut:
                    error = tr("No answer within %1 s").arg(AckTimeout.count() / 1000);
                    break;
                case AckStatus::Disconnected:
                    error = tr("The connection was lost");
                    break;
                case AckStatus::NotSent:
                    error = tr("Not sent: not connected");
                    break;
                }
                Q_EMIT rawReplyReceived(event, r.ok(), r.args, error);
            },
            AckTimeout, ChatProtocol::Namespace);
    if (sent)
        Q_EMIT eventSent(ChatProtocol::Namespace, event, args);
}

} // namespace Confab::Client
