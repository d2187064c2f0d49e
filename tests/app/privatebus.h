// SPDX-License-Identifier: MIT
// A D-Bus session bus of the test's own, so that fake desktop services (a notification
// server, a settings portal) never meet the real desktop's.
#pragma once

#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtDBus/QDBusConnection>
#include <QtTest/QTest>

namespace AppTest {

class PrivateSessionBus
{
public:
    //! \brief Starts dbus-daemon and points DBUS_SESSION_BUS_ADDRESS (and each of
    //! \a alsoAs, e.g. "DBUS_SYSTEM_BUS_ADDRESS") at it. Call it before anything touches a
    //! QDBusConnection: libdbus reads every bus address once, at the first connection.
    //! Returns an empty string, or what went wrong.
    QString start(const QList<QByteArray> &alsoAs = {})
    {
        using namespace Qt::StringLiterals;
        if (!m_dir.isValid())
            return u"no temporary folder"_s;
        const QString config = m_dir.filePath(u"bus.conf"_s);
        QFile file(config);
        if (!file.open(QIODevice::WriteOnly))
            return u"cannot write "_s + config;
        file.write(QByteArrayLiteral("<busconfig><type>session</type><listen>unix:tmpdir=")
                   + m_dir.path().toUtf8()
                   + QByteArrayLiteral("</listen><auth>EXTERNAL</auth><policy context=\"default\">"
                                       "<allow send_destination=\"*\" eavesdrop=\"true\"/>"
                                       "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy>"
                                       "</busconfig>\n"));
        file.close();
        m_daemon.start(u"dbus-daemon"_s,
                       {u"--config-file="_s + config, u"--nofork"_s, u"--print-address=1"_s});
        if (!m_daemon.waitForStarted())
            return u"dbus-daemon is missing: install the dbus-daemon package (scripts/dev.sh deps)"_s;
        if (!QTest::qWaitFor([this] { return m_daemon.canReadLine(); }, 10000))
            return u"dbus-daemon printed no address"_s;
        m_address = QString::fromUtf8(m_daemon.readLine()).trimmed();
        qputenv("DBUS_SESSION_BUS_ADDRESS", m_address.toUtf8());
        for (const QByteArray &variable : alsoAs)
            qputenv(variable.constData(), m_address.toUtf8());
        if (!QDBusConnection::sessionBus().isConnected())
            return u"cannot connect to the private bus"_s;
        return {};
    }
    void stop()
    {
        m_daemon.kill();
        m_daemon.waitForFinished();
    }
    QString address() const { return m_address; }

private:
    QTemporaryDir m_dir;
    QProcess m_daemon;
    QString m_address;
};

} // namespace AppTest
