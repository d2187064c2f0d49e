// SPDX-License-Identifier: MIT
// Load: many socket.io-client 4 clients chatting at once through one confab-server.
//
//   node chat_load_test.js path/to/confab-server [--clients 50] [--rooms 5] [--messages 100]
//                          [--window 4] [--verbose]
//
// Starts confab-server on 127.0.0.1 (--port 0, a temp --data dir, a rate limit high enough not
// to matter), connects the clients over WebSocket, puts them into the rooms (clients/rooms
// each), and lets every client send its messages with up to --window acks outstanding. Checks
// (server/chat/README.md): every message is acked with an id unique in its room; every member
// receives every message of its room exactly once with the acked id and the sender's fields;
// each sender's messages arrive in the order sent; ids arrive in increasing order (a client
// "can resume from the last id it saw"); the stored history holds them all. Prints timings,
// one line per check, "N passed, M failed"; exits 1 on failure. Must finish well under 60 s.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { spawn } = require('child_process');
const { io } = require(path.join(__dirname, '../interop/node_modules/socket.io-client'));

function option(name, fallback) {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const BINARY = process.argv[2];
const CLIENTS = option('--clients', 50);
const ROOMS = option('--rooms', 5);
const MESSAGES = option('--messages', 100);
const WINDOW = option('--window', 4);
const VERBOSE = process.argv.includes('--verbose');
const DEADLINE_MS = 50000; // the whole run, server start to last check

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
    if (ok) {
        passed++;
        console.log(`PASS ${name}`);
    } else {
        failed++;
        console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`);
    }
    return ok;
}

function startServer(dataDir) {
    return new Promise((resolve, reject) => {
        const args = ['--host', '127.0.0.1', '--port', '0', '--data', dataDir,
                      '--rate-limit', '100000'];
        const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        const stderrTail = [];
        readline.createInterface({ input: child.stderr }).on('line', (line) => {
            stderrTail.push(line);
            if (stderrTail.length > 40)
                stderrTail.shift();
        });
        child.stderrTail = stderrTail;
        const timer = setTimeout(() => reject(new Error('confab-server did not get ready')), 20000);
        readline.createInterface({ input: child.stdout }).on('line', (line) => {
            const m = /Confab host ready: join at (http:\/\/127\.0\.0\.1:\d+)\//.exec(line);
            if (m) {
                clearTimeout(timer);
                resolve({ child, url: m[1] });
            }
        });
        child.on('exit', (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`confab-server exited (${code ?? signal}):\n${stderrTail.join('\n')}`));
        });
        child.on('error', reject);
    });
}

function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([
        promise,
        new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms);
        }),
    ]).finally(() => clearTimeout(timer));
}

function emitWithAck(socket, event, data, ms = 20000) {
    return withTimeout(new Promise((resolve) => socket.emit(event, data, resolve)), ms,
                       `${event} ack`);
}

class Member {
    constructor(index, url) {
        this.index = index;
        this.room = `load-room-${index % ROOMS}`;
        this.name = `load-${index}`;
        this.received = []; // message events, in arrival order
        this.acks = [];     // [seq, ack]
        this.welcome = new Promise((resolve) => {
            this.socket = io(url, {
                transports: ['websocket'], forceNew: true, reconnection: false,
                auth: { name: this.name },
            });
            this.socket.on('welcome', resolve);
        });
        this.socket.on('message', (m) => {
            this.received.push(m);
            if (this.onMessage)
                this.onMessage();
        });
        this.socket.on('connect_error', (e) => console.log(`${this.name}: connect_error ${e}`));
    }

    async send() {
        // Up to WINDOW messages in flight; each emit goes out in order on this socket.
        let next = 1;
        const inFlight = new Set();
        while (next <= MESSAGES || inFlight.size) {
            while (next <= MESSAGES && inFlight.size < WINDOW) {
                const seq = next++;
                const p = emitWithAck(this.socket, 'message', {
                    room: this.room, text: `${this.name} says ${seq}`, id: `${this.name}#${seq}`,
                }).then((ack) => {
                    this.acks.push([seq, ack]);
                    inFlight.delete(p);
                });
                inFlight.add(p);
            }
            await Promise.race(inFlight);
        }
    }
}

async function main() {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-chat-load-'));
    let server;
    const members = [];
    const t0 = Date.now();
    try {
        server = await startServer(dataDir);
        const { url } = server;
        console.log(`host at ${url}; ${CLIENTS} clients in ${ROOMS} rooms, ${MESSAGES} ` +
                    `messages each, window ${WINDOW}`);

        for (let i = 0; i < CLIENTS; i++)
            members.push(new Member(i, url));
        const welcomes = await withTimeout(Promise.all(members.map((m) => m.welcome)), 20000,
                                           'welcome for every client');
        check('every client connected under its name',
              welcomes.every((w, i) => w && w.name === members[i].name));
        const joins = await Promise.all(members.map((m) => emitWithAck(m.socket, 'join',
                                                                       { room: m.room })));
        check('every client joined', joins.every((a) => a && a.ok === true),
              JSON.stringify(joins.find((a) => !a || a.ok !== true)));
        const tConnected = Date.now();
        console.log(`connected and joined in ${tConnected - t0} ms`);

        const perRoom = CLIENTS / ROOMS;
        const expectedEach = new Map(); // room -> messages a member must receive
        for (const m of members)
            expectedEach.set(m.room, (expectedEach.get(m.room) || 0) + MESSAGES);
        const allReceived = new Promise((resolve) => {
            let done = 0;
            for (const m of members) {
                const want = expectedEach.get(m.room);
                m.onMessage = () => {
                    if (m.received.length === want) {
                        m.onMessage = null;
                        if (++done === members.length)
                            resolve();
                    }
                };
            }
        });

        const tSend = Date.now();
        await withTimeout(Promise.all(members.map((m) => m.send())), DEADLINE_MS - (tSend - t0),
                          'all acks');
        const tAcked = Date.now();
        let deliveredAll = true;
        try {
            await withTimeout(allReceived, Math.max(1000, DEADLINE_MS - (Date.now() - t0)),
                              'every message to every member');
        } catch (e) {
            deliveredAll = false;
        }
        const tDelivered = Date.now();
        const total = CLIENTS * MESSAGES;
        const deliveries = members.reduce((n, m) => n + m.received.length, 0);
        console.log(`sent ${total} messages in ${tAcked - tSend} ms ` +
                    `(${Math.round(total / ((tAcked - tSend) / 1000))}/s acked); ` +
                    `${deliveries} deliveries in ${tDelivered - tSend} ms ` +
                    `(${Math.round(deliveries / ((tDelivered - tSend) / 1000))}/s)`);

        // Acks: all ok, ids unique per room; per sender the ids grow with the send order.
        const acked = new Map(); // clientId -> {id, ts, room, sid, name, text}
        const idsByRoom = new Map();
        let badAcks = [];
        let senderIdOrder = [];
        for (const m of members) {
            const sorted = m.acks.slice().sort((a, b) => a[0] - b[0]);
            for (const [seq, ack] of sorted) {
                if (!ack || ack.ok !== true || !Number.isInteger(ack.id)) {
                    badAcks.push([m.name, seq, ack]);
                    continue;
                }
                acked.set(`${m.name}#${seq}`, {
                    id: ack.id, ts: ack.ts, room: m.room, sid: m.socket.id, name: m.name,
                    text: `${m.name} says ${seq}`, clientId: `${m.name}#${seq}`,
                });
                if (!idsByRoom.has(m.room))
                    idsByRoom.set(m.room, []);
                idsByRoom.get(m.room).push(ack.id);
            }
            const ids = sorted.map(([, a]) => a && a.id);
            if (!ids.every((id, i) => i === 0 || id > ids[i - 1]))
                senderIdOrder.push(m.name);
        }
        check(`all ${total} messages acked with ok`, badAcks.length === 0 && acked.size === total,
              `${badAcks.length} bad, e.g. ${JSON.stringify(badAcks.slice(0, 3))}`);
        const dupIds = [...idsByRoom].filter(([, ids]) => new Set(ids).size !== ids.length);
        check('acked ids are unique per room', dupIds.length === 0,
              dupIds.map(([r]) => r).join(', '));
        const gaps = [...idsByRoom].filter(([, ids]) => {
            const s = ids.slice().sort((a, b) => a - b);
            return s[s.length - 1] - s[0] !== s.length - 1;
        });
        check('acked ids in each room have no gaps (one per stored message)', gaps.length === 0,
              gaps.map(([r]) => r).join(', '));
        check('each sender\'s acked ids grow in send order', senderIdOrder.length === 0,
              senderIdOrder.slice(0, 5).join(', '));

        // Deliveries.
        check('every member received every message of its room', deliveredAll,
              members.filter((m) => m.received.length !== expectedEach.get(m.room))
                  .slice(0, 5).map((m) => `${m.name}: ${m.received.length}`).join(', '));
        const problems = { foreign: [], dup: [], mismatch: [], order: [], idOrder: [] };
        for (const m of members) {
            const seen = new Set();
            const lastSeq = new Map();
            let lastId = -Infinity;
            for (const msg of m.received) {
                const a = acked.get(msg.clientId);
                if (!a || a.room !== m.room) {
                    problems.foreign.push([m.name, msg]);
                    continue;
                }
                if (seen.has(msg.clientId))
                    problems.dup.push([m.name, msg.clientId]);
                seen.add(msg.clientId);
                if (msg.id !== a.id || msg.ts !== a.ts || msg.room !== a.room
                    || msg.sid !== a.sid || msg.name !== a.name || msg.text !== a.text)
                    problems.mismatch.push([m.name, msg, a]);
                const [sender, seqText] = msg.clientId.split('#');
                const seq = Number(seqText);
                if ((lastSeq.get(sender) || 0) >= seq)
                    problems.order.push([m.name, sender, lastSeq.get(sender), seq]);
                lastSeq.set(sender, seq);
                if (msg.id <= lastId)
                    problems.idOrder.push([m.name, lastId, msg.id]);
                lastId = msg.id;
            }
        }
        const show = (list) => `${list.length}, e.g. ${JSON.stringify(list.slice(0, 2))}`;
        check('no member got a message of another room (or one never acked)',
              problems.foreign.length === 0, show(problems.foreign));
        check('no member got a message twice', problems.dup.length === 0, show(problems.dup));
        check('each delivered message has the acked id and ts and the sender\'s room, sid, ' +
              'name, text', problems.mismatch.length === 0, show(problems.mismatch));
        check('each sender\'s order is kept in every member\'s stream',
              problems.order.length === 0, show(problems.order));
        check('each member sees ids in increasing order', problems.idOrder.length === 0,
              show(problems.idOrder));

        // Stored: page through one member's room history per room.
        for (let r = 0; r < ROOMS; r++) {
            const m = members[r];
            let before;
            let all = [];
            for (;;) {
                const q = { room: m.room, limit: 200 };
                if (before !== undefined)
                    q.before = before;
                const ack = await emitWithAck(m.socket, 'history', q);
                if (!ack || ack.ok !== true || ack.messages.length === 0)
                    break;
                all = ack.messages.concat(all);
                before = ack.messages[0].id;
            }
            const want = [...acked.values()].filter((a) => a.room === m.room)
                .sort((x, y) => x.id - y.id).map((a) => `${a.id} ${a.clientId}`);
            const got = all.map((x) => `${x.id} ${x.clientId}`);
            check(`${m.room}: the history holds all ${want.length} messages, by id`,
                  JSON.stringify(got) === JSON.stringify(want),
                  `${got.length} stored, ${want.length} acked`);
        }
        check(`finished within ${DEADLINE_MS} ms (${Date.now() - t0} ms)`,
              Date.now() - t0 < DEADLINE_MS);
        if (VERBOSE)
            console.log(`rooms of ${perRoom}`);
    } catch (e) {
        check('ran to the end', false, `${e.stack || e}` +
              (server && server.child ? `\nserver stderr:\n${server.child.stderrTail.join('\n')}`
                                      : ''));
    } finally {
        for (const m of members)
            m.socket.disconnect();
        if (server && server.child.exitCode === null) {
            const exited = new Promise((resolve) => server.child.once('exit', resolve));
            server.child.kill('SIGTERM');
            const code = await withTimeout(exited, 10000, 'server exit').catch(() => {
                server.child.kill('SIGKILL');
                return 'timeout';
            });
            check('SIGTERM stops the host with exit code 0', code === 0, `exit ${code}`);
        }
        fs.rmSync(dataDir, { recursive: true, force: true });
    }
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

if (!BINARY) {
    console.log('usage: node chat_load_test.js path/to/confab-server');
    process.exit(2);
}
main();
