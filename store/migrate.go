package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SchemaVersion is the version this build of Liaison expects.
var SchemaVersion = len(migrations)

func (s *Store) dialectSQL(stmt string) string {
	ts := "DATETIME"
	if s.dialect == Postgres {
		ts = "TIMESTAMPTZ"
	}
	return strings.ReplaceAll(stmt, "{TS}", ts)
}

// Migrate applies every migration the database has not recorded yet, each
// in its own transaction together with its row in schema_migrations.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	if err := s.w.WithContext(ctx).Exec(s.dialectSQL(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at {TS} NOT NULL)`)).Error; err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	if s.dialect == Postgres {
		// Several servers may start at once: one migrates, the others wait.
		return s.migratePostgres(ctx)
	}
	n, err := s.migrateFrom(ctx, s.w)
	if err != nil {
		return n, err
	}
	return n, s.migrateQueue(ctx)
}

func (s *Store) migratePostgres(ctx context.Context) (int, error) {
	var applied int
	err := s.w.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if err := conn.Exec("SELECT pg_advisory_lock(74201)").Error; err != nil {
			return err
		}
		defer conn.Exec("SELECT pg_advisory_unlock(74201)")
		n, err := s.migrateFrom(ctx, conn)
		applied = n
		if err != nil {
			return err
		}
		return s.migrateQueue(ctx) // on other connections, while this one holds the lock
	})
	return applied, err
}

func (s *Store) migrateFrom(ctx context.Context, db *gorm.DB) (int, error) {
	current, err := currentVersion(db)
	if err != nil {
		return 0, err
	}
	if current > len(migrations) {
		return 0, fmt.Errorf("database schema version %d is newer than this build (%d)", current, len(migrations))
	}
	applied := 0
	for i := current; i < len(migrations); i++ {
		m := migrations[i]
		stmts := append([]string{}, m.statements...)
		if s.dialect == Postgres {
			stmts = append(stmts, m.postgres...)
		} else {
			stmts = append(stmts, m.sqlite...)
		}
		err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			for _, st := range stmts {
				if err := tx.Exec(s.dialectSQL(st)).Error; err != nil {
					return fmt.Errorf("migration %d (%s): %w", i+1, m.name, err)
				}
			}
			return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				i+1, m.name, time.Now().UTC()).Error
		})
		if err != nil {
			return applied, err
		}
		applied++
	}
	return applied, nil
}

func currentVersion(db *gorm.DB) (int, error) {
	var v *int
	if err := db.Raw("SELECT MAX(version) FROM schema_migrations").Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

// CheckSchema refuses to serve a database whose schema is not this build's.
func (s *Store) CheckSchema(ctx context.Context) error {
	v, err := currentVersion(s.read(ctx))
	if err != nil {
		return err
	}
	if v != SchemaVersion {
		return fmt.Errorf("database schema is at version %d, this build needs %d: run `liaison migrate`", v, SchemaVersion)
	}
	return nil
}
