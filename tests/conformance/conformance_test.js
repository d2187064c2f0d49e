#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// The configuration the official compliance suites assume (README.md beside this file), checked
// against conformance_server on whichever WebSocket engine CONFAB_WEBSOCKET_ENGINE picks, so
// both engines keep serving what the suites expect without a copy of them here: the handshake
// values (pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1000000, upgrades), CORS open to
// any origin, the heartbeat, echo and the polling → WebSocket upgrade (Engine.IO v4 and v3),
// and the handlers of the Socket.IO v5 suite (auth, message-back, message-with-ack, /custom,
// binary, the connect timeout).
//
//   node conformance_test.js <conformance_server> socketio|engineio|eio3
'use strict';

const path = require('path');
const readline = require('readline');
const { spawn } = require('child_process');
const WebSocket = require(path.join(__dirname, '../interop/node_modules/ws'));

const [BINARY, MODE] = process.argv.slice(2);
// CONFAB_CONFORMANCE_TLS=1: the same checks over https/wss on the server's one port, with a
// certificate it makes at start (self-signed: Node is told not to verify it, this is about
// the protocol over TLS, not trust).
const TLS = process.env.CONFAB_CONFORMANCE_TLS === '1';
if (TLS)
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
const HTTP = TLS ? 'https' : 'http';
const WS = TLS ? 'wss' : 'ws';
if (!BINARY || !['socketio', 'engineio', 'eio3'].includes(MODE)) {
    console.error('usage: conformance_test.js <conformance_server> socketio|engineio|eio3');
    process.exit(2);
}
const PING_INTERVAL = 300;
const PING_TIMEOUT = 200;
const STEP_TIMEOUT = 5000;

let server;
let base;
let failures = 0;

function startServer() {
    const args = ['--host', '127.0.0.1', '--port', '0'];
    if (MODE !== 'socketio')
        args.push('--engineio');
    if (MODE === 'eio3')
        args.push('--eio3');
    if (TLS)
        args.push('--tls');
    server = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
        server.once('exit', (code) => reject(new Error(`conformance_server exited (${code})`)));
        readline.createInterface({ input: server.stdout }).on('line', (line) => {
            const m = /^PORT (\d+)$/.exec(line);
            if (m)
                resolve(Number(m[1]));
        });
    });
}

function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([
        promise.finally(() => clearTimeout(timer)),
        new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
        }),
    ]);
}

function expectEqual(actual, expected, what) {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    if (a !== e)
        throw new Error(`${what}: expected ${e}, got ${a}`);
}

// A WebSocket whose messages queue up until a test takes them.
class Peer {
    constructor(url) {
        this.messages = [];
        this.waiters = [];
        this.closed = false;
        this.ws = new WebSocket(url);
        this.ws.on('message', (data, isBinary) => this.push(isBinary ? Buffer.from(data) : data.toString()));
        this.ws.on('close', () => {
            this.closed = true;
            this.push(null);
        });
        this.ws.on('error', () => {});
    }
    push(message) {
        const waiter = this.waiters.shift();
        if (waiter)
            waiter(message);
        else
            this.messages.push(message);
    }
    opened() {
        return withTimeout(new Promise((resolve, reject) => {
            this.ws.once('open', resolve);
            this.ws.once('error', reject);
        }), STEP_TIMEOUT, 'WebSocket open');
    }
    // The next message; null once closed.
    next(what = 'a message', ms = STEP_TIMEOUT) {
        if (this.messages.length)
            return Promise.resolve(this.messages.shift());
        if (this.closed)
            return Promise.resolve(null);
        return withTimeout(new Promise((resolve) => this.waiters.push(resolve)), ms, what);
    }
    // The next message that is not an Engine.IO ping (answered unless told otherwise).
    async nextData(what, answerPings = true) {
        for (;;) {
            const message = await this.next(what);
            if (message !== '2')
                return message;
            if (answerPings)
                this.send('3');
        }
    }
    send(message) { this.ws.send(message); }
    async waitClosed(ms, what) {
        while ((await this.next(what, ms)) !== null) { }
    }
    close() { this.ws.terminate(); }
}

function wsUrl(query, pathName) {
    return `${WS}://127.0.0.1:${base.port}${pathName}?${query}`;
}

function checkHandshake(open, { upgrades, eio3 = false }) {
    if (typeof open !== 'string' || open[0] !== '0')
        throw new Error(`not an open packet: ${open}`);
    const data = JSON.parse(open.slice(1));
    if (typeof data.sid !== 'string' || !data.sid)
        throw new Error(`open packet without a sid: ${open}`);
    expectEqual(data.upgrades, upgrades, 'upgrades');
    expectEqual(data.pingInterval, PING_INTERVAL, 'pingInterval');
    expectEqual(data.pingTimeout, PING_TIMEOUT, 'pingTimeout');
    if (!eio3)
        expectEqual(data.maxPayload, 1000000, 'maxPayload');
    return data.sid;
}

// ---- Engine.IO v4 (bare echo on /engine.io/) ----

async function pollingHandshake(query = 'EIO=4&transport=polling', headers = {}) {
    const response = await fetch(`${HTTP}://127.0.0.1:${base.port}/engine.io/?${query}`,
        { headers });
    expectEqual(response.status, 200, 'handshake status');
    return { response, body: await response.text() };
}

const engineIoTests = {
    async 'polling handshake has the suite values and allows any origin'() {
        const { response, body } = await pollingHandshake('EIO=4&transport=polling',
            { Origin: 'http://example.test' });
        checkHandshake(body, { upgrades: ['websocket'] });
        expectEqual(response.headers.get('access-control-allow-origin'), '*', 'CORS origin');
    },
    async 'WebSocket handshake, echo of text and binary'() {
        const peer = new Peer(wsUrl('EIO=4&transport=websocket', '/engine.io/'));
        checkHandshake(await peer.next('open packet'), { upgrades: [] });
        peer.send('4hello');
        expectEqual(await peer.nextData('text echo'), '4hello', 'text echo');
        peer.send(Buffer.from([1, 2, 3, 4]));
        const echoed = await peer.nextData('binary echo');
        expectEqual(Buffer.isBuffer(echoed) ? [...echoed] : echoed, [1, 2, 3, 4], 'binary echo');
        peer.close();
    },
    async 'heartbeat: pings every pingInterval, closed without pongs'() {
        const peer = new Peer(wsUrl('EIO=4&transport=websocket', '/engine.io/'));
        await peer.next('open packet');
        for (let i = 0; i < 2; ++i) {
            expectEqual(await peer.next('ping', PING_INTERVAL * 3), '2', 'ping');
            peer.send('3');
        }
        // No pong to this one: the session ends after pingTimeout.
        expectEqual(await peer.next('ping', PING_INTERVAL * 3), '2', 'ping');
        await peer.waitClosed(PING_INTERVAL + PING_TIMEOUT + 1000, 'close after a missed pong');
    },
    async 'polling session upgrades to WebSocket'() {
        const { body } = await pollingHandshake();
        const sid = checkHandshake(body, { upgrades: ['websocket'] });
        const peer = new Peer(wsUrl(`EIO=4&transport=websocket&sid=${sid}`, '/engine.io/'));
        await peer.opened();
        peer.send('2probe');
        expectEqual(await peer.nextData('probe answer'), '3probe', 'probe answer');
        peer.send('5');
        peer.send('4upgraded');
        expectEqual(await peer.nextData('echo after upgrade'), '4upgraded', 'echo after upgrade');
        peer.close();
    },
};

const eio3Tests = {
    async 'v3 WebSocket handshake, client pings, echo'() {
        const peer = new Peer(wsUrl('EIO=3&transport=websocket', '/engine.io/'));
        checkHandshake(await peer.next('open packet'), { upgrades: [], eio3: true });
        peer.send('2');
        expectEqual(await peer.next('pong'), '3', 'pong');
        peer.send('4hello');
        expectEqual(await peer.next('text echo'), '4hello', 'text echo');
        peer.send(Buffer.from([4, 9, 8]));
        const echoed = await peer.next('binary echo');
        expectEqual(Buffer.isBuffer(echoed) ? [...echoed] : echoed, [4, 9, 8], 'binary echo');
        peer.close();
    },
    async 'v3 polling handshake'() {
        const { body } = await pollingHandshake('EIO=3&transport=polling&b64=1');
        // v3 payload: <length>:<packet>
        const m = /^(\d+):(.*)$/s.exec(body);
        if (!m)
            throw new Error(`not a v3 payload: ${body}`);
        checkHandshake(m[2].slice(0, Number(m[1])), { upgrades: ['websocket'], eio3: true });
    },
};

// ---- Socket.IO v5 ----

async function socketIoPeer() {
    const peer = new Peer(wsUrl('EIO=4&transport=websocket', '/socket.io/'));
    checkHandshake(await peer.next('open packet'), { upgrades: [] });
    return peer;
}

const socketIoTests = {
    async 'connect to the main namespace, auth echoed'() {
        const peer = await socketIoPeer();
        peer.send('40{"token":"123"}');
        const connected = await peer.nextData('connect');
        if (!/^40\{"sid":"[^"]+"\}$/.test(connected))
            throw new Error(`connect answer: ${connected}`);
        expectEqual(await peer.nextData('auth event'), '42["auth",{"token":"123"}]', 'auth event');
        peer.close();
    },
    async 'connect to /custom and to an unknown namespace'() {
        const peer = await socketIoPeer();
        peer.send('40/custom,{"token":"abc"}');
        const connected = await peer.nextData('connect');
        if (!/^40\/custom,\{"sid":"[^"]+"\}$/.test(connected))
            throw new Error(`connect answer: ${connected}`);
        expectEqual(await peer.nextData('auth event'), '42/custom,["auth",{"token":"abc"}]',
            'auth event');
        peer.send('40/random,');
        expectEqual(await peer.nextData('refusal'), '44/random,{"message":"Invalid namespace"}',
            'refusal');
        peer.close();
    },
    async 'message-back and message-with-ack'() {
        const peer = await socketIoPeer();
        peer.send('40');
        await peer.nextData('connect');
        await peer.nextData('auth event');
        peer.send('42["message",1,"2",{"3":[true]}]');
        expectEqual(await peer.nextData('message-back'), '42["message-back",1,"2",{"3":[true]}]',
            'message-back');
        peer.send('4256["message-with-ack",1,"2",{"3":[false]}]');
        expectEqual(await peer.nextData('ack'), '4356[1,"2",{"3":[false]}]', 'ack');
        peer.close();
    },
    async 'binary event and binary ack'() {
        const peer = await socketIoPeer();
        peer.send('40');
        await peer.nextData('connect');
        await peer.nextData('auth event');
        peer.send('451-["message",{"_placeholder":true,"num":0}]');
        peer.send(Buffer.from([1, 2, 3]));
        expectEqual(await peer.nextData('binary event'),
            '451-["message-back",{"_placeholder":true,"num":0}]', 'binary event');
        const attachment = await peer.nextData('attachment');
        expectEqual(Buffer.isBuffer(attachment) ? [...attachment] : attachment, [1, 2, 3],
            'attachment');
        peer.send('451-7["message-with-ack",{"_placeholder":true,"num":0}]');
        peer.send(Buffer.from([4, 5]));
        expectEqual(await peer.nextData('binary ack'), '461-7[{"_placeholder":true,"num":0}]',
            'binary ack');
        const acked = await peer.nextData('ack attachment');
        expectEqual(Buffer.isBuffer(acked) ? [...acked] : acked, [4, 5], 'ack attachment');
        peer.close();
    },
    async 'heartbeat values and pings'() {
        const peer = await socketIoPeer();
        expectEqual(await peer.next('ping', PING_INTERVAL * 3), '2', 'ping');
        peer.close();
    },
    async 'closed without a connect packet in time'() {
        const peer = await socketIoPeer();
        // connectTimeout is 1 s; pings answered meanwhile keep the Engine.IO session alive.
        for (;;) {
            const message = await peer.next('close for the connect timeout', 3000);
            if (message === null)
                break;
            if (message === '2')
                peer.send('3');
            else
                throw new Error(`unexpected message before the timeout: ${message}`);
        }
    },
};

async function main() {
    base = { port: await startServer() };
    const tests = MODE === 'socketio' ? socketIoTests : MODE === 'engineio' ? engineIoTests : eio3Tests;
    const engine = process.env.CONFAB_WEBSOCKET_ENGINE || 'default';
    for (const [name, test] of Object.entries(tests)) {
        try {
            await withTimeout(test(), 15000, name);
            console.log(`ok   ${MODE} (${engine} engine): ${name}`);
        } catch (error) {
            ++failures;
            console.log(`FAIL ${MODE} (${engine} engine): ${name}: ${error.message}`);
        }
    }
}

main()
    .catch((error) => {
        ++failures;
        console.error(error);
    })
    .finally(() => {
        if (server)
            server.kill();
        console.log(failures ? `${failures} failed` : 'all passed');
        process.exit(failures ? 1 : 0);
    });
