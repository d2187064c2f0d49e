// SPDX-License-Identifier: MIT
// TLS: wss/https against a Node socket.io server with a self-signed certificate made by openssl
// at test time. Verification is on by default; pinning the certificate's SHA-256 trusts it.
// A second server has a certificate from a test CA that the client trusts: a pin restricts, so
// with another pin that server is refused although the CA vouches for it.
#include "peerserver.h"

#include "ackreply.h"
#include "socketioclient.h"

#include <QtCore/QTemporaryDir>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslConfiguration>
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
    QByteArray m_caIssuedDigest;
    std::unique_ptr<PeerServer> m_caIssuedServer;

    bool runOpenssl(const QStringList &args)
    {
        QProcess gen;
        gen.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        gen.setWorkingDirectory(m_dir.path());
        gen.start(QStandardPaths::findExecutable(u"openssl"_s), args);
        return gen.waitForFinished(60000) && gen.exitStatus() == QProcess::NormalExit
                && gen.exitCode() == 0;
    }

    ClientOptions options(TransportMode mode, const QByteArray &pin,
                          const PeerServer *server = nullptr) const
    {
        ClientOptions o;
        // No subjectAltName for 127.0.0.1 either: the pin must cover the host mismatch too.
        o.url = QUrl(u"https://127.0.0.1:%1"_s.arg((server ? server : m_server.get())->port()));
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

        // A test CA, trusted by this process, and a certificate it issued for 127.0.0.1.
        QVERIFY(runOpenssl({u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s,
                            u"-keyout"_s, u"ca.key"_s, u"-out"_s, u"ca.pem"_s, u"-days"_s, u"2"_s,
                            u"-subj"_s, u"/CN=Confab Test CA"_s, u"-addext"_s,
                            u"basicConstraints=critical,CA:TRUE"_s, u"-addext"_s,
                            u"keyUsage=critical,keyCertSign,cRLSign"_s}));
        QVERIFY(runOpenssl({u"req"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-keyout"_s,
                            u"leaf.key"_s, u"-out"_s, u"leaf.csr"_s, u"-subj"_s,
                            u"/CN=127.0.0.1"_s}));
        QFile ext(m_dir.filePath(u"leaf.ext"_s));
        QVERIFY(ext.open(QIODevice::WriteOnly));
        ext.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        ext.close();
        QVERIFY(runOpenssl({u"x509"_s, u"-req"_s, u"-in"_s, u"leaf.csr"_s, u"-CA"_s, u"ca.pem"_s,
                            u"-CAkey"_s, u"ca.key"_s, u"-CAcreateserial"_s, u"-out"_s,
                            u"leaf.pem"_s, u"-days"_s, u"2"_s, u"-extfile"_s, u"leaf.ext"_s}));
        const auto ca = QSslCertificate::fromPath(m_dir.filePath(u"ca.pem"_s));
        QCOMPARE(ca.size(), 1);
        QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
        trusting.addCaCertificates(ca);
        QSslConfiguration::setDefaultConfiguration(trusting);
        const auto leaf = QSslCertificate::fromPath(m_dir.filePath(u"leaf.pem"_s));
        QCOMPARE(leaf.size(), 1);
        m_caIssuedDigest = leaf.first().digest(QCryptographicHash::Sha256);
        m_caIssuedServer = std::make_unique<PeerServer>(PeerServer::Kind::Node);
        QVERIFY(m_caIssuedServer->start(0,
                                        {u"--tls-cert"_s, m_dir.filePath(u"leaf.pem"_s),
                                         u"--tls-key"_s, m_dir.filePath(u"leaf.key"_s)}));
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

    void caTrustedWithoutPin_data() { addRows(); }
    void caTrustedWithoutPin()
    {
        // Without a pin, the usual verification: the test CA vouches for this server.
        QFETCH(TransportMode, mode);
        SocketIoClient client(options(mode, {}, m_caIssuedServer.get()));
        QSignalSpy joined(&client, &SocketIoClient::connected);
        client.open();
        QVERIFY2(joined.wait(Timeout), qPrintable(client.lastError()));
    }

    void pinRestrictsCaTrust_data() { addRows(); }
    void pinRestrictsCaTrust()
    {
        // Pinned to another certificate: refused, although a trusted CA issued this one.
        QFETCH(TransportMode, mode);
        SocketIoClient client(options(mode, m_digest, m_caIssuedServer.get()));
        QSignalSpy errors(&client, &SocketIoClient::errorOccurred);
        QSignalSpy joined(&client, &SocketIoClient::connected);
        client.open();
        QVERIFY(errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).value<SocketIoClient::Error>(),
                 SocketIoClient::Error::TlsError);
        QCOMPARE(joined.size(), 0);
    }

    void pinnedCaIssuedIsTrusted_data() { addRows(); }
    void pinnedCaIssuedIsTrusted()
    {
        QFETCH(TransportMode, mode);
        SocketIoClient client(options(mode, m_caIssuedDigest, m_caIssuedServer.get()));
        QSignalSpy joined(&client, &SocketIoClient::connected);
        client.open();
        QVERIFY2(joined.wait(Timeout), qPrintable(client.lastError()));
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
