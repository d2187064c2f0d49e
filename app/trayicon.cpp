// SPDX-License-Identifier: MIT
#include "trayicon.h"

#include <QtCore/QCoreApplication>
#include <QtGui/QPainter>
#include <QtWidgets/QMenu>

using namespace Qt::StringLiterals;

namespace Confab::App {

TrayIcon::TrayIcon(DesktopNotifier *notifier, const QIcon &icon, QObject *parent)
    : QObject(parent)
    , m_notifier(notifier)
    , m_icon(icon)
    , m_menu(std::make_unique<QMenu>())
    , m_tray(std::make_unique<QSystemTrayIcon>(icon))
{
    // The texts are set in update().
    m_showAction = m_menu->addAction(QString(), this, &TrayIcon::toggleWindow);
    m_notifyAction = m_menu->addAction(QString());
    m_notifyAction->setCheckable(true);
    connect(m_notifyAction, &QAction::toggled, this, [this](bool on) {
        if (m_notifier)
            m_notifier->setEnabled(on);
    });
    m_menu->addSeparator();
    m_quitAction = m_menu->addAction(QString(), qApp, &QCoreApplication::quit);
    m_tray->setContextMenu(m_menu.get());

    connect(m_tray.get(), &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                    toggleWindow();
            });
    // The menu is built when shown, so that "Show" and "Hide" follow the window.
    connect(m_menu.get(), &QMenu::aboutToShow, this, &TrayIcon::update);
    connect(notifier, &DesktopNotifier::unreadCountChanged, this, &TrayIcon::update);
    connect(notifier, &DesktopNotifier::enabledChanged, this, &TrayIcon::update);
    connect(notifier, &DesktopNotifier::windowActiveChanged, this, &TrayIcon::update);
    update();
    m_tray->show();
}

TrayIcon::~TrayIcon()
{
    m_tray->hide();
}

QString TrayIcon::toolTipFor(int unread)
{
    if (unread <= 0)
        return tr("Confab");
    return tr("Confab — %n unread message(s)", nullptr, unread);
}

QIcon TrayIcon::badgedIcon(const QIcon &base, int count)
{
    if (count <= 0)
        return base;
    const QString label = count > 99 ? u"99+"_s : QString::number(count);
    QIcon icon;
    for (const int size : {16, 22, 24, 32, 48, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        base.paint(&painter, pixmap.rect());
        // A disc over the lower right two thirds of the icon stays readable at 16 px.
        const qreal d = size * 0.66;
        const QRectF disc(size - d, size - d, d, d);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(0xd9, 0x30, 0x25));
        painter.drawEllipse(disc);
        QFont font = painter.font();
        font.setBold(true);
        const qreal scale = label.size() == 1 ? 0.7 : label.size() == 2 ? 0.52 : 0.38;
        font.setPixelSize(qMax(6, int(d * scale)));
        painter.setFont(font);
        painter.setPen(Qt::white);
        painter.drawText(disc, Qt::AlignCenter, label);
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

void TrayIcon::update()
{
    const int unread = m_notifier ? m_notifier->unreadCount() : 0;
    m_tray->setToolTip(toolTipFor(unread));
    m_tray->setIcon(badgedIcon(m_icon, unread));
    QWindow *window = m_notifier ? m_notifier->window() : nullptr;
    const bool shown = window && window->isVisible() && window->visibility() != QWindow::Minimized;
    m_showAction->setText(shown ? tr("Hide Confab") : tr("Show Confab"));
    m_showAction->setEnabled(window != nullptr);
    m_notifyAction->setText(tr("Notifications"));
    m_quitAction->setText(tr("Quit"));
    const QSignalBlocker blocker(m_notifyAction);
    m_notifyAction->setChecked(m_notifier && m_notifier->isEnabled());
}

void TrayIcon::toggleWindow()
{
    if (!m_notifier || !m_notifier->window())
        return;
    QWindow *window = m_notifier->window();
    if (window->isVisible() && window->visibility() != QWindow::Minimized && window->isActive())
        window->hide();
    else
        m_notifier->activate();
    update();
}

TrayNotificationBackend::TrayNotificationBackend(QSystemTrayIcon *tray, QObject *parent)
    : NotificationBackend(parent)
    , m_tray(tray)
{
    connect(tray, &QSystemTrayIcon::messageClicked, this, [this] { Q_EMIT activated(m_lastRoom); });
}

void TrayNotificationBackend::show(const QString &title, const QString &body, const QString &room)
{
    m_lastRoom = room;
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    // On Linux and BSD Qt sends the balloon as a freedesktop notification, unescaped, and
    // notification servers may read it as markup (see FreedesktopNotificationBackend).
    m_tray->showMessage(title.toHtmlEscaped(), body.toHtmlEscaped(), QSystemTrayIcon::Information);
#else
    // Windows and macOS draw plain text.
    m_tray->showMessage(title, body, QSystemTrayIcon::Information);
#endif
}

} // namespace Confab::App
