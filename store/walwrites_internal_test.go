package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"
)

// A commit's log frames reach the file in a few writes, not two per page.
func TestLogFramesAreWrittenTogether(t *testing.T) {
	s := openInternal(t)
	ctx := context.Background()
	if err := s.w.Exec(`CREATE TABLE frames_probe (v TEXT NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	in0, out0 := logWrites()
	row := strings.Repeat("x", 1000)
	err := s.write(ctx, func(tx *gorm.DB) error {
		for range 200 { // about 50 pages
			if _, err := s.execTx(tx, `INSERT INTO frames_probe (v) VALUES (?)`, row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	in, out := logWrites()
	in, out = in-in0, out-out0
	if in < 100 {
		t.Fatalf("SQLite made %d writes to the log for about 50 pages: the writer does not use %s", in, walVFS)
	}
	if out*10 > in {
		t.Errorf("%d of SQLite's %d log writes reached the file one by one", out, in)
	}
}

// Every commit syncs the log, the first through the default file system
// (which also syncs the folder of a log it has just created), the others
// by fdatasync of the log's own descriptor.
func TestEveryCommitSyncsTheLog(t *testing.T) {
	s := openInternal(t)
	ctx := context.Background()
	if err := s.w.Exec(`CREATE TABLE sync_probe (v TEXT NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	const commits = 20
	before := logDataSyncs()
	for i := range commits { // one at a time: each its own batch and commit
		if err := s.write(ctx, func(tx *gorm.DB) error {
			_, err := s.execTx(tx, `INSERT INTO sync_probe (v) VALUES (?)`, i)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if got := logDataSyncs() - before; got < commits {
		t.Fatalf("%d fdatasync calls for %d commits", got, commits)
	}
	var n int
	if err := s.r.Raw(`SELECT COUNT(*) FROM sync_probe`).Scan(&n).Error; err != nil || n != commits {
		t.Fatalf("%d rows (%v), want %d", n, err, commits)
	}
}

// What the buffer holds is read back, counted, synced and rolled back as
// if it were on disk: a transaction larger than the page cache spills
// frames to the log before it commits, reads its own rows back, and
// another connection, on the default file system, sees exactly what was
// committed in a sound database.
func TestLogBufferIsInvisibleToSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spill.db")
	w, err := sql.Open("sqlite3", "file:"+path+"?vfs="+walVFS+"&_journal_mode=WAL&_synchronous=FULL&_cache_size=16")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	if _, err := w.Exec(`CREATE TABLE spill (n INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	fill := func(from, to int, commit bool) {
		t.Helper()
		tx, err := w.Begin()
		if err != nil {
			t.Fatal(err)
		}
		for n := from; n < to; n++ {
			if _, err := tx.Exec(`INSERT INTO spill (n, v) VALUES (?, ?)`, n, strings.Repeat("y", 900)); err != nil {
				t.Fatal(err)
			}
		}
		var count, total int
		if err := tx.QueryRow(`SELECT count(*), sum(length(v)) FROM spill`).Scan(&count, &total); err != nil {
			t.Fatal(err)
		}
		if count != to || total != 900*to {
			t.Fatalf("inside the transaction: %d rows of %d bytes, want %d of %d", count, total, to, 900*to)
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	fill(0, 2000, true)     // 2,000 rows of 900 bytes: far more than 16 pages
	fill(2000, 4000, false) // spilled, then rolled back
	fill(2000, 2500, true)

	r, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var count, max int
	if err := r.QueryRow(`SELECT count(*), max(n) FROM spill`).Scan(&count, &max); err != nil {
		t.Fatal(err)
	}
	if count != 2500 || max != 2499 {
		t.Errorf("another connection sees %d rows up to %d, want 2,500 up to 2,499", count, max)
	}
	var check string
	if err := r.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity check: %q, %v", check, err)
	}
}

// Only a setting that syncs the log at every commit may buffer it: with
// less, SQLite publishes a commit whose frames another connection would
// read from the file before they were written.
func TestLogBufferOnlyWhereEveryCommitSyncs(t *testing.T) {
	for sync, want := range map[string]string{"FULL": walVFS, "full": walVFS, "EXTRA": walVFS, "2": walVFS, "3": walVFS, "NORMAL": "", "1": "", "OFF": "", "0": ""} {
		if got := writerVFS(sync); got != want {
			t.Errorf("synchronous=%s: file system %q, want %q", sync, got, want)
		}
	}
}
