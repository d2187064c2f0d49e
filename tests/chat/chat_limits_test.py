#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The chat host's limits (server/chat/README.md, "Limits"), as an attacker on the network meets
them, against a real confab-server.

    /usr/bin/python3 chat_limits_test.py path/to/confab-server [--verbose]

Each scenario starts its own host on 127.0.0.1 (--port 0):
- a flood of joins and typing events from one sid is cut by the event rate limit, the host's
  peak memory stays small, and watchers get few `room` events;
- rooms per sid are capped; welcome lists at most 100 rooms (the busiest) and says when there
  are more; `room` events are coalesced and the last count always arrives;
- --max-storage: a store that reached its limit refuses messages with "storage full" and keeps
  serving what it holds (in RAM and in SQLite);
- passwords: failed attempts from one address are throttled with a growing wait, even the right
  password is refused meanwhile; 21 CONNECT packets in one polling POST guess nothing;
  --password-file and CONFAB_PASSWORD keep the secret out of the command line;
- the data folder is 0700 and the database files 0600.
Prints one line per check and ends with "N passed, M failed"; exits 1 if anything failed.
"""
import asyncio
import atexit
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aiohttp  # noqa: E402
import socketio  # noqa: E402

from chat_common import Peer, Results, Server, quiet_aiohttp_leaks  # noqa: E402

R = Results()
VERBOSE = '--verbose' in sys.argv
RATE_ERROR = {'ok': False, 'error': 'rate limit exceeded'}
# Limits whose own scenario is elsewhere are lifted, so that each scenario tests one limit.
FAST_EVENTS = ['--event-rate-limit', '100000']
FAST_MESSAGES = ['--rate-limit', '100000']
# The README's bound for the peak memory of a host (--data :memory: or a folder) after the
# join/typing flood of the issue, from a fresh start.
FLOOD_RSS_BOUND_KIB = 64 * 1024


def tmpdir(prefix):
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, True)
    return folder


def short(v, n=300):
    s = repr(v)
    return s if len(s) <= n else s[:n] + f'...({len(s)} chars)'


def ok_ack(ack):
    return isinstance(ack, dict) and ack.get('ok') is True


def vm_hwm_kib(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return None


class Hosts:
    """Starts hosts and peers; stops them all at the end of a scenario."""

    def __init__(self, binary):
        self.binary = binary
        self.servers = []
        self.peers = []

    def start(self, tag, extra=(), data=':memory:', env=None):
        server = Server(self.binary, data=data, extra=extra, tag=tag)
        if env is not None:
            old = dict(os.environ)
            os.environ.update(env)
            try:
                server.start()
            finally:
                os.environ.clear()
                os.environ.update(old)
        else:
            server.start()
        self.servers.append(server)
        return server

    async def peer(self, server, name, auth='default', transports=('websocket',)):
        p = Peer(name)
        self.peers.append(p)
        await p.connect(server.url, list(transports),
                        auth={'name': name} if auth == 'default' else auth)
        w = await p.wait_event('welcome')
        p.welcome = w[0] if w else None
        return p

    async def close(self):
        for p in self.peers:
            await p.close()
        self.peers = []
        for s in self.servers:
            s.terminate()
        self.servers = []


async def emit_many(p, calls, timeout=20):
    """Emits every (event, data) at once, without waiting in between; returns the acks."""
    loop = asyncio.get_running_loop()
    futures = [loop.create_future() for _ in calls]
    for (event, data), f in zip(calls, futures):
        await p.sio.emit(event, data,
                         callback=lambda *a, f=f: f.done() or f.set_result(a[0] if a else None))
    try:
        return await asyncio.wait_for(asyncio.gather(*futures), timeout)
    except asyncio.TimeoutError:
        return [f.result() if f.done() else 'TIMEOUT' for f in futures]


async def settle(p):
    """A round trip on p's socket (whatever its ack), then a short grace for stray events."""
    try:
        await p.call('history', {'room': 'settle'}, timeout=5)
    except socketio.exceptions.TimeoutError:
        pass
    await asyncio.sleep(0.3)


# ---- events ----------------------------------------------------------------------------------

async def scenario_event_flood(h, data, tag):
    """The issue's flood: thousands of joins and typing events from one sid in a few seconds."""
    server = h.start(tag, data=data)
    watcher = await h.peer(server, 'flood-watch')
    attacker = await h.peer(server, 'flood-attack')
    n = 3000
    t0 = time.monotonic()
    calls = [('join', {'room': f'flood-{i}'}) for i in range(n)]
    calls += [('typing', {'room': 'flood-0', 'typing': i % 2 == 0}) for i in range(n)]
    acks = await emit_many(attacker, calls)
    secs = time.monotonic() - t0
    oks = sum(1 for a in acks if ok_ack(a))
    refused = [a for a in acks if not ok_ack(a)]
    # 20 events a second and bursts of 40 by default: at most 40 plus what refills meanwhile.
    most = 40 + int(20 * secs) + 1
    R.check(tag, f'{2 * n} joins and typing events in {secs:.1f}s: at most {most} accepted '
            f'(got {oks})', oks <= most)
    R.check(tag, 'the others answer {"ok": false, "error": "rate limit exceeded"} or, for a '
            'join past the rooms cap, "too many rooms"',
            refused and all(a == RATE_ERROR or str(a.get('error', '')).startswith('too many rooms')
                            for a in refused), short(refused[:3]))
    await settle(watcher)
    rooms = watcher.count('room')
    R.check(tag, f'a bystander got few room events ({rooms} for {n} joins)', rooms <= 40)
    hwm = vm_hwm_kib(server.proc.pid)
    print(f'MEASURE [{tag}] peak RSS (VmHWM) of confab-server after the flood: {hwm} KiB',
          flush=True)
    R.check(tag, f'peak RSS {hwm} KiB stays under {FLOOD_RSS_BOUND_KIB} KiB',
            hwm is not None and hwm < FLOOD_RSS_BOUND_KIB)
    later = await h.peer(server, 'flood-late')
    R.check(tag, 'the host still answers', isinstance(later.welcome, dict), short(later.log))


async def scenario_event_rate(h):
    server = h.start('event rate', extra=['--event-rate-limit', '5'])
    a = await h.peer(server, 'rate-a')
    b = await h.peer(server, 'rate-b')
    for event, data in [('who', None), ('history', {'room': 'r'}), ('rename', {'name': 'rate-x'}),
                        ('join', {'room': 'r'}), ('typing', {'room': 'r', 'typing': True}),
                        ('leave', {'room': 'r'})]:
        acks = await emit_many(a, [(event, data)] * 30)
        oks = sum(1 for x in acks if ok_ack(x))
        refused = [x for x in acks if not ok_ack(x)]
        # `leave` and `typing` need membership: only the first of each may succeed at all.
        R.check('event rate', f'--event-rate-limit 5: a burst of 30 `{event}` hits the limit '
                f'({oks} ok)', RATE_ERROR in refused and oks <= 11, short(refused[:2]))
    ack = await b.call('who')
    R.check('event rate', 'the limit is per sid', ok_ack(ack), short(ack))
    c = await h.peer(server, 'rate-c')
    acks = await emit_many(c, [('frobnicate', {})] * 30)
    R.check('event rate', 'unknown events count too (answered until the limit, then refused)',
            acks[0] == {'ok': False, 'error': 'unknown event frobnicate'}
            and RATE_ERROR in acks, short(acks[-2:]))
    d = await h.peer(server, 'rate-d')
    acks = await emit_many(d, [('message', 'not an object')] * 100)
    R.check('event rate', 'malformed messages count too (40 answered, then refused)',
            acks[0] != RATE_ERROR and RATE_ERROR in acks, short(acks[-2:]))
    t0 = time.monotonic()
    ack = None
    while time.monotonic() - t0 < 3:
        ack = await a.call('who')
        if ok_ack(ack):
            break
        await asyncio.sleep(0.05)
    R.check('event rate', f'tokens come back ({time.monotonic() - t0:.2f}s)', ok_ack(ack),
            short(ack))
    t0 = time.monotonic()
    ack = await a.call('join', {'room': 'r2'})
    while not ok_ack(ack) and time.monotonic() - t0 < 3:
        await asyncio.sleep(0.1)
        ack = await a.call('join', {'room': 'r2'})
    acks = await emit_many(a, [('who', None)] * 30)
    ack = await a.call('message', {'room': 'r2', 'text': 'still chatting'})
    R.check('event rate', 'with no event tokens left, messages still go: a bucket of their own',
            RATE_ERROR in acks and ok_ack(ack), short(ack))


async def scenario_rooms_cap(h):
    server = h.start('rooms cap', extra=FAST_EVENTS)
    a = await h.peer(server, 'cap-a')
    acks = await emit_many(a, [('join', {'room': f'cap-{i}'}) for i in range(40)])
    R.equal('rooms cap', 'a sid may be in 32 rooms', sum(1 for x in acks if ok_ack(x)), 32)
    R.equal('rooms cap', 'the 33rd join is refused with a sentence', acks[32],
            {'ok': False, 'error': 'too many rooms: leave one first (at most 32 per connection)'})
    ack = await a.call('join', {'room': 'cap-0'})
    R.check('rooms cap', 'joining a room one is in is still fine', ok_ack(ack), short(ack))
    await a.call('leave', {'room': 'cap-0'})
    ack = await a.call('join', {'room': 'cap-39'})
    R.check('rooms cap', 'after a leave, a join works again', ok_ack(ack), short(ack))


async def scenario_welcome_bound(h):
    server = h.start('welcome', extra=FAST_EVENTS + FAST_MESSAGES)
    joiners = [await h.peer(server, f'w-{k}') for k in range(4)]
    for k, p in enumerate(joiners):
        rooms = ['busy'] + [f'room-{k}-{i:02}' for i in range(31)]
        acks = await emit_many(p, [('join', {'room': r}) for r in rooms])
        R.check('welcome', f'{p.label} joins 32 rooms', all(ok_ack(x) for x in acks),
                short([x for x in acks if not ok_ack(x)][:2]))
    late = await h.peer(server, 'w-late')
    w = late.welcome or {}
    rooms = w.get('rooms', [])
    R.equal('welcome', 'with 125 rooms, welcome lists 100', len(rooms), 100)
    R.equal('welcome', '... and says there are more', w.get('moreRooms'), True)
    R.check('welcome', 'the busiest room is among them',
            {'name': 'busy', 'members': 4} in rooms, short(rooms[:3]))
    names = [r.get('name') for r in rooms]
    R.equal('welcome', 'sorted by name', names, sorted(names))
    # Rooms that only have messages fill the list after the ones with members.
    server2 = h.start('welcome 2', extra=FAST_EVENTS + FAST_MESSAGES)
    a = await h.peer(server2, 'w2-a')
    await emit_many(a, [('join', {'room': f'kept-{i:03}'}) for i in range(30)])
    await emit_many(a, [('message', {'room': f'kept-{i:03}', 'text': 'x'}) for i in range(30)])
    await emit_many(a, [('leave', {'room': f'kept-{i:03}'}) for i in range(30)])
    await emit_many(a, [('join', {'room': 'open'})])
    b = await h.peer(server2, 'w2-b')
    w = b.welcome or {}
    R.equal('welcome', '31 rooms: all listed, moreRooms false',
            (len(w.get('rooms', [])), w.get('moreRooms')), (31, False))


async def scenario_room_coalescing(h):
    server = h.start('coalescing', extra=FAST_EVENTS)
    watcher = await h.peer(server, 'co-watch')
    a = await h.peer(server, 'co-a')
    n = 100
    t0 = time.monotonic()
    acks = await emit_many(a, [(e, {'room': 'churn'}) for _ in range(n) for e in ('join', 'leave')])
    secs = time.monotonic() - t0
    R.check('coalescing', f'{2 * n} joins and leaves accepted', all(ok_ack(x) for x in acks),
            short([x for x in acks if not ok_ack(x)][:2]))
    # Ends with two members, a count the churn never had.
    await a.call('join', {'room': 'churn'})
    b = await h.peer(server, 'co-b')
    await b.call('join', {'room': 'churn'})
    mine = (lambda d: isinstance(d, dict) and d.get('name') == 'churn')
    final = {'name': 'churn', 'members': 2}
    await watcher.wait_for(lambda: [d for d in watcher.events('room') if mine(d)][-1:] == [final],
                           timeout=5)
    await settle(watcher)
    events = [d for d in watcher.events('room') if mine(d)]
    R.check('coalescing', 'the last count always arrives (members 2)', events[-1:] == [final],
            short(events[-3:]))
    # One at once, then at most one per 250 ms interval.
    most = 2 + int((time.monotonic() - t0) / 0.25) + 1
    R.check('coalescing', f'{2 * n + 1} changes in {secs:.2f}s: {len(events)} room events '
            f'(at most {most})', len(events) <= most)


# ---- storage ---------------------------------------------------------------------------------

async def scenario_storage(h, data, tag):
    server = h.start(tag, extra=['--max-storage', '256K'] + FAST_MESSAGES, data=data)
    a = await h.peer(server, 'store-a')
    b = await h.peer(server, 'store-b')
    for p in (a, b):
        await p.call('join', {'room': 'big'})
    acked, refusal = [], None
    for i in range(100):  # 16,000 characters each: the quota is reached after a few dozen
        ack = await a.call('message', {'room': 'big', 'text': f'{i:04}' + 'x' * 15996})
        if not ok_ack(ack):
            refusal = ack
            break
        acked.append(ack['id'])
    R.check(tag, f'--max-storage 256K: messages are stored until it is full ({len(acked)})',
            len(acked) >= 2 and refusal is not None, short(refusal))
    R.check(tag, 'then refused with {"ok": false, "error": "storage full: ..."}',
            isinstance(refusal, dict) and refusal.get('ok') is False
            and str(refusal.get('error', '')).startswith('storage full'), short(refusal))
    ack = await a.call('message', {'room': 'big', 'text': 'y' * 16000})
    R.check(tag, 'the next one too', not ok_ack(ack), short(ack))
    hist = await b.call('history', {'room': 'big', 'limit': 200})
    ids = [m['id'] for m in hist.get('messages', [])] if ok_ack(hist) else None
    R.equal(tag, 'everything acknowledged is still readable', ids, acked)
    await settle(b)
    R.equal(tag, 'nothing refused was broadcast', [m['id'] for m in b.events('message')], acked)


async def scenario_storage_option(h):
    for value in ('512M', '2G', '1GiB', '0'):
        server = h.start('storage option', extra=['--max-storage', value])
        R.check('storage option', f'--max-storage {value} is accepted', server.alive())
    for value in ('lots', '-1', '12Q', ''):
        out = subprocess.run([h.binary, '--max-storage', value, '--data', ':memory:'],
                             capture_output=True, text=True, timeout=10)
        R.check('storage option', f'--max-storage {value!r} is refused (exit 2, naming it)',
                out.returncode == 2 and '--max-storage' in out.stderr, out.stderr.strip())


# ---- passwords -------------------------------------------------------------------------------

async def try_connect(server, password):
    """(accepted, CONNECT_ERROR message or None) for one CONNECT over a fresh WebSocket.

    Raw Engine.IO frames: python-socketio waits out its wait_timeout after a refusal, which
    would let a 1 s wait pass unseen."""
    url = server.url.replace('http://', 'ws://') + '/socket.io/?EIO=4&transport=websocket'
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url) as ws:
            opened = await ws.receive(timeout=5)
            assert opened.data.startswith('0'), opened.data
            await ws.send_str('40' + json.dumps({'name': 'pw', 'password': password}))
            while True:
                frame = (await ws.receive(timeout=5)).data
                if frame.startswith('40'):
                    return True, None
                if frame.startswith('44'):
                    return False, json.loads(frame[2:]).get('message')


async def scenario_password_throttle(h):
    server = h.start('password', extra=['--password', 's3cret'])
    tag = 'password'
    for i in range(4):
        got = await try_connect(server, f'wrong-{i}')
        R.equal(tag, f'wrong password {i + 1}: unauthorized', got, (False, 'unauthorized'))
    got = await try_connect(server, 's3cret')
    R.equal(tag, '4 failures, then the right password: accepted', got,
            (True, None))
    for i in range(5):
        got = await try_connect(server, f'wrong-{i}')
        R.equal(tag, f'after the success, wrong password {i + 1}: unauthorized', got,
                (False, 'unauthorized'))
    got = await try_connect(server, 's3cret')
    R.equal(tag, '5 failures: even the right password waits', got,
            (False, 'too many attempts, retry in 1 s'))
    t0 = time.monotonic()
    while got != (True, None) and time.monotonic() - t0 < 4:
        await asyncio.sleep(0.2)
        got = await try_connect(server, 's3cret')
    R.check(tag, f'... and gets in after the wait ({time.monotonic() - t0:.1f}s)',
            got == (True, None), short(got))
    for i in range(5):
        await try_connect(server, f'again-{i}')
    t0 = time.monotonic()
    got = await try_connect(server, 'again-x')
    while got[1] != 'unauthorized' and time.monotonic() - t0 < 4:
        await asyncio.sleep(0.2)
        got = await try_connect(server, 'again-x')
    R.equal(tag, 'after the first wait, the next failure counts', got, (False, 'unauthorized'))
    got = await try_connect(server, 's3cret')
    R.equal(tag, '... and the wait doubles', got, (False, 'too many attempts, retry in 2 s'))

    # The reproduction: many CONNECT packets in one polling POST, the right one last.
    server2 = h.start('password POST', extra=['--password', 's3cret'])
    async with aiohttp.ClientSession() as http:
        base = server2.url + '/socket.io/?EIO=4&transport=polling'
        async with http.get(base) as r:
            handshake = json.loads((await r.text())[1:])
        url = f'{base}&sid={handshake["sid"]}'
        packets = [f'40{json.dumps({"password": f"guess-{i}"})}' for i in range(20)]
        packets.append('40' + json.dumps({'password': 's3cret'}))
        async with http.post(url, data='\x1e'.join(packets)) as r:
            await r.read()
        # Polls until each CONNECT is answered (or the host ends the session).
        answers = []
        while len(answers) < len(packets):
            try:
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=3)) as r:
                    if r.status != 200:
                        break
                    frames = (await r.text()).split('\x1e')
            except asyncio.TimeoutError:
                break
            answers += [f for f in frames if f.startswith(('40', '44'))]
            if any(f.startswith('1') for f in frames):  # Engine.IO close
                break
    R.check('password POST', '20 wrong passwords and the right one in one POST: the right one '
            'is not accepted', answers and not any(a.startswith('40') for a in answers),
            short(answers[-3:]))



async def scenario_password_sources(h):
    """--password-file and CONFAB_PASSWORD: the secret stays out of ps."""
    folder = tmpdir('confab-pw-')
    path = os.path.join(folder, 'password')
    with open(path, 'w') as f:
        f.write('s3cret\n')
    server = h.start('password file', extra=['--password-file', path])
    R.equal('password file', '--password-file: a wrong password is refused',
            await try_connect(server, 'nope'), (False, 'unauthorized'))
    R.equal('password file', '--password-file: its first line, without the newline, is it',
            await try_connect(server, 's3cret'), (True, None))
    # CONFAB_PASSWORD, with nothing on the command line.
    server3 = h.start('password env', env={'CONFAB_PASSWORD': 'from-env'})
    R.equal('password env', 'CONFAB_PASSWORD: a wrong password is refused',
            await try_connect(server3, 'nope'), (False, 'unauthorized'))
    R.equal('password env', 'CONFAB_PASSWORD: the right one is accepted',
            await try_connect(server3, 'from-env'), (True, None))
    for s in (server, server3):
        with open(f'/proc/{s.proc.pid}/cmdline', 'rb') as f:
            cmdline = f.read()
        R.check('password env', 'the password is not on the command line (ps)',
                b's3cret' not in cmdline and b'from-env' not in cmdline, short(cmdline))
    missing = os.path.join(folder, 'missing')
    out = subprocess.run([h.binary, '--password-file', missing], capture_output=True, text=True,
                         timeout=10)
    R.check('password', '--password-file of a missing file: exit 2 naming the file',
            out.returncode == 2 and missing in out.stderr, out.stderr.strip())
    out = subprocess.run([h.binary, '--help'], capture_output=True, text=True, timeout=10)
    R.check('password', '--help says --password is visible to other users',
            'ps' in out.stdout and '--password-file' in out.stdout, '')


# ---- files -----------------------------------------------------------------------------------

async def scenario_file_modes(h):
    folder = tmpdir('confab-modes-')
    data = os.path.join(folder, 'data')
    os.mkdir(data, 0o755)
    os.chmod(data, 0o755)
    server = h.start('files', data=data)
    a = await h.peer(server, 'files-a')
    await a.call('join', {'room': 'private'})
    ack = await a.call('message', {'room': 'private', 'text': 'for members only'})
    R.check('files', 'a message is stored', ok_ack(ack), short(ack))
    mode = stat.S_IMODE(os.stat(data).st_mode)
    R.equal('files', 'an existing 0755 data folder is made 0700', oct(mode), oct(0o700))
    for name in ('confab.sqlite', 'confab.sqlite-wal', 'confab.sqlite-shm'):
        path = os.path.join(data, name)
        mode = stat.S_IMODE(os.stat(path).st_mode) if os.path.exists(path) else None
        R.equal('files', f'{name} is 0600', oct(mode) if mode is not None else None, oct(0o600))


# ---- main ------------------------------------------------------------------------------------

async def run(h, name, coro):
    if VERBOSE:
        print(f'---- {name}', flush=True)
    try:
        await coro
    except Exception:
        R.check(name, 'ran to the end', False, traceback.format_exc())
    finally:
        for s in h.servers:
            R.check(name, 'the host survived', s.alive(), s.stderr_tail())
        await h.close()


async def main(binary):
    quiet_aiohttp_leaks(asyncio.get_running_loop())
    h = Hosts(binary)
    await run(h, 'event flood :memory:', scenario_event_flood(h, ':memory:', 'flood :memory:'))
    folder = tmpdir('confab-flood-')
    await run(h, 'event flood data dir', scenario_event_flood(h, folder, 'flood data dir'))
    await run(h, 'event rate', scenario_event_rate(h))
    await run(h, 'rooms cap', scenario_rooms_cap(h))
    await run(h, 'welcome', scenario_welcome_bound(h))
    await run(h, 'coalescing', scenario_room_coalescing(h))
    await run(h, 'storage :memory:', scenario_storage(h, ':memory:', 'storage :memory:'))
    folder = tmpdir('confab-store-')
    await run(h, 'storage data dir', scenario_storage(h, folder, 'storage data dir'))
    await run(h, 'storage option', scenario_storage_option(h))
    await run(h, 'password', scenario_password_throttle(h))
    await run(h, 'password sources', scenario_password_sources(h))
    await run(h, 'files', scenario_file_modes(h))


if __name__ == '__main__':
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    asyncio.run(main(sys.argv[1]))
    sys.exit(R.summary())
