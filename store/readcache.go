package store

import (
	"sync"
	"time"
)

// A meeting's detail and a bearer token's caller are read far more often
// than anything they depend on changes: a dashboard or an integration asks
// for the same meetings with the same token all day, while meetings are
// logged a few times a day. Both are kept, once computed, in a genCache:
//
//   - an entry is served only while no write has committed through this
//     store since it was computed (the store counts commits, and the count
//     is read before computing, so a write that lands meanwhile makes the
//     entry stale at once). A user therefore always sees the effect of a
//     write made through this server, and a change of disclosure or TLP is
//     never hidden behind an old entry of this server;
//   - the caches are used only on SQLite (Open turns them off on
//     Postgres, where other servers write); writes by another process
//     (the command line) are picked up within the cache's TTL: one second for
//     tokens (a revoked token or disabled account stops working on every
//     server within a second), five seconds for meeting details, as for
//     statistics;
//   - entries are per visibility class (privileged, or organisation and
//     person), the class the result was computed and redacted for, so an
//     entry can only be served to a caller who would compute the same.
//
// Only successes are kept: a "not found" is always asked of the database.
//
// Token callers are checked against their own count, authGen, rather than
// every commit, so that they stay cached under a steady flow of writes:
// identityChanged moves it after every change that can alter what a token
// resolves to (revoking it; a user's role, person or disabling; a person's
// organisation or removal). It runs after the commit, and a cached entry
// holds the count read before its query, so no order of the two can keep
// an entry computed before the change. The one-second TTL bounds anything
// this list might miss, as it bounds changes made by other processes.

const (
	detailTTL     = 5 * time.Second
	tokenTTL      = time.Second
	cacheEntryCap = 4096
	// listItemCap bounds the list item caches, whose entries carry their
	// encoded JSON (a few KB for a meeting with its attendance): about
	// 6 MB, twenty pages of 50 meetings.
	listItemCap = 1024
)

type genEntry[V any] struct {
	gen uint64
	at  time.Time
	v   V
}

// genCache maps keys to values valid for one commit count and a TTL.
type genCache[V any] struct {
	mu  sync.Mutex
	ttl time.Duration
	cap int    // entries at most
	gen uint64 // the newest commit count an entry was put with
	m   map[string]genEntry[V]
}

func newGenCache[V any](ttl time.Duration) *genCache[V] {
	return &genCache[V]{ttl: ttl, cap: cacheEntryCap, m: map[string]genEntry[V]{}}
}

// withCap sets how many entries c holds at most.
func (c *genCache[V]) withCap(n int) *genCache[V] {
	c.cap = n
	return c
}

// get returns the value for key if it was computed at commit count gen and
// is younger than the TTL.
func (c *genCache[V]) get(key string, gen uint64) (V, bool) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if !ok || e.gen != gen || time.Since(e.at) >= c.ttl {
		var zero V
		return zero, false
	}
	return e.v, true
}

// put stores v, computed after reading commit count gen. The count only
// grows, so entries of an older count can never be served again: the first
// put of a newer count drops them all, and a put of an older one (computed
// while a write landed) is not kept. When the cache is full it drops a
// quarter of its entries (map order is random: random eviction).
func (c *genCache[V]) put(key string, gen uint64, v V, at time.Time) {
	if c.ttl <= 0 { // turned off
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case gen < c.gen:
		return
	case gen > c.gen:
		clear(c.m)
		c.gen = gen
	case len(c.m) >= c.cap:
		n := 0
		for k := range c.m {
			if n >= c.cap/4 {
				break
			}
			delete(c.m, k)
			n++
		}
	}
	c.m[key] = genEntry[V]{gen: gen, at: at, v: v}
}

// identityChanged invalidates every cached token caller.
func (s *Store) identityChanged() { s.authGen.Add(1) }

// rowKey names one version of a row: what a list's page query reads.
type rowKey struct {
	ID      string
	Version int
}

// listedViews turns a page of row keys into views through cache, under
// class (what the view depends on besides the row). A held entry is used
// only for the very version the page read; the others are loaded together
// (load gets their ids, in any order) and kept. A row gone since the page
// was read is left out.
func listedViews[V any](cache *genCache[*V], keys []rowKey, class string, gen uint64,
	keyOf func(*V) rowKey, load func(ids []string) ([]V, error)) ([]V, error) {
	out := make([]V, len(keys))
	have := make([]bool, len(keys))
	var missing []string
	at := map[string]int{}
	for i, k := range keys {
		if v, ok := cache.get(k.ID+class, gen); ok && keyOf(v).Version == k.Version {
			out[i], have[i] = *v, true
			continue
		}
		missing = append(missing, k.ID)
		at[k.ID] = i
	}
	if len(missing) == 0 {
		return out, nil
	}
	views, err := load(missing)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	for j := range views {
		v := views[j]
		id := keyOf(&v).ID
		cache.put(id+class, gen, &v, now)
		out[at[id]], have[at[id]] = v, true
	}
	kept := out[:0]
	for i, v := range out {
		if have[i] {
			kept = append(kept, v)
		}
	}
	return kept, nil
}
