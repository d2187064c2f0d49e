// SPDX-License-Identifier: MIT
#include "qrcode.h"

#include <qrencode.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace Confab {

QrCode QrCode::encode(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    // Byte mode (not QRcode_encodeString's automatic mode, which would stop at a NUL and
    // picks kanji for some byte pairs); level M survives a smudged or glaring phone screen.
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
            QRcode_encodeData(int(utf8.size()),
                              reinterpret_cast<const unsigned char *>(utf8.constData()), 0,
                              QR_ECLEVEL_M),
            &QRcode_free);
    QrCode result;
    if (!code || code->width <= 0)
        return result;
    result.m_size = code->width;
    result.m_modules.resize(result.m_size * result.m_size);
    for (int i = 0; i < result.m_size * result.m_size; ++i) {
        // Bit 0 of each byte is the module's colour (1: dark); the others say what it is.
        if (code->data[i] & 1)
            result.m_modules.setBit(i);
    }
    return result;
}

QString QrCode::toTerminalText(int quietZone) const
{
    if (isNull())
        return {};
    const int side = m_size + 2 * quietZone;
    const auto dark = [&](int x, int y) {
        x -= quietZone;
        y -= quietZone;
        return x >= 0 && y >= 0 && x < m_size && y < m_size && isDark(x, y);
    };
    // Black on white whatever the terminal's own colours: scanners want dark modules on a
    // light ground, and a light-on-dark terminal would otherwise show the code inverted.
    const QString colours = u"\x1b[30;47m"_s;
    const QString reset = u"\x1b[0m"_s;
    QString out;
    for (int y = 0; y < side; y += 2) {
        out += colours;
        for (int x = 0; x < side; ++x) {
            const bool top = dark(x, y);
            const bool bottom = y + 1 < side && dark(x, y + 1);
            out += top && bottom ? u'█' : top ? u'▀' : bottom ? u'▄' : u' ';
        }
        out += reset + u'\n';
    }
    return out;
}

} // namespace Confab
