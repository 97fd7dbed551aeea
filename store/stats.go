package store

import (
	"context"
	"fmt"
	"math"
	"sort"
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

// visibleItemsIn is the caller's visible, live action items of meetings in
// r. For those who see everything, and no range, the meetings need not be
// joined: deleting a meeting deletes its action items too.
func (s *Store) visibleItemsIn(db *gorm.DB, c Caller, r StatsRange) *gorm.DB {
	if c.Privileged() && r.From == nil && r.To == nil {
		return db.Model(&models.ActionItem{})
	}
	return r.apply(actionItemsOf(db, meetingVisibleSet(c)))
}

// visibleAttendeesIn is the attendance rows of the caller's visible, live
// meetings in r.
func (s *Store) visibleAttendeesIn(db *gorm.DB, c Caller, r StatsRange) *gorm.DB {
	if c.Privileged() && r.From == nil && r.To == nil {
		return db.Table("attendees").Where("attendees.meeting_id NOT IN (SELECT id FROM meetings WHERE deleted_at IS NOT NULL)")
	}
	return r.apply(db.Table("attendees").Joins("JOIN meetings ON meetings.id = attendees.meeting_id AND meetings.deleted_at IS NULL").Scopes(meetingVisibleSet(c)))
}

// StatsOverview computes the overview. Every figure counts only what the
// caller may see; withheld attendees are counted, never named.
func (s *Store) StatsOverview(ctx context.Context, c Caller, r StatsRange) (*Overview, error) {
	v, err := s.cachedStats(ctx, c, "overview", r, func(ctx context.Context) (any, error) { return s.statsOverview(ctx, c, r) })
	if err != nil {
		return nil, err
	}
	return v.(*Overview), nil
}

func (s *Store) statsOverview(ctx context.Context, c Caller, r StatsRange) (*Overview, error) {
	db := s.read(ctx)
	o := &Overview{}
	o.Meetings.ByStatus = zeroMap(models.MeetingStatuses)
	o.Meetings.ByTLP = zeroMap(models.TLPs)
	var mrows []struct {
		Status, TLP string
		N           int
	}
	if err := r.apply(db.Model(&models.Meeting{}).Scopes(meetingVisibleSet(c))).
		Select("meetings.status AS status, meetings.tlp AS tlp, COUNT(*) AS n").Group("meetings.status, meetings.tlp").Scan(&mrows).Error; err != nil {
		return nil, err
	}
	for _, row := range mrows {
		o.Meetings.Total += row.N
		o.Meetings.ByStatus[row.Status] += row.N
		o.Meetings.ByTLP[row.TLP] += row.N
	}

	var arows []struct {
		Disclosure string
		N          int
	}
	if err := s.visibleAttendeesIn(db, c, r).
		Select("attendees.disclosure AS disclosure, COUNT(*) AS n").Group("attendees.disclosure").Scan(&arows).Error; err != nil {
		return nil, err
	}
	for _, row := range arows {
		o.Attendees.Total += row.N
		if models.Disclosure(row.Disclosure).Withholds() {
			o.Attendees.Withheld += row.N
		} else {
			o.Attendees.Disclosed += row.N
		}
	}
	o.Attendees.Suppressed = s.suppressWithheld(c, r, o.Attendees.Withheld)

	today := s.today()
	o.AsOf = today
	o.ActionItems.ByStatus = zeroMap(models.ActionStatuses)
	var irows []struct {
		Status         string
		N, Overdue, D7 int
	}
	if err := s.visibleItemsIn(db, c, r).Select(
		"action_items.status AS status, COUNT(*) AS n, "+
			"SUM(CASE WHEN action_items.status IN ('open','in_progress','blocked') AND action_items.due_on < ? THEN 1 ELSE 0 END) AS overdue, "+
			"SUM(CASE WHEN action_items.status NOT IN ('done','cancelled') AND action_items.due_on >= ? AND action_items.due_on <= ? THEN 1 ELSE 0 END) AS d7",
		today.String(), today.String(), today.AddDays(7).String()).Group("action_items.status").Scan(&irows).Error; err != nil {
		return nil, err
	}
	for _, row := range irows {
		o.ActionItems.Total += row.N
		o.ActionItems.ByStatus[row.Status] += row.N
		o.ActionItems.Overdue += row.Overdue
		o.ActionItems.DueNext7Days += row.D7
	}
	done, cancelled := o.ActionItems.ByStatus["done"], o.ActionItems.ByStatus["cancelled"]
	if denom := o.ActionItems.Total - cancelled; denom > 0 {
		o.ActionItems.CompletionRate = float64(done) / float64(denom)
	}
	if done > 0 {
		med, err := s.medianDaysToClose(db, c, r, done)
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

// medianDaysToClose reads the middle one or two values of days_to_close
// (kept with completed_at, indexed with status) in order, in one query,
// rather than every value.
func (s *Store) medianDaysToClose(db *gorm.DB, c Caller, r StatsRange, n int) (float64, error) {
	var vs []float64
	if err := s.visibleItemsIn(db, c, r).Where("action_items.status = 'done' AND action_items.days_to_close IS NOT NULL").
		Select("action_items.days_to_close").Order("action_items.days_to_close").Limit(2 - n%2).Offset((n - 1) / 2).Scan(&vs).Error; err != nil {
		return 0, err
	}
	switch len(vs) {
	case 0:
		return 0, nil
	case 1:
		return round2(vs[0]), nil
	}
	return round2((vs[0] + vs[1]) / 2), nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

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
	v, err := s.cachedStats(ctx, c, "meetings:"+groupBy, r, func(ctx context.Context) (any, error) { return s.statsMeetings(ctx, c, groupBy, r) })
	if err != nil {
		return nil, err
	}
	return v.([]Bucket), nil
}

func (s *Store) statsMeetings(ctx context.Context, c Caller, groupBy string, r StatsRange) ([]Bucket, error) {
	db := s.read(ctx)
	q := r.apply(db.Model(&models.Meeting{}).Scopes(meetingVisibleSet(c)))
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
		// Sectors of attendees and of the host; a meeting counts once per
		// sector. A withheld attendee's sector shared by fewer than k
		// organisations counts under "withheld" for those not in the room.
		sector := "o.sector"
		var args []any
		if !c.Privileged() {
			sector = "CASE WHEN NOT " + s.shownRowSQL("a") + " AND " + s.smallSectorSQL("o.sector") +
				" AND NOT EXISTS (SELECT 1 FROM attendees mx WHERE mx.meeting_id = a.meeting_id AND mx.person_id = ? AND mx.attendance IN " + attendingStatuses + ")" +
				" THEN 'withheld' ELSE o.sector END"
			args = append(args, c.PersonID)
		}
		q = q.Joins("JOIN (SELECT a.meeting_id AS mid, "+sector+" AS sector FROM attendees a JOIN organizations o ON o.id = a.organization_id "+
			"UNION SELECT m2.id, o2.sector FROM meetings m2 JOIN organizations o2 ON o2.id = m2.host_organization_id) gs ON gs.mid = meetings.id AND gs.sector <> ''", args...)
		key, label = "gs.sector", "''"
	default:
		return nil, &ValidationError{InQuery: true, Errors: []FieldError{{Field: "group_by", Message: "must be one of month, sector, topic, kind, host_organization"}}}
	}
	var rows []struct {
		K, L, TLP string
		N         int
	}
	if err := q.Select(key + " AS k, " + label + " AS l, meetings.tlp AS tlp, COUNT(*) AS n").Group(key + ", meetings.tlp").Scan(&rows).Error; err != nil {
		return nil, err
	}
	byKey := map[string]*Bucket{}
	var out []*Bucket
	for _, row := range rows {
		b := byKey[row.K]
		if b == nil {
			b = &Bucket{Key: row.K, Label: row.L, ByTLP: zeroMap(models.TLPs)}
			byKey[row.K] = b
			out = append(out, b)
		}
		b.Count += row.N
		b.ByTLP[row.TLP] += row.N
	}
	return sortBuckets(out, groupBy == "month"), nil
}

// StatsActionItems counts visible action items by group, with how many of
// each bucket are overdue. Owners withheld from the caller are one bucket,
// "withheld", never named.
func (s *Store) StatsActionItems(ctx context.Context, c Caller, groupBy string, r StatsRange) ([]Bucket, error) {
	v, err := s.cachedStats(ctx, c, "items:"+groupBy, r, func(ctx context.Context) (any, error) { return s.statsActionItems(ctx, c, groupBy, r) })
	if err != nil {
		return nil, err
	}
	return v.([]Bucket), nil
}

func (s *Store) statsActionItems(ctx context.Context, c Caller, groupBy string, r StatsRange) ([]Bucket, error) {
	db := s.read(ctx)
	q := s.visibleItemsIn(db, c, r)
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
	default:
		return nil, &ValidationError{InQuery: true, Errors: []FieldError{{Field: "group_by", Message: "must be one of status, owner_organization, priority, month"}}}
	}
	today := s.today().String()
	sel := "%s AS k, %s AS l, COUNT(*) AS n, SUM(CASE WHEN action_items.status IN ('open','in_progress','blocked') AND action_items.due_on < ? THEN 1 ELSE 0 END) AS overdue"
	args := append(keyArgs, today)
	var rows []struct {
		K, L       string
		N, Overdue int
	}
	// GROUP BY the output column: the key may carry placeholders.
	if err := q.Select(fmt.Sprintf(sel, key, label), args...).Group("k").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*Bucket, 0, len(rows))
	var withheld *Bucket
	for _, row := range rows {
		b := &Bucket{Key: row.K, Label: row.L, Count: row.N, Overdue: row.Overdue}
		if b.Key == "withheld" || b.Key == "none" {
			b.Label = ""
		}
		if b.Key == "withheld" {
			withheld = b
			continue
		}
		out = append(out, b)
	}
	if withheld != nil {
		if s.suppressWithheld(c, r, withheld.Count) {
			out = foldWithheld(out, withheld)
		} else {
			out = append(out, withheld)
		}
	}
	return sortBuckets(out, groupBy == "month"), nil
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
// and caps the number of buckets.
func sortBuckets(bs []*Bucket, byKey bool) []Bucket {
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
