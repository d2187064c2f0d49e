// SPDX-License-Identifier: MIT
#pragma once

// A real Socket.IO server (python-socketio, Node socket.io, or Confab's own host) run as a child
// process for the client interop tests; see tests/interop/client_*_server.* and
// tests/client/client_confab_server.cpp (built with the tests; its path is CONFAB_CONFAB_PEER_PATH).

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtCore/QString>
#include <QtTest/QTest>

#include <csignal>
#include <memory>
#include <sys/types.h>

namespace ConfabTest {

using namespace Qt::StringLiterals;

class PeerServer
{
public:
    enum class Kind { Python, Node, Confab };

    explicit PeerServer(Kind kind)
        : m_kind(kind)
    { }
    ~PeerServer() { stop(); }

    static Kind kindFromName(QStringView name)
    {
        if (name == u"python")
            return Kind::Python;
        if (name == u"confab")
            return Kind::Confab;
        return Kind::Node;
    }

    //! Empty when this kind of peer can run here; otherwise why not.
    static QString unavailableReason(Kind kind)
    {
        const QString source = QStringLiteral(CONFAB_SOURCE_DIR);
        if (kind == Kind::Confab) {
#ifdef CONFAB_CONFAB_PEER_PATH
            // Built with the test (add_dependencies), so it is always there.
            if (!QFileInfo::exists(QStringLiteral(CONFAB_CONFAB_PEER_PATH)))
                return u"client_confab_server was not built"_s;
            return {};
#else
            return u"this test was built without CONFAB_CONFAB_PEER_PATH"_s;
#endif
        }
        if (kind == Kind::Python) {
            // Debian's interpreter: the python3 on PATH may lack python3-socketio.
            if (!QFileInfo::exists(u"/usr/bin/python3"_s))
                return u"/usr/bin/python3 is missing"_s;
            QProcess probe;
            probe.start(u"/usr/bin/python3"_s, {u"-c"_s, u"import socketio, engineio, aiohttp"_s});
            if (!probe.waitForFinished(30000) || probe.exitCode() != 0)
                return u"python3-socketio / python3-aiohttp are not installed"_s;
            return {};
        }
        if (QStandardPaths::findExecutable(u"node"_s).isEmpty())
            return u"node is not installed"_s;
        if (!QFileInfo::exists(source + u"/tests/interop/node_modules/socket.io/package.json"_s))
            return u"socket.io is not installed in tests/interop/node_modules (npm ci)"_s;
        return {};
    }

    //! Starts the server; \a port 0 lets it choose. Returns false (with a QTest message) on error.
    bool start(quint16 port = 0, const QStringList &extraArgs = {})
    {
        stop();
        const QString source = QStringLiteral(CONFAB_SOURCE_DIR);
        QStringList args;
        QString program;
        if (m_kind == Kind::Confab) {
#ifdef CONFAB_CONFAB_PEER_PATH
            program = QStringLiteral(CONFAB_CONFAB_PEER_PATH);
#endif
        } else if (m_kind == Kind::Python) {
            program = u"/usr/bin/python3"_s;
            args << source + u"/tests/interop/client_python_server.py"_s;
        } else {
            program = QStandardPaths::findExecutable(u"node"_s);
            args << source + u"/tests/interop/client_node_server.js"_s;
        }
        args << u"--port"_s << QString::number(port) << m_defaultArgs << extraArgs;
        m_lastArgs = extraArgs;
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process->start(program, args);
        if (!m_process->waitForStarted(10000)) {
            qWarning("cannot start %s", qPrintable(program));
            return false;
        }
        QByteArray out;
        while (!out.contains('\n')) {
            if (!m_process->waitForReadyRead(30000)) {
                qWarning("peer server did not report its port: %s", out.constData());
                return false;
            }
            out += m_process->readAllStandardOutput();
        }
        const QByteArray line = out.left(out.indexOf('\n')).trimmed();
        if (!line.startsWith("PORT ")) {
            qWarning("unexpected peer output: %s", line.constData());
            return false;
        }
        m_port = quint16(line.mid(5).toUInt());
        return m_port != 0;
    }

    //! Starts it again on the same port, as after a crash and restart.
    bool restart() { return start(m_port, m_lastArgs); }

    //! SIGKILL: the connections die without a goodbye.
    void kill()
    {
        if (!m_process)
            return;
        m_process->kill();
        m_process->waitForFinished(10000);
        m_process.reset();
    }

    void stop()
    {
        if (!m_process)
            return;
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
        m_process.reset();
    }

    //! Freezes (SIGSTOP) or thaws (SIGCONT) the server: it stays connected but silent.
    void suspend(bool frozen)
    {
        if (m_process)
            ::kill(pid_t(m_process->processId()), frozen ? SIGSTOP : SIGCONT);
    }

    void setDefaultArgs(const QStringList &args) { m_defaultArgs = args; }
    quint16 port() const { return m_port; }
    QString httpUrl() const { return u"http://127.0.0.1:%1"_s.arg(m_port); }

private:
    Kind m_kind;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QStringList m_defaultArgs;
    QStringList m_lastArgs;
};

//! QSKIP when the peer is missing, unless CI demands it (CONFAB_REQUIRE_PEERS=1): then fail.
#define CONFAB_REQUIRE_PEER(kind) \
    do { \
        const QString why = ::ConfabTest::PeerServer::unavailableReason(kind); \
        if (!why.isEmpty()) { \
            if (qEnvironmentVariableIntValue("CONFAB_REQUIRE_PEERS") == 1) \
                QFAIL(qPrintable(u"peer required but unavailable: "_s + why)); \
            QSKIP(qPrintable(why)); \
        } \
    } while (false)

} // namespace ConfabTest
