// SPDX-License-Identifier: MIT
#pragma once

#include "desktopnotifier.h"

#include <QtCore/QHash>
#include <QtDBus/QDBusMessage>

namespace Confab::App {

//! \brief Notifications through org.freedesktop.Notifications on the session bus (KDE, GNOME
//! and most other Linux desktops), with a click on one activating its room.
//!
//! One notification per room: a newer message replaces the room's previous one.
class FreedesktopNotificationBackend : public NotificationBackend
{
    Q_OBJECT
public:
    explicit FreedesktopNotificationBackend(QObject *parent = nullptr);

    //! \brief Whether a notification server is on the session bus (or can be started by it).
    static bool isAvailable();
    //! \brief The Notify call for \a title and \a body; \a replacesId 0 for a new one.
    //! Both are escaped as markup, whatever the server says it reads (see the .cpp).
    static QDBusMessage notifyMessage(const QString &title, const QString &body, uint replacesId);

    void show(const QString &title, const QString &body, const QString &room) override;
    void withdrawAll() override;

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action);
    void onClosed(uint id, uint reason);

private:
    QHash<uint, QString> m_rooms; //!< notification id → room, while shown
};

//! \brief The com.canonical.Unity.LauncherEntry "Update" signal that puts \a count on the
//! launcher icon of \a desktopId ("confab.desktop"); KDE's task manager and GNOME docks read it.
QDBusMessage launcherEntryUpdate(const QString &desktopId, int count);
//! \brief Sends launcherEntryUpdate() for this app on the session bus, if there is one.
void publishLauncherCount(int count);

} // namespace Confab::App
