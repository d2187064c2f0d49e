// SPDX-License-Identifier: MIT
#pragma once

#include "engineiooptions.h"
#include "engineiopacket.h"
#include "http/httprequest.h"

#include <QtCore/QDateTime>
#include <QtCore/QObject>
#include <QtCore/QRegularExpression>
#include <QtCore/QSharedPointer>
#include <QtCore/QTimer>
#include <QtCore/QUrl>
#include <QtCore/QVariant>
#include <QtNetwork/QHostAddress>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

namespace Confab {

class EngineIoServer;
class EngineIoSession;
class SocketIoServer;

//! \brief Connection state recovery, wire-compatible with socket.io 4.6+.
//!
//! A socket that loses its connection (transport close or error, ping timeout, server
//! shutdown) and comes back within maxDisconnectionDuration with the `pid` of its CONNECT ack
//! and the offset of the last event it got gets its old sid, rooms and session back, and
//! every event it missed, before its new CONNECT ack. Memory is bounded server-wide: at most
//! maxBufferedBytes of sent events (each stored once, whoever it reached) and maxSessions
//! disconnected sockets awaiting their return; the oldest goes first, and a client whose
//! missed events are no longer all there gets a new connection, as after the window.
struct ConnectionStateRecovery
{
    bool enabled = false;
    std::chrono::milliseconds maxDisconnectionDuration{120000};
    //! Whether the connect handler is skipped for a recovered socket (socket.io's default);
    //! otherwise it runs with Environ::recovered set, and may refuse.
    bool skipMiddlewares = true;
    //! Encoded events kept for recovery, in bytes, all namespaces together (each counted
    //! with a fixed bookkeeping overhead, so this bounds their number too).
    qint64 maxBufferedBytes = 32 * 1024 * 1024;
    //! Disconnected sockets kept for recovery, all namespaces together.
    int maxSessions = 10000;
};

//! \brief Settings of a Socket.IO host.
struct SocketIoOptions
{
    EngineIoOptions engine;
    ConnectionStateRecovery recovery;
    //! A client that has joined no namespace this long after its handshake is disconnected.
    std::chrono::milliseconds connectTimeout{45000};
    //! Default wait for a client's answer to emitWithAck().
    std::chrono::milliseconds ackTimeout{10000};
};

//! \brief What a connect handler learns about the client: the handshake request and transport.
struct Environ
{
    Http::HttpRequest request; //!< headers, query, path, remote address of the handshake
    QString transport; //!< "polling" or "websocket" at connect time
    //! The socket got its old sid, rooms and session back (connection state recovery).
    bool recovered = false;
    QHostAddress remoteAddress() const { return request.remoteAddress; }
    QByteArray header(QByteArrayView name) const { return request.header(name); }
};

//! \brief A connect handler's verdict: accept, or refuse with a message and optional data,
//! which the client receives as CONNECT_ERROR {"message", "data"}.
struct ConnectResult
{
    bool accepted = true;
    QString message;
    QVariant data;

    static ConnectResult accept() { return {}; }
    static ConnectResult refuse(const QString &message, const QVariant &data = {})
    {
        return {false, message, data};
    }
};

//! \brief One connected socket (a client in one namespace), as the UI lists it.
struct ClientInfo
{
    QString sid; //!< the Socket.IO socket id (differs per namespace)
    QString nsp;
    QString engineSid; //!< the underlying Engine.IO session
    QHostAddress address;
    quint16 port = 0;
    QString transport;
    QString userAgent;
    QDateTime connectedAt;
    QStringList rooms;
    bool recovered = false; //!< it came back with its old sid (connection state recovery)
};

//! \brief Whom SocketIoServer::emitEvent() reaches.
struct EmitOptions
{
    QStringList to; //!< rooms or sids; everyone in the namespace when empty
    QStringList skipSids; //!< sids (or rooms) left out
    QString nsp = QStringLiteral("/");
};

//! \brief Answers a client's ack request from an asynchronous handler; copyable, callable once.
//!
//! Calling it after the client is gone, a second time, or when the client asked for no ack
//! does nothing.
class Ack
{
public:
    Ack() = default;
    bool isRequested() const;
    void operator()(const QVariantList &args = {}) const;

private:
    // Only the server makes a live Ack (filling its state as it dispatches an event), so that
    // a handler can never fabricate an answer to an ack id it was not given.
    friend class SocketIoServer;
    struct State;
    QSharedPointer<State> m_state;
};

//! \brief A Socket.IO v5 server with python-socketio's Server API, on Engine.IO v4.
//!
//! Handlers are registered per namespace; registering one for a namespace also opens that
//! namespace to clients ("/" is always open). A sid is a Socket.IO socket id: one per client
//! per namespace, and a room of its own. All calls and signals happen in the thread that owns
//! the server.
class SocketIoServer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int clientCount READ clientCount NOTIFY clientCountChanged)
    Q_PROPERTY(quint64 packetsReceived READ packetsReceived NOTIFY statsChanged)
    Q_PROPERTY(quint64 packetsSent READ packetsSent NOTIFY statsChanged)
    Q_PROPERTY(quint64 bytesReceived READ bytesReceived NOTIFY statsChanged)
    Q_PROPERTY(quint64 bytesSent READ bytesSent NOTIFY statsChanged)
public:
    //! \brief Why a socket left, with socket.io's wording (reasonText()).
    enum class DisconnectReason {
        ClientNamespaceDisconnect, //!< the client left the namespace
        ServerNamespaceDisconnect, //!< disconnectClient() was called
        ServerShutdown, //!< the server closed
        PingTimeout, //!< the client stopped answering pings
        TransportClose, //!< the connection was closed (or the client closed the session)
        TransportError, //!< the connection failed
        ParseError, //!< the client sent something invalid
    };
    Q_ENUM(DisconnectReason)
    static QString reasonText(DisconnectReason reason);

    using ConnectHandler = std::function<ConnectResult(const QString &sid, const Environ &environ,
                                                       const QVariant &auth)>;
    using DisconnectHandler = std::function<void(const QString &sid, DisconnectReason reason)>;
    //! Returns the ack's arguments (sent only if the client asked for an ack).
    using EventHandler = std::function<QVariantList(const QString &sid, const QVariantList &args)>;
    //! Answers later (or never) through \a ack.
    using AsyncEventHandler
            = std::function<void(const QString &sid, const QVariantList &args, const Ack &ack)>;
    //! Receives the events that have no handler of their own.
    using CatchAllHandler = std::function<void(const QString &sid, const QString &event,
                                               const QVariantList &args, const Ack &ack)>;
    //! \a timedOut is true when no answer came in time (then \a args is empty) or the client
    //! went away.
    using AckCallback = std::function<void(bool timedOut, const QVariantList &args)>;

    using EmitOptions = Confab::EmitOptions;

    explicit SocketIoServer(const SocketIoOptions &options = {}, QObject *parent = nullptr);
    ~SocketIoServer() override;

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    //! \brief Disconnects every client (reason ServerShutdown) and stops listening.
    void close();
    bool isListening() const;
    quint16 serverPort() const;
    //! \brief http://address:port/ of the listening socket.
    QUrl serverUrl() const;
    QString errorString() const;

    const SocketIoOptions &options() const { return m_options; }
    EngineIoServer *engine() const { return m_engine.get(); }

    // Namespaces and handlers.
    void addNamespace(const QString &nsp);
    //! \brief Also accept namespaces whose name matches \a pattern (created on first connect).
    void allowNamespaces(const QRegularExpression &pattern);
    QStringList namespaces() const;
    void onConnect(ConnectHandler handler, const QString &nsp = QStringLiteral("/"));
    void onDisconnect(DisconnectHandler handler, const QString &nsp = QStringLiteral("/"));
    void on(const QString &event, EventHandler handler, const QString &nsp = QStringLiteral("/"));
    void onAsync(const QString &event, AsyncEventHandler handler,
                 const QString &nsp = QStringLiteral("/"));
    void onAny(CatchAllHandler handler, const QString &nsp = QStringLiteral("/"));

    // Sending. A broadcast is encoded once; every recipient gets the same bytes.
    //! \returns how many sockets it was sent to.
    int emitEvent(const QString &event, const QVariantList &args = {},
                  const EmitOptions &options = {});
    //! \brief Sends \a data as a "message" event, like python-socketio's send().
    int send(const QVariant &data, const EmitOptions &options = {});
    //! \brief Emits to one sid and waits for its ack; \a callback runs exactly once.
    void emitWithAck(const QString &sid, const QString &event, const QVariantList &args,
                     AckCallback callback, std::optional<std::chrono::milliseconds> timeout = {},
                     const QString &nsp = QStringLiteral("/"));

    // Rooms.
    void enterRoom(const QString &sid, const QString &room,
                   const QString &nsp = QStringLiteral("/"));
    void leaveRoom(const QString &sid, const QString &room,
                   const QString &nsp = QStringLiteral("/"));
    //! \brief Removes every socket from \a room.
    void closeRoom(const QString &room, const QString &nsp = QStringLiteral("/"));
    //! \brief The rooms \a sid is in, its own room included.
    QStringList rooms(const QString &sid, const QString &nsp = QStringLiteral("/")) const;
    //! \brief The sids in \a room.
    QStringList participants(const QString &room, const QString &nsp = QStringLiteral("/")) const;
    //! \brief Every room that has members in \a nsp (sid rooms included).
    QStringList allRooms(const QString &nsp = QStringLiteral("/")) const;

    // Clients.
    //! \brief Sends DISCONNECT to \a sid and forgets it; with \a closeConnection the client's
    //! whole connection is closed too.
    void disconnectClient(const QString &sid, const QString &nsp = QStringLiteral("/"),
                          bool closeConnection = false);
    bool isConnected(const QString &sid, const QString &nsp = QStringLiteral("/")) const;
    std::optional<ClientInfo> client(const QString &sid,
                                     const QString &nsp = QStringLiteral("/")) const;
    //! \brief Connected sockets of \a nsp, or of every namespace when \a nsp is empty.
    QList<ClientInfo> clients(const QString &nsp = {}) const;
    int clientCount() const;
    //! \brief The per-sid session store (python-socketio's get_session / save_session).
    QVariantMap session(const QString &sid, const QString &nsp = QStringLiteral("/")) const;
    void saveSession(const QString &sid, const QVariantMap &session,
                     const QString &nsp = QStringLiteral("/"));

    quint64 packetsReceived() const { return m_packetsIn; }
    quint64 packetsSent() const { return m_packetsOut; }
    quint64 bytesReceived() const;
    quint64 bytesSent() const;

Q_SIGNALS:
    void clientConnected(const Confab::ClientInfo &client);
    void clientDisconnected(const QString &sid, const QString &nsp,
                            Confab::SocketIoServer::DisconnectReason reason);
    void clientCountChanged();
    void roomsChanged(const QString &sid, const QString &nsp, const QStringList &rooms);
    void transportChanged(const QString &sid, const QString &nsp, const QString &transport);
    //! \brief Every event a client sent, before its handler runs (for inspectors and logs).
    void eventReceived(const QString &sid, const QString &nsp, const QString &event,
                       const QVariantList &args);
    //! \brief Counters changed; emitted at most a few times per second.
    void statsChanged();

private:
    struct Namespace;
    struct Client;
    struct Socket;
    //! An event kept for connection state recovery: encoded once, shared with what was sent.
    struct StoredPacket
    {
        quint64 seq = 0; //!< its offset
        qint64 emittedAt = 0; //!< steady clock, ms
        Namespace *ns = nullptr;
        QStringList rooms;
        QStringList except;
        QList<EngineIo::Packet> frames;
        qint64 cost = 0; //!< bytes counted against maxBufferedBytes
    };
    //! A socket that lost its connection, awaiting its return.
    struct PersistedSession
    {
        QString sid;
        QString nsp;
        QStringList rooms;
        QVariantMap session;
        qint64 disconnectedAt = 0; //!< steady clock, ms
    };
    // Ack's one way back: answering is the handle's job only, so sendAck() stays private.
    friend class Ack;

    Namespace *findNamespace(const QString &nsp) const;
    Namespace *ensureNamespace(const QString &nsp);
    Socket *findSocket(const QString &sid, const QString &nsp) const;
    void onSessionOpened(EngineIoSession *session);
    void onSessionClosed(EngineIoSession *session, int reason);
    void onEnginePacket(Client *client, const QByteArray &data, bool binary);
    void handleConnect(Client *client, const QString &nsp, const QVariant &auth);
    void handleEvent(Socket *socket, const QString &event, const QVariantList &args,
                     std::optional<qint64> id);
    void handleAck(Socket *socket, qint64 id, const QVariantList &args);
    //! Unlinks \a socket from its namespace, rooms and client, and hands over its ownership.
    std::unique_ptr<Socket> detachSocket(Socket *socket);
    void removeSocket(Socket *socket, DisconnectReason reason);
    void protocolViolation(Client *client, const QString &detail);
    void refuseRepeatedConnect(Client *client, const QString &nsp);
    void deliver(Socket *socket, const QList<EngineIo::Packet> &frames);
    void sendAck(const QString &sid, const QString &nsp, qint64 id, const QVariantList &args);
    ClientInfo infoOf(const Socket *socket) const;
    void noteStats();
    // Connection state recovery.
    void storePacket(Namespace *ns, const QList<EngineIo::Packet> &frames,
                     const EmitOptions &options, quint64 seq);
    void persistSession(Socket *socket, DisconnectReason reason);
    //! Takes the session of \a pid if it can be recovered from \a offset; fills \a missed.
    std::optional<PersistedSession> restoreSession(Namespace *ns, const QString &pid,
                                                   const QString &offset,
                                                   QList<EngineIo::Packet> &missed);
    void pruneRecovery();

    SocketIoOptions m_options;
    std::unique_ptr<EngineIoServer> m_engine;
    QHash<QString, Namespace *> m_namespaces;
    std::vector<std::unique_ptr<Namespace>> m_namespaceStore;
    QList<QRegularExpression> m_namespacePatterns;
    //! The one owner of the clients and, through them, of every socket; keyed by session so
    //! that a session's events find their client in O(1).
    std::unordered_map<EngineIoSession *, std::unique_ptr<Client>> m_clients;
    quint64 m_packetsIn = 0;
    quint64 m_packetsOut = 0;
    bool m_statsPending = false;
    bool m_closing = false;
    // Connection state recovery: every stored event in order, server-wide (offsets are
    // sequence numbers, so a reconnect finds its place by index), and the sockets awaiting
    // their return by pid, with their order of disconnection for eviction.
    std::deque<StoredPacket> m_recoveryLog;
    quint64 m_nextSeq = 1;
    qint64 m_recoveryBytes = 0;
    QHash<QString, PersistedSession> m_persisted;
    std::deque<std::pair<qint64, QString>> m_persistedOrder; //!< (disconnectedAt, pid)
    QTimer *m_recoveryTimer = nullptr;
};

} // namespace Confab

Q_DECLARE_METATYPE(Confab::ClientInfo)
