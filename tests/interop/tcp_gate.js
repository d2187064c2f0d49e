// SPDX-License-Identifier: MIT
// The recovery tests' TCP relay (tests/interop/recovery_node_client.js,
// tests/chat/chat_recovery_test.js): socket.io-client reaches the host through it, and the test
// refuses new connections or kills the relayed ones (a reset, as a dropped network gives).
'use strict';

const net = require('net');

// A TCP relay to the host that can refuse new connections and kill the ones it relays.
class Gate {
    constructor(targetPort) {
        this.targetPort = targetPort;
        this.accepting = true;
        this.pairs = new Set();
        this.server = net.createServer((client) => this.relay(client));
    }
    listen() {
        return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => {
            this.port = this.server.address().port;
            resolve(this.port);
        }));
    }
    relay(client) {
        if (!this.accepting) {
            client.destroy();
            return;
        }
        const upstream = net.connect(this.targetPort, '127.0.0.1');
        const pair = [client, upstream];
        this.pairs.add(pair);
        const end = () => {
            client.destroy();
            upstream.destroy();
            this.pairs.delete(pair);
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
        client.pipe(upstream);
        upstream.pipe(client);
    }
    refuse() { this.accepting = false; }
    accept() { this.accepting = true; }
    kill() {
        for (const [client, upstream] of this.pairs) {
            client.resetAndDestroy ? client.resetAndDestroy() : client.destroy();
            upstream.resetAndDestroy ? upstream.resetAndDestroy() : upstream.destroy();
        }
        this.pairs.clear();
    }
    close() {
        this.kill();
        this.server.close();
    }
}

module.exports = Gate;
