// SPDX-License-Identifier: MIT
#include "discoverycommand.h"

#include "clisession.h"
#include "terminaltext.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace Confab::Cli {

DiscoveryCommand::DiscoveryCommand(std::unique_ptr<Discovery::ServiceBrowser> browser,
                                   int timeoutMs, QIODevice *out, QObject *parent)
    : QObject(parent)
    , m_browser(std::move(browser))
    , m_out(out)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(timeoutMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { Q_EMIT finished(ExitOk); });
    connect(m_browser.get(), &Discovery::ServiceBrowser::serviceResolved, this,
            [this](const Discovery::DiscoveredService &service) {
                const QByteArray text = line(service);
                // A host announcing again (or on a second interface at the same address)
                // is one line.
                if (m_printed.contains(text))
                    return;
                m_printed.insert(text);
                m_out->write(text + '\n');
            });
    connect(m_browser.get(), &Discovery::ServiceBrowser::stateChanged, this, [this] {
        if (m_browser->state() != Discovery::ServiceBrowser::State::Unavailable)
            return;
        std::fprintf(stderr, "confab-cli: discovery is off: %s\n",
                     escapeControls(m_browser->unavailableReason(), EscapeStyle::Visible)
                             .toLocal8Bit()
                             .constData());
        m_timer.stop();
        Q_EMIT finished(ExitNoDiscovery);
    });
}

void DiscoveryCommand::start()
{
    m_timer.start();
    m_browser->start();
}

QByteArray DiscoveryCommand::line(const Discovery::DiscoveredService &service)
{
    // Written key by key: the order the documentation gives, which QJsonObject would sort.
    const auto json = [](const QJsonValue &value) {
        const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
        return array.mid(1, array.size() - 2);
    };
    const QByteArray line = "{\"name\":" + json(service.displayName()) + ",\"url\":"
            + json(service.url().toString()) + ",\"pw\":" + json(service.info.passwordRequired)
            + ",\"tls\":" + json(service.info.tls) + ",\"fp\":"
            + json(service.info.fingerprint.isEmpty() ? QJsonValue() : service.info.fingerprint)
            + '}';
    return escapeJsonForTerminal(line);
}

} // namespace Confab::Cli
