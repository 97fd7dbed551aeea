package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"liaison/store"
)

// metrics are the queue's: how many jobs wait in each state (read when
// scraped) and how each run of a job ended.
type metrics struct {
	st       *store.Store
	depth    *prometheus.Desc
	outcomes *prometheus.CounterVec
}

func newMetrics(st *store.Store, reg *prometheus.Registry) *metrics {
	m := &metrics{
		st: st,
		depth: prometheus.NewDesc("liaison_jobs", "Jobs on the queue, by kind and state (available, scheduled, retryable, running, completed, discarded, cancelled).",
			[]string{"kind", "state"}, nil),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liaison_job_runs_total",
			Help: "Runs of jobs by this server, by kind and outcome (completed, failed, cancelled)."}, []string{"kind", "outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m, m.outcomes)
	}
	return m
}

func (m *metrics) outcome(ev *river.Event) {
	if ev.Job == nil {
		return
	}
	outcome := map[river.EventKind]string{river.EventKindJobCompleted: "completed", river.EventKindJobFailed: "failed",
		river.EventKindJobCancelled: "cancelled"}[ev.Kind]
	m.outcomes.WithLabelValues(ev.Job.Kind, outcome).Inc()
}

func (m *metrics) Describe(ch chan<- *prometheus.Desc) { ch <- m.depth }

func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := m.st.JobCounts(ctx)
	if err != nil {
		slog.Warn("count the queue's jobs", "error", err)
		return
	}
	for _, c := range counts {
		ch <- prometheus.MustNewConstMetric(m.depth, prometheus.GaugeValue, float64(c.Jobs), c.Kind, c.State)
	}
}
