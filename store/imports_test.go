package store_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"liaison/importer"
	"liaison/models"
	"liaison/store"
	"liaison/store/storetest"
)

func readExcerpt(t *testing.T, format, file string) ([]importer.Record, []importer.Rejection) {
	t.Helper()
	f, err := os.Open("../importer/testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, rej, err := importer.Read(format, f)
	if err != nil {
		t.Fatal(err)
	}
	return recs, rej
}

func TestImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// An organisation already in the directory, spelled otherwise than
		// in the file.
		att := must(s.CreateOrganization(ctx, store.System, store.OrganizationInput{Name: "AT & T", Kind: "industry", Sector: "communications", Country: "US"}))
		recs, rej := readExcerpt(t, importer.WhiteHouseCalendars, "whitehouse-excerpt.csv")
		opt := store.ImportOptions{Source: "whitehouse-excerpt.csv", Country: "US"}
		meetingsBefore := countMeetings(t, s)

		// A dry run in batches counts each organisation and person once.
		dry := opt
		dry.DryRun, dry.BatchSize = true, 3
		plan, err := s.Import(ctx, store.System, recs, rej, dry)
		if err != nil {
			t.Fatal(err)
		}
		if got := countMeetings(t, s); got != meetingsBefore {
			t.Fatalf("the dry run wrote %d meetings", got-meetingsBefore)
		}

		res, err := s.Import(ctx, store.System, recs, rej, opt)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 25 || res.Created != len(recs) || len(res.Rejected) != len(rej) || res.Created+len(res.Rejected) != 25 {
			t.Fatalf("import: %+v", res)
		}
		if plan.Created != res.Created || plan.OrganizationsCreated != res.OrganizationsCreated || plan.PeopleCreated != res.PeopleCreated || plan.OrganizationsReused != res.OrganizationsReused {
			t.Errorf("the dry run foretold %+v, the import did %+v", plan, res)
		}
		if res.OrganizationsReused != 1 || plan.OrganizationsReused != 1 {
			t.Errorf("the existing AT&T was reused %d times (%d in the dry run)", res.OrganizationsReused, plan.OrganizationsReused)
		}
		if got := countMeetings(t, s); got != meetingsBefore+res.Created {
			t.Errorf("%d meetings written, %d reported", got-meetingsBefore, res.Created)
		}

		// Row 18: "Loeb, Erik" of "At&t" visits the USTR on 2/1/17.
		var m *store.MeetingView
		for _, r := range res.Meetings {
			if r.Row == 18 {
				m = must(s.GetMeeting(ctx, store.System, r.MeetingID))
			}
		}
		if m == nil {
			t.Fatal("row 18 was not imported")
		}
		ny, _ := time.LoadLocation("America/New_York")
		if m.TLP != "CLEAR" || m.Status != "held" || m.Timezone != "America/New_York" || !m.StartsAt.Equal(time.Date(2017, 2, 1, 0, 0, 0, 0, ny)) ||
			m.Host == nil || m.Host.Name != "U.S. Trade Representative" || m.Host.Kind != "government" || m.Host.Country != "US" {
			t.Errorf("row 18's meeting: %+v, host %+v", m.Meeting, m.Host)
		}
		if len(m.Attendees) != 1 || m.Attendees[0].Person == nil || m.Attendees[0].Person.FullName != "Erik Loeb" ||
			m.Attendees[0].Organization.ID != att.ID || m.Attendees[0].Disclosure != "public" || m.Attendees[0].Attendance != "attended" {
			t.Errorf("row 18's attendance: %+v", m.Attendees)
		}
		if m.Source == nil || *m.Source != (store.MeetingSource{Name: "whitehouse-excerpt.csv", Row: 18}) {
			t.Errorf("row 18's source: %+v", m.Source)
		}
		if !strings.Contains(m.Summary, "whitehouse-excerpt.csv, row 18") || !strings.Contains(m.Summary, "date only") {
			t.Errorf("row 18's summary: %q", m.Summary)
		}

		// Again: nothing new. A changed row updates its meeting.
		again, err := s.Import(ctx, store.System, recs, rej, opt)
		if err != nil {
			t.Fatal(err)
		}
		if again.Created != 0 || again.Updated != 0 || again.Unchanged != res.Created || again.OrganizationsCreated != 0 || again.PeopleCreated != 0 {
			t.Errorf("a second import: %+v", again)
		}
		for i := range recs {
			if recs[i].Row == 18 {
				recs[i].Title, recs[i].Hash = "Trade talks", "changed"
				recs[i].Attendees = append(recs[i].Attendees, importer.Person{Name: "Jane Roe", Organization: "Verizon"})
			}
		}
		changed, err := s.Import(ctx, store.System, recs, rej, opt)
		if err != nil {
			t.Fatal(err)
		}
		if changed.Created != 0 || changed.Updated != 1 || changed.OrganizationsCreated != 1 || changed.PeopleCreated != 1 {
			t.Errorf("an import with one row changed: %+v", changed)
		}
		m = must(s.GetMeeting(ctx, store.System, m.ID))
		if m.Title != "Trade talks" || len(m.Attendees) != 2 {
			t.Errorf("the changed row's meeting: %q with %d attendees", m.Title, len(m.Attendees))
		}

		// A meeting made more than a public record in Liaison is not
		// rewritten by a changed row; a deleted one is not made again.
		red := "RED"
		must(s.UpdateMeeting(ctx, store.System, m.ID, store.MeetingPatch{TLP: models.Some(models.TLP(red)), Summary: models.Some("Notes of the RED session")}))
		for i := range recs {
			if recs[i].Row == 18 {
				recs[i].Title, recs[i].Hash = "Trade talks again", "changed again"
			}
		}
		guarded := must(s.Import(ctx, store.System, recs, rej, opt))
		if guarded.Updated != 0 || guarded.Rejected[len(guarded.Rejected)-1].Row != 18 {
			t.Errorf("a changed row of a meeting made RED: %+v", guarded)
		}
		if after := must(s.GetMeeting(ctx, store.System, m.ID)); after.Title != "Trade talks" || after.Summary != "Notes of the RED session" {
			t.Errorf("the RED meeting was rewritten: %q, %q", after.Title, after.Summary)
		}
		if err := s.DeleteMeeting(ctx, store.System, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		gone := must(s.Import(ctx, store.System, recs, rej, opt))
		if gone.Created != 0 || !slices.ContainsFunc(gone.Rejected, func(r importer.Rejection) bool { return r.Row == 18 && strings.Contains(r.Reason, "deleted") }) {
			t.Errorf("the row of a deleted meeting: %+v", gone)
		}

		// Only coordinators import; the source must be named.
		if _, err := s.Import(ctx, store.Caller{Role: "participant"}, recs, rej, opt); err == nil {
			t.Error("a participant imported")
		}
		for _, src := range []string{"", "a\x00b.csv", "bad\xff.csv"} {
			if _, err := s.Import(ctx, store.System, recs, rej, store.ImportOptions{Source: src}); err == nil {
				t.Errorf("an import with the source %q", src)
			}
		}
	})
}

func TestImportInterrupted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		recs, rej := readExcerpt(t, importer.WhiteHouseCalendars, "whitehouse-excerpt.csv")
		meetingsBefore := countMeetings(t, s)
		// An interrupted import keeps the batches before the interruption,
		// each meeting whole; the same import again carries on.
		stop, cancel := context.WithCancel(ctx)
		small := store.ImportOptions{Source: "interrupted", Country: "US", BatchSize: 4, Progress: func(done int) {
			if done >= 8 {
				cancel()
			}
		}}
		part, err := s.Import(stop, store.System, recs, rej, small)
		if err == nil || part.Created != 8 || countMeetings(t, s) != meetingsBefore+8 {
			t.Fatalf("an interrupted import: %v, %+v, %d meetings", err, part, countMeetings(t, s)-meetingsBefore)
		}
		small.Progress = nil
		rest := must(s.Import(ctx, store.System, recs, rej, small))
		if rest.Unchanged != 8 || rest.Created != len(recs)-8 {
			t.Fatalf("the interrupted import again: %+v", rest)
		}
	})
}

func TestImportUKExcerpt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		recs, rej := readExcerpt(t, importer.UKMinisterial, "uk-excerpt.csv")
		// A row Liaison's own rules refuse is rejected, and the rest go in.
		bad := recs[3].Row
		recs[3].Timezone = "Mars/Olympus_Mons"
		res, err := s.Import(ctx, store.System, recs, rej, store.ImportOptions{Source: "uk-excerpt.csv", Country: "GB"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != len(recs)-1 || res.Created+len(res.Rejected) != 19 {
			t.Fatalf("import: %+v", res)
		}
		if r := res.Rejected[len(res.Rejected)-1]; r.Row != bad || !strings.Contains(r.Reason, "timezone") {
			t.Errorf("the refused row: %+v", r)
		}
		// Every imported meeting is a public record anyone may read.
		list, _, err := s.ListPublicMeetings(ctx, store.PublicFilter{}, store.Page{Limit: 50})
		if err != nil || len(list) != res.Created {
			t.Errorf("%d public meetings (%v), want %d", len(list), err, res.Created)
		}
	})
}

func countMeetings(t *testing.T, s *store.Store) int {
	t.Helper()
	ms, _, err := s.ListMeetings(ctx, store.System, store.MeetingFilter{}, store.Page{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return len(ms)
}
