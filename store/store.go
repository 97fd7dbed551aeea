// Package store is the only package that talks to the database. It opens
// SQLite (the embedded default) or Postgres, runs the versioned migrations,
// and offers one method per query or change, each taking the Caller so that
// the visibility rules are applied inside the queries themselves.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"liaison/store/sqlite"
)

// Dialect names the database behind a Store.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store wraps the database. For SQLite, eng is the engine (package
// sqlite): w is its one writer connection, which every write goes through
// in batches, and r its pool of read-only connections. For Postgres both
// are the same pool and eng is nil.
type Store struct {
	w, r    *gorm.DB
	eng     *sqlite.DB
	dialect Dialect
	now     func() time.Time
	k       int // see anonymity.go
	queue   queueSlot

	privateHooks atomic.Bool // webhooks may reach private addresses

	// walkOnly: lists never fetch a filter's few rows (fewMeetings,
	// fewDue) but always walk their sort's index; tests compare the two.
	walkOnly bool
}

// Options tune Open.
type Options struct {
	// Synchronous is SQLite's synchronous pragma; FULL unless set.
	Synchronous string
	// ReadConns caps SQLite's read pool; 0 means a sensible default.
	ReadConns int
	// CacheMiB is SQLite's writer page cache; 0 means 8 MiB. Bulk loads
	// set more.
	CacheMiB int
	// MustExist refuses a SQLite database that is not there yet, rather
	// than creating it (for backup).
	MustExist bool
	// K is the smallest group a withheld identity may be narrowed to
	// (anonymity.go); 0 means DefaultK.
	K int
}

// ParseURL reads a database URL: "sqlite:///abs/path.db" or
// "sqlite://relative.db" (the path is returned), or "postgres://…" and
// "postgresql://…". Anything else is an error that names the forms, and
// never repeats the URL, which may hold a password.
func ParseURL(dsn string) (d Dialect, path string, err error) {
	scheme, rest, ok := strings.Cut(dsn, "://")
	switch {
	case !ok:
		return "", "", errors.New("the database URL must start with sqlite:// or postgres:// (for example sqlite://data/liaison.db)")
	case scheme == "postgres" || scheme == "postgresql":
		return Postgres, "", nil
	case scheme != "sqlite":
		return "", "", fmt.Errorf("the database URL scheme %q is not supported: use sqlite:// or postgres://", scheme)
	case rest == "" || strings.ContainsAny(rest, "?#"):
		return "", "", errors.New("a sqlite:// URL needs a file path and nothing else, such as sqlite://data/liaison.db or sqlite:///var/lib/liaison.db")
	}
	return SQLite, rest, nil
}

// Open connects to the database named by dsn (see ParseURL).
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	dialect, path, err := ParseURL(dsn)
	if err != nil {
		return nil, err
	}
	s := &Store{now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		// GORM's timestamps follow the store's clock (SetClock in tests).
		NowFunc: func() time.Time { return s.now() },
	}
	s.k = opt.K
	if s.k <= 0 {
		s.k = DefaultK
	}
	switch dialect {
	case Postgres:
		pc, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// Unless the URL says otherwise: no JIT compilation, every statement
		// planned for its values, no parallel workers. At scale each made
		// reads and triggers of milliseconds far slower (docs/PERFORMANCE.md).
		for name, value := range map[string]string{"jit": "off", "plan_cache_mode": "force_custom_plan", "max_parallel_workers_per_gather": "0"} {
			if _, set := pc.RuntimeParams[name]; !set {
				pc.RuntimeParams[name] = value
			}
		}
		sqlDB := stdlib.OpenDB(*pc)
		db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), cfg)
		if err != nil {
			sqlDB.Close()
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		s.w, s.r, s.dialect = db, db, Postgres
	default:
		db, err := sqlite.Open(path, cfg, sqlite.Options{Synchronous: opt.Synchronous, ReadConns: opt.ReadConns, CacheMiB: opt.CacheMiB, MustExist: opt.MustExist})
		if err != nil {
			return nil, err
		}
		s.w, s.r, s.dialect, s.eng = db.Writer, db.Reader, SQLite, db
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Dialect tells which database the store talks to.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error {
	for _, db := range []*gorm.DB{s.w, s.r} {
		sqlDB, err := db.DB()
		if err != nil {
			return err
		}
		if err := sqlDB.PingContext(ctx); err != nil {
			return fmt.Errorf("ping database: %w", err)
		}
	}
	return nil
}

// Close closes the database; for SQLite it copies the log back into the
// database file first.
func (s *Store) Close() error {
	if s.eng != nil {
		return s.eng.Close()
	}
	sqlDB, err := s.w.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// read returns the read pool bound to ctx, or the read transaction of
// ctx's snapshot.
func (s *Store) read(ctx context.Context) *gorm.DB {
	if snap, ok := ctx.Value(snapshotKey{}).(*gorm.DB); ok {
		return snap.WithContext(ctx)
	}
	return s.r.WithContext(ctx)
}

// snapshotKey keys the read transaction of a snapshot in a context.
type snapshotKey struct{}

// snapshot makes the reads through the returned context share one read
// transaction until end is called: they see the same commit, and on SQLite
// the pages that one query reads stay cached for the next (a connection's
// page cache is emptied whenever another connection has committed, which
// under steady writes is before nearly every read). Only reads may use it.
// On Postgres it returns ctx as it is.
func (s *Store) snapshot(ctx context.Context) (_ context.Context, end func()) {
	if s.dialect != SQLite || ctx.Value(snapshotKey{}) != nil {
		return ctx, func() {}
	}
	tx := s.r.WithContext(ctx).Begin()
	if tx.Error != nil {
		return ctx, func() {} // each read takes a connection of its own
	}
	return context.WithValue(ctx, snapshotKey{}, tx), func() { tx.Rollback() }
}

// write runs fn in one write transaction. SQLite's writer connection begins
// it IMMEDIATE, so it holds the write lock from the start and never fails
// with a busy snapshot; a busy database (another process) is retried with
// backoff, so "database is locked" never reaches a caller.
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.eng != nil {
		return s.eng.Write(ctx, fn)
	}
	return s.writeDirect(ctx, func(tx *gorm.DB) error {
		if s.dialect == Postgres {
			// The clock of the statistics first, as every write's triggers
			// take it, so that no two writes wait for each other's locks
			// (summary.go).
			if err := tx.Exec("SELECT 1 FROM stats_clock FOR SHARE").Error; err != nil {
				return err
			}
		}
		return fn(tx)
	})
}

// writeDirect runs fn in a transaction of its own, again while the
// database is busy or the transaction was chosen to break a deadlock.
func (s *Store) writeDirect(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		err = s.w.WithContext(ctx).Transaction(fn)
		if err == nil {
			return nil
		}
		if !isBusy(err) {
			err, _ = sqlite.Refused(err)
			return err
		}
		backoff := time.Duration(10<<attempt)*time.Millisecond + time.Duration(rand.IntN(10))*time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
	return err
}

// isBusy reports whether a Postgres transaction was chosen to break a
// deadlock, which is worth trying again.
func isBusy(err error) bool { return strings.Contains(err.Error(), "SQLSTATE 40P01") }

// newID returns a new UUIDv7: time-ordered, so inserts stay at the end of
// the primary-key index.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// translate maps driver errors to the store's kinds.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound), errors.Is(err, sql.ErrNoRows):
		return newErr(ErrNotFound, "%s not found", what)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return newErr(ErrConflict, "%s conflicts with an existing record", what)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return newErr(ErrConflict, "%s is still referenced by other records, or refers to one that does not exist", what)
	}
	return err
}

// SetClock replaces the store's clock: tests of expiry use it, and so does
// the demonstration data, which is written as of the days it describes.
func (s *Store) SetClock(now func() time.Time) {
	s.now = func() time.Time { return now().UTC().Truncate(time.Microsecond) }
}

// Now is the store's clock, in UTC to the microsecond.
func (s *Store) Now() time.Time { return s.now() }

// Backup writes a consistent copy of the SQLite database to path while the
// server keeps running (VACUUM INTO reads one snapshot). Postgres
// deployments back up with pg_dump.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return errors.New("backup copies SQLite databases; back up Postgres with pg_dump")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists", path)
	}
	if err := s.w.WithContext(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return err
	}
	// VACUUM may renumber rowids, which key the text indexes: the copy's
	// are made again from its records.
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, stmt := range rebuildTextSQL {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("rebuild the backup's text index: %w", err)
		}
	}
	return tx.Commit()
}

// ExecForTest runs a raw statement on the writer. Tests use it to prove
// that the database itself refuses what the store never offers.
func (s *Store) ExecForTest(ctx context.Context, stmt string) error {
	return s.w.WithContext(ctx).Exec(stmt).Error
}
