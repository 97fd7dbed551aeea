package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"liaison/models"
)

// Hand-written SQL for the hot read paths. GORM builds most queries; the
// few that run on every request of the busiest routes (authentication, a
// meeting's detail, the attendance, topics and counts of a page) are written
// out and scanned column by column, because building the same SQL and
// scanning by reflection cost more than running it.
// They are written with "?" placeholders; rebind turns them into "$n" for
// Postgres.

// query runs a hand-written read query on the read pool, or in ctx's
// snapshot. The drivers keep each connection's statements prepared, by
// SQL text.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	db, err := s.pool(ctx)
	if err != nil {
		return nil, err
	}
	return db.QueryContext(ctx, s.rebind(q), args...)
}

// querier is what both the read pool and a transaction offer the
// hand-written reads.
type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// pool is what the hand-written reads of ctx run on: the read pool, or
// the transaction of ctx's snapshot.
func (s *Store) pool(ctx context.Context) (querier, error) {
	if snap, ok := ctx.Value(snapshotKey{}).(*gorm.DB); ok {
		return snap.Statement.ConnPool.(*sql.Tx), nil
	}
	return s.r.DB()
}

// queryRow runs a hand-written read query that returns at most one row.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) (*sql.Row, error) {
	db, err := s.pool(ctx)
	if err != nil {
		return nil, err
	}
	return db.QueryRowContext(ctx, s.rebind(q), args...), nil
}

// rebind numbers the placeholders for Postgres.
func (s *Store) rebind(q string) string {
	if s.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// inList is "?,?,…" and the arguments for ids. The list is padded to the
// next of a few lengths by repeating the first id (harmless in IN), so that
// pages of any size share a handful of prepared statements.
func inList(ids []string) (string, []any) {
	n := len(ids)
	for _, size := range []int{1, 2, 4, 8, 16, 32, 64, 128, 256} {
		if n <= size {
			n = size
			break
		}
	}
	args := make([]any, n)
	for i := range args {
		if i < len(ids) {
			args[i] = ids[i]
		} else {
			args[i] = ids[0]
		}
	}
	return strings.TrimSuffix(strings.Repeat("?,", n), ","), args
}

// meetingColumns are the columns scanMeeting reads, in its order.
const meetingColumns = `meetings.id, meetings.title, meetings.starts_at, meetings.ends_at, meetings.timezone, meetings.location,
	meetings.modality, meetings.kind, meetings.status, meetings.tlp, meetings.summary, meetings.public_readout,
	meetings.host_organization_id, meetings.follow_up_of_id, meetings.version, meetings.created_by, meetings.created_at, meetings.updated_at`

// scanMeeting reads meetingColumns (then extra destinations) from a row.
func scanMeeting(row interface{ Scan(...any) error }, m *models.Meeting, extra ...any) error {
	dest := append([]any{&m.ID, &m.Title, &m.StartsAt, &m.EndsAt, &m.Timezone, &m.Location,
		&m.Modality, &m.Kind, &m.Status, (*string)(&m.TLP), &m.Summary, &m.PublicReadout,
		&m.HostOrganizationID, &m.FollowUpOfID, &m.Version, &m.CreatedBy, &m.CreatedAt, &m.UpdatedAt}, extra...)
	return row.Scan(dest...)
}

// organizationColumns are the summary columns scanOrganization reads.
const organizationColumns = `o.id, o.name, o.kind, o.sector, o.country`

// scanAll runs q (a GORM query selecting the columns scan reads) and scans
// every row by hand, without GORM's reflection.
func scanAll[T any](q *gorm.DB, scan func(*sql.Rows, *T) error) ([]T, error) {
	rs, err := q.Rows()
	if err != nil {
		return nil, err
	}
	return scanRows(rs, scan)
}

// scanRows scans every row of rs by hand, and closes it.
func scanRows[T any](rs *sql.Rows, scan func(*sql.Rows, *T) error) ([]T, error) {
	defer rs.Close()
	var out []T
	for rs.Next() {
		var v T
		if err := scan(rs, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rs.Err()
}

// execTx runs one hand-written statement in the transaction tx, without
// GORM's statement building: for the writes the committer runs most.
func (s *Store) execTx(tx *gorm.DB, q string, args ...any) (sql.Result, error) {
	return tx.Statement.ConnPool.ExecContext(tx.Statement.Context, s.rebind(q), args...)
}
