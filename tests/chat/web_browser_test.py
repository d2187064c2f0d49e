# SPDX-License-Identifier: MIT
"""The web client in a real browser: headless Chromium (browser.py, DevTools protocol) against a
real confab-server, with a python-socketio peer in the room.

- The deep link /?room=lobby&name=alice joins with no click: the last 50 messages show, scrolling
  up fetches the older ones, the peer sees alice join, the member list shows both.
- A message from the peer appears, as text (markup in it stays text); the peer's typing shows.
- A message typed in the page (Enter) reaches the peer, and shows as alice's own.
- A host with a password: the deep link asks for it, and the right one joins.
- A send the host refuses (over the rate limit) is shown as failed, with Retry.
- Without a name in the link the page asks for one, in Chinese for a zh-CN browser; a host
  without WebSocket is joined over long-polling.
- No console errors, exceptions, failed loads or CSP violations along the way.

Usage: /usr/bin/python3 web_browser_test.py path/to/confab-server [--screenshots DIR]
With --screenshots, it also takes the README's pictures of the web client (desktop and phone,
English and Chinese) into DIR.
"""
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from urllib.parse import quote

import socketio

from browser import Browser
from chat_common import Results, Server

HISTORY = 60  # more than a join returns (50): the rest comes by scrolling up


class Peer:
    """A synchronous python-socketio client that records what it receives."""

    def __init__(self, url, name, password=None, transports=('websocket',)):
        self.sio = socketio.Client(reconnection=False)
        self.log = []
        self.cond = threading.Condition()
        self.sio.on('*', self._record)
        auth = {'name': name}
        if password:
            auth['password'] = password
        self.sio.connect(url, auth=auth, transports=list(transports), wait_timeout=10)

    def _record(self, event, data=None, *offset):
        # *offset: the host's connection state recovery appends each event's offset.
        with self.cond:
            self.log.append((event, data))
            self.cond.notify_all()

    def wait_event(self, name, pred=lambda d: True, timeout=10):
        with self.cond:
            self.cond.wait_for(lambda: any(e == name and pred(d) for e, d in self.log), timeout)
            return [d for e, d in self.log if e == name and pred(d)]

    def call(self, event, data):
        return self.sio.call(event, data, timeout=10)

    def close(self):
        self.sio.disconnect()


def js_string(text):
    return json.dumps(text)


def texts(browser):
    return browser.evaluate(
        "Array.from(document.querySelectorAll('#message-list li.message .text'), n => n.textContent)")


def scenario_deep_link(results, binary):
    tag = 'browser'
    data = tempfile.mkdtemp(prefix='confab-web-data-')
    # A store on disk, so that the restart below keeps the history.
    server = Server(binary, data=data, tag='web-browser', extra=['--rate-limit', '1000']).start()
    browser = Browser()
    bob = None
    try:
        bob = Peer(server.url, 'bob')
        results.check(tag, 'bob joins lobby', bob.call('join', {'room': 'lobby'}).get('ok'))
        for i in range(1, HISTORY + 1):
            ack = bob.call('message', {'room': 'lobby', 'text': f'history {i}'})
            if not ack.get('ok'):
                results.check(tag, f'history message {i} stored', False, str(ack))
                break

        browser.set_viewport(1280, 800)
        opened = time.monotonic()
        browser.navigate(f'http://127.0.0.1:{server.port}/?room=lobby&name=alice')
        shown = browser.wait_until(
            "document.querySelectorAll('#message-list li.message').length === 50 "
            "&& document.getElementById('room-title').textContent === 'lobby'", timeout=15)
        results.check(tag, 'the deep link joins lobby with no click and shows the last 50',
                      shown, texts(browser)[:3] if not shown else '')
        print(f'deep link to 50 messages shown: {(time.monotonic() - opened) * 1000:.0f} ms',
              flush=True)
        transferred = browser.evaluate(
            "performance.getEntriesByType('resource').concat(performance.getEntriesByType("
            "'navigation')).filter(e => !e.name.includes('/socket.io/'))"
            ".reduce((sum, e) => sum + e.encodedBodySize, 0)")
        print(f'page, script, style and icon bytes: {transferred}', flush=True)
        results.check(tag, 'no name form on a deep link',
                      browser.evaluate("document.getElementById('login').hidden"))
        joined = bob.wait_event('joined', lambda d: d.get('name') == 'alice')
        results.check(tag, 'bob sees alice join lobby', joined)
        results.equal(tag, 'the newest history message is last', (texts(browser) or [''])[-1],
                      f'history {HISTORY}')

        members = browser.wait_until(
            "(() => { const t = Array.from(document.querySelectorAll('#member-list li'), "
            "n => n.textContent).sort(); return t.length === 2 ? t : null; })()")
        results.equal(tag, 'who is here: alice and bob', members, ['alice (you)', 'bob'])

        # History on scroll up.
        browser.evaluate("document.getElementById('messages').scrollTop = 0")
        older = browser.wait_until(
            f"document.querySelectorAll('#message-list li.message').length === {HISTORY}")
        results.check(tag, 'scrolling up fetches the older messages', older,
                      len(texts(browser)))
        results.equal(tag, 'history in order, oldest first',
                      texts(browser), [f'history {i}' for i in range(1, HISTORY + 1)])
        results.check(tag, 'the start of the conversation is shown', browser.wait_until(
            "document.getElementById('history-status').textContent.includes('Start')"))

        # The peer types, then sends markup: it shows, as text.
        bob.sio.emit('typing', {'room': 'lobby', 'typing': True})
        results.check(tag, "bob's typing shows", browser.wait_until(
            "document.getElementById('typing').textContent === 'bob is typing…'"))
        hostile = 'hello from python <img src=x onerror=alert(1)><b>bold</b> &amp;'
        results.check(tag, 'bob sends', bob.call('message', {'room': 'lobby', 'text': hostile})
                      .get('ok'))
        arrived = browser.wait_until(
            f"(() => {{ const t = Array.from(document.querySelectorAll('#message-list .text'), "
            f"n => n.textContent); return t[t.length - 1] === {js_string(hostile)}; }})()")
        results.check(tag, "bob's message appears", arrived, texts(browser)[-2:])
        results.equal(tag, 'its markup stays text (no element made from it)', browser.evaluate(
            "document.querySelectorAll('#message-list img, #message-list b').length"), 0)
        results.check(tag, 'typing ends with his message', browser.wait_until(
            "document.getElementById('typing').textContent === ''"))

        # The page sends one back, typed and sent with Enter.
        browser.evaluate("document.getElementById('composer-input').focus()")
        browser.type_text('hi from the browser')
        browser.press_enter()
        got = bob.wait_event('message', lambda d: d.get('text') == 'hi from the browser')
        results.check(tag, 'bob receives the message typed in the page', got)
        if got:
            results.equal(tag, '... from alice in lobby', (got[0]['name'], got[0]['room']),
                          ('alice', 'lobby'))
        own = browser.wait_until(
            "(() => { const n = Array.from(document.querySelectorAll('#message-list li.message'))"
            ".pop(); return n && n.classList.contains('own') && !n.classList.contains('pending')"
            " && n.querySelector('.text').textContent === 'hi from the browser'; })()")
        results.check(tag, 'the sent message shows as alice\'s own, acknowledged', own)
        results.equal(tag, 'the composer is empty again',
                      browser.evaluate("document.getElementById('composer-input').value"), '')
        typing = bob.wait_event('typing', lambda d: d.get('name') == 'alice' and d.get('typing'))
        results.check(tag, 'bob saw alice typing', typing)

        results.equal(tag, 'no console errors, exceptions or CSP violations', browser.errors, [])

        # Reconnection: the host restarts on the same port; the page reconnects by itself,
        # joins lobby again, and shows what is said after, without doubling the history.
        port = server.port
        bob.close()
        bob = None
        server.terminate()
        results.check(tag, 'the page notices the host is gone', browser.wait_until(
            "document.getElementById('connection').classList.contains('offline')"))
        errors_before = len(browser.errors)
        server = Server(binary, data=data, tag='web-browser-2',
                        extra=['--rate-limit', '1000', '--port', str(port)]).start()
        results.check(tag, 'the page reconnects', browser.wait_until(
            "document.getElementById('connection').classList.contains('online')", timeout=20))
        bob = Peer(server.url, 'bob')
        bob.call('join', {'room': 'lobby'})
        results.check(tag, 'after it, bob is in the page\'s member list again', browser.wait_until(
            "Array.from(document.querySelectorAll('#member-list li'), n => n.textContent)"
            ".includes('bob')", timeout=15))
        bob.call('message', {'room': 'lobby', 'text': 'welcome back'})
        results.check(tag, 'a message after the restart arrives', browser.wait_until(
            "Array.from(document.querySelectorAll('#message-list .text'), n => n.textContent)"
            ".includes('welcome back')"))
        all_texts = texts(browser)
        results.equal(tag, 'no message twice after the rejoin', len(all_texts), len(set(all_texts)))
        # While the host was down, the browser logged its refused connections; nothing else.
        outage = [e for e in browser.errors[errors_before:]
                  if 'ERR_CONNECTION_REFUSED' not in e and 'WebSocket connection to' not in e]
        results.equal(tag, 'no other errors across the restart', outage, [])
    finally:
        if bob:
            bob.close()
        browser.close()
        server.terminate()
        shutil.rmtree(data, ignore_errors=True)


def scenario_password_and_failure(results, binary):
    tag = 'browser-password'
    server = Server(binary, tag='web-password',
                    extra=['--password', 'sesame', '--rate-limit', '1']).start()
    browser = Browser()
    try:
        browser.set_viewport(390, 844, mobile=True)
        browser.navigate(f'http://127.0.0.1:{server.port}/?room=den&name=carol')
        asked = browser.wait_until(
            "!document.getElementById('login').hidden "
            "&& !document.getElementById('password-row').hidden", timeout=15)
        results.check(tag, 'a host with a password asks for it', asked)
        results.equal(tag, '... saying so', browser.evaluate(
            "document.getElementById('login-error').textContent"), 'This host needs a password.')
        results.equal(tag, 'the deep link\'s name and room are kept', browser.evaluate(
            "[document.getElementById('login-name').value, "
            "document.getElementById('login-room').value]"), ['carol', 'den'])

        browser.evaluate("document.getElementById('login-password').focus()")
        browser.type_text('wrong')
        browser.press_enter()
        results.check(tag, 'a wrong password is told', browser.wait_until(
            "document.getElementById('login-error').textContent === 'Wrong password.'"))
        browser.evaluate("document.getElementById('login-password').value = ''; "
                         "document.getElementById('login-password').focus()")
        browser.type_text('sesame')
        browser.press_enter()
        results.check(tag, 'the right password joins den', browser.wait_until(
            "!document.getElementById('chat').hidden "
            "&& document.getElementById('room-title').textContent === 'den'", timeout=15))

        # The rate limit (1/s, bursts of 2) refuses the third of three quick sends: the page
        # shows it failed, with the host's reason and Retry.
        browser.evaluate("""(() => {
            const input = document.getElementById('composer-input');
            for (const text of ['one', 'two', 'three', 'four']) {
                input.value = text;
                document.getElementById('composer').requestSubmit();
            }
        })()""")
        failed = browser.wait_until(
            "Array.from(document.querySelectorAll('#message-list li.failed .failure'), "
            "n => n.textContent).join('|')")
        results.check(tag, 'a refused send is shown as failed, with the reason and Retry',
                      failed and 'rate limit exceeded' in failed and 'Retry' in failed, failed)
        sent = browser.wait_until(
            "document.querySelectorAll('#message-list li.message.own:not(.failed):not(.pending)')"
            ".length >= 2")
        results.check(tag, 'the sends within the limit went through', sent)
        # The phone layout: one column, the side hidden until the menu button opens it.
        results.equal(tag, 'phone: the side is hidden', browser.evaluate(
            "getComputedStyle(document.getElementById('side')).visibility"), 'hidden')
        browser.evaluate("document.getElementById('toggle-side').click()")
        results.check(tag, 'phone: the menu button opens it', browser.wait_until(
            "getComputedStyle(document.getElementById('side')).visibility === 'visible'"))
        results.equal(tag, 'no console errors, exceptions or CSP violations', browser.errors, [])
    finally:
        browser.close()
        server.terminate()


def scenario_chinese_over_polling(results, binary):
    tag = 'browser-zh-polling'
    # A host without WebSocket: the page falls back to long-polling by itself.
    server = Server(binary, tag='web-zh', extra=['--transports', 'polling']).start()
    browser = Browser(lang='zh-CN')
    peer = None
    try:
        browser.navigate(f'http://127.0.0.1:{server.port}/')
        asked = browser.wait_until("!document.getElementById('login').hidden", timeout=15)
        results.check(tag, 'without a name in the link, the name is asked for', asked)
        results.equal(tag, 'navigator.language zh-CN: the page is in Chinese', browser.evaluate(
            "[document.documentElement.lang, document.getElementById('login-button').textContent]"),
            ['zh-CN', '加入'])
        results.equal(tag, 'no console errors', browser.errors, [])

        browser.evaluate("document.getElementById('login-name').focus()")
        browser.type_text('小明')
        browser.evaluate("document.getElementById('login-room').value = ''; "
                         "document.getElementById('login-room').focus()")
        browser.type_text('大厅')
        browser.press_enter()
        results.check(tag, 'the form joins 大厅 over long-polling', browser.wait_until(
            "document.getElementById('room-title').textContent === '大厅' "
            "&& document.getElementById('connection').textContent === '已连接'", timeout=15))
        peer = Peer(server.url, '玛丽亚', transports=('polling',))
        peer.call('join', {'room': '大厅'})
        peer.call('message', {'room': '大厅', 'text': '你好'})
        results.check(tag, "the peer's message arrives", browser.wait_until(
            "Array.from(document.querySelectorAll('#message-list .text'), n => n.textContent)"
            ".includes('你好')"))
        browser.evaluate("document.getElementById('composer-input').focus()")
        browser.type_text('你好，玛丽亚')
        browser.press_enter()
        results.check(tag, 'the page\'s answer reaches the peer', peer.wait_event(
            'message', lambda d: d.get('text') == '你好，玛丽亚' and d.get('name') == '小明'))
        transports = [e.get('transport') for e in peer.call('who', None).get('sids', [])
                      if e.get('name') == '小明']
        results.equal(tag, 'the page is on polling', transports, ['polling'])
        # The WebSocket the page tried first was refused; that one line is expected.
        others = [e for e in browser.errors if 'WebSocket connection to' not in e]
        results.equal(tag, 'no other console errors', others, [])
    finally:
        if peer:
            peer.close()
        browser.close()
        server.terminate()


def screenshots(binary, outdir):
    """The README's pictures: a lobby with a few people, desktop and phone, English and Chinese."""
    os.makedirs(outdir, exist_ok=True)
    for lang in ('en', 'zh'):
        server = Server(binary, tag=f'web-shots-{lang}').start()
        try:
            screenshots_of(server, lang, outdir)
        finally:
            server.terminate()


def screenshots_of(server, lang, outdir):
    peers = []
    try:
        lines = {
            'en': [('maria', 'Morning! Is the build server back up?'),
                   ('jun', 'Yes, since 8:40. The nightly ran fine.'),
                   ('maria', 'Great, I\'ll push the translation fixes then.'),
                   ('jun', 'Anyone joining from a phone can open the link the host shows.')],
            'zh': [('maria', '早上好！构建服务器恢复了吗？'),
                   ('jun', '恢复了，8:40 起就正常了。夜间构建也通过了。'),
                   ('maria', '太好了，那我现在提交翻译修正。'),
                   ('jun', '用手机的人打开主机显示的链接就能加入。')],
        }
        browser_lang, suffix = {'en': ('en-US', ''), 'zh': ('zh-CN', '-zh_CN')}[lang]
        room = 'lobby' if lang == 'en' else '大厅'
        names = {}
        for name in ('maria', 'jun'):
            shown = name if lang == 'en' else {'maria': '玛丽亚', 'jun': '俊'}[name]
            peer = Peer(server.url, shown)
            peer.call('join', {'room': room})
            peers.append(peer)
            names[name] = peer
        for name, text in lines[lang]:
            names[name].call('message', {'room': room, 'text': text})
        for viewport, (width, height, mobile) in (('desktop', (1100, 700, False)),
                                                  ('phone', (390, 760, True))):
            browser = Browser(lang=browser_lang)
            try:
                browser.set_viewport(width, height, mobile=mobile)
                me = 'alice' if lang == 'en' else '小明'
                browser.navigate(f'http://127.0.0.1:{server.port}/?room={quote(room)}'
                                 f'&name={quote(me)}')
                browser.wait_until("document.querySelectorAll('#message-list li.message')"
                                   f".length >= {len(lines[lang])}", timeout=15)
                reply = {('en', 'desktop'): 'Thanks!',
                         ('en', 'phone'): 'On my way, joining from my phone.',
                         ('zh', 'desktop'): '谢谢！', ('zh', 'phone'): '我用手机加入了，马上到。'}
                browser.evaluate("document.getElementById('composer-input').focus()")
                browser.type_text(reply[(lang, viewport)])
                browser.press_enter()
                browser.wait_until("document.querySelectorAll('#message-list li.own')"
                                   ".length >= 1 && !document.querySelector('.pending')")
                names['maria'].sio.emit('typing', {'room': room, 'typing': True})
                browser.wait_until("document.getElementById('typing').textContent !== ''")
                browser.evaluate("document.activeElement && document.activeElement.blur()")
                path = os.path.join(outdir, f'web-{viewport}{suffix}.png')
                browser.screenshot(path)
                names['maria'].sio.emit('typing', {'room': room, 'typing': False})
                print(f'wrote {path}; errors: {browser.errors}', flush=True)
            finally:
                browser.close()
    finally:
        for peer in peers:
            peer.close()


def main():
    binary = sys.argv[1]
    if '--screenshots' in sys.argv:
        screenshots(binary, sys.argv[sys.argv.index('--screenshots') + 1])
        return 0
    results = Results()
    started = time.monotonic()
    for scenario in (scenario_deep_link, scenario_password_and_failure,
                     scenario_chinese_over_polling):
        try:
            scenario(results, binary)
        except Exception as error:  # a scenario that breaks is a failure, never a skip
            results.check(scenario.__name__, 'ran to the end', False, repr(error))
    print(f'took {time.monotonic() - started:.1f} s')
    return results.summary()


if __name__ == '__main__':
    sys.exit(main())
