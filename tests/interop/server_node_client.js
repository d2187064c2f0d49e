// SPDX-License-Identifier: MIT
// socket.io-client 4.8 (node_modules beside this file) against Confab's host.
//
//   node server_node_client.js path/to/interop_server [--verbose]
//
// Starts `interop_server --port 0` itself, then runs every scenario once per transport list:
// ['websocket'], ['polling'] and ['polling', 'websocket'] (where the upgrade must happen).
// Prints one line per check, ends with "N passed, M failed" and exits 1 if anything failed.
'use strict';
const path = require('path');
const util = require('util');
const { spawn } = require('child_process');
const readline = require('readline');
const { Manager } = require(path.join(__dirname, 'node_modules', 'socket.io-client'));

const MODES = [
    ['websocket', ['websocket']],
    ['polling', ['polling']],
    ['upgrade', ['polling', 'websocket']],
];
const NAMESPACES = ['/', '/chat'];
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
// What interop_server's binary_please sends (and acks).
const BIN_PAYLOAD = [
    ALL_BYTES,
    { data: ALL_BYTES, nested: { list: [ALL_BYTES.subarray(0, 4), 7, 'x'] } },
    [Buffer.from([0, 255]), ALL_BYTES.subarray(253)],
];
const VERBOSE = process.argv.includes('--verbose');

let passed = 0;
let failed = 0;

// Buffers, typed arrays and ArrayBuffers compare (and print) by their bytes.
function plain(value) {
    if (Buffer.isBuffer(value) || value instanceof Uint8Array)
        return { $bytes: Buffer.from(value).toString('hex') };
    if (value instanceof ArrayBuffer)
        return { $bytes: Buffer.from(value).toString('hex') };
    if (Array.isArray(value))
        return value.map(plain);
    if (value && typeof value === 'object') {
        const out = {};
        for (const key of Object.keys(value).sort())
            out[key] = plain(value[key]);
        return out;
    }
    return value;
}

function show(value) {
    const text = JSON.stringify(plain(value));
    return text && text.length > 300 ? text.slice(0, 300) + '...' : text;
}

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

function equal(mode, name, got, expected) {
    return check(mode, name, util.isDeepStrictEqual(plain(got), plain(expected)),
        `got ${show(got)}, expected ${show(expected)}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([
        promise,
        new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
        }),
    ]).finally(() => clearTimeout(timer));
}

// One Manager (one Engine.IO connection) with a socket per namespace; records everything the
// sockets receive, and the raw Engine.IO message packets, in order.
class Peer {
    constructor(url, transports, { auth, namespaces = NAMESPACES, answers = true } = {}) {
        this.manager = new Manager(url, { transports, reconnection: false, autoConnect: false });
        this.wire = [];
        this.manager.on('open', () => {
            this.manager.engine.on('packet', (packet) => {
                if (packet.type === 'message' && typeof packet.data === 'string')
                    this.wire.push(packet.data);
            });
        });
        this.sockets = {};
        this.log = {};
        this.waiters = new Set();
        for (const nsp of namespaces) {
            const socket = this.manager.socket(nsp, auth === undefined ? {} : { auth });
            this.sockets[nsp] = socket;
            this.log[nsp] = [];
            const record = (event, args) => {
                this.log[nsp].push({ event, args });
                for (const wake of [...this.waiters]) wake();
            };
            socket.on('connect', () => record('connect', []));
            socket.on('disconnect', (reason) => record('disconnect', [reason]));
            socket.on('connect_error', (err) => record('connect_error',
                [{ message: err.message, data: err.data }]));
            socket.onAny((event, ...args) => {
                if (typeof args[args.length - 1] === 'function') args.pop();
                record(event, args);
            });
            if (answers)
                socket.on('question', (q, ack) => ack('answer-to', q));
            // else: no "question" handler, so socket.io-client never acks
        }
    }

    socket(nsp = '/') { return this.sockets[nsp]; }
    sid(nsp = '/') { return this.sockets[nsp].id; }
    events(nsp, name) { return this.log[nsp].filter((e) => e.event === name).map((e) => e.args); }

    async waitFor(predicate, ms = 5000) {
        let result = predicate();
        if (result) return result;
        return new Promise((resolve) => {
            const done = () => {
                result = predicate();
                if (result) finish();
            };
            const finish = () => {
                this.waiters.delete(done);
                clearTimeout(timer);
                resolve(result);
            };
            const timer = setTimeout(finish, ms);
            this.waiters.add(done);
        });
    }

    // Connects every namespace; resolves once each has connected or failed.
    async connect(ms = 5000) {
        const outcomes = Object.entries(this.sockets).map(([nsp, socket]) => new Promise(
            (resolve) => {
                socket.once('connect', () => resolve([nsp, true]));
                socket.once('connect_error', (err) => resolve([nsp, err]));
            }));
        for (const socket of Object.values(this.sockets))
            socket.connect();
        return withTimeout(Promise.all(outcomes), ms, 'connect');
    }

    // Emits with an ack callback (several ack arguments) and a client-side timeout.
    call(event, args = [], nsp = '/', ms = 5000) {
        return new Promise((resolve, reject) => {
            this.sockets[nsp].timeout(ms).emit(event, ...args, (err, ...reply) => {
                if (err) reject(err); else resolve(reply);
            });
        });
    }

    transport() { return this.manager.engine && this.manager.engine.transport.name; }

    close() {
        for (const socket of Object.values(this.sockets))
            socket.disconnect();
        if (this.manager.engine) this.manager.engine.close();
    }
}

// The Socket.IO packets of one namespace in raw Engine.IO messages, as type digit + event name:
// '0{"sid":..}' -> '0', '2["welcome",..]' -> '2welcome', '51-/chat,["bin",..]' -> '5bin'.
function wireKinds(wire, nsp) {
    const kinds = [];
    for (const text of wire) {
        const m = /^(\d)(?:\d+-)?(\/[^,]*,)?\d*(.*)$/s.exec(text);
        if (!m || (m[2] || '/,') !== (nsp === '/' ? '/,' : `${nsp},`))
            continue;
        const event = /^\["([^"]*)"/.exec(m[3]);
        kinds.push(m[1] + (event ? event[1] : ''));
    }
    return kinds;
}

class Context {
    constructor(url, mode, transports) {
        this.url = url;
        this.mode = mode;
        this.transports = transports;
        this.peers = [];
        this.children = [];
    }

    async peer(options = {}, connect = true) {
        const p = new Peer(this.url, this.transports, options);
        this.peers.push(p);
        if (connect) {
            const outcomes = await p.connect();
            for (const [nsp, ok] of outcomes)
                if (ok !== true) throw new Error(`${nsp} did not connect: ${ok.message}`);
        }
        return p;
    }
}

function startChild(ctx, room) {
    const child = spawn(process.execPath,
        [__filename, '--child', ctx.url, ctx.transports.join(','), room],
        { stdio: ['pipe', 'pipe', 'inherit'] });
    ctx.children.push(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const sid = withTimeout(new Promise((resolve, reject) => {
        const lines = readline.createInterface({ input: child.stdout });
        lines.once('line', (line) => {
            const match = /^SID (\S+)$/.exec(line);
            if (match) resolve(match[1]); else reject(new Error(`child said ${line}`));
        });
        child.once('exit', () => reject(new Error('child exited')));
    }), 10000, 'child');
    return { child, sid, exited };
}

async function childMain(url, transports, room) {
    // Never outlive the test: the parent holds our stdin open.
    process.stdin.on('end', () => process.exit(0)).resume();
    // SIGUSR2 freezes the event loop (a hung application) for a while.
    process.on('SIGUSR2', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 6000));
    const peer = new Peer(url, transports.split(','), { namespaces: ['/'] });
    await peer.connect();
    await peer.call('join', [{ room }]);
    console.log(`SID ${peer.sid()}`);
    setInterval(() => {}, 1 << 30);
}

// ---- scenarios ---------------------------------------------------------------------------

async function scenarioConnect(ctx) {
    const m = ctx.mode;
    const a = await ctx.peer({ auth: { token: 'secret' } });
    check(m, 'connect with auth {token:"secret"} to / and /chat',
        a.socket('/').connected && a.socket('/chat').connected);
    for (const nsp of NAMESPACES) {
        const welcome = await a.waitFor(() => a.events(nsp, 'welcome').length && a.events(nsp, 'welcome'));
        if (!check(m, `welcome emitted from the connect handler arrives (${nsp})`,
            welcome && welcome.length === 1, show(welcome)))
            continue;
        const data = welcome[0][0];
        equal(m, `welcome carries the socket id (${nsp})`, data.sid, a.sid(nsp));
        check(m, `socket ids differ per namespace and from the Engine.IO sid (${nsp})`,
            a.sid(nsp) !== a.manager.engine.id && a.sid('/') !== a.sid('/chat'));
        equal(m, `connect handler saw the auth (${nsp})`, data.auth, { token: 'secret' });
        // socket.io-client sends the first CONNECT at once, over polling when it starts with
        // polling. The next namespace's CONNECT waits for that POST to drain, and when the
        // WebSocket probe wins that race it goes out after the upgrade: either transport is
        // right for it, but nothing else.
        if (nsp === '/' || ctx.transports.length === 1)
            equal(m, `connect handler saw the transport (${nsp})`, data.transport,
                ctx.transports[0]);
        else
            check(m, `connect handler saw one of the client's transports (${nsp})`,
                ctx.transports.includes(data.transport), show(data.transport));
        // socket.io-client buffers early events, so look at the wire: the CONNECT ack must
        // precede what the connect handler emitted.
        const prefix = nsp === '/' ? '' : `${nsp},`;
        const ackAt = a.wire.findIndex((d) => d.startsWith(`0${prefix}{`));
        const welcomeAt = a.wire.findIndex((d) => d.startsWith(`2${prefix}["welcome"`));
        check(m, `CONNECT ack before the welcome event on the wire (${nsp})`,
            ackAt >= 0 && welcomeAt > ackAt, `wire ${show(a.wire.slice(0, 6))}`);
    }
    if (ctx.mode === 'upgrade') {
        const engine = a.manager.engine;
        if (engine.transport.name !== 'websocket')
            await withTimeout(new Promise((resolve) => engine.once('upgrade', resolve)), 5000,
                'upgrade');
        equal(m, 'upgraded from polling to websocket', a.transport(), 'websocket');
        equal(m, 'still works after the upgrade', await a.call('echo', ['after upgrade']),
            ['after upgrade']);
    } else {
        equal(m, 'transport', a.transport(), ctx.transports[0]);
        await sleep(0);
    }

    // A binary event and an ack request from the connect handler, held back behind the ack.
    const d = await ctx.peer({ auth: { binary: true, ask: true } });
    for (const nsp of NAMESPACES) {
        const answer = await d.waitFor(() => d.events(nsp, 'answer').length && d.events(nsp, 'answer'));
        equal(m, `emitWithAck from the connect handler is answered (${nsp})`, answer,
            [['answer-to', 'on connect']]);
        equal(m, `binary event from the connect handler (${nsp})`, d.events(nsp, 'welcome_bin'),
            [[ALL_BYTES, { b: Buffer.from([1]) }]]);
        equal(m, `order on the wire: CONNECT, welcome, welcome_bin, question (${nsp})`,
            wireKinds(d.wire, nsp).slice(0, 4), ['0', '2welcome', '5welcome_bin', '2question']);
    }

    const b = await ctx.peer({ namespaces: ['/chat'] });
    const welcome = await b.waitFor(() => b.events('/chat', 'welcome').length && b.events('/chat', 'welcome'));
    equal(m, 'connect without auth (only /chat): auth is {}', welcome && welcome[0][0].auth, {});
}

async function scenarioRefused(ctx) {
    const m = ctx.mode;
    const bad = await ctx.peer({ auth: { token: 'wrong' } }, false);
    const outcomes = await bad.connect();
    for (const [nsp, outcome] of outcomes) {
        check(m, `wrong token refused (${nsp})`, outcome instanceof Error, String(outcome));
        equal(m, `connect_error carries message and data (${nsp})`,
            bad.events(nsp, 'connect_error'),
            [[{ message: 'unauthorized', data: { reason: 'bad token' } }]]);
        check(m, `socket stays disconnected (${nsp})`, !bad.socket(nsp).connected);
    }
    const unknown = await ctx.peer({ namespaces: ['/', '/nope'] }, false);
    const results = Object.fromEntries(await unknown.connect());
    check(m, 'unknown namespace refused, "/" connected',
        results['/'] === true && results['/nope'] instanceof Error);
    equal(m, 'unknown namespace: connect_error "Invalid namespace"',
        unknown.events('/nope', 'connect_error'), [[{ message: 'Invalid namespace', data: undefined }]]);
}

async function scenarioEcho(ctx) {
    const m = ctx.mode;
    const a = await ctx.peer();
    for (const nsp of NAMESPACES) {
        const args = [1, 'two', { three: [3.5, null, true, false] }, 'héllo ✓ 😀', []];
        equal(m, `echo, several JSON arguments (${nsp})`, await a.call('echo', args, nsp), args);
        equal(m, `echo, no arguments (${nsp})`, await a.call('echo', [], nsp), []);
        const bargs = [Buffer.from([0, 1, 254, 255]), { nested: [Buffer.from('abc'), { deep: ALL_BYTES }] },
            'text'];
        equal(m, `echo, binary at the top and nested (${nsp})`, await a.call('echo', bargs, nsp),
            bargs);
        const typed = [new Uint8Array([9, 8, 7]), new Uint8Array([1, 2]).buffer];
        equal(m, `echo, Uint8Array and ArrayBuffer (${nsp})`, await a.call('echo', typed, nsp),
            typed);
    }
    const single = await a.socket('/').timeout(5000).emitWithAck('echo', { one: 1 });
    equal(m, 'emitWithAck with timeout resolves', single, { one: 1 });
    const big = require('crypto').randomBytes(300000);
    equal(m, 'echo, 300 kB binary', await a.call('echo', [big]), [big]);
    const text = 'x'.repeat(200000);
    equal(m, 'echo, 200 kB string', await a.call('echo', [text]), [text]);
    const started = Date.now();
    try {
        await a.socket('/').timeout(300).emitWithAck('no_ack', 'x');
        check(m, 'emitWithAck rejects when the server never acks', false, 'resolved');
    } catch (err) {
        check(m, 'emitWithAck rejects when the server never acks', /timed out/.test(err.message),
            err.message);
        check(m, '... after about 300 ms', Date.now() - started >= 290, `${Date.now() - started} ms`);
    }
    equal(m, 'connection still fine after an unanswered emit', await a.call('echo', ['ok']), ['ok']);
}

async function scenarioBinary(ctx) {
    const m = ctx.mode;
    const a = await ctx.peer();
    for (const nsp of NAMESPACES) {
        equal(m, `binary ack from the server (${nsp})`, await a.call('binary_please', [], nsp),
            BIN_PAYLOAD);
        const events = await a.waitFor(() => a.events(nsp, 'bin').length && a.events(nsp, 'bin'));
        equal(m, `binary event from the server (${nsp})`, events, [BIN_PAYLOAD]);
        const raw = events && events[0][0];
        check(m, `binary arrives as a Buffer (${nsp})`, Buffer.isBuffer(raw), typeof raw);
    }
}

async function scenarioServerAck(ctx) {
    const m = ctx.mode;
    const a = await ctx.peer();
    for (const nsp of NAMESPACES) {
        const reply = await a.call('ask', [{ q: `how? ${nsp}`, timeout: 3000 }], nsp);
        equal(m, `server emitWithAck gets the client's ack (${nsp})`, reply,
            ['answer-to', `how? ${nsp}`]);
        const answers = await a.waitFor(() => a.events(nsp, 'answer').length && a.events(nsp, 'answer'));
        equal(m, `"answer" event relays the ack arguments (${nsp})`, answers,
            [['answer-to', `how? ${nsp}`]]);
    }
    const binary = await a.call('ask', [{ q: Buffer.from([0, 1, 98]), timeout: 3000 }]);
    equal(m, 'server emitWithAck with binary both ways', binary,
        ['answer-to', Buffer.from([0, 1, 98])]);

    const silent = await ctx.peer({ answers: false });
    const started = Date.now();
    const reply = await silent.call('ask', [{ timeout: 400 }]);
    const elapsed = Date.now() - started;
    equal(m, 'server emitWithAck times out when the client has no handler', reply, ['timeout']);
    check(m, 'the timeout took about 400 ms', elapsed >= 350 && elapsed < 3000, `${elapsed} ms`);
    const answers = await silent.waitFor(() => silent.events('/', 'answer').length && silent.events('/', 'answer'));
    equal(m, '"answer" event says timeout', answers, [['timeout']]);
    equal(m, 'the question did arrive', silent.events('/', 'question'), [['q']]);
}

async function scenarioRooms(ctx) {
    const m = ctx.mode;
    const room = `room-${ctx.mode}`;
    const a = await ctx.peer();
    const b = await ctx.peer();
    const c = await ctx.peer();
    const [ra] = await a.call('join', [{ room }]);
    const [rb] = await b.call('join', [room]); // a bare string works too
    equal(m, 'join acks the rooms (own sid room included)', ra.rooms.sort(), [room, a.sid()].sort());
    equal(m, 'second member joined', rb.rooms.sort(), [room, b.sid()].sort());
    const [members] = await a.call('participants', [{ room }]);
    equal(m, 'participants', members.sort(), [a.sid(), b.sid()].sort());

    equal(m, 'to_room skips the sender: delivered to 1',
        await a.call('to_room', [{ room, text: 'hi room' }]), [{ delivered: 1 }]);
    const got = await b.waitFor(() => b.events('/', 'room_msg').length && b.events('/', 'room_msg'));
    equal(m, 'room member B receives room_msg', got, [[{ room, text: 'hi room', from: a.sid() }]]);
    // Round trips after the broadcast: anything sent to A or C would have come first.
    await a.call('echo', ['sync']);
    await c.call('echo', ['sync']);
    equal(m, 'sender A (skipSids) does not receive room_msg', a.events('/', 'room_msg'), []);
    equal(m, 'non-member C does not receive room_msg', c.events('/', 'room_msg'), []);
    equal(m, 'rooms are per namespace',
        await a.call('to_room', [{ room, text: 'wrong nsp' }], '/chat'), [{ delivered: 0 }]);
    equal(m, 'leave acks the remaining rooms', await b.call('leave', [{ room }]),
        [{ rooms: [b.sid()] }]);
    equal(m, 'non-member may send to a room; only A is left',
        await c.call('to_room', [{ room, text: 'from outside' }]), [{ delivered: 1 }]);
    const gotA = await a.waitFor(() => a.events('/', 'room_msg').length && a.events('/', 'room_msg'));
    equal(m, 'A receives the message from C', gotA, [[{ room, text: 'from outside', from: c.sid() }]]);
    await b.call('echo', ['sync']);
    equal(m, 'B, having left, got nothing more', b.events('/', 'room_msg').length, 1);
}

async function scenarioSession(ctx) {
    const m = ctx.mode;
    const a = await ctx.peer();
    equal(m, 'session_get starts empty', await a.call('session_get'), [{}]);
    equal(m, 'session_set acks the session', await a.call('session_set', [{ name: 'alice' }]),
        [{ name: 'alice' }]);
    await a.call('session_set', [{ lang: 'fr' }]);
    equal(m, 'session_get returns what was saved', await a.call('session_get'),
        [{ name: 'alice', lang: 'fr' }]);
    equal(m, 'sessions are per namespace', await a.call('session_get', [], '/chat'), [{}]);
    for (let i = 0; i < 40; i++)
        a.socket('/').emit('tick');
    const [session] = await a.call('session_get');
    equal(m, '40 emits without ack, all handled before the next call', session.ticks, 40);
}

async function scenarioBurst(ctx) {
    const m = ctx.mode;
    const a = await ctx.peer();
    equal(m, 'burst ack', await a.call('burst', [{ count: 60 }]), [{ sent: 60 }]);
    equal(m, '60 server events arrive complete and in order before the ack',
        a.events('/', 'burst_item').map((args) => args[0]), [...Array(60).keys()]);
}

async function waitReason(observer, sid, ms = 5000) {
    const [reason] = await observer.call('wait_reason', [{ sid, timeout: ms }], '/', ms + 5000);
    return reason;
}

async function scenarioDisconnects(ctx, observer) {
    const m = ctx.mode;

    // Server-side kick of /chat, then of "/"; reconnection is off, so the sockets stay down.
    const k = await ctx.peer();
    let chatSid = k.sid('/chat');
    let mainSid = k.sid('/');
    equal(m, 'kick acks first', await k.call('kick', [], '/chat'), ['bye']);
    const chatGone = await k.waitFor(() => k.events('/chat', 'disconnect').length && k.events('/chat', 'disconnect'));
    equal(m, 'kicked /chat socket: reason "io server disconnect"', chatGone,
        [['io server disconnect']]);
    check(m, '"/" stays connected', k.socket('/').connected);
    equal(m, '"/" still works after the /chat kick', await k.call('echo', ['still']), ['still']);
    equal(m, 'server recorded "server namespace disconnect" (/chat)',
        await observer.call('reasons', [chatSid]), [['server namespace disconnect']]);
    k.socket('/').emit('kick');
    const mainGone = await k.waitFor(() => k.events('/', 'disconnect').length && k.events('/', 'disconnect'));
    equal(m, 'kicked "/" socket: reason "io server disconnect"', mainGone, [['io server disconnect']]);
    equal(m, 'server recorded "server namespace disconnect" (/)', await waitReason(observer, mainSid),
        'server namespace disconnect');
    await sleep(200);
    check(m, 'no reconnection attempt after the kick', !k.socket('/').connected &&
        k.events('/', 'connect').length === 1);

    // Kick with closeConnection: the DISCONNECT still arrives before the connection closes.
    const kc = await ctx.peer({ namespaces: ['/'] });
    mainSid = kc.sid('/');
    kc.socket('/').emit('kick', { close: true });
    const closed = await kc.waitFor(() => kc.events('/', 'disconnect').length && kc.events('/', 'disconnect'));
    equal(m, 'kick with close: reason "io server disconnect"', closed, [['io server disconnect']]);
    equal(m, 'kick with close: server reason', await waitReason(observer, mainSid),
        'server namespace disconnect');

    // The client leaving one namespace, then the other (which closes the connection).
    const d = await ctx.peer();
    chatSid = d.sid('/chat');
    mainSid = d.sid('/');
    await d.call('join', [{ room: 'leavers' }], '/chat');
    d.socket('/chat').disconnect();
    equal(m, 'client-side reason "io client disconnect"', d.events('/chat', 'disconnect'),
        [['io client disconnect']]);
    equal(m, 'socket.disconnect() of /chat: server reason', await waitReason(observer, chatSid),
        'client namespace disconnect');
    equal(m, 'a disconnected socket leaves its rooms',
        await observer.call('participants', [{ room: 'leavers' }], '/chat'), [[]]);
    equal(m, '"/" still works after leaving /chat', await d.call('echo', ['still']), ['still']);
    d.socket('/').disconnect(); // the last socket: the Manager closes the connection too
    equal(m, 'socket.disconnect() of the last namespace: server reason',
        await waitReason(observer, mainSid), 'client namespace disconnect');

    // Abrupt end: a second node process killed with SIGKILL.
    const room = `killed-${ctx.mode}`;
    let { child, sid, exited } = startChild(ctx, room);
    let childSid = await sid;
    equal(m, 'child process is in its room', await observer.call('participants', [{ room }]),
        [[childSid]]);
    child.kill('SIGKILL');
    await exited;
    let started = Date.now();
    let reason = await waitReason(observer, childSid);
    let elapsed = ((Date.now() - started) / 1000).toFixed(1);
    if (ctx.mode === 'polling') {
        check(m, `SIGKILLed client: server reason "${reason}" after ${elapsed} s`,
            ['transport error', 'transport close', 'ping timeout'].includes(reason), reason);
    } else {
        equal(m, `SIGKILLed client: server reason after ${elapsed} s`, reason, 'transport close');
    }
    equal(m, 'killed client left its room', await observer.call('participants', [{ room }]), [[]]);

    // Frozen client: its event loop blocks (SIGUSR2, see childMain), so the connection stays
    // open but nothing answers the pings.
    ({ child, sid, exited } = startChild(ctx, room));
    childSid = await sid;
    if (ctx.mode === 'upgrade')
        await sleep(300); // let the child finish its upgrade first
    child.kill('SIGUSR2');
    started = Date.now();
    reason = await waitReason(observer, childSid);
    elapsed = (Date.now() - started) / 1000;
    equal(m, `frozen client: server reason after ${elapsed.toFixed(1)} s`, reason, 'ping timeout');
    check(m, 'ping timeout within pingInterval + pingTimeout (+ slack)', elapsed < 2.5,
        `${elapsed} s`);
    child.kill('SIGKILL');
    await exited;
}

async function runScenario(ctx, name, fn, ...extra) {
    try {
        await withTimeout(fn(ctx, ...extra), 30000, name);
    } catch (err) {
        check(ctx.mode, `${name} ran to completion`, false, err && err.stack);
    } finally {
        for (const p of ctx.peers)
            p.close();
        ctx.peers = [];
        for (const child of ctx.children) {
            if (child.exitCode === null && child.signalCode === null)
                child.kill('SIGKILL');
        }
        ctx.children = [];
    }
}

async function main(serverPath) {
    const server = spawn(serverPath, ['--port', '0', '--ping-interval', '500', '--ping-timeout',
        '500', '--quit-on-eof'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const serverExited = new Promise((resolve) => server.once('exit', (code, signal) =>
        resolve({ code, signal })));
    let serverGone = null;
    serverExited.then((how) => { serverGone = how; });
    try {
        const port = await withTimeout(new Promise((resolve, reject) => {
            readline.createInterface({ input: server.stdout }).once('line', (line) => {
                const match = /^PORT (\d+)$/.exec(line);
                if (match) resolve(Number(match[1])); else reject(new Error(`server said ${line}`));
            });
            server.once('error', reject);
        }), 15000, 'interop_server start');
        const url = `http://127.0.0.1:${port}`;
        console.log(`interop_server listening at ${url}`);
        const started = Date.now();
        for (const [mode, transports] of MODES) {
            const modeStart = Date.now();
            const ctx = new Context(url, mode, transports);
            await runScenario(ctx, 'connect', scenarioConnect);
            await runScenario(ctx, 'refused', scenarioRefused);
            await runScenario(ctx, 'echo', scenarioEcho);
            await runScenario(ctx, 'binary', scenarioBinary);
            await runScenario(ctx, 'server ack', scenarioServerAck);
            await runScenario(ctx, 'rooms', scenarioRooms);
            await runScenario(ctx, 'session', scenarioSession);
            await runScenario(ctx, 'burst', scenarioBurst);
            const observer = new Peer(url, ['websocket'], { namespaces: ['/', '/chat'] });
            try {
                await observer.connect();
                await runScenario(ctx, 'disconnects', scenarioDisconnects, observer);
            } finally {
                observer.close();
            }
            console.log(`--- ${mode}: ${((Date.now() - modeStart) / 1000).toFixed(1)} s`);
        }
        check('all', 'interop_server is still running', serverGone === null, JSON.stringify(serverGone));
        console.log(`--- total ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (err) {
        check('all', 'the run completed', false, err && err.stack);
    } finally {
        server.stdin.end(); // --quit-on-eof
        await withTimeout(serverExited, 5000, 'interop_server exit').catch(() => server.kill('SIGKILL'));
    }
    console.log(`${passed} passed, ${failed} failed`);
    return failed ? 1 : 0;
}

if (process.argv[2] === '--child') {
    childMain(process.argv[3], process.argv[4], process.argv[5]).catch((err) => {
        console.log(`ERROR ${err.message}`);
        process.exit(1);
    });
} else if (!process.argv[2]) {
    console.log('usage: node server_node_client.js path/to/interop_server [--verbose]');
    process.exit(2);
} else {
    main(process.argv[2]).then((code) => process.exit(code));
}
