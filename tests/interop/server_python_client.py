#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""python-socketio 5 (Debian's python3-socketio 5.7.2) clients against Confab's host.

    /usr/bin/python3 server_python_client.py path/to/interop_server [--verbose]

Starts `interop_server --port 0` itself, then runs every scenario below once per transport
mode -- websocket only, polling only, and the default (polling, then the upgrade to
WebSocket) -- with socketio.AsyncClient (aiohttp), whose strictly ordered event dispatch makes
the ordering checks meaningful. A smaller pass with the threaded socketio.Client (requests and
websocket-client: different HTTP stacks) follows. Prints one line per check and ends with
"N passed, M failed"; exits 1 if anything failed.

Run it with /usr/bin/python3: a virtualenv's python3 has no python3-socketio.
"""
import asyncio
import os
import signal
import sys
import threading
import time
import traceback

import aiohttp
import socketio
from socketio import packet as sio_packet

NAMESPACES = ['/', '/chat']
MODES = [
    ('websocket', ['websocket']),
    ('polling', ['polling']),
    ('upgrade', None),  # python-socketio's default: polling first, then upgrade
]
ALL_BYTES = bytes(range(256))
# What interop_server's binary_please sends (and acks).
BIN_PAYLOAD = (
    ALL_BYTES,
    {'data': ALL_BYTES, 'nested': {'list': [ALL_BYTES[:4], 7, 'x']}},
    [b'\x00\xff', ALL_BYTES[-3:]],
)
VERBOSE = '--verbose' in sys.argv


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.lock = threading.Lock()

    def check(self, mode, name, ok, detail=''):
        with self.lock:
            if ok:
                self.passed += 1
                print(f'PASS [{mode}] {name}', flush=True)
            else:
                self.failed += 1
                print(f'FAIL [{mode}] {name}' + (f': {detail}' if detail else ''), flush=True)
        return ok


RESULTS = Results()


def check(mode, name, ok, detail=''):
    return RESULTS.check(mode, name, ok, detail)


def equal(mode, name, got, expected):
    return check(mode, name, got == expected, f'got {got!r}, expected {expected!r}')


class Peer:
    """One socketio.AsyncClient that records everything it receives, per namespace."""

    def __init__(self, name, answers=True):
        self.name = name
        self.http = aiohttp.ClientSession()
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self.http)
        self.log = {nsp: [] for nsp in NAMESPACES}
        self.changed = asyncio.Event()
        self.release = asyncio.Event()  # lets a withheld "question" ack go
        for nsp in NAMESPACES:
            self._install(nsp, answers)

    def _record(self, nsp, event, args):
        # The flag says whether the namespace counted as connected when the event arrived.
        self.log[nsp].append((event, args, nsp in self.sio.namespaces))
        self.changed.set()

    def _install(self, nsp, answers):
        sio = self.sio
        sio.on('connect', lambda: self._record(nsp, 'connect', ()), namespace=nsp)
        sio.on('disconnect', lambda: self._record(nsp, 'disconnect', ()), namespace=nsp)
        sio.on('connect_error', lambda *a: self._record(nsp, 'connect_error', a), namespace=nsp)
        sio.on('*', lambda event, *a: self._record(nsp, event, a), namespace=nsp)
        if answers:
            def question(*args):
                self._record(nsp, 'question', args)
                return ('answer-to',) + args  # a tuple: several ack arguments
            sio.on('question', question, namespace=nsp)
        else:
            # python-socketio acks every event that asks for one, even without a handler
            # (with no arguments), so "never answers" means a handler that does not return.
            async def question(*args):
                self._record(nsp, 'question', args)
                await self.release.wait()
                return 'too late'
            sio.on('question', question, namespace=nsp)

    async def connect(self, url, transports, auth=None, namespaces=None, wait_timeout=5):
        # python-socketio waits wait_timeout after a refused namespace before it raises.
        await self.sio.connect(url, auth=auth, transports=transports,
                               namespaces=namespaces or NAMESPACES, wait_timeout=wait_timeout)

    def sid(self, nsp='/'):
        return self.sio.get_sid(nsp)

    def events(self, nsp, name):
        return [args for event, args, _ in self.log[nsp] if event == name]

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

    async def call(self, event, data=None, nsp='/', timeout=5):
        return await self.sio.call(event, data, namespace=nsp, timeout=timeout)

    async def close(self):
        self.release.set()
        try:
            await self.sio.disconnect()
        except Exception:  # pragma: no cover - best effort cleanup
            pass
        for http in (self.http, self.sio.eio.http):
            if http is not None and not http.closed:
                await http.close()


async def start_child(ctx, room):
    """A second python process holding one connection; prints "SID <sid>" once in `room`."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, ctx.script, '--child', ctx.url, ','.join(ctx.transports or ['default']),
        room, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    ctx.children.append(child)
    line = await asyncio.wait_for(child.stdout.readline(), 10)
    parts = line.decode().split()
    if len(parts) != 2 or parts[0] != 'SID':
        child.kill()
        await child.wait()
        raise RuntimeError(f'child said {line!r}')
    return child, parts[1]


async def child_main(url, transports, room):
    # Never outlive the test: the parent holds our stdin open.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    # SIGUSR2 freezes the event loop (a hung application) for a while.
    signal.signal(signal.SIGUSR2, lambda *_: time.sleep(6))
    sio = socketio.AsyncClient(reconnection=False)
    await sio.connect(url, transports=None if transports == 'default' else transports.split(','),
                      wait_timeout=5)
    await sio.call('join', {'room': room}, timeout=5)
    print('SID', sio.get_sid(), flush=True)
    await asyncio.sleep(3600)


class Context:
    def __init__(self, url, mode, transports, script):
        self.url = url
        self.mode = mode
        self.transports = transports
        self.script = script
        self.peers = []
        self.children = []

    async def peer(self, name, answers=True, connect=True, **kwargs):
        p = Peer(name, answers)
        self.peers.append(p)
        if connect:
            await p.connect(self.url, self.transports, **kwargs)
        return p

    def expected_transport(self):
        return 'polling' if self.mode == 'polling' else 'websocket'


# ---- scenarios -----------------------------------------------------------------------------

async def scenario_connect(ctx):
    m = ctx.mode
    a = await ctx.peer('a', auth={'token': 'secret'})
    check(m, 'connect with auth {"token":"secret"} to / and /chat',
          set(a.sio.namespaces) == set(NAMESPACES), f'namespaces {a.sio.namespaces}')
    equal(m, 'transport after connect', a.sio.transport(), ctx.expected_transport())
    equal(m, 'the open packet offers the upgrade only to polling sessions', a.sio.eio.upgrades,
          [] if ctx.mode == 'websocket' else ['websocket'])
    for nsp in NAMESPACES:
        welcome = await a.wait_for(lambda: a.events(nsp, 'welcome'))
        if not check(m, f'welcome emitted from the connect handler arrives ({nsp})',
                     len(welcome) == 1, f'{welcome!r}'):
            continue
        data = welcome[0][0]
        equal(m, f'welcome carries the socket sid ({nsp})', data.get('sid'), a.sid(nsp))
        check(m, f'sids differ per namespace and from the Engine.IO sid ({nsp})',
              a.sid(nsp) not in (a.sio.eio.sid, a.sid('/chat' if nsp == '/' else '/')))
        equal(m, f'connect handler saw the auth ({nsp})', data.get('auth'), {'token': 'secret'})
        # python-socketio queues its CONNECT packets and upgrades before it writes them, so
        # in the default mode they travel over the WebSocket already.
        check(m, f'connect handler saw the transport ({nsp})',
              data.get('transport') == ctx.mode if ctx.mode != 'upgrade'
              else data.get('transport') in ('polling', 'websocket'), f'{data!r}')
        # Event order on the wire: the CONNECT ack must come before what the handler emitted.
        kinds = [event for event, _, _ in a.log[nsp]]
        check(m, f'CONNECT ack before the welcome event ({nsp})',
              kinds[:2] == ['connect', 'welcome'] and
              [flag for event, _, flag in a.log[nsp] if event == 'welcome'] == [True],
              f'log {a.log[nsp]!r}')

    b = await ctx.peer('b', namespaces=['/chat'])  # no auth: python sends {}
    welcome = await b.wait_for(lambda: b.events('/chat', 'welcome'))
    check(m, 'connect without auth (only /chat)',
          list(b.sio.namespaces) == ['/chat'] and welcome and welcome[0][0].get('auth') == {},
          f'{b.sio.namespaces} {welcome!r}')

    c = await ctx.peer('c', auth={'some': 'thing'}, namespaces=['/'])
    check(m, 'connect with auth that has no token', c.sio.connected)

    # A binary event and an ack request from the connect handler, held back behind the ack.
    d = await ctx.peer('d', auth={'binary': True, 'ask': True})
    for nsp in NAMESPACES:
        answer = await d.wait_for(lambda: d.events(nsp, 'answer'))
        equal(m, f'emitWithAck from the connect handler is answered ({nsp})', answer,
              [('answer-to', 'on connect')])
        equal(m, f'binary event from the connect handler ({nsp})', d.events(nsp, 'welcome_bin'),
              [(ALL_BYTES, {'b': b'\x01'})])
        equal(m, f'order: connect, welcome, welcome_bin, question ({nsp})',
              [(event, flag) for event, _, flag in d.log[nsp]][:4],
              [('connect', True), ('welcome', True), ('welcome_bin', True), ('question', True)])


async def scenario_refused(ctx):
    m = ctx.mode
    bad = await ctx.peer('refused', connect=False)
    try:
        await bad.connect(ctx.url, ctx.transports, auth={'token': 'wrong'}, wait_timeout=1)
        check(m, 'wrong token refused', False, 'connect() succeeded')
    except socketio.exceptions.ConnectionError as e:
        check(m, 'wrong token refused with socketio.exceptions.ConnectionError', True)
        if VERBOSE:
            print('   ', e)
    for nsp in NAMESPACES:
        errors = bad.events(nsp, 'connect_error')
        equal(m, f'connect_error carries message and data ({nsp})', errors,
              [({'message': 'unauthorized', 'data': {'reason': 'bad token'}},)])
        check(m, f'no welcome for a refused connect ({nsp})', not bad.events(nsp, 'welcome'))

    unknown = await ctx.peer('unknown', connect=False)
    nope_errors = []
    unknown.sio.on('connect_error', lambda *a: nope_errors.append(a), namespace='/nope')
    try:
        await unknown.connect(ctx.url, ctx.transports, namespaces=['/', '/nope'],
                              wait_timeout=1)
        check(m, 'unknown namespace refused', False, 'connect() succeeded')
    except socketio.exceptions.ConnectionError:
        check(m, 'unknown namespace refused', True)
    equal(m, 'unknown namespace: connect_error "Invalid namespace"', nope_errors,
          [({'message': 'Invalid namespace'},)])
    check(m, 'unknown namespace: the other namespace connected meanwhile',
          len(unknown.events('/', 'welcome')) == 1, f'{unknown.log["/"]!r}')


async def scenario_echo(ctx):
    m = ctx.mode
    a = await ctx.peer('echo')
    for nsp in NAMESPACES:
        args = (1, 'two', {'three': [3.5, None, True, False]}, 'héllo ✓ 😀', [])
        equal(m, f'call echo, several JSON arguments ({nsp})', await a.call('echo', args, nsp),
              args)
        equal(m, f'call echo, one argument ({nsp})', await a.call('echo', 'solo', nsp), 'solo')
        equal(m, f'call echo, no arguments ({nsp})', await a.call('echo', None, nsp), None)
        bargs = (b'\x00\x01\xfe\xff', {'nested': [b'abc', {'deep': ALL_BYTES}]}, 'text')
        equal(m, f'call echo, binary at the top and nested ({nsp})',
              await a.call('echo', bargs, nsp), bargs)
    big = os.urandom(300_000)
    equal(m, 'call echo, 300 kB binary', await a.call('echo', big), big)
    text = 'x' * 200_000
    equal(m, 'call echo, 200 kB string', await a.call('echo', text), text)
    try:
        await a.call('no_ack', 'x', timeout=0.3)
        check(m, 'call timeout when the server never acks', False, 'got an ack')
    except socketio.exceptions.TimeoutError:
        check(m, 'call timeout when the server never acks', True)
    equal(m, 'connection still fine after an unanswered call', await a.call('echo', 'ok'), 'ok')


async def scenario_binary_from_server(ctx):
    m = ctx.mode
    a = await ctx.peer('binary')
    for nsp in NAMESPACES:
        ack = await a.call('binary_please', None, nsp)
        equal(m, f'binary ack from the server ({nsp})', ack, BIN_PAYLOAD)
        events = await a.wait_for(lambda: a.events(nsp, 'bin'))
        equal(m, f'binary event from the server ({nsp})', events, [BIN_PAYLOAD])


async def scenario_server_ack(ctx):
    m = ctx.mode
    a = await ctx.peer('asker')
    for nsp in NAMESPACES:
        reply = await a.call('ask', {'q': f'how? {nsp}', 'timeout': 3000}, nsp)
        equal(m, f'server emitWithAck gets the client\'s ack ({nsp})', reply,
              ('answer-to', f'how? {nsp}'))
        answers = await a.wait_for(lambda: a.events(nsp, 'answer'))
        equal(m, f'"answer" event relays the ack arguments ({nsp})', answers,
              [('answer-to', f'how? {nsp}')])
        equal(m, f'client saw one "question" ({nsp})', a.events(nsp, 'question'),
              [(f'how? {nsp}',)])
    binary = await a.call('ask', {'q': b'\x00\x01bin', 'timeout': 3000})
    equal(m, 'server emitWithAck with binary both ways', binary, ('answer-to', b'\x00\x01bin'))

    silent = await ctx.peer('silent', answers=False)
    started = time.monotonic()
    reply = await silent.call('ask', {'timeout': 400})
    elapsed = time.monotonic() - started
    equal(m, 'server emitWithAck times out when the client never acks', reply, 'timeout')
    check(m, 'the timeout took about 400 ms', 0.35 <= elapsed < 3, f'{elapsed:.2f} s')
    answers = await silent.wait_for(lambda: silent.events('/', 'answer'))
    equal(m, '"answer" event says timeout', answers, [('timeout',)])
    silent.release.set()  # the late ack now goes out and must be ignored
    equal(m, 'a late ack is ignored and the connection lives on',
          await silent.call('echo', 'alive'), 'alive')


async def scenario_rooms(ctx):
    m = ctx.mode
    room = f'room-{ctx.mode}'
    a = await ctx.peer('room-a')
    b = await ctx.peer('room-b')
    c = await ctx.peer('room-c')
    ra = await a.call('join', {'room': room})
    rb = await b.call('join', {'room': room})
    equal(m, 'join acks the rooms (own sid room included)', sorted(ra['rooms']),
          sorted([room, a.sid()]))
    check(m, 'second member joined', sorted(rb['rooms']) == sorted([room, b.sid()]), f'{rb}')
    equal(m, 'participants', sorted(await a.call('participants', {'room': room})),
          sorted([a.sid(), b.sid()]))

    sent = await a.call('to_room', {'room': room, 'text': 'hi room'})
    equal(m, 'to_room skips the sender: delivered to 1', sent, {'delivered': 1})
    got = await b.wait_for(lambda: b.events('/', 'room_msg'))
    equal(m, 'room member B receives room_msg', got,
          [({'room': room, 'text': 'hi room', 'from': a.sid()},)])
    # Round trips after the broadcast: anything sent to A or C would have arrived before these
    # acks, since the host emitted it first on the same connection.
    await a.call('echo', 'sync')
    await c.call('echo', 'sync')
    check(m, 'sender A (skip_sid) does not receive room_msg', not a.events('/', 'room_msg'))
    check(m, 'non-member C does not receive room_msg', not c.events('/', 'room_msg'))

    # Rooms are per namespace: B's membership on "/" means nothing on "/chat".
    sent = await a.call('to_room', {'room': room, 'text': 'wrong nsp'}, '/chat')
    equal(m, 'rooms are per namespace', sent, {'delivered': 0})

    left = await b.call('leave', {'room': room})
    equal(m, 'leave acks the remaining rooms', left, {'rooms': [b.sid()]})
    sent = await c.call('to_room', {'room': room, 'text': 'from outside'})
    equal(m, 'non-member may send to a room; only A is left', sent, {'delivered': 1})
    got = await a.wait_for(lambda: a.events('/', 'room_msg'))
    equal(m, 'A receives the message from C', got,
          [({'room': room, 'text': 'from outside', 'from': c.sid()},)])
    await b.call('echo', 'sync')
    equal(m, 'B, having left, got nothing more', len(b.events('/', 'room_msg')), 1)


async def scenario_session(ctx):
    m = ctx.mode
    a = await ctx.peer('session')
    equal(m, 'session_get starts empty', await a.call('session_get'), {})
    equal(m, 'session_set acks the session', await a.call('session_set', {'name': 'alice'}),
          {'name': 'alice'})
    await a.call('session_set', {'lang': 'fr'})
    equal(m, 'session_get returns what was saved', await a.call('session_get'),
          {'name': 'alice', 'lang': 'fr'})
    equal(m, 'sessions are per namespace', await a.call('session_get', None, '/chat'), {})
    for _ in range(40):  # fire and forget: the client batches these
        await a.sio.emit('tick')
    session = await a.call('session_get')
    equal(m, '40 emits without ack, all handled before the next call', session.get('ticks'), 40)


async def scenario_burst(ctx):
    m = ctx.mode
    a = await ctx.peer('burst')
    reply = await a.call('burst', {'count': 60})
    equal(m, 'burst ack', reply, {'sent': 60})
    items = [args[0] for args in a.events('/', 'burst_item')]
    equal(m, '60 server events arrive complete and in order before the ack', items,
          list(range(60)))


async def wait_reason(observer, sid, timeout_ms=5000):
    return await observer.call('wait_reason', {'sid': sid, 'timeout': timeout_ms},
                               timeout=timeout_ms / 1000 + 5)


async def scenario_disconnects(ctx, observer):
    m = ctx.mode

    # Server-side kick of /chat, then of "/".
    k = await ctx.peer('kick')
    chat_sid, main_sid = k.sid('/chat'), k.sid('/')
    equal(m, 'kick acks first', await k.call('kick', None, '/chat'), 'bye')
    await k.wait_for(lambda: k.events('/chat', 'disconnect'))
    check(m, 'kicked client sees /chat disconnect', bool(k.events('/chat', 'disconnect')))
    check(m, 'kicked namespace is gone, "/" stays', list(k.sio.namespaces) == ['/'],
          f'{k.sio.namespaces}')
    equal(m, '"/" still works after the /chat kick', await k.call('echo', 'still'), 'still')
    equal(m, 'server recorded "server namespace disconnect" (/chat)',
          await observer.call('reasons', chat_sid), ['server namespace disconnect'])
    await k.sio.emit('kick')  # no ack wanted: the DISCONNECT follows at once
    await k.wait_for(lambda: k.events('/', 'disconnect'))
    check(m, 'kicked client sees "/" disconnect', bool(k.events('/', 'disconnect')))
    equal(m, 'server recorded "server namespace disconnect" (/)',
          await wait_reason(observer, main_sid), 'server namespace disconnect')

    # A client leaving one namespace: python-socketio 5.7 has no public call for that, so its
    # own packet class and send path put the DISCONNECT on the wire.
    d = await ctx.peer('leaver')
    chat_sid, main_sid = d.sid('/chat'), d.sid('/')
    await d.call('join', {'room': 'leavers'}, '/chat')
    await d.sio._send_packet(d.sio.packet_class(sio_packet.DISCONNECT, namespace='/chat'))
    equal(m, 'client namespace DISCONNECT: server reason',
          await wait_reason(observer, chat_sid), 'client namespace disconnect')
    equal(m, 'a disconnected socket leaves its rooms',
          await observer.call('participants', {'room': 'leavers'}, '/chat'), [])
    equal(m, '"/" still works after leaving /chat', await d.call('echo', 'still'), 'still')

    # The whole client disconnecting. python-socketio queues the DISCONNECT packets and then
    # closes the transport without waiting for them to be written, so the host may see the
    # transport go first: any of these is right for the host.
    await d.sio.disconnect()
    reason = await wait_reason(observer, main_sid)
    check(m, f'sio.disconnect(): server saw the socket go ({reason})',
          reason in ('client namespace disconnect', 'transport close', 'transport error'),
          reason)

    # Abrupt end: a second python process killed with SIGKILL (no close packet, no FIN from
    # the application; the kernel closes its sockets).
    room = f'killed-{ctx.mode}'
    child, sid = await start_child(ctx, room)
    equal(m, 'child process is in its room',
          await observer.call('participants', {'room': room}), [sid])
    child.kill()
    await child.wait()
    started = time.monotonic()
    reason = await wait_reason(observer, sid)
    elapsed = time.monotonic() - started
    if ctx.mode == 'polling':
        # The kernel closes the pending long-poll: "transport error" as the Node reference
        # says ("poll connection closed prematurely"); "transport close"/"ping timeout" are
        # acceptable too.
        ok = reason in ('transport error', 'transport close', 'ping timeout')
    else:
        ok = reason == 'transport close'
    check(m, f'SIGKILLed client: server reason "{reason}" after {elapsed:.1f} s', ok, reason)
    equal(m, 'killed client left its room', await observer.call('participants', {'room': room}),
          [])

    # Frozen client: its event loop blocks (SIGUSR2, see child_main), so the TCP connection
    # stays open but nothing answers the pings.
    child, sid = await start_child(ctx, room)
    os.kill(child.pid, signal.SIGUSR2)
    started = time.monotonic()
    reason = await wait_reason(observer, sid)
    elapsed = time.monotonic() - started
    equal(m, f'frozen client: "ping timeout" after {elapsed:.1f} s', reason, 'ping timeout')
    check(m, 'ping timeout within pingInterval + pingTimeout (+ slack)', elapsed < 2.5,
          f'{elapsed:.2f} s')
    child.kill()
    await child.wait()


async def run_scenario(ctx, name, coro):
    try:
        await asyncio.wait_for(coro, 30)
    except Exception as e:  # one broken scenario must not hide the others
        check(ctx.mode, f'{name} ran to completion', False,
              f'{type(e).__name__}: {e}\n' + ''.join(traceback.format_exc(limit=4)))
    finally:
        for p in ctx.peers:
            await p.close()
        ctx.peers = []
        for child in ctx.children:
            if child.returncode is None:
                child.kill()
                await child.wait()
        ctx.children = []


# ---- the threaded socketio.Client ----------------------------------------------------------

def sync_pass(url, mode, transports):
    """socketio.Client (requests + websocket-client); returns sids to check server reasons."""
    sio = socketio.Client(reconnection=False)
    welcome = threading.Event()
    seen = {}

    @sio.on('welcome')
    def on_welcome(data):
        seen['welcome'] = data
        welcome.set()

    @sio.on('question')
    def on_question(q):
        return ('sync-answer', q)

    sio.connect(url, auth={'token': 'secret'}, transports=transports, wait_timeout=5)
    name = f'sync-{mode}'
    check(name, 'socketio.Client connects with auth', sio.connected)
    equal(name, 'transport', sio.transport(), 'polling' if mode == 'polling' else 'websocket')
    check(name, 'welcome arrives', welcome.wait(5) and seen['welcome'].get('sid') == sio.get_sid(),
          f'{seen!r}')
    args = (1, 'two', {'three': [3]}, 'héllo')
    equal(name, 'call echo', sio.call('echo', args, timeout=5), args)
    equal(name, 'server emitWithAck answered by a sync handler',
          sio.call('ask', {'q': 'sync?', 'timeout': 3000}, timeout=5), ('sync-answer', 'sync?'))
    equal(name, 'session round trip', sio.call('session_set', {'k': 'v'}, timeout=5), {'k': 'v'})
    sid = sio.get_sid()
    sio.disconnect()

    refused = socketio.Client(reconnection=False)
    errors = []
    refused.on('connect_error', lambda data: errors.append(data))
    try:
        refused.connect(url, auth={'token': 'nope'}, transports=transports, wait_timeout=1)
        check(name, 'wrong token refused', False, 'connected')
    except socketio.exceptions.ConnectionError:
        equal(name, 'wrong token refused with message and data', errors,
              [{'message': 'unauthorized', 'data': {'reason': 'bad token'}}])
    return sid


# ---- main ----------------------------------------------------------------------------------

def quiet_unclosed(loop, context):
    # python-engineio 4.3 leaves some of the aiohttp sessions it opens for itself unclosed
    # (after disconnects and refused connects); the garbage collector's complaints are noise.
    if str(context.get('message', '')).startswith('Unclosed'):
        return
    loop.default_exception_handler(context)


async def main(server_path):
    asyncio.get_running_loop().set_exception_handler(quiet_unclosed)
    script = os.path.abspath(__file__)
    server = await asyncio.create_subprocess_exec(
        server_path, '--port', '0', '--ping-interval', '500', '--ping-timeout', '500',
        '--quit-on-eof', stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    try:
        line = await asyncio.wait_for(server.stdout.readline(), 15)
        if not line.startswith(b'PORT '):
            print(f'FAIL interop_server did not report its port: {line!r}')
            return 1
        url = f'http://127.0.0.1:{int(line.split()[1])}'
        print(f'interop_server listening at {url}', flush=True)
        started = time.monotonic()

        for mode, transports in MODES:
            ctx = Context(url, mode, transports, script)
            mode_start = time.monotonic()
            await run_scenario(ctx, 'connect', scenario_connect(ctx))
            await run_scenario(ctx, 'refused', scenario_refused(ctx))
            await run_scenario(ctx, 'echo', scenario_echo(ctx))
            await run_scenario(ctx, 'binary', scenario_binary_from_server(ctx))
            await run_scenario(ctx, 'server ack', scenario_server_ack(ctx))
            await run_scenario(ctx, 'rooms', scenario_rooms(ctx))
            await run_scenario(ctx, 'session', scenario_session(ctx))
            await run_scenario(ctx, 'burst', scenario_burst(ctx))
            observer = Peer('observer')
            try:
                await observer.connect(url, ['websocket'])
                await run_scenario(ctx, 'disconnects', scenario_disconnects(ctx, observer))
            finally:
                await observer.close()
            print(f'--- {mode}: {time.monotonic() - mode_start:.1f} s', flush=True)

        observer = Peer('observer')
        await observer.connect(url, ['websocket'])
        try:
            for mode, transports in MODES:
                try:
                    sid = await asyncio.wait_for(
                        asyncio.to_thread(sync_pass, url, mode, transports), 30)
                    reason = await wait_reason(observer, sid)
                    # socketio.Client.disconnect() aborts: python-engineio's write loop stops
                    # as soon as the state leaves "connected", so over polling the DISCONNECT
                    # and CLOSE it queued may never be POSTed, and with no socket closing
                    # either the host can only notice through the ping timeout.
                    allowed = ['client namespace disconnect', 'transport close', 'transport error']
                    if mode == 'polling':
                        allowed.append('ping timeout')
                    check(f'sync-{mode}', f'Client.disconnect(): server saw the socket go '
                          f'({reason})', reason in allowed, reason)
                except Exception as e:
                    check(f'sync-{mode}', 'socketio.Client pass ran to completion', False,
                          f'{type(e).__name__}: {e}')
        finally:
            await observer.close()

        check('all', 'interop_server is still running', server.returncode is None)
        print(f'--- total {time.monotonic() - started:.1f} s', flush=True)
    finally:
        if server.returncode is None:
            server.stdin.close()
            try:
                await asyncio.wait_for(server.wait(), 5)
            except asyncio.TimeoutError:
                server.kill()
                await server.wait()
    print(f'{RESULTS.passed} passed, {RESULTS.failed} failed', flush=True)
    return 1 if RESULTS.failed else 0


if __name__ == '__main__':
    if len(sys.argv) >= 5 and sys.argv[1] == '--child':
        asyncio.run(child_main(sys.argv[2], sys.argv[3], sys.argv[4]))
        sys.exit(0)
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(asyncio.run(main(sys.argv[1])))
