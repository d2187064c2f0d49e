// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "framebatch.h"

#include <QtCore/QAbstractListModel>
#include <QtCore/QLocale>
#include <QtQml/QQmlEngine>

#include <chrono>

namespace Confab::App {

//! \brief The messages of one room, oldest first, as the chat view shows them.
//!
//! New messages are inserted (never a reset), older history is prepended, and a message of
//! ours is updated in place as its delivery state changes. Server ids are unique per room, so
//! a message that arrives twice (a join's history after a reconnection) is listed once.
//!
//! Memory is bounded whatever the peers send: a room keeps its newest MaxMessages in memory.
//! When a new message would exceed that, the oldest rows are dropped and historyComplete turns
//! false, so that scrolling up fetches them again from the host (RoomState::loadOlder()).
//! Pages of older history the user scrolls to are kept until the next new message trims them.
//!
//! A busy room can bring hundreds of messages a second, more than a screen has frames. With a
//! batch interval (setBatchInterval(), the app uses about a frame), append() queues and the
//! queue becomes one row insertion (and at most one trim) when the interval ends, so that the
//! view lays out and scrolls once per batch rather than once per message. Every other change
//! inserts what is queued first, so the order of the rows is always the order of the calls.
class MessageListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Messages come from RoomState.messages")
    Q_PROPERTY(QString room READ room CONSTANT)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    //! True once the host has no older messages to give.
    Q_PROPERTY(bool historyComplete READ historyComplete NOTIFY historyCompleteChanged)
public:
    enum Roles {
        MessageIdRole = Qt::UserRole + 1,
        ClientIdRole,
        SidRole,
        NameRole,
        TextRole,
        TimeRole,
        TimeTextRole,
        OwnRole,
        //! Same author as the message above, within a few minutes: the view drops the header.
        GroupedRole,
        DeliveryStateRole,
        ErrorRole,
    };
    Q_ENUM(Roles)

    //! Mirrors ChatMessage::DeliveryState for QML (MessageListModel.Failed, ...).
    enum DeliveryState {
        Sending = int(Confab::Client::ChatMessage::DeliveryState::Sending),
        Sent = int(Confab::Client::ChatMessage::DeliveryState::Sent),
        Failed = int(Confab::Client::ChatMessage::DeliveryState::Failed),
    };
    Q_ENUM(DeliveryState)

    //! Messages further apart than this start a new run even from the same author.
    static constexpr qint64 GroupWindowMs = 5 * 60 * 1000;
    //! The most messages a room keeps in memory: at the host's longest messages (16k
    //! characters), about 16 MB of text per room.
    static constexpr int MaxMessages = 500;

    explicit MessageListModel(const QString &room = {}, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString room() const { return m_room; }
    int count() const { return int(m_messages.size()); }
    const Confab::Client::ChatMessage &at(int row) const { return m_messages.at(row); }
    bool historyComplete() const { return m_historyComplete; }
    void setHistoryComplete(bool complete);
    //! The smallest server id listed (0 when none): where older history continues.
    qint64 oldestId() const;

    //! \brief Appends \a message unless a message with its server id is listed (or queued)
    //! already. Returns false when it was a duplicate. With a batch interval, others' rows
    //! come when the batch ends; ours (and what is queued before them) at once.
    bool append(const Confab::Client::ChatMessage &message);
    //! \brief Makes append() queue for up to \a interval; zero (the default) appends at once.
    void setBatchInterval(std::chrono::milliseconds interval);
    //! Messages appended but not yet rows.
    int queuedCount() const { return int(m_batch.size()); }
    //! \brief Inserts the queued messages now, as one block.
    void flush();
    //! \brief Adds the messages of a join's history (oldest first): those newer than what is
    //! listed go to the end, older ones to the start, known ones are skipped.
    void merge(const QList<Confab::Client::ChatMessage> &history);
    //! \brief Prepends older messages (oldest first), skipping known ids.
    void prepend(const QList<Confab::Client::ChatMessage> &older);
    //! \brief Replaces our message with the same client id; false when it is not listed.
    bool update(const Confab::Client::ChatMessage &message);
    //! The row of our own message \a clientId, or -1 (others' messages are never ours to
    //! update, whatever client id they carry).
    int rowOfClientId(const QString &clientId) const;

Q_SIGNALS:
    void countChanged();
    void historyCompleteChanged();

private:
    bool isGrouped(int row) const;
    void insertAt(int row, const QList<Confab::Client::ChatMessage> &messages);
    void refreshGrouping(int row);
    //! Drops the oldest rows beyond MaxMessages.
    void trim();
    void indexMessage(int row, const Confab::Client::ChatMessage &message);
    void unindexMessage(int row, const Confab::Client::ChatMessage &message);

    QString timeText(const QDateTime &timestamp) const;

    QString m_room;
    QList<Confab::Client::ChatMessage> m_messages;
    //! Appended, waiting for the batch to end (their ids are in m_ids already). Never more
    //! than MaxMessages: a longer queue is flushed at once.
    FrameBatch<Confab::Client::ChatMessage> m_batch{this, [this] { flush(); }};
    QSet<qint64> m_ids;
    //! Our messages by client id → their position. A position is the row plus m_firstPosition,
    //! which moves as rows come and go at the top, so that those keep every position valid.
    QHash<QString, qint64> m_ownPositions;
    qint64 m_firstPosition = 0;
    bool m_historyComplete = false;
    //! The last time text made, by minute and locale: converting to local time reads the
    //! time zone each time, and the messages of a burst share their minute.
    mutable struct
    {
        qint64 minute = -1;
        QLocale locale;
        QString text;
    } m_lastTimeText;
};

} // namespace Confab::App
