// SPDX-License-Identifier: MIT
#include "protocolerror.h"

#include <QtCore/QMetaEnum>

namespace Confab::Protocol {

QString Error::toString() const
{
    const char *name = QMetaEnum::fromType<ErrorCode>().valueToKey(int(code));
    return QLatin1StringView(name ? name : "Unknown") + u": " + detail;
}

} // namespace Confab::Protocol
