#!/bin/bash
# SPDX-License-Identifier: MIT
# The packages, end to end: build them with CPack, check their contents and metadata
# (dpkg-deb, lintian), install them with apt-get on this machine, use the installed programs
# (server + cli exchange a message; the app starts offscreen without QML warnings), then
# purge them and check that nothing is left behind.
#
#   tests/installer/test_packages.sh BUILD_DIR        (as root, on Debian/Ubuntu; ctest -L installer)
#
# It changes the machine (installs and removes confab and confab-server), so it runs only as
# root and fails, rather than skipping, when it cannot.
set -uo pipefail

build=${1:?usage: test_packages.sh BUILD_DIR}
build=$(cd "$build" && pwd)
out=$build/packages
work=$(mktemp -d /tmp/confab-pkgtest.XXXXXX)
failures=0
server_pid=

say()  { printf '%s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
ok()   { printf 'ok: %s\n' "$*"; }
die()  { printf 'FAIL: %s\n' "$*"; exit 1; }

purge() {
    if dpkg -s confab >/dev/null 2>&1 || dpkg -s confab-server >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y confab confab-server \
            >"$work/purge.log" 2>&1
    fi
}
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    purge
    rm -rf "$work"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || die "must run as root (it installs and removes the packages)"
command -v dpkg-deb >/dev/null && command -v apt-get >/dev/null || die "needs dpkg-deb and apt-get"
[ -f "$build/CPackConfig.cmake" ] || die "$build has no CPackConfig.cmake (add_subdirectory(installer)?)"
for tool in lintian; do
    command -v $tool >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y \
        --no-install-recommends $tool >"$work/apt-$tool.log" 2>&1 || die "cannot install $tool"
done
if dpkg -s confab >/dev/null 2>&1 || dpkg -s confab-server >/dev/null 2>&1; then
    die "confab or confab-server is already installed; remove it first"
fi

# --- build -------------------------------------------------------------------------------
say "== cpack"
rm -rf "$out"
cpack --config "$build/CPackConfig.cmake" -B "$out" >"$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log"; die "cpack failed"; }
app_deb=$(ls "$out"/confab_*.deb 2>/dev/null | head -1)
server_deb=$(ls "$out"/confab-server_*.deb 2>/dev/null | head -1)
tarball=$(ls "$out"/confab-*.tar.gz 2>/dev/null | head -1)
[ -n "$app_deb" ] && [ -n "$server_deb" ] || { ls -l "$out"; die "no confab_*.deb / confab-server_*.deb"; }
[ -n "$tarball" ] && ok "tarball $(basename "$tarball")" || fail "no .tar.gz"
ok "built $(basename "$app_deb") $(basename "$server_deb")"

# --- metadata and contents ---------------------------------------------------------------
say "== dpkg-deb -I / -c"
field() { dpkg-deb -f "$1" "$2"; }
app_depends=$(field "$app_deb" Depends)
server_depends=$(field "$server_deb" Depends)
say "confab Depends: $app_depends"
say "confab-server Depends: $server_depends"
for qml in qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts \
           qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtqml-workerscript; do
    grep -qE "(^|, )$qml(,| |\$)" <<<"$app_depends" || fail "confab does not depend on $qml"
done
for lib in libqt6gui6 libqt6qml6 libqt6widgets6; do
    grep -q "$lib" <<<"$app_depends" || fail "confab: no $lib in Depends (shlibdeps?)"
done
grep -q 'libqt6core6' <<<"$server_depends" || fail "confab-server: no libqt6core6 in Depends (shlibdeps?)"
if grep -qE 'libqt6(gui|quick|qml|widgets)|qml6-module' <<<"$server_depends"; then
    fail "confab-server depends on GUI libraries: $server_depends"
else
    ok "confab-server needs no GUI libraries"
fi

dpkg-deb -c "$app_deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$work/app.files"
dpkg-deb -c "$server_deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$work/server.files"
expect() {  # expect LISTFILE PATH...
    local list=$1; shift
    for path in "$@"; do
        grep -qxF "$path" "$list" || fail "$(basename "$list" .files) package lacks $path"
    done
}
icons=(/usr/share/icons/hicolor/scalable/apps/confab.svg)
for size in 16 22 24 32 48 64 128 256; do
    icons+=("/usr/share/icons/hicolor/${size}x${size}/apps/confab.png")
done
expect "$work/app.files" /usr/bin/confab /usr/bin/confab-cli \
    /usr/share/applications/confab.desktop /usr/share/metainfo/io.confab.Confab.metainfo.xml \
    /usr/share/man/man1/confab.1.gz /usr/share/man/man1/confab-cli.1.gz \
    /usr/share/doc/confab/copyright "${icons[@]}"
expect "$work/server.files" /usr/bin/confab-server /usr/share/man/man1/confab-server.1.gz \
    /usr/lib/systemd/system/confab-server.service /usr/share/doc/confab-server/copyright
for deb in "$app_deb" "$server_deb"; do
    # Both binaries embed socket.io-client's browser bundle (MIT): its notice must ship.
    # Read whole before grep: grep -q would stop reading early, and tar's SIGPIPE then fails
    # the pipeline (pipefail) now and then.
    copyright=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './usr/share/doc/*/copyright')
    grep -q 'Socket.IO contributors' <<<"$copyright" \
        && ok "$(basename "$deb"): copyright names socket.io-client" \
        || fail "$(basename "$deb"): copyright lacks socket.io-client's notice"
done
grep -q 'confab-server$' "$work/app.files" && fail "confab package contains confab-server"
grep -qE '/usr/bin/confab(-cli)?$' "$work/server.files" && fail "confab-server package contains the app"
[ "$failures" = 0 ] && ok "package contents"

# The desktop assets as installed, checked by their own validators where present.
mkdir -p "$work/app-root" && dpkg-deb -x "$app_deb" "$work/app-root"
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$work/app-root/usr/share/metainfo/io.confab.Confab.metainfo.xml" \
        >"$work/appstream.log" 2>&1 && ok "appstreamcli validate" \
        || { cat "$work/appstream.log"; fail "appstreamcli validate"; }
fi
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$work/app-root/usr/share/applications/confab.desktop" \
        && ok "desktop-file-validate" || fail "desktop-file-validate"
fi

# --- lintian: errors fail, warnings are shown --------------------------------------------
say "== lintian"
lintian --tag-display-limit 0 "$app_deb" "$server_deb" >"$work/lintian.log" 2>&1
cat "$work/lintian.log"
if grep -q '^E:' "$work/lintian.log"; then
    fail "lintian reports errors"
else
    ok "lintian: no errors ($(grep -c '^W:' "$work/lintian.log") warnings)"
fi

# --- install -----------------------------------------------------------------------------
say "== apt-get install"
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y "$app_deb" "$server_deb" \
        >"$work/install.log" 2>&1; then
    tail -30 "$work/install.log"
    die "apt-get install failed"
fi
ok "installed"
dpkg -L confab confab-server | sort -u >"$work/installed.files"

version=$(/usr/bin/confab-server --version 2>&1)
[[ "$version" == *"$(dpkg-query -W -f='${Version}' confab-server)"* ]] \
    && ok "confab-server --version: $version" || fail "confab-server --version said: $version"
/usr/bin/confab-cli --version >/dev/null 2>&1 || fail "confab-cli --version"

# --- the installed host and client exchange a message ------------------------------------
say "== confab-server + confab-cli"
data=$(mktemp -d "$work/data.XXXXXX")
/usr/bin/confab-server --host 127.0.0.1 --port 0 --data "$data" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
url=
for _ in $(seq 1 100); do
    url=$(sed -n 's/^Confab host ready: join at //p' "$work/server.out" | head -1)
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$url" ]; then
    cat "$work/server.err"
    fail "confab-server did not print a join URL"
else
    ok "confab-server listens at $url"
    before=$failures
    {
        printf '%s\n' '{"event":"join","args":[{"room":"t"}],"ack":true}'
        sleep 1
        printf '%s\n' '{"event":"message","args":[{"room":"t","text":"hello from the package test"}],"ack":true}'
        sleep 1
    } | timeout 20 /usr/bin/confab-cli "$url" --auth '{"name":"pkgtest"}' --no-reconnect \
        >"$work/cli.out" 2>"$work/cli.err"
    cli_status=$?
    grep -q '"ack":"join"' "$work/cli.out" && grep -E '"ack":"join"' "$work/cli.out" | grep -q '"ok":true' \
        && ok "join acked" || fail "no ok join ack"
    grep -E '"ack":"message"' "$work/cli.out" | grep -q '"ok":true' \
        && ok "message acked" || fail "no ok message ack"
    grep -q 'hello from the package test' "$work/cli.out" \
        && ok "message came back to the room" || fail "the message did not come back"
    [ "$cli_status" = 0 ] || { fail "confab-cli exited with $cli_status"; cat "$work/cli.err"; }
    # The web client is compiled in: a browser opening the printed URL gets the page.
    page=$(/usr/bin/python3 -c 'import sys, urllib.request
r = urllib.request.urlopen(sys.argv[1], timeout=10)
print(r.headers["Content-Type"]); print(r.read().decode()[:100])' "$url" 2>&1)
    grep -q '^text/html; charset=utf-8$' <<<"$page" && grep -q '<!DOCTYPE html>' <<<"$page" \
        && ok "the web client at $url" || fail "no web client at $url: $page"
    [ "$failures" = "$before" ] || { say "-- cli stdout:"; cat "$work/cli.out"; }
fi
kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=
find "$data" -mindepth 1 | grep -q . && ok "the host stored its data in --data" || fail "nothing in --data"

# --- the installed app starts offscreen, with no QML warnings ----------------------------
say "== confab offscreen"
QT_QPA_PLATFORM=offscreen HOME=$work timeout 5 /usr/bin/confab --host --port 0 \
    --address 127.0.0.1 --data :memory: >"$work/app.out" 2>"$work/app.err"
app_status=$?
if [ "$app_status" != 124 ]; then
    cat "$work/app.err"
    fail "confab exited with $app_status before the 5 s were up"
elif grep -qE 'qrc:|QML|\.qml:|module ".*" is not installed' "$work/app.err"; then
    cat "$work/app.err"
    fail "confab printed QML warnings"
else
    ok "confab ran 5 s offscreen without QML warnings ($(wc -l <"$work/app.err") lines on stderr)"
fi

# --- remove: nothing left but the data folder --------------------------------------------
say "== apt-get remove --purge"
DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y confab confab-server >"$work/purge.log" 2>&1 \
    || { tail -20 "$work/purge.log"; fail "apt-get remove --purge failed"; }
left=0
while read -r path; do
    [ -f "$path" ] || [ -L "$path" ] || continue
    say "left behind: $path"; left=1
done <"$work/installed.files"
ls /usr/bin/confab* >/dev/null 2>&1 && { say "left behind: $(ls /usr/bin/confab*)"; left=1; }
[ "$left" = 0 ] && ok "purged: no files left" || fail "files left after purge"
dpkg -s confab >/dev/null 2>&1 && fail "confab still known to dpkg"

say ""
if [ "$failures" = 0 ]; then say "PASS: packages"; exit 0; fi
say "FAIL: $failures check(s) failed"
exit 1
