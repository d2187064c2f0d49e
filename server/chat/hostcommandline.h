// SPDX-License-Identifier: MIT
#pragma once

#include "chathost.h"

#include <QtCore/QCommandLineParser>

namespace Confab {

//! \brief confab-server's command line, parsed into a HostConfig; testable without a process.
class HostCommandLine
{
public:
    struct Parsed
    {
        bool ok = true;
        int exitCode = 0; //!< for --help/--version (0) and usage errors (2)
        QString message; //!< what to print when !ok
    };

    HostCommandLine();
    Parsed parse(const QStringList &arguments);
    const HostConfig &config() const { return m_config; }

private:
    QCommandLineParser m_parser;
    HostConfig m_config;
};

} // namespace Confab
