package store

import (
	"database/sql"
	"strconv"

	"github.com/mattn/go-sqlite3"
)

// writerDriver is the SQLite driver of the writer connection. A batch
// whose write failed runs again with each write inside a savepoint
// (groupcommit.go), and a statement that may write several rows runs
// inside a statement of its own: SQLite keeps their undo pages in a
// statement journal, in a temporary file by default, which measured as
// the largest share of the writer's system calls when every write had its
// savepoint (about 15 page writes per created action item).
// temp_store=MEMORY keeps those journals in memory; they live for one
// batch and are a few pages per write. The readers keep the default so
// that a large sort or grouping spills to disk rather than to the heap.
const writerDriver = "sqlite3_liaison_writer"

// logKeepBytes is the longest the log's file stays once the log starts
// again: twice the length at which the checkpointer has it started again
// (restartAfter pages of 4 KiB), which a log under steady writes reaches
// and keeps. Cutting it back to 64 MiB at every restart, as before, made
// the next 200 MiB appends, each sync a change of the file's size too
// (the fixed-URL run).
const logKeepBytes = 512 << 20

func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			// The checkpointer copies the log back (checkpoint.go). When the
			// writer starts the log again, the file keeps its length, so
			// that the log is overwritten in place and a sync writes data
			// alone (walwrites.go); only a log that a burst made longer
			// than logKeepBytes is cut back to that.
			_, err := c.Exec("PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = "+strconv.Itoa(logKeepBytes), nil)
			return err
		},
	})
}
