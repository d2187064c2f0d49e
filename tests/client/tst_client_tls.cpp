// SPDX-License-Identifier: MIT
// TLS: wss/https against a Node socket.io server with a self-signed certificate made by openssl
// at test time. Verification is on by default; pinning the certificate's SHA-256 trusts it.
#include "peerserver.h"

#include "ackreply.h"
#include "socketioclient.h"

#include <QtCore/QTemporaryDir>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab::Client;
using ConfabTest::PeerServer;

namespace {
constexpr int Timeout = 20000;
}

class tst_ClientTls : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QByteArray m_digest;
    std::unique_ptr<PeerServer> m_server;

    ClientOptions options(TransportMode mode, const QByteArray &pin) const
    {
        ClientOptions o;
        // No subjectAltName for 127.0.0.1 either: the pin must cover the host mismatch too.
        o.url = QUrl(u"https://127.0.0.1:%1"_s.arg(m_server->port()));
        o.transports = mode;
        o.trustedCertificateSha256 = pin;
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

private Q_SLOTS:
    void initTestCase()
    {
        if (!QSslSocket::supportsSsl())
            QSKIP("Qt has no TLS backend here");
        CONFAB_REQUIRE_PEER(PeerServer::Kind::Node);
        const QString openssl = QStandardPaths::findExecutable(u"openssl"_s);
        if (openssl.isEmpty()) {
            if (qEnvironmentVariableIntValue("CONFAB_REQUIRE_PEERS") == 1)
                QFAIL("openssl is required to make the test certificate");
            QSKIP("openssl is not installed");
        }
        QVERIFY(m_dir.isValid());
        const QString cert = m_dir.filePath(u"cert.pem"_s);
        const QString key = m_dir.filePath(u"key.pem"_s);
        QProcess gen;
        gen.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        gen.start(openssl,
                  {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-keyout"_s,
                   key, u"-out"_s, cert, u"-days"_s, u"2"_s, u"-subj"_s,
                   u"/CN=confab-test.invalid"_s});
        QVERIFY(gen.waitForFinished(60000));
        QCOMPARE(gen.exitCode(), 0);
        const auto certs = QSslCertificate::fromPath(cert);
        QCOMPARE(certs.size(), 1);
        m_digest = certs.first().digest(QCryptographicHash::Sha256);

        m_server = std::make_unique<PeerServer>(PeerServer::Kind::Node);
        QVERIFY(m_server->start(0, {u"--tls-cert"_s, cert, u"--tls-key"_s, key}));
    }

    void untrustedIsRefused_data() { addRows(); }
    void untrustedIsRefused()
    {
        QFETCH(TransportMode, mode);
        SocketIoClient client(options(mode, {}));
        QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
        QSignalSpy joined(&client, &SocketIoClient::connected);
        client.open();
        QVERIFY(errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).value<SocketIoClient::Error>(),
                 SocketIoClient::Error::TlsError);
        QCOMPARE(client.state(), SocketIoClient::State::Disconnected);
        QCOMPARE(joined.size(), 0);
    }

    void wrongPinIsRefused_data() { addRows(); }
    void wrongPinIsRefused()
    {
        QFETCH(TransportMode, mode);
        QByteArray wrong = m_digest;
        wrong[0] = char(wrong[0] ^ 0x01);
        SocketIoClient client(options(mode, wrong));
        QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
        client.open();
        QVERIFY(errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).value<SocketIoClient::Error>(),
                 SocketIoClient::Error::TlsError);
    }

    void pinnedIsTrusted_data() { addRows(); }
    void pinnedIsTrusted()
    {
        QFETCH(TransportMode, mode);
        SocketIoClient client(options(mode, m_digest));
        QSignalSpy joined(&client, &SocketIoClient::connected);
        client.open();
        QVERIFY2(joined.wait(Timeout), qPrintable(client.lastError()));
        AckReply *reply = client.call(u"echo"_s, {u"over TLS"_s, QByteArray("\x00\x01", 2)});
        QSignalSpy finished(reply, &AckReply::finished);
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(reply->result(), (QVariantList{u"over TLS"_s, QByteArray("\x00\x01", 2)}));
        if (mode != TransportMode::Polling)
            QTRY_COMPARE_WITH_TIMEOUT(client.transport(), u"websocket"_s, Timeout);
    }

    void cliWithPin()
    {
        QString hex = QString::fromLatin1(m_digest.toHex(':'));
        QProcess cli;
        cli.start(QStringLiteral(CONFAB_CLI_PATH),
                  {u"https://127.0.0.1:%1"_s.arg(m_server->port()), u"--trust-sha256"_s, hex});
        QVERIFY(cli.waitForStarted());
        cli.write(R"({"event":"echo","args":["pinned"],"ack":true})"
                  "\n");
        cli.closeWriteChannel();
        QVERIFY(cli.waitForFinished(Timeout));
        QCOMPARE(cli.exitCode(), 0);
        QVERIFY2(cli.readAllStandardOutput().contains(R"({"ack":"echo","args":["pinned"]})"),
                 cli.readAllStandardError().constData());

        QProcess untrusted;
        untrusted.start(QStringLiteral(CONFAB_CLI_PATH),
                        {u"https://127.0.0.1:%1"_s.arg(m_server->port())});
        QVERIFY(untrusted.waitForFinished(Timeout));
        QCOMPARE(untrusted.exitCode(), 4); // unreachable: the certificate is not trusted
    }
};

QTEST_GUILESS_MAIN(tst_ClientTls)
#include "tst_client_tls.moc"
