package store_test

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"liaison/models"
	"liaison/seed"
	"liaison/store"
	"liaison/store/storetest"
)

// TestDueWindowsListEveryMatch: a list filtered by due dates and sorted by
// something else holds exactly the items due in the window, in order,
// page after page, whether the window holds a few items (fetched and
// sorted) or many (met walking the sort's index); overdue asked with only
// closed statuses is empty.
func TestDueWindowsListEveryMatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		m := w.meeting(t, s, "GREEN", "public")
		rng := rand.New(rand.NewPCG(3, 5))
		now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
		var items []models.ActionItem
		for i := range 1500 {
			due := models.DateOf(now.AddDate(0, 0, rng.IntN(300)-150))
			if i == 7 { // a due date alone in its window
				due = models.DateOf(now.AddDate(0, 0, 400))
			}
			created := now.Add(-time.Duration(rng.IntN(1e6)) * time.Second)
			it := models.ActionItem{ID: store.NewID(), MeetingID: m.ID, Title: fmt.Sprintf("Item %04d", rng.IntN(10000)), DueOn: &due,
				Status: models.ActionStatuses[rng.IntN(len(models.ActionStatuses))], Priority: "medium", Version: 1, CreatedAt: created, UpdatedAt: created}
			if i%50 == 0 {
				it.DueOn = nil
			}
			items = append(items, it)
		}
		must(0, s.BulkInsert(ctx, &items))
		first, _, err := s.ListActionItems(ctx, w.admin, store.ActionItemFilter{MeetingID: m.ID, Status: []string{"open"}}, store.Page{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range first {
			if it.Title == "Harden lawful intercept" { // the world's own item
				items = append(items, it.ActionItem)
			}
		}
		d := func(days int) *models.Date { x := models.DateOf(now.AddDate(0, 0, days)); return &x }
		for name, f := range map[string]store.ActionItemFilter{
			"a few":       {DueAfter: d(-3), DueBefore: d(-1)},
			"one":         {DueAfter: d(399), DueBefore: d(401)},
			"none":        {DueAfter: d(500), DueBefore: d(600)},
			"many":        {DueAfter: d(-100), DueBefore: d(100)},
			"before only": {DueBefore: d(-140)},
		} {
			for _, sort := range []string{"title", "-created_at", "due_on"} {
				var want []string
				for _, it := range items {
					if it.DueOn != nil && (f.DueAfter == nil || it.DueOn.After(f.DueAfter.Time)) && (f.DueBefore == nil || it.DueOn.Before(f.DueBefore.Time)) {
						want = append(want, it.ID)
					}
				}
				var got []string
				var cursor string
				for {
					page, next, err := s.ListActionItems(ctx, w.admin, f, store.Page{Limit: 200, Sort: sort, Cursor: cursor})
					if err != nil {
						t.Fatalf("%s by %s: %v", name, sort, err)
					}
					for i, it := range page {
						got = append(got, it.ID)
						if i > 0 && less(sort, it.ActionItem, page[i-1].ActionItem) {
							t.Fatalf("%s by %s: out of order at %d", name, sort, i)
						}
					}
					if next == nil {
						break
					}
					cursor = *next
				}
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s by %s: %d items, want %d", name, sort, len(got), len(want))
				}
			}
		}
		var page []store.ActionItemView
		page, _, err = s.ListActionItems(ctx, w.admin, store.ActionItemFilter{Overdue: true, Status: []string{"done", "cancelled"}}, store.Page{Limit: 50, Sort: "title"})
		if err != nil || len(page) != 0 {
			t.Errorf("overdue and closed: %d items, %v", len(page), err)
		}
	})
}

// less reports whether a sorts before b in the list order sort.
func less(sort string, a, b models.ActionItem) bool {
	desc := strings.HasPrefix(sort, "-")
	var c int
	switch strings.TrimPrefix(sort, "-") {
	case "title":
		c = strings.Compare(a.Title, b.Title)
	case "created_at":
		c = a.CreatedAt.Compare(b.CreatedAt)
	case "due_on":
		c = strings.Compare(dueKey(a), dueKey(b))
	}
	if desc {
		c = -c
	}
	return c < 0
}

func dueKey(a models.ActionItem) string {
	if a.DueOn == nil {
		return "9999-12-31"
	}
	return a.DueOn.String()
}

// TestListsFetchWhatTheyWalk: a list that fetches the few rows its filters
// leave finds the very pages that walking its sort's index finds, for
// random combinations of filters, sorts and callers.
func TestListsFetchWhatTheyWalk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		people, topics := seeded(t, s, 300, 1500, 9)
		rng := rand.New(rand.NewPCG(4, 4))
		pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
		caller := func() store.Caller {
			switch rng.IntN(4) {
			case 0:
				return store.Caller{UserID: "u-coord", Role: models.RoleCoordinator}
			case 1:
				return store.Caller{UserID: "u-view", Role: models.RoleViewer}
			}
			p := people[rng.IntN(len(people))]
			return store.Caller{UserID: "u-" + p.ID, Role: models.RoleParticipant, PersonID: p.ID, OrganizationID: p.OrganizationID}
		}
		itemIDs := func(c store.Caller, f store.ActionItemFilter, sort string) []string {
			var ids []string
			var cursor string
			for {
				page, next, err := s.ListActionItems(ctx, c, f, store.Page{Limit: 40, Sort: sort, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range page {
					ids = append(ids, it.ID)
				}
				if next == nil {
					return ids
				}
				cursor = *next
			}
		}
		now := time.Now().UTC()
		for i := range 150 {
			c := caller()
			var f store.MeetingFilter
			if rng.IntN(2) == 0 {
				f.Organization = people[rng.IntN(len(people))].OrganizationID
			}
			if rng.IntN(3) == 0 {
				f.Topic = topics[rng.IntN(len(topics))].ID
			}
			if rng.IntN(3) == 0 {
				f.TLP = []string{pick(models.TLPs), pick(models.TLPs)}
			}
			if rng.IntN(3) == 0 {
				f.Status = []string{pick(models.MeetingStatuses)}
			}
			if rng.IntN(4) == 0 {
				f.Kind = []string{pick(models.MeetingKinds)}
			}
			if rng.IntN(3) == 0 {
				from := now.AddDate(0, -rng.IntN(40), 0)
				to := from.AddDate(0, 1+rng.IntN(6), 0)
				f.From, f.To = &from, &to
			}
			sort := pick([]string{"starts_at", "-title", "created_at", "-updated_at"})
			got := listMeetingIDs(t, s, c, f, sort)
			s.SetWalkOnly(true)
			want := listMeetingIDs(t, s, c, f, sort)
			s.SetWalkOnly(false)
			if !slices.Equal(got, want) {
				t.Fatalf("meetings %d (%s, %+v, %s): %d fetched, %d walked", i, c.Role, f, sort, len(got), len(want))
			}
		}
		for i := range 100 {
			c := caller()
			var f store.ActionItemFilter
			if rng.IntN(2) == 0 {
				f.Overdue = true
			} else {
				after := models.DateOf(now.AddDate(0, 0, rng.IntN(300)-200))
				before := after.AddDays(1 + rng.IntN(30))
				f.DueAfter, f.DueBefore = &after, &before
			}
			if rng.IntN(3) == 0 {
				f.Status = []string{pick(models.ActionStatuses)}
			}
			sort := pick([]string{"title", "-created_at", "updated_at"})
			got := itemIDs(c, f, sort)
			s.SetWalkOnly(true)
			want := itemIDs(c, f, sort)
			s.SetWalkOnly(false)
			if !slices.Equal(got, want) {
				t.Fatalf("items %d (%s, %+v, %s): %d fetched, %d walked", i, c.Role, f, sort, len(got), len(want))
			}
		}
	})
}

// TestMeetingTagsFollowWrites: the organisations' and topics' rows that
// their meeting lists walk (meeting_tags on SQLite) stay what the
// meetings, their attendance and topics make through every kind of
// change, and the lists they serve hold what the walk of the meetings'
// own index finds, for every kind of caller.
func TestMeetingTagsFollowWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		people, topics := seeded(t, s, 60, 120, 5)
		meetings, _, err := s.ListMeetings(ctx, store.System, store.MeetingFilter{}, store.Page{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(8, 1))
		pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
		coord := store.Caller{UserID: "u-coord", Role: models.RoleCoordinator}
		check := func(step string) {
			t.Helper()
			if n, err := s.StaleTags(ctx); err != nil || n != 0 {
				t.Fatalf("after %s: %d tag rows differ from the meetings (%v)", step, n, err)
			}
		}
		check("seeding")
		made := map[string]int{}
		for i := range 80 {
			m := meetings[rng.IntN(len(meetings))]
			var step string
			var err error
			switch i % 8 {
			case 0:
				step = "a new host, title and start"
				_, err = s.UpdateMeeting(ctx, coord, m.ID, store.MeetingPatch{HostOrganizationID: models.Some(pick(orgIDs(people))),
					Title: models.Some(fmt.Sprintf("Renamed %d", i)), StartsAt: models.Some(models.Timestamp{Time: m.StartsAt.Add(-48 * time.Hour)})})
			case 1:
				step = "a new marking, status and kind"
				_, err = s.UpdateMeeting(ctx, coord, m.ID, store.MeetingPatch{TLP: models.Some(models.TLP(pick(models.TLPs))),
					Status: models.Some(pick(models.MeetingStatuses)), Kind: models.Some(pick(models.MeetingKinds))})
			case 2:
				step = "other topics"
				_, err = s.UpdateMeeting(ctx, coord, m.ID, store.MeetingPatch{Topics: models.Some([]string{topics[rng.IntN(len(topics))].Name, "Tag walk " + strconv.Itoa(i%3)})})
			case 3:
				step = "a new attendee"
				p := people[rng.IntN(len(people))]
				in := store.AttendeeInput{PersonID: &p.ID, Role: "attendee", Attendance: "attended", Disclosure: pick([]string{"public", "organization_only", "undisclosed"})}
				if in.Disclosure != "public" {
					in.WithholdingReason = models.WithholdingReasons[0]
				}
				_, err = s.CreateAttendee(ctx, coord, m.ID, in)
			case 4, 5:
				atts, lerr := s.ListAttendees(ctx, coord, m.ID)
				if lerr != nil || len(atts) == 0 {
					continue
				}
				a := atts[rng.IntN(len(atts))]
				if i%8 == 4 {
					step = "a disclosure changed"
					d := models.Disclosure(pick([]string{"public", "organization_only", "undisclosed"}))
					patch := store.AttendeePatch{Disclosure: models.Some(d)}
					if d.Withholds() {
						reason := models.WithholdingReasons[0]
						patch.WithholdingReason = models.SomeOrNull(&reason)
					}
					_, err = s.UpdateAttendee(ctx, coord, m.ID, a.ID, patch)
				} else {
					step = "an attendee removed"
					err = s.DeleteAttendee(ctx, coord, m.ID, a.ID, nil)
				}
			case 6:
				step = "an organisation's row without its person"
				p := people[rng.IntN(len(people))]
				_, err = s.CreateAttendee(ctx, coord, m.ID, store.AttendeeInput{OrganizationID: p.OrganizationID, Role: "observer", Attendance: "invited", Disclosure: "organization_only",
					WithholdingReason: models.WithholdingReasons[0]})
			case 7:
				step = "a meeting deleted"
				err = s.DeleteMeeting(ctx, coord, m.ID, nil)
			}
			// A deleted meeting is not found, and a person already on the
			// attendance conflicts; every other change must be made.
			if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrConflict) {
				t.Fatalf("%s: %v", step, err)
			}
			if err == nil {
				made[step]++
			}
			check(step)
		}
		if len(made) != 8 {
			t.Fatalf("only these changes were made: %v", made)
		}
		callers := []store.Caller{coord, {UserID: "u-view", Role: models.RoleViewer}}
		for _, p := range people[:6] {
			callers = append(callers, store.Caller{UserID: "u-" + p.ID, Role: models.RoleParticipant, PersonID: p.ID, OrganizationID: p.OrganizationID})
		}
		same := func(c store.Caller, f store.MeetingFilter) []string {
			t.Helper()
			var got []string
			for _, sort := range []string{"-starts_at", "title", "-updated_at"} {
				got = listMeetingIDs(t, s, c, f, sort)
				s.SetWalkOnly(true)
				want := listMeetingIDs(t, s, c, f, sort)
				s.SetWalkOnly(false)
				if !slices.Equal(got, want) {
					t.Fatalf("%s, %+v, %s: %d walked in the tag, %d in the meetings", c.Role, f, sort, len(got), len(want))
				}
			}
			return got
		}
		own := []store.MeetingFilter{{TLP: []string{"AMBER", "RED"}}, {TLP: []string{"RED"}}, {TLP: []string{"AMBER+STRICT"}}}
		for _, c := range callers {
			for _, f := range append([]store.MeetingFilter{{Organization: people[rng.IntN(len(people))].OrganizationID}, {Topic: topics[rng.IntN(len(topics))].Name}, {Topic: "Tag walk 1"}}, own...) {
				same(c, f)
			}
		}
		// A participant who attends a RED meeting for another organisation
		// finds it among their own, which their organisation's tag lacks.
		p := people[0]
		reds, _, err := s.ListMeetings(ctx, coord, store.MeetingFilter{TLP: []string{"RED"}}, store.Page{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		var red string
		for _, m := range reds {
			if atts, err := s.ListAttendees(ctx, coord, m.ID); err == nil && !slices.ContainsFunc(atts, func(a store.AttendeeView) bool {
				return a.OrganizationID != nil && *a.OrganizationID == p.OrganizationID
			}) && m.HostOrganizationID != p.OrganizationID {
				red = m.ID
				break
			}
		}
		if red == "" {
			t.Fatal("no RED meeting without the participant's organisation")
		}
		other := pick(slices.DeleteFunc(orgIDs(people), func(id string) bool { return id == p.OrganizationID }))
		if _, err := s.CreateAttendee(ctx, coord, red, store.AttendeeInput{PersonID: &p.ID, OrganizationID: other, Role: "attendee", Attendance: "attended", Disclosure: "public"}); err != nil {
			t.Fatal(err)
		}
		c := store.Caller{UserID: "u-" + p.ID, Role: models.RoleParticipant, PersonID: p.ID, OrganizationID: p.OrganizationID}
		for _, f := range own[:2] {
			if got := same(c, f); !slices.Contains(got, red) {
				t.Fatalf("%+v: the RED meeting attended for another organisation is not listed", f)
			}
		}
	})
}

// seeded fills s with a seeded volume data set and returns its people and
// topics.
func seeded(t *testing.T, s *store.Store, meetings, items int, seedNo uint64) ([]models.Person, []models.Topic) {
	t.Helper()
	if err := seed.VolumeSeeded(ctx, s, meetings, items, io.Discard, seedNo); err != nil {
		t.Fatal(err)
	}
	people, _, err := s.ListPeople(ctx, store.System, store.PersonFilter{}, store.Page{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	topics, _, err := s.ListTopics(ctx, store.System, store.TopicFilter{}, store.Page{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return people, topics
}

func orgIDs(people []models.Person) []string {
	var out []string
	for _, p := range people {
		out = append(out, p.OrganizationID)
	}
	return out
}

// listMeetingIDs is every page of c's meeting list, 7 at a time.
func listMeetingIDs(t *testing.T, s *store.Store, c store.Caller, f store.MeetingFilter, sort string) []string {
	t.Helper()
	var ids []string
	var cursor string
	for {
		page, next, err := s.ListMeetings(ctx, c, f, store.Page{Limit: 7, Sort: sort, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page {
			ids = append(ids, m.ID)
		}
		if next == nil {
			return ids
		}
		cursor = *next
	}
}
