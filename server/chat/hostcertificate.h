// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslKey>

namespace Confab {

//! \brief The certificate a host serves TLS with, and its private key.
//!
//! Made with no setup: a self-signed certificate (EC P-256 key, SHA-256 signature, valid for
//! ValidityDays, the host's names and addresses as subject alternative names) is generated at
//! first start and kept in the data folder (KeyFileName mode 0600, CertificateFileName), so the
//! fingerprint joiners pinned stays the same across restarts. Joiners do not trust it through a
//! CA but by its SHA-256 fingerprint (fingerprint()), which the host prints and announces.
//! A certificate from the user's own CA is loaded with load() instead.
struct HostCertificate
{
    HostCertificate() = default; // not an aggregate: {} must not list-initialize the members

    QSslCertificate certificate;
    QSslKey key;

    static constexpr int ValidityDays = 5 * 365;
    static constexpr auto CertificateFileName = "host-certificate.pem";
    static constexpr auto KeyFileName = "host-key.pem";

    bool isNull() const { return certificate.isNull() || key.isNull(); }
    //! \brief SHA-256 of the certificate (DER) as "AB:CD:…" (32 pairs), what pins compare.
    QString fingerprint() const { return fingerprintOf(certificate); }
    static QString fingerprintOf(const QSslCertificate &certificate);

    //! \brief A new self-signed certificate for \a names (DNS) and \a addresses (IP); null
    //! with \a error set on failure.
    static HostCertificate generate(const QStringList &names, const QStringList &addresses,
                                    QString *error = nullptr);
    //! \brief The machine's names (localhost, its host name, NAME.local) and its addresses
    //! (loopback and every interface's), for generate().
    static HostCertificate generateForThisMachine(QString *error = nullptr);
    //! \brief A PEM certificate (the first one of the file) and a PEM private key; null with
    //! \a error set when either cannot be read or they do not belong together.
    static HostCertificate load(const QString &certificateFile, const QString &keyFile,
                                QString *error = nullptr);
    //! \brief The certificate kept in \a folder, made there first if there is none (or it is
    //! unreadable, or \a regenerate): ":memory:" makes one for this run only.
    static HostCertificate loadOrCreate(const QString &folder, bool regenerate,
                                        QString *error = nullptr);
};

} // namespace Confab
