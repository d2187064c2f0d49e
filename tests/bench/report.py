#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Formats confab-bench results (JSON lines from run.sh) as RESULTS.md: one table per scenario
with Confab/Node and Confab/python ratios, then the issue's targets. Standard library only.

report.py --results results.jsonl [--command "tests/bench/run.sh"] [--quick 0|1] [--ping a/b]
"""
import argparse
import datetime
import json
import os
import re

SERVERS = ['confab-mem', 'confab-mem-qt', 'confab-sqlite', 'node', 'python']
CONFABS = ['confab-mem', 'confab-mem-qt', 'confab-sqlite']

# (key, label, format, lower-is-better)
CONNECT_METRICS = [
    ('connected', 'clients connected', '{:.0f}', False),
    ('connect_p50_ms', 'connect p50 (ms)', '{:.2f}', True),
    ('connect_p99_ms', 'connect p99 (ms)', '{:.2f}', True),
    ('server_rss_per_client_kib', 'server RSS / connection (KiB)', '{:.1f}', True),
    ('server_idle_cpu_pct', 'server CPU while idle (% of a core)', '{:.2f}', True),
    ('pings_per_client_min', 'pings answered per client (min)', '{:.0f}', False),
    ('lost_clients', 'clients dropped or not held', '{:.0f}', True),
]
ECHO_METRICS = [
    ('msgs_per_s', 'acked msgs/s', '{:.0f}', False),
    ('ack_p50_ms', 'ack p50 (ms)', '{:.2f}', True),
    ('ack_p99_ms', 'ack p99 (ms)', '{:.2f}', True),
    ('server_cpu_us_per_msg', 'server CPU µs / msg', '{:.1f}', True),
    ('acks_failed', 'failed acks', '{:.0f}', True),
]
FANOUT_METRICS = [
    ('deliveries_per_s', 'deliveries/s', '{:.0f}', False),
    ('delivery_p50_ms', 'delivery p50 (ms)', '{:.2f}', True),
    ('delivery_p99_ms', 'delivery p99 (ms)', '{:.2f}', True),
    ('server_cpu_us_per_delivery', 'server CPU µs / delivery', '{:.2f}', True),
    ('lost', 'deliveries lost', '{:.0f}', True),
]


def load(path):
    results = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            if 'server_rss_per_client_bytes' in r:
                r['server_rss_per_client_kib'] = r['server_rss_per_client_bytes'] / 1024
            if r.get('scenario') == 'connect':
                r['lost_clients'] = r['clients'] - r.get('still_connected', 0)
            results[(r['case'], r['server'])] = r
    return results


def case_key(case):
    kind = case.split('-')[0]
    order = {'connect': 0, 'echo': 1, 'fanout': 2}.get(kind, 3)
    numbers = [int(n) for n in re.findall(r'\d+', case)]
    return (order, numbers, case)


def fmt(value, pattern):
    if value is None:
        return '—'
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if isinstance(value, (int, float)) and value < 0:
        return '—'
    return pattern.format(value)


def ratio(a, b):
    if a is None or b is None or isinstance(a, bool) or a < 0 or b <= 0:
        return '—'
    return '{:.2f}'.format(a / b)


def machine():
    model = '?'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                model = line.split(':', 1)[1].strip()
                break
    mem = '?'
    with open('/proc/meminfo') as f:
        for line in f:
            if line.startswith('MemTotal'):
                mem = '{:.1f} GiB'.format(int(line.split()[1]) / 1024 / 1024)
    return '{} cores ({}), {} RAM, Linux {}'.format(os.cpu_count(), model, mem, os.uname().release)


def table(results, case, metrics, out):
    present = [s for s in SERVERS if (case, s) in results]
    head = ['metric'] + present
    ratio_cols = []
    for c in CONFABS:
        if c not in present:
            continue
        for ref in ('node', 'python'):
            if ref in present:
                ratio_cols.append((c, ref))
                head.append('{}/{}'.format(c.replace('confab-', ''), ref))
    out.append('| ' + ' | '.join(head) + ' |')
    out.append('|' + '---|' * len(head))
    errors = [(s, results[(case, s)]['error']) for s in present if 'error' in results[(case, s)]]
    for key, label, pattern, _lower in metrics:
        row = [label]
        for s in present:
            row.append(fmt(results[(case, s)].get(key), pattern))
        for c, ref in ratio_cols:
            row.append(ratio(results[(case, c)].get(key), results[(case, ref)].get(key)))
        out.append('| ' + ' | '.join(row) + ' |')
    # Was the measurement itself trustworthy?
    row = ['generator busiest thread / machine busy / other load']
    for s in present:
        r = results[(case, s)]
        m = r.get('hold') or r.get('measured')
        if not m:
            row.append('—')
            continue
        flags = []
        if m.get('generator_cpu_bound'):
            flags.append('GEN-BOUND')
        if m.get('machine_saturated'):
            flags.append('SATURATED')
        row.append('{:.0f}% / {:.0f}% / {:.2f} cores{}'.format(
            m['generator_busiest_thread_pct'], m['machine_busy_pct'], m['other_load_cores'],
            ' ' + ','.join(flags) if flags else ''))
    row += [''] * len(ratio_cols)
    out.append('| ' + ' | '.join(row) + ' |')
    for s, e in errors:
        out.append('')
        out.append('**{}**: {}'.format(s, e))
    out.append('')


def pick(results, prefix, server, largest=True):
    cases = sorted({c for (c, s) in results if c.startswith(prefix) and s == server}, key=case_key)
    return cases[-1] if cases else None


def targets(results, out):
    def get(case, server, key):
        r = results.get((case, server))
        return None if r is None or 'error' in r else r.get(key)

    rows = []

    def check(name, case, holds, detail):
        rows.append('| {} | {} | {} | {} |'.format(
            name, case or '—', {True: 'holds', False: '**not met**', None: 'no data'}[holds], detail))

    def compare(name, prefix, key, limit, confab='confab-mem', describe='{:.2f}'):
        for case in sorted({c for (c, _s) in results if c.startswith(prefix)}, key=case_key):
            a, b = get(case, confab, key), get(case, 'node', key)
            if a is None or b is None or b <= 0:
                check(name, case, None, '')
                continue
            r = a / b
            check(name, case, r <= limit,
                  '{}: Confab {} vs Node {} → ratio {:.2f} (target ≤ {:.2f})'.format(
                      confab, describe.format(a), describe.format(b), r, limit))

    compare('CPU per fanout delivery ≤ ¼ of Node', 'fanout', 'server_cpu_us_per_delivery', 0.25)
    compare('CPU per echoed message ≤ ⅓ of Node', 'echo', 'server_cpu_us_per_msg', 1 / 3)
    case = pick(results, 'connect', 'node')
    compare('memory per idle connection ≤ ½ of Node', case or 'connect', 'server_rss_per_client_kib', 0.5,
            describe='{:.1f} KiB')
    for confab in CONFABS:
        case = pick(results, 'connect', confab)
        r = results.get((case, confab)) if case else None
        if r is None or 'error' in r:
            check('{} clients held, every ping answered, none dropped ({})'.format(
                '10,000', confab), case, None, '')
            continue
        ok = bool(r.get('all_pings_answered_none_dropped'))
        if r['clients'] < 10000:
            ok = None  # a smaller run says nothing about 10,000
        check('10,000 clients held, every ping answered, none dropped ({})'.format(confab), case,
              ok, '{} of {} held {} s; pings/client min {} (expected ≥ {}); dropped {}; failed {}{}'.format(
                  r.get('still_connected'), r['clients'], round(r['hold']['wall_s']),
                  r.get('pings_per_client_min'), r.get('pings_expected_min'), r.get('dropped'),
                  r.get('connect_failed'), '' if r['clients'] >= 10000 else ' (fewer than 10,000 clients in this run)'))
    case = 'echo-200' if ('echo-200', 'node') in results else pick(results, 'echo', 'node')
    if case:
        a, b = get(case, 'confab-mem', 'ack_p99_ms'), get(case, 'node', 'ack_p99_ms')
        check('echo p99 no worse than Node (C=200)', case,
              None if a is None or b is None else a <= b,
              '' if a is None or b is None else 'Confab {:.2f} ms vs Node {:.2f} ms'.format(a, b))
        a, b = get(case, 'confab-sqlite', 'msgs_per_s'), get(case, 'node', 'msgs_per_s')
        check('with SQLite, Confab ahead of Node in msgs/s', case,
              None if a is None or b is None else a > b,
              '' if a is None or b is None else 'confab-sqlite {:.0f}/s vs Node {:.0f}/s'.format(a, b))
    out.append('| target | case | status | measured |')
    out.append('|---|---|---|---|')
    out.extend(rows)
    out.append('')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--results', required=True)
    parser.add_argument('--command', default='tests/bench/run.sh')
    parser.add_argument('--quick', default='0')
    parser.add_argument('--ping', default='')
    args = parser.parse_args()
    results = load(args.results)
    cases = sorted({c for (c, _s) in results}, key=case_key)
    out = ['# Confab benchmark results', '']
    out.append('- Date: {}'.format(datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')))
    out.append('- Machine: {}'.format(machine()))
    out.append('- Command: `{}`{}'.format(args.command.strip(), ' (quick smoke run)' if args.quick == '1' else ''))
    if args.ping:
        out.append('- Every server: ping interval/timeout {} ms; Confab `--rate-limit 100000`.'.format(args.ping))
    out.append('- Servers: `confab-mem` = confab-server `--data :memory:` (native WebSocket '
               'engine), `confab-mem-qt` = the same on `--websocket-engine qt` (QWebSocket), '
               '`confab-sqlite` = '
               'confab-server with a data folder (SQLite WAL), `node` = socket.io 4 (ws), '
               '`python` = python-socketio 5 on aiohttp. Ratios are Confab ÷ reference: below 1 '
               'is better for times, CPU and memory, above 1 for rates.')
    out.append('- Server CPU and RSS from /proc/PID of the server; the last row of each table shows '
               'the generator\'s busiest thread, how busy the whole machine was and the load of '
               'other processes (GEN-BOUND: the generator was the bottleneck; SATURATED: all '
               'cores busy, figures are pessimistic).')
    intervals = [r.get('hold') or r.get('measured') for r in results.values()]
    intervals = [m for m in intervals if m]
    if intervals:
        other = sum(m['other_load_cores'] for m in intervals) / len(intervals)
        saturated = sum(1 for m in intervals if m['machine_saturated'])
        bound = sum(1 for m in intervals if m['generator_cpu_bound'])
        if other > 0.25:
            out.append('- **Noisy run**: other processes used {:.2f} cores on average during the measured '
                       'intervals, and all cores were busy in {} of {} of them; latencies and rates '
                       'are pessimistic and vary between runs. Re-run on a quiet machine.'.format(
                           other, saturated, len(intervals)))
        else:
            # Saturation alone is not noise: the generator and the server can fill both
            # cores between them (those rows say SATURATED).
            out.append('- Quiet machine: other processes used {:.2f} cores on average during the '
                       'measured intervals; both cores were busy in {} of {} of them, with the '
                       'generator and the server alone (rows marked SATURATED).'.format(
                           other, saturated, len(intervals)))
        if bound:
            out.append('- **The generator was CPU-bound** in {} of {} measured intervals (a worker '
                       'thread ≥ 90% busy): those rates are the generator\'s limit, not the '
                       'server\'s.'.format(bound, len(intervals)))
    out.append('')
    for case in cases:
        kind = case.split('-')[0]
        metrics = {'connect': CONNECT_METRICS, 'echo': ECHO_METRICS, 'fanout': FANOUT_METRICS}.get(kind)
        if not metrics:
            continue
        any_r = next(results[(case, s)] for s in SERVERS if (case, s) in results)
        title = case
        if kind == 'connect':
            title += ': {} idle clients'.format(any_r.get('clients', '?'))
        elif kind == 'echo':
            title += ': {} clients × {} acked messages, rooms of one'.format(
                any_r.get('clients', '?'), any_r.get('messages_per_client', '?'))
        else:
            title += ': one room of {}, {} messages from one sender, {}'.format(
                any_r.get('clients', '?'), any_r.get('messages', '?'),
                'full speed (≤ {} unacked)'.format(any_r.get('window')) if not any_r.get('rate')
                else '{:g} msgs/s'.format(any_r['rate']))
        out.append('## ' + title)
        out.append('')
        table(results, case, metrics, out)
    out.append('## Targets')
    out.append('')
    targets(results, out)
    print('\n'.join(out))


if __name__ == '__main__':
    main()
