// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QRandomGenerator>
#include <QtCore/QString>

namespace Confab {

//! \brief 20 characters of base64url from 120 random bits: the form of Engine.IO session ids
//! and Socket.IO socket ids, unguessable so that no client can take over another's session.
inline QString randomId()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray bytes(reinterpret_cast<const char *>(words), 15);
    return QString::fromLatin1(
            bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace Confab
