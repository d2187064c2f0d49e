# SPDX-License-Identifier: MIT
"""tst_atspi: the desktop app as a screen reader (Orca) reads it, through AT-SPI.

    tst_atspi.py <path to confab>

Inside a private session (a11y_session.py: Xvfb, D-Bus, the AT-SPI bus), starts the real app
hosting a chat on a loopback port, lets a python-socketio peer "Bob" join and say something,
and reads the app through pyatspi: the message must be one accessible object that carries
Bob's name and his words, the app must announce it (a notification that starts showing; the
focus stays where it was), and every control on screen must be named in words. Runs in the
language of CONFAB_TEST_LANGUAGE (en, zh_CN), as the app's "System" language. Exit status 0
when everything holds; each failure is printed.
"""
import os
import re
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from a11y_session import A11ySession, SessionError  # noqa: E402
from atspi_reader import Checks, Reader  # noqa: E402

TEXT = "Hello Alice, can you hear me?"
TIMEOUT = 20.0
LANGUAGE = os.environ.get("CONFAB_TEST_LANGUAGE", "en")
checks = Checks()
check = checks.check


def main(confab):
    with A11ySession() as session:
        # Only now: pyatspi reaches the accessibility bus through the session's D-Bus.
        try:
            import pyatspi
            from gi.repository import GLib
            import socketio
        except ImportError as error:
            check(False, f"{error}: install python3-pyatspi and python3-socketio "
                         "(scripts/dev.sh deps), and run this with /usr/bin/python3")
            return

        reader = Reader(pyatspi, GLib, checks, TIMEOUT)
        pump_until = reader.pump_until
        walk = reader.walk

        shown = []  # (role, name) of every object that started showing

        def on_showing(event):
            if event.detail1:
                try:
                    shown.append((event.source.getRole(), event.source.name))
                except Exception:  # the object may already be gone
                    pass
        pyatspi.Registry.registerEventListener(on_showing, "object:state-changed:showing")

        env = dict(session.env)
        env["QT_LOGGING_RULES"] = "confab.app.info=true"
        if LANGUAGE != "en":
            env.update({"LANG": f"{LANGUAGE}.UTF-8", "LC_ALL": f"{LANGUAGE}.UTF-8",
                        "LANGUAGE": LANGUAGE})
        else:
            env.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LANGUAGE": "en"})
        app = subprocess.Popen([confab, "--host", "--port", "0", "--address", "127.0.0.1",
                                "--data", ":memory:", "--name", "Alice"],
                               env=env, stderr=subprocess.PIPE, text=True)
        port = []
        log = []

        def read_log():
            for line in app.stderr:
                log.append(line)
                match = re.search(r"hosting on port (\d+)", line)
                if match and not port:
                    port.append(int(match.group(1)))
        threading.Thread(target=read_log, daemon=True).start()
        peer = socketio.Client(reconnection=False)
        try:
            if not pump_until("the app to host", lambda: port):
                print("".join(log), file=sys.stderr)
                return

            confab_app = reader.app()
            if not confab_app:
                return

            alice_in_lobby = threading.Event()

            @peer.on("joined")
            def on_joined(data, *offset):  # the host appends a recovery offset
                if data.get("room") == "lobby" and data.get("name") == "Alice":
                    alice_in_lobby.set()
            peer.connect(f"http://127.0.0.1:{port[0]}", auth={"name": "Bob"},
                         transports=["websocket"], wait_timeout=10)
            joined = peer.call("join", {"room": "lobby"}, timeout=10)
            check(joined.get("ok"), "Bob joins lobby")
            # Said once Alice's app is in the room: a message from before is history, not news.
            if any(member["name"] == "Alice" for member in joined.get("members", [])):
                alice_in_lobby.set()
            check(alice_in_lobby.wait(TIMEOUT), "the app joins lobby")
            ack = peer.call("message", {"room": "lobby", "text": TEXT, "id": "py-1"}, timeout=10)
            check(ack.get("ok"), "Bob's message is accepted")

            def message_item():
                for node in walk(confab_app):
                    if (TEXT in node.name and node.getRole() == pyatspi.ROLE_LIST_ITEM
                            and node.getState().contains(pyatspi.STATE_SHOWING)):
                        return node
                return None
            item = pump_until("a list item on screen with Bob's message", message_item)
            if item:
                name = item.name
                check("Bob" in name and name.index("Bob") < name.index(TEXT),
                      f"the message names its author first: {name!r}")
                check(re.search(r"\d{1,2}[:：]\d{2}", name) is not None,
                      f"the message says its time: {name!r}")

            # Announced: a notification carrying Bob's words started showing.
            announced = pump_until(
                "the new message announced (a notification that starts showing)",
                lambda: [name for role, name in shown
                         if role == pyatspi.ROLE_NOTIFICATION and "Bob" in name and TEXT in name])
            if announced:
                print("announced:", announced[0], flush=True)
            else:
                print("showing:", shown, "".join(log[-20:]), file=sys.stderr)

            # Every control on screen is named in words; symbols alone do not count.
            interactive = {pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON,
                           pyatspi.ROLE_CHECK_BOX, pyatspi.ROLE_RADIO_BUTTON,
                           pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_SPIN_BUTTON, pyatspi.ROLE_ENTRY,
                           pyatspi.ROLE_TEXT, pyatspi.ROLE_PASSWORD_TEXT, pyatspi.ROLE_PAGE_TAB,
                           pyatspi.ROLE_LIST_ITEM}
            words = re.compile(r"[A-Za-z\u00C0-\u024F\u3400-\u9FFF]")
            controls = 0
            for node in walk(confab_app):
                state = node.getState()
                if not state.contains(pyatspi.STATE_SHOWING):
                    continue
                role = node.getRole()
                if role not in interactive:
                    continue
                controls += 1
                label = node.description if role == pyatspi.ROLE_PASSWORD_TEXT else node.name
                check(words.search(label or "") is not None,
                      f"{node.getRoleName()} named in words: {node.name!r}")
            check(controls >= 8, f"controls on screen: {controls}")
            for node in walk(confab_app):
                check(node.name.strip() not in {"⚠", "×", "⬆", "⬇", "↩", "⚙", "0"},
                      f"a symbol (or a 0 count) in the tree: {node.getRoleName()} {node.name!r}")
        finally:
            if peer.connected:
                peer.disconnect()
            app.terminate()
            try:
                app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        main(sys.argv[1])
    except SessionError as error:
        check(False, f"no accessibility session: {error}")
    verdict = checks.verdict()
    # python-socketio's threads may linger for a ping interval; nothing is left to do.
    os._exit(verdict)
