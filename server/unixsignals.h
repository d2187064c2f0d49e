// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>

#include <csignal>
#include <initializer_list>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE

namespace Confab {

//! \brief Turns POSIX signals (SIGINT, SIGTERM) into a Qt signal on the main thread.
//!
//! The handler only writes the signal number to a socket pair (async-signal-safe); a
//! QSocketNotifier reads it in the event loop, where any code may run. One instance at a time.
class UnixSignals : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignals(std::initializer_list<int> signalNumbers, QObject *parent = nullptr);
    ~UnixSignals() override;

Q_SIGNALS:
    void received(int signalNumber);

private:
    static void handler(int signalNumber);
    static int s_fds[2];
    QSocketNotifier *m_notifier = nullptr;
    QList<int> m_signals;
};

} // namespace Confab
