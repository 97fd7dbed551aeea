//go:build cgo

package store

/*
typedef struct sqlite3 sqlite3;

// The SQLite library is the driver's (github.com/mattn/go-sqlite3), linked
// into the same binary; the references are weak so that this package's own
// link check does not need it, and are checked before use.
extern int sqlite3_db_config(sqlite3*, int, ...) __attribute__((weak));
extern int sqlite3_auto_extension(void (*)(void)) __attribute__((weak));

enum { liaisonDBConfigEnableQPSG = 1007 }; // SQLITE_DBCONFIG_ENABLE_QPSG

static int liaisonStablePlans(sqlite3 *db, char **err, const void *api) {
	(void)err;
	(void)api;
	return sqlite3_db_config(db, liaisonDBConfigEnableQPSG, 1, (int *)0);
}

static int liaisonRegisterStablePlans(void) {
	if (!sqlite3_db_config || !sqlite3_auto_extension) {
		return -1;
	}
	return sqlite3_auto_extension((void (*)(void))liaisonStablePlans);
}
*/
import "C"

import "fmt"

// Every SQLite connection of the process is opened with the query planner
// stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG) on, so that a prepared
// statement keeps its plan whatever values are bound to it.
//
// Without it, SQLite 3.5x marks a statement whose plan could depend on a
// bound value (a bound LIMIT, an equality on an indexed column, a LIKE
// pattern) to be prepared again when that value is bound anew, and the
// driver clears every statement's bindings after each use. So each run of
// such a statement parsed and planned it again: the statement caches of the
// readers and of the group committer saved nothing for the page queries,
// and the overdue list's page query cost 130 µs instead of 60
// on the fixed-URL run. Liaison's queries are written for one
// plan each, so the values never should choose it.
//
// The setting is registered as an automatic extension, which SQLite runs
// on each connection as it opens; it must be in place before the first.
func init() {
	if rc := C.liaisonRegisterStablePlans(); rc != 0 {
		panic(fmt.Sprintf("store: cannot register SQLite's stable query plans (code %d)", int(rc)))
	}
}
