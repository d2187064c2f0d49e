// SPDX-License-Identifier: MIT
#include "accessibilitystate.h"

namespace Confab::App {

AccessibilityState::AccessibilityState(QObject *parent)
    : QObject(parent)
    , m_active(QAccessible::isActive())
{
    QAccessible::installActivationObserver(this);
}

AccessibilityState::~AccessibilityState()
{
    QAccessible::removeActivationObserver(this);
}

void AccessibilityState::accessibilityActiveChanged(bool active)
{
    // Queued: the controls observe the activation too, and set their own properties then; the
    // pages' bindings must come after them.
    QMetaObject::invokeMethod(
            this,
            [this, active] {
                if (m_active == active)
                    return;
                m_active = active;
                Q_EMIT activeChanged();
            },
            Qt::QueuedConnection);
}

} // namespace Confab::App
