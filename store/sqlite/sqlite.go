// Package sqlite is the store's SQLite engine: it opens the database file
// with its pragmas, keeps one writer connection that every write goes
// through in batches (group commit, commit.go), a pool of read-only
// connections, and a background checkpointer (checkpoint.go). What the
// data means lives in package store.
package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"
	gormsqlite "gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// Options tune Open.
type Options struct {
	// Synchronous is SQLite's synchronous pragma; FULL unless set.
	Synchronous string
	// ReadConns caps the read pool; 0 means twice the cores, at least 4.
	ReadConns int
	// CacheMiB is the writer connection's page cache; 0 means 8 MiB.
	// Bulk loads set more.
	CacheMiB int
	// MustExist refuses a database file that is not there yet, rather
	// than creating it (for backup).
	MustExist bool
}

// DB is an open SQLite database.
type DB struct {
	// Writer is the one writer connection. Only the committer writes
	// through it while the database is open; others may use it for
	// statements that must see every commit (VACUUM INTO).
	Writer *gorm.DB
	// Reader is the pool of read-only connections.
	Reader *gorm.DB
	// Path is the database file.
	Path string

	// Commits counts committed write transactions.
	Commits atomic.Uint64

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

// writerDriver is the SQLite driver of the writer connection, registered
// by Open on first use.
const writerDriver = "sqlite3_liaison_writer"

var registerWriter sync.Once

// logKeepBytes is the longest the log's file stays once the log starts
// again, twice the length at which the checkpointer has it started again:
// the log is then overwritten in place rather than grown anew.
const logKeepBytes = 512 << 20

// stmtCacheSize is how many prepared statements each connection keeps,
// by SQL text (the driver's cache): parsing and planning the same SQL on
// every request costs more than running it. 32 serve the mixed run as
// fast as 256 do, with much less memory (docs/PERFORMANCE.md).
const stmtCacheSize = 32

// Open opens (or creates) the database at path. cfg configures GORM on
// both pools.
func Open(path string, cfg *gorm.Config, opt Options) (*DB, error) {
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
	registerWriter.Do(func() {
		sql.Register(writerDriver, &sqlite3.SQLiteDriver{
			ConnectHook: func(c *sqlite3.SQLiteConn) error {
				// The checkpointer copies the log back, never the writer
				// (checkpoint.go); a log that a burst made longer than
				// logKeepBytes is cut back to that when it starts again.
				// Savepoint journals stay in memory: an import's savepoint
				// per row would otherwise write every page it changes to a
				// temporary file (three times the import's time).
				_, err := c.Exec("PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = "+strconv.Itoa(logKeepBytes), nil)
				return err
			},
		})
	})
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
	q.Set("_stmt_cache_size", strconv.Itoa(stmtCacheSize))
	cache := opt.CacheMiB
	if cache <= 0 {
		cache = 8
	}
	q.Set("_cache_size", strconv.Itoa(-cache*1024))
	wdb, err := gorm.Open(gormsqlite.New(gormsqlite.Config{DriverName: writerDriver, DSN: "file:" + path + "?" + q.Encode()}), cfg)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	wsql, _ := wdb.DB()
	wsql.SetMaxOpenConns(1)
	wsql.SetMaxIdleConns(1)
	wsql.SetConnMaxLifetime(0)

	// The checkpointer: one connection of the default driver, so that it
	// keeps automatic checkpoints should it ever write. It copies log
	// frames to the file and needs no page cache to speak of.
	q.Del("_stmt_cache_size")
	q.Set("_cache_size", "-256")
	ckdb, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		wsql.Close()
		return nil, fmt.Errorf("open sqlite checkpointer: %w", err)
	}
	ckdb.SetMaxOpenConns(1)
	ckdb.SetMaxIdleConns(1)

	// Readers share the OS page cache; a small private cache each keeps
	// the resident size of the pool modest.
	q.Set("_txlock", "deferred")
	q.Set("mode", "ro")
	q.Set("_cache_size", "-2048")
	q.Set("_stmt_cache_size", strconv.Itoa(stmtCacheSize))
	q.Del("_journal_mode")
	rdb, err := gorm.Open(gormsqlite.Open("file:"+path+"?"+q.Encode()), cfg)
	if err != nil {
		wsql.Close()
		ckdb.Close()
		return nil, fmt.Errorf("open sqlite reader: %w", err)
	}
	rsql, _ := rdb.DB()
	n := opt.ReadConns
	if n <= 0 {
		// Reads run on the CPU; more connections than cores only add
		// page caches and contention.
		n = max(4, 2*runtime.NumCPU())
	}
	rsql.SetMaxOpenConns(n)
	rsql.SetMaxIdleConns(n)

	db := &DB{Writer: wdb, Reader: rdb, Path: path,
		writes: make(chan *writeReq), stop: make(chan struct{}), stopped: make(chan struct{}),
		ckptStop: make(chan struct{}), ckptDone: make(chan struct{})}
	go db.committer()
	go checkpointer(ckdb, &db.logLong, db.ckptStop, db.ckptDone)
	return db, nil
}

// Close stops the committer and the checkpointer, copies the log back
// into the database file, and closes both pools.
func (s *DB) Close() error {
	close(s.stop)
	<-s.stopped
	close(s.ckptStop)
	<-s.ckptDone
	s.Writer.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	var errs []error
	for _, db := range []*gorm.DB{s.Writer, s.Reader} {
		if sqlDB, err := db.DB(); err == nil {
			errs = append(errs, sqlDB.Close())
		}
	}
	return errors.Join(errs...)
}

// isBusy reports whether err is the database busy with another process's
// lock, which is worth trying again.
func isBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database table is locked")
}
