package store

import (
	"database/sql"
	"log/slog"
	"time"
)

// Checkpoints. In WAL mode every commit appends pages to the log, and a
// checkpoint copies them back into the database file. By default the
// connection whose commit crosses 1,000 log pages runs the checkpoint
// itself, inside that commit: with one writer, that is the group committer,
// and every write queued behind it waited for a thousand page copies and
// an fsync of the database. The writer therefore never checkpoints
// (wal_autocheckpoint=0, set in driver.go); a connection of its own does,
// in the background, PASSIVE, so it never blocks the writer or a reader.
// Once the log has been copied in full, the writer's next transaction
// starts it again from the beginning, so it does not grow.

// checkpointEvery is how often the checkpointer runs; at 4,500 writes a
// second that is a few thousand log pages, and a page written many times
// in that span is copied once.
const checkpointEvery = 200 * time.Millisecond

// checkpointer runs PASSIVE checkpoints on db until stop closes, then
// closes db.
func checkpointer(db *sql.DB, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	defer db.Close()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		var busy, logPages, copied int
		err := db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logPages, &copied)
		if err != nil && !failing {
			// Not fatal: the log grows until a later checkpoint, or Close's, succeeds.
			slog.Warn("wal checkpoint failed", "err", err)
		}
		failing = err != nil
	}
}
