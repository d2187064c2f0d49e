// SPDX-License-Identifier: MIT
#pragma once

namespace Confab {

//! \brief The name of a SQLite VFS that wraps the default one and gathers the writes to a
//! write-ahead log until the log is synced, read, resized or closed, to pass them to the OS in
//! one call.
//!
//! SQLite writes every frame of a commit with two calls (its header, then its page), and a
//! grouped commit of a few hundred messages writes hundreds of frames: the system calls cost
//! more than everything else the writer does. The frames are consecutive in the file, so they
//! go out as one write just before the sync that SQLite issues at commit; what a commit
//! returns after is on disk exactly as before. Files other than write-ahead logs are the
//! default VFS's own, untouched.
//!
//! Only for connections with synchronous=FULL (or EXTRA) in WAL mode: there every commit
//! syncs the log, so no other connection can see a frame that is still in the buffer. With
//! NORMAL or OFF a commit would end with its frames still held here.
//!
//! Registered (not as the default) on the first call; returns nullptr if that failed.
const char *walBufferVfsName();

} // namespace Confab
