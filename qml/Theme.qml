// SPDX-License-Identifier: MIT
pragma Singleton
import QtQuick

//! Colours, spacing and type sizes. Follows the system palette, so a dark desktop gets a dark
//! Confab; the accent colours are picked to read on either.
QtObject {
    id: theme

    readonly property SystemPalette system: SystemPalette {
        colorGroup: SystemPalette.Active
    }
    readonly property bool dark: system.window.hslLightness < 0.5

    readonly property color window: system.window
    readonly property color base: system.base
    readonly property color text: system.windowText
    readonly property color mutedText: Qt.rgba(text.r, text.g, text.b, 0.6)
    readonly property color divider: Qt.rgba(text.r, text.g, text.b, 0.12)
    readonly property color accent: dark ? "#5ea8ff" : "#1f6feb"
    readonly property color accentText: "#ffffff"
    readonly property color ownBubble: dark ? "#1d4f91" : "#d7e7ff"
    readonly property color ownBubbleText: dark ? "#f2f6fc" : "#0b2545"
    readonly property color otherBubble: dark ? "#2c2f34" : "#ffffff"
    readonly property color sidePane: dark ? Qt.darker(system.window, 1.25) : Qt.darker(system.window, 1.03)
    readonly property color error: dark ? "#ff7b72" : "#c62828"
    readonly property color errorBackground: dark ? "#4a1f1f" : "#fdecea"
    readonly property color ok: dark ? "#56d364" : "#2e7d32"
    readonly property color warning: dark ? "#e3b341" : "#b26a00"

    readonly property int spacing: 8
    readonly property int radius: 10
    readonly property int sidePaneWidth: 230
    readonly property real smallFont: 0.85
    readonly property string monoFamily: "monospace"
}
