// SPDX-License-Identifier: MIT
#pragma once

#include "acktracker.h"
#include "backoff.h"
#include "clientoptions.h"
#include "engineioclient.h"

#include <socketiopacket.h>

#include <QtCore/QDateTime>
#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtCore/QVariant>

#include <chrono>
#include <memory>
#include <type_traits>

namespace Confab::Client {

class AckReply;
class SocketIoClient;

//! \brief The way to answer an event that asked for an acknowledgement.
//!
//! A cheap copyable handle passed with every received event. send() answers once; later calls,
//! calls for an event that did not ask, and calls after the connection was replaced or the
//! client destroyed do nothing and return false.
class AckHandle
{
public:
    AckHandle() = default;

    //! True while an answer is wanted and has not been sent.
    bool isPending() const;
    //! Sends the acknowledgement with \a args (QByteArray leaves travel as binary).
    bool send(const QVariantList &args = {}) const;

private:
    // Only the client makes a live handle (with the connection it belongs to), so that an
    // answer can never be fabricated for an ack id or a connection the caller was not given.
    friend class SocketIoClient;
    struct Shared
    {
        QPointer<SocketIoClient> client;
        QString nsp;
        qint64 id = 0;
        quint64 session = 0;
        bool sent = false;
    };
    std::shared_ptr<Shared> d;
};

//! \brief A Socket.IO v5 client: one connection to a server, several namespaces over it.
//!
//! Qt-native (QWebSocket, QNetworkAccessManager), it lives in the thread that owns it and reports
//! everything through signals; callbacks run in that thread too, and only while their context
//! object exists. Destroying it at any moment (even mid-handshake) is safe: pending callbacks
//! are dropped silently.
//!
//! Arguments are QVariant trees (QVariantMap, QVariantList, QString, numbers, bool, null); a
//! QByteArray anywhere in them travels as a binary attachment, and binary data from the server
//! arrives as QByteArray.
//!
//! Reconnection follows the official clients: on by default, unlimited attempts, delays from
//! reconnectionDelay doubling to reconnectionDelayMax with ± randomizationFactor jitter. After
//! a reconnection every namespace is joined again (with the auth evaluated again), and emits
//! made meanwhile — kept in a bounded buffer unless volatile — are sent.
//!
//! Signal order for a namespace: connected(nsp), then eventReceived(nsp, ...) any number of
//! times, then disconnected(nsp, ...); or connectError(nsp, ...) instead of connected().
class SocketIoClient : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QUrl url READ url NOTIFY urlChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(Error error READ error NOTIFY lastErrorChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    Q_PROPERTY(QString transport READ transport NOTIFY transportChanged)
    //! When the next reconnection attempt starts; invalid unless state is Reconnecting.
    Q_PROPERTY(QDateTime nextReconnectAt READ nextReconnectAt NOTIFY reconnectScheduled)
    //! The delay before that attempt.
    Q_PROPERTY(
            std::chrono::milliseconds reconnectDelay READ reconnectDelay NOTIFY reconnectScheduled)
    //! Attempts made since the connection was lost (0 while connected).
    Q_PROPERTY(int reconnectAttempt READ reconnectAttempt NOTIFY reconnectScheduled)
public:
    //! The connection as a whole (the Engine.IO session beneath every namespace).
    enum class State {
        Disconnected, //!< not connected, and not trying
        Connecting, //!< first attempt after open()
        Connected, //!< the session is up; namespaces join over it
        Reconnecting, //!< lost or failed; waiting for, or making, another attempt
    };
    Q_ENUM(State)

    enum class Error {
        NoError,
        InvalidUrl, //!< the URL cannot be used
        ConnectFailed, //!< the server could not be reached (refused, timed out, HTTP error)
        TlsError, //!< the server's certificate is not trusted
        ConnectionLost, //!< an established connection broke
        PingTimeout, //!< the server stopped sending pings
        ProtocolError, //!< the server sent something malformed
        ConnectRefused, //!< a namespace refused CONNECT (CONNECT_ERROR), e.g. bad auth
        ServerDisconnected, //!< the server disconnected a namespace or closed the session
        ReconnectFailed, //!< reconnectionAttempts used up
    };
    Q_ENUM(Error)

    //! Why a namespace was disconnected.
    enum class DisconnectReason {
        ClientDisconnect, //!< close() or leaveNamespace()
        ServerDisconnect, //!< the server sent DISCONNECT: not rejoined automatically
        TransportClose, //!< the connection broke or the server closed it: rejoined on reconnect
        PingTimeout, //!< the server went silent: rejoined on reconnect
        TransportError, //!< malformed data: rejoined on reconnect
    };
    Q_ENUM(DisconnectReason)

    enum EmitFlag {
        NoEmitFlags = 0,
        //! Dropped instead of buffered when the namespace is not connected.
        Volatile = 0x1,
    };
    Q_DECLARE_FLAGS(EmitFlags, EmitFlag)
    Q_FLAG(EmitFlags)

    explicit SocketIoClient(QObject *parent = nullptr);
    explicit SocketIoClient(const ClientOptions &options, QObject *parent = nullptr);
    ~SocketIoClient() override;

    const ClientOptions &options() const { return m_options; }
    //! Takes effect on the next open(); namespaces listed are added to the joined set.
    void setOptions(const ClientOptions &options);

    QUrl url() const { return m_options.url; }
    State state() const { return m_state; }
    Error error() const { return m_error; }
    QString lastError() const { return m_lastError; }
    QString transport() const;
    QDateTime nextReconnectAt() const { return m_nextReconnectAt; }
    std::chrono::milliseconds reconnectDelay() const { return m_reconnectDelay; }
    int reconnectAttempt() const { return m_reconnectAttempt; }

    //! Connects and joins the namespaces (options().namespaces, or the URL's, or "/").
    void open();
    //! Leaves every namespace, closes the connection and stops reconnecting. Pending acks
    //! whose emit was sent fail with AckStatus::Disconnected; buffered emits are kept for the
    //! next open().
    void close();
    //! True once the connection has come up since the last open().
    bool hasEverConnected() const { return m_everConnected; }

    //! Adds a namespace: joined now if connected, otherwise on the next (re)connection.
    //! \a auth (a QVariantMap) overrides the options' auth for it.
    void joinNamespace(const QString &nsp, const QVariant &auth = {});
    //! Sends DISCONNECT for the namespace and forgets it; its buffered emits are dropped.
    void leaveNamespace(const QString &nsp);
    QStringList namespaces() const;
    bool isConnected(const QString &nsp = QStringLiteral("/")) const;
    //! \brief Whether the last connect of \a nsp recovered the previous one: the server (with
    //! socket.io's connection state recovery) gave back the same sid, its rooms and every
    //! event missed meanwhile, which came before connected(). False on a first connect, and
    //! against a server without recovery (python-socketio).
    bool recovered(const QString &nsp = QStringLiteral("/")) const;
    //! The socket id the server gave the namespace, empty when not connected.
    QString socketId(const QString &nsp = QStringLiteral("/")) const;

    //! Sends an event. Buffered when the namespace is joined but not connected (unless
    //! Volatile); false when dropped: unknown namespace, volatile while offline, buffer full,
    //! or larger than the server accepts.
    bool emitEvent(const QString &event, const QVariantList &args = {},
                   const QString &nsp = QStringLiteral("/"), EmitFlags flags = NoEmitFlags);

    //! Sends an event that asks for an acknowledgement. \a callback runs exactly once (if
    //! \a context still exists then) with the reply, or with TimedOut after \a timeout (zero
    //! waits forever), Disconnected, or NotSent. Returns false when it was not sent (the
    //! callback has then already run with NotSent).
    bool emitWithAck(const QString &event, const QVariantList &args, const QObject *context,
                     std::function<void(const Confab::Client::AckResult &)> callback,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds::zero(),
                     const QString &nsp = QStringLiteral("/"), EmitFlags flags = NoEmitFlags);

    //! The call-like form: an AckReply that finishes with the reply or an error. The reply is a
    //! child of this client (so it dies with it); deleteLater() it once finished.
    AckReply *call(const QString &event, const QVariantList &args = {},
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(10000),
                   const QString &nsp = QStringLiteral("/"));

    //! Calls \a handler for event \a event on \a nsp while \a context lives. The handler takes
    //! (const QVariantList &args), or (args, const AckHandle &ack); a handler that returns a
    //! QVariantList answers the server's ack request with it.
    template<typename Handler>
    QMetaObject::Connection on(const QString &event, const QObject *context, Handler handler,
                               const QString &nsp = QStringLiteral("/"));

    //! For tests and tuning: the jitter source of reconnection delays.
    Backoff &backoff() { return m_backoff; }

Q_SIGNALS:
    void urlChanged();
    void stateChanged(Confab::Client::SocketIoClient::State state);
    void transportChanged(const QString &transport);
    //! One signal for every failure; lastError() holds the same text.
    void errorOccurred(Confab::Client::SocketIoClient::Error error, const QString &message);
    void lastErrorChanged();
    //! The namespace is connected; \a socketId is the id the server gave it.
    void connected(const QString &nsp, const QString &socketId);
    void disconnected(const QString &nsp, Confab::Client::SocketIoClient::DisconnectReason reason);
    //! The server refused the namespace (CONNECT_ERROR): \a message, and \a data if it sent any.
    //! The namespace is not joined again until joinNamespace() or open().
    void connectError(const QString &nsp, const QString &message, const QVariant &data);
    //! Every event, whatever its name (the catch-all). If the server asked for an
    //! acknowledgement, \a ack answers it.
    void eventReceived(const QString &nsp, const QString &event, const QVariantList &args,
                       const Confab::Client::AckHandle &ack);
    //! A reconnection attempt is scheduled in \a delay.
    void reconnectScheduled(int attempt, std::chrono::milliseconds delay);
    //! The connection is back after \a attempts attempts (namespaces rejoin next).
    void reconnected(int attempts);
    //! After close(): the goodbye packets have left and nothing of the connection remains.
    //! Emitted once per close() call (unless open() comes first), never from inside close().
    void closed();

private:
    struct Namespace
    {
        enum class Status { Offline, Connecting, Connected };
        Status status = Status::Offline;
        bool refused = false; //!< refused or disconnected by the server: not rejoined
        QVariant auth; //!< overrides the client's auth when valid
        QString sid;
        //! Connection state recovery (socket.io 4.6+): the pid of the last CONNECT ack and
        //! the offset of the last event, sent back on the next CONNECT.
        QString pid;
        QString lastOffset;
        bool recovered = false;
        QList<SocketIo::Packet> earlyEvents; //!< arrived before the CONNECT ack
        QList<SocketIo::Packet> sendBuffer; //!< emitted while not connected
    };

    // AckHandle's one way back: answering is the handle's job only, so sendAck() stays private.
    friend class AckHandle;
    bool sendAck(AckHandle::Shared &handle, const QVariantList &args);

    void setState(State state);
    void setError(Error error, const QString &message);
    void startAttempt();
    void scheduleReconnect();
    void onEngineOpened();
    void onEngineMessage(const EngineIo::Packet &packet);
    void onEngineClosed(EngineIoClient::CloseReason reason, const QString &detail);
    void handlePacket(const SocketIo::Packet &packet);
    void deliverEvent(const SocketIo::Packet &packet);
    void sendConnect(const QString &nsp);
    bool sendPacket(const SocketIo::Packet &packet);
    void flushSendBuffer(const QString &nsp);
    bool queueOrSend(SocketIo::Packet packet, EmitFlags flags, std::optional<qint64> ackId);
    void closeIfNoNamespaceLeft();
    bool hasActiveNamespace() const;
    void dropConnection(Error error, DisconnectReason reason, const QString &detail);
    void markNamespacesOffline(DisconnectReason reason);

    ClientOptions m_options;
    ResolvedEndpoint m_endpoint;
    std::unique_ptr<EngineIoClient> m_engine;
    SocketIo::Decoder m_decoder;
    AckTracker m_acks;
    Backoff m_backoff;
    QHash<QString, Namespace> m_namespaces;
    QStringList m_namespaceOrder; //!< join order, for deterministic rejoining
    State m_state = State::Disconnected;
    Error m_error = Error::NoError;
    QString m_lastError;
    QTimer m_reconnectTimer;
    QDateTime m_nextReconnectAt;
    std::chrono::milliseconds m_reconnectDelay{0};
    int m_reconnectAttempt = 0;
    quint64 m_session = 0; //!< increases with every Engine.IO session
    bool m_everConnected = false;
    bool m_closeRequested = false;
};

Q_DECLARE_OPERATORS_FOR_FLAGS(SocketIoClient::EmitFlags)

template<typename Handler>
QMetaObject::Connection SocketIoClient::on(const QString &event, const QObject *context,
                                           Handler handler, const QString &nsp)
{
    return connect(
            this, &SocketIoClient::eventReceived, context,
            [event, nsp, handler = std::move(handler)](const QString &n, const QString &e,
                                                       const QVariantList &args,
                                                       const AckHandle &ack) mutable {
                if (n != nsp || e != event)
                    return;
                if constexpr (std::is_invocable_v<Handler &, const QVariantList &,
                                                  const AckHandle &>) {
                    handler(args, ack);
                } else if constexpr (std::is_same_v<
                                             std::invoke_result_t<Handler &, const QVariantList &>,
                                             QVariantList>) {
                    const QVariantList reply = handler(args);
                    ack.send(reply);
                } else {
                    handler(args);
                }
            });
}

} // namespace Confab::Client

Q_DECLARE_METATYPE(Confab::Client::AckHandle)
