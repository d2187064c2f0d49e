// SPDX-License-Identifier: MIT
// Reference server for the benchmark: Node socket.io 4 (default `ws` engine) implementing the
// part of Confab's chat protocol that the benchmark uses (server/chat/README.md):
//   CONNECT auth {name}; `join` {room} -> ack {ok, room, members: [{sid, name}], history: []};
//   `message` {room, text, id?} -> ack {ok, id, ts}, then `message`
//   {id, room, sid, name, text, ts, clientId} to the room, sender included.
// No persistence, no `welcome`/`joined`/rate limit. Listens on 127.0.0.1 only and prints
// "PORT <n>" once it accepts connections.
//
// node node_server.js [--port 0] [--ping-interval ms] [--ping-timeout ms]
'use strict';
const path = require('path');
const { Server } = require(path.join(__dirname, '..', 'interop', 'node_modules', 'socket.io'));

function option(name, fallback) {
    const i = process.argv.indexOf('--' + name);
    return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const httpServer = require('http').createServer();
const io = new Server(httpServer, {
    pingInterval: Number(option('ping-interval', '25000')),
    pingTimeout: Number(option('ping-timeout', '20000')),
    maxHttpBufferSize: 1e6,
});

const failure = (error) => ({ ok: false, error });
const lastId = new Map(); // room -> last message id
let guests = 0;

io.on('connection', (socket) => {
    const auth = socket.handshake.auth;
    const given = auth && typeof auth.name === 'string' ? auth.name.trim().slice(0, 32) : '';
    socket.data.name = given || 'guest-' + (++guests);

    socket.on('join', (payload, ack) => {
        if (typeof ack !== 'function') return;
        const room = payload && typeof payload.room === 'string' ? payload.room.trim() : '';
        if (!room || room.length > 64) return ack(failure('invalid room'));
        socket.join(room);
        const members = [];
        for (const sid of io.sockets.adapter.rooms.get(room) || []) {
            const member = io.sockets.sockets.get(sid);
            if (member) members.push({ sid, name: member.data.name });
        }
        ack({ ok: true, room, members, history: [] });
    });

    socket.on('message', (payload, ack) => {
        const reply = typeof ack === 'function' ? ack : () => {};
        if (!payload || typeof payload !== 'object') return reply(failure('invalid payload'));
        const { room, id } = payload;
        const text = typeof payload.text === 'string' ? payload.text.trim() : '';
        if (typeof room !== 'string' || !socket.rooms.has(room))
            return reply(failure('not a member of ' + room));
        if (!text || text.length > 16000) return reply(failure('invalid text'));
        if (id !== undefined && (typeof id !== 'string' || id.length > 64))
            return reply(failure('invalid id'));
        const messageId = (lastId.get(room) || 0) + 1;
        lastId.set(room, messageId);
        const ts = Date.now();
        reply({ ok: true, id: messageId, ts });
        io.to(room).emit('message', {
            id: messageId, room, sid: socket.id, name: socket.data.name, text, ts,
            clientId: id === undefined ? null : id,
        });
    });
});

httpServer.listen(Number(option('port', '0')), '127.0.0.1', () => {
    console.log('PORT ' + httpServer.address().port);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
