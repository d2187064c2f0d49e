// SPDX-License-Identifier: MIT
// Socket.IO 2 clients (socket.io-client 2.5: Engine.IO v3, Socket.IO protocol v4) against a
// Confab host started with --allow-eio3, in every transport mode.
//   node server_node_v2_client.js <path to interop_server>
'use strict';
const { spawn } = require('child_process');
const path = require('path');
const io = require(path.join(__dirname, 'node_modules', 'socket.io-client-v2'));

let passed = 0;
let failed = 0;
function check(label, ok, detail) {
  if (ok) {
    passed++;
    console.log(`PASS ${label}`);
  } else {
    failed++;
    console.log(`FAIL ${label}${detail === undefined ? '' : ': ' + JSON.stringify(detail)}`);
  }
}

function once(emitter, event, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

function emitWithAck(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 5000);
    socket.emit(event, ...args, (...reply) => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
}

function startServer(binary) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--port', '0', '--allow-eio3', '--quit-on-eof'],
                        { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`interop_server exited with ${code}`)));
  });
}

async function run(port, transports) {
  const label = `[${transports.join('+')}]`;
  const url = `http://127.0.0.1:${port}`;
  const options = { transports, forceNew: true, reconnection: false };

  // Protocol v4: the server connects the client to "/" by itself, then the handler's
  // "welcome" follows the CONNECT.
  const socket = io(url, options);
  const [welcome] = await once(socket, 'welcome');
  check(`${label} welcome after the implicit connect to /`, welcome && welcome.nsp === '/', welcome);
  check(`${label} connected`, socket.connected);

  const [text, object] = await emitWithAck(socket, 'echo', 'héllo 😀', { n: 1, list: [true, null] });
  check(`${label} echo ack with text and objects`,
        text === 'héllo 😀' && object.n === 1 && object.list[0] === true, [text, object]);

  const [bytes] = await emitWithAck(socket, 'echo', Buffer.from([0, 1, 254, 255]));
  check(`${label} binary round trip`, Buffer.isBuffer(bytes) && bytes.equals(Buffer.from([0, 1, 254, 255])),
        bytes);

  const bin = once(socket, 'bin');
  await emitWithAck(socket, 'binary_please');
  const [top] = await bin;
  check(`${label} binary from the server`, Buffer.isBuffer(top) && top.length === 256 && top[255] === 255);

  // A namespace: "40/chat," and its reply "40/chat," (no payload in protocol v4).
  const chat = io(`${url}/chat`, options);
  const [chatWelcome] = await once(chat, 'welcome');
  check(`${label} /chat namespace connects`, chatWelcome && chatWelcome.nsp === '/chat', chatWelcome);
  const [echoed] = await emitWithAck(chat, 'echo', 'in chat');
  check(`${label} /chat echo`, echoed === 'in chat', echoed);

  // Rooms work for old clients too.
  await emitWithAck(socket, 'join', { room: 'v2room' });
  const other = io(url, options);
  await once(other, 'welcome');
  await emitWithAck(other, 'join', { room: 'v2room' });
  const roomMessage = once(other, 'room_msg');
  const [delivered] = await emitWithAck(socket, 'to_room', { room: 'v2room', text: 'hi room' });
  const [msg] = await roomMessage;
  check(`${label} room message reaches the other v2 client`,
        delivered.delivered === 1 && msg.text === 'hi room', [delivered, msg]);

  // The server throws the client out: the old client reports it the same way.
  const gone = once(socket, 'disconnect');
  socket.emit('kick');
  const [reason] = await gone;
  check(`${label} kicked: "io server disconnect"`, reason === 'io server disconnect', reason);

  chat.close();
  other.close();
}

async function main() {
  const binary = process.argv[2];
  if (!binary) {
    console.error('usage: node server_node_v2_client.js <interop_server>');
    process.exit(2);
  }
  const { child, port } = await startServer(binary);
  try {
    for (const transports of [['websocket'], ['polling'], ['polling', 'websocket']])
      await run(port, transports).catch((error) => check(`[${transports}] scenario`, false, String(error)));
  } finally {
    child.stdin.end();
    child.kill();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main();
