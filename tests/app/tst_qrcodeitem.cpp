// SPDX-License-Identifier: MIT
// The hosting banner's QR code as the window draws it: a phone's scanner (zbarimg) reads the
// join link back from a grab of the window, at the item's implicit size and larger.
#include "qrcodeitem.h"

#include "../server/qrtestutil.h"

#include <QtQuick/QQuickWindow>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using Confab::App::QrCodeItem;

class tst_QrCodeItem : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scannable_data();
    void scannable();
};

void tst_QrCodeItem::scannable_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("side"); //!< 0: the implicit size
    QTest::addRow("implicit size") << u"http://192.168.1.20:3000/"_s << 0;
    QTest::addRow("larger, not a whole number of modules") << u"http://192.168.1.20:3000/"_s << 301;
    QTest::addRow("IPv6 with zone") << u"http://[fe80::1c2b:3dff:fe4a:5e6f%25wlp2s0]:3000/"_s << 0;
}

void tst_QrCodeItem::scannable()
{
    QFETCH(QString, url);
    QFETCH(int, side);
    QQuickWindow window;
    window.resize(400, 400);
    window.setColor(QColor(u"#1e2227"_s)); // the dark theme's window: the code brings its own white
    QrCodeItem item(window.contentItem());
    item.setText(url);
    QVERIFY(item.isValid());
    QVERIFY(item.implicitWidth() > 0);
    item.setSize(side > 0 ? QSizeF(side, side)
                          : QSizeF(item.implicitWidth(), item.implicitHeight()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QImage grab = window.grabWindow();
    QVERIFY(!grab.isNull());
    QString error;
    QCOMPARE(QrTest::decode(grab, &error), url);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    item.setText(QString(3000, u'x')); // more than a QR code holds
    QVERIFY(!item.isValid());
    QCOMPARE(item.implicitWidth(), 0.0);
}

QTEST_MAIN(tst_QrCodeItem)
#include "tst_qrcodeitem.moc"
