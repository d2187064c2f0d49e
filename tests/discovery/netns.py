# SPDX-License-Identifier: MIT
"""Two hosts on one link, made of Linux namespaces, for the discovery test.

Each "host" is a process tree in new network, mount, UTS and PID namespaces (unshare): its own
loopback, a veth end, its own /run (a tmpfs, so that its system D-Bus and its avahi-daemon
never meet the machine's), its own host name. Nothing here touches the machine's own network
namespace: the veth pair is created inside the first namespace with its peer placed straight
into the second, and every daemon and program runs inside one of the two.

Clean-up does not depend on this script finishing: each namespace's first process is started
with --kill-child under an unshare that dies with this script (PR_SET_PDEATHSIG), and the
kernel kills every process of a PID namespace when its first process dies; the network and
mount namespaces go with their last process. Still, stop() kills what it started, by pid.
"""

import ctypes
import json
import os
import queue
import select
import signal
import subprocess
import threading
import time

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class Failure(Exception):
    """A step failed: the message says which and why."""


class Process:
    """A program running in a namespace; its output lines arrive on queues."""

    def __init__(self, label, argv, env=None, stdin=False):
        self.label = label
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, preexec_fn=_die_with_parent)
        self.stdout = queue.Queue()
        self.stderr = queue.Queue()
        self.stderr_log = []
        self.stdout_log = []
        self.pumps = []
        for stream, sink, log in ((self.proc.stdout, self.stdout, self.stdout_log),
                                  (self.proc.stderr, self.stderr, self.stderr_log)):
            pump = threading.Thread(target=self._pump, args=(stream, sink, log), daemon=True)
            pump.start()
            self.pumps.append(pump)

    @staticmethod
    def _pump(stream, sink, log):
        for raw in iter(stream.readline, b''):
            line = raw.decode('utf-8', 'replace').rstrip('\n')
            log.append(line)
            sink.put(line)
        sink.put(None)

    def wait_line(self, predicate, timeout, stream='stdout', what='a line'):
        """The first line (of stdout or stderr) for which predicate is true, within timeout."""
        sink = self.stdout if stream == 'stdout' else self.stderr
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure(f'{self.label}: no {what} within {timeout} s\n' + self.tail())
            try:
                line = sink.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                self.proc.wait(timeout=5)
                raise Failure(f'{self.label} ended (exit {self.proc.returncode}) before {what}\n'
                              + self.tail())
            if predicate(line):
                return line

    def tail(self, lines=15):
        out = '\n'.join('    ' + l for l in self.stdout_log[-lines:])
        err = '\n'.join('    ' + l for l in self.stderr_log[-lines:])
        return f'  {self.label} stdout:\n{out}\n  {self.label} stderr:\n{err}'

    def inner_pid(self):
        """The pid (as this script sees it) of the program nsenter started in the namespace."""
        try:
            with open(f'/proc/{self.proc.pid}/task/{self.proc.pid}/children') as f:
                children = f.read().split()
        except OSError:
            return None
        return int(children[0]) if children else None

    def kill(self, sig=signal.SIGKILL):
        # nsenter forks the program into the PID namespace: signal the program itself.
        for pid in (self.inner_pid(), self.proc.pid):
            if pid:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass

    def stop(self):
        if self.proc.poll() is None:
            self.kill()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


class Namespace:
    """One host of the link: namespaces, a system bus and an avahi-daemon of its own."""

    def __init__(self, name, address, interface, workdir):
        self.name = name
        self.address = address
        self.interface = interface
        self.workdir = os.path.join(workdir, name)
        os.makedirs(self.workdir, exist_ok=True)
        self.holder = None
        self.init_pid = None
        self.processes = []
        self.baseline = 0
        self.bus_address = 'unix:path=/run/dbus/system_bus_socket'

    def start(self):
        # The first process of the new PID namespace: makes its mounts private, /run and /proc
        # its own, and waits. unshare cannot make "/" private in a chroot ("/" is no mount
        # point there), so the script does it from the namespace's real root: entering one's
        # own mount namespace (nsenter --mount) moves the root there, for that command only.
        # Only then is anything mounted, so that nothing propagates to the machine's mounts.
        script = ('set -e; nsenter --mount=/proc/self/ns/mnt -- mount --make-rprivate /; '
                  'mount -t proc proc /proc; '
                  'mount -t tmpfs -o mode=0755 confab-run /run; '
                  'mkdir -p /run/dbus /run/avahi-daemon; '
                  f'echo {self.name} > /proc/sys/kernel/hostname; '
                  'echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad; '
                  'echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad; '
                  'ip link set lo up; echo ready; exec sleep 100000')
        self.holder = Process(f'{self.name} (unshare)',
                              ['unshare', '--net', '--mount', '--uts', '--pid', '--fork',
                               '--kill-child', '--propagation', 'unchanged',
                               'sh', '-c', script])
        try:
            self.holder.wait_line(lambda l: l == 'ready', 20, what='"ready"')
        except Failure as e:
            raise Failure(f'cannot make the namespaces of {self.name} (unshare --net --mount '
                          f'--uts --pid needs root and a kernel that allows them): {e}')
        self.init_pid = self.holder.inner_pid()
        if not self.init_pid:
            raise Failure(f'{self.name}: cannot find the namespace\'s first process')

    def run(self, label, argv, env=None, stdin=False, net_only=False):
        """Starts argv inside this namespace (all of them: net, mount, UTS, PID)."""
        enter = ['nsenter', f'--target={self.init_pid}', '--net']
        if not net_only:
            # Entering a mount namespace resets the root to the namespace's own: --root and
            # --wd keep the target's, which matters in a chroot (CI's fresh Debian).
            enter += ['--mount', '--uts', '--pid', '--root', '--wd']
        full_env = dict(os.environ if env is None else env)
        full_env['DBUS_SYSTEM_BUS_ADDRESS'] = self.bus_address
        full_env.setdefault('QT_QPA_PLATFORM', 'offscreen')  # the app's parts, no window
        process = Process(f'{self.name}: {label}', enter + ['--'] + argv, env=full_env,
                          stdin=stdin)
        self.processes.append(process)
        return process

    def check(self, label, argv, timeout=20, net_only=False, expect_exit=0):
        """Runs argv inside to its end; the Process (output in stdout_log), or Failure."""
        process = self.run(label, argv, net_only=net_only)
        try:
            process.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.stop()
            raise Failure(f'{self.name}: {label} did not finish within {timeout} s\n'
                          + process.tail())
        for pump in process.pumps:
            pump.join(timeout=5)
        if expect_exit is not None and process.proc.returncode != expect_exit:
            raise Failure(f'{self.name}: {label} failed (exit {process.proc.returncode})\n'
                          + process.tail())
        return process

    def configure_link(self):
        self.check('ip address', ['ip', 'address', 'add', f'{self.address}/24', 'dev',
                                  self.interface])
        self.check('ip link up', ['ip', 'link', 'set', self.interface, 'up', 'multicast', 'on'])

    def start_daemons(self):
        bus_conf = os.path.join(self.workdir, 'system-bus.conf')
        with open(bus_conf, 'w') as f:
            # A system bus like Debian's, but open: only the test's programs are on it.
            f.write('<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration '
                    '1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">\n'
                    '<busconfig><type>system</type>'
                    '<listen>unix:path=/run/dbus/system_bus_socket</listen>'
                    '<auth>EXTERNAL</auth>'
                    '<policy context="default"><allow user="*"/><allow own="*"/>'
                    '<allow send_destination="*" eavesdrop="true"/>'
                    '<allow receive_sender="*"/><allow eavesdrop="true"/></policy>'
                    '</busconfig>\n')
        bus = self.run('dbus-daemon', ['dbus-daemon', f'--config-file={bus_conf}', '--nofork',
                                       '--print-address=1'])
        bus.wait_line(lambda l: l.startswith('unix:'), 20, what='its address')
        avahi_conf = os.path.join(self.workdir, 'avahi-daemon.conf')
        with open(avahi_conf, 'w') as f:
            f.write('[server]\n'
                    f'host-name={self.name}\n'
                    'use-ipv4=yes\nuse-ipv6=yes\n'
                    f'allow-interfaces={self.interface}\n'
                    'enable-dbus=yes\n'
                    'ratelimit-interval-usec=1000000\nratelimit-burst=1000\n'
                    '[wide-area]\nenable-wide-area=no\n'
                    '[publish]\npublish-hinfo=no\npublish-workstation=no\n'
                    '[reflector]\n[rlimits]\n')
        avahi = self.run('avahi-daemon', ['avahi-daemon', '-f', avahi_conf, '--no-drop-root',
                                          '--no-chroot', '--no-rlimits', '--no-proc-title'])
        avahi.wait_line(lambda l: 'Server startup complete' in l, 30, stream='stderr',
                        what='"Server startup complete"')
        self.avahi = avahi
        self.baseline = len(self.processes)

    def stop_programs(self):
        """Stops what was started after the daemons."""
        for process in self.processes[self.baseline:]:
            process.stop()
        del self.processes[self.baseline:]

    def stop(self):
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()
        if self.holder:
            self.holder.stop()
            self.holder = None


class Link:
    """Two namespaces joined by a veth pair."""

    def __init__(self, workdir):
        self.a = Namespace('confab-a', '198.51.100.1', 'veth-a', workdir)
        self.b = Namespace('confab-b', '198.51.100.2', 'veth-b', workdir)

    def start(self):
        self.a.start()
        self.b.start()
        # Made inside A, its peer placed straight into B (by B's pid as this script sees it).
        self.a.check('ip link add veth', ['ip', 'link', 'add', self.a.interface, 'type', 'veth',
                                          'peer', 'name', self.b.interface, 'netns',
                                          str(self.b.init_pid)], net_only=True)
        self.a.configure_link()
        self.b.configure_link()
        self.a.start_daemons()
        self.b.start_daemons()

    def stop(self):
        self.b.stop()
        self.a.stop()
