// SPDX-License-Identifier: MIT
// Reading QR codes back, as a phone would: zbarimg (Debian zbar-tools) decodes an image of the
// code, so that a test checks what a scanner reads, not how the modules happen to be laid out.
#pragma once

#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtGui/QPainter>

#include <functional>

namespace QrTest {

//! \brief A black-on-white image of a \a size × \a size grid of modules (dark(x, y)), each
//! \a scale pixels, in a quiet zone of four modules.
inline QImage render(int size, const std::function<bool(int, int)> &dark, int scale = 6)
{
    const int quiet = 4;
    QImage image((size + 2 * quiet) * scale, (size + 2 * quiet) * scale, QImage::Format_Grayscale8);
    image.fill(Qt::white);
    QPainter painter(&image);
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            if (dark(x, y))
                painter.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale, Qt::black);
        }
    }
    return image;
}

//! \brief What zbarimg reads in \a image; an empty string when it finds no code. The error
//! (zbarimg missing, unreadable image) goes to \a error.
inline QString decode(const QImage &image, QString *error)
{
    const QString zbarimg = QStandardPaths::findExecutable(QStringLiteral("zbarimg"));
    if (zbarimg.isEmpty()) {
        *error = QStringLiteral("zbarimg is missing: install zbar-tools (scripts/dev.sh deps)");
        return {};
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("code.png"));
    if (!image.save(path)) {
        *error = QStringLiteral("could not write ") + path;
        return {};
    }
    QProcess zbar;
    zbar.start(zbarimg,
               {QStringLiteral("--raw"), QStringLiteral("-q"), QStringLiteral("-Sbinary"), path});
    if (!zbar.waitForFinished(20000)) {
        *error = QStringLiteral("zbarimg did not finish");
        return {};
    }
    // --raw prints the data and a newline; exit code 4 means no code was found.
    QByteArray out = zbar.readAllStandardOutput();
    if (out.endsWith('\n'))
        out.chop(1);
    return QString::fromUtf8(out);
}

} // namespace QrTest
