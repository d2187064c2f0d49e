// SPDX-License-Identifier: MIT
#pragma once

#include "acktracker.h"

#include <QtCore/QObject>
#include <QtCore/QVariant>

namespace Confab::Client {

//! \brief The pending result of SocketIoClient::call(): an emit that waits for its ack.
//!
//! finished() is emitted exactly once; then either error() is NoError and result() holds the
//! server's reply, or error() says why there is none. The reply is owned by the client that
//! made it and dies with it (without emitting anything); deleteLater() it once finished.
class AckReply : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool finished READ isFinished NOTIFY finished)
    Q_PROPERTY(QVariantList result READ result NOTIFY finished)
    Q_PROPERTY(Error error READ error NOTIFY finished)
public:
    enum class Error {
        NoError,
        Timeout, //!< no ack within the timeout
        Disconnected, //!< the connection was lost after sending
        NotSent, //!< never sent (namespace not joined or refused, buffer full, closed)
    };
    Q_ENUM(Error)

    explicit AckReply(QObject *parent = nullptr);

    bool isFinished() const { return m_finished; }
    QVariantList result() const { return m_result; }
    Error error() const { return m_error; }
    QString errorString() const;

    //! Finishes the reply; used by SocketIoClient (and tests).
    void complete(const AckResult &result);

Q_SIGNALS:
    void finished();

private:
    bool m_finished = false;
    QVariantList m_result;
    Error m_error = Error::NoError;
};

} // namespace Confab::Client
