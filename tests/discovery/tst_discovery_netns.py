#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Discovery for real: two network namespaces joined by a veth pair, each with its own system
D-Bus and avahi-daemon (netns.py). Never touches the machine's own network namespace.

1. confab-server announces in A (with a password); in B, `confab-cli --discover`,
   avahi-browse (any mDNS browser) and the app's own model (discovery_probe: Controller's
   FoundHostsModel) find and resolve it; the app joins it as a click does, and python-socketio
   joins the resolved URL too; confab-server is killed (SIGKILL) and the app's row goes.
2. The app hosts in A (the start page's Host button); the app in B lists it and joins it.
3. `confab-server --no-announce` in A is not found from B.

Needs root, util-linux (unshare, nsenter), iproute2, dbus-daemon and avahi-daemon: without one
of them the test FAILS saying which (it never passes by skipping).
Prints "N passed, M failed" at the end.
"""

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns import Failure, Link  # noqa: E402

PYTHON = '/usr/bin/python3'  # the one with python-socketio (Debian's python3-socketio)

JOIN_PEER = r'''
import sys, threading, socketio
url, password = sys.argv[1], sys.argv[2]
welcomed = threading.Event()
client = socketio.Client(reconnection=False)
@client.on('welcome')
def welcome(data, *offset):  # confab-server appends a recovery offset (server/chat/README.md)
    print('welcome', data.get('server', {}).get('name'), flush=True)
    welcomed.set()
client.connect(url, auth={'name': 'py-peer', 'password': password}, wait_timeout=10)
ok = welcomed.wait(10)
client.disconnect()
sys.exit(0 if ok else 1)
'''


def json_lines(lines):
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out


def require_tools():
    if os.geteuid() != 0:
        raise Failure('must run as root: it makes network, mount, UTS and PID namespaces')
    missing = [tool for tool in ('unshare', 'nsenter', 'ip', 'dbus-daemon', 'avahi-daemon')
               if shutil.which(tool) is None]
    if missing:
        raise Failure('missing: ' + ', '.join(missing) + ' (scripts/dev.sh deps installs '
                      'util-linux, iproute2, dbus-daemon and avahi-daemon)')
    if not os.path.isdir('/proc/sys/net/ipv6'):
        raise Failure('this kernel has IPv6 off (no /proc/sys/net/ipv6): the test checks the '
                      'link-local IPv6 URLs discovery gives')
    if not os.path.exists(PYTHON):
        raise Failure(f'{PYTHON} is missing (python3-socketio)')


def test_server_found_joined_and_gone(link, args):
    a, b = link.a, link.b
    server = a.run('confab-server', [args.server, '--port', '3000', '--data', ':memory:',
                                     '--name', 'Lab host', '--password', 's3cret'])
    server.wait_line(lambda l: 'announced Lab host as _confab._tcp' in l, 20, stream='stderr',
                     what='its announcement')
    # What joiners pin: the host's TLS certificate, announced in the TXT record (fp).
    printed = [l for l in server.stdout_log if l.startswith('TLS certificate SHA-256 fingerprint: ')]
    if not printed:
        raise Failure('confab-server printed no certificate fingerprint:\n' + server.tail())
    fp = printed[0].split(': ', 1)[1].replace(':', '').lower()

    # The app's model in B, which joins the host once it lists it (by its IPv4 address:
    # confab-server listens on 0.0.0.0 here).
    probe = b.run('discovery_probe', [args.probe, 'browse', '--join', 'Lab host', '--ipv4',
                                      '--password', 's3cret', '--name', 'bob'])

    # confab-cli --discover: one line per address, the IPv4 one and the link-local IPv6 one.
    cli = b.check('confab-cli --discover', [args.cli, '--discover', '--timeout', '3'],
                  timeout=20)
    found = json_lines(cli.stdout_log)
    ipv4 = {'name': 'Lab host', 'url': 'http://198.51.100.1:3000#fp=' + fp, 'pw': True,
            'tls': True, 'fp': fp}
    if ipv4 not in found:
        raise Failure(f'confab-cli --discover did not list {ipv4}:\n' + cli.tail())
    ipv6 = [h for h in found if h['url'].startswith('http://[fe80:')]
    if not ipv6 or not ipv6[0]['url'].endswith('%25veth-b]:3000#fp=' + fp):
        raise Failure('confab-cli --discover: no link-local IPv6 URL with its zone (%25veth-b):\n'
                      + cli.tail())

    # Any mDNS browser sees it, with its TXT record.
    if shutil.which('avahi-browse'):
        browse = b.check('avahi-browse', ['avahi-browse', '-rpt', '_confab._tcp'], timeout=20)
        resolved = [l for l in browse.stdout_log if l.startswith('=') and ';IPv4;' in l]
        if not resolved or ';198.51.100.1;3000;' not in resolved[0] \
                or '"pw=1"' not in resolved[0] or '"name=Lab host"' not in resolved[0] \
                or '"v=1"' not in resolved[0] or '"path=/socket.io/"' not in resolved[0] \
                or '"tls=1"' not in resolved[0] or f'"fp={fp}"' not in resolved[0]:
            raise Failure('avahi-browse did not resolve Lab host with its TXT record:\n'
                          + browse.tail())

    # The app listed it with its best address (IPv4 first, once both resolved) and joined it
    # as a click does.
    row = probe.wait_line(lambda l: '"event":"found"' in l and '"Lab host"' in l
                          and '"url":"http://198.51.' in l, 20, what='the row of Lab host')
    row = json.loads(row)
    if row['url'] != ipv4['url'] or row['address'] != '198.51.100.1:3000' \
            or row['pw'] is not True:
        raise Failure(f'the app\'s row is {row}')
    joined = json.loads(probe.wait_line(lambda l: '"event":"joined"' in l, 20,
                                        what='joining Lab host'))
    # By the link with its pin: the app goes https to the same port and accepts only the
    # announced certificate (tst_app_e2e checks that such a link is joined over TLS).
    if joined['myName'] != 'bob' or joined['url'] != ipv4['url']:
        raise Failure(f'the app joined as {joined}')

    # A python-socketio client joins the URL confab-cli printed.
    peer = b.check('python-socketio', [PYTHON, '-c', JOIN_PEER, ipv4['url'], 's3cret'],
                   timeout=30)
    if not any(l.startswith('welcome') for l in peer.stdout_log):
        raise Failure('python-socketio was not welcomed:\n' + peer.tail())

    # The host dies without a word: its row goes (Avahi withdraws what a gone client
    # announced, and B's browser hears it).
    started = time.monotonic()
    server.kill(signal.SIGKILL)
    probe.wait_line(lambda l: '"event":"gone"' in l and '"Lab host"' in l, 20,
                    what='the row of Lab host going')
    gone_after = time.monotonic() - started
    cli = b.check('confab-cli --discover (after)', [args.cli, '--discover', '--timeout', '2'],
                  timeout=20)
    if any(h.get('name') == 'Lab host' for h in json_lines(cli.stdout_log)):
        raise Failure('Lab host is still listed after it was killed:\n' + cli.tail())
    probe.stop()
    return f'found, joined (app and python-socketio), gone {gone_after:.1f} s after SIGKILL'


def test_app_host_found_and_joined(link, args):
    a, b = link.a, link.b
    host = a.run('app host', [args.probe, 'host', '--name', 'alice', '--port', '3000'])
    announced = json.loads(host.wait_line(lambda l: '"event":' in l, 30,
                                          what='the app\'s host announced'))
    if announced.get('event') != 'announced' or announced.get('name') != 'alice (confab-a)':
        raise Failure(f'the app\'s host said {announced}\n' + host.tail())
    probe = b.run('discovery_probe', [args.probe, 'browse', '--join', 'alice (confab-a)',
                                      '--name', 'bob'])
    # The app's host listens on IPv4 and IPv6: whichever address the row shows first joins,
    # a link-local one through its zone.
    row = json.loads(probe.wait_line(lambda l: '"event":"found"' in l, 20,
                                     what='the row of the app\'s host'))
    base, _, pin = row['url'].partition('#fp=')
    if row['pw'] is not False or len(pin) != 64 \
            or base not in ('http://198.51.100.1:3000', ) and not base.endswith('%25veth-b]:3000'):
        raise Failure(f'the app\'s row is {row}')
    joined = json.loads(probe.wait_line(lambda l: '"event":"joined"' in l, 20,
                                        what='joining the app\'s host'))
    if joined['url'] != row['url']:
        raise Failure(f'the app joined {joined}, its row said {row}')
    # The app ends: its announcement goes with its bus connection, and the row goes.
    host.kill(signal.SIGTERM)
    probe.wait_line(lambda l: '"event":"gone"' in l, 20, what='the row going')
    probe.stop()
    host.stop()
    return 'the app\'s host listed and joined by the app, gone when it quit'


def test_no_announce(link, args):
    a, b = link.a, link.b
    server = a.run('confab-server --no-announce',
                   [args.server, '--port', '3001', '--data', ':memory:', '--name', 'Hidden',
                    '--no-announce'])
    server.wait_line(lambda l: 'Confab host ready' in l, 20, what='"Confab host ready"')
    # Something that is announced, so that B's listing is known to work meanwhile.
    beacon = a.run('confab-server (beacon)', [args.server, '--port', '3002', '--data',
                                             ':memory:', '--name', 'Beacon'])
    beacon.wait_line(lambda l: 'announced Beacon' in l, 20, stream='stderr',
                     what='its announcement')
    cli = b.check('confab-cli --discover', [args.cli, '--discover', '--timeout', '3'],
                  timeout=20)
    names = {h.get('name') for h in json_lines(cli.stdout_log)}
    if 'Beacon' not in names or 'Hidden' in names:
        raise Failure(f'expected Beacon and not Hidden, found {names}\n' + cli.tail())
    server.stop()
    beacon.stop()
    return '--no-announce is not listed; an announced neighbour is'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--server', required=True)
    parser.add_argument('--cli', required=True)
    parser.add_argument('--probe', required=True)
    args = parser.parse_args()
    # nsenter --mount starts programs in / of the namespace.
    args.server, args.cli, args.probe = map(os.path.abspath, (args.server, args.cli, args.probe))

    passed = failed = 0
    workdir = tempfile.mkdtemp(prefix='confab-netns-')
    link = None
    try:
        require_tools()
        link = Link(workdir)
        link.start()
        for test in (test_server_found_joined_and_gone, test_app_host_found_and_joined,
                     test_no_announce):
            try:
                detail = test(link, args)
                print(f'PASS   : {test.__name__}: {detail}', flush=True)
                passed += 1
            except Failure as e:
                print(f'FAIL!  : {test.__name__}: {e}', flush=True)
                failed += 1
            finally:
                # What a test left running goes before the next starts; the daemons stay.
                link.a.stop_programs()
                link.b.stop_programs()
    except Failure as e:
        print(f'FAIL!  : setting up the namespaces: {e}', flush=True)
        failed += 1
    finally:
        if link:
            link.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f'{passed} passed, {failed} failed')
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == '__main__':
    sys.exit(main())
