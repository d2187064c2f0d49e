// SPDX-License-Identifier: MIT
#include "peersidsource.h"

using namespace Qt::StringLiterals;
using Confab::Client::ChatClient;

namespace Confab::App {

PeerSidSource::PeerSidSource(ChatClient *chat, SidListModel *sids, QObject *parent)
    : SidSource(sids, parent)
    , m_chat(chat)
{
    connect(m_chat, &ChatClient::peersReceived, this, &PeerSidSource::onPeers);
    connect(m_chat, &ChatClient::memberJoined, this,
            [this](const QString &room, const QString &sid, const QString &) {
                m_sids->addRoom(sid, room);
                scheduleWho();
            });
    connect(m_chat, &ChatClient::memberLeft, this,
            [this](const QString &room, const QString &sid, const QString &) {
                m_sids->removeRoom(sid, room);
                scheduleWho();
            });
    connect(m_chat, &ChatClient::renamed, this,
            [this](const QString &sid, const QString &, const QString &name) {
                m_sids->setName(sid, name);
                scheduleWho();
            });
    m_whoDebounce.setSingleShot(true);
    m_whoDebounce.setInterval(300);
    connect(&m_whoDebounce, &QTimer::timeout, this, [this] {
        if (m_chat->socket()->isConnected())
            m_chat->who();
    });
}

void PeerSidSource::scheduleWho()
{
    m_whoDebounce.start();
}

void PeerSidSource::onPeers(const QList<Confab::Client::ChatPeer> &peers)
{
    QList<SidListModel::Entry> entries;
    for (const auto &peer : peers)
        entries.append({peer.sid, u"/"_s, peer.name, peer.address, peer.transport, peer.rooms,
                        peer.since});
    m_sids->replaceAll(entries);
}

} // namespace Confab::App
