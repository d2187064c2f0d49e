# SPDX-License-Identifier: MIT
"""TLS on confab-server's one port: python-socketio and socket.io-client (Node) over https/wss
and plain http/ws on the same port, every transport, talking to each other; the certificate
made at first start (key file 0600, reused across restarts, --regenerate-certificate, printed
fingerprint = the one clients are served, --tls-cert/--tls-key); --tls off and required; and
hostile handshakes (garbage, a truncated ClientHello, a ClientHello never followed up, many
half-open connections) that must not stall the host while plain and TLS clients are served.

Usage: /usr/bin/python3 chat_tls_test.py CONFAB_SERVER [NODE]
The WebSocket engine is the platform's default unless CONFAB_WEBSOCKET_ENGINE says otherwise.
"""
import asyncio
import hashlib
import json
import os
import re
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import tempfile
import time

import aiohttp
import socketio

from chat_common import Results, Server, quiet_aiohttp_leaks

R = Results()
ENGINE = os.environ.get('CONFAB_WEBSOCKET_ENGINE', 'default')
FINGERPRINT = re.compile(r'TLS certificate SHA-256 fingerprint: ([0-9A-F:]{95})')
HERE = os.path.dirname(os.path.abspath(__file__))


def printed_fingerprint(server):
    for line in server.stdout_lines:
        m = FINGERPRINT.search(line)
        if m:
            return m.group(1)
    return None


def served_fingerprint(port):
    """SHA-256 of the certificate the host serves, as "AB:CD:..."."""
    pem = ssl.get_server_certificate(('127.0.0.1', port))
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest().upper()
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def https(server):
    return server.url.replace('http://', 'https://')


class TlsPeer:
    """python-socketio over https (ssl_verify=False: the certificate is self-signed, its
    fingerprint is checked separately) or http."""

    def __init__(self, name):
        self.name = name
        self.sio = socketio.AsyncClient(reconnection=False, ssl_verify=False)
        self.messages = []
        self.got = asyncio.Event()
        self.sio.on('message', self._on_message)

    def _on_message(self, data, *offset):  # confab-server appends a recovery offset
        self.messages.append(data)
        self.got.set()

    async def connect(self, url, transports):
        await self.sio.connect(url, transports=transports, auth={'name': self.name},
                               wait_timeout=5)

    async def wait_text(self, text, timeout=5):
        deadline = time.monotonic() + timeout
        while not any(m.get('text') == text for m in self.messages):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.got.clear()
            try:
                await asyncio.wait_for(self.got.wait(), left)
            except asyncio.TimeoutError:
                pass
        return True

    async def close(self):
        try:
            await self.sio.disconnect()
        except Exception:
            pass


async def both_ways(server, transports, tag):
    """A TLS peer and a plain peer on the same port, in the same room, hear each other."""
    secure, plain = TlsPeer('secure'), TlsPeer('plain')
    try:
        await secure.connect(https(server), transports)
        await plain.connect(server.url, transports)
        room = f'tls-{tag}'
        R.check(tag, 'TLS peer joins', (await secure.sio.call('join', {'room': room})).get('ok'))
        R.check(tag, 'plain peer joins', (await plain.sio.call('join', {'room': room})).get('ok'))
        ack = await secure.sio.call('message', {'room': room, 'text': f'over tls {tag}'})
        R.check(tag, 'TLS peer sends', ack.get('ok'), repr(ack))
        R.check(tag, 'plain peer receives the TLS peer\'s message',
                await plain.wait_text(f'over tls {tag}'))
        await plain.sio.call('message', {'room': room, 'text': f'in clear {tag}'})
        R.check(tag, 'TLS peer receives the plain peer\'s message',
                await secure.wait_text(f'in clear {tag}'))
        if transports == ['polling', 'websocket']:
            # The upgrade happened over TLS too: the host says which transport each one uses.
            for _ in range(100):
                who = await secure.sio.call('who')
                kinds = {s['name']: s['transport'] for s in who['sids']}
                if kinds.get('secure') == 'websocket' and kinds.get('plain') == 'websocket':
                    break
                await asyncio.sleep(0.05)
            R.equal(tag, 'both upgraded to websocket', kinds, {'secure': 'websocket',
                                                                'plain': 'websocket'})
    except Exception as e:
        R.check(tag, 'TLS and plain peers talk', False, repr(e))
    finally:
        await secure.close()
        await plain.close()


def node_peer(node, url, transports, room, text):
    out = subprocess.run([node, os.path.join(HERE, 'tls_node_peer.js'), url, transports, room,
                          text], capture_output=True, text=True, timeout=30)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {'error': f'no result: {out.stdout!r} {out.stderr!r}'}


def raw_http(port, request, tls=False):
    """Sends \a request (bytes) and returns the whole response (the host closes)."""
    sock = socket.create_connection(('127.0.0.1', port), timeout=5)
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = context.wrap_socket(sock)
    with sock:
        sock.sendall(request)
        data = b''
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk


def client_hello():
    """The bytes of a real TLS ClientHello (made by Python's ssl with memory BIOs)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname='localhost')
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def closed_by_host(sock, timeout):
    """Whether the host closes (or resets) \a sock within \a timeout seconds."""
    sock.settimeout(timeout)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def polling_handshake(url, timeout=3):
    """An Engine.IO polling handshake over url (http or https): the body, or the exception."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    import urllib.request
    try:
        with urllib.request.urlopen(f'{url}/socket.io/?EIO=4&transport=polling', timeout=timeout,
                                    context=context) as r:
            return r.read().decode()
    except Exception as e:
        return repr(e)


async def upgrade_and_leave(server):
    """Pairs of peers (TLS and plain) upgrade from polling to WebSocket, talk and leave, again
    and again: a write the host made just as a TLS peer left used to crash it (Qt flushed it
    after freeing the connection's OpenSSL state)."""
    tag = f'upgrade and leave/{ENGINE}'
    for i in range(20):
        secure = socketio.AsyncClient(reconnection=False, ssl_verify=False)
        plain = socketio.AsyncClient(reconnection=False)
        try:
            await secure.connect(https(server), transports=['polling', 'websocket'],
                                 wait_timeout=5)
            await plain.connect(server.url, transports=['polling', 'websocket'], wait_timeout=5)
            await secure.call('join', {'room': 'churn'})
            await plain.call('join', {'room': 'churn'})
            await secure.call('message', {'room': 'churn', 'text': f'round {i}'})
        except Exception as e:
            R.check(tag, f'round {i}', False, repr(e))
            return
        finally:
            for peer in (secure, plain):
                try:
                    await peer.disconnect()
                except Exception:
                    pass
    R.check(tag, '20 rounds, host alive', server.alive())


async def hostile(server):
    tag = f'hostile/{ENGINE}'
    port = server.port
    hello = client_hello()
    R.check(tag, 'a ClientHello starts with 0x16', hello[:1] == b'\x16', hello[:8].hex())
    stalls = []
    try:
        # A ClientHello cut in the middle, never completed: the host waits for the rest (and
        # cuts it at the handshake timeout), serving everyone else meanwhile.
        for _ in range(20):
            s = socket.create_connection(('127.0.0.1', port))
            s.sendall(hello[:len(hello) // 2])
            stalls.append(s)
        # A whole ClientHello, then silence: the host has answered and waits for the client.
        for _ in range(20):
            s = socket.create_connection(('127.0.0.1', port))
            s.sendall(hello)
            stalls.append(s)
        # Just the first byte.
        for _ in range(20):
            s = socket.create_connection(('127.0.0.1', port))
            s.sendall(b'\x16')
            stalls.append(s)
        # Garbage after 0x16: not a TLS record; the host closes it at once.
        garbage = socket.create_connection(('127.0.0.1', port))
        garbage.sendall(b'\x16' + os.urandom(64) + b'\r\n\r\n')
        R.check(tag, 'garbage after 0x16 is closed by the host', closed_by_host(garbage, 5))
        garbage.close()
        # A record header announcing a ClientHello of 16 KiB, then the connection closes half.
        truncated = socket.create_connection(('127.0.0.1', port))
        truncated.sendall(hello[:5] + hello[5:20])
        truncated.shutdown(socket.SHUT_WR)
        R.check(tag, 'a truncated ClientHello then EOF is closed by the host',
                closed_by_host(truncated, 5))
        truncated.close()
        # Meanwhile the host serves plain and TLS clients without delay.
        t0 = time.monotonic()
        body = polling_handshake(server.url)
        R.check(tag, 'plain client served while 60 handshakes stall', body.startswith('0{'),
                body)
        body = polling_handshake(https(server))
        R.check(tag, 'TLS client served while 60 handshakes stall', body.startswith('0{'), body)
        R.check(tag, 'both within 2 s', time.monotonic() - t0 < 2.0,
                f'{time.monotonic() - t0:.2f} s')
        peer = TlsPeer('during')
        try:
            await peer.connect(https(server), ['websocket'])
            R.check(tag, 'wss peer connects while handshakes stall', peer.sio.connected)
        finally:
            await peer.close()
    finally:
        for s in stalls:
            s.close()


async def main_async(binary, node):
    loop = asyncio.get_running_loop()
    quiet_aiohttp_leaks(loop)
    data = tempfile.mkdtemp(prefix='confab-tls-')
    try:
        server = Server(binary, data=data, tag='tls').start()
        try:
            tag = f'certificate/{ENGINE}'
            printed = printed_fingerprint(server)
            R.check(tag, 'fingerprint printed at start', printed is not None,
                    repr(server.stdout_lines))
            R.equal(tag, 'printed fingerprint is the one served', served_fingerprint(server.port),
                    printed)
            key = os.path.join(data, 'host-key.pem')
            cert = os.path.join(data, 'host-certificate.pem')
            R.equal(tag, 'key file mode 0600', oct(stat.S_IMODE(os.stat(key).st_mode)), '0o600')
            R.check(tag, 'certificate file kept', os.path.getsize(cert) > 0)
            der = ssl.PEM_cert_to_DER_cert(open(cert).read())
            R.check(tag, 'the kept certificate is the one served',
                    hashlib.sha256(der).hexdigest().upper() == printed.replace(':', ''))

            for transports in (['polling'], ['websocket'], ['polling', 'websocket']):
                await both_ways(server, transports, f'{"+".join(transports)}/{ENGINE}')

            if node:
                for transports in ('polling', 'websocket', 'polling,websocket'):
                    tag = f'node {transports}/{ENGINE}'
                    got = node_peer(node, https(server), transports, 'node-tls', 'from node')
                    R.check(tag, 'socket.io-client over https joins and sends',
                            got.get('joined') and got.get('sent'), repr(got))
                    if transports != 'polling':
                        R.equal(tag, 'on websocket', got.get('transport'), 'websocket')
                        R.equal(tag, 'wss served the printed certificate',
                                got.get('fingerprint'), printed)
                    got = node_peer(node, server.url, transports, 'node-plain', 'from node')
                    R.check(tag, 'socket.io-client over plain http on the same port',
                            got.get('joined') and got.get('sent'), repr(got))

            await upgrade_and_leave(server)
            await hostile(server)
            R.check(f'hostile/{ENGINE}', 'host still running', server.alive())
        finally:
            server.terminate()

        tag = f'restart/{ENGINE}'
        again = Server(binary, data=data, tag='tls-again').start()
        try:
            R.equal(tag, 'same certificate after a restart', printed_fingerprint(again), printed)
        finally:
            again.terminate()
        renewed = Server(binary, data=data, extra=['--regenerate-certificate'],
                         tag='tls-renew').start()
        try:
            fresh = printed_fingerprint(renewed)
            R.check(tag, '--regenerate-certificate makes a new one', fresh and fresh != printed,
                    f'{fresh} vs {printed}')
            R.equal(tag, 'the new one is served', served_fingerprint(renewed.port), fresh)
            R.equal(tag, 'key file still 0600', oct(stat.S_IMODE(os.stat(key).st_mode)), '0o600')
        finally:
            renewed.terminate()

        tag = f'own certificate/{ENGINE}'
        own = tempfile.mkdtemp(prefix='confab-tls-own-')
        try:
            shutil.copy(cert, os.path.join(own, 'c.pem'))
            shutil.copy(key, os.path.join(own, 'k.pem'))
            given = Server(binary, extra=['--tls-cert', os.path.join(own, 'c.pem'), '--tls-key',
                                          os.path.join(own, 'k.pem')], tag='tls-own').start()
            try:
                R.equal(tag, '--tls-cert/--tls-key served', served_fingerprint(given.port), fresh)
            finally:
                given.terminate()
            # A key that is not the certificate's is refused at start, naming the file.
            other = tempfile.mkdtemp(prefix='confab-tls-other-')
            try:
                Server(binary, data=other, tag='tls-other').start().terminate()
                out = subprocess.run(
                    [binary, '--host', '127.0.0.1', '--port', '0', '--data', ':memory:',
                     '--tls-cert', os.path.join(own, 'c.pem'), '--tls-key',
                     os.path.join(other, 'host-key.pem')],
                    capture_output=True, text=True, timeout=20)
                R.check(tag, 'a key of another certificate is refused',
                        out.returncode != 0 and 'is not the one of the certificate' in out.stderr,
                        f'{out.returncode} {out.stderr!r}')
            finally:
                shutil.rmtree(other, True)
        finally:
            shutil.rmtree(own, True)

        tag = f'--tls off/{ENGINE}'
        off = Server(binary, extra=['--tls', 'off'], tag='tls-off').start()
        try:
            R.check(tag, 'no fingerprint printed', printed_fingerprint(off) is None)
            R.check(tag, 'plain served', polling_handshake(off.url).startswith('0{'))
            R.check(tag, 'https refused', not polling_handshake(https(off)).startswith('0{'))
        finally:
            off.terminate()

        tag = f'--tls required/{ENGINE}'
        required = Server(binary, extra=['--tls', 'required'], tag='tls-required').start()
        try:
            R.check(tag, 'https served', polling_handshake(https(required)).startswith('0{'))
            response = raw_http(required.port, b'GET /socket.io/?EIO=4&transport=polling '
                                b'HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
            R.check(tag, 'plain polling refused with 403 tls required',
                    response.startswith(b'HTTP/1.1 403') and b'tls required' in response,
                    repr(response[:200]))
            host = f'127.0.0.1:{required.port}'.encode()
            response = raw_http(required.port, b'GET / HTTP/1.1\r\nHost: ' + host + b'\r\n\r\n')
            R.check(tag, 'plain GET / redirected to https',
                    response.startswith(b'HTTP/1.1 308')
                    and b'\r\nLocation: https://' + host + b'/\r\n' in response,
                    repr(response[:200]))
            peer = TlsPeer('plain')
            try:
                await peer.connect(required.url, ['websocket'])
                R.check(tag, 'plain websocket refused', False, 'connected')
            except Exception:
                R.check(tag, 'plain websocket refused', True)
            finally:
                await peer.close()
        finally:
            required.terminate()
    finally:
        shutil.rmtree(data, True)


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    node = sys.argv[2] if len(sys.argv) > 2 else None
    asyncio.run(main_async(sys.argv[1], node))
    return R.summary()


if __name__ == '__main__':
    sys.exit(main())
