// SPDX-License-Identifier: MIT
// The client against Confab's own host over TLS (the certificate the host makes itself): pinned
// to the fingerprint the host shows, it connects on every transport; when another host with
// another key answers on the same address and port, the pin refuses it with an error naming
// both fingerprints; confab-cli's --trust-sha256 does the same. Plain http on the same port
// still works.
#include "chathost.h"
#include "clientoptions.h"
#include "engineioserver.h"
#include "socketioclient.h"

#include <QtCore/QProcess>
#include <QtNetwork/QSslSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab;
using namespace Confab::Client;

namespace {
constexpr int Timeout = 10000;

std::unique_ptr<ChatHost> startHost(quint16 port)
{
    HostConfig config;
    config.address = QHostAddress::LocalHost;
    config.port = port;
    config.dataLocation = u":memory:"_s; // a new certificate each time
    auto host = std::make_unique<ChatHost>(config);
    if (!host->start()) {
        qWarning() << "host did not start:" << host->errorString();
        return nullptr;
    }
    return host;
}
} // namespace

class tst_ClientHostTls : public QObject
{
    Q_OBJECT

    ClientOptions options(TransportMode mode, const QString &scheme, const QString &pin) const
    {
        ClientOptions o;
        o.url = QUrl(u"%1://127.0.0.1:%2"_s.arg(scheme).arg(m_port));
        o.transports = mode;
        o.trustedCertificateSha256 = parseSha256Fingerprint(pin);
        o.reconnection = false;
        return o;
    }

    static void addRows()
    {
        QTest::addColumn<TransportMode>("mode");
        QTest::addRow("websocket") << TransportMode::WebSocket;
        QTest::addRow("polling") << TransportMode::Polling;
        QTest::addRow("auto") << TransportMode::Auto;
    }

    std::unique_ptr<ChatHost> m_host;
    quint16 m_port = 0;

private Q_SLOTS:
    void initTestCase()
    {
        if (!QSslSocket::supportsSsl())
            QFAIL("Qt has no TLS backend here");
    }

    void init()
    {
        m_host = startHost(m_port);
        QVERIFY(m_host);
        m_port = m_host->port();
        QCOMPARE(m_host->certificateFingerprint().size(), 95); // 32 pairs and 31 colons
    }

    void cleanup() { m_host.reset(); }

    void pinnedConnects_data() { addRows(); }
    void pinnedConnects()
    {
        QFETCH(TransportMode, mode);
        SocketIoClient client(options(mode, u"https"_s, m_host->certificateFingerprint()));
        QSignalSpy joined(&client, &SocketIoClient::connected);
        client.open();
        QVERIFY2(joined.wait(Timeout), qPrintable(client.lastError()));
        if (mode != TransportMode::Polling)
            QTRY_COMPARE_WITH_TIMEOUT(client.transport(), u"websocket"_s, Timeout);
    }

    void plainOnTheSamePort_data() { addRows(); }
    void plainOnTheSamePort()
    {
        QFETCH(TransportMode, mode);
        SocketIoClient client(options(mode, u"http"_s, {}));
        QSignalSpy joined(&client, &SocketIoClient::connected);
        client.open();
        QVERIFY2(joined.wait(Timeout), qPrintable(client.lastError()));
    }

    void changedCertificateRefused_data() { addRows(); }
    void changedCertificateRefused()
    {
        QFETCH(TransportMode, mode);
        const QString pinned = m_host->certificateFingerprint();
        // Another host, another key, same address and port.
        m_host.reset();
        m_host = startHost(m_port);
        QVERIFY(m_host);
        const QString served = m_host->certificateFingerprint();
        QVERIFY(served != pinned);

        SocketIoClient client(options(mode, u"https"_s, pinned));
        QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
        QSignalSpy joined(&client, &SocketIoClient::connected);
        client.open();
        QVERIFY(errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).value<SocketIoClient::Error>(),
                 SocketIoClient::Error::TlsError);
        const QString message = errors.first().at(1).toString();
        QVERIFY2(message.contains(served) && message.contains(pinned), qPrintable(message));
        QCOMPARE(joined.size(), 0);
    }

    void regeneratedWhileRunning()
    {
        const QString old = m_host->certificateFingerprint();
        QVERIFY2(m_host->regenerateCertificate(), qPrintable(m_host->errorString()));
        const QString renewed = m_host->certificateFingerprint();
        QVERIFY(renewed != old);
        QVERIFY(m_host->joinUrls().constFirst().endsWith(QString(renewed).remove(u':')));
        // New connections get the new certificate: pinned to it they connect, to the old one not.
        SocketIoClient current(options(TransportMode::WebSocket, u"https"_s, renewed));
        QSignalSpy joined(&current, &SocketIoClient::connected);
        current.open();
        QVERIFY2(joined.wait(Timeout), qPrintable(current.lastError()));
        SocketIoClient stale(options(TransportMode::WebSocket, u"https"_s, old));
        QSignalSpy errors(&stale, &SocketIoClient::errorOccurred);
        stale.open();
        QVERIFY(errors.wait(Timeout));
        QVERIFY2(errors.first().at(1).toString().contains(renewed),
                 qPrintable(errors.first().at(1).toString()));
    }

    void cliPins()
    {
        const quint64 tlsBefore
                = m_host->server()->engine()->httpListener()->statistics().tlsConnections;
        QProcess cli;
        cli.start(QStringLiteral(CONFAB_CLI_PATH),
                  {u"https://127.0.0.1:%1"_s.arg(m_port), u"--trust-sha256"_s,
                   m_host->certificateFingerprint()});
        QVERIFY(cli.waitForStarted());
        cli.write(R"({"event":"who","ack":true})"
                  "\n");
        cli.closeWriteChannel();
        // The host runs in this process: keep its event loop turning while the cli talks.
        QTRY_VERIFY_WITH_TIMEOUT(cli.state() == QProcess::NotRunning, Timeout);
        QCOMPARE(cli.exitCode(), 0);
        QVERIFY2(cli.readAllStandardOutput().contains(R"("ok":true)"),
                 cli.readAllStandardError().constData());

        // The join link the host shows pins the same way: http in the link, TLS on the wire.
        const quint64 tlsAfterPin
                = m_host->server()->engine()->httpListener()->statistics().tlsConnections;
        QVERIFY(tlsAfterPin > tlsBefore);
        QProcess linked;
        linked.start(QStringLiteral(CONFAB_CLI_PATH), {m_host->joinUrls().constFirst()});
        QVERIFY(linked.waitForStarted());
        linked.write(R"({"event":"who","ack":true})"
                     "\n");
        linked.closeWriteChannel();
        QTRY_VERIFY_WITH_TIMEOUT(linked.state() == QProcess::NotRunning, Timeout);
        QCOMPARE(linked.exitCode(), 0);
        QVERIFY2(linked.readAllStandardOutput().contains(R"("ok":true)"),
                 linked.readAllStandardError().constData());
        QVERIFY(m_host->server()->engine()->httpListener()->statistics().tlsConnections
                > tlsAfterPin);

        const QString pinned = m_host->certificateFingerprint();
        const QString oldLink = m_host->joinUrls().constFirst();
        m_host.reset();
        m_host = startHost(m_port);
        QVERIFY(m_host);
        QProcess refusedLink;
        refusedLink.start(QStringLiteral(CONFAB_CLI_PATH), {oldLink});
        QTRY_VERIFY_WITH_TIMEOUT(refusedLink.state() == QProcess::NotRunning, Timeout);
        QCOMPARE(refusedLink.exitCode(), 4);
        QProcess refused;
        refused.start(QStringLiteral(CONFAB_CLI_PATH),
                      {u"https://127.0.0.1:%1"_s.arg(m_port), u"--trust-sha256"_s, pinned});
        QTRY_VERIFY_WITH_TIMEOUT(refused.state() == QProcess::NotRunning, Timeout);
        QCOMPARE(refused.exitCode(), 4); // unreachable: not the pinned certificate
        const QString err = QString::fromUtf8(refused.readAllStandardError());
        QVERIFY2(err.contains(pinned) && err.contains(m_host->certificateFingerprint()),
                 qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(tst_ClientHostTls)
#include "tst_client_hosttls.moc"
