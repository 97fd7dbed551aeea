package store

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Statistics are read all day by dashboards and change only when data
// changes, so results are cached per visibility class and range:
//
//   - an entry is exact while no write has committed through this store
//     since it was computed (the store counts commits), so a user always
//     sees the effect of a write they made through this server at once;
//   - it is used only on SQLite (not on Postgres, where other servers
//     write); writes by another process (the command line) are picked up
//     within statsTTL: after it an entry is
//     served once more while one request recomputes it in the background;
//   - concurrent misses for the same key compute once (singleflight).
//
// The key holds everything the figures depend on: the kind and grouping,
// the caller's visibility class (privileged, or organisation and person),
// the range and today's date.

const (
	statsTTL        = 5 * time.Second
	statsMaxEntries = 4096
)

type statsEntry struct {
	version uint64
	at      time.Time
	value   any
}

type statsCache struct {
	mu      sync.Mutex
	entries map[string]statsEntry
	group   singleflight.Group
}

func visibilityKey(c Caller) string {
	if c.Privileged() {
		return "all"
	}
	return "org=" + c.OrganizationID + ";person=" + c.PersonID
}

func (r StatsRange) key() string {
	f := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return f(r.From) + "/" + f(r.To)
}

// cachedStats returns the cached value for key or computes it.
func (s *Store) cachedStats(ctx context.Context, c Caller, kind string, r StatsRange, compute func(ctx context.Context) (any, error)) (any, error) {
	if s.noStatsCache { // Postgres, or the read caches turned off
		return compute(ctx)
	}
	key := fmt.Sprintf("%s|%s|%s|%s", kind, visibilityKey(c), r.key(), s.today())
	version := s.commits.Load()
	s.stats.mu.Lock()
	e, ok := s.stats.entries[key]
	s.stats.mu.Unlock()
	if ok && e.version == version {
		if time.Since(e.at) >= statsTTL {
			// Serve this once more; refresh in the background.
			s.stats.group.DoChan(key, func() (any, error) { return s.computeStats(context.WithoutCancel(ctx), key, compute) })
		}
		return e.value, nil
	}
	v, err, _ := s.stats.group.Do(key, func() (any, error) { return s.computeStats(ctx, key, compute) })
	return v, err
}

func (s *Store) computeStats(ctx context.Context, key string, compute func(ctx context.Context) (any, error)) (any, error) {
	version := s.commits.Load() // read before computing: a write meanwhile makes the entry stale
	v, err := compute(ctx)
	if err != nil {
		return nil, err
	}
	s.stats.mu.Lock()
	if s.stats.entries == nil || len(s.stats.entries) >= statsMaxEntries {
		s.stats.entries = map[string]statsEntry{}
	}
	s.stats.entries[key] = statsEntry{version: version, at: time.Now(), value: v}
	s.stats.mu.Unlock()
	return v, nil
}
