package store_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
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
		if err := seed.VolumeSeeded(ctx, s, 300, 1500, io.Discard, 9); err != nil {
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
		meetingIDs := func(c store.Caller, f store.MeetingFilter, sort string) []string {
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
			got := meetingIDs(c, f, sort)
			s.SetWalkOnly(true)
			want := meetingIDs(c, f, sort)
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
