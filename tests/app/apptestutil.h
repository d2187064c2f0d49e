// SPDX-License-Identifier: MIT
// Helpers shared by the app tests.
#pragma once

#include "chatstore.h"

#include <QtTest/QTest>

namespace AppTest {

//! Stores \a count messages "m1" … "mN" from "archivist" in \a room through a host's own
//! store, and waits until every one is committed.
inline bool storeMessages(Confab::ChatStore *store, const QString &room, int count)
{
    using namespace Qt::StringLiterals;
    int stored = 0;
    for (int i = 1; i <= count; ++i) {
        Confab::ChatMessage draft;
        draft.room = room;
        draft.sid = u"archive-sid"_s;
        draft.name = u"archivist"_s;
        draft.text = u"m%1"_s.arg(i);
        store->append(draft, [&stored](const Confab::ChatMessage &, bool, const QString &error) {
            if (error.isEmpty())
                ++stored;
        });
    }
    store->flush();
    return QTest::qWaitFor([&] { return stored == count; }, 10000);
}

} // namespace AppTest
