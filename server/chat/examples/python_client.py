#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A minimal Confab chat client with python-socketio 5 (see ../README.md for the protocol).

    /usr/bin/python3 python_client.py URL NAME [ROOM]

Connects as NAME, joins ROOM (default "lobby"), prints what happens there and sends every line
typed on stdin as a message. Ctrl-D (end of input) quits.
"""
import sys
import threading
import uuid

import socketio

url, name = sys.argv[1], sys.argv[2]
room = sys.argv[3] if len(sys.argv) > 3 else 'lobby'
sys.stdout.reconfigure(line_buffering=True)  # print each line at once, even into a pipe
_print_lock = threading.Lock()


def say(text):
    """Prints one line. Handlers run on several threads: the lock keeps lines whole."""
    with _print_lock:
        print(text)

sio = socketio.Client()
welcomed = threading.Event()


def show(m, *offset):
    """A message object: {"id", "room", "sid", "name", "text", "ts", "clientId"}.

    Every event may carry one more argument, its offset (connection state recovery: the host
    replays what a socket.io client missed). python-socketio has no use for it.
    """
    say(f'[{m["room"]} #{m["id"]}] {m["name"]}: {m["text"]}')


@sio.on('welcome')  # sent right after connecting; our name may differ from the one asked for
def on_welcome(data, *offset):
    rooms = ', '.join(f'{r["name"]} ({r["members"]})' for r in data['rooms']) or 'none yet'
    say(f'welcome to {data["server"]["name"]} {data["server"]["version"]}, '
          f'you are {data["name"]}; rooms: {rooms}')
    welcomed.set()


# Room events. `message` also comes back to its sender, after the ack.
sio.on('message', show)
sio.on('joined', lambda e, *offset: say(f'* {e["name"]} joined {e["room"]}'))
sio.on('left', lambda e, *offset: say(f'* {e["name"]} left {e["room"]}'))
sio.on('typing', lambda e, *offset: say(f'* {e["name"]} is {"" if e["typing"] else "no longer "}'
                                 f'typing in {e["room"]}'))
sio.on('renamed', lambda e, *offset: say(f'* {e["old"]} is now {e["name"]}'))
sio.on('disconnect', lambda: say('* disconnected'))


def main():
    # CONNECT auth: {"name"} (and "password" if the host has one).
    sio.connect(url, auth={'name': name}, wait_timeout=5)
    welcomed.wait(5)

    # Every request is a Socket.IO call: the ack says {"ok": true, ...} or
    # {"ok": false, "error": "..."}.
    ack = sio.call('join', {'room': room})
    if not ack['ok']:
        sys.exit(f'cannot join {room}: {ack["error"]}')
    say(f'joined {ack["room"]} with {", ".join(m["name"] for m in ack["members"])}')
    for m in ack['history']:  # the last 50 messages, oldest first
        show(m)

    for line in sys.stdin:
        if not line.strip():
            continue
        # A client id makes a resend after a reconnect safe: the host stores it only once.
        ack = sio.call('message', {'room': room, 'text': line, 'id': uuid.uuid4().hex})
        if ack['ok']:
            say(f'(sent as #{ack["id"]})')
        else:
            say(f'(not sent: {ack["error"]})')

    sio.disconnect()


if __name__ == '__main__':
    main()
