# SPDX-License-Identifier: MIT
"""A python-socketio 5 chat participant for tst_app_e2e.

Connects to URL as NAME, joins "lobby", sends "hello from python" and prints one JSON line per
thing that happens, so the test can follow along. Waits until the app's "hello from confab"
arrives, then stays until the host disconnects it (or 30 s pass).
"""
import json
import os
import sys
import threading

import socketio

url, name = sys.argv[1], sys.argv[2]
done = threading.Event()
sio = socketio.Client(reconnection=False)


def say(kind, **fields):
    print(json.dumps({"kind": kind, **fields}), flush=True)


@sio.on("welcome")
def on_welcome(data, *offset):  # the host appends a recovery offset
    say("welcome", sid=data["sid"], name=data["name"])


@sio.on("message")
def on_message(data, *offset):
    say("message", text=data["text"], name=data["name"], room=data["room"])


@sio.event
def disconnect():
    say("disconnected")
    done.set()


sio.connect(url, auth={"name": name}, transports=["websocket"], wait_timeout=10)
joined = sio.call("join", {"room": "lobby"}, timeout=10)
say("joined", ok=joined["ok"], members=[m["name"] for m in joined["members"]])
ack = sio.call("message", {"room": "lobby", "text": "hello from python", "id": "py-1"},
               timeout=10)
say("acked", ok=ack["ok"], id=ack.get("id"))
done.wait(30)
if sio.connected:
    sio.disconnect()
say("exit")
# The client's ping thread may sleep for a whole ping interval; there is nothing left to do.
os._exit(0)
