package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"liaison/models"
	"liaison/seed"
	"liaison/store"
	"liaison/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		n, err := s.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate applied %d (%v)", n, err)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAuditTrailIsAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		m := w.meeting(t, s, "GREEN", "undisclosed")
		title := "Renamed"
		if _, err := s.UpdateMeeting(ctx, w.coord, m.ID, store.MeetingPatch{Title: models.Some(title)}); err != nil {
			t.Fatal(err)
		}
		evs, _, err := s.ListAuditEvents(ctx, w.admin, store.AuditFilter{EntityType: "meeting", EntityID: m.ID}, store.Page{Limit: 10})
		if err != nil || len(evs) != 2 {
			t.Fatalf("%d events (%v)", len(evs), err)
		}
		if evs[0].Action != "update" || !strings.Contains(evs[0].Changes, `"title":{"before":"Briefing GREEN undisclosed","after":"Renamed"}`) {
			t.Fatalf("update event: %+v", evs[0])
		}
		if evs[0].ActorID == nil || *evs[0].ActorID != w.coord.UserID {
			t.Fatalf("actor: %v", evs[0].ActorID)
		}
		byActor, _, _ := s.ListAuditEvents(ctx, w.admin, store.AuditFilter{ActorID: w.coord.UserID}, store.Page{Limit: 200})
		future := time.Now().Add(time.Hour)
		later, _, _ := s.ListAuditEvents(ctx, w.admin, store.AuditFilter{From: &future}, store.Page{Limit: 200})
		if len(byActor) < 5 || len(later) != 0 {
			t.Fatalf("filters: %d by actor, %d later", len(byActor), len(later))
		}
		if _, _, err := s.ListAuditEvents(ctx, w.insider, store.AuditFilter{}, store.Page{Limit: 10}); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("participant read the audit trail: %v", err)
		}
		items, _, _ := s.ListActionItems(ctx, w.coord, store.ActionItemFilter{MeetingID: m.ID}, store.Page{Limit: 1})
		if _, err := s.CreateUpdate(ctx, w.insider, items[0].ID, store.UpdateInput{Body: "Started."}); err != nil {
			t.Fatal(err)
		}
		// The database itself refuses to rewrite history.
		for _, stmt := range []string{"UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events", "UPDATE action_item_updates SET body = 'forged'", "DELETE FROM action_item_updates"} {
			if err := s.ExecForTest(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v", stmt, err)
			}
		}
	})
}

func TestVisibilityAndRedaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		// Enough carriers that the sector does not narrow a withheld one
		// below k (anonymity.go).
		for _, name := range []string{"Northwind Communications", "Meridian Wireless"} {
			must(s.CreateOrganization(ctx, store.System, store.OrganizationInput{Name: name, Kind: "industry", Sector: "communications", Country: "US"}))
		}
		type expect struct{ admin, coord, insider, outsider, viewer bool }
		cases := map[string]expect{
			"CLEAR": {true, true, true, true, true}, "GREEN": {true, true, true, true, true},
			"AMBER": {true, true, true, false, false}, "AMBER+STRICT": {true, true, true, false, false}, "RED": {true, true, true, false, false},
		}
		for tlp, want := range cases {
			m := w.meeting(t, s, tlp, "undisclosed")
			for name, c := range map[string]store.Caller{"admin": w.admin, "coord": w.coord, "insider": w.insider, "outsider": w.outsider, "viewer": w.viewer} {
				should := map[string]bool{"admin": want.admin, "coord": want.coord, "insider": want.insider, "outsider": want.outsider, "viewer": want.viewer}[name]
				v, err := s.GetMeeting(ctx, c, m.ID)
				if should != (err == nil) {
					t.Errorf("%s %s: visible=%v err=%v", tlp, name, should, err)
					continue
				}
				if err != nil {
					if !errors.Is(err, store.ErrNotFound) {
						t.Errorf("%s %s: %v, want not found", tlp, name, err)
					}
					if _, err := s.ListAttendees(ctx, c, m.ID); !errors.Is(err, store.ErrNotFound) {
						t.Errorf("%s %s: attendees of a hidden meeting: %v", tlp, name, err)
					}
					continue
				}
				for _, a := range v.Attendees {
					if a.Disclosure != "undisclosed" {
						continue
					}
					sees := name == "admin" || name == "coord" || name == "insider"
					if sees == a.Redacted || (!sees && (a.PersonID != nil || a.OrganizationID != nil || a.Person != nil || a.Organization != nil)) {
						t.Errorf("%s %s: attendee %+v", tlp, name, a)
					}
					if a.Sector != "communications" {
						t.Errorf("sector withheld too: %+v", a)
					}
				}
			}
		}
		// RED: a colleague in the same organisation does not see it.
		colleague := store.Caller{UserID: "u-col", Role: models.RoleParticipant, PersonID: "someone-else", OrganizationID: w.telco.ID}
		red, _, _ := s.ListMeetings(ctx, colleague, store.MeetingFilter{TLP: []string{"RED"}}, store.Page{Limit: 10})
		amber, _, _ := s.ListMeetings(ctx, colleague, store.MeetingFilter{TLP: []string{"AMBER"}}, store.Page{Limit: 10})
		if len(red) != 0 || len(amber) != 1 {
			t.Fatalf("colleague sees %d RED and %d AMBER", len(red), len(amber))
		}
		// The organisation filter does not reveal undisclosed attendance.
		got, _, _ := s.ListMeetings(ctx, w.viewer, store.MeetingFilter{Organization: w.telco.ID}, store.Page{Limit: 10})
		if len(got) != 0 {
			t.Fatalf("organization filter matched %d meetings for a viewer", len(got))
		}
		got, _, _ = s.ListMeetings(ctx, w.coord, store.MeetingFilter{Organization: w.telco.ID}, store.Page{Limit: 10})
		if len(got) != 5 {
			t.Fatalf("organization filter matched %d meetings for a coordinator", len(got))
		}
		// Owners who attended withheld are not named to those who may not know.
		items, _, _ := s.ListActionItems(ctx, w.viewer, store.ActionItemFilter{}, store.Page{Limit: 50})
		for _, it := range items {
			if !it.OwnerRedacted || it.OwnerOrganizationID != nil || it.OwnerOrganization != nil {
				t.Fatalf("owner shown to a viewer: %+v", it)
			}
		}
		probe, _, _ := s.ListActionItems(ctx, w.viewer, store.ActionItemFilter{OwnerOrganization: w.telco.ID}, store.Page{Limit: 50})
		if len(probe) != 0 {
			t.Fatalf("owner filter matched %d items for a viewer", len(probe))
		}
		mine, _, _ := s.ListActionItems(ctx, w.insider, store.ActionItemFilter{OwnerMe: true}, store.Page{Limit: 50})
		if len(mine) != 5 || mine[0].OwnerRedacted {
			t.Fatalf("insider's own items: %d", len(mine))
		}
		// An item the outsider owns with the withheld organisation: the
		// outsider's own list does not name the organisation.
		shared := w.meeting(t, s, "CLEAR", "undisclosed")
		must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: shared.ID, Title: "Share indicators", OwnerPersonID: &w.otherP.ID, OwnerOrganizationID: &w.telco.ID}))
		theirs, _, _ := s.ListActionItems(ctx, w.outsider, store.ActionItemFilter{OwnerMe: true}, store.Page{Limit: 50})
		if len(theirs) != 1 || !theirs[0].OwnerRedacted || theirs[0].OwnerOrganizationID != nil || theirs[0].OwnerOrganization != nil {
			t.Fatalf("the outsider's own items name a withheld owner: %+v", theirs)
		}
	})
}

func TestSessionsExpire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.CreateUser(ctx, store.System, store.UserInput{Email: "u@example.test", Password: "a long enough password", Role: "viewer"}); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		s.SetClock(func() time.Time { return now })
		_, _, secret, err := s.Login(ctx, "U@Example.test", "a long enough password", "127.0.0.1", "r1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthenticateSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		now = now.Add(90 * time.Minute) // within the idle limit, and it touches the session
		if _, err := s.AuthenticateSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		now = now.Add(3 * time.Hour) // idle too long
		if _, err := s.AuthenticateSession(ctx, secret); !errors.Is(err, store.ErrUnauthorized) {
			t.Fatalf("idle session: %v", err)
		}
	})
}

func TestDemoSeedAndBackup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		logins, err := seed.Demo(ctx, s)
		if err != nil || len(logins) != 4 || logins[0].Role != "admin" {
			t.Fatalf("demo: %v", err)
		}
		if _, err := seed.Demo(ctx, s); err == nil {
			t.Fatal("the demo loaded twice")
		}
		viewer, err := s.CallerByEmail(ctx, "viewer@liaison.demo")
		if err != nil {
			t.Fatal(err)
		}
		ms, _, err := s.ListMeetings(ctx, viewer, store.MeetingFilter{Q: "telecommunications executives"}, store.Page{Limit: 10})
		if err != nil || len(ms) != 1 {
			t.Fatalf("the 22 November meeting: %d (%v)", len(ms), err)
		}
		withheld := 0
		for _, a := range ms[0].Attendees {
			if a.Redacted {
				withheld++
				if a.Disclosure == "undisclosed" && a.Sector != "communications" {
					t.Errorf("withheld telecom attendee without its sector: %+v", a)
				}
			}
		}
		if withheld != 5 {
			t.Fatalf("%d withheld attendees for a viewer, want 5", withheld)
		}
		overdue, _, _ := s.ListActionItems(ctx, store.System, store.ActionItemFilter{Overdue: true}, store.Page{Limit: 50})
		if len(overdue) == 0 {
			t.Fatal("the demo has no overdue item to show")
		}
		if s.Dialect() == store.SQLite {
			path := filepath.Join(t.TempDir(), "backup.db")
			if err := s.Backup(ctx, path); err != nil {
				t.Fatal(err)
			}
			b, err := store.Open(ctx, "sqlite://"+path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if err := b.CheckSchema(ctx); err != nil {
				t.Fatal(err)
			}
			copied, _, err := b.ListMeetings(ctx, store.System, store.MeetingFilter{}, store.Page{Limit: 50})
			all, _, _ := s.ListMeetings(ctx, store.System, store.MeetingFilter{}, store.Page{Limit: 50})
			if err != nil || len(copied) != len(all) {
				t.Fatalf("backup holds %d meetings of %d (%v)", len(copied), len(all), err)
			}
			// The copy's word index finds what the original's does.
			for _, q := range []string{"telecommunications executives", "salt typhoon", "indicator"} {
				want, _, _ := s.ListMeetings(ctx, store.System, store.MeetingFilter{Q: q}, store.Page{Limit: 50})
				got, _, err := b.ListMeetings(ctx, store.System, store.MeetingFilter{Q: q}, store.Page{Limit: 50})
				if err != nil || len(got) != len(want) || len(got) == 0 || got[0].ID != want[0].ID {
					t.Fatalf("q=%q in the backup: %d meetings, want %d (%v)", q, len(got), len(want), err)
				}
			}
			if err := s.Backup(ctx, path); err == nil {
				t.Fatal("backup overwrote a file")
			}
			_ = os.Remove(path)
		}
	})
}

func TestOwnerMePagesInDueOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		m := w.meeting(t, s, "GREEN", "public") // one item owned by the telecom, due 2024-12-06
		add := func(title, due string, person, org *string) {
			d := must(models.ParseDate(due))
			must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: m.ID, Title: title, DueOn: &d, OwnerPersonID: person, OwnerOrganizationID: org}))
		}
		add("person 1", "2024-12-01", &w.telcoP.ID, nil)
		add("both", "2024-12-03", &w.telcoP.ID, &w.telco.ID)
		add("org 2", "2024-12-10", nil, &w.telco.ID)
		add("person 3", "2024-12-10", &w.telcoP.ID, nil)
		add("not mine", "2024-12-02", &w.otherP.ID, &w.other.ID)
		// Owned by the insider's person and organisation, on a RED meeting
		// neither attends: listed as theirs (owners see what they own),
		// whichever arm streams it.
		start := time.Date(2024, 11, 23, 15, 0, 0, 0, time.UTC)
		hiddenDue := models.DateOf(start.AddDate(0, 0, 1))
		must(s.CreateMeeting(ctx, w.coord, store.MeetingInput{
			Title: "Closed session", StartsAt: start, EndsAt: start.Add(time.Hour), Timezone: "UTC",
			Modality: "in_person", Kind: "briefing", Status: "held", TLP: "RED", HostOrganizationID: w.gov.ID,
			Attendees: []store.AttendeeInput{{PersonID: &w.govP.ID, Role: "host", Attendance: "attended", Disclosure: "public"}},
			ActionItems: []store.ActionItemInput{
				{Title: "hidden by person", OwnerPersonID: &w.telcoP.ID, DueOn: &hiddenDue},
				{Title: "hidden by org", OwnerOrganizationID: &w.telco.ID, DueOn: &hiddenDue},
			},
		}))
		want := map[string]string{
			"":        "hidden by person,hidden by org,person 1,both,Harden lawful intercept,org 2,person 3",
			"-due_on": "person 3,org 2,Harden lawful intercept,both,person 1,hidden by org,hidden by person",
		}
		for _, sortName := range []string{"", "-due_on", "created_at", "-updated_at", "title", "-title"} {
			var got []string
			cursor := ""
			for range 10 {
				items, next, err := s.ListActionItems(ctx, w.insider, store.ActionItemFilter{OwnerMe: true}, store.Page{Limit: 2, Cursor: cursor, Sort: sortName})
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range items {
					got = append(got, it.Title)
				}
				if next == nil {
					break
				}
				cursor = *next
			}
			if len(got) != 7 || len(slices.Compact(slices.Sorted(slices.Values(got)))) != 7 {
				t.Fatalf("sort %q: %v", sortName, got)
			}
			if w, ok := want[sortName]; ok && strings.Join(got, ",") != w {
				t.Fatalf("sort %q: %v, want %s", sortName, got, w)
			}
		}
	})
}

// Only attendance as invited or attended makes an organisation or a
// person part of a meeting: one whose people declined or were absent sees
// none of its AMBER or RED meetings, through the meeting, the lists or the
// items it owns, until a coordinator records it as attending.
func TestDeclinedAttendanceGrantsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		start := time.Date(2024, 11, 22, 15, 0, 0, 0, time.UTC)
		due := models.DateOf(start.AddDate(0, 0, 14))
		colleague := store.Caller{UserID: "u-col", Role: models.RoleParticipant, PersonID: "someone-else", OrganizationID: w.telco.ID}
		for _, tlp := range []string{"AMBER", "AMBER+STRICT", "RED"} {
			for _, attendance := range []string{"declined", "absent"} {
				m := must(s.CreateMeeting(ctx, w.coord, store.MeetingInput{
					Title: "Briefing " + tlp + " " + attendance, StartsAt: start, EndsAt: start.Add(time.Hour), Timezone: "UTC",
					Modality: "virtual", Kind: "briefing", Status: "held", TLP: tlp, HostOrganizationID: w.gov.ID,
					Attendees: []store.AttendeeInput{
						{PersonID: &w.govP.ID, Role: "host", Attendance: "attended", Disclosure: "public"},
						{PersonID: &w.telcoP.ID, Role: "attendee", Attendance: attendance, Disclosure: "public"},
					},
					ActionItems: []store.ActionItemInput{{Title: "Report back", OwnerOrganizationID: &w.telco.ID, OwnerPersonID: &w.telcoP.ID, DueOn: &due}},
				}))
				sees := func(c store.Caller) (bool, bool, int) {
					_, getErr := s.GetMeeting(ctx, c, m.ID)
					if getErr != nil && !errors.Is(getErr, store.ErrNotFound) {
						t.Fatal(getErr)
					}
					listed, _, err := s.ListMeetings(ctx, c, store.MeetingFilter{TLP: []string{tlp}}, store.Page{Limit: 50})
					if err != nil {
						t.Fatal(err)
					}
					inList := false
					for _, l := range listed {
						inList = inList || l.ID == m.ID
					}
					items, _, err := s.ListActionItems(ctx, c, store.ActionItemFilter{OwnerMe: true, Overdue: true}, store.Page{Limit: 50})
					if err != nil {
						t.Fatal(err)
					}
					owned := 0
					for _, it := range items {
						if it.MeetingID == m.ID {
							owned++
						}
					}
					return getErr == nil, inList, owned
				}
				for name, c := range map[string]store.Caller{"insider": w.insider, "colleague": colleague} {
					if got, listed, owned := sees(c); got || listed || owned != 0 {
						t.Errorf("%s meeting the telecom %s: %s sees it (get %v, listed %v, owned items %d)", tlp, attendance, name, got, listed, owned)
					}
				}
				// Recorded as attending, the same person sees it (and the
				// colleague too, but for RED).
				for _, a := range m.Attendees {
					if a.PersonID != nil && *a.PersonID == w.telcoP.ID {
						must(s.UpdateAttendee(ctx, w.coord, m.ID, a.ID, store.AttendeePatch{Attendance: models.Some("invited")}))
					}
				}
				if got, listed, owned := sees(w.insider); !got || !listed || owned != 1 {
					t.Errorf("%s meeting the telecom attends: insider get %v, listed %v, owned items %d", tlp, got, listed, owned)
				}
				if _, listed, _ := sees(colleague); listed != (tlp != "RED") {
					t.Errorf("%s meeting the telecom attends: colleague listed %v", tlp, listed)
				}
			}
		}
	})
}
