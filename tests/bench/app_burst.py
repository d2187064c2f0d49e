#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The app under a burst (issue 21): what hosting a busy room costs the desktop app.

Starts `confab --host` (offscreen, --data :memory:), connects N python-socketio clients over
WebSocket, joins them to the room the app shows ("lobby"), and lets each send acked `message`s
as fast as its acks return for D seconds. Then the same burst against `confab-server`. Prints a
table and one JSON line (--out FILE writes the JSON too). Not a test: nothing here is in ctest.

Run with Debian's /usr/bin/python3 (python-socketio 5.7 + aiohttp):
    /usr/bin/python3 tests/bench/app_burst.py --build build [--clients 10] [--duration 6]

The hosts keep their default per-client rate limit (20 messages/s, bursts of 40): a client
whose message is refused with "rate limit exceeded" waits one token's time (1/20 s) before its
next one, so that both hosts are compared under the same limits without measuring a refusal
loop. Every process started here is stopped here, by pid, also on failure.
"""
import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import aiohttp
import socketio

ROOM = 'lobby'  # the room the app joins on its first welcome (app/chatroomstate.cpp)
TICK = os.sysconf('SC_CLK_TCK')
APP_PORT = re.compile(r'hosting on port (\d+)')  # the app's confab.app info line (stderr)
SERVER_READY = re.compile(r'Confab host ready: join at http://127\.0\.0\.1:(\d+)/')
RATE_LIMIT_WAIT = 1 / 20  # one token of the default --rate-limit 20
TARGETS = {'app_cpu_ms_per_msg': 0.5, 'throughput_ratio': 0.8, 'frame_p99_ms': 33.0,
           'rss_mb_per_1000': 2.0}

PROCS = []  # every Popen started, stopped by stop_all()


def stop(proc, timeout=5):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def stop_all():
    for proc in PROCS:
        try:
            stop(proc)
        except Exception:  # noqa: BLE001 - keep stopping the others
            pass


def cpu_ticks(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14, 15)


def rss_kb(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


class Host:
    """One host process; learns its port from a line of its output."""

    def __init__(self, label, args, env, pattern, stream):
        self.label = label
        self.lines = []
        ready = threading.Event()
        self.port = None
        self.proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        PROCS.append(self.proc)

        def reader(pipe, watch):
            for raw in pipe:  # drained to the end so that the pipe never fills
                line = raw.decode(errors='replace').rstrip('\n')
                self.lines.append(line)
                m = pattern.search(line) if watch else None
                if m and self.port is None:
                    self.port = int(m.group(1))
                    ready.set()
            if watch:
                ready.set()

        threading.Thread(target=reader, args=(self.proc.stdout, stream == 'stdout'),
                         daemon=True).start()
        threading.Thread(target=reader, args=(self.proc.stderr, stream == 'stderr'),
                         daemon=True).start()
        if not ready.wait(30) or self.port is None:
            stop(self.proc)
            raise RuntimeError(f'{label}: no port line; output tail:\n' + '\n'.join(self.lines[-20:]))
        self.url = f'http://127.0.0.1:{self.port}'

    @property
    def pid(self):
        return self.proc.pid


async def client_burst(i, url, end_at, counts, joined, go):
    http = aiohttp.ClientSession()
    sio = socketio.AsyncClient(reconnection=False, http_session=http)
    received = [0]
    # *rest: confab-server appends a connection-state-recovery offset to each event.
    sio.on('message', lambda data, *rest: received.__setitem__(0, received[0] + 1))
    try:
        await sio.connect(url, auth={'name': f'bench-{i}'}, transports=['websocket'],
                          wait_timeout=10)
        ack = await sio.call('join', {'room': ROOM}, timeout=10)
        if not ack or not ack.get('ok'):
            raise RuntimeError(f'client {i}: join refused: {ack!r}')
        joined.put_nowait(i)
        await go.wait()  # all joined and settled before anyone sends
        n = 0
        while time.monotonic() < end_at[0]:
            ack = await sio.call('message', {'room': ROOM, 'text': f'burst {i} {n}'}, timeout=10)
            n += 1
            if ack and ack.get('ok'):
                counts['ok'] += 1
            elif ack and ack.get('error') == 'rate limit exceeded':
                counts['limited'] += 1
                await asyncio.sleep(RATE_LIMIT_WAIT)  # pacing, not synchronisation
            else:
                counts['failed'] += 1
        counts['received'] += received[0]
    finally:
        try:
            if sio.connected:
                await sio.disconnect()
        finally:
            if not http.closed:
                await http.close()


async def burst(host, clients, duration, settle, perf_out=None):
    counts = {'clients': clients, 'ok': 0, 'limited': 0, 'failed': 0, 'received': 0}
    end_at = [float('inf')]
    joined, go = asyncio.Queue(), asyncio.Event()
    tasks = [asyncio.create_task(client_burst(i, host.url, end_at, counts, joined, go))
             for i in range(clients)]

    async def all_joined():
        for _ in range(clients):
            await joined.get()

    waiter = asyncio.create_task(all_joined())
    # A client that fails ends its task before joining: stop waiting then, not after 30 s.
    await asyncio.wait([waiter, *tasks], timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if not waiter.done():
        waiter.cancel()
        for t in tasks:
            t.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        errors = [r for r in results if isinstance(r, Exception)]
        raise RuntimeError(f'{host.label}: not all of {clients} clients joined'
                           + (f': {errors[0]!r}' if errors else ''))
    perf = None
    if perf_out:  # started before the settle time so that it is attached when the burst starts
        # DWARF unwinding: Qt's libraries have no frame pointers, so -g alone loses the callers.
        perf = subprocess.Popen(['perf', 'record', '-F', '499', '--call-graph', 'dwarf,16384',
                                 '-p', str(host.pid),
                                 '-o', perf_out], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        PROCS.append(perf)
    await asyncio.sleep(settle)  # let the joins' repaints and history settle before measuring
    rss0, cpu0, t0 = rss_kb(host.pid), cpu_ticks(host.pid), time.monotonic()
    end_at[0] = t0 + duration
    go.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    t1, cpu1, rss1 = time.monotonic(), cpu_ticks(host.pid), rss_kb(host.pid)
    if perf is not None:
        perf.send_signal(signal.SIGINT)  # perf writes its file on SIGINT
        perf.wait(30)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        raise RuntimeError(f'{host.label}: {len(errors)} clients failed: {errors[0]!r}')
    secs = t1 - t0
    ok = counts['ok']
    cpu_s = (cpu1 - cpu0) / TICK
    return {
        'messages_acked': ok, 'rate_limited': counts['limited'], 'failed': counts['failed'],
        'broadcasts_received': counts['received'], 'seconds': round(secs, 3),
        'messages_per_s': round(ok / secs, 1),
        'cpu_s': round(cpu_s, 3), 'cpu_pct': round(100 * cpu_s / secs, 1),
        'cpu_ms_per_msg': round(1000 * cpu_s / ok, 3) if ok else None,
        'rss_mb_before': round(rss0 / 1024, 1), 'rss_mb_after': round(rss1 / 1024, 1),
        'rss_mb_per_1000': round((rss1 - rss0) / 1024 / ok * 1000, 3) if ok else None,
        't0': t0, 't1': t1,
    }


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def read_frames(path, t0, t1, wait_until):
    """Intervals between frames swapped in [t0, t1] (CLOCK_MONOTONIC ms in the file, like
    time.monotonic())."""
    # The app appends its frames once a second: wait for a write after the burst's end.
    while time.monotonic() < wait_until:
        try:
            if os.path.getmtime(path) > time.time() - (time.monotonic() - t1):
                break
        except OSError:
            pass
        time.sleep(0.1)
    intervals = []
    latencies = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                # Both ends inside: the first frame of the burst follows the idle settle time,
                # an interval that says nothing about the burst.
                if len(parts) >= 2:
                    at, interval = float(parts[0]), float(parts[1])
                    if t0 * 1000 <= at - interval and at <= t1 * 1000:
                        intervals.append(interval)
                        # The third column: ms from the arrival of the first message the frame
                        # shows to the frame (-1: it shows none).
                        if len(parts) >= 3 and float(parts[2]) >= 0:
                            latencies.append(float(parts[2]))
    except OSError:
        pass
    s = sorted(intervals)
    lat = sorted(latencies)
    return {'frames': len(s), 'frame_p50_ms': percentile(s, 50), 'frame_p99_ms': percentile(s, 99),
            'frame_max_ms': s[-1] if s else None,
            'latency_p50_ms': percentile(lat, 50), 'latency_p99_ms': percentile(lat, 99),
            'latency_max_ms': lat[-1] if lat else None}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--build', default=os.path.join(top, 'build'), help='build dir (default build/)')
    ap.add_argument('--app', help='confab binary (default <build>/app/confab)')
    ap.add_argument('--server', help='confab-server binary (default <build>/server/chat/confab-server)')
    ap.add_argument('--clients', type=int, default=10)
    ap.add_argument('--duration', type=float, default=6.0, help='seconds of burst (default 6)')
    ap.add_argument('--settle', type=float, default=1.0, help='seconds after the joins (default 1)')
    ap.add_argument('--no-server', action='store_true', help='only the app')
    ap.add_argument('--out', help='write the JSON here too')
    ap.add_argument('--perf', metavar='FILE',
                    help='also `perf record -g` the app over the settle time and the burst into '
                         'FILE (then: perf report -i FILE --sort dso)')
    args = ap.parse_args()
    app_bin = args.app or os.path.join(args.build, 'app', 'confab')
    server_bin = args.server or os.path.join(args.build, 'server', 'chat', 'confab-server')

    tmp = tempfile.mkdtemp(prefix='confab-app-burst-')
    frames_path = os.path.join(tmp, 'frames.txt')
    # A home of its own: the app's preferences and install secret stay out of the user's.
    env = dict(os.environ, QT_QPA_PLATFORM='offscreen', CONFAB_FRAME_STATS=frames_path,
               HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, 'config'),
               XDG_DATA_HOME=os.path.join(tmp, 'data'), XDG_CACHE_HOME=os.path.join(tmp, 'cache'),
               XDG_RUNTIME_DIR=tmp, QT_LOGGING_RULES='confab.app.info=true')
    env.pop('DBUS_SESSION_BUS_ADDRESS', None)
    result = {'clients': args.clients, 'duration_s': args.duration,
              'loadavg_before': open('/proc/loadavg').read().split()[:3]}
    try:
        app = Host('app', [app_bin, '--host', '--port', '0', '--address', '127.0.0.1',
                           '--data', ':memory:', '--name', 'Host'], env, APP_PORT, 'stderr')
        a = asyncio.run(burst(app, args.clients, args.duration, args.settle, args.perf))
        a.update(read_frames(frames_path, a['t0'], a['t1'], time.monotonic() + 2.5))
        stop(app.proc)
        result['app'] = a
        if not args.no_server:
            server = Host('confab-server', [server_bin, '--host', '127.0.0.1', '--port', '0',
                                            '--data', ':memory:'],
                          dict(os.environ), SERVER_READY, 'stdout')
            s = asyncio.run(burst(server, args.clients, args.duration, args.settle))
            stop(server.proc)
            result['server'] = s
            result['throughput_ratio'] = round(a['messages_per_s'] / s['messages_per_s'], 3)
    finally:
        stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    result['loadavg_after'] = open('/proc/loadavg').read().split()[:3]
    for side in ('app', 'server'):
        if side in result:
            result[side].pop('t0'), result[side].pop('t1')

    def row(name, key, fmt='{}'):
        vals = [result[s].get(key) if s in result else None for s in ('app', 'server')]
        cells = ['-' if v is None else fmt.format(v) for v in vals]
        print(f'{name:<28}{cells[0]:>12}{cells[1]:>16}')

    print(f'{"":<28}{"confab (app)":>12}{"confab-server":>16}')
    row('messages acked', 'messages_acked')
    row('refused (rate limit)', 'rate_limited')
    row('messages/s', 'messages_per_s')
    row('CPU % of one core', 'cpu_pct')
    row('CPU ms / message', 'cpu_ms_per_msg')
    row('RSS MB before', 'rss_mb_before')
    row('RSS MB after', 'rss_mb_after')
    row('RSS MB / 1,000 messages', 'rss_mb_per_1000')
    row('frames in the burst', 'frames')
    row('frame interval p50 ms', 'frame_p50_ms')
    row('frame interval p99 ms', 'frame_p99_ms')
    row('frame interval max ms', 'frame_max_ms')
    row('message to screen p50 ms', 'latency_p50_ms')
    row('message to screen p99 ms', 'latency_p99_ms')
    row('message to screen max ms', 'latency_max_ms')
    a = result['app']
    checks = [('app CPU ms/msg', a['cpu_ms_per_msg'], TARGETS['app_cpu_ms_per_msg'], '<='),
              ('throughput app/server', result.get('throughput_ratio'), TARGETS['throughput_ratio'], '>='),
              ('frame p99 ms', a['frame_p99_ms'], TARGETS['frame_p99_ms'], '<='),
              ('RSS MB / 1,000 msgs', a['rss_mb_per_1000'], TARGETS['rss_mb_per_1000'], '<=')]
    for name, value, target, op in checks:
        met = None if value is None else (value <= target if op == '<=' else value >= target)
        print(f'target {name} {op} {target}: {value} '
              f'{"-" if met is None else ("met" if met else "NOT met")}')
    print(f'load average before/after: {" ".join(result["loadavg_before"])} / '
          f'{" ".join(result["loadavg_after"])}')
    line = json.dumps(result, sort_keys=True)
    print(line)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(line + '\n')
    return 0


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))  # finally: stops the hosts
    sys.exit(main())
