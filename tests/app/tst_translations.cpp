// SPDX-License-Identifier: MIT
// The .ts files are current and the Chinese one is complete: runs lupdate over today's sources
// into a copy of each file (the same sources and options as `update_translations`) and fails
// on any string that appeared or went away, or that zh_CN leaves untranslated.
#include <QtCore/QFile>
#include <QtCore/QMap>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QXmlStreamReader>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;

namespace {

struct Message
{
    bool finished = false;
};

//! context + '\x1f' + source + '\x1f' + comment -> message, for every message in \a path.
QMap<QString, Message> readTs(const QString &path, QString *error)
{
    QMap<QString, Message> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return messages;
    }
    QXmlStreamReader xml(&file);
    QString context, source, comment;
    bool finished = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == "name"_L1) {
                context = xml.readElementText();
            } else if (name == "message"_L1) {
                source.clear();
                comment.clear();
                finished = true;
            } else if (name == "source"_L1) {
                source = xml.readElementText();
            } else if (name == "comment"_L1) {
                comment = xml.readElementText();
            } else if (name == "translation"_L1) {
                const auto type = xml.attributes().value("type"_L1);
                if (type == "unfinished"_L1 || type == "vanished"_L1 || type == "obsolete"_L1)
                    finished = false;
                // Plain text, or one <numerusform> per plural form; every one must be filled.
                bool any = false;
                while (!xml.atEnd()) {
                    xml.readNext();
                    if (xml.isCharacters() && !xml.isWhitespace())
                        any = true;
                    if (xml.isStartElement() && xml.name() == "numerusform"_L1
                        && xml.readElementText().trimmed().isEmpty())
                        finished = false;
                    else if (xml.isEndElement() && xml.name() == "numerusform"_L1)
                        any = true;
                    if (xml.isEndElement() && xml.name() == "translation"_L1)
                        break;
                }
                if (!any)
                    finished = false;
            }
        } else if (xml.isEndElement() && xml.name() == "message"_L1) {
            messages.insert(context + QChar(0x1f) + source + QChar(0x1f) + comment, {finished});
        }
    }
    if (xml.hasError())
        *error = xml.errorString();
    return messages;
}

QString readable(const QString &key)
{
    const QStringList parts = key.split(QChar(0x1f));
    return parts.value(0) + u": \""_s + parts.value(1) + u'"';
}

} // namespace

class tst_Translations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void upToDate_data();
    void upToDate();
};

void tst_Translations::upToDate_data()
{
    QTest::addColumn<QString>("tsFile");
    QTest::addColumn<bool>("mustBeComplete");
    // English is the source language: its file only carries the plural forms.
    QTest::addRow("en") << u"confab_en.ts"_s << false;
    QTest::addRow("zh_CN") << u"confab_zh_CN.ts"_s << true;
}

void tst_Translations::upToDate()
{
    QFETCH(QString, tsFile);
    QFETCH(bool, mustBeComplete);

    const QString committed = QStringLiteral(CONFAB_TS_DIR) + u'/' + tsFile;
    QString error;
    const QMap<QString, Message> before = readTs(committed, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!before.isEmpty());

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString copy = dir.filePath(tsFile);
    QVERIFY(QFile::copy(committed, copy));
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);

    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    QStringList arguments{u"@"_s + QStringLiteral(CONFAB_I18N_SOURCE_LIST)};
    arguments += QStringLiteral(CONFAB_LUPDATE_OPTIONS).split(u' ', Qt::SkipEmptyParts);
    arguments += {u"-ts"_s, copy};
    lupdate.start(QStringLiteral(CONFAB_LUPDATE), arguments);
    QVERIFY2(lupdate.waitForFinished(60000), qPrintable(lupdate.errorString()));
    QVERIFY2(lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0,
             lupdate.readAll().constData());

    const QMap<QString, Message> after = readTs(copy, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    QStringList problems;
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        if (!before.contains(it.key()))
            problems << u"new string, not in "_s + tsFile + u": "_s + readable(it.key());
    }
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (!after.contains(it.key()))
            problems << u"gone from the sources: "_s + readable(it.key());
        else if (mustBeComplete && !it->finished)
            problems << u"not translated: "_s + readable(it.key());
    }
    if (!problems.isEmpty()) {
        problems.prepend(u"%1 is out of date or incomplete. Run `cmake --build <build> --target "
                         "update_translations`, then translate what is unfinished (Qt Linguist "
                         "or a text editor):"_s.arg(tsFile));
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"\n    "_s)));
}

QTEST_GUILESS_MAIN(tst_Translations)

#include "tst_translations.moc"
