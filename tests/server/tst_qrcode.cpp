// SPDX-License-Identifier: MIT
// QR codes of join links: what a phone's scanner reads back from the module grid and from the
// terminal drawing confab-server prints, and that confab-server prints one only to a terminal.
#include "qrcode.h"
#include "qrtestutil.h"

#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>
#include <QtCore/QUrl>
#include <QtNetwork/QHostAddress>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using Confab::QrCode;

class tst_QrCode : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scannersReadIt_data();
    void scannersReadIt();
    void tooLongIsNull();
    void confabServerDrawsItOnATerminal();

private:
    //! The modules a terminal drawing shows: each character is two rows (top, bottom).
    static QList<QList<bool>> modulesOf(const QString &terminal);
};

void tst_QrCode::scannersReadIt_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("IPv4 link") << u"http://192.168.1.20:3000/"_s;
    QTest::addRow("IPv6 link-local link") << u"http://[fe80::1c2b:3dff:fe4a:5e6f%25wlp2s0]:3000/"_s;
    QTest::addRow("deep link") << u"http://10.0.0.5:3000/?room=lobby&name=alice"_s;
    QTest::addRow("not ASCII") << u"http://10.0.0.5:3000/?room=大厅"_s;
    QTest::addRow("long") << u"http://host.example:3000/?room="_s + QString(600, u'r');
}

void tst_QrCode::scannersReadIt()
{
    QFETCH(QString, text);
    const QrCode code = QrCode::encode(text);
    QVERIFY(!code.isNull());
    // Versions are 21 modules, then 4 more each.
    QCOMPARE((code.size() - 21) % 4, 0);

    QString error;
    const QImage grid
            = QrTest::render(code.size(), [&](int x, int y) { return code.isDark(x, y); });
    QCOMPARE(QrTest::decode(grid, &error), text);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // The terminal drawing: same modules, inside its quiet zone of two.
    const QString terminal = code.toTerminalText(2);
    const QList<QList<bool>> modules = modulesOf(terminal);
    QCOMPARE(modules.size() >= code.size() + 4, true);
    const QImage drawn = QrTest::render(int(modules.first().size()), [&](int x, int y) {
        return y < modules.size() && modules.at(y).at(x);
    });
    QCOMPARE(QrTest::decode(drawn, &error), text);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_QrCode::tooLongIsNull()
{
    // More than a version 40 code holds at level M: no code rather than a wrong one.
    const QrCode code = QrCode::encode(QString(3000, u'x'));
    QVERIFY(code.isNull());
    QVERIFY(code.toTerminalText().isEmpty());
}

QList<QList<bool>> tst_QrCode::modulesOf(const QString &terminal)
{
    static const QRegularExpression ansi(u"\x1b\\[[0-9;]*m"_s);
    QList<QList<bool>> rows;
    for (QString line : terminal.split(u'\n', Qt::SkipEmptyParts)) {
        line.remove(ansi);
        line.remove(u'\r');
        QList<bool> top, bottom;
        for (const QChar c : std::as_const(line)) {
            top.append(c == u'█' || c == u'▀');
            bottom.append(c == u'█' || c == u'▄');
        }
        rows.append(top);
        rows.append(bottom);
    }
    return rows;
}

void tst_QrCode::confabServerDrawsItOnATerminal()
{
    // script(1) gives confab-server a terminal, as a person starting it by hand has.
    const QString script = QStandardPaths::findExecutable(u"script"_s);
    QVERIFY2(!script.isEmpty(), "script(1) (util-linux / bsdutils) is missing");
    const QString command = u"%1 --port 0 --data :memory: --name QrTest"_s.arg(
            QStringLiteral(CONFAB_SERVER_BINARY));
    QProcess terminal;
    terminal.start(script, {u"-qfec"_s, command, u"/dev/null"_s});
    QVERIFY(terminal.waitForStarted());
    QByteArray output;
    // The loopback URLs come last.
    QTRY_VERIFY_WITH_TIMEOUT(
            (output += terminal.readAllStandardOutput()).contains("join at http://[::1]:"), 10000);
    const QRegularExpression first(u"join at (http://\\S+)"_s);
    const auto match = first.match(QString::fromUtf8(output));
    QVERIFY2(match.hasMatch(), output.constData());
    const QString url = match.captured(1);
    const bool lan = !QHostAddress(QUrl(url).host()).isLoopback();
    if (lan) {
        // The drawing is followed by an empty line.
        QTRY_VERIFY_WITH_TIMEOUT(
                (output += terminal.readAllStandardOutput()).contains("\x1b[0m\r\n\r\n"), 10000);
    }
    terminal.terminate();
    QVERIFY(terminal.waitForFinished(5000));
    const QString text = QString::fromUtf8(output);
    const qsizetype at = text.indexOf(u"Scan to join "_s + url);
    if (!lan) {
        // A machine with no network but loopback: nothing a phone could reach, no code.
        QCOMPARE(at, -1);
        return;
    }
    QVERIFY2(at >= 0, output.constData());
    const QString drawing = text.mid(text.indexOf(u'\n', at) + 1);
    const QList<QList<bool>> modules = modulesOf(drawing);
    QVERIFY(!modules.isEmpty());
    QString error;
    const QImage image = QrTest::render(int(modules.first().size()), [&](int x, int y) {
        return y < modules.size() && x < modules.at(y).size() && modules.at(y).at(x);
    });
    QCOMPARE(QrTest::decode(image, &error), url);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

QTEST_MAIN(tst_QrCode)
#include "tst_qrcode.moc"
