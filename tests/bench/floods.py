#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Peak memory of a real confab-server under the floods of issue 13 (a hostile peer on the LAN).

    tests/bench/floods.py build/server/chat/confab-server [--only history,pings,...]

Each flood runs against a fresh `confab-server --port 0 --data :memory:` on 127.0.0.1 and
prints the server's VmHWM (peak RSS, /proc/PID/status) before and after it, and what the
server did. Floods:

  history   one polling POST of 40 `history` requests for 200 messages of 16,000 characters,
            never followed by a GET (the host's answers have nowhere to go)
  pings     4,000,000 empty WebSocket pings (24 MB) from a client that never reads
  sessions  5,000 polling handshakes over one keep-alive connection
  connects  one POST of 2,001 CONNECT packets to a host with a password, the right one last
  rebind    a handshake and an upgrade with Host and Origin of a rebinding domain
  silent    100 polling sessions from one address, each POSTing 2 `history` requests for 200
            messages of 16,000 characters (~6.5 MB, under its own 8 MiB cap) and never a GET:
            together far over the total send budget (--max-send-total, 256 MiB by default;
            `--extra=--max-send-total=0` shows the host without it)
  silentws  the same over 200 WebSockets that never read (the kernel's socket buffers take a
            few MB of each, so twice as many clients to owe as much)

Only the standard library; loopback only.
"""
import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time

RS = '\x1e'


def vm(pid, key):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith(key + ':'):
                return int(line.split()[1])  # kB
    return 0


class Server:
    def __init__(self, binary, extra):
        self.proc = subprocess.Popen(
            [binary, '--host', '127.0.0.1', '--port', '0', '--data', ':memory:',
             '--rate-limit', '1000'] + extra,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.port = None
        self.log = []
        deadline = time.time() + 10
        while time.time() < deadline and self.port is None:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.log.append(line)
            m = re.search(r'127\.0\.0\.1:(\d+)', line)
            if m:
                self.port = int(m.group(1))
        if self.port is None:
            raise RuntimeError('server did not start: ' + ''.join(self.log))

    def hwm_mib(self):
        return vm(self.proc.pid, 'VmHWM') / 1024

    def rss_mib(self):
        return vm(self.proc.pid, 'VmRSS') / 1024

    def stop(self):
        self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        self.log.append(out or '')
        return ''.join(self.log)


class Polling:
    """An Engine.IO v4 polling client on one keep-alive connection."""

    def __init__(self, port, host_header=None):
        self.conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
        self.headers = {'Host': host_header} if host_header else {}
        status, body = self.request('GET', '/socket.io/?EIO=4&transport=polling')
        if status != 200:
            raise RuntimeError(f'handshake: {status} {body[:200]}')
        self.sid = json.loads(body[1:])['sid']

    def request(self, method, path, body=None):
        headers = dict(self.headers)
        if body is not None:
            headers['Content-Type'] = 'text/plain;charset=UTF-8'
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        return r.status, r.read().decode('utf-8', 'replace')

    def post(self, packets):
        return self.request('POST', f'/socket.io/?EIO=4&transport=polling&sid={self.sid}',
                            RS.join(packets).encode())

    def get(self):
        return self.request('GET', f'/socket.io/?EIO=4&transport=polling&sid={self.sid}')


def fill_room(port, room, count, size):
    c = Polling(port)
    c.post(['40' + json.dumps({'name': 'writer'})])
    c.get()
    c.post(['420' + json.dumps(['join', {'room': room}])])
    c.get()
    text = 'x' * size
    sent = 0
    while sent < count:
        batch = [f'42{sent + i + 1}' + json.dumps(['message', {'room': room, 'text': text}])
                 for i in range(min(50, count - sent))]
        c.post(batch)
        sent += len(batch)
        acked = 0
        while acked < len(batch):
            status, body = c.get()
            acked += sum(1 for p in body.split(RS) if p.startswith('43'))
    return c


def flood_history(server, _):
    fill_room(server.port, 'big', 200, 16000)
    before = server.hwm_mib()
    c = Polling(server.port)
    c.post(['40' + json.dumps({'name': 'attacker'})])
    c.get()  # CONNECT ack and welcome
    requests = [f'42{i + 1}' + json.dumps(['history', {'room': 'big', 'limit': 200}])
                for i in range(40)]
    start = time.time()
    posted, _ = c.post(requests)
    # Never a GET; pongs would keep the session alive past 25 s, but 4 s is enough to see it.
    peak = before
    while time.time() - start < 4:
        peak = max(peak, server.hwm_mib())
        time.sleep(0.1)
    status, body = c.get()
    return before, peak, f'POST -> {posted}; a GET 4 s later -> {status} {body[:50]!r}'


def flood_pings(server, _):
    before = server.hwm_mib()
    s = socket.create_connection(('127.0.0.1', server.port))
    s.sendall(b'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n'
              b'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n'
              b'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n')
    head = b''
    while b'\r\n\r\n' not in head:
        head += s.recv(1)
    ping = b'\x89\x80\x00\x00\x00\x00'  # masked, empty
    chunk = ping * 100_000
    s.settimeout(30)
    sent = 0
    closed = False
    start = time.time()
    try:
        for _ in range(40):  # 4,000,000 pings
            s.sendall(chunk)
            sent += 100_000
    except OSError:
        closed = True
    peak = before
    settle = time.time()
    while time.time() - settle < 2:
        peak = max(peak, server.hwm_mib())
        time.sleep(0.1)
    s.close()
    return before, peak, f'{sent} pings sent in {time.time() - start:.1f} s; ' \
        f'{"closed by the host" if closed else "connection still open"}'


def flood_sessions(server, _):
    before = server.hwm_mib()
    conn = http.client.HTTPConnection('127.0.0.1', server.port, timeout=30)
    codes = {}
    start = time.time()
    for _ in range(5000):
        conn.request('GET', '/socket.io/?EIO=4&transport=polling')
        r = conn.getresponse()
        r.read()
        codes[r.status] = codes.get(r.status, 0) + 1
        if r.getheader('Connection', '').lower() == 'close':
            conn = http.client.HTTPConnection('127.0.0.1', server.port, timeout=30)
    took = time.time() - start
    peak = server.hwm_mib()
    return before, peak, f'5000 handshakes in {took:.1f} s: ' + \
        ', '.join(f'{n} x {code}' for code, n in sorted(codes.items()))


def flood_connects(server, _):
    before = server.hwm_mib()
    c = Polling(server.port)
    packets = ['40' + json.dumps({'name': 'guesser', 'password': f'guess{i}'})
               for i in range(2000)]
    packets.append('40' + json.dumps({'name': 'guesser', 'password': 'right'}))
    start = time.time()
    c.post(packets)
    status, body = c.get()
    took = time.time() - start
    answers = body.split(RS) if status == 200 else []
    refusals = sum(1 for p in answers if p.startswith('44'))
    accepted = sum(1 for p in answers if p.startswith('40'))
    more = ''
    while status == 200 and not any(p == '1' for p in answers) and accepted == 0:
        status, body = c.get()
        answers = body.split(RS) if status == 200 else []
        refusals += sum(1 for p in answers if p.startswith('44'))
        accepted += sum(1 for p in answers if p.startswith('40'))
    if status == 200 and '1' in answers:
        more = '; then the session was closed'
    return before, server.hwm_mib(), f'{refusals} CONNECT_ERRORs, {accepted} accepted in ' \
        f'{took:.2f} s{more}'


def flood_rebind(server, _):
    before = server.hwm_mib()
    host = f'evil.example:{server.port}'
    conn = http.client.HTTPConnection('127.0.0.1', server.port, timeout=10)
    conn.request('GET', '/socket.io/?EIO=4&transport=polling',
                 headers={'Host': host, 'Origin': f'http://{host}'})
    r = conn.getresponse()
    polling = f'{r.status} {r.read().decode()[:60]}'
    s = socket.create_connection(('127.0.0.1', server.port))
    s.sendall(f'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}\r\n'
              f'Origin: http://{host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n'
              'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'
              .encode())
    upgrade = s.recv(200).split(b'\r\n')[0].decode()
    s.close()
    return before, server.hwm_mib(), f'polling: {polling}; upgrade: {upgrade}'


def flood_silent(server, _):
    fill_room(server.port, 'big', 200, 16000)
    sessions = []
    for i in range(100):
        c = Polling(server.port)
        c.post(['40' + json.dumps({'name': f'silent{i}'})])
        c.get()  # CONNECT ack and welcome
        sessions.append(c)
    before = server.hwm_mib()
    start = time.time()
    for c in sessions:
        c.post([f'42{i + 1}' + json.dumps(['history', {'room': 'big', 'limit': 200}])
                for i in range(2)])
    took = time.time() - start
    peak = server.hwm_mib()  # VmHWM: the peak so far, whenever it was reached
    # Who is left: a GET answers the survivors (their history) and 400 the dropped.
    alive = 0
    for c in sessions:
        status, _ = c.get()
        alive += status == 200
    return before, peak, f'100 sessions asked for ~650 MB in {took:.1f} s; ' \
        f'{alive} still open'


def ws_frame(text):
    """A masked (with a zero key: the payload stays as it is) client text frame."""
    data = text.encode()
    if len(data) < 126:
        head = bytes([0x81, 0x80 | len(data)])
    else:
        head = bytes([0x81, 0x80 | 126]) + len(data).to_bytes(2, 'big')
    return head + b'\0\0\0\0' + data


def flood_silentws(server, _):
    fill_room(server.port, 'big', 200, 16000)
    before = server.hwm_mib()
    sockets = []
    start = time.time()
    for i in range(200):
        s = socket.create_connection(('127.0.0.1', server.port))
        s.sendall(b'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n'
                  b'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n'
                  b'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n')
        head = b''
        while b'\r\n\r\n' not in head:
            head += s.recv(1)
        # Connect, ask twice for the history, and never read again.
        s.sendall(ws_frame('40' + json.dumps({'name': f'silentws{i}'}))
                  + b''.join(ws_frame(f'42{n + 1}' + json.dumps(
                      ['history', {'room': 'big', 'limit': 200}])) for n in range(2)))
        sockets.append(s)
    took = time.time() - start
    time.sleep(2)  # the last requests are answered
    peak = server.hwm_mib()
    for s in sockets:
        s.close()
    return before, peak, f'200 WebSockets asked for ~1.3 GB in {took:.1f} s'


FLOODS = {
    'history': (flood_history, []),
    'pings': (flood_pings, []),
    'sessions': (flood_sessions, []),
    'connects': (flood_connects, ['--password', 'right']),
    'rebind': (flood_rebind, []),
    'silent': (flood_silent, []),
    'silentws': (flood_silentws, []),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('server')
    parser.add_argument('--only', default=','.join(FLOODS))
    parser.add_argument('--extra', action='append', default=[],
                        help='a further confab-server argument (repeatable)')
    args = parser.parse_args()
    for name in args.only.split(','):
        run, extra = FLOODS[name]
        server = Server(args.server, extra + args.extra)
        idle = server.hwm_mib()
        try:
            before, peak, what = run(server, args)
        finally:
            log = server.stop()
        print(f'{name:9} idle {idle:6.1f} MiB  before {before:6.1f} MiB  peak {peak:6.1f} MiB '
              f'(+{peak - before:6.1f})  {what}')
        drops = log.count('Over the total send budget')
        if drops:
            print(f'          {drops} clients dropped for the total send budget')
        for line in log.splitlines():
            if 'closing' in line or 'refusing' in line or 'Dropping' in line \
                    or 'send budget' in line:
                print(f'          server: {line.strip()[:160]}')
                break
        sys.stdout.flush()


if __name__ == '__main__':
    main()
