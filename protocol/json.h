// SPDX-License-Identifier: MIT
#pragma once

#include "protocolerror.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QVariant>

QT_BEGIN_NAMESPACE
class QJsonValue;
QT_END_NAMESPACE

//! \brief JSON as Socket.IO peers write it, for QVariant trees.
//!
//! Output matches JavaScript's JSON.stringify byte for byte for the values both can hold
//! (compact, numbers formatted like Number.prototype.toString, NaN and Infinity as null), so
//! exact wire strings can be compared with the reference implementations'.
namespace Confab::Json {

//! \brief Compact JSON for a QVariant tree.
//!
//! With \a attachments, every QByteArray leaf is appended there and written as
//! {"_placeholder":true,"num":N}; without, a QByteArray is written as a base64 string.
//! Maps are written in key order.
QByteArray stringify(const QVariant &value, QList<QByteArray> *attachments = nullptr);

//! \brief Appends \a value's JSON to \a out; see stringify().
void write(QByteArray &out, const QVariant &value, QList<QByteArray> *attachments = nullptr);

//! \brief Appends a JSON string literal for \a text, escaped as JSON.stringify does.
void writeString(QByteArray &out, QStringView text);

//! \brief Parses one JSON value of any kind (object, array, string, number, true/false/null).
//!
//! Objects become QVariantMap, arrays QVariantList, integers qint64, other numbers double, and
//! null a QVariant holding std::nullptr_t. Input must be valid UTF-8 and no deeper than
//! limits.maxDepth; trailing data is an error.
Protocol::Result<QVariant> parse(QByteArrayView json, const Protocol::Limits &limits = {});

//! \brief Parses to a QJsonValue (no conversion); the first step of parse().
Protocol::Result<QJsonValue> parseValue(QByteArrayView json);

//! \brief Converts parsed JSON to a QVariant tree, restoring {"_placeholder":true,"num":N}
//! objects from \a attachments when it is given.
Protocol::Result<QVariant> toVariant(const QJsonValue &value, const Protocol::Limits &limits,
                                     const QList<QByteArray> *attachments = nullptr);

//! \brief A null that survives a round trip (QVariant::fromValue(nullptr)).
QVariant null();

} // namespace Confab::Json
