// SPDX-License-Identifier: MIT
// The store's VFS that gathers write-ahead-log writes until the sync (walbuffervfs.h): what a
// commit returned is in the file for any other connection and after reopening, with
// transactions bigger than one write and than the buffer, with frames rewritten within a
// transaction (a spilling page cache), after a rollback; and the log is written in a few
// calls instead of two per page.
#include "sqlitetestutil.h"
#include "walbuffervfs.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace {

//! The rows 1..\a count: a CTE for INSERT ... SELECT.
QByteArray series(int count)
{
    return "WITH RECURSIVE s(x) AS (VALUES(1) UNION ALL SELECT x + 1 FROM s WHERE x < "
            + QByteArray::number(count) + ") ";
}

//! Inserts \a rows rows into t in one transaction, each its id zero-padded to \a bytes.
bool insertRows(const SqliteConnection &c, int rows, int bytes)
{
    const QByteArray first = QByteArray::number(c.integer("SELECT COALESCE(MAX(id), 0) FROM t"));
    return c.exec("BEGIN")
            && c.exec("INSERT INTO t (id, v) " + series(rows) + "SELECT x + " + first
                      + ", printf('%0*d', " + QByteArray::number(bytes) + ", x + " + first
                      + ") FROM s")
            && c.exec("COMMIT");
}

//! Rows of t whose value is their own id, \a bytes long.
const char *intactRows(int bytes)
{
    static QByteArray sql;
    sql = "SELECT COUNT(*) FROM t WHERE CAST(v AS INTEGER) = id AND length(v) = "
            + QByteArray::number(bytes);
    return sql.constData();
}

#ifdef Q_OS_LINUX
//! Write system calls of this process so far (/proc/self/io), or -1.
qint64 writeCalls()
{
    QFile io(u"/proc/self/io"_s);
    if (!io.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : io.readAll().split('\n')) {
        if (line.startsWith("syscw:"))
            return line.mid(6).trimmed().toLongLong();
    }
    return -1;
}
#endif

} // namespace

class tst_StoreWalBuffer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void commitsAreVisibleAndDurable_data();
    void commitsAreVisibleAndDurable();
    void spillingCacheRewritesFrames();
    void rollbackLeavesNothing();
#ifdef Q_OS_LINUX
    void gathersWrites();
#endif

private:
    QString path() const
    {
        return m_dir->filePath(u"test.sqlite"_s);
    }
    //! Opens through the VFS with the settings it needs (WAL, synchronous=FULL).
    std::unique_ptr<SqliteConnection> openWriter(int pageSize = 4096) const
    {
        auto c = std::make_unique<SqliteConnection>(path(), Confab::walBufferVfsName());
        if (!c->exec("PRAGMA page_size=" + QByteArray::number(pageSize))
            || !c->exec("PRAGMA journal_mode=WAL") || !c->exec("PRAGMA synchronous=FULL")
            || !c->exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB)"))
            return nullptr;
        return c;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_StoreWalBuffer::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(Confab::walBufferVfsName());
}

void tst_StoreWalBuffer::commitsAreVisibleAndDurable_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("bytes");
    QTest::addColumn<int>("pageSize");
    QTest::newRow("one small row") << 1 << 10 << 4096;
    QTest::newRow("more than one write (128 KiB)") << 100 << 3000 << 4096;
    QTest::newRow("more than the buffer (8 MiB)") << 3000 << 4000 << 4096;
    QTest::newRow("small pages") << 500 << 300 << 1024;
    QTest::newRow("large pages") << 500 << 3000 << 65536;
}

void tst_StoreWalBuffer::commitsAreVisibleAndDurable()
{
    QFETCH(int, rows);
    QFETCH(int, bytes);
    QFETCH(int, pageSize);
    {
        auto writer = openWriter(pageSize);
        QVERIFY(writer);
        QVERIFY(writer->exec("PRAGMA wal_autocheckpoint=0")); // all of it stays in the log
        for (int round = 1; round <= 3; ++round) {
            QVERIFY(insertRows(*writer, rows, bytes));
            // Another connection, through the default VFS, sees the commit in full.
            SqliteConnection other(path(), nullptr);
            QCOMPARE(other.integer("SELECT COUNT(*) FROM t"), qint64(round) * rows);
            QCOMPARE(other.integer(intactRows(bytes)), qint64(round) * rows);
            QCOMPARE(other.text("PRAGMA integrity_check"), u"ok"_s);
        }
        QVERIFY(QFileInfo(path() + u"-wal"_s).size() > 0);
    }
    // Closed: reopened from the files alone, the same rows.
    SqliteConnection reopened(path(), nullptr);
    QCOMPARE(reopened.integer("SELECT COUNT(*) FROM t"), qint64(3) * rows);
    QCOMPARE(reopened.integer(intactRows(bytes)), qint64(3) * rows);
    QCOMPARE(reopened.text("PRAGMA integrity_check"), u"ok"_s);
}

void tst_StoreWalBuffer::spillingCacheRewritesFrames()
{
    // A cache of a few pages spills in mid-transaction; pages changed again after that are
    // rewritten in place in the log, behind writes still held in the buffer.
    auto writer = openWriter();
    QVERIFY(writer);
    QVERIFY(writer->exec("PRAGMA cache_size=5"));
    QVERIFY(writer->exec("CREATE TABLE u (k INTEGER PRIMARY KEY, n INTEGER)"));
    QVERIFY(writer->exec("BEGIN"));
    QVERIFY(writer->exec("INSERT INTO u (k, n) " + series(5000) + "SELECT x, 0 FROM s"));
    for (int pass = 0; pass < 5; ++pass) {
        QVERIFY(writer->exec("UPDATE u SET n = n + 1"));
        QVERIFY(writer->exec("INSERT INTO t (v) " + series(50) + "SELECT randomblob(2000) FROM s"));
    }
    QVERIFY(writer->exec("COMMIT"));
    SqliteConnection other(path(), nullptr);
    QCOMPARE(other.integer("SELECT COUNT(*) FROM u WHERE n = 5"), 5000);
    QCOMPARE(other.integer("SELECT COUNT(*) FROM t"), 250);
    QCOMPARE(other.text("PRAGMA integrity_check"), u"ok"_s);
}

void tst_StoreWalBuffer::rollbackLeavesNothing()
{
    auto writer = openWriter();
    QVERIFY(writer);
    QVERIFY(insertRows(*writer, 10, 100));
    QVERIFY(writer->exec("PRAGMA cache_size=5")); // so that the big transaction spills
    QVERIFY(writer->exec("BEGIN"));
    QVERIFY(writer->exec("INSERT INTO t (v) " + series(500) + "SELECT randomblob(3000) FROM s"));
    QVERIFY(writer->exec("ROLLBACK"));
    QVERIFY(insertRows(*writer, 10, 100));
    SqliteConnection other(path(), nullptr);
    QCOMPARE(other.integer("SELECT COUNT(*) FROM t"), 20);
    QCOMPARE(other.integer(intactRows(100)), 20);
    QCOMPARE(other.text("PRAGMA integrity_check"), u"ok"_s);
}

#ifdef Q_OS_LINUX
void tst_StoreWalBuffer::gathersWrites()
{
    // 200 rows of 3000 bytes: about 150 pages, 300 writes with the default VFS. Gathered,
    // about 5 of 128 KiB (and the log's header).
    auto writer = openWriter();
    QVERIFY(writer);
    QVERIFY(writer->exec("PRAGMA wal_autocheckpoint=0"));
    QVERIFY(insertRows(*writer, 1, 10)); // the log exists and has its header
    const qint64 before = writeCalls();
    QVERIFY(before >= 0);
    QVERIFY(insertRows(*writer, 200, 3000));
    const qint64 calls = writeCalls() - before;
    QVERIFY2(calls <= 20, qPrintable(u"%1 write calls"_s.arg(calls)));
}
#endif

QTEST_GUILESS_MAIN(tst_StoreWalBuffer)
#include "tst_storewalbuffer.moc"
