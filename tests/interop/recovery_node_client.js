// SPDX-License-Identifier: MIT
// Connection state recovery: socket.io-client 4.8 (node_modules beside this file) against
// Confab's host, as against socket.io 4.6+ with `connectionStateRecovery`.
//
//   node recovery_node_client.js path/to/interop_server [--verbose]
//
// Runs interop_server (--recovery) on both WebSocket engines. The client under test talks to it
// through a TCP gate of this script's own, which can refuse new connections and kill the open
// ones, so that the client stays away while another client sends it 100 events to its room and
// 100 to its sid; then it must come back with `recovered` true, its old sid, room and session,
// and every event once, in order (before any new one). Per transport list (websocket, polling,
// polling then upgrade) and per way of dropping (engine.close(), killed TCP connections).
// Then: past the window → a new connection; a valid pid with a bad offset and a flood of stale
// pids → new connections, each once.
'use strict';
const path = require('path');
const util = require('util');
const crypto = require('crypto');
const { spawn } = require('child_process');
const readline = require('readline');
const { io } = require(path.join(__dirname, 'node_modules', 'socket.io-client'));
const Gate = require(path.join(__dirname, 'tcp_gate.js'));

const MODES = [
    ['websocket', ['websocket']],
    ['polling', ['polling']],
    ['upgrade', ['polling', 'websocket']],
];
const ENGINES = ['native', 'qt'];
const EVENTS = 100;
const WINDOW_MS = 30000;
const SHORT_WINDOW_MS = 400;
const VERBOSE = process.argv.includes('--verbose');

let passed = 0;
let failed = 0;

function check(mode, name, ok, detail) {
    if (ok) {
        passed++;
        console.log(`PASS [${mode}] ${name}`);
    } else {
        failed++;
        console.log(`FAIL [${mode}] ${name}` + (detail ? `: ${detail}` : ''));
    }
    return ok;
}

function show(value) {
    const text = JSON.stringify(value);
    return text && text.length > 400 ? text.slice(0, 400) + '...' : text;
}

function equal(mode, name, got, expected) {
    return check(mode, name, util.isDeepStrictEqual(got, expected),
        `got ${show(got)}, expected ${show(expected)}`);
}

function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([
        promise,
        new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
        }),
    ]).finally(() => clearTimeout(timer));
}

const once = (emitter, event, ms = 5000) =>
    withTimeout(new Promise((resolve) => emitter.once(event, (...args) => resolve(args))), ms,
        `event ${event}`);

// A client that records room_msg and sid_msg as "room <text>" / "sid <text>", in order.
function recordingClient(url, transports, extra = {}) {
    const socket = io(url, {
        transports, forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100,
        randomizationFactor: 0, timeout: 3000, ...extra,
    });
    socket.got = [];
    socket.waiters = new Set();
    const record = (entry) => {
        socket.got.push(entry);
        for (const wake of [...socket.waiters]) wake();
    };
    socket.on('room_msg', (msg) => record(`room ${msg.text}`));
    socket.on('sid_msg', (msg) => record(`sid ${msg.text}`));
    socket.offsets = [];
    socket.onAny((...args) => socket.offsets.push(args[args.length - 1]));
    return socket;
}

function waitForCount(socket, count, ms = 10000) {
    return withTimeout(new Promise((resolve) => {
        const wake = () => {
            if (socket.got.length >= count) {
                socket.waiters.delete(wake);
                resolve();
            }
        };
        socket.waiters.add(wake);
        wake();
    }), ms, `${count} events (have ${socket.got.length})`);
}

async function untilUpgraded(socket) {
    const engine = socket.io.engine;
    if (engine.transport.name !== 'websocket')
        await once(engine, 'upgrade');
}

// The client under test leaves (engine.close() or killed TCP), misses 2 × EVENTS events and a
// few that exclude a room it is in, and comes back.
async function scenarioRecover(ctx, drop) {
    const tag = `${ctx.tag} ${drop}`;
    const a = recordingClient(ctx.gateUrl, ctx.transports);
    const b = io(ctx.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    ctx.sockets.push(a, b);
    await Promise.all([once(a, 'connect'), once(b, 'connect')]);
    check(tag, 'the CONNECT ack carries a pid', typeof a._pid === 'string' && a._pid.length > 0,
        show(a._pid));
    check(tag, 'a fresh connection is not recovered', a.recovered === false);
    await a.emitWithAck('join', { room: 'r' });
    await a.emitWithAck('join', { room: 'ex' });
    await a.emitWithAck('session_set', { kept: 'yes' });
    if (ctx.transports.length > 1)
        await untilUpgraded(a);
    // Events that reached it carry an offset (a string) as their last argument.
    await b.emitWithAck('to_room', { room: 'r', text: 'before' });
    await waitForCount(a, 1);
    check(tag, 'an event carries an offset string as its last argument',
        typeof a.offsets[a.offsets.length - 1] === 'string', show(a.offsets));
    const oldId = a.id;
    const oldPid = a._pid;

    ctx.gate.refuse();
    const gone = once(a, 'disconnect');
    if (drop === 'close')
        a.io.engine.close();
    else
        ctx.gate.kill();
    await gone;
    const reason = await b.emitWithAck('wait_reason', { sid: oldId, timeout: 5000 });
    check(tag, 'the host saw the connection go',
        ['transport close', 'transport error', 'ping timeout'].includes(reason), reason);

    const expected = [];
    const sends = [];
    for (let i = 0; i < EVENTS; i++) {
        sends.push(b.emitWithAck('to_room', { room: 'r', text: i }));
        sends.push(b.emitWithAck('to_sid', { sid: oldId, text: i }));
        expected.push(`room ${i}`, `sid ${i}`);
        if (i % 10 === 0)
            sends.push(b.emitWithAck('to_room', { room: 'r', text: `not ${i}`, except: ['ex'] }));
    }
    await Promise.all(sends);

    ctx.gate.accept();
    await once(a, 'connect', 10000);
    check(tag, 'socket.recovered is true', a.recovered === true);
    equal(tag, 'the old sid is back', a.id, oldId);
    equal(tag, 'the pid is the same', a._pid, oldPid);
    // One event after the return: it comes after every missed one, and proves the room.
    await b.emitWithAck('to_room', { room: 'r', text: 'after' });
    await waitForCount(a, 1 + expected.length + 1);
    equal(tag, `all ${expected.length} missed events once, in order, then the new one`,
        a.got, ['room before', ...expected, 'room after']);
    const session = await a.emitWithAck('session_get');
    equal(tag, 'the session is back', session.kept, 'yes');
    const rooms = await a.emitWithAck('join', { room: 'r' });
    equal(tag, 'the rooms are back', [...rooms.rooms].sort(), [oldId, 'ex', 'r'].sort());
}

// Past maxDisconnectionDuration: a new connection, nothing replayed.
async function scenarioExpired(ctx) {
    const tag = `${ctx.tag} expired`;
    const a = recordingClient(ctx.gateUrl, ctx.transports);
    const b = io(ctx.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    ctx.sockets.push(a, b);
    await Promise.all([once(a, 'connect'), once(b, 'connect')]);
    await a.emitWithAck('join', { room: 'r' });
    await b.emitWithAck('to_room', { room: 'r', text: 'before' });
    await waitForCount(a, 1);
    const oldId = a.id;
    ctx.gate.refuse();
    ctx.gate.kill();
    const reason = await b.emitWithAck('wait_reason', { sid: oldId, timeout: 5000 });
    check(tag, 'the host saw the connection go',
        ['transport close', 'transport error', 'ping timeout'].includes(reason), reason);
    await b.emitWithAck('to_room', { room: 'r', text: 'missed' });
    // Waiting out the window is what this test is about, not a synchronisation.
    await new Promise((resolve) => setTimeout(resolve, SHORT_WINDOW_MS * 2));
    ctx.gate.accept();
    await once(a, 'connect', 10000);
    check(tag, 'not recovered past the window', a.recovered === false);
    check(tag, 'a new sid', a.id !== oldId, a.id);
    const rooms = await a.emitWithAck('join', { room: 'other' });
    equal(tag, 'no old rooms', [...rooms.rooms].sort(), [a.id, 'other'].sort());
    equal(tag, 'nothing replayed', a.got, ['room before']);
}

// A known pid with an offset the host never sent, and a flood of made-up pids: each a new
// connection, once; then the real client still recovers.
async function scenarioStalePids(ctx) {
    const tag = `${ctx.tag} stale pids`;
    const a = recordingClient(ctx.gateUrl, ['websocket']);
    const b = io(ctx.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    ctx.sockets.push(a, b);
    await Promise.all([once(a, 'connect'), once(b, 'connect')]);
    await a.emitWithAck('join', { room: 'r' });
    await b.emitWithAck('to_room', { room: 'r', text: 'before' });
    await waitForCount(a, 1);
    const oldId = a.id;
    ctx.gate.refuse();
    ctx.gate.kill();
    await b.emitWithAck('wait_reason', { sid: oldId, timeout: 5000 });
    await b.emitWithAck('to_room', { room: 'r', text: 'missed' });

    const auths = [
        { pid: a._pid, offset: 'not an offset' },
        { pid: a._pid, offset: '99999999999' },
        { pid: a._pid, offset: '-1' },
        { pid: a._pid, offset: 5 },
        { pid: 7, offset: a._lastOffset },
    ];
    for (let i = 0; i < 200; i++)
        auths.push({ pid: crypto.randomBytes(15).toString('base64url'), offset: String(i) });
    const flood = auths.map((auth) => recordingClient(ctx.url, ['websocket'],
        { auth, reconnection: false }));
    ctx.sockets.push(...flood);
    const results = await Promise.allSettled(flood.map((s) => once(s, 'connect', 15000)));
    const connected = results.filter((r) => r.status === 'fulfilled').length;
    equal(tag, `all ${flood.length} connect`, connected, flood.length);
    const ids = new Set(flood.map((s) => s.id));
    check(tag, 'each with a new sid of its own', ids.size === flood.length && !ids.has(oldId),
        `${ids.size} distinct`);
    const rooms = await flood[0].emitWithAck('join', { room: 'x' });
    equal(tag, 'a bad offset gets no old rooms', [...rooms.rooms].sort(), [flood[0].id, 'x'].sort());
    check(tag, 'and no replay', flood.every((s) => s.got.length === 0));
    for (const s of flood)
        s.close();

    ctx.gate.accept();
    await once(a, 'connect', 10000);
    check(tag, 'the real client still recovers', a.recovered === true && a.id === oldId);
    await waitForCount(a, 2);
    equal(tag, 'with what it missed', a.got, ['room before', 'room missed']);
}

// The memory bounds: past --recovery-buffer the oldest events go, and a client that missed
// one of them gets a new connection; past --recovery-sessions the longest gone is forgotten.
async function scenarioBounds(ctx) {
    const tag = `${ctx.tag} bounds`;
    const first = recordingClient(ctx.gateUrl, ctx.transports);
    const second = recordingClient(ctx.gateUrl, ctx.transports);
    const b = io(ctx.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    ctx.sockets.push(first, second, b);
    await Promise.all([once(first, 'connect'), once(second, 'connect'), once(b, 'connect')]);
    await first.emitWithAck('join', { room: 'r' });
    await second.emitWithAck('join', { room: 'r' });
    await b.emitWithAck('to_room', { room: 'r', text: 'before' });
    await Promise.all([waitForCount(first, 1), waitForCount(second, 1)]);
    const firstId = first.id;
    const secondId = second.id;

    // Sessions: at most one is kept, so the first one to go is forgotten when the second goes.
    ctx.gate.refuse();
    first.io.engine.close();
    await b.emitWithAck('wait_reason', { sid: firstId, timeout: 5000 });
    second.io.engine.close();
    await b.emitWithAck('wait_reason', { sid: secondId, timeout: 5000 });
    await b.emitWithAck('to_room', { room: 'r', text: 'missed' });
    ctx.gate.accept();
    await Promise.all([once(first, 'connect', 10000), once(second, 'connect', 10000)]);
    check(tag, 'the session evicted over --recovery-sessions is not recovered',
        first.recovered === false && first.id !== firstId, `${first.recovered} ${first.id}`);
    check(tag, 'the one kept is', second.recovered === true && second.id === secondId);
    equal(tag, 'with what it missed', second.got, ['room before', 'room missed']);

    // Buffer: more than --recovery-buffer bytes of events while away.
    await second.emitWithAck('session_get'); // a round trip: it is fully back
    ctx.gate.refuse();
    second.io.engine.close();
    await b.emitWithAck('wait_reason', { sid: secondId, timeout: 5000 });
    const sends = [];
    for (let i = 0; i < 100; i++)
        sends.push(b.emitWithAck('to_room', { room: 'r', text: `${i} ${'x'.repeat(200)}` }));
    await Promise.all(sends);
    ctx.gate.accept();
    await once(second, 'connect', 10000);
    check(tag, 'not recovered when what it missed no longer all fits in --recovery-buffer',
        second.recovered === false && second.id !== secondId);
    equal(tag, 'and nothing replayed', second.got, ['room before', 'room missed']);
}

async function startServer(serverPath, engine, window, extra = []) {
    const server = spawn(serverPath, ['--port', '0', '--ping-interval', '500', '--ping-timeout',
        '500', '--quit-on-eof', '--recovery', String(window), ...extra,
        ...(VERBOSE ? ['--verbose'] : [])],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, CONFAB_WEBSOCKET_ENGINE: engine } });
    const exited = new Promise((resolve) => server.once('exit', (code, signal) =>
        resolve({ code, signal })));
    const port = await withTimeout(new Promise((resolve, reject) => {
        readline.createInterface({ input: server.stdout }).once('line', (line) => {
            const match = /^PORT (\d+)$/.exec(line);
            if (match) resolve(Number(match[1])); else reject(new Error(`server said ${line}`));
        });
        server.once('error', reject);
    }), 15000, 'interop_server start');
    return {
        url: `http://127.0.0.1:${port}`, port, exited,
        async stop() {
            server.stdin.end();
            await withTimeout(exited, 5000, 'interop_server exit').catch(() => server.kill('SIGKILL'));
        },
    };
}

async function run(ctx, name, fn, ...extra) {
    try {
        await withTimeout(fn(ctx, ...extra), 40000, name);
    } catch (err) {
        check(ctx.tag, `${name} ran to completion`, false, err && err.stack);
    } finally {
        for (const s of ctx.sockets)
            s.close();
        ctx.sockets = [];
        ctx.gate.accept();
    }
}

async function main(serverPath) {
    const started = Date.now();
    for (const engine of ENGINES) {
        for (const window of [WINDOW_MS, SHORT_WINDOW_MS, 'bounds']) {
            const server = window === 'bounds'
                ? await startServer(serverPath, engine, WINDOW_MS,
                    ['--recovery-buffer', '16384', '--recovery-sessions', '1'])
                : await startServer(serverPath, engine, window);
            const gate = new Gate(server.port);
            await gate.listen();
            try {
                for (const [mode, transports] of MODES) {
                    const ctx = {
                        tag: `${engine} ${mode}`, url: server.url,
                        gateUrl: `http://127.0.0.1:${gate.port}`, transports, gate, sockets: [],
                    };
                    if (window === WINDOW_MS) {
                        await run(ctx, 'recover after engine.close()', scenarioRecover, 'close');
                        await run(ctx, 'recover after a killed connection', scenarioRecover, 'kill');
                        if (mode === 'websocket')
                            await run(ctx, 'stale pids', scenarioStalePids);
                    } else if (window === SHORT_WINDOW_MS) {
                        await run(ctx, 'expired', scenarioExpired);
                    } else {
                        await run(ctx, 'bounds', scenarioBounds);
                    }
                }
            } finally {
                gate.close();
                await server.stop();
            }
        }
    }
    console.log(`--- total ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`${passed} passed, ${failed} failed`);
    return failed ? 1 : 0;
}

if (!process.argv[2]) {
    console.log('usage: node recovery_node_client.js path/to/interop_server [--verbose]');
    process.exit(2);
}
main(process.argv[2]).then((code) => process.exit(code));
