//go:build linux && cgo

package sqlite

/*
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
static void limitArenas(int n) { mallopt(M_ARENA_MAX, n); }
#else
static void limitArenas(int n) { (void)n; }
#endif
*/
import "C"

import (
	"os"
	"strings"
)

// mallocArenas is how many malloc arenas SQLite's threads share. glibc
// gives threads that allocate at once arenas of their own, up to eight per
// core, and each keeps its freed memory; two keep the server's peak RSS
// well below glibc's default at the same throughput (docs/PERFORMANCE.md).
const mallocArenas = 2

// TuneProcess limits the C library's malloc arenas, which SQLite
// allocates from. serve calls it once, before opening the database; an
// operator's own MALLOC_ARENA_MAX or GLIBC_TUNABLES for malloc win, and
// other C libraries are left as they are.
func TuneProcess() {
	if os.Getenv("MALLOC_ARENA_MAX") != "" || strings.Contains(os.Getenv("GLIBC_TUNABLES"), "glibc.malloc.") {
		return
	}
	C.limitArenas(C.int(mallocArenas))
}
