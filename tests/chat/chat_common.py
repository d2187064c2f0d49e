# SPDX-License-Identifier: MIT
"""Shared helpers for the chat tests: start/stop confab-server, record what a client receives,
count checks.

Imported by chat_protocol_test.py, chat_limits_test.py, chat_durability_test.py and
chat_example_test.py; run those with /usr/bin/python3 (Debian's python3-socketio 5.7.2 and
python3-aiohttp).
"""
import asyncio
import atexit
import os
import shutil
import re
import signal
import subprocess
import tempfile
import threading
import time

import aiohttp
import socketio

READY = re.compile(r'Confab host ready: join at (http://127\.0\.0\.1:(\d+)/)')


class Results:
    """Counts checks; prints one line per check."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.lock = threading.Lock()

    def check(self, tag, name, ok, detail=''):
        with self.lock:
            if ok:
                self.passed += 1
                print(f'PASS [{tag}] {name}', flush=True)
            else:
                self.failed += 1
                print(f'FAIL [{tag}] {name}' + (f': {detail}' if detail else ''), flush=True)
        return bool(ok)

    def equal(self, tag, name, got, expected):
        return self.check(tag, name, got == expected, f'got {got!r}, expected {expected!r}')

    def summary(self):
        print(f'{self.passed} passed, {self.failed} failed', flush=True)
        return 0 if self.failed == 0 and self.passed > 0 else 1


class Server:
    """One confab-server process on 127.0.0.1 with --port 0.

    stdout is read by a thread (the ready line, then drained so the pipe never fills); stderr
    goes to a log file whose tail is printed when the server dies unexpectedly or on request.
    """

    def __init__(self, binary, data=':memory:', extra=(), tag='server'):
        self.binary = binary
        self.data = data
        self.extra = list(extra)
        self.tag = tag
        self.proc = None
        self.url = None
        self.port = None
        self.log_dir = tempfile.mkdtemp(prefix='confab-chat-log-')
        # The logs only feed failure messages, which are printed before exit.
        atexit.register(shutil.rmtree, self.log_dir, True)
        self.starts = 0

    def start(self, timeout=20):
        self.starts += 1
        self.stderr_path = os.path.join(self.log_dir, f'stderr-{self.starts}.log')
        self.stdout_lines = []
        args = [self.binary, '--host', '127.0.0.1', '--port', '0', '--data', self.data,
                *self.extra]
        with open(self.stderr_path, 'wb') as err:
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err,
                                         stdin=subprocess.DEVNULL)
        ready = threading.Event()

        def reader(proc=self.proc, lines=self.stdout_lines):
            for raw in proc.stdout:
                line = raw.decode(errors='replace').rstrip('\n')
                lines.append(line)
                m = READY.search(line)
                if m and not ready.is_set():
                    self.url, self.port = m.group(1), int(m.group(2))
                    ready.set()
            ready.set()  # EOF: unblock the waiter

        threading.Thread(target=reader, daemon=True).start()
        if not ready.wait(timeout) or self.url is None or self.proc.poll() is not None:
            code = self.proc.poll()
            self.kill()
            raise RuntimeError(f'{self.tag}: confab-server {" ".join(args[1:])} did not get '
                               f'ready (exit code {code}); stdout {self.stdout_lines!r}; '
                               f'stderr tail:\n{self.stderr_tail()}')
        # The URL without the trailing slash is what the clients connect to.
        self.url = self.url.rstrip('/')
        return self

    def stderr_tail(self, lines=30):
        try:
            with open(self.stderr_path, 'rb') as f:
                return '\n'.join(f.read().decode(errors='replace').splitlines()[-lines:])
        except OSError:
            return ''

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def sigkill(self):
        if self.alive():
            os.kill(self.proc.pid, signal.SIGKILL)
        return self.proc.wait(10) if self.proc else None

    def terminate(self, timeout=10):
        """SIGTERM and wait; SIGKILL if it does not exit in time. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                return 'timeout'
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass


class Peer:
    """A socketio.AsyncClient that records every event it receives, in arrival order.

    python-socketio's AsyncClient dispatches each packet as a task started in arrival order;
    our handlers and ack callbacks are synchronous, so the log is in wire order.
    """

    def __init__(self, label=''):
        self.label = label
        self.http = aiohttp.ClientSession()
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self.http)
        self.log = []  # (event, data)
        self.changed = asyncio.Event()
        self.sio.on('*', lambda event, *args: self._record(event, args[0] if args else None))
        self.sio.on('connect', lambda: self._record('connect', None))
        self.sio.on('disconnect', lambda: self._record('disconnect', None))
        self.sio.on('connect_error', lambda *a: self._record('connect_error',
                                                              a[0] if a else None))

    def _record(self, event, data):
        self.log.append((event, data))
        self.changed.set()

    async def connect(self, url, transports, auth=None, wait_timeout=5):
        await self.sio.connect(url, auth=auth, transports=transports, wait_timeout=wait_timeout)
        return self

    @property
    def sid(self):
        return self.sio.get_sid('/')

    def events(self, name):
        return [data for event, data in self.log if event == name]

    def count(self, name, pred=lambda d: True):
        return sum(1 for d in self.events(name) if pred(d))

    async def wait_for(self, predicate, timeout=5.0):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return result
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def wait_event(self, name, pred=lambda d: True, n=1, timeout=5.0):
        """Waits until at least n `name` events matching pred arrived; returns them."""
        await self.wait_for(lambda: self.count(name, pred) >= n, timeout)
        return [d for d in self.events(name) if pred(d)]

    async def call(self, event, data=None, timeout=5):
        return await self.sio.call(event, data, timeout=timeout)

    async def emit_logged(self, event, data):
        """Emits with an ack whose arrival is recorded in the log as ('ack:<event>', ack)."""
        await self.sio.emit(event, data,
                            callback=lambda *a: self._record('ack:' + event, a[0] if a else None))

    async def close(self):
        try:
            if self.sio.connected:
                await self.sio.disconnect()
        except Exception:
            pass
        for http in (self.http, getattr(self.sio.eio, 'http', None)):
            if http is not None and not http.closed:
                try:
                    await http.close()
                except Exception:
                    pass


def now_ms():
    return int(time.time() * 1000)


def quiet_aiohttp_leaks(loop):
    """python-socketio's polling client may open a fresh aiohttp session after disconnect()
    (its read loop still polls once); aiohttp then complains about it at garbage collection.
    That is the client library's noise, not a finding: drop just those messages."""
    def handler(loop, context):
        if str(context.get('message', '')).startswith(('Unclosed client session',
                                                       'Unclosed connector')):
            return
        loop.default_exception_handler(context)
    loop.set_exception_handler(handler)
