package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/mattn/go-sqlite3"
)

// authorized counts the authorizer's calls on the connections of the
// test driver below. SQLite asks the authorizer while it prepares a
// statement, never while it runs one: calls that go on growing as the same
// prepared statement runs again mean that it is being prepared again.
var authorized atomic.Int64

func init() {
	sql.Register("sqlite3_plan_probe", &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			c.RegisterAuthorizer(func(int, string, string, string) int {
				authorized.Add(1)
				return sqlite3.SQLITE_OK
			})
			return nil
		},
	})
}

// A prepared statement whose plan SQLite would otherwise tie to its bound
// values (an equality on an indexed column, a bound LIMIT, a LIKE pattern)
// must not be parsed and planned again on every run: the driver clears the
// bindings after each use, which would undo every statement cache.
func TestPreparedStatementsKeepTheirPlan(t *testing.T) {
	db, err := sql.Open("sqlite3_plan_probe", "file:"+filepath.Join(t.TempDir(), "plans.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	for _, q := range []string{
		`CREATE TABLE items (id TEXT PRIMARY KEY, owner TEXT, due TEXT, title TEXT)`,
		`CREATE INDEX items_owner ON items (owner, due, id)`,
		`INSERT INTO items VALUES ('a', 'p1', '2026-01-01', 'alpha'), ('b', 'p1', '2026-02-01', 'beta'), ('c', 'p2', '2026-03-01', 'gamma')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, query string
		args        []any
		rows        int
	}{
		{"indexed equality and bound limit", `SELECT id FROM items WHERE owner = ? AND due < ? ORDER BY due, id LIMIT ?`, []any{"p1", "2026-12-31", 1}, 1},
		{"like pattern", `SELECT id FROM items WHERE title LIKE ? ORDER BY id`, []any{"a%"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stmt, err := db.PrepareContext(ctx, tc.query)
			if err != nil {
				t.Fatal(err)
			}
			defer stmt.Close()
			var afterFirst int64
			for run := range 5 {
				rs, err := stmt.QueryContext(ctx, tc.args...)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for rs.Next() {
					n++
				}
				if err := rs.Close(); err != nil {
					t.Fatal(err)
				}
				if n != tc.rows {
					t.Fatalf("run %d: %d rows, want %d", run, n, tc.rows)
				}
				if run == 0 {
					afterFirst = authorized.Load()
				}
			}
			if again := authorized.Load() - afterFirst; again != 0 {
				t.Errorf("the statement was prepared again as it ran: %d more authorizer calls after its first run", again)
			}
		})
	}
}
