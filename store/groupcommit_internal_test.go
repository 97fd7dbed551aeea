package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

func openInternal(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), "sqlite://"+filepath.Join(t.TempDir(), "liaison.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// holdCommitter occupies the committer with a write that runs first (in
// its own batch) and waits until release is closed.
func holdCommitter(t *testing.T, s *Store, first func(tx *gorm.DB) error) (release func(), done <-chan error) {
	t.Helper()
	started, rel, out := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		out <- s.write(context.Background(), func(tx *gorm.DB) error {
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

// Writes that share a batch: the one that fails after writing leaves
// nothing behind, and the others commit.
func TestFailedWriteLeavesNothingInItsBatch(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	if err := s.w.Exec(`CREATE TABLE batch_probe (v TEXT NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	release, held := holdCommitter(t, s, nil)
	const n = 12
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.write(ctx, func(tx *gorm.DB) error {
				if _, err := s.execTx(tx, `INSERT INTO batch_probe (v) VALUES (?)`, fmt.Sprint(i)); err != nil {
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
		}()
	}
	time.Sleep(50 * time.Millisecond) // let the writes queue behind the held one
	release()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, err := range errs {
		if (i%3 == 0) != (err == nil) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	var got []string
	if err := s.r.Raw(`SELECT v FROM batch_probe ORDER BY CAST(v AS INTEGER)`).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[0 3 6 9]" {
		t.Fatalf("rows %v, want only the writes that succeeded", got)
	}
}

// An action item whose meeting is deleted between the checks on the read
// pool and the insert in the committer is not written, and the caller is
// told why, as if the meeting had been gone from the start.
func TestCreateActionItemRechecksItsMeetingWhenItWrites(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	org, err := s.CreateOrganization(ctx, System, OrganizationInput{Name: "Host Agency", Kind: "government", Country: "US"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 3, 4, 15, 0, 0, 0, time.UTC)
	m, err := s.CreateMeeting(ctx, System, MeetingInput{Title: "Briefing", StartsAt: start, EndsAt: start.Add(time.Hour),
		Timezone: "UTC", Modality: "virtual", Kind: "briefing", Status: "held", TLP: "GREEN", HostOrganizationID: org.ID})
	if err != nil {
		t.Fatal(err)
	}
	coord := Caller{UserID: "u-coord", Role: models.RoleCoordinator}
	// The held write deletes the meeting; the create reads it as live (the
	// delete has not committed) and queues behind.
	release, held := holdCommitter(t, s, func(tx *gorm.DB) error {
		return tx.Exec(`UPDATE meetings SET deleted_at = ? WHERE id = ?`, s.now(), m.ID).Error
	})
	created := make(chan error, 1)
	go func() {
		_, err := s.CreateActionItem(ctx, coord, ActionItemInput{MeetingID: m.ID, Title: "Patch the edge", OwnerOrganizationID: &org.ID})
		created <- err
	}()
	time.Sleep(50 * time.Millisecond)
	release()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	err = <-created
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Field != "meeting_id" {
		t.Fatalf("got %v, want a validation error on meeting_id", err)
	}
	var n int64
	if err := s.r.Raw(`SELECT COUNT(*) FROM action_items WHERE meeting_id = ?`, m.ID).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d items written to a deleted meeting", n)
	}
}

// The writer never checkpoints; the checkpointer does, so the log is
// reused from its start rather than growing with every write.
func TestCheckpointerKeepsTheLogShort(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	if err := s.w.Exec(`CREATE TABLE log_probe (v TEXT NOT NULL)`).Error; err != nil {
		t.Fatal(err)
	}
	var auto int
	if err := s.w.Raw(`PRAGMA wal_autocheckpoint`).Scan(&auto).Error; err != nil || auto != 0 {
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
					if err := s.write(ctx, func(tx *gorm.DB) error {
						_, err := s.execTx(tx, `INSERT INTO log_probe (v) VALUES (?)`, pad)
						return err
					}); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
	}
	walSize := func() int64 {
		fi, err := os.Stat(s.path + "-wal")
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
	if err := s.w.Exec(`CREATE TABLE log_probe (v TEXT NOT NULL)`).Error; err != nil {
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
		return s.r.Raw(`SELECT count(*) FROM (SELECT 1 FROM log_probe ORDER BY rowid DESC LIMIT 20)`).Scan(&n).Error
	})
	const rowBytes = 3000
	pad := string(make([]byte, rowBytes))
	var written atomic.Int64
	loop(4, func() error {
		err := s.write(ctx, func(tx *gorm.DB) error {
			_, err := s.execTx(tx, `INSERT INTO log_probe (v) VALUES (?)`, pad)
			return err
		})
		written.Add(1)
		return err
	})
	// A log never started again holds every page written since it was
	// created: at least every row's bytes. Started again, it holds what
	// was written since the last restart, a small part of that; how much
	// depends on the moments readers leave gaps, so only the bound is
	// checked, not a size.
	time.Sleep(20 * checkpointEvery)
	fi, err := os.Stat(s.path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if all := written.Load() * rowBytes; fi.Size() > all/2 {
		t.Fatalf("the log holds %d bytes after %d bytes of rows were written under steady reads and writes: never started again", fi.Size(), all)
	}
}
