// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QObject>

class QSocketNotifier;

namespace Confab::Cli {

//! \brief Reads lines from standard input without blocking the event loop.
//!
//! Emits lineRead() for each line (without its end-of-line), then finished() at end of file.
class StdinReader : public QObject
{
    Q_OBJECT
public:
    explicit StdinReader(QObject *parent = nullptr);
    ~StdinReader() override;

    //! Starts watching file descriptor \a fd (standard input by default).
    void start(int fd = 0);
    //! Stops reading; no signal follows.
    void stop();

Q_SIGNALS:
    void lineRead(const QByteArray &line);
    void finished();

private:
    void readAvailable();

    QSocketNotifier *m_notifier = nullptr;
    int m_fd = -1;
    QByteArray m_buffer;
};

} // namespace Confab::Cli
