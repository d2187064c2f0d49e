// SPDX-License-Identifier: MIT
// Connection state recovery in the chat: socket.io-client 4 against confab-server as shipped
// (recovery on by default).
//
//   node chat_recovery_test.js path/to/confab-server [--verbose]
//
// alice talks to the host through a TCP gate of this script's own; the gate kills her
// connection and refuses new ones while bob sends 100 messages to their room. When the gate
// opens, alice's socket.io-client reconnects on its own: it must be recovered (same sid), have
// every message once, in order, and still be a member of the room for the chat (it can send
// there, `who` lists it, bob hears that it joined again). Per transport, on both WebSocket
// engines. Prints one line per check, "N passed, M failed"; exits 1 on failure.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const util = require('util');
const readline = require('readline');
const { spawn } = require('child_process');
const { io } = require(path.join(__dirname, '../interop/node_modules/socket.io-client'));
const Gate = require(path.join(__dirname, '../interop/tcp_gate.js'));

const BINARY = process.argv[2];
const MESSAGES = 100;

let passed = 0;
let failed = 0;
function check(tag, name, ok, detail) {
    if (ok) {
        passed++;
        console.log(`PASS [${tag}] ${name}`);
    } else {
        failed++;
        console.log(`FAIL [${tag}] ${name}${detail ? ': ' + detail : ''}`);
    }
    return ok;
}
function equal(tag, name, got, expected) {
    return check(tag, name, util.isDeepStrictEqual(got, expected),
        `got ${JSON.stringify(got).slice(0, 300)}, expected ${JSON.stringify(expected).slice(0, 300)}`);
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
const once = (emitter, event, ms = 10000) =>
    withTimeout(new Promise((resolve) => emitter.once(event, (...args) => resolve(args))), ms,
        `event ${event}`);

function startServer(engine, dataDir) {
    return new Promise((resolve, reject) => {
        const child = spawn(BINARY, ['--host', '127.0.0.1', '--port', '0', '--data', dataDir,
            '--rate-limit', '100000',
            // A killed polling connection is noticed by the missing pong: keep that short.
            '--ping-interval', '1000', '--ping-timeout', '1000'],
        { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CONFAB_WEBSOCKET_ENGINE: engine } });
        const timer = setTimeout(() => reject(new Error('confab-server did not get ready')), 20000);
        readline.createInterface({ input: child.stdout }).on('line', (line) => {
            const m = /Confab host ready: join at http:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
            if (m) {
                clearTimeout(timer);
                resolve({ child, port: Number(m[1]) });
            }
        });
        child.on('error', reject);
    });
}

async function scenario(tag, port, transports) {
    const gate = new Gate(port);
    const gatePort = await gate.listen();
    const room = `recovery-${tag.replace(/ /g, '-')}`;
    const alice = io(`http://127.0.0.1:${gatePort}`, {
        transports, forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100,
        randomizationFactor: 0, auth: { name: 'alice' },
    });
    const bob = io(`http://127.0.0.1:${port}`, {
        transports: ['websocket'], forceNew: true, reconnection: false, auth: { name: 'bob' },
    });
    try {
        const got = [];
        alice.on('message', (m) => got.push(m.text));
        await Promise.all([once(alice, 'welcome'), once(bob, 'welcome')]);
        check(tag, 'the CONNECT ack carries a pid', typeof alice._pid === 'string');
        const joined = await alice.emitWithAck('join', { room });
        check(tag, 'alice joined', joined.ok === true, JSON.stringify(joined));
        await bob.emitWithAck('join', { room });
        const aliceSid = alice.id;

        gate.accepting = false;
        const left = new Promise((resolve) => bob.on('left', (e) => e.sid === aliceSid && resolve()));
        const gone = once(alice, 'disconnect');
        gate.kill();
        await gone;
        await withTimeout(left, 10000, 'bob hears alice leave');

        const expected = [];
        for (let i = 0; i < MESSAGES; i++) {
            const ack = await bob.emitWithAck('message', { room, text: `m${i}` });
            if (!ack.ok)
                throw new Error(`message refused: ${JSON.stringify(ack)}`);
            expected.push(`m${i}`);
        }
        const back = new Promise((resolve) => bob.on('joined', (e) => e.sid === aliceSid && resolve()));
        gate.accepting = true;
        await once(alice, 'connect');
        check(tag, 'alice is recovered', alice.recovered === true);
        equal(tag, 'with her sid', alice.id, aliceSid);
        equal(tag, `every one of the ${MESSAGES} messages once, in order`, got, expected);
        await withTimeout(back, 10000, 'bob hears alice join again');
        check(tag, 'bob hears that alice joined again', true);
        const sent = await alice.emitWithAck('message', { room, text: 'back' });
        check(tag, 'alice can post to the room again', sent.ok === true, JSON.stringify(sent));
        const who = await bob.emitWithAck('who');
        const entry = who.sids.find((s) => s.sid === aliceSid);
        check(tag, '`who` lists alice in the room under her name',
            entry && entry.name === 'alice' && entry.rooms.includes(room), JSON.stringify(entry));
    } finally {
        alice.close();
        bob.close();
        gate.close();
    }
}

async function main() {
    for (const engine of ['native', 'qt']) {
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-chat-recovery-'));
        const { child, port } = await startServer(engine, dataDir);
        try {
            for (const [mode, transports] of [['websocket', ['websocket']], ['polling', ['polling']]]) {
                const tag = `${engine} ${mode}`;
                try {
                    await withTimeout(scenario(tag, port, transports), 30000, tag);
                } catch (err) {
                    check(tag, 'ran to completion', false, err && err.stack);
                }
            }
        } finally {
            child.kill('SIGTERM');
            fs.rmSync(dataDir, { recursive: true, force: true });
        }
    }
    console.log(`${passed} passed, ${failed} failed`);
    return failed ? 1 : 0;
}

if (!BINARY) {
    console.log('usage: node chat_recovery_test.js path/to/confab-server');
    process.exit(2);
}
main().then((code) => process.exit(code));
