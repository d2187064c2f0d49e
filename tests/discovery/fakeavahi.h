// SPDX-License-Identifier: MIT
// A fake Avahi daemon on a test's private bus: org.freedesktop.Avahi with the Server (and,
// unless told otherwise, Server2) interface, entry groups, service browsers and resolvers.
// It records every call and lets the test speak for the network (ItemNew, Found, a group's
// StateChanged...). Like Avahi before 0.8, it can send an object's first signals before the
// reply that names the object (sendEarly), which is the race Server2's Prepare/Start avoids.
#pragma once

#include <QtDBus/QDBusConnection>
#include <QtDBus/QDBusMessage>
#include <QtDBus/QDBusMetaType>
#include <QtDBus/QDBusObjectPath>
#include <QtDBus/QDBusVirtualObject>

#include <functional>

namespace DiscoveryTest {

using namespace Qt::StringLiterals;

inline const QString AvahiService = u"org.freedesktop.Avahi"_s;

class FakeAvahi : public QDBusVirtualObject
{
    Q_OBJECT
public:
    explicit FakeAvahi(const QDBusConnection &bus, QObject *parent = nullptr)
        : QDBusVirtualObject(parent)
        , m_bus(bus)
    {
        qDBusRegisterMetaType<QList<QByteArray>>();
    }

    //! \brief Owns the name: the daemon appears.
    bool start()
    {
        return m_bus.registerVirtualObject(u"/"_s, this, QDBusConnection::SubPath)
                && m_bus.registerService(AvahiService);
    }
    //! \brief Gives up the name: the daemon stops.
    void stop()
    {
        m_bus.unregisterService(AvahiService);
        m_bus.unregisterObject(u"/"_s, QDBusConnection::UnregisterTree);
    }

    bool server2 = true; //!< false: an Avahi before 0.8, without Server2
    //! Signals sent (before the reply) by the next ServiceBrowserNew / ServiceResolverNew,
    //! given the new object's path: an old daemon racing its client.
    std::function<QList<QDBusMessage>(const QString &path, const QDBusMessage &call)> sendEarly;
    QString alternativeName = u"Lab #2"_s;
    QList<QDBusMessage> calls;

    QList<QDBusMessage> callsOf(const QString &member) const
    {
        QList<QDBusMessage> found;
        for (const QDBusMessage &call : calls) {
            if (call.member() == member)
                found.append(call);
        }
        return found;
    }

    void emitSignal(const QString &path, const QString &interface, const QString &name,
                    const QVariantList &arguments)
    {
        QDBusMessage message = QDBusMessage::createSignal(path, interface, name);
        message.setArguments(arguments);
        m_bus.send(message);
    }
    static QVariantList item(int interfaceIndex, int protocol, const QString &name)
    {
        return {interfaceIndex, protocol, name, u"_confab._tcp"_s, u"local"_s, 0u};
    }
    static QVariantList found(int interfaceIndex, int protocol, const QString &name,
                              const QString &address, quint16 port, const QList<QByteArray> &txt,
                              uint flags = 0)
    {
        return {interfaceIndex,
                protocol,
                name,
                u"_confab._tcp"_s,
                u"local"_s,
                u"box.local"_s,
                protocol,
                address,
                QVariant::fromValue(port),
                QVariant::fromValue(txt),
                flags};
    }
    //! \brief The network announces \a name on a browser: ItemNew.
    void itemNew(const QString &browser, int interfaceIndex, int protocol, const QString &name)
    {
        emitSignal(browser, u"org.freedesktop.Avahi.ServiceBrowser"_s, u"ItemNew"_s,
                   item(interfaceIndex, protocol, name));
    }
    void itemRemove(const QString &browser, int interfaceIndex, int protocol, const QString &name)
    {
        emitSignal(browser, u"org.freedesktop.Avahi.ServiceBrowser"_s, u"ItemRemove"_s,
                   item(interfaceIndex, protocol, name));
    }

    QString introspect(const QString &) const override { return {}; }

    bool handleMessage(const QDBusMessage &message, const QDBusConnection &connection) override
    {
        if (message.type() != QDBusMessage::MethodCallMessage)
            return false;
        calls.append(message);
        const QString member = message.member();
        const QString interface = message.interface();
        auto reply = [&](const QVariantList &arguments) {
            connection.send(message.createReply(arguments));
        };
        if (interface == u"org.freedesktop.Avahi.Server2" && !server2) {
            connection.send(message.createErrorReply(u"org.freedesktop.DBus.Error.UnknownMethod"_s,
                                                     u"No such method"_s));
            return true;
        }
        if (member == u"GetState") {
            reply({2}); // running
        } else if (member == u"EntryGroupNew") {
            reply({QVariant::fromValue(QDBusObjectPath(newPath(u"EntryGroup"_s)))});
        } else if (member == u"GetAlternativeServiceName") {
            reply({alternativeName});
        } else if (member == u"ServiceBrowserPrepare" || member == u"ServiceResolverPrepare") {
            reply({QVariant::fromValue(QDBusObjectPath(newPath(member.chopped(7))))});
        } else if (member == u"ServiceBrowserNew" || member == u"ServiceResolverNew") {
            const QString path = newPath(member.chopped(3));
            if (sendEarly) {
                for (const QDBusMessage &early : sendEarly(path, message))
                    connection.send(early);
            }
            reply({QVariant::fromValue(QDBusObjectPath(path))});
        } else {
            // AddService, Commit, Free, Reset, Start: recorded, answered with nothing.
            reply({});
        }
        return true;
    }

private:
    QString newPath(const QString &kind) { return u"/Client1/%1%2"_s.arg(kind).arg(++m_objects); }

    QDBusConnection m_bus;
    int m_objects = 0;
};

} // namespace DiscoveryTest
