# SPDX-License-Identifier: MIT
"""A room of 1000 on one host: every join announced to every member, then every message
delivered to all of them, with nobody dropped. Correctness, not speed: the figures of the same
scenario live in tests/bench (run.sh's fanout-1000 cases).

Run with the WebSocket engine in CONFAB_WEBSOCKET_ENGINE (ctest runs it on both). The qt engine
once stalled here: QWebSocket writes a frame's header and payload separately, and our
write-through socket sent each as a TCP segment of its own, so the 1000 joins (half a million
`joined` events) buried the peers and most of them stopped answering pings.

    /usr/bin/python3 chat_fanout_test.py CONFAB_SERVER CONFAB_BENCH
"""
import json
import os
import resource
import subprocess
import sys
import tempfile

from chat_common import Results, Server

CLIENTS = 1000
MESSAGES = 20
PING_INTERVAL_MS = 5000


def main():
    server_binary, bench_binary = sys.argv[1], sys.argv[2]
    engine = os.environ.get('CONFAB_WEBSOCKET_ENGINE', 'native')
    tag = f'fanout-{engine}'
    results = Results()
    # Two descriptors a client (server and generator): raise the soft limit, inherited by both.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * CLIENTS + 256
    if hard != resource.RLIM_INFINITY and hard < wanted:
        print(f'FAIL [{tag}] the descriptor limit ({hard}) is below {wanted}', flush=True)
        return 1
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))

    # Every generated client comes from 127.0.0.1: lift the per-address cap, and the rate limit
    # the sender's full-speed burst would meet.
    server = Server(server_binary, extra=['--max-sessions-per-address', '0',
                                          '--rate-limit', '100000',
                                          '--ping-interval', str(PING_INTERVAL_MS),
                                          '--ping-timeout', '10000'], tag=tag).start()
    try:
        with tempfile.TemporaryDirectory(prefix='confab-fanout-') as tmp:
            out = os.path.join(tmp, 'result.json')
            run = subprocess.run([bench_binary, '--port', str(server.port),
                                  '--server-pid', str(server.proc.pid),
                                  '--ping-interval', str(PING_INTERVAL_MS), '--label', tag,
                                  '--scenario', 'fanout', '--clients', str(CLIENTS),
                                  '--messages', str(MESSAGES), '--rate', '0', '--out', out],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=280)
            output = run.stdout.decode(errors='replace')
            if not results.check(tag, 'the generator finished with a result',
                                 run.returncode == 0 and os.path.exists(out),
                                 f'exit code {run.returncode}; output tail:\n{output[-2000:]}'):
                return results.summary()
            with open(out) as f:
                r = json.load(f)
        results.equal(tag, 'no setup error', r.get('error'), None)
        results.equal(tag, 'every client connected', r.get('connected'), CLIENTS)
        results.equal(tag, 'every client joined the room', r.get('joins_failed'), 0)
        results.equal(tag, 'nobody dropped (every ping answered)', r.get('dropped'), 0)
        results.equal(tag, 'no protocol error', r.get('protocol_errors'), 0)
        results.equal(tag, 'every message delivered to every member', r.get('deliveries'),
                      CLIENTS * MESSAGES)
        results.equal(tag, 'none lost', r.get('lost'), 0)
        results.equal(tag, 'every message acked to its sender', r.get('sender_acked'), MESSAGES)
        results.check(tag, 'the host is still running', server.alive(), server.stderr_tail())
    finally:
        server.terminate()
    return results.summary()


if __name__ == '__main__':
    sys.exit(main())
