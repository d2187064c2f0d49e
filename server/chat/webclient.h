// SPDX-License-Identifier: MIT
#pragma once

#include "http/httprequest.h"

#include <QtCore/QByteArrayView>

#include <optional>

namespace Confab {

//! \brief The web chat a host serves at "/" on its own port (the files are in web/ here).
//!
//! Only the files of a fixed table, embedded in the binary as Qt resources, are served: a
//! request's target is compared byte for byte with the table's paths, and nothing is ever
//! decoded or looked up on a file system, so "/../", "%2e%2e", "%2f", backslashes and double
//! encodings simply name no file (404). GET and HEAD are served; any other method on a file
//! is answered 405 with Allow. Every answer carries the page's Content-Security-Policy
//! (its own scripts, styles and images, and its own socket), X-Content-Type-Options: nosniff,
//! Referrer-Policy: no-referrer, an exact Content-Type and an ETag (If-None-Match gives 304).
//!
//! The page is same-origin with the host's Engine.IO endpoint, so it needs no CORS setting;
//! the host's Host-header check (EngineIoServer::isHostAllowed()) runs before this.
class WebClient
{
public:
    //! \brief The answer to \a request when its path is one of the web client's files, else
    //! nothing (the caller answers 404). Thread-safe: the files are loaded once, read-only.
    static std::optional<Http::HttpResponse> respond(const Http::HttpRequest &request);

    //! \brief The Content-Security-Policy sent with every file; \a host is the request's
    //! Host header, added as ws:// and wss:// sources when it is a plain host[:port] (older
    //! Safari does not count ws: as 'self').
    static QByteArray contentSecurityPolicy(QByteArrayView host);
};

} // namespace Confab
