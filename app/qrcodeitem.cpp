// SPDX-License-Identifier: MIT
#include "qrcodeitem.h"

#include <QtGui/QClipboard>
#include <QtGui/QGuiApplication>
#include <QtGui/QPainter>

namespace Confab::App {

QrCodeItem::QrCodeItem(QQuickItem *parent)
    : QQuickPaintedItem(parent)
{
    setAntialiasing(false);
}

void QrCodeItem::setText(const QString &text)
{
    if (m_text == text)
        return;
    m_text = text;
    m_code = Confab::QrCode::encode(text);
    const int side = m_code.isNull() ? 0 : (m_code.size() + 2 * QuietZone) * 4;
    setImplicitSize(side, side);
    update();
    Q_EMIT textChanged();
}

void QrCodeItem::paint(QPainter *painter)
{
    if (m_code.isNull())
        return;
    const int modules = m_code.size() + 2 * QuietZone;
    const int side = int(qMin(width(), height()));
    const int scale = side / modules;
    if (scale < 1)
        return; // too small to scan: draw nothing rather than a blur
    const int offset = (side - scale * modules) / 2;
    painter->fillRect(QRect(0, 0, side, side), Qt::white);
    for (int y = 0; y < m_code.size(); ++y) {
        for (int x = 0; x < m_code.size(); ++x) {
            if (m_code.isDark(x, y)) {
                painter->fillRect(offset + (x + QuietZone) * scale,
                                  offset + (y + QuietZone) * scale, scale, scale, Qt::black);
            }
        }
    }
}

void Clipboard::setText(const QString &text)
{
    QGuiApplication::clipboard()->setText(text);
}

QString Clipboard::text() const
{
    return QGuiApplication::clipboard()->text();
}

} // namespace Confab::App
