// SPDX-License-Identifier: MIT
#include "passwordaccessibility.h"

#include <QtCore/QMetaMethod>
#include <QtGui/QAccessible>
#include <QtGui/QAccessibleObject>
#include <QtGui/QWindow>
#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlProperty>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>

#include <memory>

using namespace Qt::StringLiterals;

namespace Confab::App {

namespace {

//! What a screen reader gets for each character of a password (GTK's invisible character).
constexpr QChar Mask = u'\u25CF';

bool isPasswordInput(const QObject *object)
{
    if (!object || !object->inherits("QQuickTextInput"))
        return false;
    // TextInput.Normal is 0; NoEcho, Password and PasswordEchoOnEdit all hide the text.
    return object->property("echoMode").toInt() != 0;
}

QString masked(const QString &text)
{
    return QString(text.size(), Mask);
}

//! A password field as assistive technology sees it: an editable text with the password
//! state, named and described by its Accessible attached properties, whose text is masks.
class MaskedTextInputAccessible : public QAccessibleObject,
                                  public QAccessibleTextInterface,
                                  public QAccessibleActionInterface
{
public:
    explicit MaskedTextInputAccessible(QQuickItem *item)
        : QAccessibleObject(item)
    { }

    QQuickItem *item() const { return static_cast<QQuickItem *>(object()); }

    QWindow *window() const override { return item()->window(); }

    QAccessibleInterface *parent() const override
    {
        // The nearest accessible ancestor, as Qt Quick's own items answer, so that its list of
        // children (which asks the factory, and so gets this interface) and this agree.
        for (QQuickItem *ancestor = item()->parentItem(); ancestor;
             ancestor = ancestor->parentItem()) {
            if (QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(ancestor))
                return iface;
        }
        return item()->window() ? QAccessible::queryAccessibleInterface(item()->window()) : nullptr;
    }
    QAccessibleInterface *child(int) const override { return nullptr; }
    int childCount() const override { return 0; }
    int indexOfChild(const QAccessibleInterface *) const override { return -1; }
    QAccessibleInterface *childAt(int, int) const override { return nullptr; }

    QString text(QAccessible::Text type) const override
    {
        switch (type) {
        case QAccessible::Name:
            return attached("name");
        case QAccessible::Description:
            return attached("description");
        case QAccessible::Value:
            return masked(item()->property("text").toString());
        default:
            return {};
        }
    }
    void setText(QAccessible::Text, const QString &) override { }

    QRect rect() const override
    {
        QQuickItem *it = item();
        if (!it->window() || !it->isVisible())
            return {};
        const QPointF topLeft = it->mapToScene(QPointF(0, 0));
        return QRect(it->window()->mapToGlobal(topLeft.toPoint()),
                     QSize(int(it->width()), int(it->height())));
    }
    QAccessible::Role role() const override { return QAccessible::EditableText; }
    QAccessible::State state() const override
    {
        QAccessible::State state;
        state.editable = true;
        state.focusable = true;
        state.passwordEdit = true;
        state.focused = item()->hasActiveFocus();
        state.invisible = !item()->isVisible();
        state.disabled = !item()->isEnabled();
        state.readOnly = item()->property("readOnly").toBool();
        return state;
    }
    void *interface_cast(QAccessible::InterfaceType type) override
    {
        if (type == QAccessible::TextInterface)
            return static_cast<QAccessibleTextInterface *>(this);
        if (type == QAccessible::ActionInterface)
            return static_cast<QAccessibleActionInterface *>(this);
        return QAccessibleObject::interface_cast(type);
    }

    // QAccessibleTextInterface: the masks, the real caret and selection.
    void selection(int index, int *start, int *end) const override
    {
        *start = *end = 0;
        if (index == 0) {
            *start = item()->property("selectionStart").toInt();
            *end = item()->property("selectionEnd").toInt();
        }
    }
    int selectionCount() const override
    {
        return item()->property("selectionStart") != item()->property("selectionEnd") ? 1 : 0;
    }
    void addSelection(int, int) override { }
    void removeSelection(int) override { }
    void setSelection(int, int, int) override { }
    int cursorPosition() const override { return item()->property("cursorPosition").toInt(); }
    void setCursorPosition(int position) override
    {
        item()->setProperty("cursorPosition", position);
    }
    QString text(int start, int end) const override
    {
        return text(QAccessible::Value).mid(start, end - start);
    }
    int characterCount() const override { return int(text(QAccessible::Value).size()); }
    QRect characterRect(int) const override { return {}; }
    int offsetAtPoint(const QPoint &) const override { return -1; }
    void scrollToSubstring(int, int) override { }
    QString attributes(int offset, int *start, int *end) const override
    {
        *start = *end = offset;
        return {};
    }

    // QAccessibleActionInterface: focus, as for any field.
    QStringList actionNames() const override { return {setFocusAction()}; }
    void doAction(const QString &name) override
    {
        if (name == setFocusAction())
            item()->forceActiveFocus(Qt::OtherFocusReason);
    }
    QStringList keyBindingsForAction(const QString &) const override { return {}; }

private:
    //! Accessible.name / Accessible.description as the QML sets them.
    QString attached(const char *name) const
    {
        QQmlContext *context = qmlContext(item());
        if (!context)
            return {};
        return QQmlProperty(item(), u"Accessible."_s + QLatin1StringView(name), context)
                .read()
                .toString();
    }
};

//! \brief Forgets a text input's accessible interface when its echo mode changes.
//!
//! Qt Quick asks for an item's interface while creating it, before QML sets echoMode, and
//! keeps the answer: a password field would keep Qt's own. Forgetting it makes the next
//! question come to the factories again, where passwordFactory() answers.
class EchoModeWatcher : public QObject
{
    Q_OBJECT
public:
    explicit EchoModeWatcher(QObject *input)
        : QObject(input)
    {
        const QMetaObject *meta = input->metaObject();
        const int signal = meta->indexOfProperty("echoMode");
        const QMetaMethod notify
                = signal >= 0 ? meta->property(signal).notifySignal() : QMetaMethod();
        const QMetaMethod slot = metaObject()->method(metaObject()->indexOfSlot("forget()"));
        if (notify.isValid())
            connect(input, notify, this, slot);
    }

public Q_SLOTS:
    void forget()
    {
        if (QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(parent()))
            QAccessible::deleteAccessibleInterface(QAccessible::uniqueId(iface));
    }
};

QAccessibleInterface *passwordFactory(const QString &, QObject *object)
{
    if (!object || !object->inherits("QQuickTextInput"))
        return nullptr;
    if (!object->findChild<EchoModeWatcher *>(QString(), Qt::FindDirectChildrenOnly))
        new EchoModeWatcher(object);
    if (!isPasswordInput(object))
        return nullptr; // Qt Quick's own interface
    return new MaskedTextInputAccessible(static_cast<QQuickItem *>(object));
}

QAccessible::UpdateHandler s_previousHandler = nullptr;

void maskingUpdateHandler(QAccessibleEvent *event);

//! Hands \a event to whoever handled updates before (the platform bridge, when nobody did).
void forward(QAccessibleEvent *event)
{
    if (s_previousHandler) {
        s_previousHandler(event);
        return;
    }
    // updateAccessibility() goes to the platform bridge only while no handler is installed.
    QAccessible::installUpdateHandler(nullptr);
    QAccessible::updateAccessibility(event);
    QAccessible::installUpdateHandler(&maskingUpdateHandler);
}

void maskingUpdateHandler(QAccessibleEvent *event)
{
    QObject *object = event->object();
    if (!object && event->accessibleInterface())
        object = event->accessibleInterface()->object();
    if (!isPasswordInput(object)) {
        forward(event);
        return;
    }
    switch (event->type()) {
    case QAccessible::TextInserted: {
        const auto *insert = static_cast<QAccessibleTextInsertEvent *>(event);
        QAccessibleTextInsertEvent safe(object, insert->changePosition(),
                                        masked(insert->textInserted()));
        safe.setCursorPosition(insert->cursorPosition());
        forward(&safe);
        return;
    }
    case QAccessible::TextRemoved: {
        const auto *remove = static_cast<QAccessibleTextRemoveEvent *>(event);
        QAccessibleTextRemoveEvent safe(object, remove->changePosition(),
                                        masked(remove->textRemoved()));
        safe.setCursorPosition(remove->cursorPosition());
        forward(&safe);
        return;
    }
    case QAccessible::TextUpdated: {
        const auto *update = static_cast<QAccessibleTextUpdateEvent *>(event);
        QAccessibleTextUpdateEvent safe(object, update->changePosition(),
                                        masked(update->textRemoved()),
                                        masked(update->textInserted()));
        safe.setCursorPosition(update->cursorPosition());
        forward(&safe);
        return;
    }
    case QAccessible::ValueChanged:
        // A text input's value is its text: say that it changed, not what it is.
        {
            QAccessibleValueChangeEvent safe(object, masked(object->property("text").toString()));
            forward(&safe);
        }
        return;
    default:
        forward(event);
        return;
    }
}

} // namespace

void installPasswordAccessibility()
{
    static bool installed = false;
    if (installed)
        return;
    installed = true;
    QAccessible::installFactory(&passwordFactory);
    s_previousHandler = QAccessible::installUpdateHandler(&maskingUpdateHandler);
}

} // namespace Confab::App

#include "passwordaccessibility.moc"
