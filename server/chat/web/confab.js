// SPDX-License-Identifier: MIT
// Confab's web chat: the chat protocol of server/chat/README.md over the official Socket.IO
// browser bundle (window.io), same origin as the host. No framework. Everything a peer sends
// (names, room names, messages, error sentences) goes into the page through textContent, never
// as HTML; the page's Content-Security-Policy forbids inline script and style besides.
'use strict';

(() => {
    const ACK_TIMEOUT_MS = 10000; // a send with no ack by then is shown as failed, with Retry
    const TYPING_IDLE_MS = 3000; // "typing: false" after this long without a key
    const TYPING_SHOWN_MS = 8000; // another's "typing" fades if no update comes
    const HISTORY_PAGE = 50;
    const MAX_MESSAGES_PER_ROOM = 2000; // older ones are dropped (and can be scrolled back to)
    const MAX_LISTED_ROOMS = 500;

    const STRINGS = {
        en: {
            title: 'Confab',
            loginHint: 'Chat with everyone on this host. Pick a name and a room.',
            name: 'Your name', room: 'Room', password: 'Password', join: 'Join',
            rename: 'Rename', yourName: 'Your name', rooms: 'Rooms', here: 'Here',
            joinPlaceholder: 'Room name', messagePlaceholder: 'Message',
            send: 'Send', roomsAndPeople: 'Rooms and people', leave: 'Leave',
            leaveRoom: 'Leave {0}', connecting: 'Connecting…', online: 'Connected',
            offline: 'Offline, reconnecting…',
            passwordNeeded: 'This host needs a password.', passwordWrong: 'Wrong password.',
            refused: 'The host refused: {0}', loadingHistory: 'Loading earlier messages…',
            historyStart: 'Start of the conversation in {0}',
            scrollForMore: 'Scroll up for earlier messages', typingOne: '{0} is typing…',
            typingMany: '{0} are typing…', sending: 'Sending…', failed: 'Not sent: {0}',
            retry: 'Retry', noAnswer: 'no answer from the host', joinedNotice: '{0} joined',
            leftNotice: '{0} left', renamedNotice: '{0} is now {1}', members: '{0} here',
            you: '{0} (you)', notJoined: 'Not in a room: join one from the list.',
            newMessages: 'New messages',
        },
        zh: {
            title: 'Confab',
            loginHint: '与此主机上的所有人聊天。请选择名字和聊天室。',
            name: '你的名字', room: '聊天室', password: '密码', join: '加入',
            rename: '改名', yourName: '你的名字', rooms: '聊天室', here: '在线',
            joinPlaceholder: '聊天室名称', messagePlaceholder: '消息',
            send: '发送', roomsAndPeople: '聊天室和成员', leave: '离开',
            leaveRoom: '离开 {0}', connecting: '正在连接…', online: '已连接',
            offline: '已断开，正在重新连接…',
            passwordNeeded: '此主机需要密码。', passwordWrong: '密码错误。',
            refused: '主机拒绝：{0}', loadingHistory: '正在加载更早的消息…',
            historyStart: '{0} 的对话从这里开始',
            scrollForMore: '向上滚动查看更早的消息', typingOne: '{0} 正在输入…',
            typingMany: '{0} 正在输入…', sending: '正在发送…', failed: '未发送：{0}',
            retry: '重试', noAnswer: '主机没有回应', joinedNotice: '{0} 加入了',
            leftNotice: '{0} 离开了', renamedNotice: '{0} 改名为 {1}', members: '{0} 人在线',
            you: '{0}（你）', notJoined: '不在任何聊天室：请从列表中加入一个。',
            newMessages: '新消息',
        },
    };
    const language = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
    const locale = /^zh\b/i.test(language) ? 'zh' : 'en';
    const strings = STRINGS[locale];
    const t = (key, ...args) =>
        strings[key].replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
    const timeFormat = new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : undefined,
                                               { hour: '2-digit', minute: '2-digit' });
    const dateTimeFormat = new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : undefined,
        { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

    const $ = (id) => document.getElementById(id);
    const el = (tag, className, text) => {
        const node = document.createElement(tag);
        if (className) node.className = className;
        if (text !== undefined) node.textContent = text;
        return node;
    };

    function translatePage() {
        document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
        for (const node of document.querySelectorAll('[data-i18n]'))
            node.textContent = t(node.dataset.i18n);
        for (const node of document.querySelectorAll('[data-i18n-placeholder]'))
            node.placeholder = t(node.dataset.i18nPlaceholder);
        for (const node of document.querySelectorAll('[data-i18n-label]'))
            node.setAttribute('aria-label', t(node.dataset.i18nLabel));
    }

    function storage(key, value) {
        try { // private modes may refuse
            if (value === undefined) return window.localStorage.getItem(key);
            window.localStorage.setItem(key, value);
        } catch (e) { /* the page works without it */ }
        return null;
    }

    function randomId(bytes) {
        const data = new Uint8Array(bytes);
        crypto.getRandomValues(data);
        return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
    }

    // This browser's id for the host (see "device" in the protocol): it marks our own
    // messages after a reload. Stored per origin, so every host gets another one.
    let device = storage('confab.device');
    if (!device || !/^[0-9a-f]{32}$/.test(device)) {
        device = randomId(16);
        storage('confab.device', device);
    }

    // ---- State ----
    const state = {
        socket: null,
        name: '',
        password: '',
        sid: '',
        current: '', // the room shown
        rooms: new Map(), // joined rooms: name -> Room
        counts: new Map(), // every room the host told of: name -> members
        joinOrder: [], // joined rooms, to rejoin in this order after a reconnect
        typingSent: false,
        typingTimer: 0,
    };

    class Room {
        constructor(name) {
            this.name = name;
            this.members = new Map(); // sid -> name
            this.messages = []; // sorted by id; pending sends live in this.pending
            this.ids = new Set();
            this.own = new Set();
            this.pending = new Map(); // clientId -> {text, state, error}
            this.historyDone = false;
            this.loading = false;
            this.typing = new Map(); // sid -> {name, timer}
        }
        oldestId() { return this.messages.length ? this.messages[0].id : null; }
        newestId() { return this.messages.length ? this.messages[this.messages.length - 1].id : null; }
    }

    function isMessage(m) {
        return m && typeof m === 'object' && Number.isSafeInteger(m.id) && typeof m.text === 'string'
            && typeof m.name === 'string' && typeof m.room === 'string';
    }

    // ---- Rendering ----
    const messagesBox = $('messages');
    const messageList = $('message-list');

    function formatTime(ts) {
        if (!Number.isFinite(ts)) return '';
        const date = new Date(ts);
        const today = new Date();
        return date.toDateString() === today.toDateString() ? timeFormat.format(date)
                                                           : dateTimeFormat.format(date);
    }

    function messageNode(room, m) {
        const own = m.sid === state.sid || room.own.has(m.id);
        const item = el('li', own ? 'message own' : 'message');
        item.dataset.id = String(m.id);
        const meta = el('div', 'meta');
        meta.append(el('span', 'author', m.name), el('time', 'time', formatTime(m.ts)));
        if (Number.isFinite(m.ts)) meta.lastChild.dateTime = new Date(m.ts).toISOString();
        item.append(meta, el('p', 'text', m.text));
        return item;
    }

    function pendingNode(room, clientId, entry) {
        const item = el('li', 'message own ' + entry.state);
        item.dataset.clientId = clientId;
        const meta = el('div', 'meta');
        meta.append(el('span', 'author', state.name),
                    el('span', 'time', entry.state === 'pending' ? t('sending') : ''));
        item.append(meta, el('p', 'text', entry.text));
        if (entry.state === 'failed') {
            const failure = el('div', 'failure');
            failure.setAttribute('role', 'alert');
            const retry = el('button', '', t('retry'));
            retry.type = 'button';
            retry.addEventListener('click', () => sendMessage(room.name, entry.text, clientId));
            failure.append(el('span', '', t('failed', entry.error)), retry);
            item.append(failure);
        }
        return item;
    }

    function nearBottom() {
        return messagesBox.scrollHeight - messagesBox.scrollTop - messagesBox.clientHeight < 80;
    }
    function scrollToBottom() { messagesBox.scrollTop = messagesBox.scrollHeight; }

    function renderHistoryStatus(room) {
        const status = $('history-status');
        if (!room) { status.textContent = t('notJoined'); return; }
        status.textContent = room.loading ? t('loadingHistory')
            : room.historyDone ? t('historyStart', room.name) : t('scrollForMore');
    }

    function renderMessages() {
        const room = state.rooms.get(state.current);
        const nodes = [];
        if (room) {
            for (const m of room.messages) nodes.push(messageNode(room, m));
            for (const [clientId, entry] of room.pending) nodes.push(pendingNode(room, clientId, entry));
        }
        messageList.replaceChildren(...nodes);
        renderHistoryStatus(room);
        scrollToBottom();
    }

    function appendNode(node) {
        const stick = nearBottom();
        messageList.append(node);
        if (stick) scrollToBottom();
    }

    function notice(roomName, text) {
        if (roomName !== state.current) return;
        appendNode(el('li', 'notice', text));
    }

    function renderMembers() {
        const room = state.rooms.get(state.current);
        const list = $('member-list');
        const entries = room ? Array.from(room.members) : [];
        entries.sort((a, b) => a[1].localeCompare(b[1]));
        list.replaceChildren(...entries.map(([sid, name]) => {
            const item = el('li', sid === state.sid ? 'me' : '', sid === state.sid ? t('you', name) : name);
            return item;
        }));
        $('member-count').textContent = room ? String(room.members.size) : '';
        $('room-subtitle').textContent = room ? t('members', room.members.size) : '';
    }

    function renderRooms() {
        const names = new Set([...state.counts.keys(), ...state.rooms.keys()]);
        const sorted = Array.from(names).sort((a, b) => a.localeCompare(b));
        $('room-list').replaceChildren(...sorted.map((name) => {
            const item = el('li');
            const joined = state.rooms.has(name);
            const button = el('button', 'room' + (joined ? ' joined' : '') + (name === state.current ? ' current' : ''));
            button.type = 'button';
            button.append(el('span', 'room-name', name));
            const count = joined ? state.rooms.get(name).members.size : state.counts.get(name);
            if (count) button.append(el('span', 'count', String(count)));
            button.addEventListener('click', () => (joined ? showRoom(name) : joinRoom(name, true)));
            item.append(button);
            if (joined) {
                const leave = el('button', 'leave', '×');
                leave.type = 'button';
                leave.title = t('leaveRoom', name);
                leave.setAttribute('aria-label', t('leaveRoom', name));
                leave.addEventListener('click', () => leaveRoom(name));
                item.append(leave);
            }
            return item;
        }));
    }

    function renderTyping() {
        const room = state.rooms.get(state.current);
        const names = room ? Array.from(room.typing.values(), (entry) => entry.name) : [];
        $('typing').textContent = names.length === 0 ? ''
            : names.length === 1 ? t('typingOne', names[0])
            : t('typingMany', names.slice(0, 3).join(locale === 'zh' ? '、' : ', '));
    }

    function renderTitle() {
        $('room-title').textContent = state.current || t('title');
        document.title = state.current ? `${state.current} · Confab` : 'Confab';
    }

    function setConnection(key, className) {
        const node = $('connection');
        node.textContent = t(key);
        node.className = 'connection ' + (className || '');
    }

    function showError(node, text) {
        node.textContent = text;
        node.hidden = !text;
    }

    function showRoom(name) {
        state.current = name;
        renderTitle();
        renderRooms();
        renderMembers();
        renderMessages();
        renderTyping();
        setSide(false);
        storeLocation();
    }

    function storeLocation() {
        // A reload (or a copied link) comes back to this room under this name.
        const params = new URLSearchParams();
        if (state.current) params.set('room', state.current);
        if (state.name) params.set('name', state.name);
        history.replaceState(null, '', '/?' + params.toString());
    }

    function setSide(open) {
        $('chat').classList.toggle('side-open', open);
        $('toggle-side').setAttribute('aria-expanded', String(open));
    }

    // ---- Messages ----
    function addMessages(room, list, ownIds) {
        for (const id of ownIds || []) if (Number.isSafeInteger(id)) room.own.add(id);
        let added = false;
        for (const m of list) {
            if (!isMessage(m) || room.ids.has(m.id)) continue;
            room.ids.add(m.id);
            room.messages.push(m);
            added = true;
        }
        if (!added) return;
        room.messages.sort((a, b) => a.id - b.id);
        while (room.messages.length > MAX_MESSAGES_PER_ROOM) {
            room.ids.delete(room.messages.shift().id);
            room.historyDone = false;
        }
    }

    function loadOlder(room) {
        if (room.loading || room.historyDone || !state.socket || !state.socket.connected) return;
        room.loading = true;
        renderHistoryStatus(room);
        const before = room.oldestId();
        const request = { room: room.name, limit: HISTORY_PAGE };
        if (before !== null) request.before = before;
        state.socket.timeout(ACK_TIMEOUT_MS).emit('history', request, (err, ack) => {
            room.loading = false;
            if (err || !ack || !ack.ok || !Array.isArray(ack.messages)) {
                if (room.name === state.current) renderHistoryStatus(room);
                return;
            }
            if (ack.messages.length < HISTORY_PAGE) room.historyDone = true;
            const shown = room.name === state.current;
            const height = messagesBox.scrollHeight;
            const top = messagesBox.scrollTop;
            addMessages(room, ack.messages, ack.own);
            if (!shown) return;
            // Prepend without moving what the reader looks at.
            const nodes = [];
            for (const m of room.messages) {
                if (before !== null && m.id >= before) break;
                nodes.push(messageNode(room, m));
            }
            messageList.prepend(...nodes);
            messagesBox.scrollTop = top + (messagesBox.scrollHeight - height);
            renderHistoryStatus(room);
            fillView(room);
        });
    }

    // Fetch more while the history does not fill the view (no scroll bar, so no scrolling up).
    function fillView(room) {
        if (room.name === state.current && !room.historyDone
            && messagesBox.scrollHeight <= messagesBox.clientHeight + 40)
            loadOlder(room);
    }

    function sendMessage(roomName, text, clientId) {
        const room = state.rooms.get(roomName);
        if (!room || !state.socket) return;
        clientId = clientId || randomId(12);
        const entry = { text, state: 'pending', error: '' };
        room.pending.delete(clientId);
        room.pending.set(clientId, entry);
        const replace = () => {
            if (roomName !== state.current) return;
            const old = messageList.querySelector(`[data-client-id="${clientId}"]`);
            if (old) old.remove();
            if (room.pending.has(clientId)) appendNode(pendingNode(room, clientId, entry));
        };
        replace();
        state.socket.timeout(ACK_TIMEOUT_MS).emit('message', { room: roomName, text, id: clientId },
            (err, ack) => {
                if (!err && ack && ack.ok && Number.isSafeInteger(ack.id)) {
                    room.pending.delete(clientId);
                    room.own.add(ack.id);
                    const m = { id: ack.id, room: roomName, sid: state.sid, name: state.name, text,
                                ts: ack.ts, clientId };
                    const fresh = !room.ids.has(ack.id);
                    addMessages(room, [m]);
                    if (roomName !== state.current) return;
                    const old = messageList.querySelector(`[data-client-id="${clientId}"]`);
                    if (old) old.remove();
                    if (fresh) appendNode(messageNode(room, m));
                    return;
                }
                entry.state = 'failed';
                entry.error = err ? t('noAnswer')
                    : (ack && typeof ack.error === 'string' ? ack.error : t('noAnswer'));
                replace();
            });
    }

    // ---- Protocol ----
    function joinRoom(name, show) {
        name = name.trim();
        if (!name || !state.socket) return;
        if (state.rooms.has(name)) { if (show) showRoom(name); return; }
        state.socket.timeout(ACK_TIMEOUT_MS).emit('join', { room: name }, (err, ack) => {
            if (err || !ack || !ack.ok) {
                const reason = err ? t('noAnswer') : (ack && typeof ack.error === 'string' ? ack.error : '');
                showError($('side-error'), t('refused', reason));
                if (!state.current) setSide(true);
                return;
            }
            showError($('side-error'), '');
            const roomName = typeof ack.room === 'string' ? ack.room : name;
            if (state.rooms.has(roomName)) { // joined twice at once: the first ack did it
                if (show) showRoom(roomName);
                return;
            }
            const room = new Room(roomName);
            state.rooms.set(roomName, room);
            state.joinOrder.push(roomName);
            room.members.clear();
            for (const member of Array.isArray(ack.members) ? ack.members : []) {
                if (member && typeof member.sid === 'string' && typeof member.name === 'string')
                    room.members.set(member.sid, member.name);
            }
            const history = Array.isArray(ack.history) ? ack.history.filter(isMessage) : [];
            addMessages(room, history, ack.own);
            room.historyDone = history.length < HISTORY_PAGE;
            state.counts.set(roomName, room.members.size);
            if (show || !state.current || roomName === state.current) showRoom(roomName);
            else renderRooms();
            fillView(room);
        });
    }

    function rejoinAll() {
        // A disconnect left every room: join them again. Their messages stay on screen and the
        // join acks merge into them.
        for (const name of state.joinOrder.slice()) rejoinOne(state.rooms.get(name));
    }

    function rejoinOne(room) {
        state.socket.timeout(ACK_TIMEOUT_MS).emit('join', { room: room.name }, (err, ack) => {
            if (state.rooms.get(room.name) !== room) return; // left meanwhile
            if (err || !ack || !ack.ok) {
                notice(room.name, t('refused', err ? t('noAnswer') : String(ack && ack.error)));
                return;
            }
            room.members.clear();
            for (const member of Array.isArray(ack.members) ? ack.members : []) {
                if (member && typeof member.sid === 'string' && typeof member.name === 'string')
                    room.members.set(member.sid, member.name);
            }
            const history = Array.isArray(ack.history) ? ack.history.filter(isMessage) : [];
            const newest = room.newestId();
            if (newest !== null && history.length && history[0].id > newest + 1) {
                // More arrived while we were away than a join returns: start again from the
                // recent ones (scrolling up fetches the rest).
                room.messages = [];
                room.ids.clear();
                room.historyDone = false;
            }
            addMessages(room, history, ack.own);
            // Sends that failed while we were away stay failed, with Retry: nothing is resent
            // behind the user's back.
            if (room.name === state.current) showRoom(room.name);
            else renderRooms();
        });
    }

    function leaveRoom(name) {
        const room = state.rooms.get(name);
        if (!room) return;
        state.socket.timeout(ACK_TIMEOUT_MS).emit('leave', { room: name }, () => {});
        for (const entry of room.typing.values()) clearTimeout(entry.timer);
        state.rooms.delete(name);
        state.joinOrder = state.joinOrder.filter((n) => n !== name);
        if (state.current === name) {
            state.current = state.joinOrder[state.joinOrder.length - 1] || '';
            if (state.current) showRoom(state.current);
            else { renderTitle(); renderMembers(); renderMessages(); renderTyping(); storeLocation(); }
        }
        renderRooms();
    }

    function setTyping(typing) {
        clearTimeout(state.typingTimer);
        if (typing) state.typingTimer = setTimeout(() => setTyping(false), TYPING_IDLE_MS);
        if (typing === state.typingSent || !state.current || !state.socket || !state.socket.connected) return;
        state.typingSent = typing;
        state.socket.emit('typing', { room: state.current, typing });
    }

    function connect() {
        if (state.socket) {
            // Refused by the host (say, a wrong password): the host takes one CONNECT per
            // Engine.IO session, so the next attempt goes over a new one.
            state.socket.off();
            state.socket.disconnect();
            state.socket = null;
        }
        // The chat screen at once, saying "Connecting…": a host that is down or slow must not
        // leave a blank page.
        showChat();
        renderTitle();
        if (!state.current) $('history-status').textContent = t('connecting');
        setConnection('connecting');
        // auth as a function: every reconnection sends the name we have now.
        const socket = io({
            path: '/socket.io/',
            forceNew: true,
            // WebSocket first, long-polling if it fails: the page comes from the host itself, so
            // in the common case nothing between them blocks WebSocket, the connection is one
            // round trip shorter, and closing a refused session (a wrong password) never races
            // a poll still on its way (which the host answers 400 and the browser logs).
            transports: ['websocket', 'polling'],
            tryAllTransports: true,
            auth: (cb) => cb({ name: state.name, password: state.password || undefined, device }),
            reconnectionDelayMax: 10000,
        });
        state.socket = socket;

        socket.on('connect', () => setConnection('online', 'online'));
        socket.on('disconnect', (reason) => {
            setConnection('offline', 'offline');
            state.typingSent = false;
            for (const room of state.rooms.values()) {
                for (const entry of room.typing.values()) clearTimeout(entry.timer);
                room.typing.clear();
            }
            renderTyping();
            // The host ended the session itself: socket.io-client does not retry that one.
            if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 2000);
        });
        socket.on('connect_error', (err) => {
            const message = err && typeof err.message === 'string' ? err.message : '';
            if (socket.active) { // a network failure: the client retries by itself
                setConnection('offline', 'offline');
                return;
            }
            // Refused by the host (CONNECT_ERROR): ask again when it is about the password.
            if (message === 'unauthorized') {
                showLogin(state.password ? t('passwordWrong') : t('passwordNeeded'), true);
                return;
            }
            showLogin(t('refused', message), Boolean(state.password));
        });

        socket.on('welcome', (welcome) => {
            if (!welcome || typeof welcome !== 'object') return;
            if (typeof welcome.sid === 'string') state.sid = welcome.sid;
            if (typeof welcome.name === 'string') state.name = welcome.name;
            $('rename-input').value = state.name;
            storage('confab.name', state.name);
            state.counts.clear();
            for (const entry of Array.isArray(welcome.rooms) ? welcome.rooms.slice(0, MAX_LISTED_ROOMS) : []) {
                if (entry && typeof entry.name === 'string' && Number.isSafeInteger(entry.members))
                    state.counts.set(entry.name, entry.members);
            }
            showChat();
            if (state.joinOrder.length) {
                rejoinAll();
            } else {
                joinRoom(state.wanted || 'lobby', true);
            }
            renderRooms();
            storeLocation();
        });

        socket.on('message', (m) => {
            if (!isMessage(m)) return;
            const room = state.rooms.get(m.room);
            if (!room || room.ids.has(m.id)) return;
            // Our own send: its ack put it in already, or will (ack, then broadcast).
            if (m.sid === state.sid && typeof m.clientId === 'string' && room.pending.has(m.clientId)) {
                room.pending.delete(m.clientId);
                if (m.room === state.current) {
                    const old = messageList.querySelector(`[data-client-id="${m.clientId}"]`);
                    if (old) old.remove();
                }
            }
            addMessages(room, [m]);
            if (room.typing.has(m.sid)) {
                clearTimeout(room.typing.get(m.sid).timer);
                room.typing.delete(m.sid);
                if (m.room === state.current) renderTyping();
            }
            if (m.room === state.current && room.ids.has(m.id)) appendNode(messageNode(room, m));
        });

        socket.on('joined', (event) => {
            if (!event || typeof event.room !== 'string' || typeof event.sid !== 'string'
                || typeof event.name !== 'string') return;
            const room = state.rooms.get(event.room);
            if (!room) return;
            const isNew = !room.members.has(event.sid);
            room.members.set(event.sid, event.name);
            if (event.room === state.current) {
                renderMembers();
                if (isNew && event.sid !== state.sid) notice(event.room, t('joinedNotice', event.name));
            }
            renderRooms();
        });

        socket.on('left', (event) => {
            if (!event || typeof event.room !== 'string' || typeof event.sid !== 'string') return;
            const room = state.rooms.get(event.room);
            if (!room) return;
            const name = room.members.get(event.sid) || String(event.name || '');
            room.members.delete(event.sid);
            if (room.typing.has(event.sid)) {
                clearTimeout(room.typing.get(event.sid).timer);
                room.typing.delete(event.sid);
            }
            if (event.room === state.current) {
                renderMembers();
                renderTyping();
                notice(event.room, t('leftNotice', name));
            }
            renderRooms();
        });

        socket.on('renamed', (event) => {
            if (!event || typeof event.sid !== 'string' || typeof event.name !== 'string') return;
            if (event.sid === state.sid) {
                state.name = event.name;
                $('rename-input').value = state.name;
                storeLocation();
            }
            for (const room of state.rooms.values()) {
                if (!room.members.has(event.sid)) continue;
                room.members.set(event.sid, event.name);
                if (room.name === state.current)
                    notice(room.name, t('renamedNotice', String(event.old || ''), event.name));
            }
            renderMembers();
        });

        socket.on('typing', (event) => {
            if (!event || typeof event.room !== 'string' || typeof event.sid !== 'string'
                || typeof event.name !== 'string' || event.sid === state.sid) return;
            const room = state.rooms.get(event.room);
            if (!room) return;
            const old = room.typing.get(event.sid);
            if (old) clearTimeout(old.timer);
            if (event.typing === true) {
                const timer = setTimeout(() => {
                    room.typing.delete(event.sid);
                    if (room.name === state.current) renderTyping();
                }, TYPING_SHOWN_MS);
                room.typing.set(event.sid, { name: event.name, timer });
            } else {
                room.typing.delete(event.sid);
            }
            if (event.room === state.current) renderTyping();
        });

        socket.on('room', (event) => {
            if (!event || typeof event.name !== 'string' || !Number.isSafeInteger(event.members)) return;
            if (event.members > 0 || state.rooms.has(event.name)) {
                if (state.counts.size < MAX_LISTED_ROOMS || state.counts.has(event.name))
                    state.counts.set(event.name, event.members);
            } else {
                state.counts.delete(event.name);
            }
            renderRooms();
        });
    }

    // ---- Screens ----
    function showLogin(error, askPassword) {
        $('chat').hidden = true;
        $('login').hidden = false;
        $('login-name').value = state.name || storage('confab.name') || '';
        $('login-room').value = state.wanted || 'lobby';
        $('password-row').hidden = !askPassword;
        showError($('login-error'), error || '');
        const focus = askPassword ? $('login-password') : ($('login-name').value ? $('login-room') : $('login-name'));
        focus.focus();
    }

    function showChat() {
        $('login').hidden = true;
        $('chat').hidden = false;
    }

    function start() {
        translatePage();
        const params = new URLSearchParams(location.search);
        const name = (params.get('name') || '').trim().slice(0, 32);
        state.wanted = (params.get('room') || '').trim().slice(0, 64) || 'lobby';

        $('login-form').addEventListener('submit', (event) => {
            event.preventDefault();
            state.name = $('login-name').value.trim();
            state.wanted = $('login-room').value.trim() || 'lobby';
            state.password = $('login-password').value;
            if (!state.name) return;
            showError($('login-error'), '');
            connect();
        });
        $('composer').addEventListener('submit', (event) => {
            event.preventDefault();
            const input = $('composer-input');
            const text = input.value.trim();
            if (!text || !state.current) return;
            input.value = '';
            input.style.height = '';
            setTyping(false);
            sendMessage(state.current, text);
            scrollToBottom();
        });
        $('composer-input').addEventListener('keydown', (event) => {
            // Enter sends, Shift+Enter makes a new line (not while an IME composes).
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                $('composer').requestSubmit();
            }
        });
        $('composer-input').addEventListener('input', () => {
            const input = $('composer-input');
            // Grow with the text up to the style's max-height (CSSOM, which the CSP allows).
            input.style.height = 'auto';
            input.style.height = `${input.scrollHeight + 2}px`;
            setTyping(input.value.length > 0);
        });
        $('join-form').addEventListener('submit', (event) => {
            event.preventDefault();
            const input = $('join-input');
            joinRoom(input.value, true);
            input.value = '';
        });
        $('rename-form').addEventListener('submit', (event) => {
            event.preventDefault();
            const wanted = $('rename-input').value.trim();
            if (!wanted || wanted === state.name || !state.socket) return;
            state.socket.timeout(ACK_TIMEOUT_MS).emit('rename', { name: wanted }, (err, ack) => {
                if (!err && ack && ack.ok && typeof ack.name === 'string') {
                    state.name = ack.name;
                    storage('confab.name', state.name);
                    storeLocation();
                    showError($('side-error'), '');
                } else {
                    showError($('side-error'), t('refused', err ? t('noAnswer') : String(ack && ack.error)));
                }
                $('rename-input').value = state.name;
            });
        });
        $('toggle-side').addEventListener('click',
            () => setSide(!$('chat').classList.contains('side-open')));
        messagesBox.addEventListener('scroll', () => {
            const room = state.rooms.get(state.current);
            if (room && messagesBox.scrollTop < 60) loadOlder(room);
        }, { passive: true });

        if (name) { // a deep link: join with no click
            state.name = name;
            connect();
        } else {
            showLogin('', false);
        }
    }

    start();
})();
