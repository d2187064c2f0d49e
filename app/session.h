// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>
#include <QtCore/QStringList>
#include <QtCore/QUrl>
#include <QtQml/QQmlEngine>

namespace Confab::App {

//! \brief What the pages know of the connection: hosting or joining, its state, and who we
//! are on it.
//!
//! An interface: ChatSession is the real one (a Socket.IO client, and when hosting the
//! embedded host); the Qt Quick tests draw the pages against a test double deriving from this
//! class, so that the double has exactly these properties and slots and cannot drift from
//! the real session.
class Session : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The session comes from Controller.session")
    Q_PROPERTY(Mode mode READ mode NOTIFY modeChanged)
    //! Human-readable: "Connecting…", "Connected", "Reconnecting in 3 s", "Refused: <reason>".
    Q_PROPERTY(QString connectionState READ connectionState NOTIFY connectionStateChanged)
    Q_PROPERTY(bool connected READ isConnected NOTIFY connectionStateChanged)
    //! The last thing that went wrong, for the error banner; empty when dismissed.
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    //! The name the host gave us (may carry a suffix such as "alice (2)").
    Q_PROPERTY(QString myName READ myName NOTIFY myNameChanged)
    Q_PROPERTY(QString mySid READ mySid NOTIFY mySidChanged)
    //! Where others can join our host: one URL per non-loopback address.
    Q_PROPERTY(QStringList hostUrls READ hostUrls NOTIFY hostUrlsChanged)
    Q_PROPERTY(int hostPort READ hostPort NOTIFY hostUrlsChanged)
    Q_PROPERTY(QUrl serverUrl READ serverUrl NOTIFY serverUrlChanged)
public:
    enum class Mode {
        Idle, //!< on the start page
        Hosting, //!< running a host, and joined to it
        Joined, //!< joined to someone else's server
    };
    Q_ENUM(Mode)

    //! The port a host tries first, and how many after it when taken.
    static constexpr quint16 DefaultPort = 3000;
    static constexpr int PortAttempts = 20;

    using QObject::QObject;

    virtual Mode mode() const = 0;
    virtual QString connectionState() const = 0;
    virtual bool isConnected() const = 0;
    virtual QString lastError() const = 0;
    virtual QString myName() const = 0;
    virtual QString mySid() const = 0;
    virtual QStringList hostUrls() const = 0;
    virtual int hostPort() const = 0;
    virtual QUrl serverUrl() const = 0;

    //! \brief Starts a host on \a port (the next free one if taken; 0 picks any) and joins it.
    Q_INVOKABLE virtual bool hostChat(int port = DefaultPort, const QString &password = {}) = 0;
    //! \brief Joins the server at \a url ("host:port" is read as http://host:port/).
    Q_INVOKABLE virtual bool joinServer(const QString &url, const QString &password = {}) = 0;
    //! \brief Disconnects, stops hosting, and returns to Idle.
    Q_INVOKABLE virtual void leave() = 0;
    Q_INVOKABLE virtual void clearError() = 0;
    //! \brief Asks for the connected sids again (SidListModel).
    Q_INVOKABLE virtual void refreshSids() = 0;
    //! \brief Hosting only: disconnects \a sid and closes its connection.
    Q_INVOKABLE virtual void disconnectSid(const QString &sid,
                                           const QString &nsp = QStringLiteral("/"))
            = 0;

Q_SIGNALS:
    void modeChanged();
    void connectionStateChanged();
    void lastErrorChanged();
    void myNameChanged();
    void mySidChanged();
    void hostUrlsChanged();
    void serverUrlChanged();
};

} // namespace Confab::App
