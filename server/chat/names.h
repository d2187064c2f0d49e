// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QHash>
#include <QtCore/QString>

namespace Confab::Names {

//! \brief \a text as a display name: NFC, without control (Cc), format (Cf: zero-width, bidi
//! embeddings/overrides/isolates, BOM, soft hyphen...), lone-surrogate, noncharacter or
//! invisible filler characters; every run of white space (line breaks included) one space;
//! trimmed; cut to at most \a maxLength UTF-16 units without splitting a character.
//! May be empty: the caller decides what an empty name means.
QString normalize(const QString &text, int maxLength);

//! \brief Whether \a text is already in the form normalize() gives (at any length up to
//! \a maxLength): room names must be, they are refused otherwise.
bool isNormalized(const QString &text, int maxLength);

//! \brief The key under which two names count as the same: compatibility forms folded (NFKD:
//! fullwidth letters, ligatures, mathematical letters), default-ignorable characters removed,
//! Cyrillic and Greek look-alikes of Latin letters mapped to those letters, case folded.
//! `alice`, `Alice`, `аlice` (Cyrillic а) and `ａｌｉｃｅ` share a skeleton.
QString skeleton(const QString &text);

//! \brief Names in use, unique by skeleton(), with O(1) average cost per claim.
//!
//! For each wanted name's skeleton it remembers the next suffix to try, so that the n-th
//! connection asking for `alice` does not test `alice (2)` ... `alice (n)` again.
class Registry
{
public:
    //! \brief Registers and returns \a wanted, or, when its skeleton is taken, `wanted (N)`
    //! (\a wanted cut so that the whole fits \a maxLength) with the next free N.
    QString claim(const QString &wanted, int maxLength);
    //! \brief Frees \a name (as returned by claim()).
    void release(const QString &name);
    bool isTaken(const QString &name) const { return m_taken.contains(skeleton(name)); }
    qsizetype size() const { return m_taken.size(); }

private:
    struct Base
    {
        int holders = 0; //!< names given for this wanted skeleton and not released yet
        int next = 2; //!< the suffix to try first
    };
    QHash<QString, QString> m_taken; //!< skeleton of a given name → skeleton it was wanted as
    QHash<QString, Base> m_bases; //!< by wanted skeleton
};

} // namespace Confab::Names
