// SPDX-License-Identifier: MIT
#pragma once

#include "socketioserver.h"

#include <QtCore/QCommandLineParser>
#include <QtNetwork/QHostAddress>

namespace Confab {

//! \brief confab-server's command line: parsed into host options, testable without a process.
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

    QHostAddress address() const { return m_address; }
    quint16 port() const { return m_port; }
    SocketIoOptions options() const { return m_options; }
    //! \brief What confab-server does with events until a service is attached: relays every
    //! event to the other clients of its namespace and acks with {"ok":true,"delivered":N}.
    void installHandlers(SocketIoServer &server) const;
    //! \brief URLs a person can join: one per non-loopback address when listening on all.
    QStringList joinUrls(quint16 port) const;

private:
    QCommandLineParser m_parser;
    QHostAddress m_address = QHostAddress::Any;
    quint16 m_port = 3000;
    SocketIoOptions m_options;
};

} // namespace Confab
