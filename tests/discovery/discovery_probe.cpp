// SPDX-License-Identifier: MIT
// The desktop app's own parts (Controller: FoundHostsModel, ChatSession) in a namespace of the
// discovery test (tst_discovery_netns.py), without a window. It prints what the app sees, one
// JSON line each, and does what a person would:
//
//   discovery_probe browse --join NAME [--password PW] [--ipv4]
//       lists the hosts found ({"event":"found",...}, {"event":"gone",...}); once NAME is
//       found (with --ipv4: once its row shows its IPv4 address, for a host that listens on
//       IPv4 only), joins it as a click on its row does ({"event":"joined",...}).
//   discovery_probe host --name NAME [--password PW] [--port N]
//       hosts as the start page's Host button does; {"event":"announced",...} once the host
//       is out on the network.
#include "chatsession.h"
#include "controller.h"
#include "foundhostsmodel.h"
#include "hostsidsource.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtNetwork/QHostAddress>
#include <QtWidgets/QApplication>

#include <cstdio>

using namespace Qt::StringLiterals;
using Confab::App::Controller;
using Confab::App::FoundHostsModel;

namespace {
void print(const QJsonObject &object)
{
    std::printf("%s\n", QJsonDocument(object).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
}

QJsonObject rowObject(const FoundHostsModel *model, int row, const QString &event)
{
    const QModelIndex index = model->index(row);
    return {{u"event"_s, event},
            {u"name"_s, index.data(FoundHostsModel::NameRole).toString()},
            {u"url"_s, index.data(FoundHostsModel::UrlRole).toString()},
            {u"address"_s, index.data(FoundHostsModel::AddressRole).toString()},
            {u"pw"_s, index.data(FoundHostsModel::PasswordRequiredRole).toBool()}};
}
} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv); // the tray icon is a widget
    QCommandLineParser parser;
    parser.addPositionalArgument(u"mode"_s, u"browse or host"_s);
    parser.addOptions({{u"join"_s, u"host to join"_s, u"name"_s},
                       {u"name"_s, u"user name"_s, u"name"_s, u"probe"_s},
                       {u"password"_s, u"password"_s, u"pw"_s},
                       {u"port"_s, u"port"_s, u"port"_s, u"3000"_s},
                       {u"ipv4"_s, u"join only by an IPv4 address"_s}});
    parser.process(app);
    const QString mode = parser.positionalArguments().value(0);

    Controller controller(nullptr);
    controller.preferences()->setUserName(parser.value(u"name"_s));
    auto *session = controller.session();
    session->setHostDataLocation(u":memory:"_s);
    FoundHostsModel *hosts = controller.foundHosts();

    QObject::connect(hosts, &FoundHostsModel::availabilityChanged, &app, [hosts] {
        print({{u"event"_s, hosts->isAvailable() ? u"on"_s : u"off"_s},
               {u"reason"_s, hosts->unavailableReason()}});
    });

    if (mode == u"host") {
        if (!session->hostChat(parser.value(u"port"_s).toInt(), parser.value(u"password"_s))) {
            print({{u"event"_s, u"error"_s}, {u"error"_s, session->lastError()}});
            return 1;
        }
        auto *announcer = session->hostSource()->announcer();
        QObject::connect(
                announcer, &Confab::Discovery::ServiceAnnouncer::stateChanged, &app, [announcer] {
                    using State = Confab::Discovery::ServiceAnnouncer::State;
                    if (announcer->state() == State::Announced)
                        print({{u"event"_s, u"announced"_s},
                               {u"name"_s, announcer->announcedName()}});
                    else if (announcer->state() != State::Registering)
                        print({{u"event"_s, u"error"_s}, {u"error"_s, announcer->errorString()}});
                });
        return app.exec();
    }

    const QString wanted = parser.value(u"join"_s);
    const QString password = parser.value(u"password"_s);
    const bool ipv4Only = parser.isSet(u"ipv4"_s);
    bool joining = false;
    auto consider = [&](int row) {
        print(rowObject(hosts, row, u"found"_s));
        const QModelIndex index = hosts->index(row);
        if (joining || index.data(FoundHostsModel::NameRole).toString() != wanted)
            return;
        const QUrl url(index.data(FoundHostsModel::UrlRole).toString());
        if (ipv4Only && QHostAddress(url.host()).protocol() != QAbstractSocket::IPv4Protocol)
            return;
        // What a click on the row does (StartPage.joinFound()).
        joining = true;
        session->joinServer(index.data(FoundHostsModel::UrlRole).toString(), password);
    };
    QObject::connect(hosts, &QAbstractItemModel::rowsInserted, &app,
                     [&](const QModelIndex &, int first, int last) {
                         for (int row = first; row <= last; ++row)
                             consider(row);
                     });
    QObject::connect(hosts, &QAbstractItemModel::dataChanged, &app,
                     [&](const QModelIndex &from, const QModelIndex &to) {
                         for (int row = from.row(); row <= to.row(); ++row)
                             consider(row);
                     });
    QObject::connect(hosts, &QAbstractItemModel::rowsAboutToBeRemoved, &app,
                     [&](const QModelIndex &, int first, int last) {
                         for (int row = first; row <= last; ++row)
                             print(rowObject(hosts, row, u"gone"_s));
                     });
    // Joined: connected, and welcomed under a name.
    bool joined = false;
    auto checkJoined = [&] {
        print({{u"event"_s, u"state"_s}, {u"state"_s, session->connectionState()}});
        if (joined || !session->isConnected() || session->myName().isEmpty())
            return;
        joined = true;
        print({{u"event"_s, u"joined"_s},
               {u"url"_s, session->serverUrl().toString()},
               {u"myName"_s, session->myName()}});
    };
    QObject::connect(session, &Confab::App::Session::myNameChanged, &app, checkJoined);
    QObject::connect(session, &Confab::App::Session::connectionStateChanged, &app, checkJoined);
    return app.exec();
}
