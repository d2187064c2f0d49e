// SPDX-License-Identifier: MIT
#include "messagelistmodel.h"

#include <QtCore/QLocale>

namespace Confab::App {

using Confab::Client::ChatMessage;

MessageListModel::MessageListModel(const QString &room, QObject *parent)
    : QAbstractListModel(parent)
    , m_room(room)
{ }

int MessageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_messages.size());
}

QVariant MessageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ChatMessage &message = m_messages.at(index.row());
    switch (role) {
    case MessageIdRole:
        return message.id;
    case ClientIdRole:
        return message.clientId;
    case SidRole:
        return message.sid;
    case NameRole:
        return message.name;
    case Qt::DisplayRole:
    case TextRole:
        return message.text;
    case TimeRole:
        return message.timestamp;
    case TimeTextRole:
        return timeText(message.timestamp);
    case OwnRole:
        return message.own;
    case GroupedRole:
        return isGrouped(index.row());
    case DeliveryStateRole:
        return int(message.deliveryState);
    case ErrorRole:
        return message.error;
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const
{
    return {
            {MessageIdRole, "messageId"},
            {ClientIdRole, "clientId"},
            {SidRole, "sid"},
            {NameRole, "name"},
            {TextRole, "text"},
            {TimeRole, "time"},
            {TimeTextRole, "timeText"},
            {OwnRole, "own"},
            {GroupedRole, "groupedWithPrevious"},
            {DeliveryStateRole, "deliveryState"},
            {ErrorRole, "error"},
    };
}

QString MessageListModel::timeText(const QDateTime &timestamp) const
{
    // Time zones differ from UTC by whole quarter hours: one minute shows one local time.
    const qint64 minute = timestamp.toMSecsSinceEpoch() / 60'000;
    const QLocale locale;
    if (minute != m_lastTimeText.minute || locale != m_lastTimeText.locale) {
        m_lastTimeText.minute = minute;
        m_lastTimeText.locale = locale;
        m_lastTimeText.text = locale.toString(timestamp.toLocalTime().time(), QLocale::ShortFormat);
    }
    return m_lastTimeText.text;
}

void MessageListModel::setHistoryComplete(bool complete)
{
    if (m_historyComplete == complete)
        return;
    m_historyComplete = complete;
    Q_EMIT historyCompleteChanged();
}

qint64 MessageListModel::oldestId() const
{
    for (const ChatMessage &message : m_messages) {
        // Our unacknowledged messages have no id yet; the first with one is the oldest.
        if (message.id > 0)
            return message.id;
    }
    return 0;
}

bool MessageListModel::isGrouped(int row) const
{
    if (row <= 0)
        return false;
    const ChatMessage &previous = m_messages.at(row - 1);
    const ChatMessage &current = m_messages.at(row);
    // Names, not sids: a reconnection gives the same person a new sid.
    return previous.name == current.name && previous.own == current.own
            && qAbs(current.timestamp.toMSecsSinceEpoch() - previous.timestamp.toMSecsSinceEpoch())
            < GroupWindowMs;
}

void MessageListModel::refreshGrouping(int row)
{
    if (row <= 0 || row >= m_messages.size())
        return;
    const QModelIndex idx = index(row);
    Q_EMIT dataChanged(idx, idx, {GroupedRole});
}

void MessageListModel::indexMessage(int row, const ChatMessage &message)
{
    if (message.id > 0)
        m_ids.insert(message.id);
    if (message.own && !message.clientId.isEmpty())
        m_ownPositions.insert(message.clientId, m_firstPosition + row);
}

void MessageListModel::unindexMessage(int row, const ChatMessage &message)
{
    if (message.id > 0)
        m_ids.remove(message.id);
    // Only if it points here: a resent copy of ours further down keeps its entry.
    const auto it = m_ownPositions.constFind(message.clientId);
    if (it != m_ownPositions.cend() && *it == m_firstPosition + row)
        m_ownPositions.erase(it);
}

void MessageListModel::insertAt(int row, const QList<ChatMessage> &messages)
{
    if (messages.isEmpty())
        return;
    // Rows come at the top (history) or at the end (new messages), never between: positions
    // of the rows already listed stay valid.
    Q_ASSERT(row == 0 || row == m_messages.size());
    beginInsertRows({}, row, row + int(messages.size()) - 1);
    if (row == 0)
        m_firstPosition -= messages.size();
    for (qsizetype i = 0; i < messages.size(); ++i) {
        m_messages.insert(row + i, messages.at(i));
        indexMessage(int(row + i), messages.at(i));
    }
    endInsertRows();
    // The message after the block now has another neighbour above it.
    refreshGrouping(row + int(messages.size()));
    Q_EMIT countChanged();
}

void MessageListModel::trim()
{
    const int excess = int(m_messages.size()) - MaxMessages;
    if (excess <= 0)
        return;
    beginRemoveRows({}, 0, excess - 1);
    for (int row = 0; row < excess; ++row)
        unindexMessage(row, m_messages.at(row));
    m_messages.remove(0, excess);
    m_firstPosition += excess;
    endRemoveRows();
    // The new top row has no neighbour above it any more.
    if (!m_messages.isEmpty()) {
        const QModelIndex top = index(0);
        Q_EMIT dataChanged(top, top, {GroupedRole});
    }
    Q_EMIT countChanged();
    // What was dropped is still on the host: scrolling up asks for it again.
    setHistoryComplete(false);
}

bool MessageListModel::append(const ChatMessage &message)
{
    if (message.id > 0 && m_ids.contains(message.id))
        return false;
    // Ours show at once: they are typed here, one at a time, and the person waits to see them.
    if (m_batch.immediate() || message.own) {
        flush();
        insertAt(int(m_messages.size()), {message});
        trim();
        return true;
    }
    if (message.id > 0)
        m_ids.insert(message.id); // a copy arriving before the batch ends is a duplicate too
    if (m_batch.add(message, MaxMessages))
        flush(); // the queue is bounded like the rows: it would all be trimmed anyway
    return true;
}

void MessageListModel::setBatchInterval(std::chrono::milliseconds interval)
{
    if (interval.count() <= 0)
        flush();
    m_batch.setInterval(interval);
}

void MessageListModel::flush()
{
    const QList<ChatMessage> queued = m_batch.take();
    if (queued.isEmpty())
        return;
    insertAt(int(m_messages.size()), queued);
    trim();
}

void MessageListModel::merge(const QList<ChatMessage> &history)
{
    flush();
    if (m_ids.isEmpty()) {
        QList<ChatMessage> fresh;
        for (const ChatMessage &message : history) {
            if (message.id <= 0 || !m_ids.contains(message.id))
                fresh.append(message);
        }
        // Our own unacknowledged messages stay below the history.
        insertAt(0, fresh);
        trim();
        return;
    }
    const qint64 oldest = oldestId();
    QList<ChatMessage> older;
    QList<ChatMessage> newer;
    for (const ChatMessage &message : history) {
        if (message.id <= 0 || m_ids.contains(message.id))
            continue;
        (message.id < oldest ? older : newer).append(message);
    }
    insertAt(0, older);
    for (const ChatMessage &message : std::as_const(newer))
        append(message);
    trim();
}

void MessageListModel::prepend(const QList<ChatMessage> &older)
{
    flush();
    QList<ChatMessage> fresh;
    for (const ChatMessage &message : older) {
        if (message.id <= 0 || !m_ids.contains(message.id))
            fresh.append(message);
    }
    insertAt(0, fresh);
}

int MessageListModel::rowOfClientId(const QString &clientId) const
{
    const auto it = m_ownPositions.constFind(clientId);
    if (it == m_ownPositions.cend())
        return -1;
    const qint64 row = *it - m_firstPosition;
    // A client id listed twice (ours, resent) keeps the later position only; and only our
    // own rows are indexed: anyone who saw our client id can send with it.
    if (row < 0 || row >= m_messages.size() || !m_messages.at(row).own
        || m_messages.at(row).clientId != clientId)
        return -1;
    return int(row);
}

bool MessageListModel::update(const ChatMessage &message)
{
    flush(); // ours may be queued still
    const int row = rowOfClientId(message.clientId);
    if (row < 0)
        return false;
    const ChatMessage previous = m_messages.at(row);
    unindexMessage(row, previous);
    m_messages[row] = message;
    indexMessage(row, message);
    const QModelIndex idx = index(row);
    Q_EMIT dataChanged(idx, idx);
    // The host's time may differ from ours enough to change the grouping below.
    if (previous.timestamp != message.timestamp)
        refreshGrouping(row + 1);
    return true;
}

} // namespace Confab::App
