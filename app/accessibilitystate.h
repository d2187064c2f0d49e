// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>
#include <QtGui/QAccessible>
#include <QtQml/QQmlEngine>

namespace Confab::App {

//! \brief Whether an assistive technology (a screen reader, through the platform's bridge) is
//! reading the app: `AccessibilityState.active` in QML.
//!
//! Qt 6.4's controls set some of their accessible properties themselves when accessibility
//! turns on, usually after the window is up (a text field's description becomes its
//! placeholder), overriding what QML set; and it blanks a password field's name. Bindings that
//! read `active` are evaluated again after that, so what the pages set stays. `active`
//! changes on the next event loop pass after the activation, once every control has reacted.
class AccessibilityState : public QObject, public QAccessible::ActivationObserver
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool active READ isActive NOTIFY activeChanged)
public:
    explicit AccessibilityState(QObject *parent = nullptr);
    ~AccessibilityState() override;

    bool isActive() const { return m_active; }

    void accessibilityActiveChanged(bool active) override;

Q_SIGNALS:
    void activeChanged();

private:
    bool m_active = false;
};

} // namespace Confab::App
