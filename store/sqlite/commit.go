package sqlite

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
)

// Group commit. SQLite has one writer and, with synchronous=FULL, every
// commit waits for the disk. Rather than commit each request's transaction
// on its own, one committer goroutine takes every write waiting at that
// moment and runs them in a single transaction; should one of them fail,
// the batch runs again with each write inside its own savepoint, so that
// the request that failed rolls back to its savepoint and leaves the
// others alone (runBatch). The batch commits once, with one fsync, and
// only then is each request told it succeeded — so an acknowledged write
// is always durable, and N concurrent writes cost about one disk flush.

// ErrClosed is the error of a write queued after Close.
var ErrClosed = errors.New("the database is closed")

// maxBatch bounds how many writes share one commit.
const maxBatch = 128

type writeReq struct {
	ctx  context.Context
	fn   func(tx *gorm.DB) error
	done chan error
}

// committer runs batches until the database closes.
func (s *DB) committer() {
	defer close(s.stopped)
	for {
		var first *writeReq
		select {
		case first = <-s.writes:
		case <-s.stop:
			return
		}
		batch := []*writeReq{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case r := <-s.writes:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.runBatch(batch)
		if s.logLong.Swap(false) {
			s.restartLog()
		}
	}
}

// refusal is the error of a write that changed nothing before it failed
// (see Refuse).
type refusal struct{ err error }

func (r refusal) Error() string { return r.err.Error() }
func (r refusal) Unwrap() error { return r.err }

// Refuse marks err as the failure of a write that has changed nothing in
// its transaction: its batch goes on, the other writes are not run again,
// and the caller gets err itself. Only a write whose every statement so
// far has read or written nothing may use it.
func Refuse(err error) error { return refusal{err} }

// Refused reports whether err is a refusal, and the error it carries.
func Refused(err error) (error, bool) {
	var r refusal
	if errors.As(err, &r) {
		return r.err, true
	}
	return err, false
}

// errWriteFailed ends a batch's first pass when one of its writes fails.
var errWriteFailed = errors.New("a write of the batch failed")

// runBatch commits batch and answers each of its writes. It first runs
// every write straight in the transaction: a write that fails is rare
// (requests are checked before they are queued), and a savepoint around
// each costs two statements and a copy of every page the write changes.
// Should one fail, the whole transaction rolls back and the batch runs
// again with a savepoint around each write (runIsolated), so that the
// failure is that write's alone. A write refused before it changed
// anything (refuse) needs neither: the batch goes on. A write may
// therefore run twice, as it may when the database is busy: writes change
// only what their transaction holds and variables they set afresh on
// every run.
func (s *DB) runBatch(batch []*writeReq) {
	results := make([]error, len(batch))
	err := s.Writer.Transaction(func(tx *gorm.DB) error {
		for i, r := range batch {
			if r.ctx.Err() != nil {
				results[i] = r.ctx.Err()
				continue
			}
			// The request's context is checked above and not handed to
			// the driver: given a context that can end, the SQLite driver
			// runs every statement on a goroutine of its own and waits
			// for it, two goroutine switches per statement in the one
			// goroutine every write waits for. A write that has begun
			// runs to its end, in microseconds.
			if err := runBare(tx.WithContext(context.WithoutCancel(r.ctx)), r.fn); err != nil {
				var clean bool
				if results[i], clean = Refused(err); !clean {
					return errWriteFailed
				}
			}
		}
		return nil
	})
	switch {
	case err == nil:
		s.Commits.Add(1)
	case errors.Is(err, errWriteFailed) && len(batch) == 1:
		// Alone in its batch, the write's failure is already its own.
	default:
		s.runIsolated(batch, results)
	}
	for i, r := range batch {
		r.done <- results[i]
	}
}

// runBare runs fn in tx, turning a panic into an error.
func runBare(tx *gorm.DB, fn func(tx *gorm.DB) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("write panicked: %v", v)
		}
	}()
	return fn(tx)
}

// runIsolated runs batch with a savepoint around each write, trying again
// while the database is busy (another process holding its write lock),
// and sets each write's result.
func (s *DB) runIsolated(batch []*writeReq, results []error) {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		err = s.Writer.Transaction(func(tx *gorm.DB) error {
			for i, r := range batch {
				if r.ctx.Err() != nil {
					results[i] = r.ctx.Err()
					continue
				}
				var broken error
				if results[i], broken = runSavepoint(tx.WithContext(context.WithoutCancel(r.ctx)), r.fn); broken != nil {
					return broken // nothing of this batch may commit
				}
				results[i], _ = Refused(results[i])
			}
			return nil
		})
		if err == nil {
			s.Commits.Add(1)
			return
		}
		if !isBusy(err) {
			break
		}
		time.Sleep(time.Duration(10<<attempt)*time.Millisecond + time.Duration(rand.IntN(10))*time.Millisecond)
	}
	for i := range results {
		results[i] = err
	}
}

// runSavepoint runs fn inside a savepoint of tx, turning a panic into an
// error for this request alone. The savepoint statements go straight to
// the transaction, and undo and release run even when the request's
// context has ended, so that a failed write never leaves part of itself
// in the batch; should the undo itself fail, broken is set and the whole
// batch must roll back.
func runSavepoint(tx *gorm.DB, fn func(tx *gorm.DB) error) (err, broken error) {
	pool := tx.Statement.ConnPool
	if _, err := pool.ExecContext(context.Background(), "SAVEPOINT write"); err != nil {
		return err, err
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("write panicked: %v", v)
		}
		if err != nil {
			if _, rerr := pool.ExecContext(context.Background(), "ROLLBACK TO write"); rerr != nil {
				broken = fmt.Errorf("undo a failed write: %w", rerr)
			}
		}
		if _, rerr := pool.ExecContext(context.Background(), "RELEASE write"); rerr != nil {
			broken = errors.Join(broken, fmt.Errorf("release a write's savepoint: %w", rerr))
		}
	}()
	return fn(tx), nil
}

// Write runs fn in a write transaction: it queues fn for the committer
// and waits for its batch to commit or fail. fn may run more than once
// (see runBatch).
func (s *DB) Write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stopped:
		return ErrClosed
	}
	return <-r.done // the batch always answers, even if ctx ends meanwhile
}
