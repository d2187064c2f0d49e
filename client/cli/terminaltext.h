// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QString>

namespace Confab::Cli {

//! \brief How escapeControls() writes a character it escapes.
enum class EscapeStyle {
    //! \uXXXX (a UTF-16 surrogate pair above U+FFFF): inside a JSON string, the value is kept.
    Json,
    //! \n, \r, \t, \xNN up to U+00FF, \u{XXXX} above: readable on a terminal.
    Visible,
};

//! True for a character a terminal may act on or that changes how text around it shows: C0
//! controls (newline too), DEL, C1 controls (U+0080–U+009F; U+009B starts a CSI sequence), and
//! the invisible format characters: bidi embeddings, overrides and isolates (U+202A–U+202E,
//! U+2066–U+2069), marks (U+200E/F, U+061C), zero-width characters, the BOM, tag characters
//! (Unicode category Cf), the line and paragraph separators, and unpaired surrogates.
bool isUnsafeForTerminal(char32_t ucs4);

//! \brief \a text with every character isUnsafeForTerminal() escaped in \a style, and nothing
//! else changed.
//!
//! confab-cli passes everything a server sent through this before writing it (stdout's JSON
//! lines, stderr's messages), so that a server cannot retitle, clear or otherwise drive the
//! user's terminal, nor reorder what it shows.
QString escapeControls(QStringView text, EscapeStyle style);

//! A compact JSON document (UTF-8) as safe terminal bytes: QJsonDocument escapes C0 controls
//! but writes DEL, C1 and format characters raw; these become \uXXXX inside their strings, so the
//! line still parses to the same value. Pure-ASCII input (the usual case) is returned as is.
QByteArray escapeJsonForTerminal(const QByteArray &json);

} // namespace Confab::Cli
