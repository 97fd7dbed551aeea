package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

// Statistics are answered from summary tables that triggers keep up to
// date in the same transaction as every write. Each row counts live
// records by an audience, the TLP of their meeting, a period of the
// meeting's start ("*" for all time, "m:2025-01" for a month,
// "d:2025-01-15" for a UTC day) and the dimensions the statistics group
// by (the owners' summary counts some of them in columns instead). The audience is "" for every meeting (what staff see, and with the
// TLP limited to CLEAR and GREEN what every user sees), "o:<id>" for the
// AMBER meetings an organisation sees (it hosts one or is on its
// attendance) and "p:<id>" for the RED meetings a person attends: a
// caller's figures are those of its three audiences.
//
// A change to an action item or a topic link adds or subtracts its
// contribution to each audience of its meeting. A change to attendance or
// to a meeting may change who the meeting's audiences are: the meeting's
// contributions to them are subtracted before the change and added after
// it. A live meeting is never deleted outright (meetings are deleted by
// marking them), so nothing cascades from one.
//
// An open action item's due class ("o" overdue, "s" due in the next seven
// days, "" otherwise) is kept relative to the day in stats_clock, which
// the store moves to its today before it reads (rollStatsClock).

// summary is one summary table: its key columns beyond audience, period
// and tlp, the expressions that compute them from a source row r of its
// base table and the row's meeting m, and which rows count.
type summary struct {
	table string
	base  string   // the table whose rows it counts
	cols  []string // key columns
	exprs []string // their values, over r, m and the clock k
	where string   // which rows of base count ("" for all)
	clock bool     // exprs read the clock
	count string   // what a row adds; COUNT(*) when empty
	tlp   string   // the tlp column's value; m.tlp when empty
	// With counts, a key's rows are counted in columns rather than in n:
	// each column adds the rows whose values of dims ("expr AS name")
	// pass its condition. A statistic then reads one row per key.
	dims   []string
	counts []countColumn
}

// countColumn is a count of a summary with counts: its column, and the
// condition over the summary's dims that a row must pass to add to it.
type countColumn struct{ name, cond string }

// dueClassSQL is an action item's due class, as a column of r.
const dueClassSQL = `CASE WHEN r.status IN ('open','in_progress','blocked') AND r.due_on IS NOT NULL THEN
	CASE WHEN r.due_on < k.day THEN 'o' WHEN r.due_on <= k.soon THEN 's' ELSE '' END ELSE '' END`

// overdueClassSQL is "o" for an overdue action item r, "" otherwise.
const overdueClassSQL = `CASE WHEN r.status IN ('open','in_progress','blocked') AND r.due_on < k.day THEN 'o' ELSE '' END`

// sharedClassSQL is the TLP of a meeting m as a class: GREEN for the
// markings every user sees (CLEAR, GREEN), AMBER for the others. A reader
// tells them apart as it does TLPs: tlp IN ('CLEAR','GREEN').
const sharedClassSQL = `CASE WHEN m.tlp IN ('CLEAR','GREEN') THEN 'GREEN' ELSE 'AMBER' END`

// ownerHiddenSQL tells, of an action item r, whether its owner
// organisation is withheld from those who were not in the room by the
// organisation's own attendance rows (withheldOrgSQL): "h" when every row
// withholds it, "q" when it is withheld only if the organisation has fewer
// than k people (some rows are organisation-only with a person), "" when
// a row shows it or it has none.
const ownerHiddenSQL = `CASE WHEN r.owner_organization_id IS NULL THEN ''
	WHEN EXISTS (SELECT 1 FROM attendees w WHERE w.meeting_id = r.meeting_id AND w.organization_id = r.owner_organization_id
		AND (w.disclosure = 'public' OR (w.disclosure = 'organization_only' AND w.person_id IS NULL))) THEN ''
	WHEN EXISTS (SELECT 1 FROM attendees w WHERE w.meeting_id = r.meeting_id AND w.organization_id = r.owner_organization_id
		AND w.disclosure = 'organization_only') THEN 'q'
	WHEN EXISTS (SELECT 1 FROM attendees w WHERE w.meeting_id = r.meeting_id AND w.organization_id = r.owner_organization_id) THEN 'h'
	ELSE '' END`

// summaries are the summary tables as they are now; summaries13 those
// that migration 13 made, summaries24 those of the migrations after it
// until the owners were recounted, and summaries28 those until the
// owners' rows became one per owner (their SQL must not change).
var (
	summaries   = append(slices.DeleteFunc(slices.Clone(summaries28), func(s summary) bool { return s.table == itemOwners.table }), ownerCounts)
	summaries28 = append(slices.DeleteFunc(slices.Clone(summaries24), func(s summary) bool { return s.table == itemOwners.table }), itemOwners)
	summaries24 = append(append([]summary{}, summaries13...), closeMillis)
	summaries13 = []summary{
		{table: "stats_meetings", base: "meetings", cols: []string{"status", "kind"}, exprs: []string{"m.status", "m.kind"}},
		{table: "stats_hosts", base: "meetings", cols: []string{"host"}, exprs: []string{"m.host_organization_id"}},
		{table: "stats_topics", base: "meeting_topics", cols: []string{"topic"}, exprs: []string{"r.topic_id"}},
		{table: "stats_attendance", base: "attendees", cols: []string{"disclosure"}, exprs: []string{"r.disclosure"}},
		{table: "stats_items", base: "action_items", cols: []string{"status", "priority", "due"},
			exprs: []string{"r.status", "r.priority", dueClassSQL}, where: "r.deleted_at IS NULL", clock: true},
		{table: "stats_item_months", base: "action_items", cols: []string{"month", "due"},
			exprs: []string{"COALESCE(substr(r.due_on, 1, 7), '')", dueClassSQL}, where: "r.deleted_at IS NULL", clock: true},
		{table: "stats_item_owners", base: "action_items", cols: []string{"owner", "hidden", "due"},
			exprs: []string{"COALESCE(r.owner_organization_id, '')", ownerHiddenSQL, dueClassSQL}, where: "r.deleted_at IS NULL", clock: true},
		// A meeting counts once in each sector of its host and attendance (as
		// staff see them: statsMeetings corrects for those who are not).
		{table: "stats_sectors", base: "sectors", cols: []string{"sector"}, exprs: []string{"o.sector"}, where: "o.sector <> ''", count: "COUNT(DISTINCT m.id)"},
		{table: "stats_close", base: "action_items", cols: []string{"days"},
			// (The status as a value: through the index by status and days to
			// close, SQLite would walk every completed item to count one
			// meeting's.)
			exprs: []string{"{FLOOR r.days_to_close}"}, where: "r.deleted_at IS NULL AND (r.status || '') = 'done' AND r.days_to_close IS NOT NULL"},
	}
	// The days to close by thousandths of a day: the median finds the
	// thousandth that holds the middle value here, and reads the few
	// values of that thousandth alone (medianDaysToClose).
	closeMillis = summary{table: "stats_close_millis", base: "action_items", cols: []string{"millis"},
		exprs: []string{"{FLOOR r.days_to_close * 1000}"}, where: "r.deleted_at IS NULL AND (r.status || '') = 'done' AND r.days_to_close IS NOT NULL"}
	// Action items by owner keep only what the grouping by owner reads:
	// whether the meeting is shared with every user, and whether the item
	// is overdue. A month holds about four times fewer rows than with
	// every TLP and due class, and a statistic reads months of them.
	itemOwners = summary{table: "stats_item_owners", base: "action_items", cols: []string{"owner", "hidden", "due"},
		exprs: []string{"COALESCE(r.owner_organization_id, '')", ownerHiddenSQL, overdueClassSQL}, where: "r.deleted_at IS NULL", clock: true,
		tlp: sharedClassSQL}
	// Action items by owner, one row per owner and period: a column per
	// shared class, withholding and overdue class (ownerColumns), so that
	// a range reads one row per owner rather than one per combination.
	ownerCounts = summary{table: "stats_item_owners", base: "action_items", cols: []string{"owner"},
		exprs: []string{"COALESCE(r.owner_organization_id, '')"}, where: "r.deleted_at IS NULL", clock: true, tlp: "''",
		dims:   []string{sharedClassSQL + " AS shared", ownerHiddenSQL + " AS hidden", overdueClassSQL + " AS due"},
		counts: ownerColumns()}
)

// ownerColumns are the counts of the owners' summary: n_ (items) or o_
// (overdue items), then g (meetings every user sees) or a (the others),
// then nothing (the owner shown), h (withheld) or q (withheld when the
// organisation has fewer than k people), as ownerHiddenSQL tells.
func ownerColumns() []countColumn {
	var out []countColumn
	for _, kind := range []string{"n", "o"} {
		for _, shared := range []string{"g", "a"} {
			for _, hidden := range []string{"", "h", "q"} {
				cond := "shared = '" + map[string]string{"g": "GREEN", "a": "AMBER"}[shared] + "' AND hidden = '" + hidden + "'"
				if kind == "o" {
					cond += " AND due = 'o'"
				}
				out = append(out, countColumn{name: kind + "_" + shared + hidden, cond: cond})
			}
		}
	}
	return out
}

// audience is one way a meeting's contributions reach an audience: its
// key, and the join and condition that yield the audience's rows for the
// meeting m.
type audience struct{ key, join, where string }

var (
	everyone = audience{key: "''"}
	// The organisation hosting an AMBER meeting.
	hostAudience = audience{key: "'o:' || m.host_organization_id", where: "m.tlp IN ('AMBER','AMBER+STRICT')"}
	// The organisations on an AMBER meeting's attendance (each once, and
	// not the host), and the people on a RED meeting's.
	attendeeAudience = audience{
		key:  "CASE WHEN m.tlp = 'RED' THEN 'p:' || au.person_id ELSE 'o:' || au.organization_id END",
		join: ", attendees au",
		where: "au.meeting_id = m.id AND au.attendance IN " + attendingStatuses + " AND (" +
			"(m.tlp IN ('AMBER','AMBER+STRICT') AND au.organization_id <> m.host_organization_id" +
			" AND NOT EXISTS (SELECT 1 FROM attendees a2 WHERE a2.organization_id = au.organization_id AND a2.meeting_id = au.meeting_id" +
			" AND a2.attendance IN " + attendingStatuses + " AND a2.id < au.id))" +
			" OR (m.tlp = 'RED' AND au.person_id IS NOT NULL))",
	}
	allAudiences  = []audience{everyone, hostAudience, attendeeAudience}
	someAudiences = []audience{hostAudience, attendeeAudience} // all but everyone
)

// baseColumns are the columns of each base table that the summaries read;
// a trigger builds its source row from them.
var baseColumns = map[string][]string{
	"meetings":       {"id", "starts_at", "tlp", "status", "kind", "host_organization_id", "deleted_at"},
	"meeting_topics": {"meeting_id", "topic_id"},
	"attendees":      {"id", "meeting_id", "person_id", "organization_id", "attendance", "disclosure"},
	"action_items":   {"meeting_id", "status", "priority", "due_on", "owner_organization_id", "days_to_close", "deleted_at"},
	"organizations":  {"sector"},
}

// summaryGen writes the SQL of the summary tables sums in one dialect.
// With shards (Postgres), each summary row is split into that many rows,
// and a write adds to the one of its connection: concurrent transactions
// then rarely wait for each other's hold on the same row, as they did on
// the few rows that every new meeting or item of a kind adds to. Reads
// add the shards up with the rest.
type summaryGen struct {
	d      Dialect
	sums   []summary
	shards int
	// quarters adds rows by quarter of a year ("q:2025-2") to every
	// audience's, which a range of months reads in their place.
	quarters bool
	// audienceDays adds rows by day to the organisations' and people's
	// audiences, as everyone's have: a range that starts or ends within a
	// month then reads its days there rather than scanning meetings.
	audienceDays bool
	// onlyDays makes deltas write rows by day alone (addAudienceDays).
	onlyDays bool
}

// summaryShards is how many rows each Postgres summary row is split into.
const summaryShards = 8

// currentSummaries writes the SQL of the summary tables as they are now:
// days for every audience on both databases.
func currentSummaries(d Dialect) summaryGen {
	g := summaries29(d)
	g.audienceDays = true
	return g
}

// summaries29 writes them as migration 29 made them (its SQL must not
// change): one owners' row per owner, and no days for the audiences but
// everyone on Postgres.
func summaries29(d Dialect) summaryGen {
	g := summaries25(d)
	if d == SQLite {
		g = summaries27(d)
	}
	g.sums = summaries
	return g
}

// summaries25 writes the SQL of the summary tables as migration 25 left
// them (its SQL must not change): no days for the audiences but everyone.
func summaries25(d Dialect) summaryGen {
	g := summaryGen{d: d, sums: summaries28, quarters: true}
	if d == Postgres {
		g.shards = summaryShards
	}
	return g
}

// summaries27 writes them as migration 27 made them on SQLite: days for
// every audience (on Postgres since migration 30).
func summaries27(d Dialect) summaryGen {
	g := summaries25(d)
	g.audienceDays = true
	return g
}

// day is the UTC day of the timestamp expression ts, as YYYY-MM-DD.
func (g summaryGen) day(ts string) string {
	if g.d == Postgres {
		return "to_char(" + ts + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "date(" + ts + ")"
}

// floor writes "{FLOOR x}" as the whole days of x (never negative):
// SQLite's cast truncates, and its floor needs a build option; Postgres's
// cast rounds.
func (g summaryGen) floor(expr string) string {
	x, ok := strings.CutPrefix(expr, "{FLOOR ")
	if !ok {
		return expr
	}
	x = strings.TrimSuffix(x, "}")
	if g.d == Postgres {
		return "CAST(floor(" + x + ") AS INTEGER)"
	}
	return "CAST(" + x + " AS INTEGER)"
}

func (g summaryGen) distinct() string {
	if g.d == Postgres {
		return " IS DISTINCT FROM "
	}
	return " IS NOT "
}

// rowOf is a one-row source of the given columns of a trigger's row ref
// (NEW or OLD).
func rowOf(ref string, cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = ref + "." + c + " AS " + c
	}
	return "(SELECT " + strings.Join(parts, ", ") + ")"
}

// source is the base table's rows joined to their meetings: rows either
// of the table itself or of a trigger's row.
func source(base, row string) string {
	switch base {
	case "meetings":
		return row + " m"
	case "sectors":
		return sectorsOf("meetings", "SELECT id FROM meetings")
	}
	return row + " r JOIN meetings m ON m.id = r.meeting_id"
}

// sectorsOf is the organisations (o) of the hosts and attendance of the
// meetings m of the table or row meetings whose ids the query ids gives.
func sectorsOf(meetings, ids string) string {
	return meetings + " m JOIN (SELECT meeting_id AS mid, organization_id AS oid FROM attendees WHERE meeting_id IN (" + ids + ")" +
		" UNION ALL SELECT id, host_organization_id FROM meetings WHERE id IN (" + ids + ")) x ON x.mid = m.id JOIN organizations o ON o.id = x.oid"
}

// sectorsOfRow is sectorsOf for a trigger's meeting row ref, whose host is
// the row's, whatever the table holds.
func sectorsOfRow(ref string) string {
	return rowOf(ref, baseColumns["meetings"]) + " m JOIN (SELECT meeting_id AS mid, organization_id AS oid FROM attendees WHERE meeting_id = " + ref + ".id" +
		" UNION ALL SELECT " + ref + ".id, " + ref + ".host_organization_id) x ON x.mid = m.id JOIN organizations o ON o.id = x.oid"
}

// sectorDeltas add sign times the sector counts of the meetings of src
// that pass cond to the given audiences.
func (g summaryGen) sectorDeltas(src, cond, sign string, auds []audience) []string {
	for _, sum := range g.sums {
		if sum.base == "sectors" {
			return g.deltas(sum, sign, src, cond, auds)
		}
	}
	return nil
}

// ownersOfMeeting adds sign times the owners of the action items of the
// meeting whose id is the expression id (those the organisation org owns,
// when org is not ""), as the tables stand, to everyone's rows, when cond
// holds.
func (g summaryGen) ownersOfMeeting(id, org, cond, sign string) []string {
	where := "m.id = " + id
	if cond != "" {
		where += " AND " + cond
	}
	if org != "" {
		where += " AND r.owner_organization_id = " + org
	}
	for _, sum := range g.sums {
		if sum.table == "stats_item_owners" {
			return g.deltas(sum, sign, source(sum.base, sum.base), where+" AND r.meeting_id = "+id, []audience{everyone})
		}
	}
	return nil
}

// sectorsOfMeeting is sectorDeltas for the meeting whose id is the
// expression id, as the tables stand, when cond holds.
func (g summaryGen) sectorsOfMeeting(id, cond, sign string, auds []audience) []string {
	where := "m.id = " + id
	if cond != "" {
		where += " AND " + cond
	}
	return g.sectorDeltas(sectorsOf("meetings", "SELECT "+id), where, sign, auds)
}

// deltas are the statements that add sign ("" or "-") times the
// contribution of the rows of source (which names the base row r and its
// meeting m) that pass cond to sum, for each of the audiences.
func (g summaryGen) deltas(sum summary, sign, src, cond string, auds []audience) []string {
	keys := append([]string{"aud", "period", "tlp"}, sum.cols...)
	month := "'m:' || substr(" + g.day("m.starts_at") + ", 1, 7)"
	period := "CASE g.g WHEN '*' THEN '*' WHEN 'm' THEN " + month
	if g.quarters {
		period += " WHEN 'q' THEN " + quarterOf(month)
	}
	period += " ELSE 'd:' || " + g.day("m.starts_at") + " END"
	groups := make([]string, len(keys))
	for i := range keys {
		groups[i] = strconv.Itoa(i + 1)
	}
	var out []string
	for _, a := range auds {
		grains := "(SELECT '*' AS g UNION ALL SELECT 'm'"
		if g.quarters {
			grains += " UNION ALL SELECT 'q'"
		}
		if a == everyone || g.audienceDays {
			grains += " UNION ALL SELECT 'd'"
		}
		grains += ") g"
		if g.onlyDays {
			grains = "(SELECT 'd' AS g) g"
		}
		tlp := sum.tlp
		if tlp == "" {
			tlp = "m.tlp"
		}
		sel := []string{a.key, period, tlp}
		for _, e := range sum.exprs {
			sel = append(sel, g.floor(e))
		}
		from := src + a.join + ", " + grains
		if sum.clock {
			from += ", stats_clock k"
		}
		where := []string{"m.deleted_at IS NULL"}
		for _, w := range []string{sum.where, a.where, cond} {
			if w != "" {
				where = append(where, w)
			}
		}
		count := sum.count
		if count == "" {
			count = "COUNT(*)"
		}
		conflict := strings.Join(keys, ", ")
		cols := conflict
		if g.shards > 0 {
			cols += ", shard"
			conflict += ", shard"
			sel = append(sel, "pg_backend_pid() % "+strconv.Itoa(g.shards))
		}
		if len(sum.counts) == 0 {
			out = append(out, "INSERT INTO "+sum.table+" ("+cols+", n) SELECT "+strings.Join(sel, ", ")+", "+sign+count+
				" FROM "+from+" WHERE "+strings.Join(where, " AND ")+" GROUP BY "+strings.Join(groups, ", ")+
				" ON CONFLICT ("+conflict+") DO UPDATE SET n = "+sum.table+".n + excluded.n")
			continue
		}
		// The rows counted by key and dims, then each count's rows added
		// up per key.
		inner := make([]string, len(keys))
		for i, k := range keys {
			inner[i] = sel[i] + " AS " + k
		}
		inner = append(inner, sum.dims...)
		innerGroups := make([]string, len(inner))
		for i := range inner {
			innerGroups[i] = strconv.Itoa(i + 1)
		}
		outer := slices.Clone(keys)
		if g.shards > 0 {
			outer = append(outer, sel[len(keys)])
		}
		names, set := make([]string, len(sum.counts)), make([]string, len(sum.counts))
		for i, c := range sum.counts {
			names[i] = c.name
			outer = append(outer, sign+"SUM(CASE WHEN "+c.cond+" THEN x.n ELSE 0 END)")
			set[i] = c.name + " = " + sum.table + "." + c.name + " + excluded." + c.name
		}
		out = append(out, "INSERT INTO "+sum.table+" ("+cols+", "+strings.Join(names, ", ")+") SELECT "+strings.Join(outer, ", ")+
			" FROM (SELECT "+strings.Join(inner, ", ")+", "+count+" AS n FROM "+from+" WHERE "+strings.Join(where, " AND ")+
			" GROUP BY "+strings.Join(innerGroups, ", ")+") x WHERE TRUE GROUP BY "+strings.Join(groups, ", ")+
			" ON CONFLICT ("+conflict+") DO UPDATE SET "+strings.Join(set, ", "))
	}
	return out
}

// rowDeltas add sign times the contribution of the trigger row ref of
// base to the given audiences.
func (g summaryGen) rowDeltas(base, ref, sign string, auds []audience) []string {
	var out []string
	for _, sum := range g.sums {
		if sum.base == base {
			out = append(out, g.deltas(sum, sign, source(base, rowOf(ref, baseColumns[base])), "", auds)...)
		}
	}
	return out
}

// meetingDeltas add sign times the contributions of everything that
// hangs off the meeting row ref, as that row has it, to everyone.
func (g summaryGen) moveDeltas(ref, sign string) []string {
	var out []string
	for _, sum := range g.sums {
		if sum.base != "meetings" && sum.base != "sectors" { // a meeting's sectors move with its own rows
			m := rowOf(ref, []string{"id", "starts_at", "tlp", "deleted_at"})
			out = append(out, g.deltas(sum, sign, sum.base+" r JOIN "+m+" m ON m.id = r.meeting_id", "r.meeting_id = "+ref+".id", []audience{everyone})...)
		}
	}
	return out
}

// (The per-meeting statements name the meeting on the counted rows too:
// through its meeting, SQLite, which has no statistics here, would count
// one meeting's completed items by walking every completed item.)

// audienceDeltas add sign times all the contributions of the meeting
// whose id is the expression id (when cond holds) to its audiences but
// everyone, as the tables are now.
func (g summaryGen) audienceDeltas(id, cond, sign string) []string {
	where := "m.id = " + id
	if cond != "" {
		where += " AND " + cond
	}
	var out []string
	for _, sum := range g.sums {
		src := source(sum.base, sum.base)
		switch sum.base {
		case "sectors", "meetings":
			if sum.base == "sectors" {
				src = sectorsOf("meetings", "SELECT "+id)
			}
			out = append(out, g.deltas(sum, sign, src, where, someAudiences)...)
			continue
		}
		out = append(out, g.deltas(sum, sign, src, where+" AND r.meeting_id = "+id, someAudiences)...)
	}
	return out
}

// create is the DDL of the summary tables, their triggers and their first
// filling; the clock starts at the database's today.
func (g summaryGen) create() []string {
	today, soon := "date('now')", "date('now', '+7 days')"
	if g.d == Postgres {
		today, soon = "to_char(current_date, 'YYYY-MM-DD')", "to_char(current_date + 7, 'YYYY-MM-DD')"
	}
	out := []string{
		`CREATE TABLE stats_clock (id INTEGER PRIMARY KEY, day TEXT NOT NULL, soon TEXT NOT NULL)`,
		`INSERT INTO stats_clock (id, day, soon) VALUES (1, ` + today + `, ` + soon + `)`,
	}
	return append(append(out, g.tables(g.sums)...), g.triggers()...)
}

// add is the statements that add the summary tables more to those of old:
// old's triggers go, the new tables are made and filled, and the triggers
// of g (old's summaries and more) are made.
func (g summaryGen) add(old summaryGen, more []summary) []string {
	return append(append(old.dropTriggers(), g.tables(more)...), g.triggers()...)
}

// retrigger is the statements that make g's triggers again.
func (g summaryGen) retrigger() []string {
	return append(g.dropTriggers(), g.triggers()...)
}

// dropTriggers is the statements that drop g's triggers.
func (g summaryGen) dropTriggers() []string {
	var out []string
	for _, t := range g.triggerSets() {
		name := "stats_" + t.base
		if g.d == Postgres {
			out = append(out, "DROP FUNCTION IF EXISTS "+name+"_before() CASCADE", "DROP FUNCTION IF EXISTS "+name+"() CASCADE")
			continue
		}
		for _, event := range []string{"_insert_before", "_insert", "_delete_before", "_delete", "_update_before", "_update", "_move"} {
			out = append(out, "DROP TRIGGER IF EXISTS "+name+event)
			for i := 1; i < maxGuards; i++ {
				out = append(out, "DROP TRIGGER IF EXISTS "+name+event+"_"+strconv.Itoa(i))
			}
		}
	}
	if g.d == Postgres {
		return append(out, "DROP FUNCTION IF EXISTS stats_meetings_delete_live() CASCADE")
	}
	return append(out, "DROP TRIGGER IF EXISTS stats_meetings_delete_live")
}

// withoutRowid is the statements that make g's summary tables (SQLite)
// tables without rowids, whose rows are their primary key's B-tree: a
// statistic reads a range of it in key order, rather than looking up
// each row of an index range in the table.
func (g summaryGen) withoutRowid() []string {
	out := g.dropTriggers()
	for _, sum := range g.sums {
		out = append(out, strings.Replace(tableDDL(sum, false), "CREATE TABLE "+sum.table+" ", "CREATE TABLE "+sum.table+"_new ", 1)+" WITHOUT ROWID",
			"INSERT INTO "+sum.table+"_new SELECT * FROM "+sum.table,
			"DROP TABLE "+sum.table,
			"ALTER TABLE "+sum.table+"_new RENAME TO "+sum.table)
	}
	return append(out, g.triggers()...)
}

// shard is the statements that split the rows of old's summary tables
// into g's shards (Postgres): each table gains a shard column in its
// primary key, and the triggers are made again to add to it.
func (g summaryGen) shard(old summaryGen) []string {
	var out []string
	for _, sum := range g.sums {
		out = append(out, "ALTER TABLE "+sum.table+" ADD COLUMN shard INTEGER NOT NULL DEFAULT 0",
			"ALTER TABLE "+sum.table+" DROP CONSTRAINT "+sum.table+"_pkey",
			"ALTER TABLE "+sum.table+" ADD PRIMARY KEY (aud, period, tlp, "+strings.Join(sum.cols, ", ")+", shard)")
	}
	return append(out, g.add(old, nil)...)
}

// recount is the statements that make the summary table of sum again
// from the rows, as g keeps it (its rows may have other keys than
// before), and g's triggers.
func (g summaryGen) recount(sum summary) []string {
	ddl := tableDDL(sum, g.shards > 0)
	if g.d == SQLite {
		ddl += " WITHOUT ROWID"
	}
	out := append(g.dropTriggers(), "DROP TABLE "+sum.table, ddl)
	out = append(out, g.deltas(sum, "", source(sum.base, sum.base), "", allAudiences)...)
	return append(out, g.triggers()...)
}

// quarterOf is the quarter key ("q:2025-2") of the month key ("m:2025-04")
// that the expression month gives.
func quarterOf(month string) string {
	return "'q:' || substr(" + month + ", 3, 4) || '-' || CAST((CAST(substr(" + month + ", 8, 2) AS INTEGER) + 2) / 3 AS TEXT)"
}

// addQuarters is the statements that add rows by quarter to g's summary
// tables, each the sum of its months' rows, and make g's triggers, which
// keep them.
func (g summaryGen) addQuarters() []string {
	out := g.dropTriggers()
	for _, sum := range g.sums {
		keys := append([]string{"aud", "period", "tlp"}, sum.cols...)
		if g.shards > 0 {
			keys = append(keys, "shard")
		}
		sel := slices.Clone(keys)
		sel[1] = quarterOf("period")
		groups := make([]string, len(keys))
		for i := range keys {
			groups[i] = strconv.Itoa(i + 1)
		}
		out = append(out, "INSERT INTO "+sum.table+" ("+strings.Join(keys, ", ")+", n) SELECT "+strings.Join(sel, ", ")+", SUM(n) FROM "+sum.table+
			" WHERE period >= 'm:' AND period < 'm;' GROUP BY "+strings.Join(groups, ", "))
	}
	return append(out, g.triggers()...)
}

// addAudienceDays is the statements that add rows by day to the
// summaries of every audience but everyone, counted from the rows, and
// make g's triggers, which keep them.
func (g summaryGen) addAudienceDays() []string {
	out := g.dropTriggers()
	days := g
	days.onlyDays = true
	for _, sum := range g.sums {
		out = append(out, days.deltas(sum, "", source(sum.base, sum.base), "", someAudiences)...)
	}
	return append(out, g.triggers()...)
}

// tables is the DDL of the summary tables sums and their first filling.
func (g summaryGen) tables(sums []summary) []string {
	var out []string
	for _, sum := range sums {
		out = append(out, tableDDL(sum, false))
		out = append(out, g.deltas(sum, "", source(sum.base, sum.base), "", allAudiences)...)
	}
	return out
}

// tableDDL makes the summary table sum, with a shard column in its key
// when shard is set (Postgres).
func tableDDL(sum summary, shard bool) string {
	cols := []string{"aud TEXT NOT NULL", "period TEXT NOT NULL", "tlp TEXT NOT NULL"}
	for _, c := range sum.cols {
		typ := "TEXT"
		if c == "days" || c == "millis" {
			typ = "INTEGER"
		}
		cols = append(cols, c+" "+typ+" NOT NULL")
	}
	key := append([]string{"aud", "period", "tlp"}, sum.cols...)
	if shard {
		cols = append(cols, "shard INTEGER NOT NULL DEFAULT 0")
		key = append(key, "shard")
	}
	if len(sum.counts) == 0 {
		cols = append(cols, "n INTEGER NOT NULL")
	}
	for _, c := range sum.counts {
		cols = append(cols, c.name+" INTEGER NOT NULL")
	}
	return "CREATE TABLE " + sum.table + " (" + strings.Join(cols, ", ") + ", PRIMARY KEY (" + strings.Join(key, ", ") + "))"
}

// triggers is the DDL of the triggers that keep g's summaries.
func (g summaryGen) triggers() []string {
	if g.d == Postgres {
		return g.postgresTriggers()
	}
	return g.sqliteTriggers()
}

// changed is the condition that one of cols differs between OLD and NEW.
func (g summaryGen) changed(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "OLD." + c + g.distinct() + "NEW." + c
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// movedSQL is true when a meeting's update moves what hangs off it: its
// day, its TLP or whether it is live changed.
func (g summaryGen) movedSQL() string {
	op := g.distinct()
	return "(" + g.day("OLD.starts_at") + op + g.day("NEW.starts_at") + " OR OLD.tlp" + op + "NEW.tlp OR (OLD.deleted_at IS NULL)" + op + "(NEW.deleted_at IS NULL))"
}

// guarded is some of a trigger's statements and the condition (over NEW
// and OLD, "" for none) without which they would change nothing: a write
// that cannot reach an audience skips the statements for it at the cost of
// one test.
type guarded struct {
	when  string
	stmts []string
}

// triggerSet is the statements of a base table's triggers, by when they
// run; the dialects wrap them.
type triggerSet struct {
	base                      string
	insertBefore, insertAfter []guarded
	deleteBefore, deleteAfter []guarded
	updateBefore, updateAfter []guarded
	moveAfter                 []guarded // meetings: after an update that moves what hangs off it
	lockMeeting               string    // Postgres: how a write locks the row's meeting
}

// restricted is the TLPs whose meetings reach audiences other than
// everyone.
const restricted = "IN ('AMBER','AMBER+STRICT','RED')"

// restrictedMeeting is the condition that the meeting of a trigger's row
// ref is AMBER or RED.
func restrictedMeeting(base, ref string) string {
	if base == "meetings" {
		return ref + ".tlp " + restricted
	}
	return "(SELECT tlp FROM meetings WHERE id = " + ref + ".meeting_id) " + restricted
}

// newSector is the condition that the attendance row ref brings its
// meeting a sector no other row or its host brings: only then does adding
// or removing the row change the meeting's sectors.
func newSector(ref string) string {
	sector := "(SELECT sector FROM organizations WHERE id = " + ref + ".organization_id)"
	return sector + " <> '' AND NOT EXISTS (SELECT 1 FROM attendees a JOIN organizations o ON o.id = a.organization_id" +
		" WHERE a.meeting_id = " + ref + ".meeting_id AND a.id <> " + ref + ".id AND o.sector = " + sector + ")" +
		" AND NOT EXISTS (SELECT 1 FROM meetings h JOIN organizations o ON o.id = h.host_organization_id" +
		" WHERE h.id = " + ref + ".meeting_id AND o.sector = " + sector + ")"
}

// ownsItems is the condition that the organisation of the attendance row
// ref owns an action item of its meeting: only then can the row change
// whether an owner is withheld.
func ownsItems(ref string) string {
	return "EXISTS (SELECT 1 FROM action_items WHERE meeting_id = " + ref + ".meeting_id AND owner_organization_id = " + ref + ".organization_id)"
}

func (g summaryGen) triggerSets() []triggerSet {
	everyoneOnly := []audience{everyone}
	both := func(a, b []string) []string { return append(append([]string{}, a...), b...) }
	always := func(stmts ...[]string) guarded {
		var out []string
		for _, s := range stmts {
			out = append(out, s...)
		}
		return guarded{stmts: out}
	}
	var sets []triggerSet
	// Meetings: their own rows reach every audience. A change of who may
	// see one, or of its keys, is taken out of its audiences before and
	// put back after; for everyone, the old row is subtracted and the new
	// added, and what hangs off it moves when its day, TLP or liveness
	// changes.
	sets = append(sets, triggerSet{base: "meetings",
		insertAfter: []guarded{
			always(g.rowDeltas("meetings", "NEW", "", everyoneOnly), g.sectorDeltas(sectorsOfRow("NEW"), "", "", everyoneOnly)),
			{restrictedMeeting("meetings", "NEW"), both(g.rowDeltas("meetings", "NEW", "", someAudiences), g.sectorDeltas(sectorsOfRow("NEW"), "", "", someAudiences))},
		},
		updateBefore: []guarded{{restrictedMeeting("meetings", "OLD"), g.audienceDeltas("OLD.id", "", "-")}},
		updateAfter: []guarded{
			always(g.rowDeltas("meetings", "OLD", "-", everyoneOnly), g.rowDeltas("meetings", "NEW", "", everyoneOnly),
				g.sectorDeltas(sectorsOfRow("OLD"), "", "-", everyoneOnly), g.sectorDeltas(sectorsOfRow("NEW"), "", "", everyoneOnly)),
			{restrictedMeeting("meetings", "NEW"), g.audienceDeltas("NEW.id", "", "")},
		},
		moveAfter: []guarded{always(g.moveDeltas("OLD", "-"), g.moveDeltas("NEW", ""))},
	})
	// Attendance: its rows count for everyone one by one; a change to one
	// may change who the meeting's audiences are, so the meeting's
	// contributions to them are taken out before and put back after. The
	// meeting's sectors, and which of its items' owners are withheld,
	// change with its attendance for everyone too. An inserted or deleted
	// row changes only its own organisation's sectors and items.
	other := "NEW.meeting_id <> OLD.meeting_id"
	recount := func(ref, sign string) []guarded {
		id := ref + ".meeting_id"
		return []guarded{
			{restrictedMeeting("attendees", ref), g.audienceDeltas(id, "", sign)},
			{newSector(ref), g.sectorsOfMeeting(id, "", sign, everyoneOnly)},
			{ownsItems(ref), g.ownersOfMeeting(id, ref+".organization_id", "", sign)},
		}
	}
	// An update recounts the old meeting and, when the row moves, the new
	// one, whatever the row's organisation.
	recountAll := func(ref, cond, sign string) []guarded {
		id := ref + ".meeting_id"
		return []guarded{
			{restrictedMeeting("attendees", ref), g.audienceDeltas(id, cond, sign)},
			always(g.sectorsOfMeeting(id, cond, sign, everyoneOnly), g.ownersOfMeeting(id, "", cond, sign)),
		}
	}
	sets = append(sets, triggerSet{base: "attendees", lockMeeting: "FOR NO KEY UPDATE",
		insertBefore: recount("NEW", "-"),
		insertAfter:  append([]guarded{always(g.rowDeltas("attendees", "NEW", "", everyoneOnly))}, recount("NEW", "")...),
		deleteBefore: recount("OLD", "-"),
		deleteAfter:  append([]guarded{always(g.rowDeltas("attendees", "OLD", "-", everyoneOnly))}, recount("OLD", "")...),
		updateBefore: append(recountAll("OLD", "", "-"), recountAll("NEW", other, "-")...),
		updateAfter: append(append([]guarded{always(g.rowDeltas("attendees", "OLD", "-", everyoneOnly), g.rowDeltas("attendees", "NEW", "", everyoneOnly))},
			recountAll("OLD", "", "")...), recountAll("NEW", other, "")...),
	})
	// An organisation's sector: the meetings it hosts or attends are
	// counted again under the new one.
	ofOrg := "SELECT meeting_id FROM attendees WHERE organization_id = NEW.id UNION SELECT id FROM meetings WHERE host_organization_id = NEW.id"
	sets = append(sets, triggerSet{base: "organizations",
		updateBefore: []guarded{always(g.sectorDeltas(sectorsOf("meetings", ofOrg), "m.id IN ("+ofOrg+")", "-", allAudiences))},
		updateAfter:  []guarded{always(g.sectorDeltas(sectorsOf("meetings", ofOrg), "m.id IN ("+ofOrg+")", "", allAudiences))},
	})
	// Topic links and action items change no audience: each row's
	// contribution goes to its meeting's audiences.
	for _, base := range []string{"meeting_topics", "action_items"} {
		sets = append(sets, triggerSet{base: base, lockMeeting: "FOR SHARE",
			insertAfter: []guarded{always(g.rowDeltas(base, "NEW", "", everyoneOnly)),
				{restrictedMeeting(base, "NEW"), g.rowDeltas(base, "NEW", "", someAudiences)}},
			deleteAfter: []guarded{always(g.rowDeltas(base, "OLD", "-", everyoneOnly)),
				{restrictedMeeting(base, "OLD"), g.rowDeltas(base, "OLD", "-", someAudiences)}},
			updateAfter: []guarded{always(g.rowDeltas(base, "OLD", "-", everyoneOnly), g.rowDeltas(base, "NEW", "", everyoneOnly)),
				{restrictedMeeting(base, "OLD"), g.rowDeltas(base, "OLD", "-", someAudiences)},
				{restrictedMeeting(base, "NEW"), g.rowDeltas(base, "NEW", "", someAudiences)}},
		})
	}
	return sets
}

// maxGuards bounds how many groups one trigger event has: SQLite makes a
// trigger of each, and dropTriggers drops them by name.
const maxGuards = 8

func (g summaryGen) sqliteTriggers() []string {
	var out []string
	trigger := func(name, event, when string, groups []guarded) {
		if len(groups) > maxGuards {
			panic("summary: too many guarded groups for " + name)
		}
		for i, gr := range groups {
			if len(gr.stmts) == 0 {
				continue
			}
			conds := []string{}
			for _, c := range []string{when, gr.when} {
				if c != "" {
					conds = append(conds, "("+c+")")
				}
			}
			w := ""
			if len(conds) > 0 {
				w = " WHEN " + strings.Join(conds, " AND ")
			}
			n := name
			if i > 0 {
				n += "_" + strconv.Itoa(i)
			}
			out = append(out, "CREATE TRIGGER "+n+" "+event+w+" BEGIN\n"+strings.Join(gr.stmts, ";\n")+";\nEND")
		}
	}
	for _, t := range g.triggerSets() {
		cols := strings.Join(baseColumns[t.base], ", ")
		changed := g.changed(baseColumns[t.base])
		name := "stats_" + t.base
		trigger(name+"_insert_before", "BEFORE INSERT ON "+t.base, "", t.insertBefore)
		trigger(name+"_insert", "AFTER INSERT ON "+t.base, "", t.insertAfter)
		trigger(name+"_delete_before", "BEFORE DELETE ON "+t.base, "", t.deleteBefore)
		trigger(name+"_delete", "AFTER DELETE ON "+t.base, "", t.deleteAfter)
		trigger(name+"_update_before", "BEFORE UPDATE OF "+cols+" ON "+t.base, changed, t.updateBefore)
		trigger(name+"_update", "AFTER UPDATE OF "+cols+" ON "+t.base, changed, t.updateAfter)
		trigger(name+"_move", "AFTER UPDATE OF starts_at, tlp, deleted_at ON "+t.base, g.movedSQL(), t.moveAfter)
	}
	out = append(out, `CREATE TRIGGER stats_meetings_delete_live BEFORE DELETE ON meetings WHEN OLD.deleted_at IS NULL BEGIN
		SELECT RAISE(ABORT, 'a live meeting is deleted by marking it');
	END`)
	return out
}

func (g summaryGen) postgresTriggers() []string {
	var out []string
	block := func(groups []guarded) string {
		var b strings.Builder
		for _, gr := range groups {
			if len(gr.stmts) == 0 {
				continue
			}
			body := strings.Join(gr.stmts, ";\n") + ";\n"
			if gr.when == "" {
				b.WriteString(body)
			} else {
				b.WriteString("IF " + gr.when + " THEN\n" + body + "END IF;\n")
			}
		}
		if b.Len() == 0 {
			return "NULL;\n"
		}
		return b.String()
	}
	for _, t := range g.triggerSets() {
		// A write holds the clock (rollStatsClock) and the meetings it
		// counts under until it commits, so that two writes never count
		// from what the other has not yet committed.
		lock := "PERFORM 1 FROM stats_clock FOR SHARE;\n"
		if t.lockMeeting != "" {
			lock += "IF TG_OP <> 'INSERT' THEN PERFORM 1 FROM meetings WHERE id = OLD.meeting_id " + t.lockMeeting + "; END IF;\n" +
				"IF TG_OP <> 'DELETE' THEN PERFORM 1 FROM meetings WHERE id = NEW.meeting_id " + t.lockMeeting + "; END IF;\n"
		}
		name := "stats_" + t.base
		cols := strings.Join(baseColumns[t.base], ", ")
		when := " WHEN " + g.changed(baseColumns[t.base])
		if len(t.insertBefore)+len(t.deleteBefore)+len(t.updateBefore) > 0 {
			out = append(out, `CREATE FUNCTION `+name+`_before() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
`+lock+`IF TG_OP = 'INSERT' THEN
`+block(t.insertBefore)+`RETURN NEW;
ELSIF TG_OP = 'DELETE' THEN
`+block(t.deleteBefore)+`RETURN OLD;
END IF;
`+block(t.updateBefore)+`RETURN NEW;
END $$`)
			if len(t.insertBefore)+len(t.deleteBefore) > 0 {
				out = append(out, "CREATE TRIGGER "+name+"_before BEFORE INSERT OR DELETE ON "+t.base+" FOR EACH ROW EXECUTE FUNCTION "+name+"_before()")
			}
			if len(t.updateBefore) > 0 {
				out = append(out, "CREATE TRIGGER "+name+"_update_before BEFORE UPDATE OF "+cols+" ON "+t.base+" FOR EACH ROW"+when+" EXECUTE FUNCTION "+name+"_before()")
			}
		}
		move := ""
		if len(t.moveAfter) > 0 {
			move = "IF " + g.movedSQL() + " THEN\n" + block(t.moveAfter) + "END IF;\n"
		}
		out = append(out, `CREATE FUNCTION `+name+`() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
`+lock+`IF TG_OP = 'INSERT' THEN
`+block(t.insertAfter)+`ELSIF TG_OP = 'DELETE' THEN
`+block(t.deleteAfter)+`ELSE
`+block(t.updateAfter)+move+`END IF;
RETURN NULL;
END $$`,
			"CREATE TRIGGER "+name+" AFTER INSERT OR DELETE ON "+t.base+" FOR EACH ROW EXECUTE FUNCTION "+name+"()",
			"CREATE TRIGGER "+name+"_update AFTER UPDATE OF "+cols+" ON "+t.base+" FOR EACH ROW"+when+" EXECUTE FUNCTION "+name+"()")
	}
	out = append(out, `CREATE FUNCTION stats_meetings_delete_live() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'a live meeting is deleted by marking it';
END $$`,
		`CREATE TRIGGER stats_meetings_delete_live BEFORE DELETE ON meetings FOR EACH ROW WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION stats_meetings_delete_live()`)
	return out
}

// roll is the statements that move the clock to a new day: before and
// after take the first and last due day whose class the move can change,
// and subtract and add back the items due then; clock takes the new day
// and the day a week later.
func (g summaryGen) roll() (before []string, clock string, after []string) {
	cond := "r.status IN ('open','in_progress','blocked') AND r.due_on >= ? AND r.due_on <= ?"
	for _, sum := range g.sums {
		if sum.clock {
			before = append(before, g.deltas(sum, "-", source("action_items", "action_items"), cond, allAudiences)...)
			after = append(after, g.deltas(sum, "", source("action_items", "action_items"), cond, allAudiences)...)
		}
	}
	return before, "UPDATE stats_clock SET day = ?, soon = ? WHERE id = 1", after
}

// span is what the summaries answer of a range for some audiences: a
// condition on their period column, the starts it covers, and the parts
// of the range at its ends that rows must answer.
type span struct {
	periods []periods
	covered StatsRange
	edges   []StatsRange
	empty   bool // the summaries answer nothing
}

// periods is the keys of a summary's period column from lo up to hi
// (excluded), or lo alone when hi is "".
type periods struct{ lo, hi string }

func (p periods) sql() (string, []any) {
	if p.hi == "" {
		return "period = ?", []any{p.lo}
	}
	return "period >= ? AND period < ?", []any{p.lo, p.hi}
}

// plan is how a statistic over a range is answered: every audience's
// summaries have days, months, quarters and all time, and rows answer the
// parts of days at the ends of a range. (The audiences' plan is its own,
// as their days came later.)
type plan struct{ everyone, audiences span }

func (s *Store) planRange(r StatsRange, months bool) plan {
	return plan{everyone: planSpan(r, months, true), audiences: planSpan(r, months, currentSummaries(s.dialect).audienceDays)}
}

// planSpan splits r into whole quarters, months, and (with days) whole
// days (UTC), of summary rows, and the parts of days, or of months, at its
// ends.
// Without a range the all-time rows answer, unless months are wanted
// (group_by month).
func planSpan(r StatsRange, months, days bool) span {
	if r.From == nil && r.To == nil {
		if months {
			return span{periods: []periods{{"m:", "m;"}}}
		}
		return span{periods: []periods{{lo: "*"}}}
	}
	var sp span
	from, to := utc(r.From), utc(r.To)
	var lo, hi *time.Time // the whole days, or months, inside r
	if from != nil {
		d := ceilDay(*from)
		if !days {
			d = ceilMonth(d)
		}
		lo = &d
	}
	if to != nil {
		d := floorDay(*to)
		if !days {
			d = floorMonth(d)
		}
		hi = &d
	}
	if lo != nil && hi != nil && !lo.Before(*hi) {
		// Nothing whole inside: the rows answer it all.
		if from.Before(*to) {
			sp.edges = []StatsRange{{From: from, To: to}}
		}
		sp.empty = true
		return sp
	}
	if lo != nil && !lo.Equal(*from) {
		sp.edges = append(sp.edges, StatsRange{From: from, To: lo})
	}
	if hi != nil && !hi.Equal(*to) {
		sp.edges = append(sp.edges, StatsRange{From: hi, To: to})
	}
	sp.covered = StatsRange{From: lo, To: hi}
	add := func(grain string, lo, hi *time.Time) {
		lower, upper := grain+":", grain+";" // every key of the grain
		key := func(t time.Time) string {
			switch grain {
			case "m":
				return t.Format("2006-01")
			case "q":
				return fmt.Sprintf("%d-%d", t.Year(), (int(t.Month())+2)/3)
			}
			return t.Format(time.DateOnly)
		}
		if lo != nil {
			lower += key(*lo)
		}
		if hi != nil {
			upper = grain + ":" + key(*hi)
		}
		sp.periods = append(sp.periods, periods{lower, upper})
	}
	// Whole months are read by quarter where they make one (but to group
	// by month).
	addMonths := func(lo, hi *time.Time) {
		qlo, qhi := mapTime(lo, ceilQuarter), mapTime(hi, floorQuarter)
		if months || qlo != nil && qhi != nil && !qlo.Before(*qhi) {
			add("m", lo, hi)
			return
		}
		add("q", qlo, qhi)
		if lo != nil && lo.Before(*qlo) {
			add("m", lo, qlo)
		}
		if hi != nil && qhi.Before(*hi) {
			add("m", qhi, hi)
		}
	}
	monthFrom, monthTo := mapTime(lo, ceilMonth), mapTime(hi, floorMonth)
	if monthFrom == nil || monthTo == nil || monthFrom.Before(*monthTo) {
		addMonths(monthFrom, monthTo)
		if lo != nil && lo.Before(*monthFrom) {
			add("d", lo, monthFrom)
		}
		if hi != nil && monthTo.Before(*hi) {
			add("d", monthTo, hi)
		}
	} else {
		add("d", lo, hi)
	}
	return sp
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func floorDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func ceilDay(t time.Time) time.Time {
	if d := floorDay(t); !d.Equal(t) {
		return d.AddDate(0, 0, 1)
	}
	return t
}

// mapTime is f(*t), or nil when t is.
func mapTime(t *time.Time, f func(time.Time) time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := f(*t)
	return &v
}

// floorQuarter and ceilQuarter take a month's first day to its quarter's.
func floorQuarter(m time.Time) time.Time {
	return time.Date(m.Year(), m.Month()-(m.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
}

func ceilQuarter(m time.Time) time.Time {
	if q := floorQuarter(m); !q.Equal(m) {
		return q.AddDate(0, 3, 0)
	}
	return m
}

func floorMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func ceilMonth(t time.Time) time.Time {
	if m := floorMonth(t); !m.Equal(t) {
		return m.AddDate(0, 1, 0)
	}
	return t
}

// rollStatsClock moves the summaries' clock to the store's today, so that
// the items' due classes count from it. It writes once a day (and when a
// test moves the store's clock).
func (s *Store) rollStatsClock(ctx context.Context) error {
	today := s.today()
	var day string
	if err := s.read(ctx).Raw("SELECT day FROM stats_clock WHERE id = 1").Scan(&day).Error; err != nil {
		return err
	}
	if day == today.String() {
		return nil
	}
	before, clock, after := currentSummaries(s.dialect).roll()
	write := s.write
	if s.dialect == Postgres {
		write = s.writeDirect // without the shared hold of the clock that writes take
	}
	return write(ctx, func(tx *gorm.DB) error {
		lock := "SELECT day FROM stats_clock WHERE id = 1"
		if s.dialect == Postgres {
			lock += " FOR UPDATE" // waits for the item writes that read the old day
		}
		var old string
		if err := tx.Raw(lock).Scan(&old).Error; err != nil {
			return err
		}
		if old == today.String() {
			return nil
		}
		prev, err := models.ParseDate(old)
		if err != nil {
			return fmt.Errorf("stats clock: %w", err)
		}
		lo, hi := prev, today
		if today.Before(prev.Time) {
			lo, hi = today, prev
		}
		span := []any{lo.String(), hi.AddDays(7).String()}
		for _, st := range before {
			if err := tx.Exec(st, span...).Error; err != nil {
				return err
			}
		}
		if err := tx.Exec(clock, today.String(), today.AddDays(7).String()).Error; err != nil {
			return err
		}
		for _, st := range after {
			if err := tx.Exec(st, span...).Error; err != nil {
				return err
			}
		}
		return nil
	})
}
