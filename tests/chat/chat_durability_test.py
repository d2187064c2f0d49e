#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A host killed at any moment loses no acknowledged message (server/chat/README.md, Storage).

    /usr/bin/python3 chat_durability_test.py path/to/confab-server [--seed N] [--verbose]

Each round starts confab-server --data <one temp dir>, lets six python-socketio AsyncClients
(two per room, up to WINDOW unacknowledged messages each) send as fast as the acks come back,
and SIGKILLs the host after 50 ms, 200 ms, 500 ms, or a random time of that load. On the next
start (same data dir) the complete history of every room, paged with `before`, must hold every
acknowledged message exactly once with the same id, ts and text; unacknowledged ones may be
there, never twice; ids strictly increase. The clients then retry their unacknowledged messages
with the same client ids (same names): the ack must repeat the stored id and ts when the
message made it to disk, and nothing may be stored twice. Finally a SIGTERM must exit 0 and
keep the history identical across one more restart. Ends with "N passed, M failed".
"""
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chat_common import Peer, Results, Server, quiet_aiohttp_leaks  # noqa: E402

R = Results()
VERBOSE = '--verbose' in sys.argv
ROOMS = ['dur-a', 'dur-b', 'dur-c']
CLIENTS = [(f'dur-{i}', ROOMS[i % len(ROOMS)]) for i in range(6)]
WINDOW = 4          # unacknowledged messages per client at once
EXTRA = ['--rate-limit', '100000', '--event-rate-limit', '100000']  # limits are not under test here


class Ledger:
    """What the clients sent and what the host acknowledged, across all rounds."""

    def __init__(self):
        self.sent = {}     # (room, clientId) -> (name, text)
        self.acked = {}    # (room, clientId) -> (id, ts, text)
        self.pending = {}  # (room, clientId) -> (name, text): sent, no ack (yet)
        self.seq = {name: 0 for name, _ in CLIENTS}
        self.bad_acks = []


async def connect_all(url, tag):
    peers = []
    for name, room in CLIENTS:
        p = Peer(name)
        await p.connect(url, ['websocket'], auth={'name': name})
        w = await p.wait_event('welcome')
        R.check(tag, f'{name} connected under its own name (needed for retries)',
                w and w[0].get('name') == name, repr(w))
        ack = await p.call('join', {'room': room}, timeout=10)
        if not (isinstance(ack, dict) and ack.get('ok') is True):
            raise RuntimeError(f'{name} could not join {room}: {ack!r}')
        peers.append((p, name, room))
    return peers


def text_for(cid, seq):
    # Mostly short texts, now and then a long one, so that commits carry different sizes.
    filler = 'x' * (3000 if seq % 17 == 0 else seq % 40)
    return f'{cid}:{filler}'


async def pump(peer, name, room, ledger, stop):
    """Sends with up to WINDOW acks outstanding until stop is set or the connection drops."""
    outstanding = 0
    progress = asyncio.Event()
    peer.sio.on('disconnect', lambda: progress.set())

    def make_cb(key, text):
        def cb(*args):
            nonlocal outstanding
            outstanding -= 1
            ack = args[0] if args else None
            if isinstance(ack, dict) and ack.get('ok') is True:
                ledger.acked[key] = (ack.get('id'), ack.get('ts'), text)
                ledger.pending.pop(key, None)
            else:
                ledger.bad_acks.append((key, ack))
            progress.set()
        return cb

    while not stop.is_set() and peer.sio.connected:
        if outstanding >= WINDOW:
            progress.clear()
            try:
                await asyncio.wait_for(progress.wait(), 0.1)
            except asyncio.TimeoutError:
                pass
            continue
        ledger.seq[name] += 1
        seq = ledger.seq[name]
        cid = f'{name}-{seq}'
        text = text_for(cid, seq)
        key = (room, cid)
        ledger.sent[key] = (name, text)
        ledger.pending[key] = (name, text)
        outstanding += 1
        try:
            await peer.sio.emit('message', {'room': room, 'text': text, 'id': cid},
                                callback=make_cb(key, text))
        except Exception:
            break


async def full_history(peer, room):
    """Every message of the room, oldest first, paged backwards with before/limit 200."""
    out, before = [], None
    for _ in range(100000):
        q = {'room': room, 'limit': 200}
        if before is not None:
            q['before'] = before
        ack = await peer.call('history', q, timeout=20)
        if not (isinstance(ack, dict) and ack.get('ok') is True):
            raise RuntimeError(f'history {q!r} answered {ack!r}')
        page = ack['messages']
        if not page:
            break
        out = page + out
        before = page[0]['id']
    return out


async def verify(peer, ledger, tag):
    """Checks the stored history against the ledger; returns {room: [messages]}."""
    histories = {}
    for room in ROOMS:
        msgs = await full_history(peer, room)
        histories[room] = msgs
        ids = [m.get('id') for m in msgs]
        R.check(tag, f'{room}: ids strictly increase ({len(ids)} messages)',
                all(b > a for a, b in zip(ids, ids[1:])),
                f'first problem at {next((i for i, (a, b) in enumerate(zip(ids, ids[1:])) if b <= a), None)}')
        seen = {}
        for m in msgs:
            seen.setdefault(m.get('clientId'), []).append(m)
        twice = {cid: len(v) for cid, v in seen.items() if len(v) > 1}
        R.check(tag, f'{room}: no message stored twice', not twice, repr(list(twice.items())[:5]))
        foreign = [cid for cid in seen if (room, cid) not in ledger.sent]
        R.check(tag, f'{room}: every stored message is one the clients sent', not foreign,
                repr(foreign[:5]))
        acked = {cid: v for (r, cid), v in ledger.acked.items() if r == room}
        missing = [cid for cid in acked if cid not in seen]
        R.check(tag, f'{room}: every acknowledged message is there ({len(acked)})', not missing,
                f'{len(missing)} missing, e.g. {missing[:5]}')
        wrong = [(cid, (seen[cid][0].get('id'), seen[cid][0].get('ts')), v[:2])
                 for cid, v in acked.items() if cid in seen
                 and (seen[cid][0].get('id'), seen[cid][0].get('ts'), seen[cid][0].get('text'))
                 != v]
        R.check(tag, f'{room}: with the acknowledged id, ts and text', not wrong,
                f'{len(wrong)} differ, e.g. {wrong[:3]}')
        unacked_there = sum(1 for cid in seen if (room, cid) in ledger.pending)
        if VERBOSE or unacked_there:
            print(f'     [{tag}] {room}: {len(msgs)} stored, {unacked_there} of them never '
                  f'acknowledged', flush=True)
    return histories


async def retry_pending(peers, ledger, histories, tag):
    """Resends every unacknowledged message with its client id from the same name."""
    by_name = {name: p for p, name, _ in peers}
    retried = same = new = 0
    problems = []
    for key, (name, text) in sorted(ledger.pending.items()):
        room, cid = key
        stored = next((m for m in histories[room] if m.get('clientId') == cid), None)
        top = histories[room][-1]['id'] if histories[room] else 0
        ack = await by_name[name].call('message', {'room': room, 'text': text, 'id': cid},
                                       timeout=10)
        retried += 1
        if not (isinstance(ack, dict) and ack.get('ok') is True):
            problems.append((cid, 'refused', ack))
            continue
        if stored is not None:
            same += 1
            if (ack.get('id'), ack.get('ts')) != (stored['id'], stored['ts']):
                problems.append((cid, 'ack differs from the stored message', ack, stored['id']))
        else:
            new += 1
            if not (isinstance(ack.get('id'), int) and ack['id'] > top):
                problems.append((cid, 'new id not past the last stored one', ack, top))
            histories[room].append({'id': ack.get('id'), 'ts': ack.get('ts'), 'clientId': cid,
                                    'text': text})
        ledger.acked[key] = (ack.get('id'), ack.get('ts'), text)
    ledger.pending.clear()
    R.check(tag, f'retrying {retried} unacknowledged messages ({same} already stored: the ack '
            f'repeats their id and ts; {new} stored now)', not problems, repr(problems[:5]))


async def round_(binary, data, ledger, kill_after, tag):
    server = Server(binary, data=data, extra=EXTRA, tag=tag).start()
    peers = []
    handed_over = False
    try:
        peers = await connect_all(server.url, tag)
        histories = await verify(peers[0][0], ledger, f'{tag} after restart')
        await retry_pending(peers, ledger, histories, tag)
        await verify(peers[0][0], ledger, f'{tag} after the retries')
        if kill_after is None:
            handed_over = True
            return server, peers
        before = len(ledger.acked)
        stop = asyncio.Event()
        tasks = [asyncio.ensure_future(pump(p, name, room, ledger, stop))
                 for p, name, room in peers]
        # The load has begun when the first ack is back (a slow start must not leave a round
        # without any acknowledged message to check).
        deadline = time.monotonic() + 10
        while len(ledger.acked) == before and time.monotonic() < deadline \
                and all(not t.done() for t in tasks):
            await asyncio.sleep(0.005)
        t0 = time.monotonic()
        await asyncio.sleep(kill_after)  # the kill moment is the point of the test
        server.sigkill()
        killed_at = time.monotonic() - t0
        await asyncio.wait_for(asyncio.gather(*tasks), 30)
        R.check(tag, f'load ran until SIGKILL at {killed_at * 1000:.0f} ms: '
                f'{len(ledger.acked) - before} acked, {len(ledger.pending)} in flight',
                len(ledger.acked) > before, 'no message was acknowledged')
        R.check(tag, 'no message was refused', not ledger.bad_acks, repr(ledger.bad_acks[:3]))
        ledger.bad_acks.clear()
        return None, peers
    finally:
        if not handed_over:
            server.kill()
            for p, _, _ in peers:
                await p.close()


async def memory_keeps_nothing(binary):
    """--data :memory: keeps nothing: a restarted host has no history."""
    tag = ':memory:'
    for start in (1, 2):
        server = Server(binary, data=':memory:', extra=EXTRA, tag=tag).start()
        p = Peer('mem')
        try:
            await p.connect(server.url, ['websocket'], auth={'name': 'mem'})
            w = await p.wait_event('welcome')
            if start == 1:
                await p.call('join', {'room': 'mem-room'})
                ack = await p.call('message', {'room': 'mem-room', 'text': 'gone soon'})
                R.check(tag, 'message stored', ack.get('ok') is True, repr(ack))
            else:
                R.equal(tag, 'after a restart the host knows no rooms',
                        w[0].get('rooms') if w else None, [])
                hist = await p.call('history', {'room': 'mem-room'})
                R.equal(tag, 'after a restart the history is empty', hist,
                        {'ok': True, 'messages': [], 'own': []})
        finally:
            await p.close()
            code = server.terminate()
        R.equal(tag, 'SIGTERM: exit code 0', code, 0)


async def main(binary, seed):
    quiet_aiohttp_leaks(asyncio.get_running_loop())
    rng = random.Random(seed)
    print(f'seed {seed}', flush=True)
    data = tempfile.mkdtemp(prefix='confab-chat-durability-')
    ledger = Ledger()
    server = None
    peers = []
    try:
        delays = [0.05, 0.2, 0.5] + [rng.uniform(0.02, 1.0) for _ in range(7)]
        for i, delay in enumerate(delays):
            await round_(binary, data, ledger, delay, f'round {i + 1}')
            if i == 0:
                R.check('round 1', f'--data {data}: the store lives in that folder',
                        os.listdir(data), 'the folder is empty')
        # Last restart after a kill: check, retry, check; then a graceful stop.
        server, peers = await round_(binary, data, ledger, None, 'final')
        before = {room: await full_history(peers[0][0], room) for room in ROOMS}
        for p, _, _ in peers:
            await p.close()
        peers = []
        code = server.terminate(timeout=20)
        R.equal('final', 'SIGTERM: the host exits with code 0', code, 0)
        server = Server(binary, data=data, extra=EXTRA, tag='after SIGTERM').start()
        p = Peer('dur-check')
        peers = [(p, 'dur-check', None)]
        await p.connect(server.url, ['websocket'], auth={'name': 'dur-check'})
        after = {room: await full_history(p, room) for room in ROOMS}
        R.check('after SIGTERM', 'the history is identical after a graceful restart',
                after == before, ', '.join(f'{r}: {len(before[r])} -> {len(after[r])}'
                                           for r in ROOMS))
        await verify(p, ledger, 'after SIGTERM')
        R.check('after SIGTERM', f'{len(ledger.acked)} acknowledged messages in all',
                len(ledger.acked) > 0)
        code = server.terminate(timeout=20)
        R.equal('after SIGTERM', 'SIGTERM again: exit code 0', code, 0)
        server = None
        await memory_keeps_nothing(binary)
    except Exception:
        R.check('durability', 'ran to the end', False, traceback.format_exc())
    finally:
        for p, _, _ in peers:
            await p.close()
        if server is not None:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == '__main__':
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    seed = int(sys.argv[sys.argv.index('--seed') + 1]) if '--seed' in sys.argv \
        else random.randrange(1 << 30)
    asyncio.run(main(sys.argv[1], seed))
    sys.exit(R.summary())
