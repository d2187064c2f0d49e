// SPDX-License-Identifier: MIT
#include "walbuffervfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace Confab {

namespace {

//! Writes beyond this many bytes go out even before the sync: a bound on the memory held.
constexpr sqlite3_int64 MaxBuffered = 8 << 20;
//! The most the unix VFS writes in one call (it masks the length with 0x1ffff and reports a
//! short write as a full disk), rounded down to whole 4 KiB.
constexpr sqlite3_int64 MaxWrite = 0x1f000;

sqlite3_vfs *baseVfs(sqlite3_vfs *vfs)
{
    return static_cast<sqlite3_vfs *>(vfs->pAppData);
}

//! A write-ahead log: the default VFS's file (right after this struct, in the same block
//! SQLite allocates) and the consecutive writes not yet passed on to it.
struct alignas(8) WalFile
{
    sqlite3_file base;
    sqlite3_file *real;
    char *data;
    sqlite3_int64 start; //!< file offset of data[0]
    sqlite3_int64 size;
    sqlite3_int64 capacity;
};

WalFile *walFile(sqlite3_file *file)
{
    return reinterpret_cast<WalFile *>(file);
}

const sqlite3_io_methods *realMethods(WalFile *f)
{
    return f->real->pMethods;
}

//! Passes the buffered bytes on as one write; the buffer is empty afterwards either way (on
//! failure SQLite rolls the transaction back, and frames past the last commit are ignored).
int flush(WalFile *f)
{
    int rc = SQLITE_OK;
    for (sqlite3_int64 done = 0; rc == SQLITE_OK && done < f->size; done += MaxWrite) {
        const int amount = int(std::min(MaxWrite, f->size - done));
        rc = realMethods(f)->xWrite(f->real, f->data + done, amount, f->start + done);
    }
    f->size = 0;
    return rc;
}

int walClose(sqlite3_file *file)
{
    WalFile *f = walFile(file);
    const int flushed = flush(f);
    const int closed = realMethods(f)->xClose(f->real);
    std::free(f->data);
    f->data = nullptr;
    f->capacity = 0;
    return flushed != SQLITE_OK ? flushed : closed;
}

int walRead(sqlite3_file *file, void *out, int amount, sqlite3_int64 offset)
{
    WalFile *f = walFile(file);
    if (const int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return realMethods(f)->xRead(f->real, out, amount, offset);
}

int walWrite(sqlite3_file *file, const void *in, int amount, sqlite3_int64 offset)
{
    WalFile *f = walFile(file);
    const bool follows = f->size > 0 && offset == f->start + f->size;
    if (!follows || f->size + amount > MaxBuffered) {
        // Not the next bytes (SQLite rewrites a frame, or a new log starts): what is held goes
        // out first, so the later write still lands last.
        if (const int rc = flush(f); rc != SQLITE_OK)
            return rc;
        if (amount > MaxBuffered)
            return realMethods(f)->xWrite(f->real, in, amount, offset);
        f->start = offset;
    }
    if (f->size + amount > f->capacity) {
        const sqlite3_int64 capacity
                = std::min(MaxBuffered, std::max<sqlite3_int64>(2 * f->capacity, 64 * 1024));
        char *data = static_cast<char *>(std::realloc(f->data, size_t(capacity)));
        if (!data) {
            if (const int rc = flush(f); rc != SQLITE_OK)
                return rc;
            return realMethods(f)->xWrite(f->real, in, amount, offset);
        }
        f->data = data;
        f->capacity = capacity;
    }
    std::memcpy(f->data + f->size, in, size_t(amount));
    f->size += amount;
    return SQLITE_OK;
}

int walTruncate(sqlite3_file *file, sqlite3_int64 size)
{
    WalFile *f = walFile(file);
    if (const int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return realMethods(f)->xTruncate(f->real, size);
}

int walSync(sqlite3_file *file, int flags)
{
    WalFile *f = walFile(file);
    if (const int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return realMethods(f)->xSync(f->real, flags);
}

int walFileSize(sqlite3_file *file, sqlite3_int64 *size)
{
    WalFile *f = walFile(file);
    if (const int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return realMethods(f)->xFileSize(f->real, size);
}

int walLock(sqlite3_file *file, int level)
{
    WalFile *f = walFile(file);
    return realMethods(f)->xLock(f->real, level);
}

int walUnlock(sqlite3_file *file, int level)
{
    WalFile *f = walFile(file);
    return realMethods(f)->xUnlock(f->real, level);
}

int walCheckReservedLock(sqlite3_file *file, int *out)
{
    WalFile *f = walFile(file);
    return realMethods(f)->xCheckReservedLock(f->real, out);
}

int walFileControl(sqlite3_file *file, int op, void *arg)
{
    // Whatever the operation looks at (size hints, persistence), it sees the file as written.
    WalFile *f = walFile(file);
    if (const int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return realMethods(f)->xFileControl(f->real, op, arg);
}

int walSectorSize(sqlite3_file *file)
{
    WalFile *f = walFile(file);
    return realMethods(f)->xSectorSize(f->real);
}

int walDeviceCharacteristics(sqlite3_file *file)
{
    WalFile *f = walFile(file);
    return realMethods(f)->xDeviceCharacteristics(f->real);
}

int walShmMap(sqlite3_file *file, int region, int size, int extend, void volatile **out)
{
    WalFile *f = walFile(file);
    if (realMethods(f)->iVersion < 2)
        return SQLITE_IOERR_SHMMAP;
    return realMethods(f)->xShmMap(f->real, region, size, extend, out);
}

int walShmLock(sqlite3_file *file, int offset, int n, int flags)
{
    WalFile *f = walFile(file);
    if (realMethods(f)->iVersion < 2)
        return SQLITE_IOERR_SHMLOCK;
    return realMethods(f)->xShmLock(f->real, offset, n, flags);
}

void walShmBarrier(sqlite3_file *file)
{
    WalFile *f = walFile(file);
    if (realMethods(f)->iVersion >= 2)
        realMethods(f)->xShmBarrier(f->real);
}

int walShmUnmap(sqlite3_file *file, int deleteFlag)
{
    WalFile *f = walFile(file);
    if (realMethods(f)->iVersion < 2)
        return SQLITE_OK;
    return realMethods(f)->xShmUnmap(f->real, deleteFlag);
}

int walFetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **out)
{
    WalFile *f = walFile(file);
    *out = nullptr; // "no mapping": SQLite then reads
    if (realMethods(f)->iVersion < 3)
        return SQLITE_OK;
    if (const int rc = flush(f); rc != SQLITE_OK)
        return rc;
    return realMethods(f)->xFetch(f->real, offset, amount, out);
}

int walUnfetch(sqlite3_file *file, sqlite3_int64 offset, void *page)
{
    WalFile *f = walFile(file);
    if (realMethods(f)->iVersion < 3)
        return SQLITE_OK;
    return realMethods(f)->xUnfetch(f->real, offset, page);
}

const sqlite3_io_methods WalMethods = {
        3,
        walClose,
        walRead,
        walWrite,
        walTruncate,
        walSync,
        walFileSize,
        walLock,
        walUnlock,
        walCheckReservedLock,
        walFileControl,
        walSectorSize,
        walDeviceCharacteristics,
        walShmMap,
        walShmLock,
        walShmBarrier,
        walShmUnmap,
        walFetch,
        walUnfetch,
};

int vfsOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *outFlags)
{
    sqlite3_vfs *base = baseVfs(vfs);
    if (!(flags & SQLITE_OPEN_WAL))
        return base->xOpen(base, name, file, flags, outFlags); // the default VFS's own file
    WalFile *f = walFile(file);
    std::memset(f, 0, sizeof(WalFile));
    f->real = reinterpret_cast<sqlite3_file *>(f + 1);
    const int rc = base->xOpen(base, name, f->real, flags, outFlags);
    if (rc != SQLITE_OK) {
        if (f->real->pMethods)
            f->real->pMethods->xClose(f->real);
        f->base.pMethods = nullptr; // SQLite does not close a file that failed to open
        return rc;
    }
    f->base.pMethods = &WalMethods;
    return SQLITE_OK;
}

// The rest is the default VFS's, called with its own struct.
int vfsDelete(sqlite3_vfs *vfs, const char *name, int syncDir)
{
    return baseVfs(vfs)->xDelete(baseVfs(vfs), name, syncDir);
}
int vfsAccess(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    return baseVfs(vfs)->xAccess(baseVfs(vfs), name, flags, out);
}
int vfsFullPathname(sqlite3_vfs *vfs, const char *name, int size, char *out)
{
    return baseVfs(vfs)->xFullPathname(baseVfs(vfs), name, size, out);
}
void *vfsDlOpen(sqlite3_vfs *vfs, const char *name)
{
    return baseVfs(vfs)->xDlOpen(baseVfs(vfs), name);
}
void vfsDlError(sqlite3_vfs *vfs, int size, char *out)
{
    baseVfs(vfs)->xDlError(baseVfs(vfs), size, out);
}
void (*vfsDlSym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void)
{
    return baseVfs(vfs)->xDlSym(baseVfs(vfs), handle, symbol);
}
void vfsDlClose(sqlite3_vfs *vfs, void *handle)
{
    baseVfs(vfs)->xDlClose(baseVfs(vfs), handle);
}
int vfsRandomness(sqlite3_vfs *vfs, int size, char *out)
{
    return baseVfs(vfs)->xRandomness(baseVfs(vfs), size, out);
}
int vfsSleep(sqlite3_vfs *vfs, int microseconds)
{
    return baseVfs(vfs)->xSleep(baseVfs(vfs), microseconds);
}
int vfsCurrentTime(sqlite3_vfs *vfs, double *out)
{
    return baseVfs(vfs)->xCurrentTime(baseVfs(vfs), out);
}
int vfsGetLastError(sqlite3_vfs *vfs, int size, char *out)
{
    return baseVfs(vfs)->xGetLastError(baseVfs(vfs), size, out);
}
int vfsCurrentTimeInt64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    sqlite3_vfs *base = baseVfs(vfs);
    if (base->iVersion >= 2 && base->xCurrentTimeInt64)
        return base->xCurrentTimeInt64(base, out);
    double days = 0;
    const int rc = base->xCurrentTime(base, &days);
    *out = sqlite3_int64(days * 86400000.0);
    return rc;
}

sqlite3_vfs *registerVfs()
{
    sqlite3_vfs *base = sqlite3_vfs_find(nullptr);
    if (!base)
        return nullptr;
    static sqlite3_vfs vfs = {};
    vfs.iVersion = 2;
    // Rounded up so that the default VFS's struct after ours stays 8-byte aligned.
    vfs.szOsFile = int(sizeof(WalFile)) + ((base->szOsFile + 7) & ~7);
    vfs.mxPathname = base->mxPathname;
    vfs.zName = "confab-walbuffer";
    vfs.pAppData = base;
    vfs.xOpen = vfsOpen;
    vfs.xDelete = vfsDelete;
    vfs.xAccess = vfsAccess;
    vfs.xFullPathname = vfsFullPathname;
    vfs.xDlOpen = vfsDlOpen;
    vfs.xDlError = vfsDlError;
    vfs.xDlSym = vfsDlSym;
    vfs.xDlClose = vfsDlClose;
    vfs.xRandomness = vfsRandomness;
    vfs.xSleep = vfsSleep;
    vfs.xCurrentTime = vfsCurrentTime;
    vfs.xGetLastError = vfsGetLastError;
    vfs.xCurrentTimeInt64 = vfsCurrentTimeInt64;
    return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK ? &vfs : nullptr;
}

} // namespace

const char *walBufferVfsName()
{
    static sqlite3_vfs *const vfs = registerVfs(); // once, thread-safe
    return vfs ? vfs->zName : nullptr;
}

} // namespace Confab
