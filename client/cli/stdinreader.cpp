// SPDX-License-Identifier: MIT
#include "stdinreader.h"

#include <QtCore/QPointer>
#include <QtCore/QSocketNotifier>

#include <cerrno>
#include <unistd.h>

namespace Confab::Cli {

StdinReader::StdinReader(QObject *parent)
    : QObject(parent)
{ }

StdinReader::~StdinReader() = default;

void StdinReader::start(int fd)
{
    stop();
    m_fd = fd;
    // A notifier rather than a reading thread: poll() reports pipes, terminals and files alike,
    // and everything stays in this thread.
    m_notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &StdinReader::readAvailable);
}

void StdinReader::stop()
{
    if (m_notifier) {
        m_notifier->setEnabled(false);
        m_notifier->deleteLater();
        m_notifier = nullptr;
    }
}

void StdinReader::readAvailable()
{
    char chunk[65536];
    const ssize_t n = ::read(m_fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    QPointer<StdinReader> self(this);
    if (n <= 0) {
        stop();
        if (!m_buffer.isEmpty())
            Q_EMIT lineRead(std::exchange(m_buffer, {}));
        if (self)
            Q_EMIT finished();
        return;
    }
    m_buffer.append(chunk, n);
    qsizetype newline;
    while (self && m_notifier && (newline = m_buffer.indexOf('\n')) >= 0) {
        QByteArray line = m_buffer.left(newline);
        m_buffer.remove(0, newline + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        Q_EMIT lineRead(line);
    }
}

} // namespace Confab::Cli
