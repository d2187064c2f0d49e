#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Names, room names and client ids against a real confab-server (server/chat/README.md,
"Names and room names" and "message"): hostile names are cleaned and suffixed, look-alike
rooms are refused, and a client id belongs to its sender.

    /usr/bin/python3 chat_identity_test.py path/to/confab-server

Prints one line per check (PASS/FAIL) and ends with "N passed, M failed"; exits 1 if anything
failed.
"""
import asyncio
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from chat_common import Peer, Results, Server, quiet_aiohttp_leaks  # noqa: E402

R = Results()
TRANSPORTS = ['websocket']


def invisible(text):
    """The characters of text that a name or room must not keep: controls, format characters
    (zero-width, bidi), lone surrogates."""
    return [hex(ord(c)) for c in text if unicodedata.category(c) in ('Cc', 'Cf', 'Cs')]


async def connect(server, name, device=None, peers=None):
    peer = Peer(name)
    if peers is not None:
        peers.append(peer)
    auth = {'name': name}
    if device:
        auth['device'] = device
    await peer.connect(server.url, TRANSPORTS, auth=auth)
    welcome = await peer.wait_event('welcome')
    return peer, (welcome[0]['name'] if welcome else None)


async def until_gone(asker, gone, timeout=5.0):
    """Asks `who` until none of the names in gone is connected (a disconnect reaches the host
    on another connection than the asker's, so there is no event of the asker's to wait for).
    Returns whether they went."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        who = await asker.call('who')
        if not any(s['name'] in gone for s in who.get('sids', [])):
            return True
    return False


async def names(server, peers):
    tag = 'names'
    first, given = await connect(server, 'alice', peers=peers)
    R.equal(tag, 'plain name kept', given, 'alice')
    # Each look-alike of "alice" comes later and gets the next suffix, cleaned.
    attacks = [
        ('alice\u200b', 'alice (2)'),  # zero-width space
        ('Alice', 'Alice (3)'),  # case
        ('\u0430lice', '\u0430lice (4)'),  # Cyrillic а
        ('al\u0456ce', 'al\u0456ce (5)'),  # Cyrillic і
        ('\uff41lice', '\uff41lice (6)'),  # fullwidth a
        ('\u202ealice', 'alice (7)'),  # bidi override
        ('ali\u00adce', 'alice (8)'),  # soft hyphen
    ]
    for wanted, expected in attacks:
        _, got = await connect(server, wanted, peers=peers)
        R.equal(tag, f'{wanted!r} is suffixed as a look-alike of alice', got, expected)
    _, got = await connect(server, '\u202eecila', peers=peers)
    R.equal(tag, 'bidi override stripped', got, 'ecila')
    _, got = await connect(server, 'a\nb\x07\x00c', peers=peers)
    R.equal(tag, 'control characters stripped, line break a space', got, 'a bc')
    _, got = await connect(server, 'e\u0301ve  \t eve', peers=peers)
    R.equal(tag, 'NFC and one space', got, '\u00e9ve eve')
    _, got = await connect(server, '\u200b\u202e\u3164', peers=peers)
    R.check(tag, 'a name of invisible characters gets a guest name',
            got is not None and re.fullmatch(r'guest-[0-9a-f]{4}', got), f'got {got!r}')

    who = await first.call('who')
    listed = [s['name'] for s in who.get('sids', [])]
    R.check(tag, 'who lists no invisible characters',
            not any(invisible(n) for n in listed), repr(listed))
    folded = [n.casefold() for n in listed]
    R.equal(tag, 'who lists each name once', len(set(folded)), len(folded))

    # rename goes through the same rules.
    renamer, _ = await connect(server, 'renamer', peers=peers)
    ack = await renamer.call('rename', {'name': 'ALICE'})
    R.equal(tag, 'rename to a look-alike is suffixed', ack, {'ok': True, 'name': 'ALICE (9)'})
    ack = await renamer.call('rename', {'name': '\u200b\u2066\u2069'})
    R.check(tag, 'rename to nothing visible is refused',
            ack.get('ok') is False and 'name' in ack.get('error', ''), repr(ack))
    ack = await renamer.call('rename', {'name': 'Ali\u0441e\u200b (9)'})
    R.equal(tag, 'renaming to a look-alike of your own name keeps it',
            ack, {'ok': True, 'name': 'Ali\u0441e (9)'})
    # A freed name is free again, whatever its spelling.
    await first.close()
    R.check(tag, 'alice left', await until_gone(renamer, {'alice'}))
    _, got = await connect(server, 'ALICE', peers=peers)
    R.equal(tag, 'a freed name can be taken by a look-alike', got, 'ALICE')


async def rooms(server, peers):
    tag = 'rooms'
    owner, _ = await connect(server, 'owner', peers=peers)
    other, _ = await connect(server, 'other', peers=peers)
    ack = await owner.call('join', {'room': 'lobby'})
    R.check(tag, 'join lobby', ack.get('ok') is True, repr(ack))
    ack = await other.call('join', {'room': 'lobby'})
    R.check(tag, 'the same name joins the same room', ack.get('ok') is True, repr(ack))

    for wanted in ['Lobby', 'l\u043ebby', 'LOBBY', '\uff4cobby']:
        ack = await other.call('join', {'room': wanted})
        R.check(tag, f'{wanted!r} is refused as a look-alike of lobby',
                ack.get('ok') is False and '"lobby"' in ack.get('error', ''), repr(ack))
    for wanted in ['lobby\u200b', '\u202ebbol', 'a\nb', 'a  b', 'e\u0301', '\u200b', '\x07']:
        ack = await other.call('join', {'room': wanted})
        R.check(tag, f'{wanted!r} is refused as not plain text',
                ack.get('ok') is False and 'room' in ack.get('error', ''), repr(ack))
    ack = await other.call('join', {'room': 'caf\u00e9 \U0001f642'})
    R.check(tag, 'a room with an accent and an emoji is fine', ack.get('ok') is True, repr(ack))

    # A room with messages keeps its name when everyone has left.
    ack = await owner.call('message', {'room': 'lobby', 'text': 'hello'})
    R.check(tag, 'message stored', ack.get('ok') is True, repr(ack))
    for peer in (owner, other):
        ack = await peer.call('leave', {'room': 'lobby'})
        R.check(tag, 'leave', ack.get('ok') is True, repr(ack))
    ack = await owner.call('join', {'room': 'LOBBY'})
    R.check(tag, 'a look-alike of an empty room with history is refused',
            ack.get('ok') is False and '"lobby"' in ack.get('error', ''), repr(ack))
    # An empty room without messages is forgotten: its look-alike is a new room.
    await owner.call('join', {'room': 'scratch'})
    await owner.call('leave', {'room': 'scratch'})
    ack = await owner.call('join', {'room': 'Scratch'})
    R.check(tag, 'a look-alike of a forgotten room is a new room', ack.get('ok') is True,
            repr(ack))
    welcome_rooms = [r['name'] for r in (await connect(server, 'late', peers=peers))[0]
                     .events('welcome')[0]['rooms']]
    R.check(tag, 'welcome lists no look-alikes',
            'lobby' in welcome_rooms and 'Scratch' in welcome_rooms
            and not any(r in welcome_rooms for r in ['LOBBY', 'Lobby', 'scratch']),
            repr(welcome_rooms))


async def client_ids(server, peers):
    tag = 'clientId'
    victim, victim_name = await connect(server, 'victim', device='victim-install', peers=peers)
    attacker, _ = await connect(server, 'mallory', device='attacker-install', peers=peers)
    for peer in (victim, attacker):
        await peer.call('join', {'room': 'ids'})
    sent = await victim.call('message', {'room': 'ids', 'text': 'mine', 'id': 'cid-1'})
    R.check(tag, 'victim message stored', sent.get('ok') is True, repr(sent))

    # The victim's retry from a second connection of the same install (the first one still
    # lingers, so the host gives it another name) is the same message.
    again, again_name = await connect(server, 'victim', device='victim-install', peers=peers)
    R.check(tag, 'second connection has another name', again_name != victim_name,
            repr(again_name))
    await again.call('join', {'room': 'ids'})
    retry = await again.call('message', {'room': 'ids', 'text': 'mine', 'id': 'cid-1'})
    R.equal(tag, 'retry under another name is idempotent for the same install',
            (retry.get('ok'), retry.get('id')), (True, sent.get('id')))

    # The attacker takes the victim's name once it is free, and reuses its client id.
    await victim.close()
    await again.close()
    R.check(tag, 'victim left', await until_gone(attacker, {victim_name, again_name}))
    renamed = await attacker.call('rename', {'name': 'victim'})
    R.equal(tag, "attacker took the victim's name", renamed, {'ok': True, 'name': 'victim'})
    stolen = await attacker.call('message', {'room': 'ids', 'text': 'evil', 'id': 'cid-1'})
    R.check(tag, "another install's message with the victim's name and client id is its own",
            stolen.get('ok') is True and stolen.get('id') != sent.get('id'), repr(stolen))
    history = await attacker.call('history', {'room': 'ids'})
    texts = [m['text'] for m in history.get('messages', [])]
    R.equal(tag, 'both messages stored', texts, ['mine', 'evil'])
    R.equal(tag, "the attacker's own list has only its message",
            history.get('own'), [stolen.get('id')])

    # Without a device the name is the scope, as before: a retry under the same name is
    # idempotent.
    anon, _ = await connect(server, 'anon', peers=peers)
    await anon.call('join', {'room': 'ids'})
    first = await anon.call('message', {'room': 'ids', 'text': 'once', 'id': 'cid-2'})
    second = await anon.call('message', {'room': 'ids', 'text': 'once', 'id': 'cid-2'})
    R.equal(tag, 'retry without a device is idempotent by name',
            (second.get('ok'), second.get('id')), (True, first.get('id')))


async def main(binary):
    quiet_aiohttp_leaks(asyncio.get_running_loop())
    for scenario in (names, rooms, client_ids):
        server = Server(binary, extra=['--rate-limit', '1000'], tag=scenario.__name__).start()
        peers = []
        try:
            await asyncio.wait_for(scenario(server, peers), 60)
        except Exception as e:  # noqa: BLE001 - a crash of a scenario is a failed check
            R.check(scenario.__name__, 'scenario ran to the end', False, repr(e))
        finally:
            for peer in peers:
                await peer.close()
            server.terminate()
    return R.summary()


if __name__ == '__main__':
    sys.exit(asyncio.run(main(sys.argv[1])))
