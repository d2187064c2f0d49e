# SPDX-License-Identifier: MIT
"""A python-socketio 5 client that floods a Confab host, for tst_embeddedhost.

Usage: flood_peer.py URL SECONDS INTERVAL_MS

Connects to URL over WebSocket as "flooder", joins "flood" and prints {"kind": "ready"}; then
sends a `message` every INTERVAL_MS for SECONDS, each with an ack, while it notes when each
Engine.IO ping of the host arrives. When every message is acked and echoed back (or the
connection is gone, or 20 s passed) it prints one line and exits:
{"kind": "done", "sent", "acked", "received", "disconnects", "pings", "maxPingGapMs",
"maxPingGapEndMs"}
maxPingGapMs is the longest wait between pings (connect and the end of the flood count as
pings): above the handshake's pingInterval + pingTimeout the client gives up on the host.
maxPingGapEndMs says when that wait ended, in ms after the flood began.
"""
import json
import os
import sys
import threading
import time

import engineio
import socketio

url, seconds, interval = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]) / 1000
sio = socketio.Client(reconnection=False)
state = threading.Condition()
counts = {"acked": 0, "received": 0, "disconnects": 0}
pings = []

# python-engineio answers pings itself; wrap its packet handler to see them.
original_receive = sio.eio._receive_packet


def receive_packet(pkt):
    if pkt.packet_type == engineio.packet.PING:
        pings.append(time.monotonic())
    original_receive(pkt)


sio.eio._receive_packet = receive_packet


def bump(key):
    with state:
        counts[key] += 1
        state.notify_all()


@sio.on("message")
def on_message(data, *offset):  # the host appends a recovery offset
    if data.get("room") == "flood":
        bump("received")


@sio.event
def disconnect():
    bump("disconnects")


def say(kind, **fields):
    print(json.dumps({"kind": kind, **fields}), flush=True)


sio.connect(url, auth={"name": "flooder"}, transports=["websocket"], wait_timeout=10)
connected_at = time.monotonic()
joined = sio.call("join", {"room": "flood"}, timeout=10)
if not joined.get("ok"):
    say("error", error=str(joined))
    os._exit(1)
say("ready")


def on_ack(*args):
    if args and isinstance(args[0], dict) and args[0].get("ok"):
        bump("acked")


sent = 0
start = time.monotonic()
due = start
while time.monotonic() - start < seconds and sio.connected:
    sent += 1
    try:
        sio.emit("message", {"room": "flood", "text": f"m{sent}", "id": f"f{sent}"},
                 callback=on_ack)
    except socketio.exceptions.SocketIOError:
        sent -= 1
        break
    # Pacing, not synchronisation: a steady stream across the whole period.
    due += interval
    pause = due - time.monotonic()
    if pause > 0:
        time.sleep(pause)
ended_at = time.monotonic()

with state:
    state.wait_for(lambda: counts["disconnects"] > 0
                   or (counts["acked"] >= sent and counts["received"] >= sent), timeout=20)
    marks = [connected_at] + [p for p in list(pings) if connected_at < p < ended_at] + [ended_at]
    gap, gap_end = max((b - a, b) for a, b in zip(marks, marks[1:]))
    say("done", sent=sent, pings=len(pings), maxPingGapMs=round(gap * 1000),
        maxPingGapEndMs=round((gap_end - start) * 1000), **counts)
if sio.connected:
    sio.disconnect()
# The client's threads may sleep for a while yet; there is nothing left to do.
os._exit(0)
