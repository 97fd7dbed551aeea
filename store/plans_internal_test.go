package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

// A list must walk the index of its sort and stop at the page's end,
// checking each row's visibility and filters on the way. A plan that
// gathers every meeting the caller may see (one index lookup per TLP), or
// every item of a status, and sorts them all costs seconds at 100,000
// meetings: the page query's plan must neither sort nor take that path.
func TestListsWalkTheirSortIndex(t *testing.T) {
	s := openInternal(t)
	ctx := context.Background()
	coord := Caller{UserID: "u-coord", Role: models.RoleCoordinator}
	gov, err := s.CreateOrganization(ctx, System, OrganizationInput{Name: "Host Agency", Kind: "government", Country: "US"})
	if err != nil {
		t.Fatal(err)
	}
	telco, err := s.CreateOrganization(ctx, System, OrganizationInput{Name: "Carrier", Kind: "industry", Sector: "communications", Country: "US"})
	if err != nil {
		t.Fatal(err)
	}
	person, err := s.CreatePerson(ctx, System, PersonInput{FullName: "Pat Carrier", OrganizationID: telco.ID})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	for i, tlp := range []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"} {
		due := models.DateOf(start.AddDate(0, 0, i))
		_, err := s.CreateMeeting(ctx, coord, MeetingInput{
			Title: "Briefing " + tlp, StartsAt: start.AddDate(0, 0, i), EndsAt: start.AddDate(0, 0, i).Add(time.Hour), Timezone: "UTC",
			Modality: "virtual", Kind: "briefing", Status: "held", TLP: tlp, HostOrganizationID: gov.ID,
			Attendees:   []AttendeeInput{{PersonID: &person.ID, Role: "attendee", Attendance: "attended", Disclosure: "public"}},
			ActionItems: []ActionItemInput{{Title: "Follow up " + tlp, OwnerPersonID: &person.ID, DueOn: &due, Priority: "high"}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	participant := Caller{UserID: "u-part", Role: models.RoleParticipant, PersonID: person.ID, OrganizationID: telco.ID}

	// Every query of the read pool is recorded; a list's page query is the
	// first that is ordered and ends with its LIMIT.
	type query struct {
		sql  string
		vars []any
	}
	var seen []query
	if err := s.r.Callback().Row().After("gorm:row").Register("liaison_test:record", func(db *gorm.DB) {
		seen = append(seen, query{db.Statement.SQL.String(), append([]any(nil), db.Statement.Vars...)})
	}); err != nil {
		t.Fatal(err)
	}
	type listCase struct {
		name  string
		list  func() error
		index string // an index the page query must walk, if any
	}
	// The matrix: every documented filter alone, for every role, in every
	// sort.
	viewer := Caller{UserID: "u-view", Role: models.RoleViewer}
	from, to := start.AddDate(0, -1, 0), start.AddDate(0, 1, 0)
	dueFrom, dueTo := models.DateOf(from), models.DateOf(to)
	meetingFilters := map[string]MeetingFilter{
		"none": {}, "status": {Status: []string{"held"}}, "tlp": {TLP: []string{"AMBER", "RED"}}, "kind": {Kind: []string{"briefing"}},
		"sector": {Sector: "communications"}, "organization": {Organization: telco.ID}, "topic": {Topic: "Router hardening"},
		"window": {From: &from, To: &to}, "q": {Q: "briefing"}, "q, no match": {Q: "zqxx"},
	}
	itemFilters := map[string]ActionItemFilter{
		"none": {}, "status": {Status: []string{"open", "in_progress"}}, "priority": {Priority: []string{"high"}}, "overdue": {Overdue: true},
		"due window": {DueAfter: &dueFrom, DueBefore: &dueTo}, "owner organisation": {OwnerOrganization: telco.ID},
		"owner person": {OwnerPerson: person.ID}, "owner me": {OwnerMe: true}, "q": {Q: "follow"}, "q, no match": {Q: "zqxx"},
	}
	var matrix []listCase
	for role, c := range map[string]Caller{"coordinator": coord, "participant": participant, "viewer": viewer} {
		for fname, f := range meetingFilters {
			for _, sort := range meetingSorts.Names() {
				// An organisation's or a topic's meetings, and a
				// participant's own (AMBER and RED), are walked in their
				// tag's index (tags.go).
				var index string
				if fname == "organization" || fname == "topic" || fname == "tlp" && role == "participant" {
					index = "INDEX meeting_tags_" + strings.TrimPrefix(sort, "-") + " (tag=?)"
				}
				matrix = append(matrix, listCase{name: "meetings/" + role + "/" + fname + "/" + sort, list: func() error {
					_, _, err := s.ListMeetings(ctx, c, f, Page{Limit: 25, Sort: sort})
					return err
				}, index: index})
			}
		}
		for fname, f := range itemFilters {
			for _, sort := range actionItemSorts.Names() {
				matrix = append(matrix, listCase{name: "action items/" + role + "/" + fname + "/" + sort, list: func() error {
					_, _, err := s.ListActionItems(ctx, c, f, Page{Limit: 50, Sort: sort})
					return err
				}})
			}
		}
	}
	for _, tc := range append([]listCase{
		{name: "meetings, newest first", list: func() error {
			_, _, err := s.ListMeetings(ctx, participant, MeetingFilter{}, Page{Limit: 50})
			return err
		}},
		{name: "meetings by title", list: func() error {
			_, _, err := s.ListMeetings(ctx, participant, MeetingFilter{}, Page{Limit: 50, Sort: "title"})
			return err
		}},
		{name: "action items by due date", list: func() error {
			_, _, err := s.ListActionItems(ctx, participant, ActionItemFilter{}, Page{Limit: 50})
			return err
		}},
		{name: "action items by creation", list: func() error {
			_, _, err := s.ListActionItems(ctx, participant, ActionItemFilter{}, Page{Limit: 50, Sort: "-created_at"})
			return err
		}},
		{name: "my overdue action items", list: func() error {
			_, _, err := s.ListActionItems(ctx, participant, ActionItemFilter{OwnerMe: true, Overdue: true}, Page{Limit: 50})
			return err
		}},
		{name: "done action items, last changed first", list: func() error {
			_, _, err := s.ListActionItems(ctx, participant, ActionItemFilter{Status: []string{"done"}, Priority: []string{"high"}}, Page{Limit: 50, Sort: "-updated_at"})
			return err
		}},
		{name: "action items by title", list: func() error {
			_, _, err := s.ListActionItems(ctx, participant, ActionItemFilter{Status: []string{"open", "blocked"}}, Page{Limit: 50, Sort: "title"})
			return err
		}},
		{name: "all overdue items, newest first", list: func() error {
			_, _, err := s.ListActionItems(ctx, coord, ActionItemFilter{Overdue: true}, Page{Limit: 50, Sort: "-created_at"})
			return err
		}},
		{name: "meetings last changed first", list: func() error {
			_, _, err := s.ListMeetings(ctx, participant, MeetingFilter{}, Page{Limit: 50, Sort: "-updated_at"})
			return err
		}},
	}, matrix...) {
		t.Run(tc.name, func(t *testing.T) {
			seen = nil
			if err := tc.list(); err != nil {
				t.Fatal(err)
			}
			var page *query
			for i := range seen {
				if strings.Contains(seen[i].sql, "ORDER BY") && strings.Contains(seen[i].sql, "LIMIT") {
					page = &seen[i]
					break
				}
			}
			if page == nil {
				t.Fatalf("no page query among %d queries", len(seen))
			}
			// One upper bound on the due date: SQLite bounds a walk of the
			// index by due date with the first it is given (dueBefore).
			for _, q := range seen {
				for _, arm := range strings.Split(q.sql, "UNION ALL") {
					if n := strings.Count(arm, "'"+noDueDate+"') <"); n > 1 {
						t.Errorf("%d upper bounds on the due date:\n%s", n, arm)
					}
				}
			}
			plan := explain(t, s, page.sql, page.vars)
			if tc.index != "" && !slices.ContainsFunc(plan, func(step string) bool { return strings.HasSuffix(step, tc.index) }) {
				t.Errorf("the page query does not walk %s:\n%s\n%s", tc.index, page.sql, strings.Join(plan, "\n"))
			}
			// The rows a list fetches by rowid are few (at most
			// manyMatches: fewMeetings, fewDue): they may be sorted.
			few := slices.ContainsFunc(plan, func(step string) bool {
				return strings.Contains(step, "USING INTEGER PRIMARY KEY (rowid=?)") && !strings.Contains(step, "_text")
			})
			for _, step := range plan {
				if strings.Contains(step, "TEMP B-TREE FOR ORDER BY") && !few || strings.Contains(step, "MULTI-INDEX OR") ||
					strings.HasPrefix(step, "SCAN meetings") && !strings.Contains(step, "INDEX") || strings.HasPrefix(step, "SCAN action_items") && !strings.Contains(step, "INDEX") ||
					strings.HasPrefix(step, "SCAN meeting_tags") || strings.HasPrefix(step, "SCAN mr") {
					t.Errorf("the page query gathers and sorts (%q):\n%s\n%s", step, page.sql, strings.Join(plan, "\n"))
					break
				}
			}
		})
	}

	// Statistics read the summaries by audience and period, and scan only
	// the meetings of the parts of days at the ends of a range, by their
	// start, and the few that a caller's view corrects.
	from, to = start.AddDate(0, 0, -40).Add(5*time.Hour), start.AddDate(0, 0, 3).Add(7*time.Hour)
	longFrom := start.AddDate(0, -9, -3).Add(5 * time.Hour) // days, months, quarters, months, days
	for _, c := range []Caller{coord, participant} {
		for _, r := range []StatsRange{{}, {From: &from, To: &to}, {From: &longFrom, To: &to}, {From: &longFrom}} {
			seen = nil
			if _, err := s.StatsOverview(ctx, c, r); err != nil {
				t.Fatal(err)
			}
			for _, g := range MeetingGroups {
				if _, err := s.StatsMeetings(ctx, c, g, r); err != nil {
					t.Fatal(err)
				}
			}
			for _, g := range ActionItemGroups {
				if _, err := s.StatsActionItems(ctx, c, g, r); err != nil {
					t.Fatal(err)
				}
			}
			summaries := 0
			for _, q := range seen {
				if strings.Contains(q.sql, " st ") {
					summaries++
				}
				for _, step := range explain(t, s, q.sql, q.vars) {
					// (A summary's audiences and periods are an OR of its
					// primary key's ranges.)
					// (The sectors that fewer than k organisations share are
					// counted from the directory's index by sector. "g" is
					// the owners' summary rows already added up per owner.)
					if strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN CONSTANT ROW") && !strings.Contains(step, "INDEX organizations_sector") && step != "SCAN g" && step != "SCAN st" ||
						strings.Contains(step, "MULTI-INDEX OR") && !strings.Contains(q.sql, " st ") {
						t.Errorf("a statistics query of %s reads a whole table (%q):\n%s", c.Role, step, q.sql)
					}
					// Rows are found from the range's meetings, not from
					// every completed item or every meeting of the caller's
					// organisation.
					if strings.Contains(step, "INDEX action_items_close") && !strings.Contains(step, "days_to_close<?") ||
						strings.HasPrefix(step, "SEARCH attendees ") && strings.HasSuffix(step, "INDEX attendees_organization (organization_id=?)") {
						t.Errorf("a statistics query of %s reads far more rows than its range (%q):\n%s", c.Role, step, q.sql)
					}
					// A summary is read by audience and period, never by
					// audience alone (all of its periods).
					if strings.HasPrefix(step, "SEARCH stats_") && !strings.HasPrefix(step, "SEARCH stats_clock") && !strings.Contains(step, "period") {
						t.Errorf("a statistics query of %s reads every period of an audience (%q):\n%s", c.Role, step, q.sql)
					}
				}
			}
			if summaries == 0 {
				t.Fatalf("no statistics query read the summaries among %d queries", len(seen))
			}
		}
	}
}

// explain is the detail column of SQLite's plan for q.
func explain(t *testing.T, s *Store, q string, vars []any) []string {
	t.Helper()
	rows, err := s.r.Raw("EXPLAIN QUERY PLAN "+q, vars...).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}
