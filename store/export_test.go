package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// The statistics as a scan of every row the caller may see computes them:
// the summaries must agree with it.

// visibleIn is every meeting c may see in r.
func visibleIn(d Dialect, c Caller, r StatsRange) scope {
	return func(q *gorm.DB) *gorm.DB { return r.apply(meetingVisible(d, c)(q)) }
}

func (s *Store) ScanStatsOverview(ctx context.Context, c Caller, r StatsRange) (*Overview, error) {
	db := s.read(ctx)
	var oc overviewCounts
	if err := s.scanCounts(db, visibleIn(s.dialect, c, r), &oc); err != nil {
		return nil, err
	}
	return s.overview(db, c, r, plan{everyone: span{empty: true}, audiences: span{empty: true}}, &oc)
}

func (s *Store) ScanStatsMeetings(ctx context.Context, c Caller, groupBy string, r StatsRange) ([]Bucket, error) {
	var rows []meetingRow
	if groupBy == "sector" {
		// Counted in one query, independently of sectorRows.
		sector := "o.sector"
		var args []any
		if !c.Privileged() {
			sector = "CASE WHEN NOT " + s.shownRowSQL("a") + " AND " + s.smallSectorSQL("o.sector") +
				" AND NOT EXISTS (SELECT 1 FROM attendees mx WHERE mx.meeting_id = a.meeting_id AND mx.person_id = ? AND mx.attendance IN " + attendingStatuses + ")" +
				" THEN 'withheld' ELSE o.sector END"
			args = append(args, c.PersonID)
		}
		err := meetingsIn(s.read(ctx), visibleIn(s.dialect, c, r)).
			Joins("JOIN (SELECT a.meeting_id AS mid, "+sector+" AS sector FROM attendees a JOIN organizations o ON o.id = a.organization_id "+
				"UNION SELECT m2.id, o2.sector FROM meetings m2 JOIN organizations o2 ON o2.id = m2.host_organization_id) gs ON gs.mid = meetings.id AND gs.sector <> ''", args...).
			Select("gs.sector AS k, '' AS l, meetings.tlp AS tlp, COUNT(*) AS n").Group("gs.sector, meetings.tlp").Scan(&rows).Error
		return meetingBuckets(rows, false), err
	}
	if err := s.scanMeetingGroups(s.read(ctx), c, groupBy, visibleIn(s.dialect, c, r), &rows); err != nil {
		return nil, err
	}
	return meetingBuckets(rows, groupBy == "month"), nil
}

func (s *Store) ScanStatsActionItems(ctx context.Context, c Caller, groupBy string, r StatsRange) ([]Bucket, error) {
	var rows []itemRow
	if err := s.scanItemGroups(s.read(ctx), c, groupBy, visibleIn(s.dialect, c, r), &rows); err != nil {
		return nil, err
	}
	return s.itemBuckets(c, r, rows, groupBy == "month"), nil
}

// SetWalkOnly makes lists walk their sort's index whatever their filters.
func (s *Store) SetWalkOnly(on bool) { s.walkOnly = on }

// StaleTags counts the rows of meeting_tags that differ from what the
// meetings, their attendance and topics make (none on Postgres, which has
// no such table).
func (s *Store) StaleTags(ctx context.Context) (int, error) {
	if s.dialect != SQLite {
		return 0, nil
	}
	cols := "tag, id, shown, " + strings.Join(tagColumns, ", ")
	var n int
	err := s.r.WithContext(ctx).Raw("SELECT (SELECT COUNT(*) FROM (SELECT " + cols + " FROM meeting_tags EXCEPT SELECT * FROM (" + tagRows() + "))) + (SELECT COUNT(*) FROM (SELECT * FROM (" +
		tagRows() + ") EXCEPT SELECT " + cols + " FROM meeting_tags))").Scan(&n).Error
	return n, err
}

// Recount makes the tables that triggers keep again from the records.
func (s *Store) Recount(ctx context.Context) error { return s.write(ctx, s.recount) }

// DerivedRows lists the rows of the tables that triggers keep, as text:
// the summaries' counts (shards added up, zeros left out), the search
// text, and on SQLite the meetings' tags.
func (s *Store) DerivedRows(ctx context.Context) ([]string, error) {
	var qs []string
	for _, sum := range currentSummaries(s.dialect).sums {
		keys := "aud, period, tlp, " + strings.Join(sum.cols, ", ")
		counts, nonzero := []string{"SUM(n)"}, "SUM(n) <> 0"
		if len(sum.counts) > 0 {
			counts, nonzero = nil, "FALSE"
			for _, c := range sum.counts {
				counts, nonzero = append(counts, "SUM("+c.name+")"), nonzero+" OR SUM("+c.name+") <> 0"
			}
		}
		qs = append(qs, "SELECT '"+sum.table+"', "+keys+", "+strings.Join(counts, ", ")+" FROM "+sum.table+" GROUP BY "+keys+" HAVING "+nonzero)
	}
	if s.dialect == Postgres {
		// (Its words, stripped of positions: a topic's place in
		// topics_text follows no order.)
		qs = append(qs, "SELECT id, strip(search)::text FROM meetings")
	} else {
		qs = append(qs, "SELECT docid, body, topics FROM meeting_text", "SELECT docid, body FROM action_item_text",
			"SELECT tag, id, shown, "+strings.Join(tagColumns, ", ")+" FROM meeting_tags")
	}
	var out []string
	for _, q := range qs {
		rows, err := s.r.WithContext(ctx).Raw(q).Rows()
		if err != nil {
			return nil, err
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			line := make([]string, len(vals))
			for i, v := range vals {
				line[i] = fmt.Sprint(v.String, v.Valid)
			}
			out = append(out, strings.Join(line, "|"))
		}
		rows.Close()
	}
	slices.Sort(out)
	return out, nil
}

// Setting is the value of a Postgres setting on a connection of the store.
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := s.r.WithContext(ctx).Raw("SELECT current_setting(?)", name).Scan(&v).Error
	return v, err
}
