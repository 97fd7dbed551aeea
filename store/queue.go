package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"gorm.io/gorm"
)

// The job queue (package jobs) keeps its jobs in River's tables in this
// database, so that a change and the work it causes commit together: the
// store hands the queue the transaction of every change the audit trail
// records, and of every webhook delivery it makes, to insert jobs in.

// ChangeEvent is a change the audit trail recorded: the event's id, what
// was done ("create", "update", "delete") to which entity.
type ChangeEvent struct {
	AuditID, Action, EntityType, EntityID string
}

// Queue inserts jobs inside the store's transactions; an error rolls the
// transaction back.
type Queue interface {
	// Changed enqueues the job that sends a change's webhooks, inside its
	// transaction.
	Changed(ctx context.Context, tx *sql.Tx, ev ChangeEvent) error
	// Deliver enqueues the sending of a webhook delivery.
	Deliver(ctx context.Context, tx *sql.Tx, deliveryID string) error
	// Digest enqueues the sending of a user's e-mail digest.
	Digest(ctx context.Context, tx *sql.Tx, userID, kind, period string) error
}

// hookedEntities are the entities whose changes reach the queue: those
// that notifications and webhooks tell of.
var hookedEntities = map[string]bool{
	"meeting": true, "attendee": true, "action_item": true, "action_item_update": true,
}

type queueBox struct{ q Queue }

// SetQueue makes q the store's job queue (nil: none, and changes make no
// jobs).
func (s *Store) SetQueue(q Queue) {
	if q == nil {
		s.queue.Store(nil)
		return
	}
	s.queue.Store(&queueBox{q})
}

// queueTx is the queue and tx's database transaction, or a nil queue.
func (s *Store) queueTx(tx *gorm.DB) (Queue, *sql.Tx, error) {
	box := s.queue.Load()
	if box == nil {
		return nil, nil, nil
	}
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return nil, nil, errors.New("a job can only be enqueued inside a transaction")
	}
	return box.q, sqlTx, nil
}

// changed makes what a recorded change brings, inside its transaction:
// its notifications, and while some webhook endpoint is enabled, the job
// that sends its webhooks.
func (s *Store) changed(tx *gorm.DB, ev ChangeEvent, actor string, changes []byte, at time.Time) error {
	if !hookedEntities[ev.EntityType] {
		return nil
	}
	if ev.EntityType == "action_item" || ev.EntityType == "action_item_update" {
		if err := s.notifyChange(tx, ev, actor, changes, at); err != nil {
			return err
		}
	}
	q, sqlTx, err := s.queueTx(tx)
	if q == nil || err != nil {
		return err
	}
	if has, err := s.hasWebhooks(tx); err != nil || !has {
		return err
	}
	return q.Changed(tx.Statement.Context, sqlTx, ev)
}

// queueSlot is the store's job queue.
type queueSlot = atomic.Pointer[queueBox]

// QueueDB is the pool the job queue uses: on SQLite the writer's one
// connection, so that the queue's writes wait their turn with the store's
// rather than meet a busy database; on Postgres the store's pool.
func (s *Store) QueueDB() *sql.DB {
	db, _ := s.w.DB()
	return db
}

// QueueDriver is River's driver for the store's database.
func (s *Store) QueueDriver() riverdriver.Driver[*sql.Tx] {
	if s.dialect == Postgres {
		return riverdatabasesql.New(s.QueueDB())
	}
	return riversqlite.New(s.QueueDB())
}

var discardLogger = slog.New(slog.DiscardHandler)

// migrateQueue brings River's tables up to date, each of its versions in
// a transaction of its own (on Postgres a later one uses an enum value an
// earlier one adds).
func (s *Store) migrateQueue(ctx context.Context) error {
	m, err := rivermigrate.New(s.QueueDriver(), &rivermigrate.Config{Logger: discardLogger})
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate the job queue: %w", err)
	}
	return nil
}

// JobCount is how many jobs of a kind are in a state.
type JobCount struct {
	Kind, State string
	Jobs        int64
}

// JobCounts counts the queue's jobs by kind and state (for the metrics).
func (s *Store) JobCounts(ctx context.Context) ([]JobCount, error) {
	var out []JobCount
	err := s.read(ctx).Raw("SELECT kind, state, COUNT(*) AS jobs FROM river_job GROUP BY kind, state ORDER BY kind, state").Scan(&out).Error
	return out, err
}
