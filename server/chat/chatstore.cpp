// SPDX-License-Identifier: MIT
// The facade: grouping appends per event-loop pass, choosing the backend, the data folder's
// permissions. The backends: memorychatstore.cpp (RAM) and sqlitechatstore.cpp (SQLite and its
// writer thread); the schema: chatstoremigrations.cpp.
#include "chatstore.h"

#include "chatlogging.h"
#include "memorychatstore_p.h"
#include "sqlitechatstore_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>

using namespace Qt::StringLiterals;

namespace Confab {

QString storageFullPrefix()
{
    return u"storage full: "_s;
}

QString senderScope(const ChatMessage &m)
{
    return m.author.isEmpty() ? u"n:"_s + m.name : u"d:"_s + m.author;
}

QString clientKey(const ChatMessage &m)
{
    return m.room + QChar(0) + senderScope(m) + QChar(0) + m.clientId;
}

ChatStore::ChatStore(QObject *parent)
    : QObject(parent)
{ }

ChatStore::~ChatStore()
{
    flush();
    m_backend.reset();
}

bool ChatStore::open(const QString &location)
{
    flush(); // a store opened again first answers what the previous one still holds
    m_backend.reset();
    m_error.clear();
    if (location == u":memory:") {
        m_path = location;
        m_backend = std::make_unique<MemoryChatStore>();
        qCInfo(lcChat) << "message store in RAM: history is kept for this session only";
        return true;
    }
    QDir dir(location);
    const bool existed = dir.exists();
    if (!dir.mkpath(u"."_s)) {
        m_error = u"cannot create the data folder %1"_s.arg(location);
        return false;
    }
    m_path = dir.absoluteFilePath(u"confab.sqlite"_s);
    makePrivate(dir.absolutePath(), m_path, existed);
    auto backend = std::make_unique<SqliteChatStore>();
    if (!backend->open(m_path, &m_error))
        return false;
    m_backend = std::move(backend);
    qCInfo(lcChat) << "message store at" << m_path << "with" << messageCount() << "messages";
    return true;
}

namespace {
int unixMode(QFile::Permissions permissions)
{
    int mode = 0;
    for (const auto &[flag, bit] : {std::pair{QFile::ReadOwner, 0400},
                                    {QFile::WriteOwner, 0200},
                                    {QFile::ExeOwner, 0100},
                                    {QFile::ReadGroup, 040},
                                    {QFile::WriteGroup, 020},
                                    {QFile::ExeGroup, 010},
                                    {QFile::ReadOther, 04},
                                    {QFile::WriteOther, 02},
                                    {QFile::ExeOther, 01}}) {
        if (permissions & flag)
            mode |= bit;
    }
    return mode;
}
} // namespace

void ChatStore::makePrivate(const QString &folder, const QString &database, bool existed)
{
    // The history of a host with a password must not be readable by every local user.
    constexpr auto others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup
            | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
    const auto tighten = [&](const QString &path, QFile::Permissions mode, const char *what) {
        const QFile::Permissions before = QFile::permissions(path);
        if (!(before & others))
            return;
        if (!QFile::setPermissions(path, mode)) {
            qCWarning(lcChat) << "cannot make the" << what << path << "private to its owner";
            return;
        }
        if (!existed)
            return; // just created (under the umask): nothing anyone could have read
        qCInfo(lcChat).noquote() << "made the" << what << path << "private to its owner (it was"
                                 << u"%1)"_s.arg(unixMode(before), 4, 8, QChar(u'0'));
    };
    tighten(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner, "data folder");
    constexpr auto fileMode = QFile::ReadOwner | QFile::WriteOwner;
    // SQLite creates the WAL and the shared-memory file with the database's mode: a database
    // created 0600 here keeps them 0600 too. Files of an older Confab are tightened.
    QFile file(database);
    if (!file.exists() && file.open(QIODevice::WriteOnly | QIODevice::NewOnly, fileMode))
        file.close();
    existed = true; // files of an older host are worth a line
    for (const QString &path : QStringList{database, database + u"-wal"_s, database + u"-shm"_s}) {
        if (QFile::exists(path))
            tighten(path, fileMode, "database file");
    }
}

bool ChatStore::isOpen() const
{
    return m_backend != nullptr;
}

bool ChatStore::setSizeLimit(qint64 bytes)
{
    return m_backend && m_backend->setSizeLimit(bytes);
}

void ChatStore::append(const ChatMessage &draft, AppendCallback done)
{
    m_pending.append({draft, std::move(done)});
    if (!m_handOverScheduled) {
        m_handOverScheduled = true;
        QMetaObject::invokeMethod(this, &ChatStore::handOver, Qt::QueuedConnection);
    }
}

void ChatStore::handOver()
{
    m_handOverScheduled = false;
    if (m_pending.isEmpty())
        return;
    QList<Pending> group = std::exchange(m_pending, {});
    if (!m_backend) {
        for (const Pending &p : std::as_const(group)) {
            if (p.done)
                p.done(p.draft, false, u"storage failed: the message store is not open"_s);
        }
        return;
    }
    m_backend->submit(std::move(group));
}

void ChatStore::flush()
{
    handOver();
    if (m_backend)
        m_backend->flush();
}

QList<ChatMessage> ChatStore::history(const QString &room, qint64 before, int limit) const
{
    return m_backend ? m_backend->history(room, before, limit) : QList<ChatMessage>();
}

QList<ChatMessage> ChatStore::historyAfter(const QString &room, qint64 after, int limit) const
{
    return m_backend ? m_backend->historyAfter(room, after, limit) : QList<ChatMessage>();
}

QStringList ChatStore::rooms(int limit) const
{
    return m_backend && limit != 0 ? m_backend->rooms(limit) : QStringList();
}

bool ChatStore::isFullError(const QString &error)
{
    return error.startsWith(storageFullPrefix());
}

qint64 ChatStore::messageCount() const
{
    return m_backend ? m_backend->messageCount() : 0;
}

quint64 ChatStore::commitCount() const
{
    return m_backend ? m_backend->commitCount() : 0;
}

} // namespace Confab
