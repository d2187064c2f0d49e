#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reference server for the benchmark: python-socketio 5 on aiohttp (Debian's packages).

Implements the part of Confab's chat protocol the benchmark uses (server/chat/README.md):
CONNECT auth {name}; `join` {room} -> ack {ok, room, members: [{sid, name}], history: []};
`message` {room, text, id?} -> ack {ok, id, ts}, then `message`
{id, room, sid, name, text, ts, clientId} to the room, sender included. No persistence, no
`welcome`/`joined`/rate limit. Listens on 127.0.0.1 only; prints "PORT <n>" once it accepts.

Run with Debian's interpreter: /usr/bin/python3 python_server.py [--port 0]
[--ping-interval ms] [--ping-timeout ms]
"""
import argparse
import asyncio
import logging
import signal
import socket
import sys
import time

import socketio
from aiohttp import web


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--ping-interval', type=int, default=25000, help='ms')
    parser.add_argument('--ping-timeout', type=int, default=20000, help='ms')
    args = parser.parse_args()
    logging.getLogger('aiohttp.server').setLevel(logging.CRITICAL)

    sio = socketio.AsyncServer(async_mode='aiohttp',
                               ping_interval=args.ping_interval / 1000,
                               ping_timeout=args.ping_timeout / 1000,
                               max_http_buffer_size=1_000_000)
    app = web.Application()
    sio.attach(app)
    names = {}
    last_id = {}
    guests = [0]

    def failure(error):
        return {'ok': False, 'error': error}

    @sio.event
    async def connect(sid, environ, auth):
        name = auth.get('name') if isinstance(auth, dict) else None
        name = name.strip()[:32] if isinstance(name, str) else ''
        if not name:
            guests[0] += 1
            name = 'guest-%d' % guests[0]
        names[sid] = name

    @sio.event
    async def disconnect(sid):
        names.pop(sid, None)

    @sio.event
    async def join(sid, payload=None):
        room = payload.get('room') if isinstance(payload, dict) else None
        room = room.strip() if isinstance(room, str) else ''
        if not room or len(room) > 64:
            return failure('invalid room')
        sio.enter_room(sid, room)
        members = [{'sid': member, 'name': names.get(member)}
                   for member, _ in sio.manager.get_participants('/', room)]
        return {'ok': True, 'room': room, 'members': members, 'history': []}

    @sio.event
    async def message(sid, payload=None):
        if not isinstance(payload, dict):
            return failure('invalid payload')
        room = payload.get('room')
        text = payload.get('text')
        text = text.strip() if isinstance(text, str) else ''
        client_id = payload.get('id')
        if not isinstance(room, str) or room not in sio.rooms(sid):
            return failure('not a member of %s' % room)
        if not text or len(text) > 16000:
            return failure('invalid text')
        if client_id is not None and (not isinstance(client_id, str) or len(client_id) > 64):
            return failure('invalid id')
        message_id = last_id.get(room, 0) + 1
        last_id[room] = message_id
        ts = int(time.time() * 1000)
        # The ack goes out when the handler returns; the broadcast is scheduled after it, so
        # the sender sees ack, then message, as with the other servers.
        sio.start_background_task(sio.emit, 'message', {
            'id': message_id, 'room': room, 'sid': sid, 'name': names.get(sid), 'text': text,
            'ts': ts, 'clientId': client_id}, room=room)
        return {'ok': True, 'id': message_id, 'ts': ts}

    async def serve():
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(('127.0.0.1', args.port))
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        site = web.SockSite(runner, sock, backlog=511)
        await site.start()
        print('PORT %d' % sock.getsockname()[1], flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()

    asyncio.run(serve())
    return 0


if __name__ == '__main__':
    sys.exit(main())
