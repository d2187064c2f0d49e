// SPDX-License-Identifier: MIT
// The host's self-signed certificate: what generate() puts in it, that the key file is the
// owner's alone, that loadOrCreate() keeps one across starts and regenerates on request, and
// that load() refuses a key of another certificate.
#include "hostcertificate.h"

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QSslCertificateExtension>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using Confab::HostCertificate;

class tst_HostCertificate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void generatedContents()
    {
        const HostCertificate made = HostCertificate::generate(
                {u"confab-box"_s, u"localhost"_s, u"bad name,DNS:evil"_s},
                {u"192.168.1.20"_s, u"fe80::1%eth0"_s, u"not an address"_s});
        QVERIFY(!made.isNull());
        const QSslCertificate &cert = made.certificate;
        QCOMPARE(made.key.algorithm(), QSsl::Ec);
        QCOMPARE(made.key.length(), 256);
        // Its own issuer (Qt's isSelfSigned() also wants keyCertSign, which a leaf that is no CA
        // does not have).
        QCOMPARE(cert.issuerDisplayName(), cert.subjectDisplayName());
        QCOMPARE(cert.subjectInfo(QSslCertificate::CommonName),
                 QStringList{u"Confab host confab-box"_s});
        const auto alternatives = cert.subjectAlternativeNames();
        QCOMPARE(alternatives.values(QSsl::DnsEntry),
                 (QList<QString>{u"localhost"_s, u"confab-box"_s}));
        // The zone is not part of an address in a certificate; a name that is not one is left out
        // (it cannot smuggle an entry of its own into the comma-separated list).
        QCOMPARE(alternatives.values(QSsl::IpAddressEntry),
                 (QList<QString>{u"fe80::1"_s, u"192.168.1.20"_s}));
        const qint64 days = QDateTime::currentDateTimeUtc().daysTo(cert.expiryDate());
        QVERIFY2(days >= HostCertificate::ValidityDays - 1 && days <= HostCertificate::ValidityDays,
                 QByteArray::number(days).constData());
        QVERIFY(cert.effectiveDate() <= QDateTime::currentDateTimeUtc());
        QCOMPARE(made.fingerprint().size(), 95);
        QCOMPARE(made.fingerprint(),
                 QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex(':').toUpper()));
        // Two certificates never share a key (nor a fingerprint).
        QVERIFY(HostCertificate::generate({u"confab-box"_s}, {}).fingerprint()
                != made.fingerprint());
    }

    void keptAcrossStartsAndRegenerated()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString error;
        const HostCertificate first = HostCertificate::loadOrCreate(dir.path(), false, &error);
        QVERIFY2(!first.isNull(), qPrintable(error));
        QFile key(dir.filePath(QString::fromLatin1(HostCertificate::KeyFileName)));
        QCOMPARE(key.permissions() & ~(QFile::ReadUser | QFile::WriteUser),
                 QFile::ReadOwner | QFile::WriteOwner);
        QCOMPARE(HostCertificate::loadOrCreate(dir.path(), false).fingerprint(),
                 first.fingerprint());
        const HostCertificate renewed = HostCertificate::loadOrCreate(dir.path(), true);
        QVERIFY(!renewed.isNull());
        QVERIFY(renewed.fingerprint() != first.fingerprint());
        QCOMPARE(HostCertificate::loadOrCreate(dir.path(), false).fingerprint(),
                 renewed.fingerprint());
        // In memory: a new one each time, nothing written.
        QVERIFY(HostCertificate::loadOrCreate(u":memory:"_s, false).fingerprint()
                != HostCertificate::loadOrCreate(u":memory:"_s, false).fingerprint());
    }

    void loadRefusesAnotherKey()
    {
        QTemporaryDir a, b;
        QVERIFY(!HostCertificate::loadOrCreate(a.path(), false).isNull());
        QVERIFY(!HostCertificate::loadOrCreate(b.path(), false).isNull());
        const QString certA = a.filePath(QString::fromLatin1(HostCertificate::CertificateFileName));
        const QString keyA = a.filePath(QString::fromLatin1(HostCertificate::KeyFileName));
        const QString keyB = b.filePath(QString::fromLatin1(HostCertificate::KeyFileName));
        QString error;
        QVERIFY(!HostCertificate::load(certA, keyA, &error).isNull());
        QVERIFY(HostCertificate::load(certA, keyB, &error).isNull());
        QVERIFY2(error.contains(u"is not the one of the certificate"_s), qPrintable(error));
        QVERIFY(HostCertificate::load(certA, a.filePath(u"missing.pem"_s), &error).isNull());
        QVERIFY2(error.contains(u"missing.pem"_s), qPrintable(error));
        // A file that is not PEM at all.
        QVERIFY(HostCertificate::load(keyA, keyA, &error).isNull());
        QVERIFY2(error.contains(u"no PEM certificate"_s), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(tst_HostCertificate)
#include "tst_hostcertificate.moc"
