package store

import (
	"database/sql"

	"github.com/mattn/go-sqlite3"
)

// writerDriver is the SQLite driver of the writer connection. Every write
// runs inside a savepoint of its group-commit batch (groupcommit.go), and
// SQLite keeps each savepoint's undo pages in a statement journal: in a
// temporary file by default, which measured as the largest share of the
// writer's system calls (about 15 page writes per created action item).
// temp_store=MEMORY keeps those journals in memory; they live for one
// batch and are a few pages per write. The readers keep the default so
// that a large sort or grouping spills to disk rather than to the heap.
const writerDriver = "sqlite3_liaison_writer"

func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			// The checkpointer copies the log back (checkpoint.go); when the
			// writer starts the log again, it cuts a log that a burst made
			// longer than 64 MiB back to that.
			_, err := c.Exec("PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864", nil)
			return err
		},
	})
}
