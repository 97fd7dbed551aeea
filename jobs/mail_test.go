package jobs_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"liaison/internal/smtptest"
	"liaison/jobs"
	"liaison/models"
	"liaison/store"
	"liaison/store/storetest"
)

func mailer(t *testing.T, srv *smtptest.Server) *jobs.Mailer {
	t.Helper()
	m, err := jobs.NewMailer(srv.URL, "Liaison <liaison@example.test>", srv.ClientTLS)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDigests: owners get a digest of their items due soon and overdue,
// coordinators a weekly one by organisation, each once per period, at an
// hour of the recipient's zone, redacted for them, in text and HTML, with
// a one-click unsubscribe that works.
func TestDigests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC) // a Monday
		var clockMu sync.Mutex                                 // the queue's workers read the clock
		s.SetClock(func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return clock })
		advance := func(d time.Duration) { clockMu.Lock(); clock = clock.Add(d); clockMu.Unlock() }
		w := newWorld(t, s, "GREEN")
		today := models.DateOf(clock)
		due := func(days int) *models.Date { d := today.AddDays(days); return &d }
		for _, it := range []struct {
			title string
			due   *models.Date
		}{{"Patch the border routers", due(-2)}, {"Rotate intercept keys", due(3)}, {"Annual tabletop exercise", due(30)}} {
			must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: w.meeting, Title: it.title, OwnerPersonID: &w.ownerPerson, DueOn: it.due}))
		}
		// An item the owner owns in a RED meeting they are not in: the
		// item is theirs, the meeting's title is not.
		gov, _, gerr := s.ListOrganizations(ctx, store.System, store.OrganizationFilter{Q: "Agency"}, store.Page{Limit: 1})
		if gerr != nil || len(gov) != 1 {
			t.Fatalf("the agency: %v", gerr)
		}
		red := must(s.CreateMeeting(ctx, w.coord, store.MeetingInput{Title: "Zqsecret RED session", StartsAt: clock.Add(-72 * time.Hour), EndsAt: clock.Add(-71 * time.Hour),
			Timezone: "UTC", Modality: "virtual", Kind: "briefing", Status: "held", TLP: "RED", HostOrganizationID: gov[0].ID}))
		must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: red.ID, Title: "Owned outside the room", OwnerPersonID: &w.ownerPerson, DueOn: due(1)}))
		must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: red.ID, Title: "Zqnot theirs", OwnerOrganizationID: &gov[0].ID, DueOn: due(-1)}))
		// The outsider reads in Los Angeles, where it is 01:30.
		must(s.SetReminders(ctx, w.outsider, store.ReminderPatch{Timezone: models.Some("America/Los_Angeles")}))

		srv := smtptest.Start(t)
		start(t, s, jobs.Options{Mailer: mailer(t, srv), PublicURL: "https://liaison.example.gov", ReminderInterval: time.Hour})
		if _, err := s.ScheduleDigests(ctx); err != nil {
			t.Fatal(err)
		}
		eventually(t, "two digests", func() bool { return len(srv.Messages()) == 2 })
		byTo := map[string]smtptest.Message{}
		for _, m := range srv.Messages() {
			byTo[m.To[0]] = m
		}
		owner, ok := byTo["owner@example.test"]
		if !ok {
			t.Fatalf("no digest for the owner: %v", byTo)
		}
		text, html, h, err := owner.Parts()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Patch the border routers", "OVERDUE since " + today.AddDays(-2).String(), "Rotate intercept keys", "Owned outside the room"} {
			if !strings.Contains(text, want) {
				t.Errorf("the text part lacks %q:\n%s", want, text)
			}
		}
		if !strings.Contains(html, "<li>") || !strings.Contains(html, "Rotate intercept keys") {
			t.Errorf("the HTML part:\n%s", html)
		}
		for _, never := range []string{"Annual tabletop exercise", "Zqsecret", "Zqnot theirs"} {
			if strings.Contains(text+html, never) {
				t.Errorf("the owner's digest holds %q", never)
			}
		}
		unsub := h.Get("List-Unsubscribe")
		if !strings.HasPrefix(unsub, "<https://liaison.example.gov/api/v1/unsubscribe/") || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Fatalf("unsubscribe headers %q, %q", unsub, h.Get("List-Unsubscribe-Post"))
		}
		if h.Get("Subject") != "Liaison: 3 action items due soon or overdue" || owner.From != "liaison@example.test" {
			t.Errorf("subject %q from %q", h.Get("Subject"), owner.From)
		}
		coord, ok := byTo["coord@example.test"]
		if !ok {
			t.Fatalf("no weekly digest for the coordinator: %v", byTo)
		}
		ctext, _, _, _ := coord.Parts()
		if !strings.Contains(ctext, "no organisation named: 1 overdue") || !strings.Contains(ctext, "Agency: 1 overdue") {
			t.Errorf("the coordinator's digest:\n%s", ctext)
		}

		// Once per period, whatever runs the schedule again.
		if n := must(s.ScheduleDigests(ctx)); n != 0 {
			t.Fatalf("scheduled again: %d", n)
		}
		// Seven hours on, it is 08:30 in Los Angeles: the outsider's digest
		// is due, but the outsider owns nothing, so none is sent.
		advance(7 * time.Hour)
		if n := must(s.ScheduleDigests(ctx)); n != 1 {
			t.Fatalf("digests scheduled at 08:30 in Los Angeles: %d, want 1", n)
		}
		eventually(t, "the empty digest to be done", func() bool {
			st, _ := s.DigestState(ctx, w.outsider.UserID, store.DigestOwner, "d:2026-12-07")
			return st == "empty"
		})
		// The next day the owner gets another; after unsubscribing, none.
		advance(24 * time.Hour)
		must(s.ScheduleDigests(ctx))
		eventually(t, "the next day's digest", func() bool { return len(srv.Messages()) == 3 })
		token := strings.TrimSuffix(unsub[strings.LastIndex(unsub, "/")+1:], ">")
		if err := s.Unsubscribe(ctx, token); err != nil {
			t.Fatal(err)
		}
		if p := must(s.Reminders(ctx, w.owner)); p.Frequency != "off" {
			t.Fatalf("after unsubscribing: %+v", p)
		}
		advance(24 * time.Hour)
		must(s.ScheduleDigests(ctx))
		time.Sleep(300 * time.Millisecond)
		if len(srv.Messages()) != 3 {
			t.Fatalf("mail after unsubscribing: %d messages", len(srv.Messages()))
		}
	})
}

// Two servers sharing Postgres send a digest once.
func TestDigestOnceAcrossServers(t *testing.T) {
	a, b := twoServers(t)
	for _, s := range []*store.Store{a, b} {
		s.SetClock(func() time.Time { return time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC) })
	}
	w := newWorld(t, a, "GREEN")
	d := models.DateOf(a.Now()).AddDays(1)
	must(a.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: w.meeting, Title: "Due tomorrow", OwnerPersonID: &w.ownerPerson, DueOn: &d}))
	srv := smtptest.Start(t)
	start(t, a, jobs.Options{Mailer: mailer(t, srv)})
	start(t, b, jobs.Options{Mailer: mailer(t, srv)})
	done := make(chan error, 2)
	for _, s := range []*store.Store{a, b} {
		go func() { _, err := s.ScheduleDigests(ctx); done <- err }()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the digest", func() bool { return len(srv.Messages()) >= 1 })
	time.Sleep(500 * time.Millisecond)
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("messages: %d, want 1", n)
	}
}

// NewMailer refuses what it cannot use, without repeating the URL.
func TestMailerConfiguration(t *testing.T) {
	for _, c := range []struct{ url, from, want string }{
		{"http://mail.example.net", "a@example.net", "smtp://"},
		{"smtp://", "a@example.net", "smtp://"},
		{"smtp://u:secretpw@mail.example.net:99999", "a@example.net", "port"},
		{"smtp://mail.example.net/path?x=1", "a@example.net", "smtp://"},
		{"smtps://mail.example.net", "", "From address"},
		{"smtps://mail.example.net", "not an address", "From address"},
	} {
		_, err := jobs.NewMailer(c.url, c.from, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "secretpw") {
			t.Errorf("NewMailer(%q, %q) = %v, want an error naming %q", c.url, c.from, err, c.want)
		}
	}
	if _, err := jobs.NewMailer("smtp://u:p@mail.example.net", "Liaison <liaison@example.net>", nil); err != nil {
		t.Errorf("a good URL: %v", err)
	}
}
