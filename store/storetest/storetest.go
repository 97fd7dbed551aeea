// Package storetest opens fresh, migrated stores for tests: a temporary
// SQLite file always, and a private schema on Postgres when
// LIAISON_TEST_POSTGRES_URL is set.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"liaison/store"
)

// PostgresURL is the server the Postgres runs use, if any.
func PostgresURL() string { return os.Getenv("LIAISON_TEST_POSTGRES_URL") }

// Dialects lists the databases to run each test against. Without a
// Postgres server the Postgres runs are skipped with a message, not left
// out, so that a test run says what it did not test.
func Dialects() []store.Dialect { return []store.Dialect{store.SQLite, store.Postgres} }

// Each runs fn as a subtest against every available database.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) { fn(t, Open(t, d)) })
	}
}

// DSN returns a connection string for a fresh, empty database of the
// dialect, dropped when the test ends.
func DSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return "sqlite://" + filepath.Join(t.TempDir(), "liaison.db")
	}
	base := PostgresURL()
	if base == "" {
		t.Skip("Postgres not configured: set LIAISON_TEST_POSTGRES_URL (.ci/run does)")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("connect to postgres: %v", err)
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if db, err := admin.DB(); err == nil {
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("bad LIAISON_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a migrated store on a fresh database, closed when the test ends.
func Open(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	var dsn string
	if d == store.SQLite {
		dsn = migratedSQLite(t)
	} else {
		dsn = DSN(t, d)
	}
	s, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// migrated is a SQLite database file as migrating an empty one leaves it,
// made once per test binary: migrating from nothing takes seconds, as
// SQLite reads its schema again after every statement that changes it.
var migrated struct {
	once sync.Once
	file []byte
	err  error
}

// migratedSQLite writes a copy of the migrated database file into the
// test's temporary folder and returns its connection string.
func migratedSQLite(t testing.TB) string {
	t.Helper()
	migrated.once.Do(func() {
		path := filepath.Join(t.TempDir(), "template.db")
		s, err := store.Open(context.Background(), "sqlite://"+path, store.Options{})
		if err != nil {
			migrated.err = err
			return
		}
		if _, err := s.Migrate(context.Background()); err != nil {
			s.Close()
			migrated.err = err
			return
		}
		if err := s.Close(); err != nil { // copies the log into the file
			migrated.err = err
			return
		}
		migrated.file, migrated.err = os.ReadFile(path)
	})
	if migrated.err != nil {
		t.Fatalf("migrate a template database: %v", migrated.err)
	}
	path := filepath.Join(t.TempDir(), "liaison.db")
	if err := os.WriteFile(path, migrated.file, 0o600); err != nil {
		t.Fatal(err)
	}
	return "sqlite://" + path
}
