<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Announcer</name>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n new messages, the last from %1: %2</source>
        <translation>
            <numerusform>%n new message, from %1: %2</numerusform>
            <numerusform>%n new messages, the last from %1: %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ChatPage</name>
    <message>
        <source>Hosting as %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sids (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop hosting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Views</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shortcut: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected sids: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who is connected (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language, theme and keyboard shortcuts (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rooms and messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message — Enter sends, Shift+Enter for a new line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Confab::App::ChatInspector</name>
    <message>
        <source>An event needs a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The arguments are not valid JSON: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for the ack…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Confab::App::ChatRoomState</name>
    <message>
        <source>%1 is typing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n people are typing…</source>
        <translation>
            <numerusform>%n person is typing…</numerusform>
            <numerusform>%n people are typing…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Confab::App::ChatSession</name>
    <message>
        <source>The server refused the connection: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not reach %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting in %1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a port number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not start the host: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only the host can disconnect others</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Confab::App::DesktopNotifier</name>
    <message>
        <source>%1 in %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Confab::App::EventLogModel</name>
    <message numerus="yes">
        <source>… (%n more characters)</source>
        <extracomment>The end of an event&apos;s arguments too long to keep in the inspector&apos;s log</extracomment>
        <translation>
            <numerusform>… (%n more character)</numerusform>
            <numerusform>… (%n more characters)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Confab::App::FreedesktopNotificationBackend</name>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Confab::App::TrayIcon</name>
    <message>
        <source>Confab</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Confab — %n unread message(s)</source>
        <translation>
            <numerusform>Confab — %n unread message</numerusform>
            <numerusform>Confab — %n unread messages</numerusform>
        </translation>
    </message>
    <message>
        <source>Hide Confab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Confab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Confab::Discovery</name>
    <message>
        <source>this platform has no DNS-SD support in Confab yet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Confab::Discovery::AvahiAnnouncer</name>
    <message>
        <source>the Avahi daemon stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no system D-Bus (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Avahi: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the name is taken on the network</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Confab::Discovery::AvahiBrowser</name>
    <message>
        <source>the Avahi daemon is not running (install and start avahi-daemon)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the Avahi daemon does not answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Avahi: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the Avahi daemon stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no system D-Bus (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss the error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InspectorView</name>
    <message>
        <source>Filter by event, namespace or arguments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Emit an event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Arguments (JSON, comma-separated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask for an ack</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Emit</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n events</source>
        <translation>
            <numerusform>%n event</numerusform>
            <numerusform>%n events</numerusform>
        </translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear the event log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2 at %3: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ack</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Emit the event</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JoinBanner</name>
    <message>
        <source>Others join at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide QR code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show QR code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A code a phone on the same network scans to open the web chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>QR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show %1 as a QR code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>QR code of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan with a phone on the same network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Others join at %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Confab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confab — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(%1) %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You, %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(sending)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(not sent: %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry sending</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Loading older messages…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No messages yet. Say hello!</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is the start of #%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages in %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RoomList</name>
    <message>
        <source>ROOMS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Room name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Room %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>current</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>joined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not joined</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n member(s)</source>
        <translation>
            <numerusform>%n member</numerusform>
            <numerusform>%n members</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n unread</numerusform>
            <numerusform>%n unread</numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <comment>between the parts of a spoken row</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shortcut: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Room to join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join the room</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyboard shortcuts (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shortcut: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the settings</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write a message (focus the message field)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join a room by name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave the current room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the connected sids</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch between the chat and the inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to the chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter the inspector&apos;s events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next / previous control, also out of the message field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A tab character in the message field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new line in the message field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From the message field: scroll the messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the open panel or dialog; from the inspector, back to the chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the list of shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From the message field to the messages, then one message at a time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On a message: copy its text</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SidPanel</name>
    <message>
        <source>Connected sids (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  · you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>since %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected sids</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh the list of sids</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (you)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in no room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, </source>
        <comment>between the parts of a spoken row</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sid %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnect %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat with the people on your network, or look inside any Socket.IO server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Alice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host a chat on this network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starts a Confab host on this computer. Anyone on your network can join it from Confab, a browser app or any Socket.IO client.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join a server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another Confab host, or any Socket.IO v4 server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>if the host asks for one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking for hosts on your network…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discovery is off: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hosts on your network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join %1 at %2 (asks for a password)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join %1 at %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On your network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Announce it on this network, so that others find it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shortcut: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 for hosting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host a chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s address, or one used before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 for joining</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join the server</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Host or join a Socket.IO chat.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start hosting a chat right away.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Join the server at &lt;url&gt; right away.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port to host on (default 3000, the next free one if taken; 0: any).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The name to chat as.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password the host asks for, or to give when joining.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address to host on (default: all of this computer&apos;s addresses).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder for the host&apos;s messages, or :memory: to keep none.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
