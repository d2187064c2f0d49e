// SPDX-License-Identifier: MIT
// The DNS-SD TXT record of a Confab host: what a host announces, and what is kept of what
// anyone on the network may announce (bounded, plain, unknown keys ignored).
#include "discoverycommand.h"
#include "servicediscovery.h"
#include "servicetxt.h"

#include <QtTest/QTest>

using namespace Qt::StringLiterals;
using namespace Confab::Discovery;

class tst_DiscoveryTxt : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void encode_data();
    void encode();
    void decode_data();
    void decode();
    void roundTrip();
    void url_data();
    void url();
    void cliLine();
};

namespace {
const QString Fp = u"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"_s;

ServiceInfo info(const QString &name, bool pw = false, bool tls = false, const QString &fp = {})
{
    ServiceInfo result;
    result.name = name;
    result.version = 1;
    result.passwordRequired = pw;
    result.tls = tls;
    result.fingerprint = fp;
    return result;
}
} // namespace

void tst_DiscoveryTxt::encode_data()
{
    QTest::addColumn<ServiceInfo>("info");
    QTest::addColumn<QList<QByteArray>>("txt");
    const QList<QByteArray> common{"v=1", "path=/socket.io/"};
    QTest::addRow("open") << info(
            u"Lab"_s) << QList<QByteArray>{"name=Lab", "v=1", "path=/socket.io/", "pw=0", "tls=0"};
    QTest::addRow("password") << info(u"Lab"_s, true)
                              << QList<QByteArray>{"name=Lab", "v=1", "path=/socket.io/", "pw=1",
                                                   "tls=0"};
    QTest::addRow("tls with fingerprint")
            << info(u"Lab"_s, false, true, Fp.toUpper())
            << QList<QByteArray>{"name=Lab", "v=1",   "path=/socket.io/",
                                 "pw=0",     "tls=1", "fp=" + Fp.toLatin1()};
    QTest::addRow("fingerprint without tls is not announced")
            << info(u"Lab"_s, false, false, Fp)
            << QList<QByteArray>{"name=Lab", "v=1", "path=/socket.io/", "pw=0", "tls=0"};
    QTest::addRow("utf-8 name") << info(u"茶室 ☕"_s)
                                << QList<QByteArray>{"name=" + u"茶室 ☕"_s.toUtf8(), "v=1",
                                                     "path=/socket.io/", "pw=0", "tls=0"};
    QTest::addRow("controls and bidi removed")
            << info(u"a\nb\u202Ec\u200Bd\te"_s)
            << QList<QByteArray>{"name=a bcd e", "v=1", "path=/socket.io/", "pw=0", "tls=0"};
    // 70 characters: cut to 63, never inside a character.
    QTest::addRow("long name") << info(QString(70, u'茶'))
                               << QList<QByteArray>{"name=" + QString(63, u'茶').toUtf8(), "v=1",
                                                    "path=/socket.io/", "pw=0", "tls=0"};
}

void tst_DiscoveryTxt::encode()
{
    QFETCH(ServiceInfo, info);
    QFETCH(QList<QByteArray>, txt);
    QCOMPARE(encodeTxt(info), txt);
    for (const QByteArray &entry : encodeTxt(info))
        QVERIFY(entry.size() <= 255);
}

void tst_DiscoveryTxt::decode_data()
{
    QTest::addColumn<QList<QByteArray>>("txt");
    QTest::addColumn<ServiceInfo>("expected");

    // good
    QTest::addRow("full") << QList<QByteArray>{"name=Lab", "v=1",   "path=/chat/",
                                               "pw=1",     "tls=1", "fp=" + Fp.toLatin1()}
                          << [] {
                                 ServiceInfo i = info(u"Lab"_s, true, true, Fp);
                                 i.path = u"/chat/"_s;
                                 return i;
                             }();
    QTest::addRow("keys are case-insensitive")
            << QList<QByteArray>{"NAME=Lab", "V=1", "PW=1"} << info(u"Lab"_s, true);
    QTest::addRow("first of a key wins (RFC 6763 6.4)")
            << QList<QByteArray>{"name=First", "name=Second", "v=1", "pw=0", "pw=1"}
            << info(u"First"_s);
    QTest::addRow("fingerprint with colons")
            << QList<QByteArray>{"name=Lab", "v=1", "tls=1",
                                 "fp=01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
                                 "89:AB:CD:EF:01:23:45:67:89:AB:CD:EF"}
            << info(u"Lab"_s, false, true, Fp);
    QTest::addRow("nothing") << QList<QByteArray>{} << ServiceInfo{};

    // invalid: the field keeps its default
    QTest::addRow("unknown keys and boolean attributes ignored")
            << QList<QByteArray>{"name=Lab", "v=1", "color=red", "pw", "=1", ""} << info(u"Lab"_s);
    QTest::addRow("pw other than 1 is no password")
            << QList<QByteArray>{"name=Lab", "v=1", "pw=yes"} << info(u"Lab"_s);
    QTest::addRow("version not a number") << QList<QByteArray>{"name=Lab", "v=one"} << [] {
        ServiceInfo i = info(u"Lab"_s);
        i.version = 0;
        return i;
    }();
    QTest::addRow("version out of range") << QList<QByteArray>{"name=Lab", "v=99999999999"} << [] {
        ServiceInfo i = info(u"Lab"_s);
        i.version = 0;
        return i;
    }();
    QTest::addRow("path not absolute")
            << QList<QByteArray>{"name=Lab", "v=1", "path=socket.io"} << info(u"Lab"_s);
    QTest::addRow("path with a query")
            << QList<QByteArray>{"name=Lab", "v=1", "path=/a?x=1"} << info(u"Lab"_s);
    QTest::addRow("path with a space")
            << QList<QByteArray>{"name=Lab", "v=1", "path=/a b/"} << info(u"Lab"_s);
    QTest::addRow("fingerprint too short")
            << QList<QByteArray>{"name=Lab", "v=1", "tls=1", "fp=0123"}
            << info(u"Lab"_s, false, true);
    QTest::addRow("fingerprint not hex")
            << QList<QByteArray>{"name=Lab", "v=1", "tls=1", "fp=" + QByteArray(64, 'g')}
            << info(u"Lab"_s, false, true);
    QTest::addRow("fingerprint without tls dropped")
            << QList<QByteArray>{"name=Lab", "v=1", "fp=" + Fp.toLatin1()} << info(u"Lab"_s);

    // malformed / hostile
    QTest::addRow("name not utf-8") << QList<QByteArray>{"name=\xff\xfe", "v=1"} << info(QString());
    QTest::addRow("name with controls, bidi and markup")
            << QList<QByteArray>{"name=<b>x</b>\x1b[31m\xe2\x80\xae"
                                 "evil",
                                 "v=1"}
            << info(u"<b>x</b> [31mevil"_s);
    QTest::addRow("long name cut")
            << QList<QByteArray>{"name=" + QByteArray(200, 'a'), "v=1"} << info(QString(63, u'a'));
    QTest::addRow("string over 255 bytes ignored")
            << QList<QByteArray>{"name=" + QByteArray(300, 'a'), "v=1"} << info(QString());
    QTest::addRow("white space folded")
            << QList<QByteArray>{"name=  a \t\n b  ", "v=1"} << info(u"a b"_s);
}

void tst_DiscoveryTxt::decode()
{
    QFETCH(QList<QByteArray>, txt);
    QFETCH(ServiceInfo, expected);
    const ServiceInfo decoded = decodeTxt(txt);
    QCOMPARE(decoded.name, expected.name);
    QCOMPARE(decoded.version, expected.version);
    QCOMPARE(decoded.path, expected.path);
    QCOMPARE(decoded.passwordRequired, expected.passwordRequired);
    QCOMPARE(decoded.tls, expected.tls);
    QCOMPARE(decoded.fingerprint, expected.fingerprint);
}

void tst_DiscoveryTxt::roundTrip()
{
    const ServiceInfo original = info(u"Ünïcödé 茶室"_s, true, true, Fp);
    QCOMPARE(decodeTxt(encodeTxt(original)), original);
    // A flood of strings: only the first 64 are read.
    QList<QByteArray> flood(10000, "x=y");
    flood.append("name=late");
    QCOMPARE(decodeTxt(flood).name, QString());
}

void tst_DiscoveryTxt::url_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("interfaceName");
    QTest::addColumn<bool>("tls");
    QTest::addColumn<QString>("url");
    QTest::addRow("ipv4") << u"192.0.2.1"_s << u"eth0"_s << false << u"http://192.0.2.1:3000"_s;
    QTest::addRow("tls") << u"192.0.2.1"_s << u"eth0"_s << true << u"https://192.0.2.1:3000"_s;
    QTest::addRow("global ipv6") << u"2001:db8::5"_s << u"eth0"_s << false
                                 << u"http://[2001:db8::5]:3000"_s;
    QTest::addRow("link-local ipv6 with its zone")
            << u"fe80::1"_s << u"veth-b"_s << false << u"http://[fe80::1%25veth-b]:3000"_s;
}

void tst_DiscoveryTxt::url()
{
    QFETCH(QString, address);
    QFETCH(QString, interfaceName);
    QFETCH(bool, tls);
    QFETCH(QString, url);
    DiscoveredService service;
    service.address = QHostAddress(address);
    if (service.address.isLinkLocal())
        service.address.setScopeId(interfaceName);
    service.port = 3000;
    service.info.tls = tls;
    QCOMPARE(service.url().toString(), url);
    // What a join does with it: the same address, with its scope.
    const QUrl parsed(url);
    QCOMPARE(QHostAddress(parsed.host()), service.address);
}

void tst_DiscoveryTxt::cliLine()
{
    // confab-cli --discover's line: the documented keys in the documented order, control
    // characters that reached a name (they cannot through decodeTxt) escaped anyway.
    DiscoveredService service;
    service.instanceName = u"Lab"_s;
    service.address = QHostAddress(u"192.0.2.1"_s);
    service.port = 3000;
    service.info = info(u"Lab \"one\""_s, true);
    QCOMPARE(
            Confab::Cli::DiscoveryCommand::line(service),
            R"({"name":"Lab \"one\"","url":"http://192.0.2.1:3000","pw":true,"tls":false,"fp":null})"_ba);
    // Pinned, the URL is the host's join link: a browser opens it, Confab reads the pin.
    service.info = info(u"x\u009by"_s, false, true, Fp);
    QCOMPARE(Confab::Cli::DiscoveryCommand::line(service),
             R"({"name":"x\u009by","url":"http://192.0.2.1:3000#fp=)" + Fp.toLatin1()
                     + R"(","pw":false,"tls":true,"fp":")" + Fp.toLatin1() + R"("})"_ba);
}

QTEST_GUILESS_MAIN(tst_DiscoveryTxt)
#include "tst_discoverytxt.moc"
