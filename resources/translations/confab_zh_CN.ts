<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Announcer</name>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message numerus="yes">
        <source>%n new messages, the last from %1: %2</source>
        <translation>
            <numerusform>%n 条新消息，最后一条来自 %1：%2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ChatPage</name>
    <message>
        <source>Hosting as %1</source>
        <translation>正在以 %1 的身份主持</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%2 上的 %1</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>事件检查器</translation>
    </message>
    <message>
        <source>Sids (%1)</source>
        <translation>Sid（%1）</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Stop hosting</source>
        <translation>停止主持</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>No room</source>
        <translation>未进入房间</translation>
    </message>
    <message>
        <source>Views</source>
        <translation>视图</translation>
    </message>
    <message>
        <source>Shortcut: %1</source>
        <translation>快捷键：%1</translation>
    </message>
    <message>
        <source>Connected sids: %1</source>
        <translation>已连接的 sid：%1</translation>
    </message>
    <message>
        <source>Who is connected (%1)</source>
        <translation>谁已连接（%1）</translation>
    </message>
    <message>
        <source>Language, theme and keyboard shortcuts (%1)</source>
        <translation>语言、主题和键盘快捷键（%1）</translation>
    </message>
    <message>
        <source>Rooms and messages</source>
        <translation>房间和消息</translation>
    </message>
    <message>
        <source>Message to %1</source>
        <translation>发送到 %1 的消息</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message — Enter sends, Shift+Enter for a new line</source>
        <translation>输入消息 — Enter 发送，Shift+Enter 换行</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>Confab::App::ChatInspector</name>
    <message>
        <source>An event needs a name</source>
        <translation>事件需要名称</translation>
    </message>
    <message>
        <source>The arguments are not valid JSON: %1</source>
        <translation>参数不是有效的 JSON：%1</translation>
    </message>
    <message>
        <source>Waiting for the ack…</source>
        <translation>正在等待确认（ack）…</translation>
    </message>
</context>
<context>
    <name>Confab::App::ChatRoomState</name>
    <message>
        <source>%1 is typing…</source>
        <translation>%1 正在输入…</translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation>%1 和 %2 正在输入…</translation>
    </message>
    <message numerus="yes">
        <source>%n people are typing…</source>
        <translation>
            <numerusform>%n 人正在输入…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Confab::App::ChatSession</name>
    <message>
        <source>The server refused the connection: %1</source>
        <translation>服务器拒绝了连接：%1</translation>
    </message>
    <message>
        <source>Could not reach %1: %2</source>
        <translation>无法连接到 %1：%2</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>已被拒绝：%1</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>已断开连接</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>正在重新连接…</translation>
    </message>
    <message>
        <source>Reconnecting in %1 s</source>
        <translation>%1 秒后重新连接</translation>
    </message>
    <message>
        <source>%1 is not a port number</source>
        <translation>%1 不是有效的端口号</translation>
    </message>
    <message>
        <source>Could not start the host: %1</source>
        <translation>无法启动主机：%1</translation>
    </message>
    <message>
        <source>“%1” is not a server address</source>
        <translation>“%1”不是有效的服务器地址</translation>
    </message>
    <message>
        <source>Only the host can disconnect others</source>
        <translation>只有主持人才能断开其他人的连接</translation>
    </message>
</context>
<context>
    <name>Confab::App::DesktopNotifier</name>
    <message>
        <source>%1 in %2</source>
        <translation>%1 在 %2</translation>
    </message>
</context>
<context>
    <name>Confab::App::EventLogModel</name>
    <message numerus="yes">
        <source>… (%n more characters)</source>
        <extracomment>The end of an event&apos;s arguments too long to keep in the inspector&apos;s log</extracomment>
        <translation>
            <numerusform>…（还有 %n 个字符）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Confab::App::FreedesktopNotificationBackend</name>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
</context>
<context>
    <name>Confab::App::TrayIcon</name>
    <message>
        <source>Confab</source>
        <translation>Confab</translation>
    </message>
    <message numerus="yes">
        <source>Confab — %n unread message(s)</source>
        <translation>
            <numerusform>Confab — %n 条未读消息</numerusform>
        </translation>
    </message>
    <message>
        <source>Hide Confab</source>
        <translation>隐藏 Confab</translation>
    </message>
    <message>
        <source>Show Confab</source>
        <translation>显示 Confab</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>Confab::Discovery</name>
    <message>
        <source>this platform has no DNS-SD support in Confab yet</source>
        <translation>Confab 尚不支持此平台上的 DNS-SD</translation>
    </message>
</context>
<context>
    <name>Confab::Discovery::AvahiAnnouncer</name>
    <message>
        <source>the Avahi daemon stopped</source>
        <translation>Avahi 守护进程已停止</translation>
    </message>
    <message>
        <source>no system D-Bus (%1)</source>
        <translation>没有系统 D-Bus（%1）</translation>
    </message>
    <message>
        <source>Avahi: %1</source>
        <translation>Avahi：%1</translation>
    </message>
    <message>
        <source>the name is taken on the network</source>
        <translation>该名称已被网络上的其他主机使用</translation>
    </message>
</context>
<context>
    <name>Confab::Discovery::AvahiBrowser</name>
    <message>
        <source>the Avahi daemon is not running (install and start avahi-daemon)</source>
        <translation>Avahi 守护进程未运行（请安装并启动 avahi-daemon）</translation>
    </message>
    <message>
        <source>the Avahi daemon does not answer</source>
        <translation>Avahi 守护进程没有响应</translation>
    </message>
    <message>
        <source>Avahi: %1</source>
        <translation>Avahi：%1</translation>
    </message>
    <message>
        <source>the Avahi daemon stopped</source>
        <translation>Avahi 守护进程已停止</translation>
    </message>
    <message>
        <source>no system D-Bus (%1)</source>
        <translation>没有系统 D-Bus（%1）</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>Dismiss the error</source>
        <translation>关闭错误提示</translation>
    </message>
</context>
<context>
    <name>InspectorView</name>
    <message>
        <source>Filter by event, namespace or arguments</source>
        <translation>按事件、命名空间或参数筛选</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Emit an event</source>
        <translation>发送事件</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Arguments (JSON, comma-separated)</source>
        <translation>参数（JSON，以逗号分隔）</translation>
    </message>
    <message>
        <source>Ask for an ack</source>
        <translation>请求确认（ack）</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>Emit</source>
        <translation>发送</translation>
    </message>
    <message numerus="yes">
        <source>%n events</source>
        <translation>
            <numerusform>%n 个事件</numerusform>
        </translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>事件检查器</translation>
    </message>
    <message>
        <source>Filter events</source>
        <translation>筛选事件</translation>
    </message>
    <message>
        <source>Clear the event log</source>
        <translation>清空事件日志</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>%1 %2 at %3: %4</source>
        <translation>%3 %1 %2：%4</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>收到</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>发出</translation>
    </message>
    <message>
        <source>Ack</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Reply: %1</source>
        <translation>回复：%1</translation>
    </message>
    <message>
        <source>Emit the event</source>
        <translation>发送该事件</translation>
    </message>
</context>
<context>
    <name>JoinBanner</name>
    <message>
        <source>Others join at</source>
        <translation>其他人可通过以下地址加入</translation>
    </message>
    <message>
        <source>Hide QR code</source>
        <translation>隐藏二维码</translation>
    </message>
    <message>
        <source>Show QR code</source>
        <translation>显示二维码</translation>
    </message>
    <message>
        <source>A code a phone on the same network scans to open the web chat</source>
        <translation>同一网络中的手机扫描此码即可打开网页聊天</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy %1</source>
        <translation>复制 %1</translation>
    </message>
    <message>
        <source>QR</source>
        <translation>二维码</translation>
    </message>
    <message>
        <source>Show %1 as a QR code</source>
        <translation>将 %1 显示为二维码</translation>
    </message>
    <message>
        <source>QR code of %1</source>
        <translation>%1 的二维码</translation>
    </message>
    <message>
        <source>Scan with a phone on the same network</source>
        <translation>用同一网络中的手机扫描</translation>
    </message>
    <message>
        <source>Others join at %1</source>
        <translation>其他人可通过 %1 加入</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Confab</source>
        <translation>Confab</translation>
    </message>
    <message>
        <source>Confab — %1</source>
        <translation>Confab — %1</translation>
    </message>
    <message>
        <source>(%1) %2</source>
        <translation>(%1) %2</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>You</source>
        <translation>我</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>未发送：%1</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>You, %1: %2</source>
        <translation>我，%1：%2</translation>
    </message>
    <message>
        <source>%1, %2: %3</source>
        <translation>%1，%2：%3</translation>
    </message>
    <message>
        <source>(sending)</source>
        <translation>（正在发送）</translation>
    </message>
    <message>
        <source>(not sent: %1)</source>
        <translation>（未发送：%1）</translation>
    </message>
    <message>
        <source>Retry sending</source>
        <translation>重新发送</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Loading older messages…</source>
        <translation>正在加载更早的消息…</translation>
    </message>
    <message>
        <source>No messages yet. Say hello!</source>
        <translation>还没有消息，来打个招呼吧！</translation>
    </message>
    <message>
        <source>This is the start of #%1</source>
        <translation>这里是 #%1 的开头</translation>
    </message>
    <message>
        <source>Messages in %1</source>
        <translation>%1 中的消息</translation>
    </message>
</context>
<context>
    <name>RoomList</name>
    <message>
        <source>ROOMS</source>
        <translation>房间</translation>
    </message>
    <message>
        <source>Leave %1</source>
        <translation>离开 %1</translation>
    </message>
    <message>
        <source>Room name</source>
        <translation>房间名称</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>加入</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>房间</translation>
    </message>
    <message>
        <source>Room %1</source>
        <translation>房间 %1</translation>
    </message>
    <message>
        <source>current</source>
        <translation>当前房间</translation>
    </message>
    <message>
        <source>joined</source>
        <translation>已加入</translation>
    </message>
    <message>
        <source>not joined</source>
        <translation>未加入</translation>
    </message>
    <message numerus="yes">
        <source>%n member(s)</source>
        <translation>
            <numerusform>%n 位成员</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n 条未读</numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <comment>between the parts of a spoken row</comment>
        <translation>，</translation>
    </message>
    <message>
        <source>Shortcut: %1</source>
        <translation>快捷键：%1</translation>
    </message>
    <message>
        <source>Room to join</source>
        <translation>要加入的房间</translation>
    </message>
    <message>
        <source>Join the room</source>
        <translation>加入该房间</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统语言</translation>
    </message>
    <message>
        <source>%1 theme</source>
        <translation>%1主题</translation>
    </message>
    <message>
        <source>Keyboard shortcuts (%1)</source>
        <translation>键盘快捷键（%1）</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Shortcut: %1</source>
        <translation>快捷键：%1</translation>
    </message>
    <message>
        <source>Close the settings</source>
        <translation>关闭设置</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Next room</source>
        <translation>下一个房间</translation>
    </message>
    <message>
        <source>Previous room</source>
        <translation>上一个房间</translation>
    </message>
    <message>
        <source>Write a message (focus the message field)</source>
        <translation>写消息（聚焦到消息输入框）</translation>
    </message>
    <message>
        <source>Join a room by name</source>
        <translation>按名称加入房间</translation>
    </message>
    <message>
        <source>Leave the current room</source>
        <translation>离开当前房间</translation>
    </message>
    <message>
        <source>Show the connected sids</source>
        <translation>显示已连接的 sid</translation>
    </message>
    <message>
        <source>Switch between the chat and the inspector</source>
        <translation>在聊天和事件检查器之间切换</translation>
    </message>
    <message>
        <source>Back to the chat</source>
        <translation>回到聊天</translation>
    </message>
    <message>
        <source>Filter the inspector&apos;s events</source>
        <translation>筛选事件检查器中的事件</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Next / previous control, also out of the message field</source>
        <translation>下一个 / 上一个控件，也可离开消息输入框</translation>
    </message>
    <message>
        <source>A tab character in the message field</source>
        <translation>在消息输入框中输入制表符</translation>
    </message>
    <message>
        <source>A new line in the message field</source>
        <translation>在消息输入框中换行</translation>
    </message>
    <message>
        <source>From the message field: scroll the messages</source>
        <translation>在消息输入框中：滚动消息列表</translation>
    </message>
    <message>
        <source>Close the open panel or dialog; from the inspector, back to the chat</source>
        <translation>关闭打开的面板或对话框；在事件检查器中则回到聊天</translation>
    </message>
    <message>
        <source>This list</source>
        <translation>本列表</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close the list of shortcuts</source>
        <translation>关闭快捷键列表</translation>
    </message>
    <message>
        <source>From the message field to the messages, then one message at a time</source>
        <translation>从消息输入框到消息列表，然后逐条浏览</translation>
    </message>
    <message>
        <source>On a message: copy its text</source>
        <translation>在消息上：复制其文字</translation>
    </message>
</context>
<context>
    <name>SidPanel</name>
    <message>
        <source>Connected sids (%1)</source>
        <translation>已连接的 sid（%1）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <source>  · you</source>
        <translation>  · 我</translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>%1 起在线</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>所在房间：%1</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>Connected sids</source>
        <translation>已连接的 sid</translation>
    </message>
    <message>
        <source>Refresh the list of sids</source>
        <translation>刷新 sid 列表</translation>
    </message>
    <message>
        <source> (you)</source>
        <translation>（我）</translation>
    </message>
    <message>
        <source>in no room</source>
        <translation>不在任何房间</translation>
    </message>
    <message>
        <source>, </source>
        <comment>between the parts of a spoken row</comment>
        <translation>，</translation>
    </message>
    <message>
        <source>sid %1</source>
        <translation>sid %1</translation>
    </message>
    <message>
        <source>Disconnect %1</source>
        <translation>断开 %1 的连接</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Chat with the people on your network, or look inside any Socket.IO server.</source>
        <translation>与同一网络中的人聊天，或查看任意 Socket.IO 服务器的内部情况。</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>你的名字</translation>
    </message>
    <message>
        <source>e.g. Alice</source>
        <translation>例如：小明</translation>
    </message>
    <message>
        <source>Host a chat on this network</source>
        <translation>在本网络上主持聊天</translation>
    </message>
    <message>
        <source>Starts a Confab host on this computer. Anyone on your network can join it from Confab, a browser app or any Socket.IO client.</source>
        <translation>在这台电脑上启动 Confab 主机。同一网络中的任何人都可以通过 Confab、浏览器应用或任意 Socket.IO 客户端加入。</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>开始主持</translation>
    </message>
    <message>
        <source>Join a server</source>
        <translation>加入服务器</translation>
    </message>
    <message>
        <source>Another Confab host, or any Socket.IO v4 server.</source>
        <translation>其他 Confab 主机，或任意 Socket.IO v4 服务器。</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>if the host asks for one</source>
        <translation>主机要求时填写</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>加入</translation>
    </message>
    <message>
        <source>Looking for hosts on your network…</source>
        <translation>正在查找网络中的 Confab 主机…</translation>
    </message>
    <message>
        <source>Discovery is off: %1</source>
        <translation>发现功能已关闭：%1</translation>
    </message>
    <message>
        <source>Hosts on your network</source>
        <translation>网络中的 Confab 主机</translation>
    </message>
    <message>
        <source>Join %1 at %2 (asks for a password)</source>
        <translation>加入 %1（%2，需要密码）</translation>
    </message>
    <message>
        <source>Join %1 at %2</source>
        <translation>加入 %1（%2）</translation>
    </message>
    <message>
        <source>On your network</source>
        <translation>网络中的主机</translation>
    </message>
    <message>
        <source>Announce it on this network, so that others find it</source>
        <translation>在本网络上公布，方便他人找到</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Shortcut: %1</source>
        <translation>快捷键：%1</translation>
    </message>
    <message>
        <source>%1 for hosting</source>
        <translation>主持用的%1</translation>
    </message>
    <message>
        <source>Host a chat</source>
        <translation>主持聊天</translation>
    </message>
    <message>
        <source>The server&apos;s address, or one used before</source>
        <translation>服务器地址，或以前用过的地址</translation>
    </message>
    <message>
        <source>%1 for joining</source>
        <translation>加入用的%1</translation>
    </message>
    <message>
        <source>Join the server</source>
        <translation>加入该服务器</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Host or join a Socket.IO chat.</source>
        <translation>主持或加入 Socket.IO 聊天。</translation>
    </message>
    <message>
        <source>Start hosting a chat right away.</source>
        <translation>启动后立即开始主持聊天。</translation>
    </message>
    <message>
        <source>Join the server at &lt;url&gt; right away.</source>
        <translation>启动后立即加入位于 &lt;url&gt; 的服务器。</translation>
    </message>
    <message>
        <source>Port to host on (default 3000, the next free one if taken; 0: any).</source>
        <translation>主持所用的端口（默认 3000，被占用时使用下一个空闲端口；0 表示任意端口）。</translation>
    </message>
    <message>
        <source>The name to chat as.</source>
        <translation>聊天时使用的名字。</translation>
    </message>
    <message>
        <source>Password the host asks for, or to give when joining.</source>
        <translation>主持时要求的密码，或加入时提供的密码。</translation>
    </message>
    <message>
        <source>Address to host on (default: all of this computer&apos;s addresses).</source>
        <translation>主持所用的地址（默认：本机的所有地址）。</translation>
    </message>
    <message>
        <source>Folder for the host&apos;s messages, or :memory: to keep none.</source>
        <translation>主机保存消息的文件夹；:memory: 表示不保存。</translation>
    </message>
</context>
</TS>
