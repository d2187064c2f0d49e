// SPDX-License-Identifier: MIT
#include "webclient.h"

#include "chatlogging.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QFile>

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace Confab {

using Http::HttpRequest;
using Http::HttpResponse;

namespace {

struct FileEntry
{
    QByteArrayView path; //!< the exact request path, as sent
    QLatin1StringView resource; //!< where CMake put it (qt_add_resources in CMakeLists.txt)
    QByteArrayView contentType;
    QByteArrayView cacheControl;
};

// The page and its code revalidate on every load ("no-cache" with an ETag costs a 304), so a
// browser never mixes the page of one host version with the script of another; the icons may
// be kept for a day.
constexpr QByteArrayView Revalidate = "no-cache";
constexpr QByteArrayView OneDay = "public, max-age=86400";

constexpr std::array Files = {
        FileEntry{"/", ":/confab/web/index.html"_L1, "text/html; charset=utf-8", Revalidate},
        FileEntry{"/confab.js", ":/confab/web/confab.js"_L1, "text/javascript; charset=utf-8",
                  Revalidate},
        FileEntry{"/confab.css", ":/confab/web/confab.css"_L1, "text/css; charset=utf-8",
                  Revalidate},
        FileEntry{"/socket.io.min.js", ":/confab/web/socket.io.min.js"_L1,
                  "text/javascript; charset=utf-8", Revalidate},
        FileEntry{"/socket.io.LICENSE.txt", ":/confab/web/socket.io.LICENSE.txt"_L1,
                  "text/plain; charset=utf-8", OneDay},
        FileEntry{"/favicon.svg", ":/confab/web/favicon.svg"_L1, "image/svg+xml", OneDay},
        FileEntry{"/icon-256.png", ":/confab/web/icon-256.png"_L1, "image/png", OneDay},
};

struct LoadedFile
{
    QByteArray content;
    QByteArray etag;
};

// Read once, on first use, from the resources compiled into the binary.
const std::array<LoadedFile, Files.size()> &loadedFiles()
{
    static const std::array<LoadedFile, Files.size()> files = [] {
        std::array<LoadedFile, Files.size()> loaded;
        for (size_t i = 0; i < Files.size(); ++i) {
            QFile file(Files[i].resource);
            if (!file.open(QIODevice::ReadOnly)) {
                qCWarning(lcChat) << "web client file missing from the resources:"
                                  << Files[i].resource;
                continue;
            }
            loaded[i].content = file.readAll();
            const QByteArray digest
                    = QCryptographicHash::hash(loaded[i].content, QCryptographicHash::Sha256);
            loaded[i].etag = '"' + digest.left(12).toBase64(QByteArray::Base64UrlEncoding) + '"';
        }
        return loaded;
    }();
    return files;
}

// The path part of the target exactly as sent: no percent-decoding, so an encoded name can
// never turn into one of the table's.
QByteArrayView rawPath(QByteArrayView target)
{
    const qsizetype end = std::min(target.indexOf('?') < 0 ? target.size() : target.indexOf('?'),
                                   target.indexOf('#') < 0 ? target.size() : target.indexOf('#'));
    return target.first(end);
}

bool isPlainHost(QByteArrayView host)
{
    if (host.isEmpty() || host.size() > 255)
        return false;
    return std::all_of(host.begin(), host.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '%';
    });
}

// "W/" weak tags and lists are matched too: If-None-Match is a comma-separated list.
bool matchesEtag(QByteArrayView ifNoneMatch, QByteArrayView etag)
{
    for (QByteArrayView tag : ifNoneMatch.toByteArray().split(',')) {
        tag = tag.trimmed();
        if (tag.startsWith("W/"))
            tag = tag.sliced(2);
        if (tag == etag || tag == "*")
            return true;
    }
    return false;
}

} // namespace

QByteArray WebClient::contentSecurityPolicy(QByteArrayView host)
{
    QByteArray connect = "connect-src 'self'";
    if (isPlainHost(host))
        connect += " ws://" + host.toByteArray() + " wss://" + host.toByteArray();
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " + connect
            + "; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

std::optional<HttpResponse> WebClient::respond(const HttpRequest &request)
{
    const QByteArrayView path = rawPath(request.target);
    const auto entry = std::find_if(Files.begin(), Files.end(),
                                    [&](const FileEntry &file) { return file.path == path; });
    if (entry == Files.end())
        return std::nullopt;
    const LoadedFile &file = loadedFiles()[size_t(entry - Files.begin())];
    if (file.etag.isEmpty())
        return std::nullopt; // a build without the file: say 404 rather than serve nothing

    HttpResponse response;
    if (request.method != HttpRequest::Method::Get && request.method != HttpRequest::Method::Head) {
        response = HttpResponse::error(405, "the web client's files are read with GET or HEAD");
        response.setHeader("Allow", "GET, HEAD");
    } else if (matchesEtag(request.header("if-none-match"), file.etag)) {
        response = HttpResponse(304);
    } else {
        response = HttpResponse(200, file.content, entry->contentType.toByteArray());
    }
    if (response.statusCode != 405) {
        response.setHeader("ETag", file.etag);
        response.setHeader("Cache-Control", entry->cacheControl.toByteArray());
    }
    response.setHeader("Content-Security-Policy", contentSecurityPolicy(request.header("host")));
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    return response;
}

} // namespace Confab
