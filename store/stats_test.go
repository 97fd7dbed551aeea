package store_test

import (
	"testing"
	"time"

	"liaison/models"
	"liaison/store"
	"liaison/store/storetest"
)

// TestStatistics checks every figure against a fixture computed by hand
// (see the comments), for an administrator, a viewer and a date range.
func TestStatistics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		var clock time.Time
		s.SetClock(func() time.Time { return clock })
		at := func(day string) { clock = must(time.Parse(time.DateOnly, day)).Add(12 * time.Hour) }
		date := func(d string) *models.Date { x := must(models.ParseDate(d)); return &x }
		ts := func(d string) time.Time { return must(time.Parse(time.DateOnly, d)).Add(15 * time.Hour) }
		reason := "national_security"

		at("2025-01-10")
		// M1: GREEN, held, January; the telecom's person undisclosed.
		m1 := must(s.CreateMeeting(ctx, w.coord, store.MeetingInput{Title: "M1", StartsAt: ts("2025-01-15"), EndsAt: ts("2025-01-15").Add(time.Hour),
			Modality: "virtual", Kind: "briefing", Status: "held", TLP: "GREEN", HostOrganizationID: w.gov.ID, Topics: []string{"A"},
			Attendees: []store.AttendeeInput{
				{PersonID: &w.govP.ID, Attendance: "attended", Disclosure: "public"},
				{PersonID: &w.telcoP.ID, Attendance: "attended", Disclosure: "undisclosed", WithholdingReason: reason},
			},
			ActionItems: []store.ActionItemInput{{Title: "I1", Status: "open", DueOn: date("2025-03-01"), OwnerOrganizationID: &w.telco.ID}},
		}))
		// M2: AMBER, held, February; the telecom organisation-only, the utility public.
		m2 := must(s.CreateMeeting(ctx, w.coord, store.MeetingInput{Title: "M2", StartsAt: ts("2025-02-20"), EndsAt: ts("2025-02-20").Add(time.Hour),
			Modality: "virtual", Kind: "roundtable", Status: "held", TLP: "AMBER", HostOrganizationID: w.gov.ID, Topics: []string{"A", "B"},
			Attendees: []store.AttendeeInput{
				{OrganizationID: w.telco.ID, Attendance: "attended", Disclosure: "organization_only", WithholdingReason: reason},
				{PersonID: &w.otherP.ID, Attendance: "attended", Disclosure: "public"},
			},
			ActionItems: []store.ActionItemInput{{Title: "I3", Status: "in_progress", DueOn: date("2025-03-12"), OwnerOrganizationID: &w.other.ID}},
		}))
		// M3: RED, scheduled, March.
		must(s.CreateMeeting(ctx, w.coord, store.MeetingInput{Title: "M3", StartsAt: ts("2025-03-20"), EndsAt: ts("2025-03-20").Add(time.Hour),
			Modality: "virtual", Kind: "call", Status: "scheduled", TLP: "RED", HostOrganizationID: w.gov.ID, Topics: []string{"B"},
			Attendees:   []store.AttendeeInput{{PersonID: &w.telcoP.ID, Attendance: "invited", Disclosure: "public"}},
			ActionItems: []store.ActionItemInput{{Title: "I5", Status: "cancelled", DueOn: date("2025-03-05")}, {Title: "I6", Status: "blocked", DueOn: date("2025-03-10")}},
		}))
		done := func(meeting, created, completed string) {
			at(created)
			it := must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: meeting, Title: "done " + created}))
			at(completed)
			st := "done"
			must(s.UpdateActionItem(ctx, w.coord, it.ID, store.ActionItemPatch{Status: models.Some(st)}))
		}
		done(m1.ID, "2025-01-16", "2025-01-26") // I2: 10 days
		done(m2.ID, "2025-02-21", "2025-02-25") // I4: 4 days
		done(m1.ID, "2025-01-16", "2025-02-15") // I7: 30 days
		at("2025-03-10")                        // today

		o := must(s.StatsOverview(ctx, w.admin, store.StatsRange{}))
		eq(t, "admin meetings", o.Meetings.Total, 3)
		eq(t, "admin held", o.Meetings.ByStatus["held"], 2)
		eq(t, "admin scheduled", o.Meetings.ByStatus["scheduled"], 1)
		eq(t, "admin RED", o.Meetings.ByTLP["RED"], 1)
		eq(t, "admin attendees", o.Attendees.Total, 5)
		eq(t, "admin disclosed", o.Attendees.Disclosed, 3)
		eq(t, "admin withheld", o.Attendees.Withheld, 2)
		eq(t, "admin items", o.ActionItems.Total, 7)
		eq(t, "admin done", o.ActionItems.ByStatus["done"], 3)
		eq(t, "admin overdue", o.ActionItems.Overdue, 1)              // I1 (I6 is due today, I5 cancelled)
		eq(t, "admin due 7 days", o.ActionItems.DueNext7Days, 2)      // I3 and I6
		eqf(t, "admin completion", o.ActionItems.CompletionRate, 0.5) // 3 of 7−1
		eqf(t, "admin median", *o.ActionItems.MedianDaysToClose, 10)  // 4, 10, 30
		eq(t, "organizations", o.Organizations, 3)

		v := must(s.StatsOverview(ctx, w.viewer, store.StatsRange{})) // sees M1 only
		eq(t, "viewer meetings", v.Meetings.Total, 1)
		eq(t, "viewer attendees", v.Attendees.Total, 2)
		eq(t, "viewer withheld", v.Attendees.Withheld, 1)
		eq(t, "viewer items", v.ActionItems.Total, 3)
		eq(t, "viewer overdue", v.ActionItems.Overdue, 1)
		eq(t, "viewer due 7 days", v.ActionItems.DueNext7Days, 0)
		eqf(t, "viewer completion", v.ActionItems.CompletionRate, 2.0/3)
		eqf(t, "viewer median", *v.ActionItems.MedianDaysToClose, 20) // 10 and 30

		from := must(time.Parse(time.DateOnly, "2025-02-01"))
		r := must(s.StatsOverview(ctx, w.admin, store.StatsRange{From: &from})) // M2 and M3
		eq(t, "range meetings", r.Meetings.Total, 2)
		eq(t, "range items", r.ActionItems.Total, 4)
		eq(t, "range overdue", r.ActionItems.Overdue, 0)
		eq(t, "range due 7 days", r.ActionItems.DueNext7Days, 2)
		eqf(t, "range completion", r.ActionItems.CompletionRate, 1.0/3)
		eqf(t, "range median", *r.ActionItems.MedianDaysToClose, 4)

		buckets := func(bs []store.Bucket) map[string]int {
			m := map[string]int{}
			for _, b := range bs {
				m[b.Key] = b.Count
			}
			return m
		}
		months := must(s.StatsMeetings(ctx, w.admin, "month", store.StatsRange{}))
		if len(months) != 3 || months[0].Key != "2025-01" || months[0].ByTLP["GREEN"] != 1 || months[2].ByTLP["RED"] != 1 {
			t.Errorf("months: %+v", months)
		}
		sectors := buckets(must(s.StatsMeetings(ctx, w.admin, "sector", store.StatsRange{})))
		eq(t, "communications meetings", sectors["communications"], 3)
		eq(t, "water meetings", sectors["water"], 1)
		// The telecom attended the viewer's meeting undisclosed, and is the
		// only organisation of its sector: the viewer counts it under
		// "withheld" (k-anonymity, anonymity.go).
		vsectors := buckets(must(s.StatsMeetings(ctx, w.viewer, "sector", store.StatsRange{})))
		eq(t, "viewer communications", vsectors["communications"], 0)
		eq(t, "viewer withheld sector", vsectors["withheld"], 1)
		topics := must(s.StatsMeetings(ctx, w.admin, "topic", store.StatsRange{}))
		if len(topics) != 2 || topics[0].Count != 2 || topics[1].Count != 2 || topics[0].Label != "A" {
			t.Errorf("topics: %+v", topics)
		}
		eq(t, "kinds", len(must(s.StatsMeetings(ctx, w.admin, "kind", store.StatsRange{}))), 3)
		hosts := must(s.StatsMeetings(ctx, w.viewer, "host_organization", store.StatsRange{}))
		if len(hosts) != 1 || hosts[0].Label != "National Security Council" || hosts[0].Count != 1 {
			t.Errorf("hosts: %+v", hosts)
		}

		owners := must(s.StatsActionItems(ctx, w.admin, "owner_organization", store.StatsRange{}))
		eq(t, "admin telco-owned", buckets(owners)[w.telco.ID], 1)
		eq(t, "admin unowned", buckets(owners)["none"], 5)
		// One withheld owner is fewer than k: it goes with the smallest other
		// bucket (the viewer's unowned items) as "other", so that neither
		// count can be told; the total stays.
		vowners := must(s.StatsActionItems(ctx, w.viewer, "owner_organization", store.StatsRange{}))
		vstatus := must(s.StatsActionItems(ctx, w.viewer, "status", store.StatsRange{}))
		total := func(bs []store.Bucket) (n int) {
			for _, b := range bs {
				n += b.Count
			}
			return n
		}
		eq(t, "viewer withheld owner", buckets(vowners)["withheld"], 0)
		if _, ok := buckets(vowners)["other"]; !ok || total(vowners) != total(vstatus) {
			t.Errorf("viewer owners: %+v (of %d items)", vowners, total(vstatus))
		}
		for _, b := range vowners {
			if b.Key == w.telco.ID || b.Label == w.telco.Name {
				t.Fatalf("the withheld owner is named to a viewer: %+v", b)
			}
		}
		eq(t, "insider sees own org", buckets(must(s.StatsActionItems(ctx, w.insider, "owner_organization", store.StatsRange{})))[w.telco.ID], 1)
		status := buckets(must(s.StatsActionItems(ctx, w.admin, "status", store.StatsRange{})))
		eq(t, "status done", status["done"], 3)
		months2 := buckets(must(s.StatsActionItems(ctx, w.admin, "month", store.StatsRange{})))
		eq(t, "due in March", months2["2025-03"], 4)
		eq(t, "no due date", months2["none"], 3)
		eq(t, "priorities", buckets(must(s.StatsActionItems(ctx, w.admin, "priority", store.StatsRange{})))["medium"], 7)
		_ = m2
	})
}

func eq(t *testing.T, what string, got, want int) {
	t.Helper()
	if got != want {
		t.Errorf("%s: %d, want %d", what, got, want)
	}
}

func eqf(t *testing.T, what string, got, want float64) {
	t.Helper()
	if got < want-0.01 || got > want+0.01 {
		t.Errorf("%s: %.4f, want %.4f", what, got, want)
	}
}
