// SPDX-License-Identifier: MIT
#include "freedesktopnotifications.h"

#include "applogging.h"

#include <QtDBus/QDBusConnection>
#include <QtDBus/QDBusConnectionInterface>
#include <QtDBus/QDBusPendingCallWatcher>
#include <QtDBus/QDBusPendingReply>
#include <QtGui/QGuiApplication>

namespace Confab::App {

using namespace Qt::StringLiterals;

namespace {
const QString Service = u"org.freedesktop.Notifications"_s;
const QString Path = u"/org/freedesktop/Notifications"_s;
const QString Interface = u"org.freedesktop.Notifications"_s;
const QString DefaultAction = u"default"_s;
} // namespace

FreedesktopNotificationBackend::FreedesktopNotificationBackend(QObject *parent)
    : NotificationBackend(parent)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    bus.connect(Service, Path, Interface, u"ActionInvoked"_s, this,
                SLOT(onActionInvoked(uint, QString)));
    bus.connect(Service, Path, Interface, u"NotificationClosed"_s, this,
                SLOT(onClosed(uint, uint)));
}

bool FreedesktopNotificationBackend::isAvailable()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface())
        return false;
    QDBusConnectionInterface *dbus = bus.interface();
    return dbus->isServiceRegistered(Service).value()
            || dbus->activatableServiceNames().value().contains(Service);
}

QDBusMessage FreedesktopNotificationBackend::notifyMessage(const QString &title,
                                                           const QString &body, uint replacesId)
{
    // Titles and bodies carry peers' names, rooms and messages. The specification lets a server
    // read the body as markup (<b>, <a>, <img> that it may fetch), and some servers (dunst, for
    // one) read the summary as markup too. Whether one does is known only once GetCapabilities
    // answers, after the first notification may have gone out, and it can change when another
    // server takes the bus name. So both are always escaped: a server that reads plain text
    // shows "&lt;" at worst, and none ever renders a peer's markup.

    QDBusMessage message = QDBusMessage::createMethodCall(Service, Path, Interface, u"Notify"_s);
    const QVariantMap hints{
            {u"desktop-entry"_s, QGuiApplication::desktopFileName()},
            {u"category"_s, u"im.received"_s},
    };
    message << QGuiApplication::applicationDisplayName() << replacesId << u"confab"_s
            << title.toHtmlEscaped() << body.toHtmlEscaped()
            << QStringList{DefaultAction, tr("Show")} << hints << qint32(-1);
    return message;
}

void FreedesktopNotificationBackend::show(const QString &title, const QString &body,
                                          const QString &room)
{
    const uint replaces = m_rooms.key(room, 0);
    auto *watcher = new QDBusPendingCallWatcher(
            QDBusConnection::sessionBus().asyncCall(notifyMessage(title, body, replaces)), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, room, replaces](QDBusPendingCallWatcher *call) {
                const QDBusPendingReply<uint> reply = *call;
                call->deleteLater();
                if (reply.isError()) {
                    qCInfo(lcApp) << "notification failed:" << reply.error().message();
                    return;
                }
                m_rooms.remove(replaces);
                m_rooms.insert(reply.value(), room);
            });
}

void FreedesktopNotificationBackend::withdrawAll()
{
    for (auto it = m_rooms.cbegin(); it != m_rooms.cend(); ++it) {
        QDBusConnection::sessionBus().asyncCall(
                QDBusMessage::createMethodCall(Service, Path, Interface, u"CloseNotification"_s)
                << it.key());
    }
    m_rooms.clear();
}

void FreedesktopNotificationBackend::onActionInvoked(uint id, const QString &action)
{
    // The signal is broadcast: other applications' notifications are not ours.
    const auto it = m_rooms.constFind(id);
    if (it == m_rooms.cend() || action != DefaultAction)
        return;
    Q_EMIT activated(*it);
}

void FreedesktopNotificationBackend::onClosed(uint id, uint)
{
    m_rooms.remove(id);
}

QDBusMessage launcherEntryUpdate(const QString &desktopId, int count)
{
    QDBusMessage message
            = QDBusMessage::createSignal(u"/io/confab/Confab/LauncherEntry"_s,
                                         u"com.canonical.Unity.LauncherEntry"_s, u"Update"_s);
    const QVariantMap properties{
            {u"count"_s, qint64(qMax(0, count))},
            {u"count-visible"_s, count > 0},
    };
    message << u"application://%1"_s.arg(desktopId) << properties;
    return message;
}

void publishLauncherCount(int count)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return;
    bus.send(launcherEntryUpdate(QGuiApplication::desktopFileName() + u".desktop"_s, count));
}

} // namespace Confab::App
