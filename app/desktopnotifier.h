// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "preferences.h"

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtGui/QWindow>
#include <QtQml/QQmlEngine>

namespace Confab::App {

//! \brief Where notifications go: freedesktop notifications, the tray's balloon, or a test's
//! fake. DesktopNotifier decides when; a backend only shows.
class NotificationBackend : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    //! \brief Shows one notification; activated() hands \a room back when it is clicked.
    virtual void show(const QString &title, const QString &body, const QString &room) = 0;
    //! \brief Takes back what show() put up (the window was activated). Default: nothing.
    virtual void withdrawAll() { }

Q_SIGNALS:
    //! The person clicked the notification of \a room.
    void activated(const QString &room);
};

//! \brief Decides when a message deserves a system notification, and counts the unread ones
//! for the badges (window title, tray icon, launcher).
//!
//! A message from someone else that arrives while the window is not active (unfocused,
//! minimised or hidden) gives one notification and raises unreadCount; activating the window
//! or clicking a notification clears it. The window's state comes from setWindow() in the app,
//! or setWindowActive() in tests. Without a backend it only counts.
class DesktopNotifier : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The notifier comes from Controller.notifier")
    //! Messages from others since the window was last active.
    Q_PROPERTY(int unreadCount READ unreadCount NOTIFY unreadCountChanged)
    //! Whether messages give a system notification (Preferences::notificationsEnabled); the
    //! badges count regardless.
    Q_PROPERTY(bool enabled READ isEnabled WRITE setEnabled NOTIFY enabledChanged)
    Q_PROPERTY(bool windowActive READ isWindowActive NOTIFY windowActiveChanged)
public:
    //! Notification bodies longer than this are cut with an ellipsis.
    static constexpr int MaxBodyLength = 200;

    //! \a preferences (not owned) keep whether notifications are on.
    explicit DesktopNotifier(Preferences *preferences, QObject *parent = nullptr);

    //! \brief Uses \a backend from now on (not owned); null shows nothing.
    void setBackend(NotificationBackend *backend);
    NotificationBackend *backend() const { return m_backend; }
    //! \brief Follows \a window's focus and visibility, and shows it when a notification is
    //! clicked.
    void setWindow(QWindow *window);
    QWindow *window() const { return m_window; }
    //! \brief Sets the window's state directly (tests, or a platform without a window).
    void setWindowActive(bool active);

    int unreadCount() const { return m_unread; }
    bool isEnabled() const { return m_preferences->notificationsEnabled(); }
    void setEnabled(bool enabled);
    bool isWindowActive() const { return m_windowActive; }

    //! "Bob in lobby"
    static QString titleFor(const Confab::Client::ChatMessage &message);
    //! \a text cut to \a max characters with "…", never inside a surrogate pair.
    static QString elide(const QString &text, int max = MaxBodyLength);

public Q_SLOTS:
    //! \brief A message was listed. Own messages and those seen in an active window are ignored.
    void messageArrived(const Confab::Client::ChatMessage &message);
    //! \brief Shows the window, asks for \a room (roomRequested) and clears the badge.
    void activate(const QString &room = {});

Q_SIGNALS:
    void unreadCountChanged(int count);
    void enabledChanged();
    void windowActiveChanged();
    //! A notification of \a room was clicked: the controller shows that room.
    void roomRequested(const QString &room);

private:
    void updateWindowActive();
    void setUnread(int count);

    QPointer<NotificationBackend> m_backend;
    QPointer<QWindow> m_window;
    Preferences *m_preferences;
    int m_unread = 0;
    bool m_windowActive = true;
};

} // namespace Confab::App
