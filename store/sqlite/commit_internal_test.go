package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

func openInternal(t *testing.T) *DB {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "liaison.db"), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// holdCommitter occupies the committer with a write that runs first (in
// its own batch) and waits until release is closed.
func holdCommitter(t *testing.T, s *DB, first func(tx *gorm.DB) error) (release func(), done <-chan error) {
	t.Helper()
	started, rel, out := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		out <- s.Write(context.Background(), func(tx *gorm.DB) error {
			close(started)
			<-rel
			if first != nil {
				return first(tx)
			}
			return nil
		})
	}()
	<-started
	return func() { close(rel) }, out
}

// writeInOneBatch queues n writes behind a held committer, so that they
// share one batch, and returns what each was answered; write(i, tx) is
// the i-th write.
func writeInOneBatch(t *testing.T, s *DB, n int, write func(i int, tx *gorm.DB) error) []error {
	t.Helper()
	release, held := holdCommitter(t, s, nil)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Write(context.Background(), func(tx *gorm.DB) error { return write(i, tx) })
		}()
	}
	time.Sleep(50 * time.Millisecond) // let the writes queue behind the held one
	release()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	return errs
}

// Writes that share a batch: the one that fails after writing leaves
// nothing behind, and the others commit.
func TestFailedWriteLeavesNothingInItsBatch(t *testing.T) {
	s := openInternal(t)
	if err := s.Writer.Exec(`CREATE TABLE batch_probe (v TEXT NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	errs := writeInOneBatch(t, s, 12, func(i int, tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO batch_probe (v) VALUES (?)`, fmt.Sprint(i)).Error; err != nil {
			return err
		}
		switch i % 3 {
		case 1:
			return errors.New("refused after writing")
		case 2:
			panic("panicked after writing")
		}
		return nil
	})
	for i, err := range errs {
		if (i%3 == 0) != (err == nil) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	var got []string
	if err := s.Reader.Raw(`SELECT v FROM batch_probe ORDER BY CAST(v AS INTEGER)`).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[0 3 6 9]" {
		t.Fatalf("rows %v, want only the writes that succeeded", got)
	}
}

// The writer never checkpoints; the checkpointer does, so the log is
// reused from its start rather than growing with every write.
func TestCheckpointerKeepsTheLogShort(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	if err := s.Writer.Exec(`CREATE TABLE log_probe (v TEXT NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	var auto int
	if err := s.Writer.Raw(`PRAGMA wal_autocheckpoint`).Scan(&auto).Error; err != nil || auto != 0 {
		t.Fatalf("writer wal_autocheckpoint = %d (%v), want 0", auto, err)
	}
	pad := string(make([]byte, 3000))
	round := func() {
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 40 {
					if err := s.Write(ctx, func(tx *gorm.DB) error {
						return tx.Exec(`INSERT INTO log_probe (v) VALUES (?)`, pad).Error
					}); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
	}
	walSize := func() int64 {
		fi, err := os.Stat(s.Path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	round()
	first := walSize()
	for range 3 {
		time.Sleep(4 * checkpointEvery) // the checkpointer copies the log back
		round()
	}
	// Four rounds of the same writes: a log never checkpointed would be
	// about four times the first round's; a reused one stays near it.
	if last := walSize(); last > 2*first {
		t.Fatalf("log grew from %d to %d bytes over four rounds: not checkpointed", first, last)
	}
}

// Readers that never all pause at once keep the writer from starting the
// log again by itself; the checkpointer's RESTART does, so the log stays
// as long as what is written between restarts.
func TestCheckpointerRestartsTheLogUnderSteadyReads(t *testing.T) {
	// Put back after the store (and its checkpointer) has closed: cleanups
	// run last-registered first.
	was := restartAfter
	t.Cleanup(func() { restartAfter = was })
	restartAfter = 64
	ctx := context.Background()
	s := openInternal(t)
	if err := s.Writer.Exec(`CREATE TABLE log_probe (v TEXT NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var running sync.WaitGroup
	// loop runs step over and over on n goroutines until the test ends.
	loop := func(n int, step func() error) {
		for range n {
			running.Add(1)
			go func() {
				defer running.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if err := step(); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
	}
	defer func() { close(stop); running.Wait() }()
	// Short reads one after another, and writes that never pause either:
	// the log is never idle and copied in full with no reader on it.
	loop(3, func() error {
		var n int
		return s.Reader.Raw(`SELECT count(*) FROM (SELECT 1 FROM log_probe ORDER BY rowid DESC LIMIT 20)`).Scan(&n).Error
	})
	const rowBytes = 3000
	pad := string(make([]byte, rowBytes))
	var written atomic.Int64
	loop(4, func() error {
		err := s.Write(ctx, func(tx *gorm.DB) error {
			return tx.Exec(`INSERT INTO log_probe (v) VALUES (?)`, pad).Error
		})
		written.Add(1)
		return err
	})
	// A log never started again only grows. Its length in frames (what a
	// PASSIVE checkpoint reports, from a connection of the test's) falls
	// when the writer starts it again. The file's size says nothing: the
	// writer keeps the file at the longest the log has been (Open).
	probe, err := sql.Open("sqlite3", "file:"+s.Path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	longest, restarts := 0, 0
	for deadline := time.Now().Add(20 * checkpointEvery); time.Now().Before(deadline); time.Sleep(checkpointEvery / 4) {
		var busy, frames, copied int
		if err := probe.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
			t.Fatal(err)
		}
		if frames < longest {
			restarts++
		}
		longest = frames
	}
	if restarts == 0 {
		t.Fatalf("the log reached %d frames after %d bytes of rows were written under steady reads and writes, and never started again", longest, written.Load()*rowBytes)
	}
	if s.logRestarts.Load() == 0 {
		t.Fatal("the committer never ran a RESTART checkpoint to completion")
	}
}

// A batch runs its writes without savepoints and commits once; only when
// one of them fails does it run again with a savepoint around each, and
// what succeeded is written once however often it ran. A write alone in
// its batch runs once whether or not it fails, and so does every write of
// a batch in which one is refused before it changed anything.
func TestBatchRunsAgainIsolatedOnlyWhenAWriteFails(t *testing.T) {
	s := openInternal(t)
	if err := s.Writer.Exec(`CREATE TABLE batch_probe (v TEXT NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		t.Helper()
		if err := s.Reader.Raw(`SELECT COUNT(*) FROM batch_probe`).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	// batch queues n writes behind a held committer, so that they share
	// one batch; the write numbered failing (if any) fails after writing,
	// or, if refusing, is refused before writing anything.
	var refusing bool
	errRefused := errors.New("refused before writing")
	batch := func(n, failing int) (runs []int, errs []error) {
		t.Helper()
		counters := make([]atomic.Int32, n)
		errs = writeInOneBatch(t, s, n, func(i int, tx *gorm.DB) error {
			counters[i].Add(1)
			if i == failing && refusing {
				return Refuse(errRefused)
			}
			if err := tx.Exec(`INSERT INTO batch_probe (v) VALUES (?)`, fmt.Sprint(i)).Error; err != nil {
				return err
			}
			if i == failing {
				return errors.New("refused after writing")
			}
			return nil
		})
		runs = make([]int, n)
		for i := range counters {
			runs[i] = int(counters[i].Load())
		}
		return runs, errs
	}

	commits := s.Commits.Load()
	runs, errs := batch(8, -1)
	if fmt.Sprint(runs) != "[1 1 1 1 1 1 1 1]" || errors.Join(errs...) != nil {
		t.Fatalf("all succeeding: runs %v, errors %v; want each once, no error", runs, errs)
	}
	if got := s.Commits.Load() - commits; got != 2 { // the held write's batch and this one
		t.Fatalf("%d commits, want 2", got)
	}
	if n := count(); n != 8 {
		t.Fatalf("%d rows, want 8", n)
	}

	runs, errs = batch(8, 5)
	for i, err := range errs {
		if (i == 5) != (err != nil) {
			t.Errorf("one failing: write %d: %v", i, err)
		}
	}
	// The first pass stops at the failure: the writes queued before it
	// ran twice, those after it once, the failing one twice.
	for i, n := range runs {
		if n < 1 || n > 2 || (i == 5 && n != 2) {
			t.Fatalf("one failing: runs %v, want the failing write twice and the others once or twice", runs)
		}
	}
	if n := count(); n != 8+7 {
		t.Fatalf("%d rows, want 15: the seven that succeeded, once each", n)
	}

	runs, errs = batch(1, 0)
	if runs[0] != 1 || errs[0] == nil {
		t.Fatalf("failing alone: ran %d times, error %v; want once, an error", runs[0], errs[0])
	}
	if n := count(); n != 15 {
		t.Fatalf("%d rows, want 15: the lone failure wrote nothing", n)
	}

	// A write refused before it changed anything leaves its batch alone:
	// every write runs once, and the caller gets the refusal's own error.
	refusing = true
	runs, errs = batch(8, 3)
	if fmt.Sprint(runs) != "[1 1 1 1 1 1 1 1]" {
		t.Fatalf("one refused: runs %v, want each once", runs)
	}
	for i, err := range errs {
		if (i == 3 && err != errRefused) || (i != 3 && err != nil) {
			t.Errorf("one refused: write %d: %v", i, err)
		}
	}
	if n := count(); n != 15+7 {
		t.Fatalf("%d rows, want 22", n)
	}
}
