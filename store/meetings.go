package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

// MeetingInput creates a meeting, with its attendees, topics and action
// items, in one transaction.
type MeetingInput struct {
	Title, Timezone, Location, Modality, Kind, Status, TLP string
	Summary, PublicReadout, HostOrganizationID             string
	StartsAt, EndsAt                                       time.Time
	FollowUpOfID                                           *string
	Topics                                                 []string
	Attendees                                              []AttendeeInput
	ActionItems                                            []ActionItemInput
}

// MeetingPatch changes a meeting: the body of a PATCH, decoded as it comes;
// fields left out stay as they are. Topics, when
// set, replace the meeting's topics.
type MeetingPatch struct {
	Title              models.Opt[string]           `json:"title"`
	StartsAt           models.Opt[models.Timestamp] `json:"starts_at"`
	EndsAt             models.Opt[models.Timestamp] `json:"ends_at"`
	Timezone           models.Opt[string]           `json:"timezone"`
	Location           models.Opt[string]           `json:"location"`
	Modality           models.Opt[string]           `json:"modality"`
	Kind               models.Opt[string]           `json:"kind"`
	Status             models.Opt[string]           `json:"status"`
	TLP                models.Opt[models.TLP]       `json:"tlp"`
	Summary            models.Opt[string]           `json:"summary"`
	PublicReadout      models.Opt[string]           `json:"public_readout"`
	HostOrganizationID models.Opt[string]           `json:"host_organization_id"`
	FollowUpOfID       models.Nullable[string]      `json:"follow_up_of_id"`
	Topics             models.Opt[[]string]         `json:"topics"`
	// IfVersion is the version the change was made against (If-Match).
	IfVersion *int `json:"-"`
}

// MeetingView is a meeting as one caller may see it.
type MeetingView struct {
	models.Meeting
	Host      *models.Organization
	Topics    []models.Topic
	Attendees []AttendeeView
	// Detail only: action item counts by status, and how many are overdue.
	ActionItemCounts map[string]int
	Overdue          int
	// FollowUps lists the visible meetings that follow this one up (detail only).
	FollowUps []MeetingRef
	// Source is the record an imported meeting came from (detail only).
	Source *MeetingSource
}

// MeetingSource is the record an imported meeting came from.
type MeetingSource struct {
	Name string // the import's source, such as the file's name
	Row  int
}

// MeetingRef names a meeting.
type MeetingRef struct {
	ID, Title string
	StartsAt  time.Time
}

func (s *Store) validateMeeting(tx *gorm.DB, v *validator, m *models.Meeting) error {
	v.check(m.Title != "", "title", "is required")
	v.check(len(m.Title) <= 300, "title", "must be at most 300 characters")
	v.check(!m.StartsAt.IsZero(), "starts_at", "is required")
	v.check(!m.EndsAt.IsZero(), "ends_at", "is required")
	if !m.StartsAt.IsZero() && !m.EndsAt.IsZero() {
		v.check(!m.EndsAt.Before(m.StartsAt), "ends_at", "must not be before starts_at")
		v.check(m.EndsAt.Sub(m.StartsAt) <= 31*24*time.Hour, "ends_at", "must be within 31 days of starts_at")
	}
	if _, err := time.LoadLocation(m.Timezone); err != nil || m.Timezone == "" || m.Timezone == "Local" {
		v.add("timezone", "must be an IANA time zone name such as America/New_York")
	}
	v.check(len(m.Location) <= 300, "location", "must be at most 300 characters")
	v.check(models.OneOf(m.Modality, models.Modalities), "modality", "must be one of %v", models.Modalities)
	v.check(models.OneOf(m.Kind, models.MeetingKinds), "kind", "must be one of %v", models.MeetingKinds)
	v.check(models.OneOf(m.Status, models.MeetingStatuses), "status", "must be one of %v", models.MeetingStatuses)
	v.check(models.OneOf(string(m.TLP), models.TLPs), "tlp", "must be one of %v", models.TLPs)
	v.check(len(m.Summary) <= 50000, "summary", "must be at most 50000 characters")
	v.check(len(m.PublicReadout) <= 20000, "public_readout", "must be at most 20000 characters")
	if m.HostOrganizationID == "" {
		v.add("host_organization_id", "is required")
	} else if err := checkExists(tx, v, "host_organization_id", &models.Organization{}, m.HostOrganizationID, "no organization has this id"); err != nil {
		return err
	}
	if m.FollowUpOfID != nil {
		if *m.FollowUpOfID == m.ID {
			v.add("follow_up_of_id", "a meeting cannot follow itself up")
		} else if err := checkExists(tx.Where("deleted_at IS NULL"), v, "follow_up_of_id", &models.Meeting{}, *m.FollowUpOfID, "no meeting has this id"); err != nil {
			return err
		}
	}
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// CreateMeeting stores a meeting with its nested attendees, topics and
// action items in one transaction: all of it, or nothing.
func (s *Store) CreateMeeting(ctx context.Context, c Caller, in MeetingInput) (*MeetingView, error) {
	if err := requireCoordinator(c); err != nil {
		return nil, err
	}
	var m *models.Meeting
	err := s.write(ctx, func(tx *gorm.DB) (err error) {
		m, err = s.createMeeting(tx, c, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetMeeting(ctx, c, m.ID)
}

// createMeeting is CreateMeeting within the transaction tx.
func (s *Store) createMeeting(tx *gorm.DB, c Caller, in MeetingInput) (*models.Meeting, error) {
	m := &models.Meeting{
		ID: newID(), Title: strings.TrimSpace(in.Title), StartsAt: in.StartsAt.UTC(), EndsAt: in.EndsAt.UTC(),
		Timezone: orDefault(in.Timezone, "UTC"), Location: strings.TrimSpace(in.Location), Modality: in.Modality,
		Kind: in.Kind, Status: orDefault(in.Status, "scheduled"), TLP: models.TLP(in.TLP), Summary: in.Summary,
		PublicReadout: in.PublicReadout, HostOrganizationID: in.HostOrganizationID, FollowUpOfID: in.FollowUpOfID,
		Version: 1, CreatedBy: c.UserID,
	}
	var v validator
	if err := s.validateMeeting(tx, &v, m); err != nil {
		return nil, err
	}
	atts := make([]*models.Attendee, len(in.Attendees))
	for i, a := range in.Attendees {
		att, err := s.buildAttendee(tx, &v, "attendees["+itoa(i)+"].", m.ID, a)
		if err != nil {
			return nil, err
		}
		atts[i] = att
	}
	seen := map[string]int{}
	for i, a := range atts {
		if a != nil && a.PersonID != nil {
			if j, dup := seen[*a.PersonID]; dup {
				v.add("attendees["+itoa(i)+"].person_id", "repeats the person of attendees[%d]", j)
			}
			seen[*a.PersonID] = i
		}
	}
	items := make([]*models.ActionItem, len(in.ActionItems))
	for i, a := range in.ActionItems {
		item, err := s.buildActionItem(tx, &v, "action_items["+itoa(i)+"].", c, m.ID, a)
		if err != nil {
			return nil, err
		}
		items[i] = item
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := tx.Create(m).Error; err != nil {
		return nil, translate(err, "meeting")
	}
	if err := s.audit(tx, c, "create", "meeting", m.ID, diff(nil, m)); err != nil {
		return nil, err
	}
	if _, err := s.setTopics(tx, c, m.ID, in.Topics); err != nil {
		return nil, err
	}
	for _, a := range atts {
		if err := tx.Create(a).Error; err != nil {
			return nil, translate(err, "attendee")
		}
		if err := s.audit(tx, c, "create", "attendee", a.ID, diff(nil, a)); err != nil {
			return nil, err
		}
	}
	for _, it := range items {
		if err := tx.Create(it).Error; err != nil {
			return nil, translate(err, "action item")
		}
		if err := s.audit(tx, c, "create", "action_item", it.ID, diff(nil, it)); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// setTopics replaces the meeting's topics by the named ones, creating
// missing topics as subjects.
func (s *Store) setTopics(tx *gorm.DB, c Caller, meetingID string, names []string) (changed bool, err error) {
	topics, err := s.topicsByName(tx, c, names)
	if err != nil {
		return false, err
	}
	var have []string
	if err := tx.Model(&models.MeetingTopic{}).Where("meeting_id = ?", meetingID).Pluck("topic_id", &have).Error; err != nil {
		return false, err
	}
	want := make([]string, len(topics))
	for i, t := range topics {
		want[i] = t.ID
	}
	slices.Sort(have)
	slices.Sort(want)
	if slices.Equal(have, want) {
		return false, nil
	}
	if err := tx.Where("meeting_id = ?", meetingID).Delete(&models.MeetingTopic{}).Error; err != nil {
		return false, err
	}
	for _, t := range topics {
		if err := tx.Create(&models.MeetingTopic{MeetingID: meetingID, TopicID: t.ID}).Error; err != nil {
			return false, err
		}
	}
	return true, nil
}

// visibleMeeting loads one meeting the caller may see, or ErrNotFound.
func (s *Store) visibleMeeting(db *gorm.DB, c Caller, id string) (*models.Meeting, error) {
	var m models.Meeting
	err := db.Model(&models.Meeting{}).Scopes(live("meetings"), meetingVisible(s.dialect, c)).Where("meetings.id = ?", id).Take(&m).Error
	if err != nil {
		return nil, translate(err, "meeting")
	}
	return &m, nil
}

// GetMeeting reads one meeting with its host, topics, attendees (redacted
// for the caller), action item counts and follow-ups. It is the busiest
// read: its queries are hand-written (rawsql.go).
func (s *Store) GetMeeting(ctx context.Context, c Caller, id string) (*MeetingView, error) {
	ctx, end := s.snapshot(ctx)
	defer end()
	cond, args := visibleSQL(s.dialect, c)
	row, err := s.queryRow(ctx, `SELECT `+meetingColumns+`, `+organizationColumns+`, ms.source, ms.source_row
		FROM meetings JOIN organizations o ON o.id = meetings.host_organization_id
		LEFT JOIN meeting_sources ms ON ms.meeting_id = meetings.id
		WHERE meetings.id = ? AND meetings.deleted_at IS NULL AND `+cond, append([]any{id}, args...)...)
	if err != nil {
		return nil, err
	}
	var (
		m      models.Meeting
		host   models.Organization
		source sql.NullString
		srcRow sql.NullInt64
	)
	if err := scanMeeting(row, &m, &host.ID, &host.Name, &host.Kind, &host.Sector, &host.Country, &source, &srcRow); err != nil {
		return nil, translate(err, "meeting")
	}
	topics, err := s.topicsOf(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	atts, err := s.attendeesOf(ctx, c, []string{id})
	if err != nil {
		return nil, err
	}
	v := &MeetingView{Meeting: m, Host: &host, Topics: nonNil(topics[id]), Attendees: nonNil(atts[id])}
	if source.Valid {
		v.Source = &MeetingSource{Name: source.String, Row: int(srcRow.Int64)}
	}
	if m.FollowUpOfID != nil {
		parents, err := s.visibleMeetingSet(ctx, c, []string{*m.FollowUpOfID})
		if err != nil {
			return nil, err
		}
		if !parents[*m.FollowUpOfID] {
			v.FollowUpOfID = nil // a hidden or deleted meeting is not named
		}
	}
	v.ActionItemCounts = zeroMap(models.ActionStatuses)
	rows, err := s.query(ctx, `SELECT status, COUNT(*), SUM(CASE WHEN status IN ('open','in_progress','blocked') AND due_on < ? THEN 1 ELSE 0 END)
		FROM action_items WHERE meeting_id = ? AND deleted_at IS NULL GROUP BY status`, s.today().String(), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			status     string
			n, overdue int
		)
		if err := rows.Scan(&status, &n, &overdue); err != nil {
			return nil, err
		}
		v.ActionItemCounts[status] = n
		v.Overdue += overdue
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rows, err = s.query(ctx, `SELECT meetings.id, meetings.title, meetings.starts_at FROM meetings
		WHERE meetings.follow_up_of_id = ? AND meetings.deleted_at IS NULL AND `+cond+`
		ORDER BY meetings.starts_at, meetings.id LIMIT 100`, append([]any{id}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r MeetingRef
		if err := rows.Scan(&r.ID, &r.Title, &r.StartsAt); err != nil {
			return nil, err
		}
		v.FollowUps = append(v.FollowUps, r)
	}
	return v, rows.Err()
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func (s *Store) today() models.Date { return models.DateOf(s.now()) }

// expandMeetings loads hosts, topics and attendees for a page of meetings
// in a constant number of queries (no N+1).
func (s *Store) expandMeetings(ctx context.Context, c Caller, ms []models.Meeting) ([]MeetingView, error) {
	out := make([]MeetingView, len(ms))
	if len(ms) == 0 {
		return out, nil
	}
	ids := make([]string, len(ms))
	hostIDs := make([]string, 0, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
		hostIDs = append(hostIDs, m.HostOrganizationID)
	}
	hosts, err := s.orgsByID(ctx, hostIDs)
	if err != nil {
		return nil, err
	}
	topics, err := s.topicsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	atts, err := s.attendeesOf(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	var parentIDs []string
	for _, m := range ms {
		if m.FollowUpOfID != nil {
			parentIDs = append(parentIDs, *m.FollowUpOfID)
		}
	}
	parents, err := s.visibleMeetingSet(ctx, c, parentIDs)
	if err != nil {
		return nil, err
	}
	for i, m := range ms {
		out[i] = MeetingView{Meeting: m, Host: hosts[m.HostOrganizationID], Topics: nonNil(topics[m.ID]), Attendees: nonNil(atts[m.ID])}
		if m.FollowUpOfID != nil && !parents[*m.FollowUpOfID] {
			out[i].FollowUpOfID = nil // a hidden or deleted meeting is not named
		}
	}
	return out, nil
}

// visibleMeetingSet tells which of the meetings the caller may see (live
// and allowed by the visibility rule).
func (s *Store) visibleMeetingSet(ctx context.Context, c Caller, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(uniq(ids))
	cond, vargs := visibleSQL(s.dialect, c)
	rows, err := s.query(ctx, `SELECT meetings.id FROM meetings WHERE meetings.id IN (`+in+`) AND meetings.deleted_at IS NULL AND `+cond, append(args, vargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// topicsOf reads the topics (as summaries, from the directory) of the
// meetings, by meeting, each meeting's in name order.
func (s *Store) topicsOf(ctx context.Context, meetingIDs []string) (map[string][]models.Topic, error) {
	in, args := inList(meetingIDs)
	rows, err := s.query(ctx, `SELECT mt.meeting_id, t.id, t.name, t.name_key, t.kind, t.reference
		FROM meeting_topics mt JOIN topics t ON t.id = mt.topic_id WHERE mt.meeting_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]models.Topic{}
	for rows.Next() {
		var (
			meetingID string
			t         models.Topic
		)
		if err := rows.Scan(&meetingID, &t.ID, &t.Name, &t.NameKey, &t.Kind, &t.Reference); err != nil {
			return nil, err
		}
		out[meetingID] = append(out[meetingID], t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, ts := range out {
		slices.SortFunc(ts, func(a, b models.Topic) int {
			return cmp.Or(strings.Compare(a.NameKey, b.NameKey), strings.Compare(a.ID, b.ID))
		})
	}
	return out, nil
}

func uniq(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// MeetingFilter narrows the meeting list. Every field is optional.
type MeetingFilter struct {
	From, To     *time.Time
	Status       []string
	TLP          []string
	Kind         []string
	Topic        string // id or name, case-insensitive
	Organization string // id: hosted, or attended as far as the caller may know
	Sector       string // of the host or of any attendee (sectors are never withheld)
	FollowUpOf   string
	Q            string

	// sort is the list's sort key (ListMeetings): filters that are not on
	// it are checked on each row of the sort's index walk.
	sort string
	// tag is the organisation's or topic's tag whose index the list walks
	// (tagWalk), as "meetings": its rows are that tag's.
	tag string
}

var meetingSorts = newSortSet("-starts_at", map[string]sortKey{
	"starts_at":  {expr: "meetings.starts_at", isTime: true},
	"created_at": {expr: "meetings.created_at", isTime: true},
	"updated_at": {expr: "meetings.updated_at", isTime: true},
	"title":      {expr: "meetings.title"},
})

// MeetingSorts lists the sorts the meeting list accepts.
func MeetingSorts() []string { return meetingSorts.Names() }

// filterMeetings applies f to q (meetings as "meetings") for the caller.
func (s *Store) filterMeetings(q *gorm.DB, c Caller, f MeetingFilter) *gorm.DB {
	// Filters are checked on each row of the walk of the sort's index
	// (ListMeetings), but the window of the start's own sort, which is a
	// range of that index.
	startsAt := "meetings.starts_at"
	if f.sort != "starts_at" {
		startsAt = s.noIndex(startsAt)
	}
	if f.From != nil {
		q = q.Where(startsAt+" >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where(startsAt+" < ?", f.To.UTC())
	}
	if len(f.Status) > 0 {
		q = q.Where(s.noIndex("meetings.status")+" IN ?", f.Status)
	}
	if len(f.TLP) > 0 {
		q = q.Where(s.noIndex("meetings.tlp")+" IN ?", f.TLP)
	}
	if len(f.Kind) > 0 {
		q = q.Where(s.noIndex("meetings.kind")+" IN ?", f.Kind)
	}
	if f.Topic != "" && !strings.HasPrefix(f.tag, "t:") {
		q = q.Where("EXISTS (SELECT 1 FROM meeting_topics ft WHERE ft.meeting_id = "+s.noIndex("meetings.id")+
			" AND ft.topic_id IN (SELECT id FROM topics WHERE id = ? UNION ALL SELECT id FROM topics WHERE name_key = ?))",
			f.Topic, strings.ToLower(strings.TrimSpace(f.Topic)))
	}
	if f.Organization != "" {
		// An undisclosed attendance only matches for those who may know of it,
		// so that the filter cannot be used to probe who attended.
		if strings.HasPrefix(f.tag, "o:") {
			// The tag's rows are the organisation's meetings; shown says
			// whether its rows show it (tags.go).
			if !c.Privileged() {
				q = q.Where("(meetings.shown = 2 OR meetings.shown = 1 AND NOT "+s.smallOrgSQL("?")+" OR "+memberSQL("meetings.id")+")",
					f.Organization, c.PersonID)
			}
		} else if c.Privileged() {
			q = q.Where("(meetings.host_organization_id = ? OR EXISTS (SELECT 1 FROM attendees fa WHERE fa.meeting_id = meetings.id AND fa.organization_id = ?))",
				f.Organization, f.Organization)
		} else {
			q = q.Where("(meetings.host_organization_id = ? OR EXISTS (SELECT 1 FROM attendees fa WHERE fa.meeting_id = meetings.id AND fa.organization_id = ? AND ("+s.shownRowSQL("fa")+" OR "+memberSQL("meetings.id")+")))",
				f.Organization, f.Organization, c.PersonID)
		}
	}
	if f.Sector != "" {
		// A withheld attendee's sector matches only where it is shown: when
		// at least k organisations share it (anonymity.go).
		attendee := "EXISTS (SELECT 1 FROM attendees sa JOIN organizations sao ON sao.id = sa.organization_id WHERE sa.meeting_id = meetings.id AND sao.sector = ?"
		args := []any{f.Sector, f.Sector}
		if !c.Privileged() {
			attendee += " AND (" + s.shownRowSQL("sa") + " OR NOT " + s.smallSectorSQL("sao.sector") + " OR " + memberSQL("meetings.id") + ")"
			args = append(args, c.PersonID)
		}
		q = q.Where("(EXISTS (SELECT 1 FROM organizations so WHERE so.id = meetings.host_organization_id AND so.sector = ?) OR "+attendee+"))", args...)
	}
	if f.FollowUpOf != "" {
		// Only the follow-ups of a meeting the caller may see: otherwise the
		// filter would confirm that a hidden meeting exists.
		parent := "SELECT 1 FROM meetings WHERE meetings.id = ? AND meetings.deleted_at IS NULL"
		args := []any{f.FollowUpOf, f.FollowUpOf}
		if !c.Privileged() {
			cond, vargs := visibleSQL(s.dialect, c)
			parent += " AND " + cond
			args = append(args, vargs...)
		}
		q = q.Where("meetings.follow_up_of_id = ? AND EXISTS ("+parent+")", args...)
	}
	if f.tag != "" {
		return q // a tag's walk: f.Q and f.FollowUpOf are empty (tagWalk)
	}
	if cond, args, ok := s.fewMeetings(q.Session(&gorm.Session{NewDB: true}), c, f); ok {
		q = q.Where(cond, args...)
	}
	if cond, args, ok := s.textMatch(q.Session(&gorm.Session{NewDB: true}), f.Q, meetingText); ok {
		q = q.Where(cond, args...)
	} else if f.Q != "" {
		pat, op := likePattern(f.Q), s.like()
		q = q.Where("(meetings.title "+op+" ? ESCAPE '\\' OR meetings.summary "+op+" ? ESCAPE '\\' OR meetings.public_readout "+op+" ? ESCAPE '\\' OR meetings.location "+op+" ? ESCAPE '\\'"+
			" OR EXISTS (SELECT 1 FROM meeting_topics qt JOIN topics qtt ON qtt.id = qt.topic_id WHERE qt.meeting_id = meetings.id AND (qtt.name "+op+" ? ESCAPE '\\' OR qtt.reference "+op+" ? ESCAPE '\\')))",
			pat, pat, pat, pat, pat, pat)
	}
	return q
}

// fewMeetings is, on SQLite, the condition that a meeting is among the few
// that f's window, and for a caller who is not staff a TLP filter of AMBER
// or RED alone, leave (with its TLP, status and kind): read through their
// own indexes, up to manyMatches of them (manySetMatches of the caller's).
// SQLite cannot tell how many they are: a few are fetched by rowid and
// sorted, rather than walking the sort's index to its end in search of
// them; many are met on that walk. The filters themselves are still
// checked on each row. (An organisation's or topic's list walks its tag's
// index instead: tagWalk.)
func (s *Store) fewMeetings(db *gorm.DB, c Caller, f MeetingFilter) (string, []any, bool) {
	if s.dialect == Postgres || f.Q != "" || s.walkOnly {
		return "", nil, false
	}
	// The caller's own meetings: only those can be seen.
	own := ownTLPs(c, f)
	window := f.From != nil || f.To != nil
	if !own && (!window || f.sort == "starts_at") {
		return "", nil, false
	}
	q := "SELECT meetings.rowid FROM meetings INDEXED BY meetings_starts_at WHERE deleted_at IS NULL"
	var args []any
	if own {
		if c.OrganizationID == "" && c.PersonID == "" {
			return "1 = 0", nil, true
		}
		// Read as it streams (a meeting may come twice); the read stops at
		// the limit.
		q = "SELECT meetings.rowid FROM (SELECT meeting_id AS id FROM attendees WHERE organization_id = ? UNION ALL SELECT meeting_id FROM attendees WHERE person_id = ?" +
			" UNION ALL SELECT id FROM meetings WHERE host_organization_id = ?) x JOIN meetings ON meetings.id = x.id WHERE deleted_at IS NULL"
		args = append(args, c.OrganizationID, c.PersonID, c.OrganizationID)
	}
	if f.From != nil {
		q, args = q+" AND starts_at >= ?", append(args, f.From.UTC())
	}
	if f.To != nil {
		q, args = q+" AND starts_at < ?", append(args, f.To.UTC())
	}
	// Checked on the rows read, not sought through these columns' indexes.
	for _, col := range []struct {
		name string
		vals []string
	}{{"tlp", f.TLP}, {"status", f.Status}, {"kind", f.Kind}} {
		if len(col.vals) > 0 {
			q, args = q+" AND +"+col.name+" IN ?", append(args, col.vals)
		}
	}
	// The caller's own meetings are worth reading further than a window
	// alone: they are rare on the sort's walk, each checked there with the
	// set's subquery.
	limit := manyMatches
	if own {
		limit = manySetMatches
	}
	var rowids []int64
	if err := db.Raw(q+" LIMIT ?", append(args, limit)...).Scan(&rowids).Error; err != nil || len(rowids) >= limit {
		return "", nil, false
	}
	slices.Sort(rowids)
	cond, args := rowidIn("meetings", slices.Compact(rowids))
	return cond, args, true
}

// ownTLPs reports whether f asks a caller who is not staff for TLPs that
// show only the caller's own meetings (AMBER and RED).
func ownTLPs(c Caller, f MeetingFilter) bool {
	return !c.Privileged() && len(f.TLP) > 0 && !slices.ContainsFunc(f.TLP, func(t string) bool { return slices.Contains(sharedTLPs, t) })
}

// rowidIn is the condition that a row of table is one of rowids, as a list
// of values, which SQLite knows to be few. The list is padded to a power
// of two by repeating its last rowid, so that lists of any length share a
// few prepared statements.
func rowidIn(table string, rowids []int64) (string, []any) {
	if len(rowids) == 0 {
		return "1 = 0", nil
	}
	n := 1
	for n < len(rowids) {
		n *= 2
	}
	args := make([]any, n)
	for i := range args {
		args[i] = rowids[min(i, len(rowids)-1)]
	}
	return table + ".rowid IN (" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")", args
}

// ListMeetings pages through the meetings the caller may see, each with
// host, topics and (redacted) attendees.
func (s *Store) ListMeetings(ctx context.Context, c Caller, f MeetingFilter, p Page) ([]MeetingView, *string, error) {
	ctx, end := s.snapshot(ctx)
	defer end()
	db := s.read(ctx)
	f.sort = strings.TrimPrefix(p.Sort, "-")
	if f.sort == "" {
		f.sort = strings.TrimPrefix(meetingSorts.def, "-")
	}
	base, cols := db.Model(&models.Meeting{}), meetingColumns
	if tag, ok := s.tagWalk(db, c, f); ok {
		// The tag's rows stand for the meetings in every condition; the
		// page's own rows are read from the meetings.
		f.tag = tag
		base = db.Table("meeting_tags meetings").Where("meetings.tag = ?", tag).Joins("JOIN meetings mr ON mr.id = meetings.id")
		cols = strings.ReplaceAll(meetingColumns, "meetings.", "mr.")
	}
	q := s.filterMeetings(base.Scopes(live("meetings"), meetingVisible(s.dialect, c)), c, f)
	q, _, name, err := applyPage(q, meetingSorts, p, "meetings")
	if err != nil {
		return nil, nil, err
	}
	// The page reads whole rows: SQLite checks the filters it can on the
	// sort's index and reads the table only for the rows they keep.
	sortCol := strings.TrimPrefix(name, "-")
	rows, err := scanAll(q.Select(cols), func(rs *sql.Rows, m *models.Meeting) error { return scanMeeting(rs, m) })
	if err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(m models.Meeting) (any, string) { return meetingSortField(&m, sortCol), m.ID })
	views, err := s.expandMeetings(ctx, c, rows)
	return views, next, err
}

// meetingSortField points at the field of m that holds the sort column col.
func meetingSortField(m *models.Meeting, col string) any {
	switch col {
	case "created_at":
		return &m.CreatedAt
	case "updated_at":
		return &m.UpdatedAt
	case "title":
		return &m.Title
	}
	return &m.StartsAt
}

// UpdateMeeting changes a meeting.
func (s *Store) UpdateMeeting(ctx context.Context, c Caller, id string, p MeetingPatch) (*MeetingView, error) {
	if err := refuseNulls(p); err != nil {
		return nil, err
	}
	if err := requireCoordinator(c); err != nil {
		return nil, err
	}
	if err := s.write(ctx, func(tx *gorm.DB) error { return s.updateMeeting(tx, c, id, p) }); err != nil {
		return nil, err
	}
	return s.GetMeeting(ctx, c, id)
}

// updateMeeting is UpdateMeeting within the transaction tx.
func (s *Store) updateMeeting(tx *gorm.DB, c Caller, id string, p MeetingPatch) error {
	m, err := s.visibleMeeting(tx, c, id)
	if err != nil {
		return err
	}
	if err := checkVersion(p.IfVersion, m.Version, "meeting"); err != nil {
		return err
	}
	before := *m
	setIf(&m.Title, p.Title, strings.TrimSpace)
	setIf(&m.Timezone, p.Timezone, nil)
	setIf(&m.Location, p.Location, strings.TrimSpace)
	setIf(&m.Modality, p.Modality, nil)
	setIf(&m.Kind, p.Kind, nil)
	setIf(&m.Status, p.Status, nil)
	setIf(&m.TLP, p.TLP, nil)
	setIf(&m.Summary, p.Summary, nil)
	setIf(&m.PublicReadout, p.PublicReadout, nil)
	setIf(&m.HostOrganizationID, p.HostOrganizationID, nil)
	if p.StartsAt.Set {
		m.StartsAt = p.StartsAt.V.UTC()
	}
	if p.EndsAt.Set {
		m.EndsAt = p.EndsAt.V.UTC()
	}
	setNullable(&m.FollowUpOfID, p.FollowUpOfID)
	var v validator
	if err := s.validateMeeting(tx, &v, m); err != nil {
		return err
	}
	if err := v.err(); err != nil {
		return err
	}
	if m.FollowUpOfID != nil {
		if err := s.checkNoFollowUpCycle(tx, m.ID, *m.FollowUpOfID); err != nil {
			return err
		}
	}
	ch := diff(&before, m)
	if p.Topics.Set {
		changed, err := s.setTopics(tx, c, m.ID, p.Topics.V)
		if err != nil {
			return err
		}
		if changed {
			ch["topics"] = Change{After: p.Topics.V}
		}
	}
	if len(ch) == 0 {
		return nil
	}
	if err := saveVersioned(tx, m, &m.Version, before.Version, m.ID); err != nil {
		return translate(err, "meeting")
	}
	return s.audit(tx, c, "update", "meeting", m.ID, ch)
}

// checkNoFollowUpCycle refuses a follow-up chain that loops back.
func (s *Store) checkNoFollowUpCycle(tx *gorm.DB, id, parent string) error {
	cur := parent
	for range 1000 {
		if cur == id {
			return &ValidationError{Errors: []FieldError{{Field: "follow_up_of_id", Message: "would make the follow-up chain a loop"}}}
		}
		var next *string
		if err := tx.Model(&models.Meeting{}).Select("follow_up_of_id").Where("id = ?", cur).Scan(&next).Error; err != nil {
			return err
		}
		if next == nil {
			return nil
		}
		cur = *next
	}
	return nil
}

// DeleteMeeting soft-deletes a meeting; its action items go with it.
func (s *Store) DeleteMeeting(ctx context.Context, c Caller, id string, ifVersion *int) error {
	if err := requireCoordinator(c); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		m, err := s.visibleMeeting(tx, c, id)
		if err != nil {
			return err
		}
		if err := checkVersion(ifVersion, m.Version, "meeting"); err != nil {
			return err
		}
		now := s.now()
		res := tx.Model(&models.Meeting{}).Where("id = ? AND version = ? AND deleted_at IS NULL", id, m.Version).
			Updates(map[string]any{"deleted_at": now, "version": m.Version + 1})
		if res.Error != nil {
			return res.Error
		}
		if err := tx.Model(&models.ActionItem{}).Where("meeting_id = ? AND deleted_at IS NULL", id).
			Updates(map[string]any{"deleted_at": now, "version": gorm.Expr("version + 1")}).Error; err != nil {
			return err
		}
		return s.audit(tx, c, "delete", "meeting", id, map[string]Change{"deleted_at": {After: now.Format(time.RFC3339Nano)}})
	})
}
