// SPDX-License-Identifier: MIT
#include "desktopnotifier.h"

#include "applogging.h"

namespace Confab::App {

using namespace Qt::StringLiterals;
using Confab::Client::ChatMessage;

DesktopNotifier::DesktopNotifier(Preferences *preferences, QObject *parent)
    : QObject(parent)
    , m_preferences(preferences)
{
    connect(m_preferences, &Preferences::notificationsEnabledChanged, this,
            &DesktopNotifier::enabledChanged);
}

void DesktopNotifier::setBackend(NotificationBackend *backend)
{
    if (m_backend == backend)
        return;
    if (m_backend)
        disconnect(m_backend, nullptr, this, nullptr);
    m_backend = backend;
    if (m_backend)
        connect(m_backend, &NotificationBackend::activated, this, &DesktopNotifier::activate);
}

void DesktopNotifier::setWindow(QWindow *window)
{
    if (m_window == window)
        return;
    if (m_window)
        disconnect(m_window, nullptr, this, nullptr);
    m_window = window;
    if (m_window) {
        connect(m_window, &QWindow::activeChanged, this, &DesktopNotifier::updateWindowActive);
        connect(m_window, &QWindow::visibilityChanged, this, &DesktopNotifier::updateWindowActive);
    }
    updateWindowActive();
}

void DesktopNotifier::updateWindowActive()
{
    if (!m_window)
        return;
    const QWindow::Visibility visibility = m_window->visibility();
    setWindowActive(m_window->isActive() && visibility != QWindow::Hidden
                    && visibility != QWindow::Minimized);
}

void DesktopNotifier::setWindowActive(bool active)
{
    if (m_windowActive == active)
        return;
    m_windowActive = active;
    if (active) {
        // Whatever was announced has now been seen.
        setUnread(0);
        if (m_backend)
            m_backend->withdrawAll();
    }
    Q_EMIT windowActiveChanged();
}

void DesktopNotifier::setEnabled(bool enabled)
{
    m_preferences->setNotificationsEnabled(enabled);
}

void DesktopNotifier::setUnread(int count)
{
    if (m_unread == count)
        return;
    m_unread = count;
    Q_EMIT unreadCountChanged(count);
}

QString DesktopNotifier::titleFor(const ChatMessage &message)
{
    return tr("%1 in %2").arg(message.name, message.room);
}

QString DesktopNotifier::elide(const QString &text, int max)
{
    const QString trimmed = text.trimmed();
    if (trimmed.size() <= max || max < 1)
        return trimmed;
    qsizetype cut = max - 1; // room for the ellipsis
    if (cut > 0 && trimmed.at(cut - 1).isHighSurrogate())
        --cut;
    return trimmed.left(cut) + u'…';
}

void DesktopNotifier::messageArrived(const ChatMessage &message)
{
    if (message.own || m_windowActive)
        return;
    setUnread(m_unread + 1);
    if (!isEnabled() || !m_backend)
        return;
    // Message bodies stay out of the log above debug level.
    qCDebug(lcApp) << "notifying of message" << message.id << "in" << message.room;
    m_backend->show(titleFor(message), elide(message.text), message.room);
}

void DesktopNotifier::activate(const QString &room)
{
    if (m_window) {
        if (m_window->visibility() == QWindow::Minimized || !m_window->isVisible())
            m_window->showNormal();
        m_window->raise();
        m_window->requestActivate();
    }
    if (!room.isEmpty())
        Q_EMIT roomRequested(room);
    // Clicking counts as seeing, even where the platform does not activate the window.
    setUnread(0);
    if (m_backend)
        m_backend->withdrawAll();
}

} // namespace Confab::App
