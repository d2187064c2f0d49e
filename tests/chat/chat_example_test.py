#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""server/chat/examples/python_client.py works as written.

    /usr/bin/python3 chat_example_test.py path/to/confab-server

Starts confab-server (:memory:), lets a python-socketio client "alice" write into "lobby", then
runs the example as "bob" (default room) with its stdin on a pipe: bob must print the welcome,
the join with alice's message in the history, alice's typing and message, and an ack for each
of the two lines written to its stdin; alice must receive those two messages (trimmed, with a
client id); on end of input bob exits 0 and alice sees him leave. Ends "N passed, M failed".
"""
import asyncio
import os
import re
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chat_common import Peer, Results, Server, quiet_aiohttp_leaks  # noqa: E402

R = Results()
EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'server', 'chat',
                       'examples', 'python_client.py')
T = 'example'


class Lines:
    """The example's stdout, collected line by line."""

    def __init__(self, stream):
        self.lines = []
        self.changed = asyncio.Event()
        self.task = asyncio.ensure_future(self._read(stream))

    async def _read(self, stream):
        while True:
            raw = await stream.readline()
            if not raw:
                break
            self.lines.append(raw.decode(errors='replace').rstrip('\n'))
            print(f'     bob> {self.lines[-1]}', flush=True)
            self.changed.set()
        self.changed.set()

    async def wait(self, pattern, timeout=10):
        """The first line matching the regex, or None after the timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            hit = next((ln for ln in self.lines if re.search(pattern, ln)), None)
            if hit is not None or loop.time() >= deadline:
                return hit
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), deadline - loop.time())
            except asyncio.TimeoutError:
                pass


async def main(binary):
    quiet_aiohttp_leaks(asyncio.get_running_loop())
    server = Server(binary).start()
    alice = Peer('alice')
    bob = None
    try:
        await alice.connect(server.url, ['websocket'], auth={'name': 'alice'})
        ack = await alice.call('join', {'room': 'lobby'})
        R.check(T, 'alice joins lobby', ack.get('ok') is True, repr(ack))
        first = await alice.call('message', {'room': 'lobby', 'text': 'hello from alice'})
        R.check(T, 'alice stores a message', first.get('ok') is True, repr(first))

        bob = await asyncio.create_subprocess_exec(
            sys.executable, EXAMPLE, server.url, 'bob', stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE)
        out = Lines(bob.stdout)
        R.check(T, 'bob prints the welcome with his name and the rooms',
                await out.wait(r'^welcome to Confab \S+, you are bob; rooms: lobby \(1\)$'),
                repr(out.lines))
        R.check(T, 'bob prints the join with the members',
                await out.wait(r'^joined lobby with (alice, bob|bob, alice)$'), repr(out.lines))
        R.check(T, 'bob prints the history',
                await out.wait(rf'^\[lobby #{first.get("id")}\] alice: hello from alice$'),
                repr(out.lines))
        joined = await alice.wait_event('joined', lambda j: j.get('name') == 'bob')
        R.check(T, 'alice sees bob join', joined, repr(alice.log))
        R.check(T, 'bob prints his own joined', await out.wait(r'^\* bob joined lobby$'),
                repr(out.lines))

        await alice.call('typing', {'room': 'lobby', 'typing': True})
        R.check(T, 'bob prints alice typing', await out.wait(r'^\* alice is typing in lobby$'),
                repr(out.lines))
        second = await alice.call('message', {'room': 'lobby', 'text': 'how are you?'})
        R.check(T, 'bob prints alice\'s message',
                await out.wait(rf'^\[lobby #{second.get("id")}\] alice: how are you\?$'),
                repr(out.lines))

        bob.stdin.write(b'hi alice\n  second line  \n')
        await bob.stdin.drain()
        got = await alice.wait_event('message', lambda m: m.get('name') == 'bob', n=2)
        R.equal(T, 'alice receives bob\'s two lines, trimmed',
                [m.get('text') for m in got], ['hi alice', 'second line'])
        R.check(T, 'bob\'s messages carry client ids',
                len(got) == 2 and all(isinstance(m.get('clientId'), str) and m['clientId']
                                      for m in got) and got[0]['clientId'] != got[1]['clientId'],
                repr(got))
        for m in got:
            R.check(T, f'bob prints the ack for {m.get("text")!r}',
                    await out.wait(rf'^\(sent as #{m.get("id")}\)$'), repr(out.lines))
            R.check(T, f'bob prints his own message {m.get("text")!r}',
                    await out.wait(rf'^\[lobby #{m.get("id")}\] bob: {m.get("text")}$'),
                    repr(out.lines))

        bob.stdin.close()
        code = await asyncio.wait_for(bob.wait(), 15)
        R.equal(T, 'bob exits 0 at the end of his input', code, 0)
        left = await alice.wait_event('left', lambda e: e.get('name') == 'bob')
        R.check(T, 'alice sees bob leave', left, repr(alice.log))
        await out.task
    except Exception:
        R.check(T, 'ran to the end', False, traceback.format_exc())
    finally:
        if bob is not None and bob.returncode is None:
            bob.kill()
            await bob.wait()
        await alice.close()
        server.kill()


if __name__ == '__main__':
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    asyncio.run(main(sys.argv[1]))
    sys.exit(R.summary())
