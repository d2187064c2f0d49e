# SPDX-License-Identifier: MIT
"""The web client's files as confab-server serves them (server/chat/webclient.h): exact
Content-Type, Cache-Control, ETag/304, the Content-Security-Policy, nosniff, Referrer-Policy;
only the embedded files, traversal in any spelling a 404, HEAD, 405 for other methods, the Host
check. Requests are written byte for byte on a raw socket, so no client library normalises a
path before the host sees it.

Usage: /usr/bin/python3 web_static_test.py path/to/confab-server
(CONFAB_WEBSOCKET_ENGINE picks the host's WebSocket engine, as for the other chat tests.)
"""
import os
import socket
import sys

from chat_common import Results, Server

HERE = os.path.dirname(os.path.abspath(__file__))
WEB = os.path.join(HERE, '..', '..', 'server', 'chat', 'web')

# (path, Content-Type, Cache-Control, the file it must be byte for byte, or None)
FILES = [
    ('/', 'text/html; charset=utf-8', 'no-cache', os.path.join(WEB, 'index.html')),
    ('/?room=lobby&name=alice', 'text/html; charset=utf-8', 'no-cache',
     os.path.join(WEB, 'index.html')),
    ('/confab.js', 'text/javascript; charset=utf-8', 'no-cache', os.path.join(WEB, 'confab.js')),
    ('/confab.css', 'text/css; charset=utf-8', 'no-cache', os.path.join(WEB, 'confab.css')),
    ('/socket.io.min.js', 'text/javascript; charset=utf-8', 'no-cache', None),
    ('/socket.io.LICENSE.txt', 'text/plain; charset=utf-8', 'public, max-age=86400', None),
    ('/favicon.svg', 'image/svg+xml', 'public, max-age=86400',
     os.path.join(HERE, '..', '..', 'resources', 'icons', 'confab.svg')),
    ('/icon-256.png', 'image/png', 'public, max-age=86400',
     os.path.join(HERE, '..', '..', 'resources', 'icons', 'hicolor', '256x256', 'confab.png')),
]

# Request targets that must name no file: traversal in every spelling, files that exist on
# disk next to the served ones, names that differ only in case, a trailing slash or a dot.
NOT_FOUND = [
    '/../index.html', '/..%2findex.html', '/%2e%2e/index.html', '/%2E%2E/%2E%2E/etc/passwd',
    '/%252e%252e/index.html', '/..\\index.html', '/%5c..%5cindex.html', '/.%2e/confab.js',
    '/confab.js/', '/confab.js.', '/Confab.js', '/confab%2ejs', '/%2fconfab.js', '//confab.js',
    '/./confab.js', '/web/confab.js', '/index.html', '/package.json', '/package-lock.json',
    '/node_modules/socket.io-client/dist/socket.io.min.js', '/socket.io.min.js.map',
    '/webclient.cpp', '/etc/passwd', '/confab.js%00', '/confab.js;x', '/%00', '/favicon.ico',
    '/../../../../../../etc/passwd', '/..', '/.', '/~',
]

OTHER_METHODS = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']


def request(port, method, target, headers=None, body=b''):
    """One request on a fresh connection; returns (status, {lower name: value}, body)."""
    headers = {'Host': f'127.0.0.1:{port}', 'Connection': 'close', **(headers or {})}
    if body or method in ('POST', 'PUT', 'PATCH'):
        headers['Content-Length'] = str(len(body))
    head = f'{method} {target} HTTP/1.1\r\n' + ''.join(f'{k}: {v}\r\n' for k, v in headers.items())
    with socket.create_connection(('127.0.0.1', port), timeout=10) as s:
        s.sendall(head.encode('latin-1') + b'\r\n' + body)
        data = b''
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, rest = data.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    status = int(lines[0].split(' ')[1])
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(':')
        fields[name.strip().lower()] = value.strip()
    return status, fields, rest


def check_security_headers(results, tag, name, port, fields):
    csp = fields.get('content-security-policy', '')
    directives = {d.strip().split(' ')[0]: d.strip().split(' ')[1:] for d in csp.split(';') if d.strip()}
    results.equal(tag, f'{name}: default-src none', directives.get('default-src'), ["'none'"])
    results.equal(tag, f'{name}: script-src self only', directives.get('script-src'), ["'self'"])
    results.equal(tag, f'{name}: style-src self only', directives.get('style-src'), ["'self'"])
    results.equal(tag, f'{name}: connect-src self and its own socket',
                  directives.get('connect-src'),
                  ["'self'", f'ws://127.0.0.1:{port}', f'wss://127.0.0.1:{port}'])
    results.equal(tag, f'{name}: frame-ancestors none', directives.get('frame-ancestors'),
                  ["'none'"])
    results.equal(tag, f'{name}: nosniff', fields.get('x-content-type-options'), 'nosniff')
    results.equal(tag, f'{name}: Referrer-Policy', fields.get('referrer-policy'), 'no-referrer')


def main():
    binary = sys.argv[1]
    results = Results()
    server = Server(binary, tag='web').start()
    port = server.port
    tag = 'web-static'
    try:
        for path, content_type, cache, source in FILES:
            status, fields, body = request(port, 'GET', path)
            results.equal(tag, f'GET {path}: 200', status, 200)
            results.equal(tag, f'GET {path}: Content-Type', fields.get('content-type'),
                          content_type)
            results.equal(tag, f'GET {path}: Cache-Control', fields.get('cache-control'), cache)
            results.equal(tag, f'GET {path}: Content-Length is the body',
                          int(fields.get('content-length', -1)), len(body))
            if source:
                with open(source, 'rb') as f:
                    results.check(tag, f'GET {path}: the embedded file, byte for byte',
                                  body == f.read())
            check_security_headers(results, tag, f'GET {path}', port, fields)

            status, head_fields, head_body = request(port, 'HEAD', path)
            results.equal(tag, f'HEAD {path}: 200 without a body', (status, head_body), (200, b''))
            results.equal(tag, f'HEAD {path}: same length and type',
                          (head_fields.get('content-length'), head_fields.get('content-type')),
                          (fields.get('content-length'), fields.get('content-type')))

            etag = fields.get('etag', '')
            results.check(tag, f'GET {path}: an ETag', etag.startswith('"') and len(etag) > 2)
            status, fields304, body304 = request(port, 'GET', path, {'If-None-Match': etag})
            results.equal(tag, f'GET {path} If-None-Match: 304, no body', (status, body304),
                          (304, b''))
            status, _, _ = request(port, 'GET', path, {'If-None-Match': '"other"'})
            results.equal(tag, f'GET {path} another ETag: 200', status, 200)

        # The official bundle, with its licence next to it.
        _, _, bundle = request(port, 'GET', '/socket.io.min.js')
        results.check(tag, 'the bundle is socket.io-client 4', bundle.startswith(b'/*!\n * Socket.IO v4.'))
        _, _, licence = request(port, 'GET', '/socket.io.LICENSE.txt')
        results.check(tag, 'the bundle\'s MIT licence', b'MIT License' in licence
                      and b'Guillermo Rauch' in licence)
        _, _, page = request(port, 'GET', '/')
        results.check(tag, 'the page has no inline script or style',
                      b'<script>' not in page and b'style=' not in page and b'<style' not in page
                      and b'onclick' not in page.lower())

        for target in NOT_FOUND:
            status, fields, body = request(port, 'GET', target)
            results.equal(tag, f'GET {target!r}: 404', status, 404)
            results.check(tag, f'GET {target!r}: no file content',
                          b'<!DOCTYPE' not in body and b'Socket.IO' not in body
                          and b'root:' not in body, body[:80])

        for method in OTHER_METHODS:
            for path in ('/', '/confab.js'):
                status, fields, _ = request(port, method, path)
                results.equal(tag, f'{method} {path}: 405', status, 405)
                results.equal(tag, f'{method} {path}: Allow', fields.get('allow'), 'GET, HEAD')

        # The host's Host check applies to the page as to Engine.IO (DNS rebinding); a LAN
        # address, which a browser sends for a page it loaded from it, is served.
        status, _, _ = request(port, 'GET', '/', {'Host': 'evil.example'})
        results.equal(tag, 'GET / with a foreign Host: 403', status, 403)
        status, fields, _ = request(port, 'GET', '/', {'Host': '192.168.1.20:3000'})
        results.equal(tag, 'GET / with a LAN address as Host: 200', status, 200)
        results.check(tag, 'its CSP names that address\'s socket',
                      'ws://192.168.1.20:3000 ' in fields.get('content-security-policy', ''))
        status, fields, _ = request(port, 'GET', '/', {'Host': '[::1]:3000'})
        results.equal(tag, 'GET / with an IPv6 Host: 200', status, 200)
        # A Host that is not a plain host[:port] can never add a CSP source or directive.
        status, fields, _ = request(port, 'GET', '/', {'Host': "localhost;script-src *"})
        csp = fields.get('content-security-policy', '')
        results.check(tag, 'a Host with ";" adds nothing to the CSP',
                      status == 403 or ('script-src *' not in csp and 'ws://' not in csp), csp)

        # Engine.IO is still there, on the same port.
        status, fields, body = request(port, 'GET', '/socket.io/?EIO=4&transport=polling')
        results.check(tag, 'Engine.IO handshake beside the page', status == 200
                      and body.startswith(b'0{"sid"'), body[:80])
        results.check(tag, 'the page\'s headers stay off Engine.IO',
                      'content-security-policy' not in fields)
    finally:
        server.terminate()
    return results.summary()


if __name__ == '__main__':
    sys.exit(main())
