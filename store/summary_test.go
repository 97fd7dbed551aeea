package store_test

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"liaison/models"
	"liaison/seed"
	"liaison/store"
	"liaison/store/storetest"
)

// TestStatisticsAgreeWithRows builds a small world at random, changes it
// in every way the store offers (and moves the clock back and forth), and
// checks after each round that every statistic, for every kind of caller
// and over ranges that cut days and months, equals what a scan of the rows
// the caller may see computes.
func TestStatisticsAgreeWithRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		rng := rand.New(rand.NewPCG(7, 11))
		pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
		var clock time.Time
		s.SetClock(func() time.Time { return clock })
		base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		clock = base.AddDate(0, 1, 10).Add(9 * time.Hour)

		admin := store.Caller{UserID: "u-admin", Role: models.RoleAdmin}
		coord := store.Caller{UserID: "u-coord", Role: models.RoleCoordinator}
		callers := map[string]store.Caller{"admin": admin, "viewer": {UserID: "u-view", Role: models.RoleViewer}}
		var orgs, people []string
		personOrg := map[string]string{}
		for i, sector := range []string{"", "communications", "communications", "communications", "water", "energy"} {
			kind := "industry"
			if sector == "" {
				kind = "government"
			}
			o := must(s.CreateOrganization(ctx, store.System, store.OrganizationInput{Name: fmt.Sprintf("Org %d", i), Kind: kind, Sector: sector, Country: "US"}))
			orgs = append(orgs, o.ID)
			for j := range 2 {
				p := must(s.CreatePerson(ctx, store.System, store.PersonInput{FullName: fmt.Sprintf("Person %d-%d", i, j), OrganizationID: o.ID}))
				people = append(people, p.ID)
				personOrg[p.ID] = o.ID
				if j == 0 {
					callers[fmt.Sprintf("participant %d", i)] = store.Caller{UserID: "u-" + p.ID, Role: models.RoleParticipant, PersonID: p.ID, OrganizationID: o.ID}
				}
			}
		}
		topics := []string{"Salt Typhoon", "Volt Typhoon", "Ransomware"}
		day := func() *models.Date {
			if rng.IntN(6) == 0 {
				return nil
			}
			d := models.DateOf(base.AddDate(0, 0, rng.IntN(120)))
			return &d
		}
		start := func() time.Time {
			return base.AddDate(0, 0, rng.IntN(110)).Add(time.Duration(rng.IntN(24*60)) * time.Minute)
		}
		attendee := func(taken map[string]bool) (store.AttendeeInput, bool) {
			p := people[rng.IntN(len(people))]
			if taken[p] {
				return store.AttendeeInput{}, false
			}
			taken[p] = true
			d := pick(models.Disclosures)
			reason := ""
			if d != "public" {
				reason = "national_security"
			}
			in := store.AttendeeInput{PersonID: &p, Role: "attendee", Attendance: pick(models.Attendances), Disclosure: d, WithholdingReason: reason}
			if rng.IntN(5) == 0 && d == "organization_only" {
				in.PersonID, in.OrganizationID = nil, personOrg[p]
			}
			return in, true
		}
		item := func() store.ActionItemInput {
			in := store.ActionItemInput{Title: "Follow up", Status: pick(models.ActionStatuses), Priority: pick(models.Priorities), DueOn: day()}
			switch rng.IntN(3) {
			case 0:
				p := people[rng.IntN(len(people))]
				o := personOrg[p]
				in.OwnerPersonID, in.OwnerOrganizationID = &p, &o
			case 1:
				o := orgs[rng.IntN(len(orgs))]
				in.OwnerOrganizationID = &o
			}
			return in
		}
		var meetings []string
		newMeeting := func() {
			st := start()
			in := store.MeetingInput{Title: "Meeting", StartsAt: st, EndsAt: st.Add(time.Hour), Timezone: "UTC", Modality: "virtual",
				Kind: pick(models.MeetingKinds), Status: pick(models.MeetingStatuses), TLP: pick(models.TLPs), HostOrganizationID: orgs[rng.IntN(len(orgs))],
				Topics: []string{pick(topics)}}
			taken := map[string]bool{}
			for range 1 + rng.IntN(4) {
				if a, ok := attendee(taken); ok {
					in.Attendees = append(in.Attendees, a)
				}
			}
			for range rng.IntN(4) {
				in.ActionItems = append(in.ActionItems, item())
			}
			meetings = append(meetings, must(s.CreateMeeting(ctx, coord, in)).ID)
		}
		for range 25 {
			newMeeting()
		}

		// change makes one change of any kind the store offers.
		change := func() {
			if len(meetings) == 0 {
				newMeeting()
				return
			}
			mid := meetings[rng.IntN(len(meetings))]
			m, err := s.GetMeeting(ctx, coord, mid)
			if err != nil {
				t.Fatalf("get meeting: %v", err)
			}
			items, _, err := s.ListActionItems(ctx, coord, store.ActionItemFilter{MeetingID: mid}, store.Page{Limit: 100})
			if err != nil {
				t.Fatalf("list items: %v", err)
			}
			switch rng.IntN(14) {
			case 12:
				// An organisation moves to another sector: sectors that
				// fewer than k share come and go.
				sector := pick([]string{"communications", "water", "energy", "financial_services"})
				o := orgs[1+rng.IntN(len(orgs)-1)]
				must(s.UpdateOrganization(ctx, store.System, o, store.OrganizationPatch{Sector: models.Some(sector)}))
			case 13:
				o := orgs[rng.IntN(len(orgs))]
				p := must(s.CreatePerson(ctx, store.System, store.PersonInput{FullName: fmt.Sprintf("Person %d", rng.IntN(1e6)), OrganizationID: o}))
				people = append(people, p.ID)
				personOrg[p.ID] = o
			case 0:
				newMeeting()
			case 1:
				tlp, st := pick(models.TLPs), start()
				end := st.Add(time.Hour)
				must(s.UpdateMeeting(ctx, coord, mid, store.MeetingPatch{TLP: models.Some(models.TLP(tlp)), StartsAt: models.Some(models.Timestamp{Time: st}), EndsAt: models.Some(models.Timestamp{Time: end})}))
			case 2:
				status, kind, host := pick(models.MeetingStatuses), pick(models.MeetingKinds), orgs[rng.IntN(len(orgs))]
				ts := []string{pick(topics), pick(topics)}
				must(s.UpdateMeeting(ctx, coord, mid, store.MeetingPatch{Status: models.Some(status), Kind: models.Some(kind), HostOrganizationID: models.Some(host), Topics: models.Some(ts)}))
			case 3:
				if err := s.DeleteMeeting(ctx, coord, mid, nil); err != nil {
					t.Fatalf("delete meeting: %v", err)
				}
				for i, id := range meetings {
					if id == mid {
						meetings = append(meetings[:i], meetings[i+1:]...)
						break
					}
				}
			case 4:
				taken := map[string]bool{}
				for _, a := range m.Attendees {
					if a.PersonID != nil {
						taken[*a.PersonID] = true
					}
				}
				if a, ok := attendee(taken); ok {
					if _, err := s.CreateAttendee(ctx, coord, mid, a); err != nil && a.PersonID != nil {
						t.Fatalf("add attendee: %v", err)
					}
				}
			case 5, 6:
				if len(m.Attendees) > 0 {
					a := m.Attendees[rng.IntN(len(m.Attendees))]
					if rng.IntN(3) == 0 {
						if err := s.DeleteAttendee(ctx, coord, mid, a.ID, nil); err != nil {
							t.Fatalf("delete attendee: %v", err)
						}
						break
					}
					att, d := pick(models.Attendances), pick(models.Disclosures)
					reason := ""
					if d != "public" {
						reason = "national_security"
					}
					if _, err := s.UpdateAttendee(ctx, coord, mid, a.ID, store.AttendeePatch{Attendance: models.Some(att), Disclosure: models.Some(models.Disclosure(d)), WithholdingReason: models.SomeOrNull(&reason)}); err != nil &&
						!errors.As(err, new(*store.ValidationError)) {
						t.Fatalf("update attendee: %v", err)
					}
				}
			case 7:
				in := item()
				in.MeetingID = mid
				must(s.CreateActionItem(ctx, coord, in))
			default:
				if len(items) == 0 {
					break
				}
				it := items[rng.IntN(len(items))]
				if rng.IntN(6) == 0 {
					if err := s.DeleteActionItem(ctx, coord, it.ID, nil); err != nil {
						t.Fatalf("delete item: %v", err)
					}
					break
				}
				status, priority, due := pick(models.ActionStatuses), pick(models.Priorities), day()
				p := store.ActionItemPatch{Status: models.Some(status)}
				if rng.IntN(2) == 0 {
					p.Priority, p.DueOn = models.Some(priority), models.SomeOrNull(due)
				}
				if rng.IntN(3) == 0 {
					o := orgs[rng.IntN(len(orgs))]
					p.OwnerPersonID, p.OwnerOrganizationID = models.SomeOrNull[string](nil), models.SomeOrNull(&o)
				}
				must(s.UpdateActionItem(ctx, coord, it.ID, p))
			}
		}

		at := func(y int, m time.Month, d, h, min int) *time.Time {
			x := time.Date(y, m, d, h, min, 0, 0, time.UTC)
			return &x
		}
		ranges := map[string]store.StatsRange{
			"all time":                   {},
			"from a midnight":            {From: at(2025, 2, 1, 0, 0)},
			"until an instant":           {To: at(2025, 3, 14, 17, 30)},
			"days and months":            {From: at(2025, 1, 9, 6, 15), To: at(2025, 4, 2, 20, 0)},
			"within a month":             {From: at(2025, 2, 3, 0, 0), To: at(2025, 2, 20, 0, 0)},
			"within a day":               {From: at(2025, 3, 5, 3, 0), To: at(2025, 3, 5, 22, 0)},
			"whole months":               {From: at(2025, 1, 1, 0, 0), To: at(2025, 3, 1, 0, 0)},
			"a whole quarter":            {From: at(2025, 1, 1, 0, 0), To: at(2025, 4, 1, 0, 0)},
			"months, a quarter and days": {From: at(2024, 11, 5, 8, 0), To: at(2025, 4, 17, 12, 0)},
			"until a quarter and days":   {To: at(2025, 4, 3, 9, 0)},
			"empty":                      {From: at(2025, 3, 5, 3, 0), To: at(2025, 3, 1, 0, 0)},
		}
		check := func(round int) {
			t.Helper()
			whos := []string{"admin"}
			for who := range callers {
				if who != "admin" {
					whos = append(whos, who)
				}
			}
			for _, who := range whos {
				c := callers[who]
				for name, r := range ranges {
					where := fmt.Sprintf("round %d, %s, %s", round, who, name)
					got, want := must(s.StatsOverview(ctx, c, r)), must(s.ScanStatsOverview(ctx, c, r))
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s: overview\n got %+v\nwant %+v", where, *got, *want)
					}
					for _, g := range store.MeetingGroups {
						got, want := must(s.StatsMeetings(ctx, c, g, r)), must(s.ScanStatsMeetings(ctx, c, g, r))
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("%s: meetings by %s\n got %+v\nwant %+v", where, g, got, want)
						}
					}
					for _, g := range store.ActionItemGroups {
						got, want := must(s.StatsActionItems(ctx, c, g, r)), must(s.ScanStatsActionItems(ctx, c, g, r))
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("%s: action items by %s\n got %+v\nwant %+v", where, g, got, want)
						}
					}
				}
			}
		}
		check(0)
		days := []int{40, 41, 48, 20, 75, 75, 130}
		for round := 1; round <= len(days); round++ {
			for range 12 {
				change()
			}
			clock = base.AddDate(0, 0, days[round-1]).Add(time.Duration(rng.IntN(24)) * time.Hour)
			check(round)
		}
		// Made again from the rows in one pass (as a bulk load does), the
		// tables the triggers keep hold what the triggers left.
		kept := must(s.DerivedRows(ctx))
		if err := s.Recount(ctx); err != nil {
			t.Fatal(err)
		}
		if recounted := must(s.DerivedRows(ctx)); !slices.Equal(kept, recounted) {
			t.Fatalf("recounted derived tables differ from the triggers':\n%s", lineDiff(kept, recounted))
		}
	})
}

// lineDiff lists the lines of a missing from b ("-") and of b missing from
// a ("+"), at most 20.
func lineDiff(a, b []string) string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, "- "+x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, "+ "+x)
		}
	}
	return strings.Join(out[:min(len(out), 20)], "\n")
}

// TestStatisticsAgreeAfterConcurrentWrites: writers changing the same
// meetings' attendance, items and markings at once leave summaries that
// still agree with the rows (on Postgres, where writes run concurrently,
// this tests the triggers' locks).
func TestStatisticsAgreeAfterConcurrentWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		var meetings []string
		for _, tlp := range []string{"GREEN", "AMBER", "RED", "AMBER"} {
			meetings = append(meetings, w.meeting(t, s, tlp, "undisclosed").ID)
		}
		people := []string{w.govP.ID, w.telcoP.ID, w.otherP.ID}
		orgs := []string{w.gov.ID, w.telco.ID, w.other.ID}
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for g := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(g), 1))
				for range 15 {
					mid := meetings[rng.IntN(len(meetings))]
					var err error
					switch rng.IntN(5) {
					case 0:
						p := people[rng.IntN(len(people))]
						_, err = s.CreateAttendee(ctx, w.coord, mid, store.AttendeeInput{PersonID: &p, Role: "attendee", Attendance: "attended", Disclosure: "public"})
					case 1:
						m, gerr := s.GetMeeting(ctx, w.coord, mid)
						if gerr == nil && len(m.Attendees) > 0 {
							err = s.DeleteAttendee(ctx, w.coord, mid, m.Attendees[rng.IntN(len(m.Attendees))].ID, nil)
						}
					case 2:
						o := orgs[rng.IntN(len(orgs))]
						_, err = s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: mid, Title: "Concurrent", OwnerOrganizationID: &o, Status: "open"})
					case 3:
						tlp := []string{"GREEN", "AMBER", "RED"}[rng.IntN(3)]
						_, err = s.UpdateMeeting(ctx, w.coord, mid, store.MeetingPatch{TLP: models.Some(models.TLP(tlp))})
					case 4:
						items, _, lerr := s.ListActionItems(ctx, w.coord, store.ActionItemFilter{MeetingID: mid}, store.Page{Limit: 50})
						if lerr == nil && len(items) > 0 {
							st := models.ActionStatuses[rng.IntN(len(models.ActionStatuses))]
							_, err = s.UpdateActionItem(ctx, w.coord, items[rng.IntN(len(items))].ID, store.ActionItemPatch{Status: models.Some(st)})
						}
					}
					// Conflicts (a person already on the attendance, a row
					// another writer deleted) are answers, not failures.
					if err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrPrecondition) &&
						!errors.As(err, new(*store.ValidationError)) {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("write: %v", err)
		}
		for name, c := range map[string]store.Caller{"admin": w.admin, "insider": w.insider, "outsider": w.outsider, "viewer": w.viewer} {
			got, want := must(s.StatsOverview(ctx, c, store.StatsRange{})), must(s.ScanStatsOverview(ctx, c, store.StatsRange{}))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: overview\n got %+v\nwant %+v", name, *got, *want)
			}
			for _, g := range store.ActionItemGroups {
				got, want := must(s.StatsActionItems(ctx, c, g, store.StatsRange{})), must(s.ScanStatsActionItems(ctx, c, g, store.StatsRange{}))
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: action items by %s\n got %+v\nwant %+v", name, g, got, want)
				}
			}
			for _, g := range store.MeetingGroups {
				got, want := must(s.StatsMeetings(ctx, c, g, store.StatsRange{})), must(s.ScanStatsMeetings(ctx, c, g, store.StatsRange{}))
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: meetings by %s\n got %+v\nwant %+v", name, g, got, want)
				}
			}
		}
	})
}

// TestBulkLoadKeepsDerivedTables: a synthetic load (on Postgres without
// its triggers, then counted once) leaves the summaries, tags and search
// text as the rows make them, and statistics that agree with a scan.
func TestBulkLoadKeepsDerivedTables(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := seed.VolumeSeeded(ctx, s, 80, 800, io.Discard, 5); err != nil {
			t.Fatal(err)
		}
		loaded := must(s.DerivedRows(ctx))
		if len(loaded) < 1000 {
			t.Fatalf("only %d derived rows after the load", len(loaded))
		}
		if err := s.Recount(ctx); err != nil {
			t.Fatal(err)
		}
		if recounted := must(s.DerivedRows(ctx)); !slices.Equal(loaded, recounted) {
			t.Fatalf("the load's derived tables differ from the rows':\n%s", lineDiff(loaded, recounted))
		}
		admin := store.Caller{UserID: "u-admin", Role: models.RoleAdmin}
		for _, g := range store.ActionItemGroups {
			got, want := must(s.StatsActionItems(ctx, admin, g, store.StatsRange{})), must(s.ScanStatsActionItems(ctx, admin, g, store.StatsRange{}))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("action items by %s\n got %+v\nwant %+v", g, got, want)
			}
		}
	})
}
