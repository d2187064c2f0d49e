# SPDX-License-Identifier: MIT
"""A private desktop session with the accessibility stack on, for the tests that read the app
the way a screen reader does (Orca reads AT-SPI).

    a11y_session.py [--] command args...     runs the command inside it; exits with its status

or, from python: `with A11ySession() as session: ...` (session.env is the environment to give
the programs, os.environ is set to it too, so pyatspi imported afterwards reaches the bus).

What it starts, each its own process, all ended at the end: Xvfb (an X display: Qt's AT-SPI
bridge lives in the xcb platform plugin, not in offscreen), a D-Bus session bus of its own,
and at-spi-bus-launcher (the accessibility bus, which activates at-spi2-registryd). Qt
programs run with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1, so the bridge is on without a desktop
asking for it. Nothing here waits by sleeping: each step waits for the thing it needs, with a
deadline.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

LAUNCHER_PATHS = ["/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher"]


class SessionError(RuntimeError):
    pass


def _wait(what, predicate, timeout=15.0, interval=0.05):
    """Polls predicate() until it is true; a deadline, not a sleep, decides."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise SessionError(f"timed out waiting for {what}")


def missing():
    """Why the session cannot start here, or None."""
    for tool in ("Xvfb", "dbus-daemon", "dbus-send"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install xvfb dbus-daemon)"
    if not any(os.access(path, os.X_OK) for path in LAUNCHER_PATHS):
        return "at-spi-bus-launcher is missing (apt-get install at-spi2-core)"
    return None


class A11ySession:
    def __init__(self, screen="1280x800x24"):
        self.screen = screen
        self.processes = []
        self.env = dict(os.environ)
        self.scratch = None

    def _start(self, args, **kwargs):
        # A process group of its own: what it starts (the accessibility bus's dbus-daemon and
        # registry) ends with it.
        process = subprocess.Popen(args, env=self.env, start_new_session=True, **kwargs)
        self.processes.append(process)
        return process

    def __enter__(self):
        reason = missing()
        if reason:
            raise SessionError(reason)
        self.scratch = tempfile.mkdtemp(prefix="confab-a11y-")
        runtime = os.path.join(self.scratch, "run")
        os.mkdir(runtime, 0o700)
        self.env.update({
            "XDG_RUNTIME_DIR": runtime,
            "XDG_CONFIG_HOME": os.path.join(self.scratch, "config"),
            "XDG_DATA_HOME": os.path.join(self.scratch, "data"),
            "QT_QPA_PLATFORM": "xcb",
            "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
            "QT_ACCESSIBILITY": "1",
            "NO_AT_BRIDGE": "0",
        })
        self.env.pop("AT_SPI_BUS_ADDRESS", None)
        try:
            # Xvfb picks a free display and writes its number to the pipe once it accepts.
            read_end, write_end = os.pipe()
            self._start(["Xvfb", "-displayfd", str(write_end), "-screen", "0", self.screen,
                         "-nolisten", "tcp", "-noreset"], pass_fds=(write_end,),
                        stderr=subprocess.DEVNULL)
            os.close(write_end)
            with os.fdopen(read_end) as pipe:
                display = pipe.readline().strip()
            if not display:
                raise SessionError("Xvfb did not start")
            self.env["DISPLAY"] = ":" + display

            bus = self._start(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                              stdout=subprocess.PIPE, text=True)
            address = bus.stdout.readline().strip()
            if not address:
                raise SessionError("dbus-daemon did not start")
            self.env["DBUS_SESSION_BUS_ADDRESS"] = address

            launcher = next(path for path in LAUNCHER_PATHS if os.access(path, os.X_OK))
            self._start([launcher, "--launch-immediately"], stderr=subprocess.DEVNULL)

            def bus_up():
                probe = subprocess.run(
                    ["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus",
                     "/org/a11y/bus", "org.a11y.Bus.GetAddress"],
                    env=self.env, capture_output=True, text=True)
                return probe.returncode == 0 and "unix:" in probe.stdout
            _wait("the accessibility bus (at-spi-bus-launcher)", bus_up)
            # Screen readers turn this on; programs that read it (GTK, Qt) then expose
            # themselves.
            subprocess.run(["dbus-send", "--session", "--dest=org.a11y.Bus", "/org/a11y/bus",
                            "org.freedesktop.DBus.Properties.Set", "string:org.a11y.Status",
                            "string:IsEnabled", "variant:boolean:true"],
                           env=self.env, check=False, capture_output=True)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        os.environ.update(self.env)
        return self

    def __exit__(self, *exc):
        for process in reversed(self.processes):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
        return False


def main(argv):
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with A11ySession() as session:
            return subprocess.run(argv, env=session.env).returncode
    except SessionError as error:
        print(f"a11y_session: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
