// SPDX-License-Identifier: MIT
#include "eventlogmodel.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QLocale>

namespace Confab::App {

using namespace Qt::StringLiterals;

namespace {

//! QJsonValue::fromVariant would turn a QByteArray into a string of raw bytes; the log shows
//! its size instead.
QJsonValue toJsonValue(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::QByteArray:
        return QJsonObject{{u"<binary>"_s, value.toByteArray().size()}};
    case QMetaType::QVariantList: {
        QJsonArray array;
        const QVariantList list = value.toList();
        for (const QVariant &item : list)
            array.append(toJsonValue(item));
        return array;
    }
    case QMetaType::QVariantMap: {
        QJsonObject object;
        const QVariantMap map = value.toMap();
        for (auto it = map.cbegin(); it != map.cend(); ++it)
            object.insert(it.key(), toJsonValue(it.value()));
        return object;
    }
    default:
        return QJsonValue::fromVariant(value);
    }
}

} // namespace

QString EventLogModel::bounded(const QString &text, qsizetype max)
{
    if (text.size() <= max)
        return text;
    qsizetype cut = max;
    if (text.at(cut - 1).isHighSurrogate())
        --cut;
    //: The end of an event's arguments too long to keep in the inspector's log
    return text.left(cut) + tr("… (%n more characters)", "", int(text.size() - cut));
}

EventLogModel::EventLogModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &entry = m_entries.at(index.row());
    switch (role) {
    case TimeRole:
        return QDateTime::fromMSecsSinceEpoch(entry.msecs, Qt::UTC);
    case TimeTextRole:
        return QDateTime::fromMSecsSinceEpoch(entry.msecs).toString(u"HH:mm:ss.zzz"_s);
    case DirectionRole:
        return int(entry.direction);
    case NamespaceRole:
        return entry.nsp;
    case Qt::DisplayRole:
    case EventRole:
        return entry.event;
    case ArgsRole:
        return QString::fromUtf8(entry.args);
    default:
        return {};
    }
}

QHash<int, QByteArray> EventLogModel::roleNames() const
{
    return {
            {TimeRole, "time"},     {TimeTextRole, "timeText"}, {DirectionRole, "direction"},
            {NamespaceRole, "nsp"}, {EventRole, "event"},       {ArgsRole, "args"},
    };
}

QString EventLogModel::toJson(const QVariantList &args)
{
    QJsonArray array;
    for (const QVariant &arg : args)
        array.append(toJsonValue(arg));
    // Such characters can only be inside JSON strings, where an escape means the same.
    return escapeInvisible(QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact)));
}

QString EventLogModel::escapeInvisible(const QString &text)
{
    const auto invisible = [](char32_t c) {
        switch (QChar::category(c)) {
        case QChar::Other_Format: // U+200B…U+200F, U+202A…U+202E, U+2066…U+2069, U+FEFF…
        case QChar::Other_Control: // C0 (JSON escapes those already) and C1
        case QChar::Separator_Line:
        case QChar::Separator_Paragraph:
            return true;
        default:
            return false;
        }
    };
    const QStringView view(text);
    qsizetype i = 0;
    // Nearly every text has none: return it as it is.
    for (; i < view.size(); ++i) {
        if (invisible(view.at(i).unicode()) || view.at(i).isSurrogate())
            break;
    }
    if (i == view.size())
        return text;
    QString out = text.left(i);
    while (i < view.size()) {
        const qsizetype length = view.at(i).isHighSurrogate() && i + 1 < view.size() ? 2 : 1;
        const char32_t c = length == 2 ? QChar::surrogateToUcs4(view.at(i), view.at(i + 1))
                                       : char32_t(view.at(i).unicode());
        if (invisible(c)) {
            for (qsizetype k = 0; k < length; ++k)
                out += u"\\u%1"_s.arg(uint(view.at(i + k).unicode()), 4, 16, QChar(u'0'));
        } else {
            out += view.mid(i, length);
        }
        i += length;
    }
    return out;
}

void EventLogModel::setMaxEntries(int max)
{
    m_maxEntries = qMax(1, max);
    trim();
}

void EventLogModel::append(Direction direction, const QString &nsp, const QString &event,
                           const QVariantList &args)
{
    // UTC: the local time is made only for the rows on screen (it reads the time zone).
    Row entry{QDateTime::currentMSecsSinceEpoch(), direction,
              intern(bounded(escapeInvisible(nsp), MaxNameLength)),
              intern(bounded(escapeInvisible(event), MaxNameLength)),
              bounded(toJson(args), MaxArgsLength).toUtf8()};
    entry.args.squeeze(); // toUtf8() allocates for three bytes per character
    if (m_batch.immediate()) {
        insert({std::move(entry)});
        return;
    }
    if (m_batch.add(std::move(entry), m_maxEntries))
        flush(); // bounded like the rows: what is beyond would be trimmed anyway
}

void EventLogModel::setBatchInterval(std::chrono::milliseconds interval)
{
    if (interval.count() <= 0)
        flush();
    m_batch.setInterval(interval);
}

void EventLogModel::flush()
{
    if (QList<Row> queued = m_batch.take(); !queued.isEmpty())
        insert(std::move(queued));
}

EventLogModel::Entry EventLogModel::entry(int row) const
{
    const Row &entry = m_entries.at(row);
    return {QDateTime::fromMSecsSinceEpoch(entry.msecs, Qt::UTC), entry.direction, entry.nsp,
            entry.event, QString::fromUtf8(entry.args)};
}

QString EventLogModel::intern(const QString &name)
{
    if (const auto it = m_names.constFind(name); it != m_names.cend())
        return *it;
    if (m_names.size() < MaxInterned)
        m_names.insert(name);
    return name;
}

void EventLogModel::insert(QList<Row> entries)
{
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row + int(entries.size()) - 1);
    m_entries.append(std::move(entries));
    endInsertRows();
    trim();
    Q_EMIT countChanged();
}

void EventLogModel::clear()
{
    m_batch.clear();
    if (m_entries.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_entries.size()) - 1);
    m_entries.clear();
    endRemoveRows();
    Q_EMIT countChanged();
}

void EventLogModel::trim()
{
    const int excess = int(m_entries.size()) - m_maxEntries;
    if (excess <= 0)
        return;
    beginRemoveRows({}, 0, excess - 1);
    m_entries.remove(0, excess);
    endRemoveRows();
    Q_EMIT countChanged();
}

EventLogFilterModel::EventLogFilterModel(EventLogModel *source, QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_log(source)
{
    setSourceModel(source);
    connect(this, &QAbstractItemModel::rowsInserted, this, &EventLogFilterModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &EventLogFilterModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &EventLogFilterModel::countChanged);
}

void EventLogFilterModel::setFilterText(const QString &text)
{
    if (m_filterText == text)
        return;
    m_filterText = text;
    invalidateFilter();
    Q_EMIT filterTextChanged();
    Q_EMIT countChanged();
}

bool EventLogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filterText.isEmpty())
        return true;
    const QModelIndex idx = m_log->index(sourceRow, 0, sourceParent);
    for (int role :
         {EventLogModel::EventRole, EventLogModel::NamespaceRole, EventLogModel::ArgsRole}) {
        if (idx.data(role).toString().contains(m_filterText, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace Confab::App
