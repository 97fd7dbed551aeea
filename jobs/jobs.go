// Package jobs runs the work that changes cause once they have committed,
// and the work of the clock: webhook deliveries, reminders of due dates
// and e-mail digests. Jobs live on River's queue in Liaison's own database
// (SQLite or Postgres); a change enqueues its job in its own transaction
// (store.Queue), so the work happens if and only if the change committed.
// Several servers sharing Postgres each take a job once; a job whose
// server died is taken again after RescueAfter; a failure is retried with
// exponential backoff and, after its last attempt, stays in River's
// "discarded" state.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"liaison/store"
)

// Options configure the runner; the zero value suits a server.
type Options struct {
	// Workers is how many jobs run at once; 0 means 4.
	Workers int
	// PollInterval is how often an idle runner looks for jobs; 0 means 1 s.
	PollInterval time.Duration
	// RescueAfter is how long a job may run before another server takes
	// it as the job of a server that died; 0 means 10 minutes.
	RescueAfter time.Duration
	// MaxAttempts is how many times a job is tried; 0 means 12, about
	// two days of River's backoff (attempt⁴ seconds).
	MaxAttempts int
	// RetryPolicy replaces River's exponential backoff (tests).
	RetryPolicy river.ClientRetryPolicy
	// ReminderInterval is how often reminders of due dates and e-mail
	// digests due are looked for; 0 means every 15 minutes. Each is made
	// once per item, kind and due date, or per user, kind and period.
	ReminderInterval time.Duration
	// Registry receives the queue's metrics; nil keeps them unexported.
	Registry *prometheus.Registry
	// Logger receives River's own log; nil uses slog's default, at warnings
	// and above.
	Logger *slog.Logger
	// AddWorkers registers more job kinds (tests).
	AddWorkers func(*river.Workers)
	// Render shows records in webhook payloads as the API would (see
	// api.Render); nil sends no webhooks.
	Render store.Render
	// DeliveryAttempts is how many times a webhook delivery is tried; 0
	// means 14, which River's backoff spreads over about a day.
	DeliveryAttempts int
	// DeliveryTimeout bounds one attempt; 0 means 10 s.
	DeliveryTimeout time.Duration
	// Mailer sends the e-mail digests; nil sends none (reminders are off).
	Mailer *Mailer
	// PublicURL is where people reach Liaison, for the links in e-mail.
	PublicURL string
}

// Runner is the job queue's client: it enqueues the jobs of changes and
// works them.
type Runner struct {
	st     *store.Store
	client *river.Client[*sql.Tx]
	m      *metrics
	render store.Render
	stopEv func()
	// deliveryAttempts is each webhook delivery's MaxAttempts.
	deliveryAttempts int
	done             chan struct{}
}

// New makes a runner for st and makes st enqueue the jobs of its changes
// through it. Start it to work jobs as well.
func New(st *store.Store, opt Options) (*Runner, error) {
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &changeWorker{st: st, render: opt.Render}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &reminderWorker{st: st, mail: opt.Mailer != nil}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &digestWorker{st: st, mail: opt.Mailer, publicURL: opt.PublicURL}); err != nil {
		return nil, err
	}
	sender := newSender(st, or(opt.DeliveryTimeout, 10*time.Second))
	if err := river.AddWorkerSafely(workers, &deliverWorker{st: st, send: sender, render: opt.Render}); err != nil {
		return nil, err
	}
	if opt.AddWorkers != nil {
		opt.AddWorkers(workers)
	}
	logger := opt.Logger
	if logger == nil {
		logger = slog.New(warnOnly{slog.Default().Handler()})
	}
	cfg := &river.Config{
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: or(opt.Workers, 4)}},
		Workers:              workers,
		FetchPollInterval:    or(opt.PollInterval, time.Second),
		FetchCooldown:        min(100*time.Millisecond, or(opt.PollInterval, time.Second)),
		RescueStuckJobsAfter: or(opt.RescueAfter, 10*time.Minute),
		JobTimeout:           min(time.Minute, or(opt.RescueAfter, 10*time.Minute)/2),
		MaxAttempts:          or(opt.MaxAttempts, 12),
		RetryPolicy:          opt.RetryPolicy,
		Logger:               logger,
		// Polling only: SQLite has no LISTEN, and its stand-in would
		// read the writer's one connection twenty times a second.
		PollOnly: true,
		PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(or(opt.ReminderInterval, 15*time.Minute)),
			func() (river.JobArgs, *river.InsertOpts) { return ReminderArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})},
	}
	client, err := river.NewClient(st.QueueDriver(), cfg)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	r := &Runner{st: st, client: client, m: newMetrics(st, opt.Registry), render: opt.Render,
		deliveryAttempts: or(opt.DeliveryAttempts, 14)}
	st.SetQueue(r)
	return r, nil
}

// Start works jobs until Stop.
func (r *Runner) Start(ctx context.Context) error {
	events, stop := r.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	r.stopEv, r.done = stop, make(chan struct{})
	go func() {
		defer close(r.done)
		for ev := range events {
			r.m.outcome(ev)
		}
	}()
	return r.client.Start(ctx)
}

// Stop lets the jobs under way finish (until ctx ends, when they are
// cancelled and retried later) and stops working jobs. The store keeps
// enqueueing the jobs of its changes for another start or server.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = r.client.StopAndCancel(context.Background())
	}
	if r.stopEv != nil {
		r.stopEv()
		<-r.done
	}
	return err
}

// Client is River's client, for tests that insert jobs of their own.
func (r *Runner) Client() *river.Client[*sql.Tx] { return r.client }

// Changed enqueues the job that sends a change's webhooks, in the
// change's transaction (the store calls it while an endpoint is enabled).
func (r *Runner) Changed(ctx context.Context, tx *sql.Tx, ev store.ChangeEvent) error {
	if r.render == nil {
		return nil
	}
	_, err := r.client.InsertTx(ctx, tx, ChangeArgs(ev), nil)
	return err
}

// Deliver enqueues the sending of a webhook delivery in tx.
func (r *Runner) Deliver(ctx context.Context, tx *sql.Tx, id string) error {
	_, err := r.client.InsertTx(ctx, tx, DeliverArgs{DeliveryID: id}, &river.InsertOpts{MaxAttempts: r.deliveryAttempts})
	return err
}

// ChangeArgs is the job that sends a change's webhooks: what the audit
// trail recorded.
type ChangeArgs struct {
	AuditID    string `json:"audit_id"`
	Action     string `json:"action"`
	EntityType string `json:"entity_type"`
	EntityID   string `json:"entity_id"`
}

func (ChangeArgs) Kind() string { return "change" }

type changeWorker struct {
	river.WorkerDefaults[ChangeArgs]
	st     *store.Store
	render store.Render
}

func (w *changeWorker) Work(ctx context.Context, job *river.Job[ChangeArgs]) error {
	if w.render == nil {
		return nil
	}
	return w.st.QueueWebhooks(ctx, store.ChangeEvent(job.Args), w.render)
}

// ReminderArgs is the periodic job that makes reminders of due dates and
// schedules the e-mail digests due.
type ReminderArgs struct{}

func (ReminderArgs) Kind() string { return "reminders" }

// InsertOpts keeps one reminder job waiting at a time, whatever the number
// of servers.
func (ReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateRunning,
		rivertype.JobStateScheduled}}}
}

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	st   *store.Store
	mail bool // e-mail is configured: digests are scheduled too
}

func (w *reminderWorker) Work(ctx context.Context, _ *river.Job[ReminderArgs]) error {
	if _, err := w.st.NotifyDue(ctx); err != nil {
		return err
	}
	if !w.mail {
		return nil
	}
	_, err := w.st.ScheduleDigests(ctx)
	return err
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// warnOnly passes on River's warnings and errors and drops the rest.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

// Digest enqueues the sending of a user's e-mail digest in tx.
func (r *Runner) Digest(ctx context.Context, tx *sql.Tx, userID, kind, period string) error {
	_, err := r.client.InsertTx(ctx, tx, DigestArgs{UserID: userID, DigestKind: kind, Period: period}, nil)
	return err
}

// DigestArgs is the job that sends one e-mail digest.
type DigestArgs struct {
	UserID     string `json:"user_id"`
	DigestKind string `json:"kind"`
	Period     string `json:"period"`
}

func (DigestArgs) Kind() string { return "digest" }
