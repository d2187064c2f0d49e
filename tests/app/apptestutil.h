// SPDX-License-Identifier: MIT
// Helpers shared by the app tests.
#pragma once

#include "chatstore.h"
#include "embeddedhost.h"

#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtTest/QTest>

#include <atomic>
#include <memory>

namespace AppTest {

//! Stores \a count messages "m1" … "mN" from "archivist" in \a room through the host's own
//! store (on the host's thread, where the store lives), and waits until every one is
//! committed.
inline bool storeMessages(Confab::App::EmbeddedHost *host, const QString &room, int count)
{
    using namespace Qt::StringLiterals;
    // Counted on the host thread; shared, as a late commit may outlive a failed wait.
    auto stored = std::make_shared<std::atomic<int>>(0);
    host->post([stored, room, count](Confab::ChatHost &chatHost) {
        Confab::ChatStore *store = chatHost.store();
        for (int i = 1; i <= count; ++i) {
            Confab::ChatMessage draft;
            draft.room = room;
            draft.sid = u"archive-sid"_s;
            draft.name = u"archivist"_s;
            draft.text = u"m%1"_s.arg(i);
            store->append(draft, [stored](const Confab::ChatMessage &, bool, const QString &error) {
                if (error.isEmpty())
                    ++*stored;
            });
        }
        store->flush();
    });
    return QTest::qWaitFor([&] { return *stored == count; }, 10000);
}

//! Why python-socketio cannot run here, or empty.
inline QString pythonMissing()
{
    using namespace Qt::StringLiterals;
    if (!QFileInfo::exists(u"/usr/bin/python3"_s))
        return u"/usr/bin/python3 is missing"_s;
    QProcess probe;
    probe.start(u"/usr/bin/python3"_s, {u"-c"_s, u"import socketio, websocket"_s});
    if (!probe.waitForFinished(20000) || probe.exitCode() != 0)
        return u"python3-socketio / python3-websocket are not installed"_s;
    return {};
}

//! \brief A peer script of tests/app (python-socketio, under Debian's /usr/bin/python3) in a
//! process of its own, its JSON lines collected as they come; killed when destroyed.
class PythonPeer : public QObject
{
public:
    PythonPeer(const QString &script, const QStringList &arguments)
    {
        using namespace Qt::StringLiterals;
        connect(&process, &QProcess::readyReadStandardOutput, this, [this] {
            while (process.canReadLine()) {
                const QJsonObject line = QJsonDocument::fromJson(process.readLine()).object();
                if (!line.isEmpty())
                    lines.append(line);
            }
        });
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(u"/usr/bin/python3"_s,
                      QStringList{QStringLiteral(CONFAB_SOURCE_DIR) + u"/tests/app/"_s + script}
                              + arguments);
    }
    ~PythonPeer() override
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished();
        }
    }
    //! The first line of \a kind (with \a text, when given), or an empty object.
    QJsonObject find(const QString &kind, const QString &text = {}) const
    {
        using namespace Qt::StringLiterals;
        for (const QJsonObject &line : lines) {
            if (line.value(u"kind"_s).toString() == kind
                && (text.isEmpty() || line.value(u"text"_s).toString() == text))
                return line;
        }
        return {};
    }
    bool has(const QString &kind, const QString &text = {}) const
    {
        return !find(kind, text).isEmpty();
    }

    QProcess process;
    QList<QJsonObject> lines;
};

} // namespace AppTest
