// SPDX-License-Identifier: MIT
#pragma once

#include "sidlistmodel.h"

#include <QtCore/QObject>

namespace Confab::App {

//! \brief What fills SidListModel: one implementation per way we are connected.
//!
//! HostSidSource mirrors the embedded host's own server (every namespace, live);
//! PeerSidSource mirrors what a host we joined answers to `who`. The session keeps the one
//! that fits its mode, and none while idle.
class SidSource : public QObject
{
    Q_OBJECT
public:
    explicit SidSource(SidListModel *sids, QObject *parent = nullptr)
        : QObject(parent)
        , m_sids(sids)
    { }

    //! \brief Disconnects \a sid from \a nsp; false when this source cannot (a guest cannot
    //! disconnect others).
    virtual bool disconnectSid(const QString &sid, const QString &nsp) = 0;

protected:
    SidListModel *m_sids;
};

} // namespace Confab::App
