// SPDX-License-Identifier: MIT
// Older history on scrolling up, end to end: the real Controller hosting in this process
// with more than a page of stored messages, joining, then asking for older pages until the
// host has none left.
#include "apptestutil.h"
#include "chathost.h"
#include "chatstore.h"
#include "controller.h"
#include "hostsidsource.h"

#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Confab::App;
using Confab::Client::ChatClient;

namespace {

constexpr int Timeout = 10000;
constexpr int Page = 50; //!< what `join` and RoomState::loadOlder() ask for

} // namespace

class tst_AppHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"ConfabTest"_s);
        QCoreApplication::setApplicationName(u"tst_app_history"_s);
    }

    void olderPagesUntilTheBeginning_data();
    void olderPagesUntilTheBeginning();
    void ownMessagesAfterRestart();
};

void tst_AppHistory::olderPagesUntilTheBeginning_data()
{
    QTest::addColumn<int>("stored");
    QTest::addColumn<int>("requests"); //!< history requests until the host has no more
    QTest::addRow("two and a bit pages") << 120 << 2; // 50 + 50 + 20: the short page ends it
    QTest::addRow("exactly two pages") << 100 << 2; // 50 + 50 + an empty answer
    QTest::addRow("one short page") << 30 << 0; // the join's history is all there is
}

void tst_AppHistory::olderPagesUntilTheBeginning()
{
    QFETCH(int, stored);
    QFETCH(int, requests);

    Controller app(nullptr);
    app.session()->setHostAddress(QHostAddress::LocalHost);
    app.session()->setHostDataLocation(u":memory:"_s);
    app.preferences()->setUserName(u"reader"_s);
    QVERIFY(app.session()->hostChat(0));
    QTRY_COMPARE_WITH_TIMEOUT(app.roomState()->currentRoom(), u"lobby"_s, Timeout);
    const QString room = u"archive"_s;
    QVERIFY(AppTest::storeMessages(app.session()->hostSource()->host(), room, stored));

    QSignalSpy sent(app.chat(), &ChatClient::eventSent);
    app.roomState()->joinRoom(room);
    QTRY_COMPARE_WITH_TIMEOUT(app.roomState()->currentRoom(), room, Timeout);
    MessageListModel *model = app.roomState()->messages();
    QCOMPARE(model->room(), room);
    // The newest page, oldest first.
    const int first = qMin(stored, Page);
    QCOMPARE(model->count(), first);
    QCOMPARE(model->at(0).text, u"m%1"_s.arg(stored - first + 1));
    QCOMPARE(model->at(first - 1).text, u"m%1"_s.arg(stored));
    QCOMPARE(model->historyComplete(), stored < Page);

    const auto historyRequests = [&sent] {
        return std::count_if(sent.cbegin(), sent.cend(), [](const QList<QVariant> &args) {
            return args.at(1).toString() == u"history"_s;
        });
    };
    QSignalSpy inserted(model, &QAbstractItemModel::rowsInserted);
    // What the view does when scrolled to the top, again and again.
    for (int i = 0; i < requests + 2; ++i) {
        app.roomState()->loadOlder();
        QTRY_VERIFY_WITH_TIMEOUT(!app.roomState()->isLoadingOlder(), Timeout);
    }
    QCOMPARE(historyRequests(), requests);
    QVERIFY(model->historyComplete());
    // Every older page went in at the top.
    for (const auto &args : std::as_const(inserted))
        QCOMPARE(args.at(1).toInt(), 0);

    // All of it, once each, in order.
    QCOMPARE(model->count(), stored);
    for (int row = 0; row < stored; ++row) {
        QCOMPARE(model->at(row).text, u"m%1"_s.arg(row + 1));
        QCOMPARE(model->at(row).id, qint64(row + 1));
    }
    QCOMPARE(model->oldestId(), 1);
}

void tst_AppHistory::ownMessagesAfterRestart()
{
    QTemporaryDir data;
    QVERIFY(data.isValid());
    const auto hostAndSend = [&data](const QString &text) {
        Controller app(nullptr);
        app.session()->setHostAddress(QHostAddress::LocalHost);
        app.session()->setHostDataLocation(data.path());
        app.preferences()->setUserName(u"reader"_s);
        if (!app.session()->hostChat(0))
            return false;
        if (!QTest::qWaitFor([&] { return app.roomState()->currentRoom() == u"lobby"_s; }, Timeout))
            return false;
        const QString clientId = app.roomState()->sendMessage(text);
        MessageListModel *model = app.roomState()->messages();
        return QTest::qWaitFor(
                [&] {
                    const int row = model->rowOfClientId(clientId);
                    return row >= 0 && model->at(row).id > 0;
                },
                Timeout);
    };
    QVERIFY(hostAndSend(u"first run"_s));
    QVERIFY(hostAndSend(u"second run"_s));

    // A third run: both earlier messages came back from the store as ours.
    Controller app(nullptr);
    app.session()->setHostAddress(QHostAddress::LocalHost);
    app.session()->setHostDataLocation(data.path());
    QVERIFY(app.session()->hostChat(0));
    QTRY_COMPARE_WITH_TIMEOUT(app.roomState()->currentRoom(), u"lobby"_s, Timeout);
    MessageListModel *model = app.roomState()->messages();
    QTRY_COMPARE_WITH_TIMEOUT(model->count(), 2, Timeout);
    for (int row = 0; row < 2; ++row) {
        QVERIFY(model->at(row).own);
        QVERIFY(model->data(model->index(row), MessageListModel::OwnRole).toBool());
    }
}

QTEST_MAIN(tst_AppHistory)

#include "tst_app_history.moc"
