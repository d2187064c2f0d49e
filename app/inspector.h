// SPDX-License-Identifier: MIT
#pragma once

#include "eventlogmodel.h"

#include <QtCore/QObject>
#include <QtQml/QQmlEngine>

namespace Confab::App {

//! \brief The inspector tab: every event of the connection, and raw emits with their acks.
//!
//! An interface: ChatInspector is the real one; the Qt Quick tests use a test double
//! deriving from this class, so the two cannot drift apart.
class Inspector : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The inspector comes from Controller.inspector")
    Q_PROPERTY(Confab::App::EventLogFilterModel *eventLog READ eventLog CONSTANT)
    //! The answer to the last emitRaw(): the ack as JSON, or why there is none.
    Q_PROPERTY(QString lastReply READ lastReply NOTIFY lastReplyChanged)
public:
    using QObject::QObject;

    virtual EventLogFilterModel *eventLog() const = 0;
    virtual QString lastReply() const = 0;

    //! \brief Emits \a event with \a jsonArgs (comma-separated JSON values, may be empty).
    //! False (and an error reported) when the arguments are not valid JSON.
    Q_INVOKABLE virtual bool emitRaw(const QString &event, const QString &jsonArgs, bool wantAck)
            = 0;

Q_SIGNALS:
    void lastReplyChanged();
    //! Something the user asked for failed; the session shows it as its lastError.
    void errorOccurred(const QString &error);
};

} // namespace Confab::App
