// SPDX-License-Identifier: MIT
pragma Singleton
import QtQuick
import Confab

//! Colours, spacing and type sizes. Two hand-picked palettes, light and dark; which one is in
//! use follows Preferences.dark (the chosen theme, or the desktop's for "System"). Main.qml
//! hands the same colours to the controls' palette, so Fusion's buttons and fields match.
//! Text colours keep at least 4.5:1 contrast on the backgrounds they sit on.
QtObject {
    id: theme

    readonly property bool dark: Preferences.dark

    readonly property color window: dark ? "#1e2227" : "#f5f6f8"
    readonly property color base: dark ? "#262b31" : "#ffffff"
    readonly property color alternateBase: dark ? "#23272d" : "#eef0f3"
    readonly property color button: dark ? "#2c3138" : "#e9ecf0"
    readonly property color text: dark ? "#e6e8eb" : "#1b1f24"
    readonly property color mutedText: dark ? "#9ba4ae" : "#5b6470"
    readonly property color placeholderText: dark ? "#8a939e" : "#6e7681"
    readonly property color divider: dark ? "#3a4048" : "#d5d9de"
    readonly property color accent: dark ? "#5ea8ff" : "#1a64d6"
    //! Text on an accent-filled background (badges).
    readonly property color accentText: dark ? "#0b1a2e" : "#ffffff"
    //! Selection and highlighted buttons: white text reads on both.
    readonly property color highlight: dark ? "#2f6fd6" : "#1f6feb"
    readonly property color highlightedText: "#ffffff"
    readonly property color ownBubble: dark ? "#1d4f91" : "#d7e7ff"
    readonly property color ownBubbleText: dark ? "#f2f6fc" : "#0b2545"
    readonly property color otherBubble: dark ? "#2a2f36" : "#ffffff"
    //! Fusion outlines radio buttons and check boxes in its palette's window colour darkened
    //! 1.4×, which vanishes on the dark theme; those indicators get this as their window.
    readonly property color indicatorWindow: dark ? "#8a939e" : window
    readonly property color sidePane: dark ? "#181b1f" : "#eceef1"
    readonly property color error: dark ? "#ff7b72" : "#c62828"
    readonly property color errorBackground: dark ? "#4a1f1f" : "#fdecea"
    readonly property color ok: dark ? "#56d364" : "#2e7d32"
    readonly property color warning: dark ? "#e3b341" : "#a35f00"
    //! The keyboard focus ring (FocusRing.qml): at least 3:1 against the window, the panes and
    //! the accent-filled buttons it surrounds, in both themes (tst_a11y checks).
    readonly property color focusRing: dark ? "#ffd866" : "#0b2545"

    readonly property int spacing: 8
    readonly property int radius: 10
    //! Sizes follow the desktop's font (and so its text scaling): one "em" is the height of a
    //! line of the application font (14 px at the default 10 pt), and widths that hold text are
    //! a number of them: at the default font they are what they were in pixels.
    readonly property FontMetrics metrics: FontMetrics {
        font: Qt.application.font
    }
    readonly property real em: metrics.height
    readonly property int sidePaneWidth: Math.round(16.5 * em)
    readonly property real smallFont: 0.85
    //! Headings, as multiples of the application font's point size (at the default 9 pt: 20,
    //! 18, 16 and 40 px, the sizes they had).
    readonly property real titleFont: 1.67
    readonly property real headingFont: 1.5
    readonly property real subheadingFont: 1.33
    readonly property real logoFont: 3.33
    readonly property string monoFamily: "monospace"
}
