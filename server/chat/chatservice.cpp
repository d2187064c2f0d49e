// SPDX-License-Identifier: MIT
#include "chatservice.h"

#include "chatlogging.h"
#include "socketioserver.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QPointer>
#include <QtCore/QRandomGenerator>

#include <algorithm>
#include <vector>

using namespace Qt::StringLiterals;

namespace Confab {

namespace Event = ChatProtocol::Event;
namespace Field = ChatProtocol::Field;

namespace {

QVariantList failure(const QString &error)
{
    return {QVariantMap{{Field::Ok, false}, {Field::Error, error}}};
}

QVariantList success(QVariantMap fields = {})
{
    fields.insert(Field::Ok, true);
    return {fields};
}

//! The event's payload object, or nullptr when the client sent something else.
const QVariantMap *payload(const QVariantList &args)
{
    if (args.isEmpty() || args.first().typeId() != QMetaType::QVariantMap)
        return nullptr;
    return static_cast<const QVariantMap *>(args.first().constData());
}

//! A string field, trimmed; nullopt when missing or not a string.
std::optional<QString> stringField(const QVariantMap &map, const QString &key)
{
    const QVariant value = map.value(key);
    if (value.typeId() != QMetaType::QString)
        return std::nullopt;
    return value.toString().trimmed();
}

const QString BadRoom = u"room must be a string of 1-64 characters"_s;
const QString BadRoomText = u"room names must be plain text: no control, zero-width or bidi "
                            u"characters, no line breaks or repeated spaces, and in Unicode NFC"_s;
const QString BadPayload = u"payload must be an object"_s;
const QString StorageFull = u"storage full: the host cannot store more messages"_s;
const QString StorageFailed = u"storage failed"_s;

//! The error to answer a request's "room" field with, or empty with \a room set. Rooms are
//! refused rather than cleaned: a client that asked for one room must not find itself in
//! another.
QString checkRoom(const QVariantMap &map, QString *room)
{
    const auto value = stringField(map, Field::Room);
    if (!value || value->isEmpty() || value->size() > ChatService::MaxRoomLength)
        return BadRoom;
    if (!Names::isNormalized(*value, ChatService::MaxRoomLength))
        return BadRoomText;
    *room = *value;
    return {};
}

//! What the room events share: an object payload naming a valid room.
struct RoomRequest
{
    const QVariantMap *map = nullptr;
    QString room;
    QVariantList failure; //!< the ack to answer with when the request is not valid
    bool ok() const { return failure.isEmpty(); }
};

RoomRequest roomRequest(const QVariantList &args)
{
    RoomRequest request;
    request.map = payload(args);
    if (!request.map) {
        request.failure = failure(BadPayload);
        return request;
    }
    if (const QString error = checkRoom(*request.map, &request.room); !error.isEmpty())
        request.failure = failure(error);
    return request;
}

} // namespace

ChatService::ChatService(SocketIoServer *server, ChatStore *store, const ChatOptions &options,
                         QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_store(store)
    , m_options(options)
    , m_gate(options.password)
{
    m_clock.start();
    m_announceTimer.setInterval(m_options.roomAnnounceInterval);
    connect(&m_announceTimer, &QTimer::timeout, this, &ChatService::announcePending);

    server->onConnect([this](const QString &sid, const Environ &environ, const QVariant &auth) {
        const QVariantMap map = auth.toMap();
        if (m_gate.isEnabled()) {
            const QVariant password = map.value(Field::Password);
            const auto verdict = m_gate.check(
                    environ.remoteAddress(),
                    password.typeId() == QMetaType::QString ? password.toString() : QString(),
                    std::chrono::milliseconds(m_clock.elapsed()));
            if (!verdict.accepted)
                return ConnectResult::refuse(verdict.refusal);
        }
        QString wanted = Names::normalize(map.value(Field::Name).toString(), MaxNameLength);
        if (wanted.isEmpty())
            wanted = u"guest-%1"_s.arg(QRandomGenerator::global()->bounded(0x10000), 4, 16,
                                       QChar(u'0'));
        Member member;
        member.sid = sid;
        member.name = m_names.claim(wanted, MaxNameLength);
        // Only a hash is kept, so that the store never holds what a client could replay.
        const QString device = map.value(Field::Device).toString().trimmed();
        if (!device.isEmpty() && device.size() <= MaxDeviceLength)
            member.author = QString::fromLatin1(
                    QCryptographicHash::hash(device.toUtf8(), QCryptographicHash::Sha256).toHex());
        member.since = QDateTime::currentDateTimeUtc();
        member.messages.fill(m_options.rateBurst);
        member.events.fill(m_options.eventRateBurst);
        m_members.insert(sid, member);
        if (environ.recovered) {
            // Connection state recovery gave the socket back its rooms (and what it missed
            // in them): the chat's side of them, rosters and `joined` notices, follows as a
            // join. A room it may no longer join is left, so that it hears nothing of it.
            const QStringList keys = m_server->rooms(sid);
            for (const QString &key : keys) {
                if (!key.startsWith(roomKey({})))
                    continue;
                const QVariantList reply
                        = onJoin(sid, {QVariantMap{{Field::Room, key.mid(roomKey({}).size())}}});
                if (!reply.value(0).toMap().value(Field::Ok).toBool())
                    m_server->leaveRoom(sid, key);
            }
        }
        const auto [rooms, moreRooms] = roomList();
        // Sent after the CONNECT ack (the server holds it back until then).
        m_server->emitEvent(
                Event::Welcome,
                {QVariantMap{{Field::Sid, sid},
                             {Field::Name, member.name},
                             {Field::Server,
                              QVariantMap{{Field::Name, m_options.serverName},
                                          {Field::Version, QStringLiteral(CONFAB_VERSION)}}},
                             {Field::Rooms, rooms},
                             {Field::MoreRooms, moreRooms}}},
                {{sid}, {}, ChatProtocol::Namespace});
        return ConnectResult::accept();
    });
    // Rooms of an existing store keep their names: no look-alike of them can be created.
    const QStringList storedRooms = m_store->rooms();
    for (const QString &room : storedRooms) {
        const QString key = Names::skeleton(room);
        if (!m_roomSkeletons.contains(key)) // look-alikes of an older version: the first
            m_roomSkeletons.insert(key, {room, true});
    }

    server->onDisconnect(
            [this](const QString &sid, SocketIoServer::DisconnectReason) { onDisconnected(sid); });

    const auto bind =
            [this](const QString &event,
                   QVariantList (ChatService::*handler)(const QString &, const QVariantList &)) {
                m_server->on(event, [this, handler](const QString &sid, const QVariantList &args) {
                    const auto member = m_members.find(sid);
                    if (member == m_members.end())
                        return failure(u"not connected"_s);
                    // Every event costs the host (a join tells everyone), not only messages.
                    if (!member->events.take(m_options.eventRateLimit, m_options.eventRateBurst))
                        return failure(u"rate limit exceeded"_s);
                    return (this->*handler)(sid, args);
                });
            };
    bind(Event::Join, &ChatService::onJoin);
    bind(Event::Leave, &ChatService::onLeave);
    bind(Event::History, &ChatService::onHistory);
    bind(Event::Typing, &ChatService::onTyping);
    bind(Event::Rename, &ChatService::onRename);
    bind(Event::Who, &ChatService::onWho);

    server->onAsync(
            Event::Message, [this](const QString &sid, const QVariantList &args, const Ack &ack) {
                auto member = m_members.find(sid);
                // Before any other check: a refused message costs an answer too.
                if (member != m_members.end()
                    && !member->messages.take(m_options.rateLimit, m_options.rateBurst)) {
                    ack(failure(u"rate limit exceeded"_s));
                    return;
                }
                const QVariantMap *map = payload(args);
                if (member == m_members.end() || !map) {
                    ack(failure(BadPayload));
                    return;
                }
                QString room;
                if (const QString error = checkRoom(*map, &room); !error.isEmpty()) {
                    ack(failure(error));
                    return;
                }
                if (!member->rooms.contains(room)) {
                    ack(failure(u"not a member of %1"_s.arg(room)));
                    return;
                }
                const auto text = stringField(*map, Field::Text);
                if (!text || text->isEmpty() || text->size() > MaxTextLength) {
                    ack(failure(u"text must be 1-16000 characters"_s));
                    return;
                }
                QString clientId;
                const QVariant id = map->value(Field::Id);
                if (id.typeId() == QMetaType::QString)
                    clientId = id.toString();
                else if (id.isValid() && id.typeId() != QMetaType::Nullptr) {
                    ack(failure(u"id must be a string"_s));
                    return;
                }
                if (clientId.size() > MaxClientIdLength) {
                    ack(failure(u"id must be at most 64 characters"_s));
                    return;
                }
                // The room now has history: its name stays reserved when it empties.
                if (const auto roster = m_rooms.find(room); roster != m_rooms.end())
                    roster->stored = true;
                ChatMessage draft;
                draft.room = room;
                draft.sid = sid;
                draft.name = member->name;
                draft.text = *text;
                draft.clientId = clientId;
                draft.author = member->author;
                QPointer<ChatService> self(this);
                m_store->append(draft,
                                [self, ack](const ChatMessage &stored, bool duplicate,
                                            const QString &error) {
                                    if (!self)
                                        return;
                                    if (!error.isEmpty()) {
                                        ack(failure(ChatStore::isFullError(error) ? StorageFull
                                                                                  : StorageFailed));
                                        return;
                                    }
                                    ack(success({{Field::Id, stored.id}, {Field::Ts, stored.ts}}));
                                    if (duplicate)
                                        return; // the room got it the first time
                                    self->m_server->emitEvent(
                                            Event::Message, {stored.toVariant()},
                                            {{roomKey(stored.room)}, {}, ChatProtocol::Namespace});
                                    Q_EMIT self->messageStored(stored);
                                });
            });

    server->onAny(
            [this](const QString &sid, const QString &event, const QVariantList &, const Ack &ack) {
                const auto member = m_members.find(sid);
                if (member != m_members.end()
                    && !member->events.take(m_options.eventRateLimit, m_options.eventRateBurst)) {
                    ack(failure(u"rate limit exceeded"_s));
                    return;
                }
                ack(failure(u"unknown event %1"_s.arg(event)));
            });
}

ChatService::~ChatService() = default;

void ChatService::Roster::insert(const QString &name, const QString &sid)
{
    const std::pair<QString, QString> key{name, sid};
    const auto at = std::lower_bound(byName.cbegin(), byName.cend(), key) - byName.cbegin();
    byName.insert(at, key);
    entries.insert(at, QVariantMap{{Field::Sid, sid}, {Field::Name, name}});
}

void ChatService::Roster::remove(const QString &name, const QString &sid)
{
    const std::pair<QString, QString> key{name, sid};
    const auto it = std::lower_bound(byName.cbegin(), byName.cend(), key);
    if (it == byName.cend() || *it != key)
        return;
    const auto at = it - byName.cbegin();
    byName.remove(at);
    entries.remove(at);
}

QString ChatService::displayRoom(const QString &socketIoRoom)
{
    const QString prefix = roomKey({});
    return socketIoRoom.startsWith(prefix) ? socketIoRoom.mid(prefix.size()) : socketIoRoom;
}

QString ChatService::nameOf(const QString &sid) const
{
    const auto it = m_members.constFind(sid);
    return it != m_members.cend() ? it->name : QString();
}

QHash<QString, int> ChatService::activeRooms() const
{
    QHash<QString, int> rooms;
    for (auto it = m_rooms.cbegin(); it != m_rooms.cend(); ++it)
        rooms.insert(it.key(), int(it->size()));
    return rooms;
}

std::pair<QVariantList, bool> ChatService::roomList() const
{
    // Sent on every connect, so bounded whatever the number of rooms: the busiest rooms with
    // members first, then rooms that only have messages (the store's first ones by name).
    const qsizetype limit = qMax(0, m_options.welcomeRooms);
    std::vector<std::pair<int, const QString *>> active; // (-members, name)
    active.reserve(m_rooms.size());
    for (auto it = m_rooms.cbegin(); it != m_rooms.cend(); ++it)
        active.emplace_back(-int(it->size()), &it.key());
    const auto byCount = [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first < b.first : *a.second < *b.second;
    };
    const qsizetype shown = qMin(qsizetype(active.size()), limit);
    std::partial_sort(active.begin(), active.begin() + shown, active.end(), byCount);
    QList<std::pair<QString, int>> rooms;
    rooms.reserve(limit);
    for (qsizetype i = 0; i < shown; ++i)
        rooms.append({*active[i].second, -active[i].first});
    bool more = qsizetype(active.size()) > limit;
    if (!more) {
        // At most m_rooms.size() of the store's first limit + 1 rooms have members, so this
        // finds every room still missing, and tells whether there are more.
        const QStringList stored = m_store->rooms(int(limit) + 1);
        for (const QString &name : stored) {
            if (m_rooms.contains(name))
                continue;
            if (rooms.size() == limit) {
                more = true;
                break;
            }
            rooms.append({name, 0});
        }
    }
    std::sort(rooms.begin(), rooms.end());
    QVariantList list;
    list.reserve(rooms.size());
    for (const auto &[name, members] : std::as_const(rooms))
        list.append(QVariantMap{{Field::Name, name}, {Field::Members, members}});
    return {list, more};
}

bool ChatService::TokenBucket::take(double rate, int burst)
{
    const double elapsed = refill.restart() / 1000.0;
    tokens = qMin(double(burst), tokens + elapsed * rate);
    if (tokens < 1)
        return false;
    tokens -= 1;
    return true;
}

QVariantList ChatService::onJoin(const QString &sid, const QVariantList &args)
{
    const RoomRequest request = roomRequest(args);
    if (!request.ok())
        return request.failure;
    Member &member = m_members[sid];
    if (!member.rooms.contains(request.room)) {
        if (member.rooms.size() >= m_options.maxRoomsPerClient)
            return failure(u"too many rooms: leave one first (at most %1 per connection)"_s.arg(
                    m_options.maxRoomsPerClient));
        if (!m_rooms.contains(request.room) && m_rooms.size() >= m_options.maxRooms)
            return failure(u"the host has too many rooms open; join an existing one"_s);
        auto roster = m_rooms.find(request.room);
        if (roster == m_rooms.end()) {
            // A room comes to life: unless it is the very room, a look-alike of a room that
            // exists would let its creator pass for the other room's people.
            const QString key = Names::skeleton(request.room);
            auto named = m_roomSkeletons.find(key);
            // Rooms that already looked alike in a store of an older version stay usable.
            const bool legacy = named != m_roomSkeletons.end() && named->name != request.room
                    && !m_store->history(request.room, 0, 1).isEmpty();
            if (named != m_roomSkeletons.end() && named->name != request.room && !legacy)
                return failure(u"a room named \"%1\" already exists: join it by that name"_s.arg(
                        named->name));
            if (named == m_roomSkeletons.end())
                named = m_roomSkeletons.insert(key, {request.room, false});
            roster = m_rooms.insert(request.room, {});
            roster->stored = named->stored || legacy;
        }
        member.rooms.insert(request.room);
        roster->insert(member.name, sid);
        m_server->enterRoom(sid, roomKey(request.room));
        m_server->emitEvent(Event::Joined,
                            {QVariantMap{{Field::Room, request.room},
                                         {Field::Sid, sid},
                                         {Field::Name, member.name}}},
                            {{roomKey(request.room)}, {}, ChatProtocol::Namespace});
        announceRoom(request.room);
    }
    const QVariantList members = m_rooms.value(request.room).entries;
    QVariantList history;
    const QList<ChatMessage> stored = m_store->history(request.room, 0, m_options.historyOnJoin);
    for (const ChatMessage &m : stored)
        history.append(m.toVariant());
    return success({{Field::Room, request.room},
                    {Field::Members, members},
                    {Field::History, history},
                    {Field::Own, ownIds(sid, stored)}});
}

QVariantList ChatService::ownIds(const QString &sid, const QList<ChatMessage> &messages) const
{
    QVariantList ids;
    const QString author = m_members.value(sid).author;
    if (author.isEmpty())
        return ids;
    for (const ChatMessage &m : messages) {
        if (m.author == author)
            ids.append(m.id);
    }
    return ids;
}

void ChatService::leave(Member &member, const QString &room)
{
    member.rooms.remove(room);
    auto it = m_rooms.find(room);
    if (it != m_rooms.end()) {
        it->remove(member.name, member.sid);
        if (it->size() == 0) {
            const bool stored = it->stored;
            m_rooms.erase(it);
            forgetRoomIfUnused(room, stored);
        }
    }
    m_server->leaveRoom(member.sid, roomKey(room));
    m_server->emitEvent(Event::Left,
                        {QVariantMap{{Field::Room, room},
                                     {Field::Sid, member.sid},
                                     {Field::Name, member.name}}},
                        {{roomKey(room)}, {}, ChatProtocol::Namespace});
    // The leaver hears of it too unless it is disconnecting.
    announceRoom(room, m_server->isConnected(member.sid) ? QString() : member.sid);
}

void ChatService::forgetRoomIfUnused(const QString &room, bool stored)
{
    // The name of a room without members and messages is free again; one with messages
    // stays reserved like the rooms found in the store at start.
    const auto named = m_roomSkeletons.find(Names::skeleton(room));
    if (named == m_roomSkeletons.end() || named->name != room)
        return;
    if (stored)
        named->stored = true;
    else
        m_roomSkeletons.erase(named);
}

void ChatService::announceRoom(const QString &room, const QString &skipSid)
{
    // Everyone hears of it, members or not (room lists show every room's head count, and a
    // room's first member creates it for the others), so a burst of joins and leaves would
    // cost a broadcast each: a room is announced at once when it was quiet for an interval,
    // otherwise its latest count goes out when the interval is over.
    const qint64 now = m_clock.elapsed();
    const auto it = m_announced.find(room);
    if (it == m_announced.end() || (!it->pending && now - it->sentAt >= intervalMs())) {
        const int members = int(m_rooms.value(room).size());
        sendRoomCount(room, members, skipSid);
        m_announced.insert(room, {now, members, false});
        if (!m_announceTimer.isActive())
            m_announceTimer.start();
        return;
    }
    it->pending = true;
}

void ChatService::sendRoomCount(const QString &room, int members, const QString &skipSid)
{
    m_server->emitEvent(Event::Room, {QVariantMap{{Field::Name, room}, {Field::Members, members}}},
                        {{},
                         skipSid.isEmpty() ? QStringList() : QStringList{skipSid},
                         ChatProtocol::Namespace});
}

void ChatService::announcePending()
{
    const qint64 now = m_clock.elapsed();
    for (auto it = m_announced.begin(); it != m_announced.end();) {
        if (now - it->sentAt < intervalMs()) {
            ++it;
            continue;
        }
        if (!it->pending) {
            it = m_announced.erase(it); // quiet for an interval: the next change goes at once
            continue;
        }
        const int members = int(m_rooms.value(it.key()).size());
        // A count that came back to what was sent (a join and a leave) is no news.
        if (members != it->sentMembers)
            sendRoomCount(it.key(), members);
        *it = {now, members, false};
        ++it;
    }
    if (m_announced.isEmpty())
        m_announceTimer.stop();
}

QVariantList ChatService::onLeave(const QString &sid, const QVariantList &args)
{
    const RoomRequest request = roomRequest(args);
    if (!request.ok())
        return request.failure;
    Member &member = m_members[sid];
    if (!member.rooms.contains(request.room))
        return failure(u"not a member of %1"_s.arg(request.room));
    leave(member, request.room);
    return success();
}

QVariantList ChatService::onHistory(const QString &sid, const QVariantList &args)
{
    const RoomRequest request = roomRequest(args);
    if (!request.ok())
        return request.failure;
    qint64 before = 0;
    if (request.map->contains(Field::Before)
        && request.map->value(Field::Before).typeId() != QMetaType::Nullptr) {
        bool ok = false;
        before = request.map->value(Field::Before).toLongLong(&ok);
        const auto type = request.map->value(Field::Before).typeId();
        if (!ok || (type != QMetaType::LongLong && type != QMetaType::Double) || before < 0)
            return failure(u"before must be a message id"_s);
    }
    qint64 after = -1;
    if (request.map->contains(Field::After)
        && request.map->value(Field::After).typeId() != QMetaType::Nullptr) {
        bool ok = false;
        after = request.map->value(Field::After).toLongLong(&ok);
        const auto type = request.map->value(Field::After).typeId();
        if (!ok || (type != QMetaType::LongLong && type != QMetaType::Double) || after < 0)
            return failure(u"after must be a message id"_s);
        if (before > 0)
            return failure(u"give before or after, not both"_s);
    }
    int limit = m_options.historyOnJoin;
    if (request.map->contains(Field::Limit)) {
        const QVariant value = request.map->value(Field::Limit);
        if (value.typeId() != QMetaType::LongLong && value.typeId() != QMetaType::Double)
            return failure(u"limit must be a number"_s);
        limit = int(qBound<qint64>(0, value.toLongLong(), qint64(m_options.maxHistory)));
        if (limit < 1)
            return failure(u"limit must be at least 1"_s);
    }
    QVariantList messages;
    // `after`: what a client that holds that id missed (it pages on from the last one).
    const QList<ChatMessage> stored = after >= 0 ? m_store->historyAfter(request.room, after, limit)
                                                 : m_store->history(request.room, before, limit);
    for (const ChatMessage &m : stored)
        messages.append(m.toVariant());
    return success({{Field::Messages, messages}, {Field::Own, ownIds(sid, stored)}});
}

QVariantList ChatService::onTyping(const QString &sid, const QVariantList &args)
{
    const RoomRequest request = roomRequest(args);
    if (!request.ok())
        return request.failure;
    if (request.map->value(Field::Typing).typeId() != QMetaType::Bool)
        return failure(u"typing must be true or false"_s);
    const Member &member = m_members[sid];
    if (!member.rooms.contains(request.room))
        return failure(u"not a member of %1"_s.arg(request.room));
    m_server->emitEvent(Event::Typing,
                        {QVariantMap{{Field::Room, request.room},
                                     {Field::Sid, sid},
                                     {Field::Name, member.name},
                                     {Field::Typing, request.map->value(Field::Typing).toBool()}}},
                        {{roomKey(request.room)}, {sid}, ChatProtocol::Namespace});
    return success();
}

QVariantList ChatService::onRename(const QString &sid, const QVariantList &args)
{
    const QVariantMap *map = payload(args);
    if (!map)
        return failure(BadPayload);
    const auto wanted = stringField(*map, Field::Name);
    const QString normalized = wanted ? Names::normalize(*wanted, MaxNameLength) : QString();
    if (normalized.isEmpty())
        return failure(u"name must be 1-32 characters"_s);
    Member &member = m_members[sid];
    const QString old = member.name;
    QString name = normalized;
    // Another spelling of one's own name (case, say) keeps its place; any other is claimed
    // like a new connection's, and only then is the old one given up.
    if (Names::skeleton(normalized) != Names::skeleton(old)) {
        name = m_names.claim(normalized, MaxNameLength);
        m_names.release(old);
    }
    if (name != old) {
        member.name = name;
        Q_EMIT nameChanged(sid, name);
        QStringList rooms;
        for (const QString &room : std::as_const(member.rooms)) {
            rooms.append(roomKey(room));
            Roster &roster = m_rooms[room];
            roster.remove(old, sid);
            roster.insert(name, sid);
        }
        if (!rooms.isEmpty())
            m_server->emitEvent(
                    Event::Renamed,
                    {QVariantMap{{Field::Sid, sid}, {Field::Old, old}, {Field::Name, name}}},
                    {rooms, {}, ChatProtocol::Namespace});
    }
    return success({{Field::Name, name}});
}

QVariantList ChatService::onWho(const QString &, const QVariantList &)
{
    QVariantList sids;
    for (const Member &member : std::as_const(m_members)) {
        const auto info = m_server->client(member.sid);
        QStringList rooms = member.rooms.values();
        rooms.sort();
        QVariantMap entry{{Field::Sid, member.sid},
                          {Field::Name, member.name},
                          {Field::Rooms, rooms},
                          {Field::Transport, info ? info->transport : QString()},
                          {Field::Since, member.since.toMSecsSinceEpoch()}};
        if (m_options.showAddresses && info)
            entry.insert(Field::Address, info->address.toString());
        sids.append(entry);
    }
    std::sort(sids.begin(), sids.end(), [](const QVariant &a, const QVariant &b) {
        return a.toMap().value(Field::Since).toLongLong()
                < b.toMap().value(Field::Since).toLongLong();
    });
    return success({{Field::Sids, sids}});
}

void ChatService::onDisconnected(const QString &sid)
{
    auto it = m_members.find(sid);
    if (it == m_members.end())
        return;
    const auto rooms = it->rooms;
    for (const QString &room : rooms)
        leave(*it, room);
    m_names.release(it->name);
    m_members.erase(it);
}

} // namespace Confab
