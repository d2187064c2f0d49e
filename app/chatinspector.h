// SPDX-License-Identifier: MIT
#pragma once

#include "chatclient.h"
#include "inspector.h"

namespace Confab::App {

//! \brief The inspector of the chat client's connection: logs every event in and out and
//! every ack, and emits what the user writes.
class ChatInspector : public Inspector
{
    Q_OBJECT
public:
    explicit ChatInspector(Confab::Client::ChatClient *chat, QObject *parent = nullptr);

    EventLogFilterModel *eventLog() const override { return m_eventLogFilter; }
    EventLogModel *eventLogSource() const { return m_eventLog; }
    QString lastReply() const override { return m_lastReply; }

    bool emitRaw(const QString &event, const QString &jsonArgs, bool wantAck) override;

private:
    void setLastReply(const QString &reply);

    Confab::Client::ChatClient *m_chat;
    EventLogModel *m_eventLog;
    EventLogFilterModel *m_eventLogFilter;
    QString m_lastReply;
};

} // namespace Confab::App
