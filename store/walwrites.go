//go:build cgo

package store

/*
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// The few declarations of sqlite3.h this file needs; their layout is
// SQLite's stable ABI. The library is the driver's, linked into the same
// binary; its functions are weak references, checked before use.
typedef long long sqlite3_int64;
typedef struct sqlite3_file sqlite3_file;
typedef struct sqlite3_io_methods sqlite3_io_methods;
typedef struct sqlite3_vfs sqlite3_vfs;
struct sqlite3_file { const sqlite3_io_methods *pMethods; };
struct sqlite3_io_methods {
	int iVersion;
	int (*xClose)(sqlite3_file*);
	int (*xRead)(sqlite3_file*, void*, int, sqlite3_int64);
	int (*xWrite)(sqlite3_file*, const void*, int, sqlite3_int64);
	int (*xTruncate)(sqlite3_file*, sqlite3_int64);
	int (*xSync)(sqlite3_file*, int);
	int (*xFileSize)(sqlite3_file*, sqlite3_int64*);
	int (*xLock)(sqlite3_file*, int);
	int (*xUnlock)(sqlite3_file*, int);
	int (*xCheckReservedLock)(sqlite3_file*, int*);
	int (*xFileControl)(sqlite3_file*, int, void*);
	int (*xSectorSize)(sqlite3_file*);
	int (*xDeviceCharacteristics)(sqlite3_file*);
	int (*xShmMap)(sqlite3_file*, int, int, int, void volatile**);
	int (*xShmLock)(sqlite3_file*, int, int, int);
	void (*xShmBarrier)(sqlite3_file*);
	int (*xShmUnmap)(sqlite3_file*, int);
	int (*xFetch)(sqlite3_file*, sqlite3_int64, int, void**);
	int (*xUnfetch)(sqlite3_file*, sqlite3_int64, void*);
};
typedef void (*sqlite3_syscall_ptr)(void);
struct sqlite3_vfs {
	int iVersion;
	int szOsFile;
	int mxPathname;
	sqlite3_vfs *pNext;
	const char *zName;
	void *pAppData;
	int (*xOpen)(sqlite3_vfs*, const char*, sqlite3_file*, int, int*);
	int (*xDelete)(sqlite3_vfs*, const char*, int);
	int (*xAccess)(sqlite3_vfs*, const char*, int, int*);
	int (*xFullPathname)(sqlite3_vfs*, const char*, int, char*);
	void *(*xDlOpen)(sqlite3_vfs*, const char*);
	void (*xDlError)(sqlite3_vfs*, int, char*);
	void (*(*xDlSym)(sqlite3_vfs*, void*, const char*))(void);
	void (*xDlClose)(sqlite3_vfs*, void*);
	int (*xRandomness)(sqlite3_vfs*, int, char*);
	int (*xSleep)(sqlite3_vfs*, int);
	int (*xCurrentTime)(sqlite3_vfs*, double*);
	int (*xGetLastError)(sqlite3_vfs*, int, char*);
	int (*xCurrentTimeInt64)(sqlite3_vfs*, sqlite3_int64*);
	int (*xSetSystemCall)(sqlite3_vfs*, const char*, sqlite3_syscall_ptr);
	sqlite3_syscall_ptr (*xGetSystemCall)(sqlite3_vfs*, const char*);
	const char *(*xNextSystemCall)(sqlite3_vfs*, const char*);
};
extern sqlite3_vfs *sqlite3_vfs_find(const char*) __attribute__((weak));
extern int sqlite3_vfs_register(sqlite3_vfs*, int) __attribute__((weak));

enum {
	lwOK = 0, lwNoMem = 7, lwOpenWAL = 0x00080000, lwIOErrFsync = 10 | (4 << 8),
	lwBufferBytes = 1 << 20, lwPiece = 1 << 16,
};

// A log file as SQLite sees it: the real file follows this header.
typedef struct {
	sqlite3_file base;
	sqlite3_file *real;
	char *buf;             // bytes not yet written, for real's [off, off+len)
	sqlite3_int64 off;
	int len;
	int fd;                // the same file, opened again for fdatasync; -1 if not
	int synced;            // the default file system has synced it once
} lwFile;

static sqlite3_vfs *lwWrapped;   // the default file system
static sqlite3_vfs *lwVFS;       // this one
static long long lwWritesIn, lwWritesOut, lwDataSyncs; // for the tests

// lwFlush writes what the buffer holds. The default file system takes at
// most 128 KiB a call (it masks the length), so the buffer goes in 64 KiB
// pieces: a commit of 90 pages is six calls instead of 180.
static int lwFlush(lwFile *f) {
	int n = f->len;
	f->len = 0;
	for (int done = 0; done < n; done += lwPiece) {
		int piece = n - done < lwPiece ? n - done : lwPiece;
		__atomic_add_fetch(&lwWritesOut, 1, __ATOMIC_RELAXED);
		int rc = f->real->pMethods->xWrite(f->real, f->buf + done, piece, f->off + done);
		if (rc != lwOK) return rc;
	}
	return lwOK;
}

static int lwClose(sqlite3_file *p) {
	lwFile *f = (lwFile*)p;
	int rc = lwFlush(f);
	int rc2 = f->real->pMethods->xClose(f->real);
	if (f->fd >= 0) close(f->fd); // no locks are ever taken on a log file
	f->fd = -1;
	free(f->buf);
	f->buf = 0;
	return rc != lwOK ? rc : rc2;
}

static int lwRead(sqlite3_file *p, void *dst, int n, sqlite3_int64 off) {
	lwFile *f = (lwFile*)p;
	int rc = lwFlush(f);
	if (rc != lwOK) return rc;
	return f->real->pMethods->xRead(f->real, dst, n, off);
}

static int lwWrite(sqlite3_file *p, const void *src, int n, sqlite3_int64 off) {
	lwFile *f = (lwFile*)p;
	__atomic_add_fetch(&lwWritesIn, 1, __ATOMIC_RELAXED);
	if (f->len > 0 && off == f->off + f->len && f->len + n <= lwBufferBytes) {
		memcpy(f->buf + f->len, src, n);
		f->len += n;
		return lwOK;
	}
	int rc = lwFlush(f);
	if (rc != lwOK) return rc;
	if (n > lwPiece) { // SQLite writes a header or a page at a time; not expected
		__atomic_add_fetch(&lwWritesOut, 1, __ATOMIC_RELAXED);
		return f->real->pMethods->xWrite(f->real, src, n, off);
	}
	memcpy(f->buf, src, n);
	f->off = off;
	f->len = n;
	return lwOK;
}

static int lwTruncate(sqlite3_file *p, sqlite3_int64 size) {
	lwFile *f = (lwFile*)p;
	int rc = lwFlush(f);
	if (rc != lwOK) return rc;
	return f->real->pMethods->xTruncate(f->real, size);
}

// lwSync makes the log durable. The first sync of a file is the default
// file system's, which also syncs the folder of a file it has just
// created; later ones are fdatasync(2), what SQLite itself calls on Linux
// when its build knows of it (HAVE_FDATASYNC), where the driver's build
// calls fsync(2): that also writes the file's times, a journal commit of
// the file system at every sync.
static int lwSync(sqlite3_file *p, int flags) {
	lwFile *f = (lwFile*)p;
	int rc = lwFlush(f);
	if (rc != lwOK) return rc;
	if (f->fd < 0 || !f->synced) {
		rc = f->real->pMethods->xSync(f->real, flags);
		if (rc == lwOK) f->synced = 1;
		return rc;
	}
	int r;
	do { r = fdatasync(f->fd); } while (r != 0 && errno == EINTR);
	if (r != 0) return lwIOErrFsync;
	__atomic_add_fetch(&lwDataSyncs, 1, __ATOMIC_RELAXED);
	return lwOK;
}

static int lwFileSize(sqlite3_file *p, sqlite3_int64 *size) {
	lwFile *f = (lwFile*)p;
	int rc = lwFlush(f);
	if (rc != lwOK) return rc;
	return f->real->pMethods->xFileSize(f->real, size);
}

static int lwLock(sqlite3_file *p, int l) { lwFile *f = (lwFile*)p; return f->real->pMethods->xLock(f->real, l); }
static int lwUnlock(sqlite3_file *p, int l) { lwFile *f = (lwFile*)p; return f->real->pMethods->xUnlock(f->real, l); }
static int lwCheckReservedLock(sqlite3_file *p, int *out) { lwFile *f = (lwFile*)p; return f->real->pMethods->xCheckReservedLock(f->real, out); }

static int lwFileControl(sqlite3_file *p, int op, void *arg) {
	lwFile *f = (lwFile*)p;
	int rc = lwFlush(f);
	if (rc != lwOK) return rc;
	return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int lwSectorSize(sqlite3_file *p) { lwFile *f = (lwFile*)p; return f->real->pMethods->xSectorSize(f->real); }
static int lwDeviceCharacteristics(sqlite3_file *p) { lwFile *f = (lwFile*)p; return f->real->pMethods->xDeviceCharacteristics(f->real); }

// A log file has no shared memory of its own and is never mapped; these
// pass through should SQLite ever ask.
static int lwShmMap(sqlite3_file *p, int pg, int sz, int ext, void volatile **pp) {
	lwFile *f = (lwFile*)p;
	return f->real->pMethods->xShmMap(f->real, pg, sz, ext, pp);
}
static int lwShmLock(sqlite3_file *p, int off, int n, int flags) { lwFile *f = (lwFile*)p; return f->real->pMethods->xShmLock(f->real, off, n, flags); }
static void lwShmBarrier(sqlite3_file *p) { lwFile *f = (lwFile*)p; f->real->pMethods->xShmBarrier(f->real); }
static int lwShmUnmap(sqlite3_file *p, int del) { lwFile *f = (lwFile*)p; return f->real->pMethods->xShmUnmap(f->real, del); }

static int lwFetch(sqlite3_file *p, sqlite3_int64 off, int n, void **pp) {
	lwFile *f = (lwFile*)p;
	int rc = lwFlush(f);
	if (rc != lwOK) return rc;
	return f->real->pMethods->xFetch(f->real, off, n, pp);
}
static int lwUnfetch(sqlite3_file *p, sqlite3_int64 off, void *ptr) { lwFile *f = (lwFile*)p; return f->real->pMethods->xUnfetch(f->real, off, ptr); }

static const sqlite3_io_methods lwMethods = {
	3, lwClose, lwRead, lwWrite, lwTruncate, lwSync, lwFileSize, lwLock, lwUnlock,
	lwCheckReservedLock, lwFileControl, lwSectorSize, lwDeviceCharacteristics,
	lwShmMap, lwShmLock, lwShmBarrier, lwShmUnmap, lwFetch, lwUnfetch,
};

static int lwOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *p, int flags, int *outFlags) {
	(void)vfs;
	if (!(flags & lwOpenWAL)) {
		return lwWrapped->xOpen(lwWrapped, name, p, flags, outFlags);
	}
	lwFile *f = (lwFile*)p;
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->buf = malloc(lwBufferBytes);
	if (!f->buf) return lwNoMem;
	f->real = (sqlite3_file*)&f[1];
	int rc = lwWrapped->xOpen(lwWrapped, name, f->real, flags, outFlags);
	if (rc != lwOK || f->real->pMethods == 0 || f->real->pMethods->iVersion < 3) {
		if (rc == lwOK && f->real->pMethods) f->real->pMethods->xClose(f->real);
		free(f->buf);
		f->buf = 0;
		return rc != lwOK ? rc : 1; // SQLITE_ERROR: a file system this cannot wrap
	}
	// A second descriptor of the log for fdatasync; should it not open,
	// every sync is the default file system's. Closing it releases no
	// lock: SQLite locks the database and its shared memory, never a log.
	if (name) f->fd = open(name, O_RDWR | O_CLOEXEC);
	f->base.pMethods = &lwMethods;
	return lwOK;
}

// lwRegister registers the file system named name around the default one:
// the same file system, whose log files keep what SQLite writes one after
// another and write it before anything else is done to the file.
static int lwRegister(const char *name) {
	if (!sqlite3_vfs_find || !sqlite3_vfs_register) return -1;
	if (lwVFS) return 0;
	sqlite3_vfs *base = sqlite3_vfs_find(0);
	if (!base) return -2;
	sqlite3_vfs *v = calloc(1, sizeof(sqlite3_vfs));
	if (!v) return lwNoMem;
	// Every method but xOpen is the wrapped file system's own, and so is
	// its application data; fields of versions past 3 are not copied.
	*v = *base;
	if (v->iVersion > 3) v->iVersion = 3;
	if (v->iVersion < 2) v->xCurrentTimeInt64 = 0;
	if (v->iVersion < 3) { v->xSetSystemCall = 0; v->xGetSystemCall = 0; v->xNextSystemCall = 0; }
	v->pNext = 0;
	v->zName = name;
	v->szOsFile = (int)sizeof(lwFile) + base->szOsFile;
	v->xOpen = lwOpen;
	lwWrapped = base;
	int rc = sqlite3_vfs_register(v, 0);
	if (rc != lwOK) { free(v); return rc; }
	lwVFS = v;
	return 0;
}

static long long lwIn(void) { return __atomic_load_n(&lwWritesIn, __ATOMIC_RELAXED); }
static long long lwOut(void) { return __atomic_load_n(&lwWritesOut, __ATOMIC_RELAXED); }
static long long lwSyncs(void) { return __atomic_load_n(&lwDataSyncs, __ATOMIC_RELAXED); }
*/
import "C"

import (
	"fmt"
	"strings"
)

// walVFS is the name of the file system the writer connection opens its
// database with (walwrites.go's C part).
//
// SQLite writes each frame of the write-ahead log with two system calls,
// its 24-byte header and then its page, one after another: a batch of the
// group committer writes 60–90 pages, so 120–180 calls, each of which,
// on the virtualised machines measured, costs more than the bytes it
// copies (180 calls 370–440 µs, one call of the same bytes 21–24 µs;
// fixed-URL run). This file system is the default one
// except for log files, which keep what SQLite writes one after another
// in a buffer of 1 MiB and write it, in 64 KiB pieces, before anything
// else is done to the file: a sync, a read, a size, a truncation, a write
// elsewhere, a file control, a close. So the log is on disk before every
// sync, and a commit is acknowledged only after its sync, as before.
//
// Other connections read the log through their own files and see a
// commit only once the committing connection publishes it, which it does
// after the sync: with synchronous=FULL or EXTRA, where SQLite syncs the
// log at every commit. With a lower setting a commit is published without
// a sync, and other connections would read frames still in the buffer;
// the store therefore uses this file system only with FULL or EXTRA
// (writerVFS).
const walVFS = "liaison-wal"

func init() {
	// The name lives as long as the process: SQLite keeps the pointer.
	if rc := C.lwRegister(C.CString(walVFS)); rc != 0 {
		panic(fmt.Sprintf("store: cannot register the log-writing file system (code %d)", int(rc)))
	}
}

// writerVFS is the file system for the writer connection at the given
// synchronous setting: walVFS only where SQLite syncs the log at every
// commit.
func writerVFS(synchronous string) string {
	switch strings.ToUpper(synchronous) {
	case "FULL", "EXTRA", "2", "3":
		return walVFS
	}
	return ""
}

// logWrites reports how many writes SQLite made to log files of walVFS and
// how many reached the files (for the tests).
func logWrites() (in, out int64) { return int64(C.lwIn()), int64(C.lwOut()) }

// logDataSyncs reports how many syncs of log files were fdatasync calls of
// walVFS's own (for the tests).
func logDataSyncs() int64 { return int64(C.lwSyncs()) }
