# SPDX-License-Identifier: MIT
"""Headless Chromium driven over the DevTools protocol, for the web client's tests and screenshots.

No npm package: Debian's `chromium` is started with --remote-debugging-port=0 and driven through
one WebSocket (python3-websocket) with the flat session protocol. It may only talk to 127.0.0.1:
every other address goes to a dead proxy, every host name fails to resolve, and the background
services (updates, safe browsing, metrics...) are off. Everything the page logs as an error
(console.error, uncaught exceptions, CSP violations, failed loads) is collected in `errors`.
"""
import base64
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

import websocket

CHROMIUM_CANDIDATES = ('chromium', 'chromium-browser', 'google-chrome')


def find_chromium():
    explicit = os.environ.get('CONFAB_CHROMIUM')
    if explicit:
        return explicit
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class BrowserError(RuntimeError):
    pass


class Browser:
    def __init__(self, binary=None, lang='en-US'):
        self.binary = binary or find_chromium()
        if not self.binary:
            raise BrowserError('chromium not found (Debian: apt install chromium)')
        self.profile = tempfile.mkdtemp(prefix='confab-chromium-')
        args = [
            self.binary, '--headless=new', '--no-sandbox', '--disable-gpu',
            '--remote-debugging-port=0', '--remote-debugging-address=127.0.0.1',
            f'--user-data-dir={self.profile}', f'--lang={lang}',
            '--no-first-run', '--no-default-browser-check', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--disable-default-apps',
            '--disable-domain-reliability', '--disable-client-side-phishing-detection',
            '--disable-breakpad', '--no-pings', '--metrics-recording-only', '--mute-audio',
            '--disable-features=Translate,OptimizationHints,MediaRouter,'
            'AutofillServerCommunication,CertificateTransparencyComponentUpdater',
            # Only 127.0.0.1: names never resolve, other addresses go to a closed local port
            # (loopback is never proxied).
            '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
            '--proxy-server=http://127.0.0.1:9',
            'about:blank',
        ]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.lang = lang
        self.lock = threading.Condition()
        self.next_id = 0
        self.replies = {}
        self.events = []
        self.errors = []
        self.session = None
        self.ws = None
        try:
            self._connect()
        except Exception:
            self.close()
            raise

    def _connect(self, timeout=30):
        port_file = os.path.join(self.profile, 'DevToolsActivePort')
        deadline = time.monotonic() + timeout
        # Chromium writes the file once it listens; there is no other way to learn the port.
        while not os.path.exists(port_file) or len(open(port_file).read().split('\n')) < 2:
            if self.proc.poll() is not None:
                raise BrowserError(f'chromium exited with {self.proc.returncode}')
            if time.monotonic() > deadline:
                raise BrowserError('chromium did not open its DevTools port')
            time.sleep(0.05)
        port, path = open(port_file).read().split('\n')[:2]
        self.ws = websocket.create_connection(f'ws://127.0.0.1:{port}{path}', timeout=timeout,
                                              suppress_origin=True)
        self.ws.settimeout(None)
        threading.Thread(target=self._reader, daemon=True).start()
        target = self.call('Target.createTarget', {'url': 'about:blank'}, session=False)
        attached = self.call('Target.attachToTarget',
                             {'targetId': target['targetId'], 'flatten': True}, session=False)
        self.session = attached['sessionId']
        for domain in ('Runtime', 'Log', 'Page'):
            self.call(f'{domain}.enable')
        # Headless Chromium on Linux ignores --lang for navigator.language; the emulation
        # sets it (and Accept-Language, and Intl's default locale).
        user_agent = self.evaluate('navigator.userAgent')
        self.call('Emulation.setUserAgentOverride', {
            'userAgent': user_agent, 'acceptLanguage': f'{self.lang},{self.lang.split("-")[0]}'})
        self.call('Emulation.setLocaleOverride', {'locale': self.lang})

    def _reader(self):
        while True:
            try:
                message = json.loads(self.ws.recv())
            except Exception:
                with self.lock:
                    self.lock.notify_all()
                return
            with self.lock:
                if 'id' in message:
                    self.replies[message['id']] = message
                else:
                    self._record(message)
                self.lock.notify_all()

    def _record(self, message):
        method, params = message.get('method'), message.get('params', {})
        self.events.append((method, params))
        if method == 'Runtime.consoleAPICalled' and params.get('type') in ('error', 'assert'):
            text = ' '.join(str(a.get('value', a.get('description', ''))) for a in params['args'])
            self.errors.append(f'console.{params["type"]}: {text}')
        elif method == 'Runtime.exceptionThrown':
            details = params['exceptionDetails']
            text = details.get('exception', {}).get('description') or details.get('text')
            self.errors.append(f'exception: {text}')
        elif method == 'Log.entryAdded' and params['entry']['level'] == 'error':
            entry = params['entry']
            self.errors.append(f'{entry["source"]}: {entry["text"]} {entry.get("url", "")}')

    def call(self, method, params=None, session=True, timeout=30):
        with self.lock:
            self.next_id += 1
            ident = self.next_id
        message = {'id': ident, 'method': method, 'params': params or {}}
        if session:
            message['sessionId'] = self.session
        self.ws.send(json.dumps(message))
        with self.lock:
            if not self.lock.wait_for(lambda: ident in self.replies, timeout):
                raise BrowserError(f'{method}: no answer in {timeout} s')
            reply = self.replies.pop(ident)
        if 'error' in reply:
            raise BrowserError(f'{method}: {reply["error"]}')
        return reply.get('result', {})

    def evaluate(self, expression):
        result = self.call('Runtime.evaluate', {'expression': expression, 'returnByValue': True,
                                                'awaitPromise': True})
        if 'exceptionDetails' in result:
            raise BrowserError(f'{expression}: {result["exceptionDetails"]}')
        return result['result'].get('value')

    def wait_until(self, expression, timeout=10.0):
        """Polls a JavaScript condition until it is truthy; returns its value or None."""
        deadline = time.monotonic() + timeout
        # A page still loading (or navigating) may not have the elements yet: that is "not yet".
        guarded = f'(() => {{ try {{ return ({expression}); }} catch (e) {{ return null; }} }})()'
        while True:
            try:
                value = self.evaluate(guarded)
            except BrowserError:
                value = None
            if value or time.monotonic() > deadline:
                return value
            with self.lock:  # wake up early on any page event
                self.lock.wait(0.05)

    def navigate(self, url):
        self.call('Page.navigate', {'url': url})

    def set_viewport(self, width, height, scale=1, mobile=False):
        self.call('Emulation.setDeviceMetricsOverride', {
            'width': width, 'height': height, 'deviceScaleFactor': scale, 'mobile': mobile})

    def set_dark(self, dark):
        self.call('Emulation.setEmulatedMedia', {'features': [
            {'name': 'prefers-color-scheme', 'value': 'dark' if dark else 'light'}]})

    def type_text(self, text):
        self.call('Input.insertText', {'text': text})

    def press_enter(self):
        for kind in ('keyDown', 'keyUp'):
            self.call('Input.dispatchKeyEvent', {
                'type': kind, 'key': 'Enter', 'code': 'Enter', 'windowsVirtualKeyCode': 13,
                **({'text': '\r'} if kind == 'keyDown' else {})})

    def screenshot(self, path):
        data = self.call('Page.captureScreenshot', {'format': 'png'})['data']
        with open(path, 'wb') as f:
            f.write(base64.b64decode(data))

    def close(self):
        if self.ws is not None:
            try:
                self.call('Browser.close', session=False, timeout=5)
            except Exception:
                pass
            self.ws.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)
