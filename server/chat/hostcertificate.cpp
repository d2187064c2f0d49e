// SPDX-License-Identifier: MIT
#include "hostcertificate.h"

#include "chatlogging.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QSaveFile>
#include <QtNetwork/QHostAddress>
#include <QtNetwork/QHostInfo>
#include <QtNetwork/QNetworkInterface>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace Confab {

namespace {

template<auto Free>
struct Deleter
{
    template<typename T>
    void operator()(T *p) const
    {
        Free(p);
    }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

void setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
}

QByteArray bioBytes(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

bool addExtension(X509 *cert, int nid, const QByteArray &value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
    ExtPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.constData()));
    return extension && X509_add_ext(cert, extension.get(), -1) == 1;
}

//! A DNS name fit for a subjectAltName list (which is comma-separated).
bool isPlainName(const QString &name)
{
    if (name.isEmpty() || name.size() > 253)
        return false;
    for (QChar c : name) {
        if (!(c.isLetterOrNumber() && c.unicode() < 0x80) && c != u'-' && c != u'.')
            return false;
    }
    return true;
}

bool writeFile(const QString &path, const QByteArray &bytes, bool secret, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        setError(error, u"cannot write %1: %2"_s.arg(path, file.errorString()));
        return false;
    }
    // Before the key is written: the temporary file is only ever readable by the owner.
    if (secret && !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        setError(error, u"cannot restrict %1 to its owner: %2"_s.arg(path, file.errorString()));
        return false;
    }
    file.write(bytes);
    if (!file.commit()) {
        setError(error, u"cannot write %1: %2"_s.arg(path, file.errorString()));
        return false;
    }
    return true;
}

//! Whether the private key in \a keyPem is the one of the certificate in \a certificatePem.
bool keyMatches(const QByteArray &certificatePem, const QByteArray &keyPem)
{
    BioPtr certIn(BIO_new_mem_buf(certificatePem.constData(), int(certificatePem.size())));
    BioPtr keyIn(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())));
    if (!certIn || !keyIn)
        return false;
    X509Ptr cert(PEM_read_bio_X509(certIn.get(), nullptr, nullptr, nullptr));
    // A passphrase is never asked for (OpenSSL's default would prompt on the terminal).
    const auto noPassphrase = [](char *, int, int, void *) { return 0; };
    KeyPtr key(PEM_read_bio_PrivateKey(keyIn.get(), nullptr, noPassphrase, nullptr));
    return cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
}

} // namespace

QString HostCertificate::fingerprintOf(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

HostCertificate HostCertificate::generate(const QStringList &names, const QStringList &addresses,
                                          QString *error)
{
    const auto fail = [error](const QString &what) {
        setError(error, u"cannot make a certificate: %1"_s.arg(what));
        return HostCertificate{};
    };
    KeyPtr key(EVP_EC_gen("P-256"));
    if (!key)
        return fail(u"no EC P-256 key"_s);
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
        return fail(u"no X.509 structure"_s);

    // A random positive 127-bit serial: two certificates of one host never share one.
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        return fail(u"no random serial"_s);
    serial[0] &= 0x7f;
    std::unique_ptr<BIGNUM, Deleter<BN_free>> number(BN_bin2bn(serial, sizeof serial, nullptr));
    if (!number || !BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(cert.get())))
        return fail(u"no serial"_s);

    // An hour back, for joiners whose clock is a little behind.
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), long(ValidityDays) * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());

    X509_NAME *subject = X509_get_subject_name(cert.get());
    QByteArray commonName = "Confab host";
    if (!names.isEmpty() && isPlainName(names.constFirst()))
        commonName += ' ' + names.constFirst().toLatin1();
    X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("Confab"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>(commonName.constData()), -1,
                               -1, 0);
    X509_set_issuer_name(cert.get(), subject);

    QByteArrayList alternatives;
    const auto add = [&alternatives](const QByteArray &entry) {
        if (!alternatives.contains(entry))
            alternatives.append(entry);
    };
    for (const QString &name : names) {
        if (isPlainName(name))
            add("DNS:" + name.toLatin1());
    }
    for (const QString &text : addresses) {
        QHostAddress address(text);
        address.setScopeId({});
        if (!address.isNull())
            add("IP:" + address.toString().toLatin1());
    }
    if (!addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE")
        || !addExtension(cert.get(), NID_key_usage, "critical,digitalSignature")
        || !addExtension(cert.get(), NID_ext_key_usage, "serverAuth")
        || !addExtension(cert.get(), NID_subject_key_identifier, "hash")
        || (!alternatives.isEmpty()
            && !addExtension(cert.get(), NID_subject_alt_name, alternatives.join(','))))
        return fail(u"extensions refused"_s);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return fail(u"signing failed"_s);

    BioPtr certPem(BIO_new(BIO_s_mem()));
    BioPtr keyPem(BIO_new(BIO_s_mem()));
    if (!certPem || !keyPem || PEM_write_bio_X509(certPem.get(), cert.get()) != 1
        || PEM_write_bio_PrivateKey(keyPem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)
                != 1)
        return fail(u"PEM encoding failed"_s);

    HostCertificate made;
    made.certificate = QSslCertificate(bioBytes(certPem.get()), QSsl::Pem);
    made.key = QSslKey(bioBytes(keyPem.get()), QSsl::Ec, QSsl::Pem);
    if (made.isNull())
        return fail(u"Qt cannot read the result"_s);
    return made;
}

HostCertificate HostCertificate::generateForThisMachine(QString *error)
{
    QStringList names{u"localhost"_s};
    const QString machine = QHostInfo::localHostName();
    if (!machine.isEmpty() && machine != u"localhost"_s) {
        names.prepend(machine);
        if (!machine.contains(u'.'))
            names.append(machine + u".local"_s);
    }
    QStringList addresses{u"127.0.0.1"_s, u"::1"_s};
    for (const QHostAddress &address : QNetworkInterface::allAddresses())
        addresses.append(address.toString());
    return generate(names, addresses, error);
}

HostCertificate HostCertificate::load(const QString &certificateFile, const QString &keyFile,
                                      QString *error)
{
    QFile certIn(certificateFile);
    if (!certIn.open(QIODevice::ReadOnly)) {
        setError(error, u"cannot read %1: %2"_s.arg(certificateFile, certIn.errorString()));
        return {};
    }
    const auto chain = QSslCertificate::fromData(certIn.readAll(), QSsl::Pem);
    QFile keyIn(keyFile);
    if (!keyIn.open(QIODevice::ReadOnly)) {
        setError(error, u"cannot read %1: %2"_s.arg(keyFile, keyIn.errorString()));
        return {};
    }
    const QByteArray keyBytes = keyIn.readAll();
    HostCertificate loaded;
    if (!chain.isEmpty())
        loaded.certificate = chain.constFirst();
    if (loaded.certificate.isNull()) {
        setError(error, u"%1 holds no PEM certificate"_s.arg(certificateFile));
        return {};
    }
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Ec, QSsl::Rsa, QSsl::Dsa}) {
        loaded.key = QSslKey(keyBytes, algorithm, QSsl::Pem);
        if (!loaded.key.isNull())
            break;
    }
    if (loaded.key.isNull()) {
        setError(error, u"%1 holds no PEM private key (unencrypted EC or RSA)"_s.arg(keyFile));
        return {};
    }
    if (!keyMatches(loaded.certificate.toPem(), keyBytes)) {
        setError(error,
                 u"the key in %1 is not the one of the certificate in %2"_s.arg(keyFile,
                                                                                certificateFile));
        return {};
    }
    return loaded;
}

HostCertificate HostCertificate::loadOrCreate(const QString &folder, bool regenerate,
                                              QString *error)
{
    if (folder == u":memory:"_s)
        return generateForThisMachine(error);
    const QDir dir(folder);
    const QString certPath = dir.filePath(QString::fromLatin1(CertificateFileName));
    const QString keyPath = dir.filePath(QString::fromLatin1(KeyFileName));
    if (!regenerate && QFile::exists(certPath) && QFile::exists(keyPath)) {
        QString why;
        HostCertificate kept = load(certPath, keyPath, &why);
        if (!kept.isNull() && kept.certificate.expiryDate() > QDateTime::currentDateTimeUtc())
            return kept;
        qCWarning(lcChat) << "Making a new certificate:"
                          << (kept.isNull() ? why : u"the kept one has expired"_s);
    }
    HostCertificate made = generateForThisMachine(error);
    if (made.isNull())
        return {};
    if (!dir.exists() && !QDir().mkpath(folder)) {
        setError(error, u"cannot create %1"_s.arg(folder));
        return {};
    }
    // The key first: a certificate is never left without the key that goes with it.
    if (!writeFile(keyPath, made.key.toPem(), true, error)
        || !writeFile(certPath, made.certificate.toPem(), false, error))
        return {};
    qCInfo(lcChat) << "Made a new certificate" << made.fingerprint() << "in" << folder;
    return made;
}

} // namespace Confab
