// SPDX-License-Identifier: MIT
// Helpers shared by the app tests.
#pragma once

#include "chatstore.h"
#include "embeddedhost.h"

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

} // namespace AppTest
