package sqlite

import (
	"database/sql"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"
)

// Checkpoints. In WAL mode every commit appends pages to the log, and a
// checkpoint copies them back into the database file. By default the
// connection whose commit crosses 1,000 log pages runs the checkpoint
// itself, inside that commit: with one writer, that is the group committer,
// and every write queued behind it waited for a thousand page copies and
// an fsync of the database. The writer therefore never checkpoints
// (wal_autocheckpoint=0, set in Open); a connection of its own does,
// in the background, PASSIVE, so it never blocks the writer or a reader.
//
// Once the log has been copied in full, the writer's next transaction may
// start it again from the beginning, but only if no reader is still on a
// snapshot that uses it. Under steady reads and writes there is always
// such a reader, so the log never started again: under the create load it
// grew by 35-80 MB a second, without bound. So when the log has grown past
// restartAfter pages, the checkpointer tells the committer, which between
// two batches runs a RESTART checkpoint on the writer connection
// (restartLog): it copies what the log gained since the last checkpoint
// and waits for the readers of older snapshots to finish, at most
// restartWait (readers that begin meanwhile read the file and are not
// waited for). The next batch then writes the log from its start again,
// over the file's old frames; the file is cut back only if it has grown
// past logKeepBytes (Open). A RESTART that times out
// changes nothing and is asked for again after the next checkpoint;
// readers that overlap without ever leaving a gap starve it, as they
// starve SQLite's own restart. The checkpointer cannot run the RESTART
// itself: it would first have to take the write lock, which the committer
// gives up only for microseconds between batches. Writes wait while it
// runs, so it is asked for rarely: the bound is on the disk the log takes,
// not on every write's latency.

// checkpointEvery is how often the checkpointer runs; at 4,500 writes a
// second that is a few thousand log pages, and a page written many times
// in that span is copied once.
const checkpointEvery = 200 * time.Millisecond

// restartAfter is the log length, in pages, past which the checkpointer
// starts the log again (256 MiB at 4 KiB pages; a variable so that a test
// can lower it); restartWait bounds how long it waits for readers while it
// holds writers back.
var restartAfter = 65536

const restartWait = 20 * time.Millisecond

// busyTimeoutMS is how long every connection waits on a lock held by
// another process before it reports the database busy.
const busyTimeoutMS = 10000

// checkpointer runs PASSIVE checkpoints on db until stop closes, then
// closes db; it sets long while the log is longer than restartAfter.
func checkpointer(db *sql.DB, long *atomic.Bool, stop <-chan struct{}, done chan<- struct{}) {
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
		long.Store(err == nil && logPages >= restartAfter)
		if err != nil && !failing {
			// Not fatal: the log grows until a later checkpoint, or Close's, succeeds.
			slog.Warn("wal checkpoint failed", "err", err)
		}
		failing = err != nil
	}
}

// restartLog runs a RESTART checkpoint on the writer connection, waiting at
// most restartWait for readers, then gives the connection its usual busy
// timeout back. The committer calls it between batches.
func (s *DB) restartLog() {
	db, err := s.Writer.DB() // one connection: these run on it in turn
	if err != nil {
		return
	}
	if _, err := db.Exec("PRAGMA busy_timeout = " + strconv.Itoa(int(restartWait/time.Millisecond))); err != nil {
		slog.Warn("wal restart failed", "err", err)
		return
	}
	var busy, logPages, copied int
	if err := db.QueryRow("PRAGMA wal_checkpoint(RESTART)").Scan(&busy, &logPages, &copied); err != nil {
		slog.Warn("wal restart failed", "err", err)
	} else if busy == 0 {
		s.logRestarts.Add(1)
	}
	if _, err := db.Exec("PRAGMA busy_timeout = " + strconv.Itoa(busyTimeoutMS)); err != nil {
		slog.Error("writer busy timeout not restored", "err", err)
	}
}
