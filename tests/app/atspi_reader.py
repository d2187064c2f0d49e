# SPDX-License-Identifier: MIT
"""What the AT-SPI tests share: their failures, and pyatspi's view of the session (run the
event loop until something holds, find the app, walk its tree). Import it inside an
A11ySession: pyatspi reaches the accessibility bus through the session's D-Bus."""
import time


class Checks:
    """Failures are printed as they happen and counted; the test exits with their verdict."""

    def __init__(self):
        self.failures = []

    def check(self, condition, message):
        if not condition:
            self.failures.append(message)
            print("FAIL:", message, flush=True)
        return condition

    def verdict(self):
        print("PASS" if not self.failures else f"{len(self.failures)} failure(s)", flush=True)
        return 0 if not self.failures else 1


class Reader:
    def __init__(self, pyatspi, glib, checks, timeout=20.0):
        self.pyatspi = pyatspi
        self.context = glib.MainContext.default()
        self.checks = checks
        self.timeout = timeout

    def pump(self):
        while self.context.pending():
            self.context.iteration(False)

    def pump_until(self, what, predicate, timeout=None):
        """Runs the event loop (AT-SPI events arrive through it) until predicate() holds; its
        value, or None with a failure after the timeout."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            self.pump()
            value = predicate()
            if value:
                return value
            self.context.iteration(False)
            time.sleep(0.02)
        self.checks.check(False, f"timed out waiting for {what}")
        return None

    def settle(self, seconds):
        """Runs the event loop for a while: events of what just happened may still come."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.pump()
            time.sleep(0.02)

    def app(self, name="confab"):
        def find():
            desktop = self.pyatspi.Registry.getDesktop(0)
            for i in range(desktop.childCount):
                child = desktop.getChildAtIndex(i)
                if child is not None and child.name.lower() == name:
                    return child
            return None
        return self.pump_until("the app on the accessibility bus", find)

    @staticmethod
    def walk(root):
        stack = [root]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            yield node
            stack.extend(node.getChildAtIndex(i) for i in range(node.childCount))
