#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Confab's one entry point on a Debian 12 machine, run as root:
#   scripts/dev.sh start   install what is missing, build, start Confab
#   scripts/dev.sh test    install what is missing, build, run the whole test suite (ctest)
#   scripts/dev.sh deps    only install;  scripts/dev.sh build   only build
# Idempotent and quick when everything is already there. CONFAB_BUILD_DIR picks the build folder.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${CONFAB_BUILD_DIR:-$ROOT/build}
JOBS=${CONFAB_JOBS:-$(nproc 2>/dev/null || echo 2)}

# Build tools, Qt 6.4, the real Socket.IO peers the interop tests talk to, and the headless
# browser the web client's test drives. avahi-daemon, avahi-utils and iproute2: discovery's
# test runs its own daemons in network namespaces it makes (tests/discovery); installing the
# package starts no daemon where systemd is not running (a container, a chroot), and on a
# desktop it is the daemon discovery uses.
APT_PACKAGES=(
    ca-certificates git openssl cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-websockets-dev qt6-declarative-dev qt6-tools-dev qt6-l10n-tools
    libsqlite3-dev libhttp-parser-dev libgl-dev libqrencode-dev libssl-dev dbus-daemon
    qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
    qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtqml-workerscript
    qml6-module-qttest qml6-module-qtquick-dialogs qml6-module-qt-labs-platform
    qml6-module-qtcore qml6-module-qt-labs-settings
    python3 python3-socketio python3-aiohttp python3-requests python3-websocket
    avahi-daemon avahi-utils iproute2
    # The accessibility tests (tst_a11y_qml, tst_atspi): an X server for Qt's AT-SPI bridge,
    # the AT-SPI bus, and pyatspi to read the app as a screen reader does.
    xvfb xauth at-spi2-core python3-pyatspi
    lintian appstream dpkg-dev file zbar-tools
    nodejs npm
    chromium
)

log() { printf '\033[1m[confab]\033[0m %s\n' "$*" >&2; }

need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        log "installing packages needs root: run as root (or with sudo)"
        exit 1
    fi
}

deps() {
    local missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
        # node and npm may come from elsewhere (e.g. NodeSource); any working one will do.
        if [ "$pkg" = nodejs ] && command -v node >/dev/null; then continue; fi
        if [ "$pkg" = npm ] && command -v npm >/dev/null; then continue; fi
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        need_root
        log "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    local interop="$ROOT/tests/interop"
    if [ ! -d "$interop/node_modules/socket.io" ] || [ ! -d "$interop/node_modules/socket.io-client" ] \
        || [ "$interop/package-lock.json" -nt "$interop/node_modules/.package-lock.json" ]; then
        log "installing the Node peers (socket.io, socket.io-client) for the interop tests"
        npm_ci "$interop"
    fi
    # The Socket.IO browser bundle the host's web client is built with (CMake embeds it).
    local web="$ROOT/server/chat/web"
    if [ ! -f "$web/node_modules/socket.io-client/dist/socket.io.min.js" ] \
        || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
        log "installing socket.io-client's browser bundle for the web client"
        npm_ci "$web"
    fi
}

npm_ci() {
    # Trust the machine's CA store too (Node otherwise uses only its bundled roots), so
    # a registry reached through a TLS-inspecting proxy the admin trusts still works.
    local cafile=/etc/ssl/certs/ca-certificates.crt
    (cd "$1" && if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$cafile" ]; then
            export NODE_EXTRA_CA_CERTS=$cafile
        fi && npm ci --no-audit --no-fund --loglevel=error)
}

build() {
    log "building in $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$BUILD" --parallel "$JOBS"
}

start() {
    local port=${CONFAB_PORT:-3000}
    if [ -x "$BUILD/app/confab" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
        log "starting the Confab desktop app"
        exec "$BUILD/app/confab" "$@"
    fi
    log "no display: starting the headless host on port $port (Ctrl+C stops it)"
    exec "$BUILD/server/chat/confab-server" --host 0.0.0.0 --port "$port" "$@"
}

run_tests() {
    cd "$BUILD"
    ctest --output-on-failure --timeout 600 "$@"
}

case "${1:-}" in
    deps) deps ;;
    build) deps; build ;;
    start) shift; deps; build; start "$@" ;;
    test) shift; deps; build; run_tests "$@" ;;
    *)
        echo "usage: $0 start|test|build|deps" >&2
        exit 2
        ;;
esac
