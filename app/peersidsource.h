// SPDX-License-Identifier: MIT
#pragma once

#include "chatclient.h"
#include "sidsource.h"

#include <QtCore/QTimer>

namespace Confab::App {

//! \brief The sids of a host we joined, as its `who` answers tell them.
//!
//! Between answers, joins, leaves and renames update the rows at once; a debounced `who`
//! then brings back what only the host knows (addresses, transports).
class PeerSidSource : public SidSource
{
    Q_OBJECT
public:
    PeerSidSource(Confab::Client::ChatClient *chat, SidListModel *sids, QObject *parent = nullptr);

    //! A guest cannot disconnect others.
    bool disconnectSid(const QString &, const QString &) override { return false; }

private:
    void onPeers(const QList<Confab::Client::ChatPeer> &peers);
    void scheduleWho();

    Confab::Client::ChatClient *m_chat;
    QTimer m_whoDebounce; //!< re-asks `who` after presence changes
};

} // namespace Confab::App
