package store

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// NewID returns a new time-ordered id (UUIDv7), for rows built outside the
// store, such as synthetic volume.
func NewID() string { return newID() }

// BulkInsert writes slices of models in one transaction, in the order given,
// in batches, without auditing: it is for generated data (seed --meetings),
// never for a user's change.
func (s *Store) BulkInsert(ctx context.Context, slices ...any) error {
	return s.write(ctx, func(tx *gorm.DB) error { return insertAll(tx, slices) })
}

func insertAll(tx *gorm.DB, slices []any) error {
	for _, rows := range slices {
		if err := tx.CreateInBatches(rows, 400).Error; err != nil {
			return err
		}
	}
	return nil
}

// BulkLoad runs load, whose insert writes slices of models as BulkInsert
// does. On Postgres, when the store's user is a superuser, insert skips
// the triggers (the transaction's replication role) and the tables they
// keep are made again from the records at the end (recount): one pass per
// table rather than PL/pgSQL per row, which slows as the tables grow.
// Otherwise insert is BulkInsert.
func (s *Store) BulkLoad(ctx context.Context, load func(insert func(slices ...any) error) error) error {
	super := "off"
	if s.dialect == Postgres {
		if err := s.w.WithContext(ctx).Raw("SELECT current_setting('is_superuser')").Scan(&super).Error; err != nil {
			return err
		}
	}
	if super != "on" {
		return load(func(slices ...any) error { return s.BulkInsert(ctx, slices...) })
	}
	// fn in a transaction whose triggers do not fire.
	untriggered := func(fn func(tx *gorm.DB) error) error {
		return s.write(ctx, func(tx *gorm.DB) error {
			if err := tx.Exec("SET LOCAL session_replication_role = replica").Error; err != nil {
				return err
			}
			return fn(tx)
		})
	}
	err := load(func(slices ...any) error {
		return untriggered(func(tx *gorm.DB) error { return insertAll(tx, slices) })
	})
	if err != nil {
		return err
	}
	return untriggered(s.recount)
}

// recount makes every table that triggers keep again from the records:
// the statistics' summaries, and the search text (and, on SQLite, the
// meetings' tags). Writers wait for it.
func (s *Store) recount(tx *gorm.DB) error {
	var stmts []string
	if s.dialect == Postgres {
		// (The planner's statistics first: after a load, autovacuum may
		// not yet have gathered them.)
		stmts = append(stmts, "LOCK TABLE organizations, topics, meetings, attendees, meeting_topics, action_items IN SHARE MODE",
			"ANALYZE organizations, topics, meetings, attendees, meeting_topics, action_items",
			"UPDATE meetings SET topics_text = meeting_topics_text(id) WHERE topics_text IS DISTINCT FROM meeting_topics_text(id)")
	} else {
		stmts = append(append(stmts, rebuildTextSQL...), "DELETE FROM meeting_tags",
			"INSERT INTO meeting_tags (tag, id, shown, "+strings.Join(tagColumns, ", ")+") "+tagRows())
	}
	g := currentSummaries(s.dialect)
	for _, sum := range g.sums {
		stmts = append(append(stmts, "DELETE FROM "+sum.table), g.deltas(sum, "", source(sum.base, sum.base), "", allAudiences)...)
	}
	for _, q := range stmts {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}
