// SPDX-License-Identifier: MIT
#include "messagelistmodel.h"

#include <QtCore/QLocale>

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
        return QLocale().toString(message.timestamp.toLocalTime().time(), QLocale::ShortFormat);
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

void MessageListModel::insertAt(int row, const QList<ChatMessage> &messages)
{
    if (messages.isEmpty())
        return;
    beginInsertRows({}, row, row + int(messages.size()) - 1);
    for (qsizetype i = 0; i < messages.size(); ++i) {
        m_messages.insert(row + i, messages.at(i));
        if (messages.at(i).id > 0)
            m_ids.insert(messages.at(i).id);
    }
    endInsertRows();
    // The message after the block now has another neighbour above it.
    refreshGrouping(row + int(messages.size()));
    Q_EMIT countChanged();
}

bool MessageListModel::append(const ChatMessage &message)
{
    if (message.id > 0 && m_ids.contains(message.id))
        return false;
    insertAt(int(m_messages.size()), {message});
    return true;
}

void MessageListModel::merge(const QList<ChatMessage> &history)
{
    if (m_ids.isEmpty()) {
        QList<ChatMessage> fresh;
        for (const ChatMessage &message : history) {
            if (message.id <= 0 || !m_ids.contains(message.id))
                fresh.append(message);
        }
        // Our own unacknowledged messages stay below the history.
        insertAt(0, fresh);
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
}

void MessageListModel::prepend(const QList<ChatMessage> &older)
{
    QList<ChatMessage> fresh;
    for (const ChatMessage &message : older) {
        if (message.id <= 0 || !m_ids.contains(message.id))
            fresh.append(message);
    }
    insertAt(0, fresh);
}

int MessageListModel::rowOfClientId(const QString &clientId) const
{
    if (clientId.isEmpty())
        return -1;
    // Our messages are nearly always among the last few. Only ours: someone else's message
    // may carry the same client id (anyone who saw ours can send with it).
    for (qsizetype row = m_messages.size() - 1; row >= 0; --row) {
        const ChatMessage &message = m_messages.at(row);
        if (message.own && message.clientId == clientId)
            return int(row);
    }
    return -1;
}

bool MessageListModel::update(const ChatMessage &message)
{
    const int row = rowOfClientId(message.clientId);
    if (row < 0)
        return false;
    const ChatMessage previous = m_messages.at(row);
    if (previous.id > 0)
        m_ids.remove(previous.id);
    if (message.id > 0)
        m_ids.insert(message.id);
    m_messages[row] = message;
    const QModelIndex idx = index(row);
    Q_EMIT dataChanged(idx, idx);
    // The host's time may differ from ours enough to change the grouping below.
    if (previous.timestamp != message.timestamp)
        refreshGrouping(row + 1);
    return true;
}
