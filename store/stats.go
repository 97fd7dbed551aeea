package store

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

// Overview is the dashboard summary over the meetings a caller may see.
type Overview struct {
	Meetings struct {
		Total    int
		ByStatus map[string]int
		ByTLP    map[string]int
	}
	Attendees struct {
		Total, Disclosed, Withheld int
		// Suppressed: Total and Withheld are not given (suppressWithheld).
		Suppressed bool
	}
	ActionItems struct {
		Total             int
		ByStatus          map[string]int
		Overdue           int
		DueNext7Days      int
		CompletionRate    float64
		MedianDaysToClose *float64
	}
	Organizations int
	// AsOf is the day (UTC) from which Overdue and DueNext7Days count.
	AsOf models.Date
}

// StatsRange limits statistics to meetings starting in [From, To).
type StatsRange struct{ From, To *time.Time }

func (r StatsRange) apply(q *gorm.DB) *gorm.DB {
	if r.From != nil {
		q = q.Where("meetings.starts_at >= ?", r.From.UTC())
	}
	if r.To != nil {
		q = q.Where("meetings.starts_at < ?", r.To.UTC())
	}
	return q
}

func zeroMap(keys []string) map[string]int {
	m := make(map[string]int, len(keys))
	for _, k := range keys {
		m[k] = 0
	}
	return m
}

// A statistic adds up what the summary tables hold for the caller's
// audiences in the whole days of its range, and what a scan of rows finds
// in the parts of days at its ends.

// scope is a set of meetings whose rows a statistic scans, as a condition
// on "meetings".
type scope func(*gorm.DB) *gorm.DB

// sharedTLPs are the markings every signed-in user sees.
var sharedTLPs = []string{"CLEAR", "GREEN"}

// scopes are the sets of meetings a statistic must scan for c besides
// what the summaries of pl answer: those c may see in the parts of days
// at the ends of the range, and for those who are not staff, the AMBER
// and RED ones of their audiences in the parts of the audiences' periods
// at its ends, found by their start.
func (s *Store) scopes(c Caller, pl plan) []scope {
	var out []scope
	for _, e := range pl.everyone.edges {
		out = append(out, func(q *gorm.DB) *gorm.DB {
			if !c.Privileged() {
				q = q.Where(asValue(s.dialect, "meetings.tlp")+" IN ?", sharedTLPs)
			}
			return e.apply(q)
		})
	}
	if c.Privileged() || c.OrganizationID == "" && c.PersonID == "" {
		return out
	}
	for _, e := range pl.audiences.edges {
		out = append(out, func(q *gorm.DB) *gorm.DB {
			// An edge is less than a period: its meetings are found by
			// their start, and each checked, rather than every meeting of
			// the caller's organisation read to find those in the edge.
			q = q.Where(asValue(s.dialect, "meetings.tlp")+" NOT IN ?", sharedTLPs)
			return e.apply(meetingVisible(s.dialect, c)(q))
		})
	}
	return out
}

// summaryRows reads a summary table for c over pl: sel and group are its
// columns and grouping, joins any tables it names. Staff read everyone's
// rows; others everyone's CLEAR and GREEN rows and their organisation's
// and person's.
func (s *Store) summaryRows(db *gorm.DB, c Caller, pl plan, table, sel, joins, group string, dest any) error {
	q := s.summaryOf(db, c, pl, table)
	if q == nil {
		return nil
	}
	q = q.Select(sel)
	if joins != "" {
		q = q.Joins(joins)
	}
	return q.Group(group).Having("SUM(st.n) <> 0").Scan(dest).Error
}

// summaryOf is the rows of the summary table (as st) that summaryRows
// adds up, or nil when there are none: each audience's range of periods
// read on its own, through the primary key (as an OR of them, SQLite
// may read the audience's every row).
func (s *Store) summaryOf(db *gorm.DB, c Caller, pl plan, table string) *gorm.DB {
	var parts []string
	var args []any
	if !pl.everyone.empty {
		for _, p := range pl.everyone.periods {
			cond, pargs := p.sql()
			if !c.Privileged() {
				cond += " AND tlp IN ('CLEAR','GREEN')"
			}
			parts, args = append(parts, "SELECT * FROM "+table+" WHERE aud = '' AND "+cond), append(args, pargs...)
		}
	}
	if !c.Privileged() && !pl.audiences.empty {
		for _, p := range pl.audiences.periods {
			cond, pargs := p.sql()
			parts = append(parts, "SELECT * FROM "+table+" WHERE aud IN (?, ?) AND "+cond)
			args = append(append(args, "o:"+c.OrganizationID, "p:"+c.PersonID), pargs...)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return db.Table("("+strings.Join(parts, " UNION ALL ")+") st", args...)
}

// meetingsIn is the live meetings of sc; attendeesIn their attendance
// rows; itemsIn their live action items.
func meetingsIn(db *gorm.DB, sc scope) *gorm.DB {
	return db.Model(&models.Meeting{}).Scopes(live("meetings"), sc)
}

func attendeesIn(db *gorm.DB, sc scope) *gorm.DB {
	return db.Table("attendees").Joins("JOIN meetings ON meetings.id = attendees.meeting_id AND meetings.deleted_at IS NULL").Scopes(sc)
}

func itemsIn(db *gorm.DB, sc scope) *gorm.DB { return actionItemsOf(db, sc) }

// StatsOverview computes the overview. Every figure counts only what the
// caller may see; withheld attendees are counted, never named.
func (s *Store) StatsOverview(ctx context.Context, c Caller, r StatsRange) (*Overview, error) {
	// The clock rolls (a write) before the snapshot, which must see it.
	if err := s.rollStatsClock(ctx); err != nil {
		return nil, err
	}
	ctx, end := s.snapshot(ctx)
	defer end()
	return s.statsOverview(ctx, c, r)
}

// overdueSQL and soonSQL count an action item as overdue, or as due in the
// next seven days, given today and today+7 as arguments.
const (
	overdueSQL = "SUM(CASE WHEN action_items.status IN ('open','in_progress','blocked') AND action_items.due_on < ? THEN 1 ELSE 0 END)"
	soonSQL    = "SUM(CASE WHEN action_items.status IN ('open','in_progress','blocked') AND action_items.due_on >= ? AND action_items.due_on <= ? THEN 1 ELSE 0 END)"
)

// overviewCounts are the overview's counts before they are added up.
type overviewCounts struct {
	meetings []struct {
		Status, TLP string
		N           int
	}
	attendees []struct {
		Disclosure string
		N          int
	}
	items []struct {
		Status                   string
		N, Overdue, DueNext7Days int
	}
	closeDays []struct{ Days, N int } // done items by whole days to close, from the summaries
	closed    []float64               // days to close of the done items scanned
}

// summaryCounts reads the overview's counts from the summaries over sp.
func (s *Store) summaryCounts(db *gorm.DB, c Caller, pl plan, oc *overviewCounts) error {
	if err := s.summaryRows(db, c, pl, "stats_meetings", "st.status AS status, st.tlp AS tlp, SUM(st.n) AS n", "", "st.status, st.tlp", &oc.meetings); err != nil {
		return err
	}
	if err := s.summaryRows(db, c, pl, "stats_attendance", "st.disclosure AS disclosure, SUM(st.n) AS n", "", "st.disclosure", &oc.attendees); err != nil {
		return err
	}
	if err := s.summaryRows(db, c, pl, "stats_items", "st.status AS status, SUM(st.n) AS n, "+
		"SUM(CASE WHEN st.due = 'o' THEN st.n ELSE 0 END) AS overdue, SUM(CASE WHEN st.due = 's' THEN st.n ELSE 0 END) AS due_next7_days",
		"", "st.status", &oc.items); err != nil {
		return err
	}
	return s.summaryRows(db, c, pl, "stats_close", "st.days AS days, SUM(st.n) AS n", "", "st.days", &oc.closeDays)
}

// scanCounts adds the overview's counts of the meetings of sc, from their
// rows, to oc.
func (s *Store) scanCounts(db *gorm.DB, sc scope, oc *overviewCounts) error {
	var more overviewCounts
	today := s.today()
	if err := meetingsIn(db, sc).Select("meetings.status AS status, meetings.tlp AS tlp, COUNT(*) AS n").
		Group("meetings.status, meetings.tlp").Scan(&more.meetings).Error; err != nil {
		return err
	}
	if err := attendeesIn(db, sc).Select("attendees.disclosure AS disclosure, COUNT(*) AS n").Group("attendees.disclosure").Scan(&more.attendees).Error; err != nil {
		return err
	}
	if err := itemsIn(db, sc).Select("action_items.status AS status, COUNT(*) AS n, "+overdueSQL+" AS overdue, "+soonSQL+" AS due_next7_days",
		today.String(), today.String(), today.AddDays(7).String()).Group("action_items.status").Scan(&more.items).Error; err != nil {
		return err
	}
	// (Not through the index by status and days to close, which holds
	// every completed item: the scope's meetings lead.)
	if err := itemsIn(db, sc).Where(asValue(s.dialect, "action_items.status")+" = 'done' AND "+s.noIndex("action_items.days_to_close")+" IS NOT NULL").
		Pluck("action_items.days_to_close", &more.closed).Error; err != nil {
		return err
	}
	oc.meetings = append(oc.meetings, more.meetings...)
	oc.attendees = append(oc.attendees, more.attendees...)
	oc.items = append(oc.items, more.items...)
	oc.closed = append(oc.closed, more.closed...)
	return nil
}

func (s *Store) statsOverview(ctx context.Context, c Caller, r StatsRange) (*Overview, error) {
	db := s.read(ctx)
	pl := s.planRange(r, false)
	var oc overviewCounts
	if err := s.summaryCounts(db, c, pl, &oc); err != nil {
		return nil, err
	}
	for _, sc := range s.scopes(c, pl) {
		if err := s.scanCounts(db, sc, &oc); err != nil {
			return nil, err
		}
	}
	return s.overview(db, c, r, pl, &oc)
}

// overview adds up oc.
func (s *Store) overview(db *gorm.DB, c Caller, r StatsRange, pl plan, oc *overviewCounts) (*Overview, error) {
	o := &Overview{AsOf: s.today()}
	o.Meetings.ByStatus = zeroMap(models.MeetingStatuses)
	o.Meetings.ByTLP = zeroMap(models.TLPs)
	o.ActionItems.ByStatus = zeroMap(models.ActionStatuses)
	for _, row := range oc.meetings {
		o.Meetings.Total += row.N
		o.Meetings.ByStatus[row.Status] += row.N
		o.Meetings.ByTLP[row.TLP] += row.N
	}
	for _, row := range oc.attendees {
		o.Attendees.Total += row.N
		if models.Disclosure(row.Disclosure).Withholds() {
			o.Attendees.Withheld += row.N
		} else {
			o.Attendees.Disclosed += row.N
		}
	}
	o.Attendees.Suppressed = s.suppressWithheld(c, r, o.Attendees.Withheld)
	for _, row := range oc.items {
		o.ActionItems.Total += row.N
		o.ActionItems.ByStatus[row.Status] += row.N
		o.ActionItems.Overdue += row.Overdue
		o.ActionItems.DueNext7Days += row.DueNext7Days
	}
	done, cancelled := o.ActionItems.ByStatus["done"], o.ActionItems.ByStatus["cancelled"]
	if denom := o.ActionItems.Total - cancelled; denom > 0 {
		o.ActionItems.CompletionRate = float64(done) / float64(denom)
	}
	if done > 0 {
		hist := map[int]int{}
		for _, row := range oc.closeDays {
			hist[row.Days] += row.N
		}
		med, err := s.medianDaysToClose(db, c, pl, hist, oc.closed)
		if err != nil {
			return nil, err
		}
		o.ActionItems.MedianDaysToClose = &med
	}
	var orgs int64
	if err := db.Model(&models.Organization{}).Count(&orgs).Error; err != nil {
		return nil, err
	}
	o.Organizations = int(orgs)
	return o, nil
}

// covered is the meetings whose rows the summaries of pl count for c.
func (pl plan) covered(d Dialect, c Caller) scope {
	return func(q *gorm.DB) *gorm.DB {
		if c.Privileged() {
			return pl.everyone.covered.apply(q)
		}
		var conds []string
		var args []any
		add := func(sp span, tlps string) {
			if sp.empty {
				return
			}
			cond := asValue(d, "meetings.tlp") + " " + tlps
			if sp.covered.From != nil {
				cond, args = cond+" AND meetings.starts_at >= ?", append(args, sp.covered.From.UTC())
			}
			if sp.covered.To != nil {
				cond, args = cond+" AND meetings.starts_at < ?", append(args, sp.covered.To.UTC())
			}
			conds = append(conds, "("+cond+")")
		}
		add(pl.everyone, "IN ('CLEAR','GREEN')")
		add(pl.audiences, "NOT IN ('CLEAR','GREEN')")
		if len(conds) == 0 {
			return q.Where("1=0")
		}
		return meetingVisible(d, c)(q).Where("("+strings.Join(conds, " OR ")+")", args...)
	}
}

// medianDaysToClose is the median of the days to close of the done items
// that hist counts by whole days (from the summaries over pl) and of
// scanned. It finds the day that holds the middle value or values, then
// the thousandth of that day (stats_close_millis), and reads the exact
// values of that thousandth alone.
func (s *Store) medianDaysToClose(db *gorm.DB, c Caller, pl plan, hist map[int]int, scanned []float64) (float64, error) {
	byDay := map[int][]float64{}
	n := len(scanned)
	for _, v := range scanned {
		d := int(math.Floor(v))
		byDay[d] = append(byDay[d], v)
	}
	days := make([]int, 0, len(hist)+len(byDay))
	for d, k := range hist {
		n += k
		days = append(days, d)
	}
	for d := range byDay {
		if hist[d] == 0 {
			days = append(days, d)
		}
	}
	if n == 0 {
		return 0, nil
	}
	sort.Ints(days)
	type bucket struct {
		n     int       // values the summaries count
		exact []float64 // values scanned
	}
	// millisOf is the thousandths of day d, with their counts; the two
	// middle values (at) are nearly always in the same day, read once.
	type dayMillis struct {
		bs   map[int]*bucket
		keys []int
	}
	read := map[int]dayMillis{}
	millisOf := func(d int) (map[int]*bucket, []int, error) {
		if dm, ok := read[d]; ok {
			return dm.bs, dm.keys, nil
		}
		bs := map[int]*bucket{}
		for _, v := range byDay[d] {
			m := millis(v)
			if bs[m] == nil {
				bs[m] = &bucket{}
			}
			bs[m].exact = append(bs[m].exact, v)
		}
		if hist[d] > 0 {
			if q := s.summaryOf(db, c, pl, "stats_close_millis"); q != nil {
				var fine []struct{ Millis, N int }
				if err := q.Where("st.millis >= ? AND st.millis < ?", 1000*d, 1000*(d+1)).
					Select("st.millis AS millis, SUM(st.n) AS n").Group("st.millis").Having("SUM(st.n) <> 0").Scan(&fine).Error; err != nil {
					return nil, nil, err
				}
				for _, f := range fine {
					if bs[f.Millis] == nil {
						bs[f.Millis] = &bucket{}
					}
					bs[f.Millis].n += f.N
				}
			}
		}
		keys := make([]int, 0, len(bs))
		for m := range bs {
			keys = append(keys, m)
		}
		sort.Ints(keys)
		read[d] = dayMillis{bs, keys}
		return bs, keys, nil
	}
	// valuesOf is the sorted values of thousandth m: those scanned, and
	// those the summaries count, read from the items.
	values := map[int][]float64{}
	valuesOf := func(m int, b *bucket) ([]float64, error) {
		if vs, ok := values[m]; ok {
			return vs, nil
		}
		vs := append([]float64{}, b.exact...)
		if b.n > 0 {
			var more []float64
			q := db.Table("action_items").Joins("JOIN meetings ON meetings.id = action_items.meeting_id AND meetings.deleted_at IS NULL").
				Where("action_items.status = 'done' AND action_items.days_to_close >= ? AND action_items.days_to_close < ? AND "+
					summaryGen{d: s.dialect}.floor("{FLOOR action_items.days_to_close * 1000}")+" = ? AND action_items.deleted_at IS NULL",
					float64(m-1)/1000, float64(m+2)/1000, m)
			if err := pl.covered(s.dialect, c)(q).Pluck("action_items.days_to_close", &more).Error; err != nil {
				return nil, err
			}
			vs = append(vs, more...)
		}
		sort.Float64s(vs)
		values[m] = vs
		return vs, nil
	}
	at := func(rank int) (float64, error) {
		for _, d := range days {
			k := hist[d] + len(byDay[d])
			if rank >= k {
				rank -= k
				continue
			}
			bs, keys, err := millisOf(d)
			if err != nil {
				return 0, err
			}
			for _, m := range keys {
				b := bs[m]
				if k := b.n + len(b.exact); rank >= k {
					rank -= k
					continue
				}
				vs, err := valuesOf(m, b)
				if err != nil {
					return 0, err
				}
				if rank >= len(vs) { // the summary and the rows disagree: a write between the reads
					return vs[len(vs)-1], nil
				}
				return vs[rank], nil
			}
			// The day's thousandths count fewer values than its whole
			// day (a write between the reads): its last value.
			if len(keys) > 0 {
				vs, err := valuesOf(keys[len(keys)-1], bs[keys[len(keys)-1]])
				if err != nil || len(vs) == 0 {
					return 0, err
				}
				return vs[len(vs)-1], nil
			}
			return 0, nil
		}
		return 0, nil
	}
	lo, err := at((n - 1) / 2)
	if err != nil {
		return 0, err
	}
	hi, err := at(n / 2)
	if err != nil {
		return 0, err
	}
	return round2((lo + hi) / 2), nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// millis is the thousandth of a day that v falls in, as the summaries
// compute it (the same product, truncated).
func millis(v float64) int { return int(v * 1000) }

// suppressWithheld reports whether a count of withheld attendance or owners
// is kept from a caller who is not staff: when it is below k, and in any
// window, since two windows' counts would tell a small difference. The
// totals it is part of go with it, so it cannot be recovered from them.
func (s *Store) suppressWithheld(c Caller, r StatsRange, n int) bool {
	return !c.Privileged() && ((n > 0 && n < s.k) || r.From != nil || r.To != nil)
}

// Bucket is one group of a grouped statistic.
type Bucket struct {
	Key     string
	Label   string // a display name where the key is an id
	Count   int
	ByTLP   map[string]int // meetings only
	Overdue int            // action items only
}

// MeetingGroups and ActionItemGroups are the accepted group_by values.
var (
	MeetingGroups    = []string{"month", "sector", "topic", "kind", "host_organization"}
	ActionItemGroups = []string{"status", "owner_organization", "priority", "month"}
)

// maxBuckets caps groupings with open-ended keys (topics, organisations).
const maxBuckets = 200

func (s *Store) monthSQL(col string) string {
	if s.dialect == Postgres {
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM')"
	}
	return "strftime('%Y-%m', " + col + ")"
}

// StatsMeetings counts visible meetings by group, each bucket split by TLP.
func (s *Store) StatsMeetings(ctx context.Context, c Caller, groupBy string, r StatsRange) ([]Bucket, error) {
	ctx, end := s.snapshot(ctx)
	defer end()
	return s.statsMeetings(ctx, c, groupBy, r)
}

// meetingRow is one (group, TLP) count of meetings.
type meetingRow struct {
	K, L, TLP string
	N         int
}

func (s *Store) statsMeetings(ctx context.Context, c Caller, groupBy string, r StatsRange) ([]Bucket, error) {
	db := s.read(ctx)
	var rows []meetingRow
	var table, key, label, joins string
	switch groupBy {
	case "sector":
		table, key, label = "stats_sectors", "st.sector", "''"
	case "month":
		table, key, label = "stats_meetings", "substr(st.period, 3, 7)", "''"
	case "kind":
		table, key, label = "stats_meetings", "st.kind", "''"
	case "host_organization":
		table, key, label, joins = "stats_hosts", "st.host", "MAX(o.name)", "JOIN organizations o ON o.id = st.host"
	case "topic":
		table, key, label, joins = "stats_topics", "st.topic", "MAX(t.name)", "JOIN topics t ON t.id = st.topic"
	default:
		return nil, &ValidationError{InQuery: true, Errors: []FieldError{{Field: "group_by", Message: "must be one of month, sector, topic, kind, host_organization"}}}
	}
	pl := s.planRange(r, groupBy == "month")
	if err := s.summaryRows(db, c, pl, table, key+" AS k, "+label+" AS l, st.tlp AS tlp, SUM(st.n) AS n", joins, key+", st.tlp", &rows); err != nil {
		return nil, err
	}
	for _, sc := range s.scopes(c, pl) {
		if err := s.scanMeetingGroups(db, c, groupBy, sc, &rows); err != nil {
			return nil, err
		}
	}
	if groupBy == "sector" && !c.Privileged() {
		if err := s.outsiderSectors(db, c, pl, &rows); err != nil {
			return nil, err
		}
	}
	return meetingBuckets(rows, groupBy == "month"), nil
}

// outsiderSectors corrects the sectors the summaries count (as staff see
// them) for a caller who is not staff: a withheld attendee's sector that
// fewer than k organisations share is shown as "withheld" to those who
// were not in the room. Only meetings attended by an organisation of such
// a sector can differ; they are counted both ways from their rows.
func (s *Store) outsiderSectors(db *gorm.DB, c Caller, pl plan, rows *[]meetingRow) error {
	var small []string
	// (Organisations of no sector too: fewer than k of them, a withheld
	// one counts as "withheld", though it has no sector to show.)
	if err := db.Raw("SELECT sector FROM organizations GROUP BY sector HAVING COUNT(*) < ?", s.k).Scan(&small).Error; err != nil {
		return err
	}
	if len(small) == 0 {
		return nil
	}
	covered := pl.covered(s.dialect, c)
	sc := func(q *gorm.DB) *gorm.DB {
		return covered(q).Where("meetings.id IN (SELECT sa.meeting_id FROM attendees sa JOIN organizations so ON so.id = sa.organization_id WHERE so.sector IN ?)", small)
	}
	var staff, outsider []meetingRow
	if err := s.sectorRows(db, Caller{Role: models.RoleAdmin}, sc, &staff); err != nil {
		return err
	}
	if err := s.sectorRows(db, c, sc, &outsider); err != nil {
		return err
	}
	for _, row := range staff {
		row.N = -row.N
		*rows = append(*rows, row)
	}
	*rows = append(*rows, outsider...)
	return nil
}

// sectorRows appends the meetings of sc counted once in each sector of
// their host and attendance, as c may know them, to rows. A withheld
// attendee's sector that fewer than k organisations share counts as
// "withheld" for those not in the room.
func (s *Store) sectorRows(db *gorm.DB, c Caller, sc scope, rows *[]meetingRow) error {
	sector, args := "o.sector", []any{}
	if !c.Privileged() {
		sector = "CASE WHEN NOT " + s.shownRowSQL("attendees") + " AND " + s.smallSectorSQL("o.sector") + " AND NOT " + memberSQL("meetings.id") +
			" THEN 'withheld' ELSE o.sector END"
		args = append(args, c.PersonID)
	}
	type row struct{ ID, TLP, Sector string }
	var attended, hosted []row
	if err := attendeesIn(db, sc).Joins("JOIN organizations o ON o.id = attendees.organization_id").
		Select("meetings.id AS id, meetings.tlp AS tlp, "+sector+" AS sector", args...).Scan(&attended).Error; err != nil {
		return err
	}
	if err := meetingsIn(db, sc).Joins("JOIN organizations o ON o.id = meetings.host_organization_id").
		Select("meetings.id AS id, meetings.tlp AS tlp, o.sector AS sector").Scan(&hosted).Error; err != nil {
		return err
	}
	type key struct{ id, sector string }
	seen := map[key]bool{}
	counts := map[[2]string]int{} // sector, TLP
	for _, r := range append(attended, hosted...) {
		if r.Sector == "" || seen[key{r.ID, r.Sector}] {
			continue
		}
		seen[key{r.ID, r.Sector}] = true
		counts[[2]string{r.Sector, r.TLP}]++
	}
	for k, n := range counts {
		*rows = append(*rows, meetingRow{K: k[0], TLP: k[1], N: n})
	}
	return nil
}

// scanMeetingGroups appends the counts of the meetings of sc by group and
// TLP to rows.
func (s *Store) scanMeetingGroups(db *gorm.DB, c Caller, groupBy string, sc scope, rows *[]meetingRow) error {
	q := meetingsIn(db, sc)
	var key, label string
	switch groupBy {
	case "month":
		key, label = s.monthSQL("meetings.starts_at"), "''"
	case "kind":
		key, label = "meetings.kind", "''"
	case "host_organization":
		q = q.Joins("JOIN organizations ho ON ho.id = meetings.host_organization_id")
		key, label = "meetings.host_organization_id", "MAX(ho.name)"
	case "topic":
		q = q.Joins("JOIN meeting_topics gt ON gt.meeting_id = meetings.id JOIN topics gtt ON gtt.id = gt.topic_id")
		key, label = "gtt.id", "MAX(gtt.name)"
	case "sector":
		return s.sectorRows(db, c, sc, rows)
	}
	var more []meetingRow
	if err := q.Select(key + " AS k, " + label + " AS l, meetings.tlp AS tlp, COUNT(*) AS n").Group(key + ", meetings.tlp").Scan(&more).Error; err != nil {
		return err
	}
	*rows = append(*rows, more...)
	return nil
}

func meetingBuckets(rows []meetingRow, byKey bool) []Bucket {
	buckets := map[string]*Bucket{}
	var out []*Bucket
	for _, row := range rows {
		b := buckets[row.K]
		if b == nil {
			b = &Bucket{Key: row.K, Label: row.L, ByTLP: zeroMap(models.TLPs)}
			buckets[row.K] = b
			out = append(out, b)
		}
		b.Count += row.N
		b.ByTLP[row.TLP] += row.N
	}
	return sortBuckets(out, byKey)
}

// StatsActionItems counts visible action items by group, with how many of
// each bucket are overdue. Owners withheld from the caller are one bucket,
// "withheld", never named.
func (s *Store) StatsActionItems(ctx context.Context, c Caller, groupBy string, r StatsRange) ([]Bucket, error) {
	// The clock rolls (a write) before the snapshot, which must see it.
	if err := s.rollStatsClock(ctx); err != nil {
		return nil, err
	}
	ctx, end := s.snapshot(ctx)
	defer end()
	return s.statsActionItems(ctx, c, groupBy, r)
}

// itemRow is one group's count of action items.
type itemRow struct {
	K, L       string
	N, Overdue int
}

func (s *Store) statsActionItems(ctx context.Context, c Caller, groupBy string, r StatsRange) ([]Bucket, error) {
	db := s.read(ctx)
	pl := s.planRange(r, false)
	var rows []itemRow
	var table, key, label string
	switch groupBy {
	case "status":
		table, key, label = "stats_items", "st.status", "''"
	case "priority":
		table, key, label = "stats_items", "st.priority", "''"
	case "month":
		table, key, label = "stats_item_months", "CASE WHEN st.month = '' THEN 'none' ELSE st.month END", "''"
	case "owner_organization":
		if err := s.ownerRows(db, c, pl, &rows); err != nil {
			return nil, err
		}
	default:
		return nil, &ValidationError{InQuery: true, Errors: []FieldError{{Field: "group_by", Message: "must be one of status, owner_organization, priority, month"}}}
	}
	if table != "" {
		if err := s.summaryRows(db, c, pl, table, key+" AS k, "+label+" AS l, SUM(st.n) AS n, SUM(CASE WHEN st.due = 'o' THEN st.n ELSE 0 END) AS overdue",
			"", "k", &rows); err != nil {
			return nil, err
		}
	}
	for _, sc := range s.scopes(c, pl) {
		if err := s.scanItemGroups(db, c, groupBy, sc, &rows); err != nil {
			return nil, err
		}
	}
	if groupBy == "owner_organization" && !c.Privileged() && c.PersonID != "" {
		if err := s.ownersInTheRoom(db, c, pl, &rows); err != nil {
			return nil, err
		}
	}
	return s.itemBuckets(c, r, rows, groupBy == "month"), nil
}

// ownerRows appends c's counts by owner organisation over pl from the
// owners' summary, one row per owner and period. An owner its attendance
// withholds is "withheld" but to its own organisation, and (the person
// audience's RED meetings) to those in the room; those in the room of the
// others are corrected by ownersInTheRoom.
func (s *Store) ownerRows(db *gorm.DB, c Caller, pl plan, rows *[]itemRow) error {
	// Each part's items and overdue items by withholding: shown, withheld
	// (h) and withheld from a small organisation (q); staff and the
	// audiences count every meeting, others everyone's shared ones.
	cols := func(shared bool) string {
		var out []string
		for _, kind := range []string{"n", "o"} {
			for _, h := range []string{"", "h", "q"} {
				col := kind + "_g" + h
				if !shared {
					col += " + " + kind + "_a" + h
				}
				out = append(out, col+" AS "+kind+h)
			}
		}
		return strings.Join(out, ", ")
	}
	var parts []string
	var args []any
	if !pl.everyone.empty {
		for _, p := range pl.everyone.periods {
			cond, pargs := p.sql()
			parts, args = append(parts, "SELECT 0 AS paud, owner, "+cols(!c.Privileged())+" FROM stats_item_owners WHERE aud = '' AND "+cond), append(args, pargs...)
		}
	}
	if !c.Privileged() && !pl.audiences.empty {
		for _, p := range pl.audiences.periods {
			cond, pargs := p.sql()
			parts = append(parts, "SELECT CASE WHEN aud LIKE 'p:%' THEN 1 ELSE 0 END, owner, "+cols(false)+" FROM stats_item_owners WHERE aud IN (?, ?) AND "+cond)
			args = append(append(args, "o:"+c.OrganizationID, "p:"+c.PersonID), pargs...)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	var sums []struct {
		Paud                 int
		Owner, Name          string
		N, Nh, Nq, O, Oh, Oq int
		Small                bool
	}
	err := db.Table("("+strings.Join(parts, " UNION ALL ")+") g", args...).Joins("LEFT JOIN organizations o ON o.id = g.owner").
		Select("g.paud AS paud, g.owner AS owner, MAX(o.name) AS name, SUM(g.n) AS n, SUM(g.nh) AS nh, SUM(g.nq) AS nq, " +
			"SUM(g.o) AS o, SUM(g.oh) AS oh, SUM(g.oq) AS oq, " + s.smallOrgSQL("g.owner") + " AS small").
		Group("g.paud, g.owner").Scan(&sums).Error
	if err != nil {
		return err
	}
	add := func(k, l string, n, overdue int) {
		if n != 0 || overdue != 0 {
			*rows = append(*rows, itemRow{K: k, L: l, N: n, Overdue: overdue})
		}
	}
	for _, g := range sums {
		switch {
		case g.Owner == "":
			add("none", "", g.N+g.Nh+g.Nq, g.O+g.Oh+g.Oq)
		case c.Privileged() || g.Paud == 1 || g.Owner == c.OrganizationID:
			add(g.Owner, g.Name, g.N+g.Nh+g.Nq, g.O+g.Oh+g.Oq)
		case g.Small:
			add(g.Owner, g.Name, g.N, g.O)
			add("withheld", "", g.Nh+g.Nq, g.Oh+g.Oq)
		default:
			add(g.Owner, g.Name, g.N+g.Nq, g.O+g.Oq)
			add("withheld", "", g.Nh, g.Oh)
		}
	}
	return nil
}

// ownersInTheRoom corrects the owners the summaries withhold from c in the
// CLEAR, GREEN and AMBER meetings c's person attends, where c sees them:
// the summaries count those meetings' items as an outsider of c's
// organisation would see them, and c, in the room, sees every owner. The
// items such an outsider is not told the owner of are moved from
// "withheld" to their owner.
func (s *Store) ownersInTheRoom(db *gorm.DB, c Caller, pl plan, rows *[]itemRow) error {
	covered := pl.covered(s.dialect, c)
	withheld, wargs := s.withheldOrgSQL(Caller{Role: c.Role, OrganizationID: c.OrganizationID}, "action_items.owner_organization_id")
	q := itemsIn(db, covered).
		Joins("LEFT JOIN organizations oo ON oo.id = action_items.owner_organization_id").
		Where(asValue(s.dialect, "meetings.tlp")+" <> 'RED' AND meetings.id IN (SELECT meeting_id FROM attendees WHERE person_id = ? AND attendance IN "+attendingStatuses+")", c.PersonID).
		// An owner withheld is another organisation with a row in the
		// meeting that does not show it: the cheap test first.
		Where("action_items.owner_organization_id <> ? AND EXISTS (SELECT 1 FROM attendees wx WHERE wx.meeting_id = action_items.meeting_id"+
			" AND wx.organization_id = action_items.owner_organization_id AND NOT "+s.shownRowSQL("wx")+")", c.OrganizationID).
		Where(withheld, wargs...)
	var moved []itemRow
	if err := q.Select("action_items.owner_organization_id AS k, MAX(oo.name) AS l, COUNT(*) AS n, "+overdueSQL+" AS overdue", s.today().String()).
		Group("action_items.owner_organization_id").Scan(&moved).Error; err != nil {
		return err
	}
	for _, row := range moved {
		*rows = append(*rows, row, itemRow{K: "withheld", N: -row.N, Overdue: -row.Overdue})
	}
	return nil
}

// scanItemGroups appends the counts of the action items of the meetings
// of sc by group to rows.
func (s *Store) scanItemGroups(db *gorm.DB, c Caller, groupBy string, sc scope, rows *[]itemRow) error {
	q := itemsIn(db, sc)
	var key, label string
	var keyArgs []any
	switch groupBy {
	case "status":
		key, label = "action_items.status", "''"
	case "priority":
		key, label = "action_items.priority", "''"
	case "month":
		key, label = "COALESCE(SUBSTR(action_items.due_on, 1, 7), 'none')", "''"
	case "owner_organization":
		q = q.Joins("LEFT JOIN organizations oo ON oo.id = action_items.owner_organization_id")
		if c.Privileged() {
			key = "COALESCE(action_items.owner_organization_id, 'none')"
		} else {
			cond, wargs := s.withheldOrgSQL(c, "action_items.owner_organization_id")
			key = "CASE WHEN action_items.owner_organization_id IS NULL THEN 'none' WHEN action_items.owner_organization_id <> ? AND " +
				cond + " THEN 'withheld' ELSE action_items.owner_organization_id END"
			keyArgs = append([]any{c.OrganizationID}, wargs...)
		}
		label = "MAX(oo.name)"
	}
	sel := "%s AS k, %s AS l, COUNT(*) AS n, " + overdueSQL + " AS overdue"
	args := append(keyArgs, s.today().String())
	var more []itemRow
	// GROUP BY the output column: the key may carry placeholders.
	if err := q.Select(fmt.Sprintf(sel, key, label), args...).Group("k").Scan(&more).Error; err != nil {
		return err
	}
	*rows = append(*rows, more...)
	return nil
}

// itemBuckets adds up rows by key. A "withheld" bucket that c may not be
// told is folded into another (foldWithheld).
func (s *Store) itemBuckets(c Caller, r StatsRange, rows []itemRow, byKey bool) []Bucket {
	buckets := map[string]*Bucket{}
	var out []*Bucket
	var withheld *Bucket
	for _, row := range rows {
		b := buckets[row.K]
		if b == nil {
			b = &Bucket{Key: row.K, Label: row.L}
			if b.Key == "withheld" || b.Key == "none" {
				b.Label = ""
			}
			buckets[row.K] = b
			if b.Key == "withheld" {
				withheld = b
			} else {
				out = append(out, b)
			}
		}
		b.Count += row.N
		b.Overdue += row.Overdue
	}
	if withheld != nil && withheld.Count != 0 {
		if s.suppressWithheld(c, r, withheld.Count) {
			out = foldWithheld(out, withheld)
		} else {
			out = append(out, withheld)
		}
	}
	return sortBuckets(out, byKey)
}

// foldWithheld adds a suppressed "withheld" bucket to the smallest other
// one, as "other", so that neither count can be told (complementary
// suppression); alone, it is left out.
func foldWithheld(bs []*Bucket, withheld *Bucket) []*Bucket {
	if len(bs) == 0 {
		return bs
	}
	small := 0
	for i, b := range bs {
		if b.Count < bs[small].Count || (b.Count == bs[small].Count && b.Key > bs[small].Key) {
			small = i
		}
	}
	b := bs[small]
	bs[small] = &Bucket{Key: "other", Count: b.Count + withheld.Count, Overdue: b.Overdue + withheld.Overdue}
	return bs
}

// sortBuckets orders months by key, everything else by count (then key),
// leaves out empty buckets, and caps the number of buckets.
func sortBuckets(bs []*Bucket, byKey bool) []Bucket {
	kept := bs[:0]
	for _, b := range bs {
		if b.Count != 0 {
			kept = append(kept, b)
		}
	}
	bs = kept
	sort.Slice(bs, func(i, j int) bool {
		if byKey || bs[i].Count == bs[j].Count {
			return bs[i].Key < bs[j].Key
		}
		return bs[i].Count > bs[j].Count
	})
	if len(bs) > maxBuckets {
		bs = bs[:maxBuckets]
	}
	out := make([]Bucket, len(bs))
	for i, b := range bs {
		out[i] = *b
	}
	return out
}
