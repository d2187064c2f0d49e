# SPDX-License-Identifier: MIT
"""tst_atspi_password: what is typed in a password field never reaches AT-SPI clients.

    tst_atspi_password.py <path to confab>

Qt 6.4 hands a password field's real text to any program of the session that reads it over
AT-SPI, and each keystroke's text-changed event carries the character typed. Inside a private
session (a11y_session.py), starts the app on its start page, types a password into the hosting
password field with the keyboard (XTest), and reads the field as a screen reader does: it is a
password text named in words, its text is one mask per character, and no event carried the
password. Exit status 0 when everything holds; each failure is printed.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from a11y_session import A11ySession, SessionError  # noqa: E402
from atspi_reader import Checks, Reader  # noqa: E402

SECRET = "hunter2xyz"
TIMEOUT = 20.0
checks = Checks()
check = checks.check


def main(confab):
    with A11ySession() as session:
        try:
            import pyatspi
            from gi.repository import GLib
        except ImportError as error:
            check(False, f"{error}: install python3-pyatspi (scripts/dev.sh deps), and run "
                         "this with /usr/bin/python3")
            return
        reader = Reader(pyatspi, GLib, checks, TIMEOUT)
        pump_until = reader.pump_until

        heard = []  # every text an event of the app carried

        def on_event(event):
            for value in (event.any_data, getattr(event.source, "name", "")):
                if isinstance(value, str):
                    heard.append(value)
        for kind in ("object:text-changed", "object:property-change", "object:text-caret-moved",
                     "object:state-changed:focused"):
            pyatspi.Registry.registerEventListener(on_event, kind)

        env = dict(session.env)
        env.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LANGUAGE": "en",
                    "QT_LOGGING_RULES": "confab.*.info=false"})
        app = subprocess.Popen([confab, "--data", ":memory:", "--name", "Alice"], env=env)
        try:
            confab_app = reader.app()
            if not confab_app:
                return

            def password_fields():
                return [node for node in reader.walk(confab_app)
                        if node.getRole() == pyatspi.ROLE_PASSWORD_TEXT
                        and node.getState().contains(pyatspi.STATE_SHOWING)]
            fields = pump_until("the start page's password fields", password_fields)
            if not fields:
                return
            check(len(fields) == 2, f"two password fields on the start page: {len(fields)}")
            field = fields[0]
            # Focused as a screen reader user would (its "set focus" action), then typed into.
            action = field.queryAction()
            names = [action.getName(i) for i in range(action.nActions)]
            check("SetFocus" in names, f"the field can be focused: {names}")
            action.doAction(names.index("SetFocus"))
            pump_until("the field focused",
                       lambda: field.getState().contains(pyatspi.STATE_FOCUSED))
            for ch in SECRET:
                pyatspi.Registry.generateKeyboardEvent(ord(ch), None, pyatspi.KEY_SYM)
            text = field.queryText()
            typed = pump_until("the password typed", lambda: text.characterCount == len(SECRET))
            if typed:
                shown = text.getText(0, -1)
                check(shown == "\u25cf" * len(SECRET),
                      f"the field's text is one mask per character: {shown!r}")
            check(SECRET not in (field.name or "") and SECRET not in (field.description or ""),
                  "the password is not in the field's name or description")
            check(any(ch.isalpha() for ch in field.description or field.name or ""),
                  f"the field is named in words: {field.name!r} / {field.description!r}")
            # Let every event of the typing arrive, then look for any piece of the password.
            pump_until("the events of the typing", lambda: len(heard) > 0)
            reader.settle(1.0)
            leaked = [value for value in heard if any(ch in value for ch in SECRET[:7])]
            check(not leaked, f"events carried the password: {leaked[:5]!r}")
            print(f"{len(heard)} events, none with the password" if not leaked else "", flush=True)
        finally:
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
    os._exit(checks.verdict())
