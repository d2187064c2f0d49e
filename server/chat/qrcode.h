// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QBitArray>
#include <QtCore/QString>

namespace Confab {

//! \brief A QR code of a join link, for a phone to scan: the app draws it in its hosting
//! banner, confab-server in the terminal.
//!
//! A value: the square of modules libqrencode made (byte mode, error correction M, the
//! smallest version that fits), without the quiet zone, which the drawings add.
class QrCode
{
public:
    //! \brief The code of \a text (UTF-8); null when it does not fit in a QR code (about
    //! 2,300 bytes at level M) or libqrencode fails.
    static QrCode encode(const QString &text);

    bool isNull() const { return m_size == 0; }
    //! Modules per side (21 for version 1, then 4 more per version).
    int size() const { return m_size; }
    bool isDark(int x, int y) const { return m_modules.testBit(y * m_size + x); }

    //! \brief The code in text for a terminal: two rows of modules per line drawn with
    //! "▀", "▄" and "█" in black on white (ANSI colours), inside a quiet zone of \a quietZone
    //! modules.
    QString toTerminalText(int quietZone = 2) const;

private:
    int m_size = 0;
    QBitArray m_modules;
};

} // namespace Confab
