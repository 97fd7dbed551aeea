package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"liaison/models"

	"liaison/store/sqlite"
)

// ActionItemInput creates an action item.
type ActionItemInput struct {
	MeetingID                          string // for /action-items; nested items take their meeting's
	Title, Description                 string
	OwnerPersonID, OwnerOrganizationID *string
	DueOn                              *models.Date
	Status, Priority                   string
}

// ActionItemPatch changes an action item: the body of a PATCH, decoded
// as it comes. Fields left out stay as they are.
type ActionItemPatch struct {
	Title               models.Opt[string]           `json:"title"`
	Description         models.Opt[string]           `json:"description"`
	OwnerPersonID       models.Nullable[string]      `json:"owner_person_id"`
	OwnerOrganizationID models.Nullable[string]      `json:"owner_organization_id"`
	DueOn               models.Nullable[models.Date] `json:"due_on"`
	Status              models.Opt[string]           `json:"status"`
	Priority            models.Opt[string]           `json:"priority"`
	// IfVersion is the version the change was made against (If-Match).
	IfVersion *int `json:"-"`
}

// onlyStatus reports whether the patch changes nothing but the status.
func (p ActionItemPatch) onlyStatus() bool {
	return !p.Title.Set && !p.Description.Set && !p.Priority.Set && !p.OwnerPersonID.Set &&
		!p.OwnerOrganizationID.Set && !p.DueOn.Set
}

// ActionItemView is an action item as one caller may see it. An owner who
// attended the meeting withheld is not named to callers who may not know.
type ActionItemView struct {
	models.ActionItem
	OwnerPerson       *models.Person
	OwnerOrganization *models.Organization
	OwnerRedacted     bool
	MeetingTitle      string
	MeetingHidden     bool // the caller sees the item as an owner, not its meeting: MeetingID and MeetingTitle are empty
	Overdue           bool
	CanEdit           bool // the caller may change its status and add updates
}

func (s *Store) validateActionItem(tx *gorm.DB, v *validator, prefix string, a *models.ActionItem) error {
	checkActionItem(v, prefix, a)
	if a.OwnerPersonID != nil {
		if err := checkExists(tx, v, prefix+"owner_person_id", &models.Person{}, *a.OwnerPersonID, noPerson); err != nil {
			return err
		}
	}
	if a.OwnerOrganizationID != nil {
		if err := checkExists(tx, v, prefix+"owner_organization_id", &models.Organization{}, *a.OwnerOrganizationID, noOrganization); err != nil {
			return err
		}
	}
	return nil
}

// What a check says of an id that names nothing.
const (
	noMeeting      = "no meeting has this id"
	noPerson       = "no person has this id"
	noOrganization = "no organization has this id"
)

// checkActionItem checks what an action item's own fields must be.
func checkActionItem(v *validator, prefix string, a *models.ActionItem) {
	v.check(a.Title != "", prefix+"title", "is required")
	v.check(len(a.Title) <= 300, prefix+"title", "must be at most 300 characters")
	v.check(len(a.Description) <= 10000, prefix+"description", "must be at most 10000 characters")
	v.check(models.OneOf(a.Status, models.ActionStatuses), prefix+"status", "must be one of %v", models.ActionStatuses)
	v.check(models.OneOf(a.Priority, models.Priorities), prefix+"priority", "must be one of %v", models.Priorities)
	if a.DueOn != nil {
		v.check(a.DueOn.Year() >= 1970 && a.DueOn.Year() <= 2200, prefix+"due_on", "must be a date between 1970 and 2200")
	}
}

func (s *Store) buildActionItem(tx *gorm.DB, v *validator, prefix string, c Caller, meetingID string, in ActionItemInput) (*models.ActionItem, error) {
	a := s.newActionItem(c, meetingID, in)
	return a, s.validateActionItem(tx, v, prefix, a)
}

// newActionItem is the action item in describes, not yet checked.
func (s *Store) newActionItem(c Caller, meetingID string, in ActionItemInput) *models.ActionItem {
	a := &models.ActionItem{ID: newID(), MeetingID: meetingID, Title: strings.TrimSpace(in.Title), Description: in.Description,
		OwnerPersonID: in.OwnerPersonID, OwnerOrganizationID: in.OwnerOrganizationID, DueOn: in.DueOn,
		Status: orDefault(in.Status, "open"), Priority: orDefault(in.Priority, "medium"), Version: 1, CreatedBy: c.UserID}
	if a.Status == "done" {
		now := s.now()
		a.CompletedAt = &now
		a.DaysToClose = new(float64) // created and completed at once
	}
	return a
}

// visibleActionItems is the action items whose meeting the caller may see,
// and those the caller owns (itemVisible); soft-deleted meetings and items
// excluded.
func (s *Store) visibleActionItems(db *gorm.DB, c Caller) *gorm.DB {
	return actionItemsOf(db, itemVisible(s.dialect, c))
}

// actionItemsOf is the action items of live meetings that visible keeps
// (itemVisible, or a statistic's set of meetings).
func actionItemsOf(db *gorm.DB, visible func(*gorm.DB) *gorm.DB) *gorm.DB {
	return db.Model(&models.ActionItem{}).
		Joins("JOIN meetings ON meetings.id = action_items.meeting_id AND meetings.deleted_at IS NULL").
		Scopes(live("action_items"), visible)
}

// ownsItem reports whether a participant owns the item, by person or organisation.
func ownsItem(c Caller, a *models.ActionItem) bool {
	return (c.PersonID != "" && a.OwnerPersonID != nil && *a.OwnerPersonID == c.PersonID) ||
		(c.OrganizationID != "" && a.OwnerOrganizationID != nil && *a.OwnerOrganizationID == c.OrganizationID)
}

func (s *Store) canEditItem(c Caller, a *models.ActionItem) bool {
	if !c.CanWrite() {
		return false
	}
	return c.Privileged() || (c.Role == models.RoleParticipant && ownsItem(c, a))
}

// CreateActionItem adds an action item to a meeting. Only coordinators
// and administrators create items, and they see every owner, so the view
// is built from what the transaction wrote rather than read back.
//
// The item's own fields are checked first, in this goroutine. What needs
// the database is checked where the item is written, by the group
// committer, whose connection holds those pages in its cache (a reader's
// cache starts empty whenever another connection has committed, which
// under writes is always): one read says whether the meeting is there and
// visible to the caller, with its title, and whether the owners exist.
// Should one of them fail, the write is refused, having written nothing,
// without touching the rest of its batch; otherwise a plain insert writes
// the item, which SQLite runs without a statement journal, and then the
// audit row.
func (s *Store) CreateActionItem(ctx context.Context, c Caller, in ActionItemInput) (*ActionItemView, error) {
	if err := requireCoordinator(c); err != nil {
		return nil, err
	}
	var v validator
	if in.MeetingID == "" {
		v.add("meeting_id", "is required")
		return nil, v.err()
	}
	a := s.newActionItem(c, in.MeetingID, in)
	checkActionItem(&v, "", a)
	if err := v.err(); err != nil {
		return nil, err
	}
	changes, err := json.Marshal(diff(nil, a))
	if err != nil {
		return nil, err
	}
	cond, condArgs := visibleSQL(s.dialect, c)
	var title string
	err = s.write(ctx, func(tx *gorm.DB) error {
		q, args := `SELECT (SELECT title FROM meetings WHERE id = ? AND deleted_at IS NULL AND `+cond+`)`, append([]any{a.MeetingID}, condArgs...)
		var meetingTitle sql.NullString
		personOK, orgOK := true, true
		found := []any{&meetingTitle}
		if a.OwnerPersonID != nil {
			q += `, EXISTS (SELECT 1 FROM people WHERE id = ?)`
			args, found = append(args, *a.OwnerPersonID), append(found, &personOK)
		}
		if a.OwnerOrganizationID != nil {
			q += `, EXISTS (SELECT 1 FROM organizations WHERE id = ?)`
			args, found = append(args, *a.OwnerOrganizationID), append(found, &orgOK)
		}
		if err := tx.Statement.ConnPool.QueryRowContext(tx.Statement.Context, s.rebind(q), args...).Scan(found...); err != nil {
			return err
		}
		var v validator
		v.check(meetingTitle.Valid, "meeting_id", noMeeting)
		v.check(personOK, "owner_person_id", noPerson)
		v.check(orgOK, "owner_organization_id", noOrganization)
		if err := v.err(); err != nil {
			return sqlite.Refuse(err) // nothing written
		}
		title = meetingTitle.String
		if err := s.insertActionItem(tx, a); err != nil {
			return translate(err, "action item")
		}
		return s.auditJSON(tx, c, "create", "action_item", a.ID, changes)
	})
	if err != nil {
		return nil, err
	}
	if !c.Privileged() { // not reached today; kept honest should the rule change
		return s.GetActionItem(ctx, c, a.ID)
	}
	view := ActionItemView{ActionItem: *a, MeetingTitle: title, CanEdit: s.canEditItem(c, a)}
	view.Overdue = a.DueOn != nil && a.DueOn.Before(s.today().Time) && models.OneOf(a.Status, models.OpenStatuses)
	if a.OwnerPersonID != nil {
		people, err := s.peopleByID(ctx, []string{*a.OwnerPersonID})
		if err != nil {
			return nil, err
		}
		view.OwnerPerson = people[*a.OwnerPersonID]
	}
	if a.OwnerOrganizationID != nil {
		orgs, err := s.orgsByID(ctx, []string{*a.OwnerOrganizationID})
		if err != nil {
			return nil, err
		}
		view.OwnerOrganization = orgs[*a.OwnerOrganizationID]
	}
	return &view, nil
}

// insertActionItem writes a new item (one statement, no reflection) and
// sets its timestamps.
func (s *Store) insertActionItem(tx *gorm.DB, a *models.ActionItem) error {
	now := s.now()
	a.CreatedAt, a.UpdatedAt = now, now
	var due any
	if a.DueOn != nil {
		due = a.DueOn.String()
	}
	var completed any
	if a.CompletedAt != nil {
		completed = *a.CompletedAt
	}
	var days any
	if a.DaysToClose != nil {
		days = *a.DaysToClose
	}
	_, err := s.execTx(tx, `INSERT INTO action_items (id, meeting_id, title, description, owner_person_id, owner_organization_id, due_on,
		status, priority, completed_at, days_to_close, version, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.MeetingID, a.Title, a.Description, a.OwnerPersonID, a.OwnerOrganizationID, due,
		a.Status, a.Priority, completed, days, a.Version, a.CreatedBy, a.CreatedAt, a.UpdatedAt)
	return err
}

// GetActionItem reads one action item of a visible meeting.
func (s *Store) GetActionItem(ctx context.Context, c Caller, id string) (*ActionItemView, error) {
	ctx, end := s.snapshot(ctx)
	defer end()
	db := s.read(ctx)
	var a models.ActionItem
	if err := s.visibleActionItems(db, c).Select("action_items.*").Where("action_items.id = ?", id).Take(&a).Error; err != nil {
		return nil, translate(err, "action item")
	}
	views, err := s.expandActionItems(db, c, []models.ActionItem{a})
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}

// expandActionItems adds owners (redacted where the owner attended the
// meeting withheld and the caller may not know) and meeting titles.
func (s *Store) expandActionItems(db *gorm.DB, c Caller, items []models.ActionItem) ([]ActionItemView, error) {
	return s.expandItems(db, c, items, nil)
}

// itemMeetings are the titles of action items' meetings, and whether the
// caller may see each meeting, by meeting id.
type itemMeetings struct {
	title map[string]string
	seen  map[string]bool
}

// itemMeetingColumns select, beside an action item joined to its meeting,
// what itemMeetings holds of the meeting (as ListActionItems reads it).
func (s *Store) itemMeetingColumns(c Caller) (string, []any) {
	cond, args := visibleSQL(s.dialect, c)
	return "meetings.title, CASE WHEN " + cond + " THEN 1 ELSE 0 END", args
}

// expandItems is expandActionItems with the items' meetings known when
// meetings is not nil.
func (s *Store) expandItems(db *gorm.DB, c Caller, items []models.ActionItem, meetings *itemMeetings) ([]ActionItemView, error) {
	out := make([]ActionItemView, len(items))
	if len(items) == 0 {
		return out, nil
	}
	var meetingIDs, personIDs, orgIDs []string
	for _, a := range items {
		meetingIDs = append(meetingIDs, a.MeetingID)
		if a.OwnerPersonID != nil {
			personIDs = append(personIDs, *a.OwnerPersonID)
		}
		if a.OwnerOrganizationID != nil {
			orgIDs = append(orgIDs, *a.OwnerOrganizationID)
		}
	}
	ctx := db.Statement.Context
	meetingIDs = uniq(meetingIDs)
	if meetings == nil {
		title, seen, err := s.meetingTitles(ctx, c, meetingIDs)
		if err != nil {
			return nil, err
		}
		meetings = &itemMeetings{title: title, seen: seen}
	}
	title, seen := meetings.title, meetings.seen
	people, err := s.peopleByID(ctx, personIDs)
	if err != nil {
		return nil, err
	}
	// Only meetings the caller sees can withhold an owner, and never the
	// caller's own person or organisation: an item owned by those alone
	// (a participant's own list) needs no attendance read.
	var askIDs []string
	for _, a := range items {
		if seen[a.MeetingID] && !ownedByCaller(c, &a, people) {
			askIDs = append(askIDs, a.MeetingID)
		}
	}
	w, err := s.withheldOwners(db, c, uniq(askIDs))
	if err != nil {
		return nil, err
	}
	orgs, err := s.orgsByID(ctx, orgIDs)
	if err != nil {
		return nil, err
	}
	today := s.today()
	for i, a := range items {
		v := ActionItemView{ActionItem: a, MeetingTitle: title[a.MeetingID], CanEdit: s.canEditItem(c, &a)}
		wm := w // the meeting's withheld identities
		if !seen[a.MeetingID] {
			// Seen as an owner: the owners as assigned, and nothing that the
			// hidden meeting's attendance would tell.
			v.MeetingID, v.MeetingTitle, v.MeetingHidden = "", "", true
			wm = withheld{}
		}
		v.Overdue = a.DueOn != nil && a.DueOn.Before(today.Time) && models.OneOf(a.Status, models.OpenStatuses)
		if a.OwnerPersonID != nil {
			// A person shown with a withheld organisation would name it.
			p := people[*a.OwnerPersonID]
			if wm.person(a.MeetingID, *a.OwnerPersonID) || (p != nil && wm.org(a.MeetingID, p.OrganizationID)) {
				v.OwnerRedacted, v.OwnerPersonID = true, nil
			} else {
				v.OwnerPerson = p
			}
		}
		if a.OwnerOrganizationID != nil {
			if wm.org(a.MeetingID, *a.OwnerOrganizationID) {
				v.OwnerRedacted, v.OwnerOrganizationID = true, nil
			} else {
				v.OwnerOrganization = orgs[*a.OwnerOrganizationID]
			}
		}
		out[i] = v
	}
	return out, nil
}

// ownedByCaller reports whether item a is owned by nobody but the
// caller's person and organisation, people holding its owner person.
func ownedByCaller(c Caller, a *models.ActionItem, people map[string]*models.Person) bool {
	if a.OwnerPersonID != nil {
		p := people[*a.OwnerPersonID]
		if *a.OwnerPersonID != c.PersonID || p == nil || p.OrganizationID != c.OrganizationID {
			return false
		}
	}
	return a.OwnerOrganizationID == nil || *a.OwnerOrganizationID == c.OrganizationID
}

// meetingTitles reads the titles of the meetings, by id, and which of them
// the caller may see (live and allowed by the visibility rule).
func (s *Store) meetingTitles(ctx context.Context, c Caller, ids []string) (title map[string]string, seen map[string]bool, err error) {
	in, args := inList(ids)
	cond, vargs := visibleSQL(s.dialect, c)
	rows, err := s.query(ctx, `SELECT meetings.id, meetings.title, CASE WHEN meetings.deleted_at IS NULL AND `+cond+` THEN 1 ELSE 0 END
		FROM meetings WHERE meetings.id IN (`+in+`)`, append(vargs, args...)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	title, seen = make(map[string]string, len(ids)), make(map[string]bool, len(ids))
	for rows.Next() {
		var (
			id, t   string
			visible bool
		)
		if err := rows.Scan(&id, &t, &visible); err != nil {
			return nil, nil, err
		}
		title[id], seen[id] = t, visible
	}
	return title, seen, rows.Err()
}

// withheld tells, per meeting, which people and organisations the caller
// may not learn attended it.
type withheld struct {
	people, orgs map[[2]string]bool
}

func (w withheld) person(meetingID, id string) bool { return w.people[[2]string{meetingID, id}] }
func (w withheld) org(meetingID, id string) bool    { return w.orgs[[2]string{meetingID, id}] }

// withheldOwners works out, for the caller, the identities each meeting
// withholds: a person is withheld when all of their rows withhold them, an
// organisation when all of its rows are undisclosed, or organisation-only
// rows of a person in an organisation of fewer than k people (anonymity.go).
// The caller's own person
// and organisation, and every identity of a meeting the caller attends, are
// never withheld from the caller.
func (s *Store) withheldOwners(db *gorm.DB, c Caller, meetingIDs []string) (withheld, error) {
	w := withheld{people: map[[2]string]bool{}, orgs: map[[2]string]bool{}}
	if c.Privileged() || len(meetingIDs) == 0 {
		return w, nil
	}
	rows, err := s.attendanceKeys(db, meetingIDs)
	if err != nil {
		return w, err
	}
	var orgOnly []string
	for _, a := range rows {
		if a.Disclosure == models.DisclosureOrganizationOnly && a.PersonID != nil {
			orgOnly = append(orgOnly, a.OrganizationID)
		}
	}
	var g groupSizes
	if len(orgOnly) > 0 {
		if g, err = s.groupSizes(db.Statement.Context, false, orgOnly); err != nil {
			return w, err
		}
	}
	member := map[string]bool{}
	shownP, shownO := map[[2]string]bool{}, map[[2]string]bool{}
	for _, a := range rows {
		if a.PersonID != nil && *a.PersonID == c.PersonID && attends(a.Attendance) {
			member[a.MeetingID] = true
		}
		if a.PersonID != nil {
			k := [2]string{a.MeetingID, *a.PersonID}
			if a.Disclosure == models.DisclosurePublic {
				shownP[k] = true
			} else {
				w.people[k] = true
			}
		}
		k := [2]string{a.MeetingID, a.OrganizationID}
		smallOrg := a.Disclosure == models.DisclosureOrganizationOnly && a.PersonID != nil && !g.orgShown(a.OrganizationID)
		if a.Disclosure != models.DisclosureUndisclosed && !smallOrg {
			shownO[k] = true
		} else {
			w.orgs[k] = true
		}
	}
	for k := range w.people {
		if shownP[k] || member[k[0]] || k[1] == c.PersonID {
			delete(w.people, k)
		}
	}
	for k := range w.orgs {
		if shownO[k] || member[k[0]] || k[1] == c.OrganizationID {
			delete(w.orgs, k)
		}
	}
	return w, nil
}

// attendanceKeys reads who attended the meetings and how, without names:
// one hand-scanned query, as it runs for every page of action items.
func (s *Store) attendanceKeys(db *gorm.DB, meetingIDs []string) ([]models.Attendee, error) {
	in, args := inList(meetingIDs)
	rs, err := s.query(db.Statement.Context, `SELECT meeting_id, person_id, organization_id, disclosure, attendance
		FROM attendees WHERE meeting_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []models.Attendee
	for rs.Next() {
		var a models.Attendee
		if err := rs.Scan(&a.MeetingID, &a.PersonID, &a.OrganizationID, &a.Disclosure, &a.Attendance); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rs.Err()
}

// ActionItemFilter narrows the action item list. Every field is optional.
type ActionItemFilter struct {
	Status            []string
	Priority          []string
	OwnerMe           bool
	OwnerOrganization string
	OwnerPerson       string
	MeetingID         string
	Overdue           bool
	DueBefore         *models.Date // due_on < DueBefore
	DueAfter          *models.Date // due_on > DueAfter
	Q                 string

	ownerPart int // how ListActionItems splits OwnerMe
	// sort is the list's sort key (ListActionItems): filters that are not
	// on it are checked on each row of the sort's index walk.
	sort string
}

// OwnerMe is answered as the UNION ALL of two disjoint arms, each of which
// streams from an (owner, due date, id) index in page order; one condition
// with an OR would read and sort every item the organisation owns.
const (
	ownedByEither = iota
	ownedByPerson
	ownedByOrgOnly
)

// dueExpr is an item's due date as the indexes hold it: noDueDate when it
// has none (due dates are validated to lie before 2200).
const (
	noDueDate = "9999-12-31"
	dueExpr   = "COALESCE(action_items.due_on, '" + noDueDate + "')"
)

var actionItemSorts = newSortSet("due_on", map[string]sortKey{
	"due_on":     {expr: dueExpr},
	"created_at": {expr: "action_items.created_at", isTime: true},
	"updated_at": {expr: "action_items.updated_at", isTime: true},
	"title":      {expr: "action_items.title"},
})

// ActionItemSorts lists the sorts the action item list accepts.
func ActionItemSorts() []string { return actionItemSorts.Names() }

// withheldOrgSQL is true when the organisation in col attended the item's
// meeting (joined as "meetings") withheld from the caller, as
// withheldOwners decides it in Go: the caller may see the meeting, is not
// in the room, and no attendance row shows the organisation (public, or
// organisation-only of an organisation of k people or more). On a meeting
// the caller may not see, an owner is shown as assigned and nothing is
// withheld by attendance.
func (s *Store) withheldOrgSQL(c Caller, col string) (string, []any) {
	cond, args := visibleSQL(s.dialect, c)
	return "(" + cond + " AND EXISTS (SELECT 1 FROM attendees w1 WHERE w1.meeting_id = action_items.meeting_id AND w1.organization_id = " + col + ")" +
			" AND NOT EXISTS (SELECT 1 FROM attendees w2 WHERE w2.meeting_id = action_items.meeting_id AND w2.organization_id = " + col + " AND " + s.shownRowSQL("w2") + ")" +
			" AND NOT " + memberSQL("action_items.meeting_id") + ")",
		append(args, c.PersonID)
}

// withheldPersonSQL is withheldOrgSQL for the person in col: withheld by
// their own rows, or with their organisation.
func (s *Store) withheldPersonSQL(c Caller, col string) (string, []any) {
	cond, args := visibleSQL(s.dialect, c)
	org, oargs := s.withheldOrgSQL(c, "(SELECT wp.organization_id FROM people wp WHERE wp.id = "+col+")")
	args = append(args, c.PersonID)
	return "((" + cond + " AND EXISTS (SELECT 1 FROM attendees w1 WHERE w1.meeting_id = action_items.meeting_id AND w1.person_id = " + col + ")" +
			" AND NOT EXISTS (SELECT 1 FROM attendees w2 WHERE w2.meeting_id = action_items.meeting_id AND w2.person_id = " + col + " AND w2.disclosure = 'public')" +
			" AND NOT " + memberSQL("action_items.meeting_id") + ") OR " + org + ")",
		append(args, oargs...)
}

func (s *Store) filterActionItems(q *gorm.DB, c Caller, f ActionItemFilter) *gorm.DB {
	// Status and priority are compared as values, so that SQLite walks the
	// sort's index rather than gather every item of a status and sort it.
	status, priority := asValue(s.dialect, "action_items.status"), asValue(s.dialect, "action_items.priority")
	due := dueExpr
	if f.sort != "" && f.sort != "due_on" {
		due = s.noIndex(dueExpr)
	}
	if len(f.Status) > 0 {
		q = q.Where(status+" IN ?", f.Status)
	}
	if len(f.Priority) > 0 {
		q = q.Where(priority+" IN ?", f.Priority)
	}
	if f.OwnerMe {
		switch f.ownerPart {
		case ownedByPerson:
			q = q.Where("action_items.owner_person_id = ?", c.PersonID)
		case ownedByOrgOnly:
			q = q.Where("action_items.owner_organization_id = ? AND (action_items.owner_person_id IS NULL OR action_items.owner_person_id <> ?)", c.OrganizationID, c.PersonID)
		default:
			// One of the two is empty (both set are split in two arms).
			switch {
			case c.PersonID != "":
				q = q.Where("action_items.owner_person_id = ?", c.PersonID)
			case c.OrganizationID != "":
				q = q.Where("action_items.owner_organization_id = ?", c.OrganizationID)
			default:
				q = q.Where("1 = 0") // a user linked to no one owns nothing
			}
		}
	}
	if f.OwnerOrganization != "" {
		q = q.Where("action_items.owner_organization_id = ?", f.OwnerOrganization)
		if !c.Privileged() && f.OwnerOrganization != c.OrganizationID {
			cond, args := s.withheldOrgSQL(c, "action_items.owner_organization_id")
			q = q.Where("NOT "+cond, args...)
		}
	}
	if f.OwnerPerson != "" {
		q = q.Where("action_items.owner_person_id = ?", f.OwnerPerson)
		if !c.Privileged() && f.OwnerPerson != c.PersonID {
			cond, args := s.withheldPersonSQL(c, "action_items.owner_person_id")
			q = q.Where("NOT "+cond, args...)
		}
	}
	if f.MeetingID != "" {
		q = q.Where("action_items.meeting_id = ?", f.MeetingID)
	}
	// Due dates are compared through the same expression the (owner, due,
	// id) indexes hold, so that the filter is a range of the index and a
	// rejected item is never read from the table. An item with no due date
	// sorts as noDueDate: never before a date, and excluded from "after".
	if f.Overdue {
		q = q.Where(status+" IN ?", models.OpenStatuses)
	}
	if before, ok := s.dueBefore(f); ok {
		q = q.Where(due+" < ?", before)
	}
	if f.DueAfter != nil {
		q = q.Where(due+" > ?", f.DueAfter.String())
	}
	if cond, args, ok := s.fewDue(q.Session(&gorm.Session{NewDB: true}), f); ok {
		q = q.Where(cond, args...)
	}
	if cond, args, ok := s.textMatch(q.Session(&gorm.Session{NewDB: true}), f.Q, itemText); ok {
		q = q.Where(cond, args...)
	} else if f.Q != "" {
		pat, op := likePattern(f.Q), s.like()
		q = q.Where("(action_items.title "+op+" ? ESCAPE '\\' OR action_items.description "+op+" ? ESCAPE '\\')", pat, pat)
	}
	return q
}

// dueBefore is the one date that f's due filters keep an item's due date
// (as dueExpr reads it) before, and whether they set one: the earliest of
// today for overdue, the due_before date, and for a range (which items
// with no due date are in none of) noDueDate. One bound, because SQLite
// bounds a walk of the index by due date with the first it is given and
// checks the others on every row: a window's "before the end of time"
// would have it walk from the window's start to the end of the index.
func (s *Store) dueBefore(f ActionItemFilter) (string, bool) {
	var bounds []string
	if f.Overdue {
		bounds = append(bounds, s.today().String())
	}
	if f.DueBefore != nil {
		bounds = append(bounds, f.DueBefore.String())
	}
	if f.Overdue || f.DueBefore != nil || f.DueAfter != nil {
		bounds = append(bounds, noDueDate)
	}
	if len(bounds) == 0 {
		return "", false
	}
	return slices.Min(bounds), true
}

// fewDue is, on SQLite, the condition that an item is among the few whose
// due date is in the range of f's due filters, when the list is not sorted
// by due date and no owner's (owner, due date) index bounds it. SQLite
// cannot tell how many items a range holds: a few are fetched by rowid and
// sorted, rather than walking the sort's index to the end in search of
// them; many are met on that walk.
func (s *Store) fewDue(db *gorm.DB, f ActionItemFilter) (string, []any, bool) {
	if s.dialect == Postgres || s.walkOnly || f.sort == "due_on" || f.OwnerMe || f.OwnerOrganization != "" || f.OwnerPerson != "" || f.MeetingID != "" ||
		!f.Overdue && f.DueBefore == nil && f.DueAfter == nil {
		return "", nil, false
	}
	// The due date is read as the index by due date holds it.
	due := "COALESCE(due_on, '" + noDueDate + "')"
	before, _ := s.dueBefore(f)
	cond, args := due+" < ?", []any{before}
	if f.Overdue {
		cond, args = cond+" AND status IN ?", append(args, models.OpenStatuses)
	}
	if f.DueAfter != nil {
		cond, args = cond+" AND "+due+" > ?", append(args, f.DueAfter.String())
	}
	var rowids []int64
	if err := db.Raw("SELECT rowid FROM action_items INDEXED BY action_items_due WHERE "+cond+" LIMIT ?", append(args, manyMatches)...).Scan(&rowids).Error; err != nil || len(rowids) >= manyMatches {
		return "", nil, false
	}
	cond, args = rowidIn("action_items", rowids)
	return cond, args, true
}

// ListActionItems pages through the action items the caller may see, each
// with its owners (redacted for the caller) and its meeting's title.
func (s *Store) ListActionItems(ctx context.Context, c Caller, f ActionItemFilter, p Page) ([]ActionItemView, *string, error) {
	ctx, end := s.snapshot(ctx)
	defer end()
	db := s.read(ctx)
	if f.MeetingID != "" {
		if _, err := s.visibleMeeting(db, c, f.MeetingID); err != nil {
			return nil, nil, err
		}
	}
	// The page query walks the index of its sort and checks the other
	// filters on each row: through their own indexes, which SQLite (with
	// no statistics) takes for selective, it would gather every item of a
	// status and sort them all. It reads whole rows, and the sort key last
	// (for a due date, as the indexes hold it).
	f.sort = strings.TrimPrefix(p.Sort, "-")
	if f.Overdue && len(f.Status) > 0 && !slices.ContainsFunc(f.Status, func(st string) bool { return models.OneOf(st, models.OpenStatuses) }) {
		return []ActionItemView{}, nil, nil // only open items are overdue
	}
	visible := func(f ActionItemFilter) *gorm.DB { return s.filterActionItems(s.visibleActionItems(db, c), c, f) }
	// The page reads its items' meetings' titles, and whether the caller
	// may see each, from the meetings it joins.
	meetingCols, meetingArgs := s.itemMeetingColumns(c)
	var (
		q    *gorm.DB
		key  sortKey
		name string
		err  error
	)
	if f.OwnerMe && c.PersonID != "" && c.OrganizationID != "" {
		// Two disjoint arms, each streaming from its (owner, due date, id)
		// index in page order, merged by the database as they stream: the
		// page stops once it has its rows, wherever they come from.
		var byPerson, byOrg *gorm.DB
		f.ownerPart = ownedByPerson
		if byPerson, key, name, err = resumePage(visible(f), actionItemSorts, p, "action_items"); err != nil {
			return nil, nil, err
		}
		f.ownerPart = ownedByOrgOnly
		if byOrg, _, _, err = resumePage(visible(f), actionItemSorts, p, "action_items"); err != nil {
			return nil, nil, err
		}
		cols, dir := actionItemColumns+", "+key.expr+", "+meetingCols, key.dir()
		q = db.Raw("? UNION ALL ? ORDER BY "+strconv.Itoa(actionItemColumnCount+1)+" "+dir+", 1 "+dir+" LIMIT ?",
			byPerson.Select(cols, meetingArgs...), byOrg.Select(cols, meetingArgs...), p.Limit+1)
	} else {
		if q, key, name, err = applyPage(visible(f), actionItemSorts, p, "action_items"); err != nil {
			return nil, nil, err
		}
		q = q.Select(actionItemColumns+", "+key.expr+", "+meetingCols, meetingArgs...)
	}
	sortCol := strings.TrimPrefix(name, "-")
	var (
		sortKey any // the sort key is in the row already
		title   string
		seen    bool
	)
	meetings := &itemMeetings{title: map[string]string{}, seen: map[string]bool{}}
	rows, err := scanAll(q, func(rs *sql.Rows, a *models.ActionItem) error {
		if err := scanActionItem(rs, a, &sortKey, &title, &seen); err != nil {
			return err
		}
		meetings.title[a.MeetingID], meetings.seen[a.MeetingID] = title, seen
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(a models.ActionItem) (any, string) { return itemCursorValue(&a, sortCol), a.ID })
	views, err := s.expandItems(db, c, rows, meetings)
	return views, next, err
}

// applyStatus sets the status and keeps completed_at in step with it.
func (s *Store) applyStatus(a *models.ActionItem, status string) {
	if a.Status == status {
		return
	}
	a.Status = status
	if status == "done" {
		now := s.now()
		days := now.Sub(a.CreatedAt).Hours() / 24
		a.CompletedAt, a.DaysToClose = &now, &days
	} else {
		a.CompletedAt, a.DaysToClose = nil, nil
	}
}

// loadEditableItem loads an item for change: a 404 when the caller may not
// see it, a 403 when the caller may see but not change it.
func (s *Store) loadEditableItem(tx *gorm.DB, c Caller, id string, statusOnly bool) (*models.ActionItem, error) {
	var a models.ActionItem
	if err := s.visibleActionItems(tx, c).Select("action_items.*").Where("action_items.id = ?", id).Take(&a).Error; err != nil {
		return nil, translate(err, "action item")
	}
	if c.Privileged() && c.CanWrite() {
		return &a, nil
	}
	if !s.canEditItem(c, &a) {
		return nil, newErr(ErrForbidden, "you may not change this action item")
	}
	if !statusOnly {
		return nil, newErr(ErrForbidden, "participants may change only the status of the action items they own")
	}
	return &a, nil
}

// UpdateActionItem changes an action item. Participants may change only the
// status of items their person or organisation owns.
func (s *Store) UpdateActionItem(ctx context.Context, c Caller, id string, p ActionItemPatch) (*ActionItemView, error) {
	if err := refuseNulls(p); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		a, err := s.loadEditableItem(tx, c, id, p.onlyStatus())
		if err != nil {
			return err
		}
		if err := checkVersion(p.IfVersion, a.Version, "action item"); err != nil {
			return err
		}
		before := *a
		setIf(&a.Title, p.Title, strings.TrimSpace)
		setIf(&a.Description, p.Description, nil)
		setIf(&a.Priority, p.Priority, nil)
		setNullable(&a.OwnerPersonID, p.OwnerPersonID)
		setNullable(&a.OwnerOrganizationID, p.OwnerOrganizationID)
		setNullable(&a.DueOn, p.DueOn)
		if p.Status.Set {
			if !models.OneOf(p.Status.V, models.ActionStatuses) {
				return &ValidationError{Errors: []FieldError{{Field: "status", Message: "must be one of " + strings.Join(models.ActionStatuses, ", ")}}}
			}
			s.applyStatus(a, p.Status.V)
		}
		var v validator
		if err := s.validateActionItem(tx, &v, "", a); err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		if unchanged(&before, a) {
			return nil
		}
		if err := saveVersioned(tx, a, &a.Version, before.Version, a.ID); err != nil {
			return translate(err, "action item")
		}
		return s.audit(tx, c, "update", "action_item", a.ID, diff(&before, a))
	})
	if err != nil {
		return nil, err
	}
	return s.GetActionItem(ctx, c, id)
}

// DeleteActionItem soft-deletes an action item.
func (s *Store) DeleteActionItem(ctx context.Context, c Caller, id string, ifVersion *int) error {
	if err := requireCoordinator(c); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		a, err := s.loadEditableItem(tx, c, id, false)
		if err != nil {
			return err
		}
		if err := checkVersion(ifVersion, a.Version, "action item"); err != nil {
			return err
		}
		now := s.now()
		if err := tx.Model(&models.ActionItem{}).Where("id = ? AND version = ? AND deleted_at IS NULL", id, a.Version).
			Updates(map[string]any{"deleted_at": now, "version": a.Version + 1}).Error; err != nil {
			return err
		}
		return s.audit(tx, c, "delete", "action_item", id, map[string]Change{"deleted_at": {After: now.Format(time.RFC3339Nano)}})
	})
}

// itemSortField points at the field of a that holds the sort column col.
func itemSortField(a *models.ActionItem, col string) any {
	switch col {
	case "created_at":
		return &a.CreatedAt
	case "updated_at":
		return &a.UpdatedAt
	case "title":
		return &a.Title
	}
	return &a.DueOn
}

// itemCursorValue is a's value for the sort column col as the SQL orders
// it, for a cursor: an item with no due date sorts as noDueDate.
func itemCursorValue(a *models.ActionItem, col string) any {
	f := itemSortField(a, col)
	if due, ok := f.(**models.Date); ok {
		if *due == nil {
			return noDueDate
		}
		return (*due).String()
	}
	return f
}

// actionItemColumns are the columns scanActionItem reads, in its order.
const actionItemColumns = `action_items.id, action_items.meeting_id, action_items.title, action_items.description,
	action_items.owner_person_id, action_items.owner_organization_id, action_items.due_on, action_items.status,
	action_items.priority, action_items.completed_at, action_items.days_to_close, action_items.version,
	action_items.created_by, action_items.created_at, action_items.updated_at`

// actionItemColumnCount is how many columns actionItemColumns names.
const actionItemColumnCount = 15

// scanActionItem reads actionItemColumns (then extra destinations) from a row.
func scanActionItem(rs *sql.Rows, a *models.ActionItem, extra ...any) error {
	return rs.Scan(append([]any{&a.ID, &a.MeetingID, &a.Title, &a.Description, &a.OwnerPersonID, &a.OwnerOrganizationID, &a.DueOn,
		&a.Status, &a.Priority, &a.CompletedAt, &a.DaysToClose, &a.Version, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt}, extra...)...)
}
