// SPDX-License-Identifier: MIT
#pragma once

#include "desktopnotifier.h"

#include <QtCore/QPointer>
#include <QtGui/QIcon>
#include <QtWidgets/QSystemTrayIcon>

#include <memory>

class QAction;
class QMenu;

namespace Confab::App {

//! \brief The tray icon: shows or hides the window, tells the unread count in its tooltip and
//! on its icon, turns notifications on or off, and quits. Needs a QApplication.
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    TrayIcon(DesktopNotifier *notifier, const QIcon &icon, QObject *parent = nullptr);
    ~TrayIcon() override;

    QSystemTrayIcon *systemTrayIcon() const { return m_tray.get(); }
    //! \brief Sets the texts again, in the language now loaded.
    void retranslate() { update(); }
    //! \brief The tooltip for \a unread messages.
    static QString toolTipFor(int unread);
    //! \brief \a base with \a count drawn on a red disc in its corner; \a base when 0.
    static QIcon badgedIcon(const QIcon &base, int count);

private:
    void update();
    void toggleWindow();

    QPointer<DesktopNotifier> m_notifier;
    QIcon m_icon;
    std::unique_ptr<QMenu> m_menu;
    std::unique_ptr<QSystemTrayIcon> m_tray;
    QAction *m_showAction = nullptr;
    QAction *m_notifyAction = nullptr;
    QAction *m_quitAction = nullptr;
};

//! \brief The fallback notification backend: the tray icon's balloon message.
class TrayNotificationBackend : public NotificationBackend
{
    Q_OBJECT
public:
    explicit TrayNotificationBackend(QSystemTrayIcon *tray, QObject *parent = nullptr);
    void show(const QString &title, const QString &body, const QString &room) override;

private:
    QSystemTrayIcon *m_tray;
    QString m_lastRoom; //!< a balloon cannot carry data: a click goes to the latest room
};

} // namespace Confab::App
