package store_test

import (
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"liaison/models"
	"liaison/seed"
	"liaison/store"
	"liaison/store/storetest"
)

// Benchmarks of the store's hot queries on a seeded SQLite database
// (2,000 meetings, 20,000 action items, the same shape every run). Compare
// runs with benchstat.

var (
	benchOnce  sync.Once
	benchStore *store.Store
	benchIDs   []string
	benchOwner store.Caller
)

func benchSetup(b *testing.B) *store.Store {
	benchOnce.Do(func() {
		dsn := storetest.DSN(&testing.T{}, store.SQLite) // lives for the whole benchmark binary
		s := must(store.Open(ctx, dsn, store.Options{}))
		if _, err := s.Migrate(ctx); err != nil {
			panic(err)
		}
		if err := seed.VolumeSeeded(ctx, s, 2000, 20000, io.Discard, 1); err != nil { // the same data set every run
			panic(err)
		}
		ms, _, err := s.ListMeetings(ctx, store.System, store.MeetingFilter{}, store.Page{Limit: 200})
		if err != nil {
			panic(err)
		}
		for _, m := range ms {
			benchIDs = append(benchIDs, m.ID)
		}
		items, _, _ := s.ListActionItems(ctx, store.System, store.ActionItemFilter{Overdue: true}, store.Page{Limit: 50})
		for _, it := range items { // the first owned by a person: some items name only an organisation
			if it.OwnerPersonID != nil {
				benchOwner = store.Caller{UserID: "bench", Role: models.RoleParticipant, PersonID: *it.OwnerPersonID, OrganizationID: *it.OwnerOrganizationID}
				break
			}
		}
		benchStore = s
	})
	return benchStore
}

func BenchmarkGetMeeting(b *testing.B) {
	s := benchSetup(b)
	i := 0
	for b.Loop() {
		if _, err := s.GetMeeting(ctx, store.System, benchIDs[i%len(benchIDs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkListMeetingsByTLP(b *testing.B) {
	s := benchSetup(b)
	for b.Loop() {
		if _, _, err := s.ListMeetings(ctx, store.System, store.MeetingFilter{TLP: []string{"AMBER"}}, store.Page{Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListMeetingsAsParticipant(b *testing.B) {
	s := benchSetup(b)
	for b.Loop() {
		if _, _, err := s.ListMeetings(ctx, benchOwner, store.MeetingFilter{}, store.Page{Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOverdueMine(b *testing.B) {
	s := benchSetup(b)
	for b.Loop() {
		if _, _, err := s.ListActionItems(ctx, benchOwner, store.ActionItemFilter{OwnerMe: true, Overdue: true}, store.Page{Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStatsOverview(b *testing.B) {
	s := benchSetup(b)
	for b.Loop() {
		if _, err := s.StatsOverview(ctx, store.System, store.StatsRange{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStatsOverviewAsParticipant(b *testing.B) {
	s := benchSetup(b)
	for b.Loop() {
		if _, err := s.StatsOverview(ctx, benchOwner, store.StatsRange{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreateActionItem(b *testing.B) {
	s := benchSetup(b)
	admin := store.Caller{UserID: "bench", Role: models.RoleAdmin}
	b.SetParallelism(16) // 32 writers on 2 cores, as the load run
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.CreateActionItem(ctx, admin, store.ActionItemInput{MeetingID: benchIDs[0], Title: "bench"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// coldRange is a range no earlier request has used, so that no page the
// database holds from an earlier iteration answers it alone.
var coldSeq atomic.Int64

func coldRange() store.StatsRange {
	from := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(coldSeq.Add(1)))
	return store.StatsRange{From: &from}
}

func BenchmarkStatsOverviewCold(b *testing.B) {
	s := benchSetup(b)
	for b.Loop() {
		if _, err := s.StatsOverview(ctx, store.System, coldRange()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStatsOverviewColdAsParticipant(b *testing.B) {
	s := benchSetup(b)
	for b.Loop() {
		if _, err := s.StatsOverview(ctx, benchOwner, coldRange()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateMeeting logs a meeting as the load run does: three
// attendees of mixed disclosure, a topic and an action item.
func BenchmarkCreateMeeting(b *testing.B) {
	s := benchSetup(b)
	admin := store.Caller{UserID: "bench", Role: models.RoleAdmin}
	people := must2(s.ListPeople(ctx, store.System, store.PersonFilter{}, store.Page{Limit: 30}))
	orgs := must2(s.ListOrganizations(ctx, store.System, store.OrganizationFilter{}, store.Page{Limit: 10}))
	topics := must2(s.ListTopics(ctx, store.System, store.TopicFilter{}, store.Page{Limit: 10}))
	disclosures := []string{"public", "organization_only", "undisclosed"}
	i := 0
	for b.Loop() {
		start := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		in := store.MeetingInput{Title: "Bench meeting", StartsAt: start, EndsAt: start.Add(time.Hour), Timezone: "UTC",
			Modality: "virtual", Kind: "briefing", Status: "held", TLP: []string{"GREEN", "AMBER", "RED"}[i%3],
			HostOrganizationID: orgs[i%len(orgs)].ID, Topics: []string{topics[i%len(topics)].Name},
			ActionItems: []store.ActionItemInput{{Title: "Share indicators", OwnerOrganizationID: &orgs[(i+1)%len(orgs)].ID}}}
		for j := range 3 {
			p := people[(3*i+j)%len(people)]
			d := disclosures[(i+j)%3]
			reason := ""
			if d != "public" {
				reason = "commercial"
			}
			in.Attendees = append(in.Attendees, store.AttendeeInput{PersonID: &p.ID, Attendance: "attended", Disclosure: d, WithholdingReason: reason})
		}
		if _, err := s.CreateMeeting(ctx, admin, in); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// must2 is must for a list's rows, cursor and error.
func must2[T any](rows []T, _ *string, err error) []T {
	if err != nil {
		panic(err)
	}
	return rows
}

// afterCommit runs read b.N times, each after a commit of another
// connection (not timed), as reads meet the database under the mixed run:
// a SQLite connection's page cache is emptied whenever another connection
// has committed, so each read starts from the file.
func afterCommit(b *testing.B, read func() error) {
	s := benchSetup(b)
	admin := store.Caller{UserID: "bench", Role: models.RoleAdmin}
	title := []string{"bench a", "bench b"}
	i := 0
	for b.Loop() {
		b.StopTimer()
		if _, err := s.UpdateActionItem(ctx, admin, benchItem(b, s), store.ActionItemPatch{Title: models.Some(title[i%2])}); err != nil {
			b.Fatal(err)
		}
		i++
		b.StartTimer()
		if err := read(); err != nil {
			b.Fatal(err)
		}
	}
}

var benchItemID string

// benchItem is an action item the benchmarks after a commit change.
func benchItem(b *testing.B, s *store.Store) string {
	if benchItemID == "" {
		items, _, err := s.ListActionItems(ctx, store.System, store.ActionItemFilter{MeetingID: benchIDs[0]}, store.Page{Limit: 1})
		if err != nil || len(items) == 0 {
			b.Fatal("no action item to change", err)
		}
		benchItemID = items[0].ID
	}
	return benchItemID
}

func BenchmarkListMeetingsAfterCommit(b *testing.B) {
	s := benchSetup(b)
	afterCommit(b, func() error {
		_, _, err := s.ListMeetings(ctx, benchOwner, store.MeetingFilter{}, store.Page{Limit: 25})
		return err
	})
}

func BenchmarkListActionItemsAfterCommit(b *testing.B) {
	s := benchSetup(b)
	afterCommit(b, func() error {
		_, _, err := s.ListActionItems(ctx, benchOwner, store.ActionItemFilter{Status: []string{"open", "blocked"}}, store.Page{Limit: 50, Sort: "-updated_at"})
		return err
	})
}

func BenchmarkGetMeetingAfterCommit(b *testing.B) {
	s := benchSetup(b)
	i := 0
	afterCommit(b, func() error {
		i++
		_, err := s.GetMeeting(ctx, store.System, benchIDs[i%len(benchIDs)])
		return err
	})
}

func BenchmarkStatsOverviewAfterCommit(b *testing.B) {
	s := benchSetup(b)
	afterCommit(b, func() error {
		_, err := s.StatsOverview(ctx, benchOwner, store.StatsRange{})
		return err
	})
}

// BenchmarkAddAttendee adds an organisation to the attendance of an AMBER
// or RED meeting on each database: its triggers recount the meeting's
// audiences in the summaries (on Postgres as PL/pgSQL) and, on SQLite,
// its tag rows, the dearest trigger work of any write.
func BenchmarkAddAttendee(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			s := storetest.Open(b, d)
			if err := seed.VolumeSeeded(ctx, s, 200, 1000, io.Discard, 1); err != nil {
				b.Fatal(err)
			}
			coord := store.Caller{UserID: "bench", Role: models.RoleCoordinator}
			meetings := must2(s.ListMeetings(ctx, store.System, store.MeetingFilter{TLP: []string{"AMBER", "RED"}}, store.Page{Limit: 100}))
			orgs := must2(s.ListOrganizations(ctx, store.System, store.OrganizationFilter{}, store.Page{Limit: 50}))
			disclosures := []string{"public", "organization_only", "undisclosed"}
			i := 0
			for b.Loop() {
				in := store.AttendeeInput{OrganizationID: orgs[i%len(orgs)].ID, Role: "observer", Attendance: "attended", Disclosure: disclosures[i%3]}
				if in.Disclosure != "public" {
					in.WithholdingReason = models.WithholdingReasons[0]
				}
				if _, err := s.CreateAttendee(ctx, coord, meetings[i%len(meetings)].ID, in); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
