// SPDX-License-Identifier: MIT
#include "ackreply.h"

using namespace Qt::StringLiterals;

namespace Confab::Client {

AckReply::AckReply(QObject *parent)
    : QObject(parent)
{ }

QString AckReply::errorString() const
{
    switch (m_error) {
    case Error::NoError:
        return {};
    case Error::Timeout:
        return u"no acknowledgement within the timeout"_s;
    case Error::Disconnected:
        return u"disconnected before the acknowledgement arrived"_s;
    case Error::NotSent:
        return u"the event could not be sent"_s;
    }
    return {};
}

void AckReply::complete(const AckResult &result)
{
    if (m_finished)
        return;
    m_finished = true;
    m_result = result.args;
    switch (result.status) {
    case AckStatus::Acknowledged:
        m_error = Error::NoError;
        break;
    case AckStatus::TimedOut:
        m_error = Error::Timeout;
        break;
    case AckStatus::Disconnected:
        m_error = Error::Disconnected;
        break;
    case AckStatus::NotSent:
        m_error = Error::NotSent;
        break;
    }
    Q_EMIT finished();
}

} // namespace Confab::Client
