// SPDX-License-Identifier: MIT
#include "peerkey.h"

namespace Confab {

QByteArray peerKey(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // also for ::ffff:a.b.c.d
    if (isV4) {
        QByteArray key(5, '4');
        for (int i = 0; i < 4; ++i)
            key[i + 1] = char(v4 >> (24 - 8 * i));
        return key;
    }
    const Q_IPV6ADDR v6 = address.toIPv6Address();
    return '6' + QByteArray(reinterpret_cast<const char *>(v6.c), 8); // the /64
}

} // namespace Confab
