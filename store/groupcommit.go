package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
)

// Group commit. SQLite has one writer and, with synchronous=FULL, every
// commit waits for the disk. Rather than commit each request's transaction
// on its own, one committer goroutine takes every write waiting at that
// moment and runs them in a single transaction, each inside its own
// savepoint: a request that fails rolls back to its savepoint and leaves
// the others alone. The batch commits once, with one fsync, and only then
// is each request told it succeeded — so an acknowledged write is always
// durable, and N concurrent writes cost about one disk flush.

var errStoreClosed = fmt.Errorf("the store is closed")

// maxBatch bounds how many writes share one commit.
const maxBatch = 128

type writeReq struct {
	ctx  context.Context
	fn   func(tx *gorm.DB) error
	done chan error
}

// committer runs batches until the store closes.
func (s *Store) committer() {
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

func (s *Store) runBatch(batch []*writeReq) {
	results := make([]error, len(batch))
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		err = s.w.Transaction(func(tx *gorm.DB) error {
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
				var broken error
				if results[i], broken = runSavepoint(tx.WithContext(context.WithoutCancel(r.ctx)), r.fn); broken != nil {
					return broken // nothing of this batch may commit
				}
			}
			return nil
		})
		if err == nil {
			s.commits.Add(1)
			break
		}
		if !isBusy(err) {
			break
		}
		time.Sleep(time.Duration(10<<attempt)*time.Millisecond + time.Duration(rand.IntN(10))*time.Millisecond)
	}
	for i, r := range batch {
		if err != nil {
			r.done <- err
		} else {
			r.done <- results[i]
		}
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

// execTx runs one hand-written statement in the transaction tx, without
// GORM's statement building: for the writes the committer runs most.
func (s *Store) execTx(tx *gorm.DB, q string, args ...any) (sql.Result, error) {
	return tx.Statement.ConnPool.ExecContext(tx.Statement.Context, s.rebind(q), args...)
}

// writeGrouped queues fn for the committer and waits for its batch.
func (s *Store) writeGrouped(ctx context.Context, fn func(tx *gorm.DB) error) error {
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stopped:
		return errStoreClosed
	}
	return <-r.done // the batch always answers, even if ctx ends meanwhile
}
