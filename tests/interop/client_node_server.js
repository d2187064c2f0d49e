// SPDX-License-Identifier: MIT
// A Node socket.io 4 server for Confab's client interop tests (node client_node_server.js).
// Listens on 127.0.0.1 only and prints "PORT <n>" once it accepts connections.
//
// Options: --port N, --ping-interval ms, --ping-timeout ms, --max-payload bytes,
// --tls-cert FILE --tls-key FILE (https/wss with that certificate).
//
// Handlers (on "/" and "/chat"), the same as client_python_server.py:
//   auth middleware refuses {token: <anything but "secret">} with "invalid token" and
//   data {reason: "bad token"}; on connection emits "welcome" {nsp, auth, query, header} (the
//   "extra" query parameter and the X-Confab-Test header of the handshake)
//   echo -> ack with the arguments; message -> "message-back" with the arguments;
//   ask -> "question" with an ack callback whose arguments come back as "answer";
//   slow [ms] -> ack "late" after ms; server-binary -> "binary" (bytes 00..04, {nested: 00 ff});
//   disconnect-me -> the server disconnects the client.
'use strict';
const path = require('path');
const fs = require('fs');
const { Server } = require(path.join(__dirname, 'node_modules', 'socket.io'));

function option(name, fallback) {
    const i = process.argv.indexOf('--' + name);
    return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(option('port', '0'));
const certFile = option('tls-cert', null);
const keyFile = option('tls-key', null);
const httpServer = certFile
    ? require('https').createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) })
    : require('http').createServer();

const io = new Server(httpServer, {
    pingInterval: Number(option('ping-interval', '1000')),
    pingTimeout: Number(option('ping-timeout', '2000')),
    maxHttpBufferSize: Number(option('max-payload', '1e7')),
    // Every event carries its offset, which Confab's client takes off; a client that lost its
    // connection gets its sid and what it missed back.
    connectionStateRecovery: { maxDisconnectionDuration: 30000 },
});

function setup(nsp) {
    nsp.use((socket, next) => {
        const auth = socket.handshake.auth;
        if (auth && typeof auth === 'object' && 'token' in auth && auth.token !== 'secret') {
            const err = new Error('invalid token');
            err.data = { reason: 'bad token' };
            return next(err);
        }
        next();
    });
    nsp.on('connection', (socket) => {
        socket.emit('welcome', {
            nsp: nsp.name,
            auth: socket.handshake.auth,
            query: socket.handshake.query.extra ?? null,
            header: socket.handshake.headers['x-confab-test'] ?? null,
        });
        socket.on('echo', (...args) => {
            const ack = typeof args[args.length - 1] === 'function' ? args.pop() : null;
            if (ack) ack(...args);
        });
        socket.on('message', (...args) => {
            if (typeof args[args.length - 1] === 'function') args.pop();
            socket.emit('message-back', ...args);
        });
        socket.on('ask', (...args) => {
            if (typeof args[args.length - 1] === 'function') args.pop();
            socket.emit('question', ...args, (...reply) => socket.emit('answer', ...reply));
        });
        socket.on('slow', (ms, ack) => {
            if (typeof ms === 'function') { ack = ms; ms = 1000; }
            setTimeout(() => ack && ack('late'), ms);
        });
        socket.on('server-binary', () => {
            socket.emit('binary', Buffer.from([0, 1, 2, 3, 4]), { nested: Buffer.from([0, 255]) });
        });
        socket.on('disconnect-me', () => socket.disconnect(true));
        // Joins room "r", drops the connection, and once the socket is gone sends `count`
        // events to its sid and as many to the room: connection state recovery replays them.
        socket.on('drop-and-miss', (count) => {
            socket.join('r');
            socket.once('disconnect', () => {
                for (let i = 0; i < count; i++) {
                    nsp.to(socket.id).emit('missed', i);
                    nsp.to('r').emit('missed-room', i);
                }
            });
            socket.conn.close();
        });
    });
}
setup(io.of('/'));
setup(io.of('/chat'));

httpServer.listen(port, '127.0.0.1', () => {
    console.log('PORT ' + httpServer.address().port);
});
process.on('SIGTERM', () => process.exit(0));
