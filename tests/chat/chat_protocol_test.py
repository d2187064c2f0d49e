#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The chat protocol of server/chat/README.md, event by event, against a real confab-server.

    /usr/bin/python3 chat_protocol_test.py path/to/confab-server [--verbose]

Starts its own hosts on 127.0.0.1 (--port 0, --data :memory:): one per transport mode for the
full scenario list (websocket only, then polling only), plus hosts with --password,
--show-addresses, --rate-limit 5 and the default rate limit. Clients are python-socketio 5
AsyncClients (Debian's python3-socketio 5.7.2). Prints one line per check (PASS/FAIL; NOTE lines
record behaviour the README leaves open and are not checks) and ends with "N passed, M failed";
exits 1 if anything failed.
"""
import asyncio
import os
import re
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import socketio  # noqa: E402

from chat_common import Peer, Results, Server, now_ms, quiet_aiohttp_leaks  # noqa: E402

R = Results()
VERBOSE = '--verbose' in sys.argv
MODES = [('websocket', ['websocket']), ('polling', ['polling'])]
MESSAGE_KEYS = {'id', 'room', 'sid', 'name', 'text', 'ts', 'clientId'}
# Negative checks ("X did not arrive") wait this long after the action and after a round trip
# on the same socket. There is no event to wait for when nothing is sent, so a short grace
# period is the only way; 300 ms is ample on loopback.
GRACE = 0.3
# Main hosts run with a high rate limit so that the history scenario can store 260 messages
# quickly; the limit itself is tested on hosts of its own.
FAST = ['--rate-limit', '100000', '--event-rate-limit', '100000']


def note(tag, text):
    print(f'NOTE [{tag}] {text}', flush=True)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def ok_ack(ack):
    return isinstance(ack, dict) and ack.get('ok') is True


def err_ack(ack):
    return (isinstance(ack, dict) and ack.get('ok') is False
            and isinstance(ack.get('error'), str) and ack['error'].strip() != '')


def message_shape_problem(m):
    """None if m is a well-formed message object, else what is wrong with it."""
    if not isinstance(m, dict):
        return f'not an object: {m!r}'
    if set(m) != MESSAGE_KEYS:
        return f'keys {sorted(m)} != {sorted(MESSAGE_KEYS)}'
    if not (is_int(m['id']) and isinstance(m['room'], str) and isinstance(m['sid'], str)
            and isinstance(m['name'], str) and isinstance(m['text'], str) and is_int(m['ts'])
            and (m['clientId'] is None or isinstance(m['clientId'], str))):
        return f'field types wrong: {m!r}'
    return None


def short(v, n=300):
    s = repr(v)
    return s if len(s) <= n else s[:n] + f'...({len(s)} chars)'


class Ctx:
    def __init__(self, server, mode, transports):
        self.server = server
        self.url = server.url if server else None
        self.mode = mode
        self.transports = transports
        self.peers = []

    def check(self, name, ok, detail=''):
        return R.check(self.mode, name, ok, detail)

    def equal(self, name, got, expected):
        return self.check(name, got == expected, f'got {short(got)}, expected {short(expected)}')

    def note(self, text):
        note(self.mode, text)

    async def peer(self, name=None, auth='default', wait_welcome=True, url=None):
        """A connected Peer; auth defaults to {"name": name}. p.name is the welcome's name."""
        p = Peer(name or '')
        self.peers.append(p)
        if auth == 'default':
            auth = {'name': name} if name is not None else None
        await p.connect(url or self.url, self.transports, auth=auth)
        p.welcome = None
        p.name = None
        if wait_welcome:
            w = await p.wait_event('welcome')
            if w:
                p.welcome = w[0]
                p.name = w[0].get('name') if isinstance(w[0], dict) else None
        return p

    async def call(self, p, event, data=None, timeout=5):
        try:
            return await p.call(event, data, timeout=timeout)
        except socketio.exceptions.TimeoutError:
            return 'TIMEOUT (no ack)'

    async def join(self, p, room, check=True):
        ack = await self.call(p, 'join', {'room': room})
        if check:
            self.check(f'{p.name} joins {room[:40]!r}', ok_ack(ack), short(ack))
        return ack

    async def send(self, p, room, text, cid=None):
        data = {'room': room, 'text': text}
        if cid is not None:
            data['id'] = cid
        return await self.call(p, 'message', data)

    async def history(self, p, room, **kw):
        return await self.call(p, 'history', {'room': room, **kw})

    async def settle(self, *peers):
        """Round trip on each peer's socket, then the grace period (see GRACE)."""
        for p in peers:
            if p.sio.connected:
                await self.call(p, 'who')
        await asyncio.sleep(GRACE)

    async def close(self):
        for p in self.peers:
            await p.close()
        self.peers = []


# ---- connecting ------------------------------------------------------------------------------

async def scenario_welcome(ctx):
    """Runs first, on a fresh host: the rooms list starts empty."""
    a = await ctx.peer('welcome-a')
    w = a.welcome
    ctx.check('welcome arrives right after connecting', isinstance(w, dict), short(a.log))
    if not isinstance(w, dict):
        return
    kinds = [e for e, _ in a.log]
    ctx.check('CONNECT ack before welcome, welcome is the first event',
              kinds[:2] == ['connect', 'welcome'], f'log {kinds}')
    ctx.equal('welcome has exactly sid, name, server, rooms, moreRooms', set(w),
              {'sid', 'name', 'server', 'rooms', 'moreRooms'})
    ctx.equal('a few rooms: moreRooms is false', w.get('moreRooms'), False)
    ctx.equal('welcome sid is the socket sid', w.get('sid'), a.sid)
    ctx.equal('welcome name is the name asked for', w.get('name'), 'welcome-a')
    server = w.get('server')
    ctx.check('welcome server is {"name", "version"}',
              isinstance(server, dict) and set(server) == {'name', 'version'}, short(server))
    if isinstance(server, dict):
        ctx.equal('welcome server.version is the binary\'s version', server.get('version'),
                  VERSION)
        ctx.equal('welcome server.name is --name', server.get('name'), ctx.server_name)
    ctx.equal('fresh host: welcome rooms is an empty list', w.get('rooms'), [])
    ctx.equal('only one welcome', a.count('welcome'), 1)

    room1, room2 = 'welcome-room-1', 'welcome-room-2'
    await ctx.join(a, room1)
    b = await ctx.peer('welcome-b')
    rooms = b.welcome.get('rooms') if b.welcome else None
    ctx.equal('welcome rooms lists a room with members and its member count', rooms,
              [{'name': room1, 'members': 1}])
    await ctx.join(b, room1)
    ack = await ctx.send(a, room1, 'something to keep the room')
    ctx.check('message stored', ok_ack(ack), short(ack))
    await ctx.join(a, room2)
    for p in (a, b):
        ack = await ctx.call(p, 'leave', {'room': room1})
        ctx.check(f'{p.name} leaves {room1}', ok_ack(ack), short(ack))
    ack = await ctx.call(a, 'leave', {'room': room2})
    ctx.check(f'leaves {room2}', ok_ack(ack), short(ack))
    c = await ctx.peer('welcome-c')
    rooms = c.welcome.get('rooms') if c.welcome else None
    ctx.equal('welcome rooms: a room with messages but no members is listed with 0 members; '
              'an empty room without messages is not listed', rooms,
              [{'name': room1, 'members': 0}])


async def scenario_names(ctx):
    for label, auth in [('no auth', None), ('auth {}', {}), ('empty name', {'name': ''}),
                        ('whitespace-only name', {'name': '   '})]:
        p = await ctx.peer(auth=auth)
        ctx.check(f'connect with {label}: a guest name', isinstance(p.name, str)
                  and re.fullmatch(r'guest-\S+', p.name) is not None
                  and len(p.name) <= 32, short(p.name))
    g1 = ctx.peers[0]
    g2 = ctx.peers[1]
    ctx.check('two guests get different names', g1.name != g2.name, f'{g1.name} {g2.name}')

    cases = [
        ('  trim me  ', 'trim me', 'names are trimmed'),
        ('n' * 40, 'n' * 32, 'a 40-character name is cut to 32'),
        ('m' * 32, 'm' * 32, 'a 32-character name is kept'),
        ('  ' + 'p' * 40 + '  ', 'p' * 32, 'trimmed, then cut to 32'),
        ('é' * 40, 'é' * 32, 'cut to 32 characters (not bytes)'),
        ('x', 'x', 'a 1-character name is fine'),
    ]
    for asked, expected, what in cases:
        p = await ctx.peer(asked)
        ctx.equal(f'{what}: {asked[:12]!r}...', p.name, expected)

    # Cutting must not split a character: 'a' + 20 emoji is 21 code points but 41 UTF-16
    # units. Counting code points keeps it whole; counting UTF-16 units may keep 'a' + 15
    # emoji; half an emoji (a lone surrogate, or U+FFFD in its place) is wrong either way.
    emoji = 'a' + '\U0001F600' * 20
    p = await ctx.peer(emoji)
    ctx.check('cutting a name never splits a character (emoji)',
              p.name in (emoji, emoji[:16]), short(p.name))
    ctx.note(f'a name of 1 + 20 emoji (21 code points, 41 UTF-16 units) became '
             f'{len(p.name or "")} code points')
    d1 = await ctx.peer('dupe')
    d2 = await ctx.peer('dupe')
    d3 = await ctx.peer('  dupe ')
    ctx.equal('duplicate names get a suffix: dupe, dupe (2), dupe (3)',
              [d1.name, d2.name, d3.name], ['dupe', 'dupe (2)', 'dupe (3)'])
    long1 = await ctx.peer('L' * 32)
    long2 = await ctx.peer('L' * 32)
    ctx.note(f'a taken 32-character name became {long2.name!r} ({len(long2.name or "")} '
             f'characters; first {len(long1.name or "")})')


async def scenario_password(ctx, binary):
    server = Server(binary, extra=['--password', 's3cret'], tag='password').start()
    try:
        url = server.url
        for label, auth in [('no auth', None), ('a name but no password', {'name': 'pw-a'}),
                            ('a wrong password', {'name': 'pw-b', 'password': 'wrong'}),
                            ('a password of the wrong type', {'name': 'pw-c', 'password': 5})]:
            p = Peer()
            ctx.peers.append(p)
            raised = False
            try:
                await p.connect(url, ctx.transports, auth=auth, wait_timeout=3)
            except socketio.exceptions.ConnectionError:
                raised = True
            ctx.check(f'password host refuses {label}', raised and not p.sio.connected)
            errors = p.events('connect_error')
            ctx.equal(f'password host, {label}: CONNECT_ERROR {{"message": "unauthorized"}}',
                      errors, [{'message': 'unauthorized'}])
            ctx.check(f'password host, {label}: no welcome', not p.events('welcome'))
        good = await ctx.peer('pw-ok', auth={'name': 'pw-ok', 'password': 's3cret'}, url=url)
        ctx.check('password host accepts the right password (welcome arrives)',
                  good.sio.connected and good.name == 'pw-ok', short(good.log))
        guest = await ctx.peer(auth={'password': 's3cret'}, url=url)
        ctx.check('password host, right password without a name: a guest name',
                  isinstance(guest.name, str) and guest.name.startswith('guest-'),
                  short(guest.name))
    finally:
        await ctx.close()
        server.terminate()


# ---- join / leave ----------------------------------------------------------------------------

async def scenario_join(ctx):
    room = 'join-room'
    a = await ctx.peer('join-a')
    b = await ctx.peer('join-b')
    ack = await ctx.join(a, room)
    if ok_ack(ack):
        ctx.equal('join ack has exactly ok, room, members, history, own', set(ack),
                  {'ok', 'room', 'members', 'history', 'own'})
        ctx.equal('join ack own: empty without a device', ack.get('own'), [])
        ctx.equal('join ack room', ack.get('room'), room)
        ctx.equal('join ack members: the joiner', ack.get('members'),
                  [{'sid': a.sid, 'name': a.name}])
        ctx.equal('join ack history of a new room is empty', ack.get('history'), [])
    got = await a.wait_event('joined')
    ctx.equal('joined goes to the joiner too', got, [{'room': room, 'sid': a.sid,
                                                      'name': a.name}])
    ack = await ctx.join(b, room)
    if ok_ack(ack):
        members = ack.get('members') or []
        ctx.equal('join ack members: everyone in the room (sid, name)',
                  sorted(members, key=lambda m: m.get('sid', '')),
                  sorted([{'sid': a.sid, 'name': a.name}, {'sid': b.sid, 'name': b.name}],
                         key=lambda m: m['sid']))
    expected = {'room': room, 'sid': b.sid, 'name': b.name}
    ga = await a.wait_event('joined', lambda d: d == expected)
    gb = await b.wait_event('joined', lambda d: d == expected)
    ctx.check('joined {room, sid, name} to the existing member', len(ga) == 1, short(a.log))
    ctx.check('joined {room, sid, name} to the joiner', len(gb) == 1, short(b.log))

    # Joining again: same ack, no second joined.
    again = await ctx.join(a, room)
    if ok_ack(again):
        ctx.check('joining a room again: same ack (room, both members)',
                  again.get('room') == room and len(again.get('members') or []) == 2,
                  short(again))
    # Room names are trimmed.
    trimmed = await ctx.join(b, '   join-room \t')
    ctx.check('join "   join-room \\t" is the room "join-room"',
              ok_ack(trimmed) and trimmed.get('room') == room
              and len(trimmed.get('members') or []) == 2, short(trimmed))
    await ctx.settle(a, b)
    ctx.equal('no second joined when joining a room again (seen by a)', a.count('joined'), 2)
    ctx.equal('no second joined when joining a room again (seen by b)', b.count('joined'), 1)

    for label, name in [('empty', ''), ('whitespace-only', '   '), ('65 characters', 'r' * 65),
                        ('65 characters after trimming', ' ' + 'r' * 65 + ' ')]:
        ack = await ctx.call(a, 'join', {'room': name})
        ctx.check(f'join a room name {label}: ok false with an error', err_ack(ack), short(ack))
    ack = await ctx.join(a, 'r' * 64)
    ctx.check('a 64-character room name is fine', ok_ack(ack) and ack.get('room') == 'r' * 64,
              short(ack))
    ack = await ctx.join(a, '  ' + 's' * 64 + '  ')
    ctx.check('64 characters after trimming is fine', ok_ack(ack) and ack.get('room') == 's' * 64,
              short(ack))
    ack = await ctx.join(a, 'é' * 64)
    ctx.check('64 non-ASCII characters (128 bytes) is fine', ok_ack(ack), short(ack))

    # Without an ack request: the join still happens.
    c = await ctx.peer('join-c')
    await c.sio.emit('join', {'room': room})
    got = await a.wait_event('joined', lambda d: d.get('sid') == c.sid)
    ctx.check('join without asking for an ack still joins (joined arrives)', got, short(a.log))

    # History in the join ack: the last 50 messages, oldest first.
    hroom = 'join-history'
    await ctx.join(a, hroom)
    acks = await fill(ctx, a, hroom, 60, 'jh')
    d = await ctx.peer('join-d')
    ack = await ctx.join(d, hroom)
    if ok_ack(ack):
        hist = ack.get('history') or []
        ctx.equal('join ack history: the last 50 messages, oldest first',
                  [m.get('text') for m in hist], [f'jh-{i:03d}' for i in range(10, 60)])
        ctx.equal('join ack history ids are the acked ids', [m.get('id') for m in hist],
                  [x['id'] for x in acks[10:]])
        bad = [message_shape_problem(m) for m in hist if message_shape_problem(m)]
        ctx.check('join ack history: well-formed message objects', not bad, short(bad[:2]))
        if hist:
            ctx.equal('join ack history message fields', {k: hist[-1].get(k) for k in
                                                          ('room', 'sid', 'name', 'clientId')},
                      {'room': hroom, 'sid': a.sid, 'name': a.name, 'clientId': 'jh-cid-59'})


async def scenario_room_events(ctx):
    """`room` {name, members}: every connected sid hears of each change of a room's head count."""
    room = 'pushed-room'
    watcher = await ctx.peer('room-watch')  # in no room at all
    a = await ctx.peer('room-a')
    b = await ctx.peer('room-b')
    is_ours = (lambda d: isinstance(d, dict) and d.get('name') == room)
    await ctx.join(a, room)
    got = await watcher.wait_event('room', is_ours)
    ctx.equal('a first join announces the room to a sid in no room', got,
              [{'name': room, 'members': 1}])
    got = await a.wait_event('room', is_ours)
    ctx.equal('... and to the joiner', got, [{'name': room, 'members': 1}])
    await ctx.join(b, room)
    got = await watcher.wait_event('room', is_ours, n=2)
    ctx.equal('a second join: members 2', got[1:], [{'name': room, 'members': 2}])
    await ctx.join(b, room)  # joining again changes nothing
    await ctx.call(b, 'leave', {'room': room})
    got = await watcher.wait_event('room', is_ours, n=3)
    ctx.equal('a leave: members 1 (no event for joining again)', got[2:],
              [{'name': room, 'members': 1}])
    got = await b.wait_event('room', is_ours, n=3)
    ctx.equal('the leaver hears of it too', got[-1], {'name': room, 'members': 1})
    await a.close()
    got = await watcher.wait_event('room', is_ours, n=4)
    ctx.equal('the last member disconnecting: members 0', got[3:],
              [{'name': room, 'members': 0}])
    await ctx.settle(watcher, b)
    ctx.equal('exactly one room event per change', watcher.count('room', is_ours), 4)
    late = await ctx.peer('room-late')
    listed = [r for r in (late.welcome or {}).get('rooms', []) if r.get('name') == room]
    ctx.note(f'an emptied room without messages in the next welcome: {short(listed)}')


async def scenario_device(ctx):
    """CONNECT "device": join and history acks list the ids sent with it, across connections."""
    room = 'device-room'
    device = 'install-0f3a'
    a = await ctx.peer('dev-a', auth={'name': 'dev-a', 'device': device})
    b = await ctx.peer('dev-b')
    await ctx.join(a, room)
    await ctx.join(b, room)
    mine = [await ctx.send(a, room, 'mine 1'), await ctx.send(a, room, 'mine 2')]
    theirs = await ctx.send(b, room, 'theirs')
    ids = [x.get('id') for x in mine]
    ctx.check('messages sent with a device are acked', all(ok_ack(x) for x in mine + [theirs]),
              short(mine + [theirs]))
    await a.close()

    again = await ctx.peer('dev-a2', auth={'name': 'dev-a2', 'device': device})
    ack = await ctx.join(again, room)
    ctx.equal('join ack own: the ids sent with the same device on an earlier connection',
              ack.get('own') if ok_ack(ack) else short(ack), ids)
    bad = [message_shape_problem(m) for m in (ack.get('history') or [])
           if message_shape_problem(m)]
    ctx.check('message objects carry neither device nor its hash', not bad, short(bad[:2]))
    hist = await ctx.history(again, room)
    ctx.equal('history ack own: the same ids', hist.get('own') if ok_ack(hist) else short(hist),
              ids)
    hist = await ctx.history(again, room, before=ids[1])
    ctx.equal('history ack own: only the ids of that page',
              hist.get('own') if ok_ack(hist) else short(hist), ids[:1])
    other = await ctx.peer('dev-c', auth={'name': 'dev-c', 'device': 'another-install'})
    ack = await ctx.join(other, room)
    ctx.equal('another device: own is empty', ack.get('own') if ok_ack(ack) else short(ack), [])
    long = await ctx.peer('dev-d', auth={'name': 'dev-d', 'device': device + 'x' * 128})
    ack = await ctx.join(long, room)
    ctx.equal('a device over 128 characters is ignored (own empty, still connected)',
              ack.get('own') if ok_ack(ack) else short(ack), [])


async def scenario_leave(ctx):
    room = 'leave-room'
    a = await ctx.peer('leave-a')
    b = await ctx.peer('leave-b')
    c = await ctx.peer('leave-c')
    for p in (a, b, c):
        await ctx.join(p, room)
    await a.wait_event('joined', n=3)
    ack = await ctx.call(c, 'leave', {'room': room})
    ctx.equal('leave ack', ack, {'ok': True})
    expected = {'room': room, 'sid': c.sid, 'name': c.name}
    for p in (a, b):
        got = await p.wait_event('left', lambda d: d == expected)
        ctx.equal(f'left {{room, sid, name}} to remaining member {p.name}', got, [expected])
    # The one who left is no member any more.
    ack = await ctx.send(c, room, 'after leaving')
    ctx.check('message after leaving: ok false (not a member)', err_ack(ack), short(ack))
    ack = await ctx.call(a, 'leave', {'room': ' leave-room '})
    ctx.equal('leave trims the room name', ack, {'ok': True})
    got = await b.wait_event('left', lambda d: d.get('sid') == a.sid)
    ctx.equal('left after a leave with a padded room name', got,
              [{'room': room, 'sid': a.sid, 'name': a.name}])
    await ctx.settle(a, b, c)
    ctx.equal('the leaver does not get its own left', c.count('left'), 0)
    ctx.equal('a member that left earlier gets no left for later leavers', c.count('left'), 0)
    # Leave a room you are not in / that does not exist: the README does not say.
    ack = await ctx.call(c, 'leave', {'room': room})
    ctx.note(f'leave of a room one is not in answers {short(ack)}')
    ack = await ctx.call(c, 'leave', {'room': 'no-such-room-ever'})
    ctx.note(f'leave of a room that does not exist answers {short(ack)}')
    for label, name in [('empty', ''), ('65 characters', 'q' * 65)]:
        ack = await ctx.call(c, 'leave', {'room': name})
        ctx.check(f'leave a room name {label}: ok false', err_ack(ack), short(ack))
    # Rejoining after a leave: joined again.
    await ctx.join(c, room)
    got = await b.wait_event('joined', lambda d: d.get('sid') == c.sid, n=2)
    ctx.equal('rejoining after a leave sends joined again', len(got), 2)


# ---- message ---------------------------------------------------------------------------------

async def scenario_message(ctx):
    room = 'msg-room'
    a = await ctx.peer('msg-a')
    b = await ctx.peer('msg-b')
    d = await ctx.peer('msg-d')  # never joins
    await ctx.join(a, room)
    await ctx.join(b, room)
    t0 = now_ms()
    await a.emit_logged('message', {'room': room, 'text': '  hello \n world \t', 'id': 'cid-1'})
    acks = await a.wait_event('ack:message')
    t1 = now_ms()
    ack = acks[0] if acks else None
    if not ctx.check('message ack {ok, id, ts}', ok_ack(ack) and set(ack) == {'ok', 'id', 'ts'}
                     and is_int(ack.get('id')) and is_int(ack.get('ts')), short(ack)):
        return
    ctx.check('message ack ts is now (ms since the epoch)', t0 - 2000 <= ack['ts'] <= t1 + 2000,
              f'ts {ack["ts"]}, local {t0}..{t1}')
    expected = {'id': ack['id'], 'room': room, 'sid': a.sid, 'name': a.name,
                'text': 'hello \n world', 'ts': ack['ts'], 'clientId': 'cid-1'}
    got_a = await a.wait_event('message')
    got_b = await b.wait_event('message')
    ctx.equal('message to the sender: all fields, text trimmed', got_a, [expected])
    ctx.equal('message to the other member: the same', got_b, [expected])
    kinds = [e for e, _ in a.log if e in ('ack:message', 'message')]
    ctx.equal('the sender gets the ack before the message event', kinds, ['ack:message',
                                                                          'message'])
    hist = await ctx.history(b, room)
    ctx.check('the acked message is in the history', ok_ack(hist)
              and hist.get('messages') == [expected], short(hist))

    ack2 = await ctx.send(a, room, 'no client id')
    m2 = await b.wait_event('message', lambda m: m.get('text') == 'no client id')
    ctx.check('message without id: clientId is null', ok_ack(ack2) and len(m2) == 1
              and m2[0].get('clientId') is None and 'clientId' in m2[0], short(m2))
    ctx.check('ids grow by one per message in a room', ok_ack(ack2)
              and ack2.get('id') == ack['id'] + 1, f'{ack["id"]} then {short(ack2)}')

    # Without asking for an ack the message is still stored and delivered.
    await a.sio.emit('message', {'room': room, 'text': 'no ack please'})
    got = await b.wait_event('message', lambda m: m.get('text') == 'no ack please')
    ctx.check('message without an ack request is still delivered', len(got) == 1, short(got))

    # Not a member; empty; whitespace; too long. None of them stored or delivered.
    before = await ctx.history(b, room)
    failures = [
        ('a sid that is not in the room', d, {'room': room, 'text': 'intruder'}),
        ('a room that does not exist', a, {'room': 'msg-no-such-room', 'text': 'x'}),
        ('empty text', a, {'room': room, 'text': ''}),
        ('whitespace-only text', a, {'room': room, 'text': ' \n\t  '}),
        ('16,001 characters', a, {'room': room, 'text': 'y' * 16001}),
        ('16,001 characters after trimming', a, {'room': room, 'text': ' ' + 'y' * 16001 + ' '}),
        ('a client id of 65 characters', a, {'room': room, 'text': 'long id', 'id': 'i' * 65}),
    ]
    for label, p, data in failures:
        ack = await ctx.call(p, 'message', data)
        ctx.check(f'message with {label}: ok false with an error', err_ack(ack), short(ack))
    await ctx.settle(a, b)
    after = await ctx.history(b, room)
    ctx.check('failed messages change nothing (history unchanged)',
              ok_ack(before) and after == before, f'{short(before)} vs {short(after)}')
    ctx.equal('failed messages are not delivered', len(b.events('message')), 3)
    hist = await ctx.history(a, 'msg-no-such-room')
    ctx.note(f'history of a room that never existed answers {short(hist)}')

    # Limits: 16,000 characters exactly, also after trimming, also non-ASCII.
    for label, text, stored in [('exactly 16,000 characters', 'z' * 16000, 'z' * 16000),
                                ('16,000 characters after trimming', '  ' + 'w' * 16000 + '\n',
                                 'w' * 16000),
                                ('16,000 non-ASCII characters (32,000 bytes)', 'é' * 16000,
                                 'é' * 16000),
                                ('a client id of 64 characters', 'id64', 'id64')]:
        cid = 'k' * 64 if 'client id' in label else None
        ack = await ctx.send(a, room, text, cid)
        got = await b.wait_event('message', lambda m: m.get('text') == stored)
        ctx.check(f'message of {label}: stored and delivered', ok_ack(ack) and len(got) == 1
                  and (cid is None or got[0].get('clientId') == cid),
                  f'{short(ack)} / {len(got)} delivered')

    # Ids: one sequence per room, each growing by one.
    room2 = 'msg-room-2'
    await ctx.join(a, room2)
    ids = {room: [], room2: []}
    for i in range(6):
        r = room if i % 2 == 0 else room2
        ack = await ctx.send(a, r, f'seq {i}')
        ids[r].append(ack.get('id') if ok_ack(ack) else None)
    for r, got in ids.items():
        ctx.check(f'ids in {r} grow by one per message (interleaved with another room)',
                  None not in got and all(y == x + 1 for x, y in zip(got, got[1:])), str(got))
    ctx.note(f'first id in a new room: {ids[room2][0]}')
    for count in (8000, 8001, 16000):
        ack = await ctx.send(a, room, '\U0001F600' * count)
        ctx.note(f'a text of {count} emoji ({count} characters, {2 * count} UTF-16 units) '
                 f'answers {short(ack, 100)}')
    # Unicode round trip.
    text = 'Grüße 🎉 — 你好'
    ack = await ctx.send(a, room, text)
    got = await b.wait_event('message', lambda m: m.get('text') == text.strip())
    ctx.check('non-ASCII text (emoji, CJK) round-trips', ok_ack(ack) and len(got) == 1,
              short(got))


async def scenario_duplicate_id(ctx):
    room, other_room = 'dup-room', 'dup-room-2'
    a = await ctx.peer('dup-a')
    b = await ctx.peer('dup-b')
    for p in (a, b):
        await ctx.join(p, room)
    await ctx.join(a, other_room)
    first = await ctx.send(a, room, 'retry me', 'retry-1')
    ctx.check('first send with client id retry-1', ok_ack(first), short(first))
    if not ok_ack(first):
        return
    again = await ctx.send(a, room, 'retry me', 'retry-1')
    ctx.equal('same name, same id, same room: the ack repeats the first id and ts',
              again, first)
    await b.wait_event('message', lambda m: m.get('clientId') == 'retry-1')
    await ctx.settle(a, b)
    ctx.note(f'a repeated client id delivered the message event '
             f'{b.count("message", lambda m: m.get("clientId") == "retry-1")} time(s)')

    # A retry after a reconnect: the same name on a new sid.
    old_sid = a.sid
    await a.close()
    await b.wait_event('left', lambda d: d.get('sid') == old_sid)
    a2 = await ctx.peer('dup-a')
    ctx.equal('the name is free again after the disconnect', a2.name, 'dup-a')
    await ctx.join(a2, room)
    await ctx.join(a2, other_room)
    retry = await ctx.send(a2, room, 'retry me', 'retry-1')
    ctx.equal('after a reconnect (new sid, same name) the retry acks the first id and ts',
              retry, first)
    other = await ctx.send(b, room, 'retry me', 'retry-1')
    ctx.check('another name with the same client id: a new message',
              ok_ack(other) and other.get('id') == first['id'] + 1, short(other))
    elsewhere = await ctx.send(a2, other_room, 'retry me', 'retry-1')
    ctx.check('the same name and client id in another room: a new message',
              ok_ack(elsewhere), short(elsewhere))
    hist = await ctx.history(b, room)
    msgs = hist.get('messages', []) if ok_ack(hist) else []
    ctx.equal('the retried message is stored once',
              [(m.get('id'), m.get('name'), m.get('clientId')) for m in msgs],
              [(first['id'], 'dup-a', 'retry-1'), (first['id'] + 1, 'dup-b', 'retry-1')])
    nxt = await ctx.send(a2, room, 'fresh')
    ctx.check('repeats use no id: the next message gets the next id',
              ok_ack(nxt) and nxt.get('id') == first['id'] + 2, short(nxt))


# ---- history ---------------------------------------------------------------------------------

async def fill(ctx, p, room, n, prefix):
    """Stores n messages '<prefix>-000'.. with client ids '<prefix>-cid-<i>'; returns the acks.

    Retries after "rate limit exceeded" (the limit is not what the callers test)."""
    acks = []
    for i in range(n):
        for _ in range(100):
            ack = await ctx.send(p, room, f'{prefix}-{i:03d}', f'{prefix}-cid-{i}')
            if isinstance(ack, dict) and ack.get('error') == 'rate limit exceeded':
                await asyncio.sleep(0.1)
                continue
            break
        if not ok_ack(ack):
            ctx.check(f'storing message {prefix}-{i}', False, short(ack))
            return acks
        acks.append(ack)
    return acks


async def scenario_history(ctx):
    room = 'hist-room'
    a = await ctx.peer('hist-a')
    outsider = await ctx.peer('hist-outsider')
    await ctx.join(a, room)
    acks = await fill(ctx, a, room, 260, 'h')
    if not ctx.check('260 messages stored', len(acks) == 260):
        return
    ids = [x['id'] for x in acks]
    ctx.check('the 260 ids grow by one', all(y == x + 1 for x, y in zip(ids, ids[1:])),
              f'{ids[:3]}...')

    def texts(r):
        return [m.get('text') for m in r.get('messages', [])] if ok_ack(r) else short(r)

    def expect(lo, hi):
        return [f'h-{i:03d}' for i in range(lo, hi)]

    r = await ctx.history(a, room)
    ctx.check('history ack is {ok, messages, own}',
              ok_ack(r) and set(r) == {'ok', 'messages', 'own'},
              short(r))
    ctx.equal('history: the last 50 by default, oldest first', texts(r), expect(210, 260))
    if ok_ack(r):
        ctx.equal('history ids are the acked ids', [m.get('id') for m in r['messages']],
                  ids[210:])
        ctx.equal('history ts are the acked ts', [m.get('ts') for m in r['messages']],
                  [x['ts'] for x in acks[210:]])
        bad = [message_shape_problem(m) for m in r['messages'] if message_shape_problem(m)]
        ctx.check('history: well-formed message objects', not bad, short(bad[:2]))
        ctx.equal('history message fields', {k: r['messages'][0].get(k) for k in
                                             ('room', 'sid', 'name', 'clientId')},
                  {'room': room, 'sid': a.sid, 'name': a.name, 'clientId': 'h-cid-210'})
    r = await ctx.history(a, room, limit=10)
    ctx.equal('history limit 10: the last 10', texts(r), expect(250, 260))
    r = await ctx.history(a, room, limit=1)
    ctx.equal('history limit 1: the last one', texts(r), expect(259, 260))
    r = await ctx.history(a, room, limit=200)
    ctx.equal('history limit 200: the last 200', texts(r), expect(60, 260))
    for limit in (201, 1000):
        r = await ctx.history(a, room, limit=limit)
        if ok_ack(r):
            ctx.equal(f'history limit {limit}: capped at 200 (the last 200)', texts(r),
                      expect(60, 260))
        else:
            ctx.check(f'history limit {limit}: refused with an error (at most 200)', err_ack(r),
                      short(r))
        ctx.note(f'history limit {limit} -> {"capped" if ok_ack(r) else "error"}')
    r = await ctx.history(a, room, before=ids[100], limit=5)
    ctx.equal('history before id #100, limit 5: the 5 before it', texts(r), expect(95, 100))
    r = await ctx.history(a, room, before=ids[100])
    ctx.equal('history before id #100: the 50 before it', texts(r), expect(50, 100))
    r = await ctx.history(a, room, before=ids[3], limit=50)
    ctx.equal('history before id #3: the 3 first', texts(r), expect(0, 3))
    r = await ctx.history(a, room, before=ids[0])
    ctx.equal('history before the first id: nothing', texts(r), [])
    r = await ctx.history(a, room, before=ids[-1] + 1000)
    ctx.equal('history before an id past the end: the last 50', texts(r), expect(210, 260))
    # After an id: what a client holding it has not seen, oldest first.
    r = await ctx.history(a, room, after=ids[100], limit=5)
    ctx.equal('history after id #100, limit 5: the 5 after it', texts(r), expect(101, 106))
    r = await ctx.history(a, room, after=ids[200])
    ctx.equal('history after id #200: the next 50', texts(r), expect(201, 251))
    r = await ctx.history(a, room, after=ids[-1])
    ctx.equal('history after the last id: nothing (caught up)', texts(r), [])
    r = await ctx.history(a, room, after=0, limit=3)
    ctx.equal('history after 0: the first ones', texts(r), expect(0, 3))
    for bad in (-1, 'x', True):
        r = await ctx.history(a, room, after=bad)
        ctx.check(f'history after {bad!r}: refused', err_ack(r), short(r))
    r = await ctx.history(a, room, after=ids[10], before=ids[20])
    ctx.check('history with both after and before: refused', err_ack(r), short(r))
    pages, last, got = 0, 0, []
    while pages < 10:
        r = await ctx.history(a, room, after=last, limit=100)
        if not ok_ack(r) or not r['messages']:
            break
        got += r['messages']
        last = r['messages'][-1]['id']
        pages += 1
    ctx.equal('paging with after and limit 100 yields all 260, in order, in 3 pages',
              ([m.get('text') for m in got], pages), (expect(0, 260), 3))
    # Paging back to the start.
    pages, before, got = 0, None, []
    while pages < 10:
        kw = {'limit': 100} if before is None else {'limit': 100, 'before': before}
        r = await ctx.history(a, room, **kw)
        if not ok_ack(r) or not r['messages']:
            break
        got = r['messages'] + got
        before = r['messages'][0]['id']
        pages += 1
    ctx.equal('paging with before and limit 100 yields all 260, in order, in 3 pages',
              ([m.get('text') for m in got], pages), (expect(0, 260), 3))
    r = await ctx.history(outsider, room, limit=3)
    ctx.equal('history also answers a sid that is not in the room', texts(r), expect(257, 260))
    r = await ctx.history(a, '  hist-room ', limit=2)
    ctx.equal('history trims the room name', texts(r), expect(258, 260))
    r = await ctx.call(a, 'history', {'room': room, 'limit': 0})
    ctx.note(f'history limit 0 answers {short(r, 120)}')
    r = await ctx.call(a, 'history', {'room': room, 'limit': -5})
    ctx.note(f'history limit -5 answers {short(r, 120)}')


# ---- typing, rename, who ---------------------------------------------------------------------

async def scenario_typing(ctx):
    room = 'typing-room'
    a = await ctx.peer('typing-a')
    b = await ctx.peer('typing-b')
    c = await ctx.peer('typing-c')
    d = await ctx.peer('typing-d')  # not in the room
    for p in (a, b, c):
        await ctx.join(p, room)
    for flag in (True, False):
        ack = await ctx.call(a, 'typing', {'room': room, 'typing': flag})
        ctx.equal(f'typing {flag}: ack', ack, {'ok': True})
        expected = {'room': room, 'sid': a.sid, 'name': a.name, 'typing': flag}
        for p in (b, c):
            got = await p.wait_event('typing', lambda t: t == expected)
            ctx.equal(f'typing {flag} relayed to {p.name} with room, sid, name, typing', got,
                      [expected])
    await ctx.settle(a, b, c, d)
    ctx.equal('the sender does not get its own typing', a.count('typing'), 0)
    ctx.equal('a sid outside the room gets no typing', d.count('typing'), 0)
    ctx.equal('each member got exactly the two typing events', (b.count('typing'),
                                                                c.count('typing')), (2, 2))
    ack = await ctx.call(d, 'typing', {'room': room, 'typing': True})
    await ctx.settle(b)
    ctx.note(f'typing into a room one is not in answers {short(ack, 120)}; members got '
             f'{b.count("typing") - 2} typing event(s) from it')


async def scenario_rename(ctx):
    r1, r2 = 'rename-room-1', 'rename-room-2'
    a = await ctx.peer('rename-a')
    b = await ctx.peer('rename-b')
    c = await ctx.peer('rename-c')
    d = await ctx.peer('rename-d')  # in no room
    await ctx.join(a, r1)
    await ctx.join(a, r2)
    await ctx.join(b, r1)
    await ctx.join(c, r2)
    ack = await ctx.call(a, 'rename', {'name': '  rename-new  '})
    ctx.equal('rename ack {ok, name}: the name trimmed', ack, {'ok': True, 'name': 'rename-new'})
    expected = {'sid': a.sid, 'old': 'rename-a', 'name': 'rename-new'}
    for p, label in ((a, 'the sender'), (b, 'a member of room 1'), (c, 'a member of room 2')):
        got = await p.wait_event('renamed')
        ctx.equal(f'renamed {{sid, old, name}} to {label}', got, [expected])
    await ctx.settle(a, b, c, d)
    ctx.equal('the sender gets renamed once although it is in two rooms', a.count('renamed'), 1)
    ctx.equal('a sid sharing no room gets no renamed', d.count('renamed'), 0)
    ack = await ctx.send(a, r1, 'after the rename')
    got = await b.wait_event('message', lambda m: m.get('text') == 'after the rename')
    ctx.check('messages carry the new name', got and got[0].get('name') == 'rename-new',
              short(got))
    who = await ctx.call(b, 'who')
    names = {s.get('sid'): s.get('name') for s in who.get('sids', [])} if ok_ack(who) else {}
    ctx.equal('who shows the new name', names.get(a.sid), 'rename-new')
    e = await ctx.peer('rename-a')
    ctx.equal('the old name is free after a rename', e.name, 'rename-a')

    ack = await ctx.call(a, 'rename', {'name': 'rename-b'})
    ctx.equal('renaming to a name in use gets a suffix', ack, {'ok': True, 'name': 'rename-b (2)'})
    got = await b.wait_event('renamed', lambda r: r.get('name') == 'rename-b (2)')
    ctx.equal('renamed carries the suffixed name',
              got, [{'sid': a.sid, 'old': 'rename-new', 'name': 'rename-b (2)'}])
    ack = await ctx.call(c, 'rename', {'name': 'rename-b'})
    ctx.equal('the next one gets (3)', ack, {'ok': True, 'name': 'rename-b (3)'})
    ack = await ctx.call(c, 'rename', {'name': 'N' * 40})
    ctx.equal('rename to 40 characters: cut to 32', ack, {'ok': True, 'name': 'N' * 32})
    emoji = 'b' + '\U0001F600' * 20
    ack = await ctx.call(c, 'rename', {'name': emoji})
    ctx.check('rename: cutting never splits a character (emoji)',
              ok_ack(ack) and ack.get('name') in (emoji, emoji[:16]), short(ack))
    ack = await ctx.call(b, 'rename', {'name': 'rename-b'})
    ctx.equal('renaming to one\'s own name keeps it (no suffix)', ack,
              {'ok': True, 'name': 'rename-b'})
    for label, name in [('empty', ''), ('whitespace-only', '   ')]:
        ack = await ctx.call(b, 'rename', {'name': name})
        ctx.check(f'rename to an {label} name: ok false (names are 1-32 characters)',
                  err_ack(ack), short(ack))
    # The join ack lists the members by name, with the names they have now.
    ack = await ctx.join(e, r1)
    if ok_ack(ack):
        ctx.equal('join ack members: sorted by name, renames included', ack.get('members'),
                  [{'sid': e.sid, 'name': 'rename-a'}, {'sid': b.sid, 'name': 'rename-b'},
                   {'sid': a.sid, 'name': 'rename-b (2)'}])


async def scenario_who(ctx):
    r1, r2 = 'who-room-1', 'who-room-2'
    t0 = now_ms()
    a = await ctx.peer('who-a')
    b = await ctx.peer('who-b')
    t1 = now_ms()
    await ctx.join(a, r1)
    await ctx.join(a, r2)
    await ctx.join(b, r1)
    ack = await ctx.call(b, 'who')
    ctx.check('who ack {ok, sids}', ok_ack(ack) and set(ack) == {'ok', 'sids'}
              and isinstance(ack.get('sids'), list), short(ack))
    if not ok_ack(ack):
        return
    by_sid = {s.get('sid'): s for s in ack['sids'] if isinstance(s, dict)}
    ctx.check('who lists every connected sid (here: a and b)',
              a.sid in by_sid and b.sid in by_sid, short(ack))
    shapes = [s for s in ack['sids'] if not isinstance(s, dict)
              or set(s) != {'sid', 'name', 'rooms', 'transport', 'since'}]
    ctx.check('every who entry is {sid, name, rooms, transport, since} (no address)',
              not shapes, short(shapes[:2]))
    sa = by_sid.get(a.sid, {})
    ctx.equal('who: name', sa.get('name'), 'who-a')
    ctx.check('who: rooms', isinstance(sa.get('rooms'), list) and sorted(sa['rooms']) == [r1, r2],
              short(sa.get('rooms')))
    ctx.equal('who: transport', sa.get('transport'), ctx.mode)
    ctx.check('who: since is the connect time in ms', is_int(sa.get('since'))
              and t0 - 2000 <= sa['since'] <= t1 + 2000, f'{sa.get("since")} vs {t0}..{t1}')
    ctx.equal('who: b is in one room', by_sid.get(b.sid, {}).get('rooms'), [r1])
    sid_a = a.sid
    await a.close()
    await b.wait_event('left', lambda d: d.get('sid') == sid_a)
    ack = await ctx.call(b, 'who')
    ctx.check('who no longer lists a disconnected sid', ok_ack(ack)
              and sid_a not in {s.get('sid') for s in ack['sids']}, short(ack))


async def scenario_show_addresses(ctx, binary):
    server = Server(binary, extra=['--show-addresses'], tag='show-addresses').start()
    try:
        a = await ctx.peer('addr-a', url=server.url)
        ack = await ctx.call(a, 'who')
        entry = next((s for s in ack.get('sids', []) if s.get('sid') == a.sid), {}) \
            if ok_ack(ack) else {}
        ctx.check('--show-addresses: who entries carry the address',
                  isinstance(entry.get('address'), str) and '127.0.0.1' in entry['address'],
                  short(ack))
    finally:
        await ctx.close()
        server.terminate()


# ---- rate limit ------------------------------------------------------------------------------

async def burst(ctx, p, room, n, prefix):
    """Emits n messages at once (no waiting between them); returns (acks in send order, secs)."""
    loop = asyncio.get_running_loop()
    futs = [loop.create_future() for _ in range(n)]
    t0 = time.monotonic()
    for i in range(n):
        await p.sio.emit('message', {'room': room, 'text': f'{prefix}-{i}'},
                         callback=lambda *a, f=futs[i]: f.done() or f.set_result(
                             a[0] if a else None))
    try:
        acks = await asyncio.wait_for(asyncio.gather(*futs), 15)
    except asyncio.TimeoutError:
        acks = [f.result() if f.done() else 'TIMEOUT' for f in futs]
    return acks, time.monotonic() - t0


async def scenario_rate_limit(ctx, binary, rate, n):
    extra = ['--rate-limit', str(rate)] if rate else []
    label = f'--rate-limit {rate}' if rate else 'default rate limit (20/s, bursts of 40)'
    server = Server(binary, extra=extra, tag='rate').start()
    try:
        room = 'rate-room'
        a = await ctx.peer('rate-a', url=server.url)
        b = await ctx.peer('rate-b', url=server.url)
        c = await ctx.peer('rate-c', url=server.url)
        for p in (a, b, c):
            await ctx.join(p, room)
        acks, secs = await burst(ctx, a, room, n, 'burst')
        oks = [i for i, x in enumerate(acks) if ok_ack(x)]
        errs = [x for x in acks if not ok_ack(x)]
        rate_ = rate or 20
        # The README gives the default as "20 by default, with bursts of 40", so a burst of
        # twice the rate, plus what refills while the burst is under way, is the most.
        least, most = rate_, 2 * rate_ + int(rate_ * secs) + 1
        if rate is None:
            least = 40
        ctx.check(f'{label}: a burst of {n} is cut off ({len(oks)} stored in {secs:.2f}s, '
                  f'expected {least}..{most})', least <= len(oks) <= most, '')
        ctx.check(f'{label}: the rest answer {{"ok": false, "error": "rate limit exceeded"}}',
                  errs and all(x == {'ok': False, 'error': 'rate limit exceeded'} for x in errs),
                  short(errs[:3]))
        await ctx.settle(a, b)
        hist = await ctx.history(b, room, limit=200)
        stored = [m.get('text') for m in hist.get('messages', [])] if ok_ack(hist) else None
        ctx.equal(f'{label}: nothing stored beyond the limit', stored,
                  [f'burst-{i}' for i in oks])
        ctx.equal(f'{label}: nothing delivered beyond the limit',
                  [m.get('text') for m in b.events('message')], [f'burst-{i}' for i in oks])
        ids = [acks[i].get('id') for i in oks]
        ctx.check(f'{label}: the stored ones have consecutive ids',
                  all(y == x + 1 for x, y in zip(ids, ids[1:])), str(ids))
        ack = await ctx.send(c, room, 'someone else')
        ctx.check(f'{label}: the limit is per sid (another sid may send)', ok_ack(ack), short(ack))
        # Tokens come back with time: retry every 50 ms for up to 3 s.
        t0 = time.monotonic()
        ack = None
        while time.monotonic() - t0 < 3:
            ack = await ctx.send(a, room, 'later')
            if ok_ack(ack):
                break
            await asyncio.sleep(0.05)
        waited = time.monotonic() - t0
        ctx.check(f'{label}: sending works again after a moment ({waited:.2f}s)',
                  ok_ack(ack) and waited < 2.0 / rate_ + 1.0, short(ack))
    finally:
        await ctx.close()
        server.terminate()


# ---- malformed payloads ----------------------------------------------------------------------

NO_PAYLOAD = object()


async def scenario_malformed(ctx):
    room = 'bad-room'
    a = await ctx.peer('bad-a')
    b = await ctx.peer('bad-b')
    await ctx.join(a, room)
    await ctx.join(b, room)
    ok = await ctx.send(a, room, 'the only message')
    before = await ctx.history(b, room)
    cases = {
        'join': [NO_PAYLOAD, 'bad-room', ['bad-room'], 42, None, {}, {'room': 5},
                 {'room': None}, {'room': ['bad-room']}, {'room': {'name': 'x'}},
                 {'room': True}, {'name': 'bad-room'}],
        'leave': [NO_PAYLOAD, 'bad-room', ['bad-room'], 42, None, {}, {'room': 5},
                  {'room': None}, {'room': ['bad-room']}, {'room': True}],
        'message': [NO_PAYLOAD, 'hello', ['bad-room', 'hello'], 42, None, {},
                    {'room': room}, {'text': 'hello'}, {'room': room, 'text': 5},
                    {'room': room, 'text': None}, {'room': room, 'text': ['hello']},
                    {'room': room, 'text': {'t': 1}}, {'room': 5, 'text': 'hello'},
                    {'room': None, 'text': 'hello'}, {'room': room, 'text': 'hello', 'id': 5},
                    {'room': room, 'text': 'hello', 'id': ['x']},
                    {'room': room, 'text': 'hello', 'id': True}],
        'history': [NO_PAYLOAD, 'bad-room', ['bad-room'], 42, None, {}, {'room': 5},
                    {'room': None}, {'room': room, 'before': '3'},
                    {'room': room, 'before': [1]}, {'room': room, 'limit': '10'},
                    {'room': room, 'limit': {'n': 1}}, {'room': room, 'limit': True},
                    {'room': room, 'before': True}],
        'typing': [NO_PAYLOAD, 'bad-room', ['bad-room', True], 42, None, {}, {'room': room},
                   {'typing': True}, {'room': room, 'typing': 'yes'},
                   {'room': room, 'typing': 1}, {'room': room, 'typing': None},
                   {'room': 5, 'typing': True}],
        'rename': [NO_PAYLOAD, 'new-name', ['new-name'], 42, None, {}, {'name': 5},
                   {'name': None}, {'name': ['x']}, {'name': True}, {'nick': 'x'}],
    }
    for event, payloads in cases.items():
        for payload in payloads:
            if payload is NO_PAYLOAD:
                label = 'no payload'
                ack = await ctx.call(a, event)  # python-socketio: data None sends no argument
            else:
                label = short(payload, 60)
                # A bare None must go as a JSON null argument: wrap it in a 1-tuple.
                data = (None,) if payload is None else payload
                ack = await ctx.call(a, event, data)
            ctx.check(f'{event} with {label}: ok false with an error', err_ack(ack), short(ack))
    ctx.check('the connection stays up after all malformed payloads', a.sio.connected)
    who = await ctx.call(a, 'who')
    ctx.check('... and still answers (who)', ok_ack(who), short(who))
    await ctx.settle(a, b)
    after = await ctx.history(b, room)
    ctx.check('malformed messages stored nothing', ok_ack(ok) and after == before,
              f'{short(before)} vs {short(after)}')
    ctx.equal('malformed payloads sent nothing to the room',
              [e for e, d in b.log if e in ('message', 'typing', 'renamed', 'left', 'joined')
               and isinstance(d, dict) and d.get('sid') == a.sid],
              ['message'])
    entry = next((s for s in who.get('sids', []) if s.get('sid') == a.sid), {}) \
        if ok_ack(who) else {}
    ctx.equal('malformed payloads changed neither name nor rooms',
              (entry.get('name'), entry.get('rooms')), ('bad-a', [room]))
    ack = await ctx.call(a, 'no-such-event', {'x': 1})
    ctx.note(f'an unknown event answers {short(ack, 120)}; connected: {a.sio.connected}')


# ---- disconnect ------------------------------------------------------------------------------

async def scenario_disconnect(ctx):
    r1, r2 = 'bye-room-1', 'bye-room-2'
    a = await ctx.peer('bye-a')
    b = await ctx.peer('bye-b')
    c = await ctx.peer('bye-c')
    await ctx.join(a, r1)
    await ctx.join(a, r2)
    await ctx.join(b, r1)
    await ctx.join(c, r2)
    sid, name = a.sid, a.name
    await a.close()
    for p, room in ((b, r1), (c, r2)):
        got = await p.wait_event('left')
        ctx.equal(f'a disconnect sends left to the members of {room}', got,
                  [{'room': room, 'sid': sid, 'name': name}])
    if ctx.mode == 'websocket':
        # Killed without a goodbye: the closed TCP connection is enough.
        child = await asyncio.create_subprocess_exec(
            sys.executable, os.path.abspath(__file__), '--child', ctx.url, 'bye-child', r1,
            stdout=asyncio.subprocess.PIPE)
        try:
            line = (await asyncio.wait_for(child.stdout.readline(), 15)).decode().split()
            ctx.check('child client joined', len(line) == 2 and line[0] == 'SID', str(line))
            child.kill()
            await child.wait()
            got = await b.wait_event('left', lambda d: d.get('name') == 'bye-child')
            ctx.equal('a client killed without a DISCONNECT still leaves (left to members)',
                      got, [{'room': r1, 'sid': line[1] if len(line) == 2 else None,
                             'name': 'bye-child'}])
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()


async def scenario_upgrade(ctx):
    """python-socketio's default: polling first, then the upgrade to WebSocket."""
    room = 'upgrade-room'
    a = await ctx.peer('upgrade-a')
    b = await ctx.peer('upgrade-b')
    ctx.check('welcome over polling-then-upgrade', a.name == 'upgrade-a', short(a.log))
    for p in (a, b):
        await ctx.join(p, room)
    ack = await ctx.send(a, room, 'over the upgrade', 'up-1')
    got = await b.wait_event('message', lambda m: m.get('clientId') == 'up-1')
    ctx.check('message acked and delivered', ok_ack(ack) and len(got) == 1, short(got))
    # Nothing tells a client that the host has seen the upgrade: ask `who` until it says so.
    transport, deadline = None, time.monotonic() + 5
    while time.monotonic() < deadline:
        who = await ctx.call(b, 'who')
        entry = next((s for s in who.get('sids', []) if s.get('sid') == a.sid), {}) \
            if ok_ack(who) else {}
        transport = entry.get('transport')
        if transport == 'websocket':
            break
        await asyncio.sleep(0.05)
    ctx.equal('who: transport is websocket after the upgrade', transport, 'websocket')


async def child_main(url, name, room):
    p = Peer()
    await p.connect(url, ['websocket'], auth={'name': name})
    await p.call('join', {'room': room})
    print('SID', p.sid, flush=True)
    await asyncio.sleep(3600)


# ---- main ------------------------------------------------------------------------------------

async def run(ctx, name, coro):
    if VERBOSE:
        print(f'---- [{ctx.mode}] {name}', flush=True)
    try:
        await coro
    except Exception:
        R.check(ctx.mode, f'{name} ran to the end', False, traceback.format_exc())
    finally:
        await ctx.close()


async def main(binary):
    global VERSION
    quiet_aiohttp_leaks(asyncio.get_running_loop())
    out = subprocess.run([binary, '--version'], capture_output=True, text=True, timeout=10)
    VERSION = out.stdout.strip().split()[-1] if out.stdout.strip() else '?'
    for mode, transports in MODES:
        server = Server(binary, extra=FAST, tag=mode)
        try:
            server.start()
            ctx = Ctx(server, mode, transports)
            ctx.server_name = 'Confab'  # the default (README's welcome example)
            for name, coro in [
                ('welcome', scenario_welcome), ('names', scenario_names),
                ('join', scenario_join), ('room events', scenario_room_events),
                ('device', scenario_device),
                ('leave', scenario_leave),
                ('message', scenario_message), ('duplicate client id', scenario_duplicate_id),
                ('history', scenario_history), ('typing', scenario_typing),
                ('rename', scenario_rename), ('who', scenario_who),
                ('malformed', scenario_malformed), ('disconnect', scenario_disconnect),
            ]:
                await run(ctx, name, coro(ctx))
            if mode == 'websocket':
                up = Ctx(server, 'upgrade', None)
                await run(up, 'upgrade', scenario_upgrade(up))
            await run(ctx, 'password', scenario_password(ctx, binary))
            await run(ctx, 'show addresses', scenario_show_addresses(ctx, binary))
            R.check(mode, 'the host survived everything', server.alive(), server.stderr_tail())
        except Exception:
            R.check(mode, 'host started', False, traceback.format_exc())
        finally:
            code = server.terminate()
            R.check(mode, 'SIGTERM stops the host with exit code 0', code == 0, f'code {code}')

    ctx = Ctx(None, 'websocket', ['websocket'])  # these scenarios start their own hosts
    await run(ctx, '--rate-limit 5', scenario_rate_limit(ctx, binary, 5, 30))
    await run(ctx, 'default rate limit', scenario_rate_limit(ctx, binary, None, 80))

    # --name, on a host of its own.
    server = Server(binary, extra=['--name', 'Team room'], tag='name')
    try:
        server.start()
        ctx = Ctx(server, 'websocket', ['websocket'])
        p = await ctx.peer('name-a')
        R.equal('websocket', '--name sets welcome server.name',
                (p.welcome or {}).get('server', {}).get('name'), 'Team room')
        await ctx.close()
    except Exception:
        R.check('websocket', '--name host', False, traceback.format_exc())
    finally:
        server.terminate()


if __name__ == '__main__':
    if len(sys.argv) >= 2 and sys.argv[1] == '--child':
        asyncio.run(child_main(*sys.argv[2:5]))
        sys.exit(0)
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    asyncio.run(main(sys.argv[1]))
    sys.exit(R.summary())
