// SPDX-License-Identifier: MIT
#pragma once

#include "qrcode.h"

#include <QtGui/QColor>
#include <QtQml/QQmlEngine>
#include <QtQuick/QQuickPaintedItem>

namespace Confab::App {

//! \brief A QR code of \a text, for a phone to scan: the hosting banner's join link.
//!
//! Drawn dark on light with a quiet zone of four modules whatever the theme (scanners want
//! dark modules on a light ground), each module a whole number of pixels so that the code
//! stays sharp. Its implicit size gives each module 4 pixels.
class QrCodeItem : public QQuickPaintedItem
{
    Q_OBJECT
    QML_NAMED_ELEMENT(QrCode)
    Q_PROPERTY(QString text READ text WRITE setText NOTIFY textChanged)
    //! False when the text does not fit in a QR code.
    Q_PROPERTY(bool valid READ isValid NOTIFY textChanged)
public:
    static constexpr int QuietZone = 4;

    explicit QrCodeItem(QQuickItem *parent = nullptr);

    QString text() const { return m_text; }
    void setText(const QString &text);
    bool isValid() const { return !m_code.isNull(); }

    void paint(QPainter *painter) override;

Q_SIGNALS:
    void textChanged();

private:
    QString m_text;
    Confab::QrCode m_code;
};

//! \brief The system clipboard for QML (Qt Quick 6.4 has none but a text field's copy()).
class Clipboard : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
public:
    using QObject::QObject;
    Q_INVOKABLE void setText(const QString &text);
    Q_INVOKABLE QString text() const;
};

} // namespace Confab::App
