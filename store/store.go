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
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"liaison/models"
)

// Dialect names the database behind a Store.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store wraps the database. For SQLite it holds two pools: w, one connection
// that every write goes through (so writers queue in Go, never in SQLite's
// lock), and r, a pool of read-only connections. For Postgres both are the
// same pool.
type Store struct {
	w, r    *gorm.DB
	dialect Dialect
	path    string // SQLite file path
	now     func() time.Time

	// commits counts committed write transactions (the statistics cache
	// is exact while it has not moved).
	commits atomic.Uint64
	stats   statsCache
	// noStatsCache computes every statistic afresh (no read caches).
	noStatsCache bool
	k            int       // see anonymity.go
	stmts        stmtCache // prepared hand-written read queries (rawsql.go)
	// Meeting details and token callers, valid while commits has not
	// moved (readcache.go).
	details *genCache[*MeetingView]
	// A meeting as a list shows it (host, topics, attendees), per
	// visibility class, under the same rule (ListMeetings).
	listItems *genCache[*MeetingView]
	// An action item as lists show it, per caller class (ListActionItems).
	itemViews *genCache[*ActionItemView]
	tokens    *genCache[tokenEntry]
	authGen   atomic.Uint64 // moved by identityChanged; what tokens is checked against
	// Person, organisation and topic summaries (directory.go).
	people *genCache[*models.Person]
	orgs   *genCache[*models.Organization]
	topics *genCache[*models.Topic]
	dirGen atomic.Uint64 // moved by directoryChanged

	// walkOnly: lists never fetch a filter's few rows (fewMeetings,
	// fewDue) but always walk their sort's index; tests compare the two.
	walkOnly bool

	// Group commit (SQLite): writes queue here for the committer goroutine.
	writes        chan *writeReq
	stop, stopped chan struct{}
	// The background checkpointer (checkpoint.go).
	ckptStop, ckptDone chan struct{}
	// logLong is set by the checkpointer when the committer should start
	// the write-ahead log again (checkpoint.go).
	logLong atomic.Bool
	// logRestarts counts the RESTART checkpoints the committer has run to
	// completion (for the tests).
	logRestarts atomic.Int64
}

// Options tune Open.
type Options struct {
	// Synchronous is SQLite's synchronous pragma; FULL unless set.
	Synchronous string
	// ReadConns caps the read pool; 0 means a sensible default.
	ReadConns int
	// CacheMiB is the writer connection's SQLite page cache; 0 means 8 MiB.
	// Index inserts land all over the B-trees; 12 MiB once measured 10-15 %
	// more durable creates per second than 8; in the fourth round of
	// measurements the two measured the same (2,787 and 2,798/s), and the
	// 4 MiB it saves went to the readers. Bulk loads set more.
	CacheMiB int
	// NoReadCache turns off the meeting detail, token and directory caches
	// (readcache.go, directory.go), to measure or rule them out.
	NoReadCache bool
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
	// The read caches are this process's own: on Postgres, other servers
	// write too, and a change of disclosure, TLP, attendance or role must
	// hold on every server at the next request, so nothing is cached there.
	noCache := opt.NoReadCache || dialect == Postgres
	ttl := func(d time.Duration) time.Duration {
		if noCache {
			return 0 // a cache with no TTL keeps nothing
		}
		return d
	}
	s := &Store{now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		details: newGenCache[*MeetingView](ttl(detailTTL)), listItems: newGenCache[*MeetingView](ttl(detailTTL)).withCap(listItemCap),
		itemViews: newGenCache[*ActionItemView](ttl(detailTTL)).withCap(listItemCap), tokens: newGenCache[tokenEntry](ttl(tokenTTL)),
		people: newGenCache[*models.Person](ttl(dirTTL)), orgs: newGenCache[*models.Organization](ttl(dirTTL)),
		topics: newGenCache[*models.Topic](ttl(dirTTL))}
	cfg := &gorm.Config{
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		// GORM's timestamps follow the store's clock (SetClock in tests).
		NowFunc: func() time.Time { return s.now() },
	}
	s.noStatsCache = noCache
	s.k = opt.K
	if s.k <= 0 {
		s.k = DefaultK
	}
	switch dialect {
	case Postgres:
		db, err := gorm.Open(postgres.New(postgres.Config{DSN: dsn}), cfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		s.w, s.r, s.dialect = db, db, Postgres
	default:
		if opt.MustExist {
			if _, err := os.Stat(path); err != nil {
				return nil, fmt.Errorf("no database at %s", path)
			}
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create database folder: %w", err)
			}
		}
		sync := opt.Synchronous
		if sync == "" {
			sync = "FULL"
		}
		// busy_timeout comes first so that setting WAL itself waits on a busy
		// file; foreign keys are per connection and must be on for every one.
		q := url.Values{}
		q.Set("_busy_timeout", strconv.Itoa(busyTimeoutMS))
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", sync)
		q.Set("_foreign_keys", "on")
		q.Set("_txlock", "immediate")
		cache := opt.CacheMiB
		if cache <= 0 {
			cache = 8
		}
		q.Set("_cache_size", strconv.Itoa(-cache*1024))
		// The writer keeps the statements the group committer runs over and
		// over prepared (the driver's own cache, by SQL text).
		q.Set("_stmt_cache_size", "64")
		// It gathers each commit's log writes into a few calls (walwrites.go).
		if vfs := writerVFS(sync); vfs != "" {
			q.Set("vfs", vfs)
		}

		wdb, err := gorm.Open(sqlite.New(sqlite.Config{DriverName: writerDriver, DSN: "file:" + path + "?" + q.Encode()}), cfg)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		wsql, _ := wdb.DB()
		wsql.SetMaxOpenConns(1)
		wsql.SetMaxIdleConns(1)
		wsql.SetConnMaxLifetime(0)

		q.Del("_stmt_cache_size")
		q.Del("vfs")
		// The checkpointer: one connection of the default driver, so that
		// it keeps automatic checkpoints too should it ever write. It copies
		// log frames to the file and needs no page cache to speak of.
		q.Set("_cache_size", "-256")
		ckdb, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
		if err != nil {
			return nil, fmt.Errorf("open sqlite checkpointer: %w", err)
		}
		ckdb.SetMaxOpenConns(1)
		ckdb.SetMaxIdleConns(1)

		q.Set("_txlock", "deferred")
		q.Set("mode", "ro")
		// Readers share the OS page cache; a small private cache each keeps
		// the resident size of the pool modest. 2 MiB each holds what one
		// overdue list probes for visibility (about 450 pages), and measured
		// that list 1.5 times as fast as 1 MiB; 4 MiB took the server's peak
		// RSS over a whole load run past its 100 MB budget. The writer's
		// cache gave up the 4 MiB the readers took.
		q.Set("_cache_size", "-2048")
		q.Del("_journal_mode")
		// Readers keep their statements prepared: parsing and planning the
		// same SQL on every request costs more than running it.
		rcfg := *cfg
		rcfg.PrepareStmt = true
		// Bounded: lists and statistics with their many combinations of
		// filters have thousands of texts, and each one kept prepared on
		// every reader holds memory.
		rcfg.PrepareStmtMaxSize = 256
		rdb, err := gorm.Open(sqlite.Open("file:"+path+"?"+q.Encode()), &rcfg)
		if err != nil {
			ckdb.Close()
			return nil, fmt.Errorf("open sqlite reader: %w", err)
		}
		rsql, _ := rdb.DB()
		n := opt.ReadConns
		if n <= 0 {
			// SQLite reads run on the CPU; more connections than cores
			// only add page caches and contention.
			n = max(4, 2*runtime.NumCPU())
		}
		rsql.SetMaxOpenConns(n)
		rsql.SetMaxIdleConns(n)
		s.w, s.r, s.dialect, s.path = wdb, rdb, SQLite, path
		s.writes, s.stop, s.stopped = make(chan *writeReq), make(chan struct{}), make(chan struct{})
		go s.committer()
		s.ckptStop, s.ckptDone = make(chan struct{}), make(chan struct{})
		go checkpointer(ckdb, &s.logLong, s.ckptStop, s.ckptDone)
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

// Close closes the pools; for SQLite it checkpoints the WAL first.
func (s *Store) Close() error {
	if s.stop != nil {
		close(s.stop)
		<-s.stopped
	}

	if s.ckptStop != nil {
		close(s.ckptStop)
		<-s.ckptDone
	}
	s.closeStmts()
	if s.dialect == SQLite {
		s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	var errs []error
	for _, db := range uniqueDBs(s.w, s.r) {
		if sqlDB, err := db.DB(); err == nil {
			errs = append(errs, sqlDB.Close())
		}
	}
	return errors.Join(errs...)
}

func uniqueDBs(w, r *gorm.DB) []*gorm.DB {
	if w == r {
		return []*gorm.DB{w}
	}
	return []*gorm.DB{w, r}
}

// read returns the read pool bound to ctx.
func (s *Store) read(ctx context.Context) *gorm.DB { return s.r.WithContext(ctx) }

// write runs fn in one write transaction. SQLite's writer connection begins
// it IMMEDIATE, so it holds the write lock from the start and never fails
// with a busy snapshot; a busy database (another process) is retried with
// backoff, so "database is locked" never reaches a caller.
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.writes != nil {
		return s.writeGrouped(ctx, fn)
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
			s.commits.Add(1)
			return nil
		}
		if !isBusy(err) {
			err, _ = refused(err)
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

func isBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database table is locked") ||
		strings.Contains(msg, "SQLSTATE 40P01") // Postgres: deadlock detected
}

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
	defer s.identityChanged()
	defer s.directoryChanged()
	defer s.commits.Add(1) // a change like any other: caches must not outlive it
	return s.w.WithContext(ctx).Exec(stmt).Error
}
