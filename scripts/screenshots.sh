#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Re-takes the README's screenshots (resources/screenshots/*.png) under Xvfb:
#   start, chat, join, sids, inspector                     English, light theme
#   start-zh_CN, settings-zh_CN, chat-zh_CN, join-zh_CN, sids-zh_CN, inspector-zh_CN
#                                                          Simplified Chinese
#   chat-dark                                              English, dark theme
#   web-desktop, web-phone (+ -zh_CN)                      the web client, in headless Chromium
#   chat-2x, start-2x                                      English, at 200 % (QT_SCALE_FACTOR=2)
# Builds confab_screenshots (tests/app/screenshots.cpp), which hosts a chat in the real app
# window, lets two chat clients join and talk, and grabs each view. Look at the PNGs before
# committing them. CONFAB_BUILD_DIR picks the build folder (default build/); the output
# folder is the first argument (default resources/screenshots).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${CONFAB_BUILD_DIR:-$ROOT/build}
OUT=${1:-$ROOT/resources/screenshots}

log() { printf '\033[1m[screenshots]\033[0m %s\n' "$*" >&2; }

# Xvfb, and a CJK font so that the Chinese screenshots show characters, not boxes.
missing=()
for pkg in xvfb xauth fonts-noto-cjk; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "missing ${missing[*]}: install them as root"
        exit 1
    fi
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f "$BUILD/build.ninja" ] && [ ! -f "$BUILD/Makefile" ]; then
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$BUILD" --target confab_screenshots
TOOL="$BUILD/tests/app/confab_screenshots"

# A throw-away home for settings and data; the same UI language for every run's C locale.
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
export XDG_CONFIG_HOME="$SCRATCH/config" XDG_DATA_HOME="$SCRATCH/data" XDG_RUNTIME_DIR="$SCRATCH/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export LANG=C.UTF-8 QT_QPA_PLATFORM=xcb QT_LOGGING_RULES="confab.*.info=false"
mkdir -p "$OUT"

shoot() {
    log "$*"
    xvfb-run -a -s "-screen 0 ${SCREEN:-1280x800x24}" "$TOOL" --out "$OUT" "$@"
}
shoot --language en --theme light
shoot --language zh_CN --theme light --views start,settings,chat,join,sids,inspector --suffix -zh_CN
shoot --language en --theme dark --views chat --suffix -dark
# 200 %: the same window, twice the pixels; nothing may be clipped.
SCREEN=2560x1600x24 QT_SCALE_FACTOR=2 shoot --language en --theme light --views start,chat --suffix -2x
shoot --language en --theme light --hostile --views hostile
# The web client the host serves, in headless Chromium (tests/chat/web_browser_test.py).
cmake --build "$BUILD" --target confab-server
log "web client: desktop and phone, English and Chinese"
/usr/bin/python3 "$ROOT/tests/chat/web_browser_test.py" "$BUILD/server/chat/confab-server" \
    --screenshots "$OUT"
log "done: $OUT"
