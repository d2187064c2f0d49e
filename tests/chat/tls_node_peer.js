// SPDX-License-Identifier: MIT
// A socket.io-client 4 peer for chat_tls_test.py: connects to URL with the given transports
// (comma-separated), joins ROOM, sends TEXT, and prints one JSON line: the ack, the transport it
// ended on and, over https, the SHA-256 fingerprint of the certificate it was served.
// The host's certificate is self-signed: trust is the fingerprint, compared by the caller
// (rejectUnauthorized: false only skips the CA check Node would make).
const path = require('path');
const { io } = require(path.join(__dirname, '../interop/node_modules/socket.io-client'));

const [url, transports, room, text] = process.argv.slice(2);
const socket = io(url, {
    transports: transports.split(','),
    rejectUnauthorized: false,
    reconnection: false,
    timeout: 5000,
    auth: { name: 'node' },
});
const done = (result) => {
    console.log(JSON.stringify(result));
    socket.close();
    process.exit(result.error ? 1 : 0);
};
setTimeout(() => done({ error: 'timed out' }), 10000).unref();
socket.on('connect_error', (e) => done({ error: String(e && e.message) }));
socket.on('connect', async () => {
    try {
        const joined = await socket.timeout(5000).emitWithAck('join', { room });
        const sent = await socket.timeout(5000).emitWithAck('message', { room, text });
        if (transports.includes('polling') && transports.includes('websocket')) {
            // Wait for the upgrade to settle, so the reported transport is the final one.
            if (socket.io.engine.transport.name !== 'websocket')
                await new Promise((r) => socket.io.engine.once('upgrade', r));
        }
        const t = socket.io.engine.transport;
        let fingerprint = null;
        const raw = t.ws ? t.ws._socket : null; // Node's ws: the TLS socket under it
        if (raw && raw.getPeerCertificate)
            fingerprint = raw.getPeerCertificate().fingerprint256;
        done({ joined: joined.ok, sent: sent.ok, transport: t.name, fingerprint });
    } catch (e) {
        done({ error: String(e) });
    }
});
