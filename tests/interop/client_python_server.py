#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A python-socketio 5 (aiohttp) server for Confab's client interop tests.

Run with Debian's interpreter (/usr/bin/python3: python3-socketio, python3-aiohttp).
Listens on 127.0.0.1 only and prints "PORT <n>" once it accepts connections.

Handlers (on "/" and "/chat"):
  connect         refuses {"token": <anything but "secret">} with message "invalid token" and
                  data {"reason": "bad token"}; otherwise emits "welcome" {"nsp", "auth",
                  "query", "header"} (the "extra" query parameter and the X-Confab-Test header;
                  python-socketio sends it *before* the CONNECT ack)
  echo            acks with its arguments
  message         emits "message-back" with its arguments
  ask             emits "question" with its arguments and an ack callback; the client's ack
                  arguments come back as an "answer" event
  slow [ms]       acks "late" after ms milliseconds (for ack timeouts)
  server-binary   emits "binary" with bytes 00..04 and {"nested": bytes 00 ff}
  disconnect-me   the server disconnects the client's namespace
"""
import argparse
import asyncio
import logging
import socket
import sys
import urllib.parse

import socketio
from aiohttp import web


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--ping-interval', type=int, default=1000, help='ms')
    parser.add_argument('--ping-timeout', type=int, default=2000, help='ms')
    args = parser.parse_args()
    # Clients that the tests destroy mid-handshake make aiohttp log tracebacks; they are expected.
    logging.getLogger('aiohttp.server').setLevel(logging.CRITICAL)

    sio = socketio.AsyncServer(async_mode='aiohttp',
                               ping_interval=args.ping_interval / 1000,
                               ping_timeout=args.ping_timeout / 1000,
                               max_http_buffer_size=10_000_000)
    app = web.Application()
    sio.attach(app)

    def register(nsp):
        @sio.on('connect', namespace=nsp)
        async def connect(sid, environ, auth):
            if isinstance(auth, dict) and 'token' in auth and auth['token'] != 'secret':
                raise socketio.exceptions.ConnectionRefusedError(
                    'invalid token', {'reason': 'bad token'})
            query = urllib.parse.parse_qs(environ.get('QUERY_STRING', ''))
            await sio.emit('welcome', {'nsp': nsp, 'auth': auth,
                                       'query': query.get('extra', [None])[0],
                                       'header': environ.get('HTTP_X_CONFAB_TEST')},
                           to=sid, namespace=nsp)

        @sio.on('echo', namespace=nsp)
        async def echo(sid, *data):
            return data

        @sio.on('message', namespace=nsp)
        async def message(sid, *data):
            await sio.emit('message-back', data, to=sid, namespace=nsp)

        @sio.on('ask', namespace=nsp)
        async def ask(sid, *data):
            def answered(*reply):
                sio.start_background_task(sio.emit, 'answer', reply, to=sid, namespace=nsp)
            await sio.emit('question', data, to=sid, namespace=nsp, callback=answered)

        @sio.on('slow', namespace=nsp)
        async def slow(sid, ms=1000):
            await sio.sleep(ms / 1000)
            return 'late'

        @sio.on('server-binary', namespace=nsp)
        async def server_binary(sid, *data):
            await sio.emit('binary', (bytes(range(5)), {'nested': b'\x00\xff'}), to=sid,
                           namespace=nsp)

        @sio.on('disconnect-me', namespace=nsp)
        async def disconnect_me(sid, *data):
            await sio.disconnect(sid, namespace=nsp)

    register('/')
    register('/chat')

    async def serve():
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # The kill/restart test binds the same port again at once.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(('127.0.0.1', args.port))
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        site = web.SockSite(runner, sock)
        await site.start()
        print('PORT %d' % sock.getsockname()[1], flush=True)
        await asyncio.Event().wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    sys.exit(main())
