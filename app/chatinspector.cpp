// SPDX-License-Identifier: MIT
#include "chatinspector.h"

#include "framebatch.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

using namespace Qt::StringLiterals;
using Confab::Client::ChatClient;
using Confab::Client::SocketIoClient;

namespace Confab::App {

ChatInspector::ChatInspector(ChatClient *chat, QObject *parent)
    : Inspector(parent)
    , m_chat(chat)
    , m_eventLog(new EventLogModel(this))
    , m_eventLogFilter(new EventLogFilterModel(m_eventLog, this))
{
    // It logs every event of a busy room: one insertion per frame, not one per event.
    m_eventLog->setBatchInterval(FrameInterval);
    connect(m_chat->socket(), &SocketIoClient::eventReceived, this,
            [this](const QString &nsp, const QString &event, const QVariantList &args) {
                m_eventLog->append(EventLogModel::Incoming, nsp, event, args);
            });
    connect(m_chat, &ChatClient::eventSent, this,
            [this](const QString &nsp, const QString &event, const QVariantList &args) {
                m_eventLog->append(EventLogModel::Outgoing, nsp, event, args);
            });
    connect(m_chat, &ChatClient::rawReplyReceived, this,
            [this](const QString &event, bool ok, const QVariantList &reply, const QString &error) {
                m_eventLog->append(EventLogModel::AckReply, u"/"_s, event,
                                   ok ? reply : QVariantList{error});
                setLastReply(ok ? EventLogModel::toJson(reply) : error);
            });
}

void ChatInspector::setLastReply(const QString &reply)
{
    m_lastReply = reply;
    Q_EMIT lastReplyChanged();
}

bool ChatInspector::emitRaw(const QString &event, const QString &jsonArgs, bool wantAck)
{
    const QString name = event.trimmed();
    if (name.isEmpty()) {
        Q_EMIT errorOccurred(tr("An event needs a name"));
        return false;
    }
    // Arguments are written as they would be in a call: comma-separated JSON values.
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(u"[%1]"_s.arg(jsonArgs).toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray()) {
        Q_EMIT errorOccurred(tr("The arguments are not valid JSON: %1").arg(error.errorString()));
        return false;
    }
    setLastReply(wantAck ? tr("Waiting for the ack…") : QString());
    m_chat->emitRaw(name, doc.array().toVariantList(), wantAck);
    return true;
}

} // namespace Confab::App
