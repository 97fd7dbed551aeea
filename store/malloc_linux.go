//go:build linux && cgo

package store

/*
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
static void keepHeap(int trim, int arenas) {
	mallopt(M_TRIM_THRESHOLD, trim);
	mallopt(M_ARENA_MAX, arenas);
}
#else
static void keepHeap(int trim, int arenas) { (void)trim; (void)arenas; }
#endif
*/
import "C"

import (
	"os"
	"strings"
)

// SQLite allocates with the C library's malloc. glibc gives threads that
// allocate at once arenas of their own (up to eight per core), and by
// default hands the free top of an arena back to the kernel as soon as it
// passes 128 KiB. Each reader connection's thread therefore gave back, and
// faulted in again, the same memory on almost every query: under the
// overdue-list load the server made ten times as many madvise calls, and
// the page faults and the TLB shootdowns they send to the other core cost
// a third of its CPU. So an arena keeps
// up to 64 MiB of free memory (an arena of a thread is at most 64 MiB, so
// in practice they are not trimmed), and there are at most two arenas, so
// that what they keep stays small: two measured as fast as glibc's default
// with 6-9 MB less peak RSS. An operator's own GLIBC_TUNABLES for malloc
// win; other C libraries are left as they are.
const (
	keepHeapBytes = 64 << 20
	mallocArenas  = 2
)

func init() {
	if strings.Contains(os.Getenv("GLIBC_TUNABLES"), "glibc.malloc.") {
		return
	}
	C.keepHeap(C.int(keepHeapBytes), C.int(mallocArenas))
}
