package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"liaison/api"
	"liaison/jobs"
	"liaison/models"
	"liaison/store"
	"liaison/store/storetest"
)

var ctx = context.Background()

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// world is a small directory: a coordinator, and two participants of one
// organisation (one owns the items), and a participant of another.
type world struct {
	coord, owner, colleague, outsider store.Caller
	meeting                           string
	ownerPerson, org                  string
}

func newWorld(t *testing.T, s *store.Store, tlp string) world {
	t.Helper()
	var w world
	orgA := must(s.CreateOrganization(ctx, store.System, store.OrganizationInput{Name: "Carrier A", Kind: "industry", Sector: "communications", Country: "US"}))
	orgB := must(s.CreateOrganization(ctx, store.System, store.OrganizationInput{Name: "Carrier B", Kind: "industry", Sector: "communications", Country: "US"}))
	gov := must(s.CreateOrganization(ctx, store.System, store.OrganizationInput{Name: "Agency", Kind: "government", Country: "US"}))
	user := func(name, role string, org *models.Organization) store.Caller {
		in := store.UserInput{Email: name + "@example.test", Password: "a long enough password", Role: role}
		c := store.Caller{Role: models.Role(role)}
		if org != nil {
			p := must(s.CreatePerson(ctx, store.System, store.PersonInput{FullName: name, OrganizationID: org.ID}))
			in.PersonID = &p.ID
			c.PersonID, c.OrganizationID = p.ID, org.ID
		}
		u := must(s.CreateUser(ctx, store.System, in))
		c.UserID = u.ID
		return c
	}
	w.coord = user("coord", "coordinator", nil)
	w.owner = user("owner", "participant", orgA)
	w.colleague = user("colleague", "participant", orgA)
	w.outsider = user("outsider", "participant", orgB)
	w.ownerPerson, w.org = w.owner.PersonID, orgA.ID
	start := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Minute)
	m := must(s.CreateMeeting(ctx, w.coord, store.MeetingInput{Title: "Intrusion briefing", StartsAt: start, EndsAt: start.Add(time.Hour),
		Timezone: "UTC", Modality: "virtual", Kind: "briefing", Status: "held", TLP: tlp, HostOrganizationID: gov.ID,
		Attendees: []store.AttendeeInput{{PersonID: &w.ownerPerson, Attendance: "attended", Disclosure: "public"}}}))
	w.meeting = m.ID
	return w
}

// hookTo registers a webhook endpoint that takes every event, owned by
// owner, and returns its receiver on 127.0.0.1: each change to an item
// then makes a job.
func hookTo(t *testing.T, s *store.Store, owner store.Caller) *receiver {
	t.Helper()
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.mu.Lock()
		rc.ids = append(rc.ids, r.Header.Get("webhook-id"))
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.srv.Close)
	s.AllowPrivateWebhooks(true)
	if _, _, err := s.CreateWebhook(ctx, store.System, store.WebhookInput{URL: rc.srv.URL, EventTypes: store.WebhookEventTypes,
		TLPCeiling: "RED", OwnerUserID: owner.UserID}); err != nil {
		t.Fatal(err)
	}
	return rc
}

// receiver keeps the webhook-id of each request it receives.
type receiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	ids []string
}

func (r *receiver) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ids...)
}

// quickRetry retries a failed job after a tenth of a second.
type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(100 * time.Millisecond)
}

func start(t *testing.T, s *store.Store, opt jobs.Options) *jobs.Runner {
	t.Helper()
	opt.PollInterval = or(opt.PollInterval, 50*time.Millisecond)
	if opt.Render == nil {
		opt.Render = api.Render(s)
	}
	r, err := jobs.New(s, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = r.Stop(c)
	})
	return r
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// eventually waits up to ten seconds for ok.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func countJobs(t *testing.T, s *store.Store, kind, state string) int64 {
	t.Helper()
	for _, c := range must(s.JobCounts(ctx)) {
		if c.Kind == kind && c.State == state {
			return c.Jobs
		}
	}
	return 0
}

func notes(t *testing.T, s *store.Store, c store.Caller) []store.NotificationView {
	t.Helper()
	ns, _, err := s.ListNotifications(ctx, c, store.NotificationFilter{}, store.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func kinds(ns []store.NotificationView) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Kind)
	}
	return out
}

// A change enqueues its job in its own transaction: when the change rolls
// back, so does the job.
func TestJobCommitsWithItsChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s, "GREEN")
		hookTo(t, s, w.coord)
		r, err := jobs.New(s, jobs.Options{Render: api.Render(s)}) // not started: jobs wait
		if err != nil {
			t.Fatal(err)
		}
		must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: w.meeting, Title: "Share indicators", OwnerPersonID: &w.ownerPerson}))
		if n := countJobs(t, s, "change", "available"); n != 1 {
			t.Fatalf("jobs after a committed change: %d, want 1", n)
		}
		// A hook that enqueues and then fails stands for a change that
		// fails after its job was inserted.
		boom := errors.New("the change fails after its job was enqueued")
		s.SetQueue(failingQueue{r, boom})
		if _, err := s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: w.meeting, Title: "Rolled back", OwnerPersonID: &w.ownerPerson}); !errors.Is(err, boom) {
			t.Fatalf("create with a failing hook: %v", err)
		}
		if n := countJobs(t, s, "change", "available"); n != 1 {
			t.Fatalf("jobs after a rolled-back change: %d, want 1", n)
		}
		items, _, _ := s.ListActionItems(ctx, store.System, store.ActionItemFilter{}, store.Page{Limit: 10})
		if len(items) != 1 || len(notes(t, s, w.owner)) != 1 {
			t.Fatalf("items: %d, notifications: %d; want 1 of each (the failed change rolled back)", len(items), len(notes(t, s, w.owner)))
		}
	})
}

// Changes make their notifications in their own transaction: the owner
// hears of an item assigned, the creator of its status change and
// update, nobody of their own change; a colleague who does not own it
// hears nothing.
func TestNotificationsFromChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s, "AMBER")
		item := must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: w.meeting, Title: "Share indicators", OwnerPersonID: &w.ownerPerson}))
		eventually(t, "the owner's notification", func() bool { return len(notes(t, s, w.owner)) == 1 })
		n := notes(t, s, w.owner)[0]
		if n.Kind != store.NotifyAssigned || n.Item.ID != item.ID || n.Item.Title != "Share indicators" || n.ReadAt != nil {
			t.Fatalf("owner's notification: %+v", n)
		}
		must(s.UpdateActionItem(ctx, w.owner, item.ID, store.ActionItemPatch{Status: models.Some("in_progress")}))
		must(s.CreateUpdate(ctx, w.owner, item.ID, store.UpdateInput{Body: "Indicators sent to the agency"}))
		eventually(t, "the creator's notifications", func() bool { return len(notes(t, s, w.coord)) == 2 })
		got := notes(t, s, w.coord)
		if got[0].Kind != store.NotifyUpdateAdded || got[1].Kind != store.NotifyStatusChanged ||
			*got[1].StatusFrom != "open" || *got[1].StatusTo != "in_progress" {
			t.Fatalf("creator's notifications: %v", kinds(got))
		}
		// The owner made those changes: still only the first.
		if k := kinds(notes(t, s, w.owner)); len(k) != 1 {
			t.Fatalf("owner told of their own changes: %v", k)
		}
		if k := kinds(notes(t, s, w.colleague)); len(k) != 0 {
			t.Fatalf("colleague told of another's item: %v", k)
		}
		// Reassigned to the organisation: both of its people hear of it.
		must(s.UpdateActionItem(ctx, w.coord, item.ID, store.ActionItemPatch{OwnerPersonID: models.SomeOrNull[string](nil), OwnerOrganizationID: models.SomeOrNull(&w.org)}))
		eventually(t, "the colleague's notification", func() bool { return len(notes(t, s, w.colleague)) == 1 })
		if k := kinds(notes(t, s, w.owner)); len(k) != 2 || k[0] != store.NotifyAssigned {
			t.Fatalf("owner after reassignment: %v", k)
		}
		if k := kinds(notes(t, s, w.outsider)); len(k) != 0 {
			t.Fatalf("outsider told: %v", k)
		}
	})
}

// Reminders of due dates are made once per item, kind and due date.
func TestDueReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s, "GREEN")
		today := models.DateOf(time.Now().UTC())
		soon, late, old := today.AddDays(2), today.AddDays(-1), today.AddDays(-30)
		for _, d := range []models.Date{soon, late, old, today.AddDays(20)} {
			must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: w.meeting, Title: "Due " + d.String(), OwnerPersonID: &w.ownerPerson, DueOn: &d}))
		}
		done := must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: w.meeting, Title: "Done", OwnerPersonID: &w.ownerPerson, DueOn: &soon}))
		must(s.UpdateActionItem(ctx, w.coord, done.ID, store.ActionItemPatch{Status: models.Some("done")}))
		if n := must(s.NotifyDue(ctx)); n != 2 {
			t.Fatalf("reminders made: %d, want 2 (one due soon, one newly overdue)", n)
		}
		if n := must(s.NotifyDue(ctx)); n != 0 {
			t.Fatalf("reminders made again: %d, want 0", n)
		}
		var got []string
		for _, n := range notes(t, s, w.owner) {
			if n.Kind == store.NotifyDueSoon || n.Kind == store.NotifyOverdue {
				got = append(got, n.Kind+" "+n.Item.Title)
			}
		}
		want := map[string]bool{"due_soon Due " + soon.String(): true, "overdue Due " + late.String(): true}
		if len(got) != 2 || !want[got[0]] || !want[got[1]] {
			t.Fatalf("reminders: %v", got)
		}
	})
}

// A job that fails is retried with backoff and, after its last attempt,
// stays discarded where the metrics show it; outcomes are counted.
func TestFailedJobsRetryThenDiscard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var runs atomic.Int32
		reg := prometheus.NewRegistry()
		r := start(t, s, jobs.Options{MaxAttempts: 3, RetryPolicy: quickRetry{}, Registry: reg, AddWorkers: func(w *river.Workers) {
			river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[failArgs]) error {
				runs.Add(1)
				return fmt.Errorf("receiver down")
			}))
		}})
		must(r.Client().Insert(ctx, failArgs{}, nil))
		eventually(t, "the job to be discarded", func() bool { return countJobs(t, s, "fail", "discarded") == 1 })
		if runs.Load() != 3 {
			t.Fatalf("runs: %d, want 3", runs.Load())
		}
		eventually(t, "the failures to be counted", func() bool {
			return testutil.ToFloat64(must(metricVec(reg, "liaison_job_runs_total", "fail", "failed"))) == 3
		})
		if v := testutil.ToFloat64(must(metricVec(reg, "liaison_jobs", "fail", "discarded"))); v != 1 {
			t.Fatalf("liaison_jobs{kind=fail,state=discarded} = %v", v)
		}
	})
}

type failArgs struct{}

func (failArgs) Kind() string { return "fail" }

// metricVec finds one series of a gathered metric by its label values.
func metricVec(reg *prometheus.Registry, name string, values ...string) (prometheus.Collector, error) {
	families, err := reg.Gather()
	if err != nil {
		return nil, err
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			for i, l := range m.GetLabel() {
				if i >= len(values) || l.GetValue() != values[i] {
					continue series
				}
			}
			v := m.GetGauge().GetValue() + m.GetCounter().GetValue()
			return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "x"}, func() float64 { return v }), nil
		}
	}
	return nil, fmt.Errorf("no series %s%v", name, values)
}

// Jobs enqueued while no server works them are done when one starts, and
// a job left running by a server that died is taken again.
func TestJobsSurviveARestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s, "GREEN")
		rc := hookTo(t, s, w.coord)
		if _, err := jobs.New(s, jobs.Options{Render: api.Render(s)}); err != nil { // the server is down: changes still enqueue
			t.Fatal(err)
		}
		must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: w.meeting, Title: "While down", OwnerPersonID: &w.ownerPerson}))
		must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: w.meeting, Title: "Crashed mid-job", OwnerPersonID: &w.ownerPerson}))
		// The second job was running on a server that died an hour ago.
		if err := s.ExecForTest(ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = `+hourAgo(s)+
			` WHERE id = (SELECT MAX(id) FROM river_job WHERE kind = 'change')`); err != nil {
			t.Fatal(err)
		}
		if got := countJobs(t, s, "change", "running"); got != 1 {
			t.Fatalf("running jobs: %d", got)
		}
		start(t, s, jobs.Options{RescueAfter: 2 * time.Second})
		eventually(t, "both changes delivered", func() bool { return len(rc.received()) == 2 })
		eventually(t, "both jobs completed", func() bool { return countJobs(t, s, "change", "completed") == 2 })
	})
}

func hourAgo(s *store.Store) string {
	if s.Dialect() == store.Postgres {
		return "now() - interval '1 hour'"
	}
	return "strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 hour')"
}

// twoServers is two stores on one fresh Postgres database, as two
// servers sharing it.
func twoServers(t *testing.T) (*store.Store, *store.Store) {
	dsn := storetest.DSN(t, store.Postgres)
	open := func() *store.Store {
		s, err := store.Open(ctx, dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	return open(), open()
}

// Two servers sharing one Postgres database do each job once between them.
func TestTwoServersShareTheQueue(t *testing.T) {
	a, b := twoServers(t)
	w := newWorld(t, a, "GREEN")
	rc := hookTo(t, a, w.coord)
	b.AllowPrivateWebhooks(true)
	const n = 40
	regs := []*prometheus.Registry{prometheus.NewRegistry(), prometheus.NewRegistry()}
	start(t, a, jobs.Options{Registry: regs[0]})
	start(t, b, jobs.Options{Registry: regs[1]})
	for i := range n {
		s := a
		if i%2 == 1 {
			s = b
		}
		must(s.CreateActionItem(ctx, w.coord, store.ActionItemInput{MeetingID: w.meeting, Title: fmt.Sprintf("Item %d", i), OwnerPersonID: &w.ownerPerson}))
	}
	eventually(t, "every job completed", func() bool { return countJobs(t, a, "change", "completed") == n })
	runs := 0.0
	for _, reg := range regs {
		if c, err := metricVec(reg, "liaison_job_runs_total", "change", "completed"); err == nil {
			runs += testutil.ToFloat64(c)
		}
	}
	if runs != n {
		t.Fatalf("the two servers ran %v jobs between them, want %d", runs, n)
	}
	eventually(t, "every delivery received", func() bool { return len(rc.received()) == n })
	time.Sleep(200 * time.Millisecond)
	ids := map[string]bool{}
	for _, id := range rc.received() {
		ids[id] = true
	}
	if len(rc.received()) != n || len(ids) != n {
		t.Fatalf("received %d deliveries with %d ids, want %d", len(rc.received()), len(ids), n)
	}
}

// failingQueue enqueues a change's job and then fails, as a change that
// fails after its job was inserted.
type failingQueue struct {
	*jobs.Runner
	err error
}

func (q failingQueue) Changed(ctx context.Context, tx *sql.Tx, ev store.ChangeEvent) error {
	if err := q.Runner.Changed(ctx, tx, ev); err != nil {
		return err
	}
	return q.err
}
