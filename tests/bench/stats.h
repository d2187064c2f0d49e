// SPDX-License-Identifier: MIT
// Small helpers for confab-bench: a monotonic clock shared by every thread, percentiles, and
// readers for /proc (the server's CPU and memory, the machine's CPU).
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QFile>
#include <QtCore/QList>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

namespace Bench {

//! Nanoseconds on the steady clock: comparable across the generator's threads.
inline std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

//! CPU time of the calling thread, in nanoseconds.
inline std::int64_t threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

//! CPU time (user + system) of this whole process, in nanoseconds.
inline std::int64_t processCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

//! The p-th percentile (0..100) of samples (sorted in place), nearest-rank; -1 when empty.
inline double percentile(std::vector<std::int64_t> &samples, double p)
{
    if (samples.empty())
        return -1;
    std::sort(samples.begin(), samples.end());
    std::size_t rank = std::size_t(p / 100.0 * double(samples.size()) + 0.999999);
    rank = std::clamp<std::size_t>(rank, 1, samples.size());
    return double(samples[rank - 1]);
}

inline QByteArray readProcFile(const QByteArray &path)
{
    QFile file(QString::fromLatin1(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll(); // /proc files report size 0: readAll reads until EOF
}

//! utime + stime of a process from /proc/PID/stat, in nanoseconds; -1 if gone.
inline std::int64_t procCpuNs(qint64 pid)
{
    const QByteArray stat = readProcFile("/proc/" + QByteArray::number(pid) + "/stat");
    const qsizetype paren = stat.lastIndexOf(')'); // the command name may hold spaces
    if (paren < 0)
        return -1;
    const QList<QByteArray> fields = stat.mid(paren + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    if (fields.size() < 13)
        return -1;
    const std::int64_t ticks = fields[11].toLongLong() + fields[12].toLongLong();
    static const long hz = sysconf(_SC_CLK_TCK);
    return ticks * (1'000'000'000 / hz);
}

//! A field in B from /proc/PID/status (VmRSS, VmHWM), in bytes; -1 if gone.
inline std::int64_t procStatusBytes(qint64 pid, const QByteArray &field = "VmRSS:")
{
    const QByteArray status = readProcFile("/proc/" + QByteArray::number(pid) + "/status");
    const qsizetype at = status.indexOf(field);
    if (at < 0)
        return -1;
    const qsizetype end = status.indexOf('\n', at);
    const QByteArray value = status.mid(at + field.size(), end - at - field.size())
                                 .trimmed()
                                 .split(' ')
                                 .value(0);
    return value.toLongLong() * 1024;
}

//! Busy and total jiffies of the whole machine, from the first line of /proc/stat.
struct MachineCpu
{
    std::int64_t busy = 0;
    std::int64_t total = 0;
};
inline MachineCpu machineCpu()
{
    const QByteArray stat = readProcFile("/proc/stat");
    const QList<QByteArray> fields = stat.left(stat.indexOf('\n')).simplified().split(' ');
    MachineCpu cpu;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    for (qsizetype i = 1; i < fields.size() && i <= 8; ++i) {
        const std::int64_t v = fields[i].toLongLong();
        cpu.total += v;
        if (i != 4 && i != 5)
            cpu.busy += v;
    }
    return cpu;
}

} // namespace Bench
