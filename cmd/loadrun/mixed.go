package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// errorsShown counts the failed requests described on stderr (the first
// few, to say what failed).
var errorsShown atomic.Int64

// The mixed run is the workload users run: callers of every role, lists
// with random combinations of filters and sorts followed for a few pages,
// statistics with every grouping and random windows, single records,
// public readouts, and about one request in five a write.

// caller is one user of the mixed run, with the ids it has seen in its
// own lists (so that it asks for records it may see).
type caller struct {
	class    string // admin, coordinator, participant, viewer, public
	token    string
	meetings []string
	items    []string
}

type mixed struct {
	s       *server
	callers map[string][]*caller
	classOf map[string]string // token → the caller's class
	orgs    []string
	topics  []string
	words   []string
}

// sectors and the other enumerations the filters draw from.
var (
	mixTLPs     = []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}
	mixStatuses = []string{"scheduled", "held", "cancelled"}
	mixKinds    = []string{"briefing", "roundtable", "working_session", "bilateral", "call", "other"}
	mixSectors  = []string{"communications", "energy", "financial_services", "information_technology", "healthcare_public_health", "transportation", "water"}
	mSorts      = []string{"starts_at", "-starts_at", "title", "-title", "created_at", "-created_at", "updated_at", "-updated_at"}
	iSorts      = []string{"due_on", "-due_on", "title", "-title", "created_at", "-created_at", "updated_at", "-updated_at"}
	iStatuses   = []string{"open", "in_progress", "blocked", "done", "cancelled", "open,in_progress,blocked"}
	iPriorities = []string{"low", "medium", "high", "critical", "high,critical"}
	mGroups     = []string{"month", "sector", "topic", "kind", "host_organization"}
	iGroups     = []string{"status", "owner_organization", "priority", "month"}
)

// setupMixed makes the run's users: two coordinators, participants of
// distinct organisations, two viewers with read tokens, and the admin;
// each lists what it may see once to learn ids to ask for.
// On an error it stops the server.
func (s *server) setupMixed(participants int) (m *mixed, err error) {
	defer func() {
		if err != nil {
			s.stop()
		}
	}()
	m = &mixed{s: s, callers: map[string][]*caller{}}
	add := func(class, role, personID, scope string, n int) error {
		email := fmt.Sprintf("%s-%d-%s@bench.test", class, n, strings.ReplaceAll(personID, "-", "")[max(0, len(personID)-10):])
		body := map[string]any{"email": email, "password": "bench-password-123", "role": role}
		if personID != "" {
			body["person_id"] = personID
		}
		if st, b, err := s.call("POST", "/api/v1/users", s.admin, body); err != nil || st != 201 && st != 409 {
			return fmt.Errorf("create %s: %d %v %s", email, st, err, b)
		}
		tok, err := s.tokenScoped(email, "bench-password-123", scope)
		if err != nil {
			return err
		}
		m.callers[class] = append(m.callers[class], &caller{class: class, token: tok})
		return nil
	}
	m.callers["admin"] = []*caller{{class: "admin", token: s.admin}}
	m.callers["public"] = []*caller{{class: "public"}}
	for i := range 2 {
		if err := add("coordinator", "coordinator", "", "write", i); err != nil {
			return nil, err
		}
		if err := add("viewer", "viewer", "", "read", i); err != nil {
			return nil, err
		}
	}
	seenOrg := map[string]bool{}
	for i, p := range s.personIDs {
		if len(m.callers["participant"]) == participants {
			break
		}
		if seenOrg[s.orgIDs[i]] {
			continue
		}
		seenOrg[s.orgIDs[i]] = true
		if err := add("participant", "participant", p, "write", i); err != nil {
			return nil, err
		}
	}
	var orgs, topics struct {
		Items []struct{ ID, Name string }
	}
	_, b, _ := s.call("GET", "/api/v1/organizations?limit=100", s.admin, nil)
	json.Unmarshal(b, &orgs)
	_, b, _ = s.call("GET", "/api/v1/topics?limit=100", s.admin, nil)
	json.Unmarshal(b, &topics)
	for _, o := range orgs.Items {
		m.orgs = append(m.orgs, o.ID)
	}
	for _, t := range topics.Items {
		m.topics = append(m.topics, t.Name)
	}
	words := map[string]bool{}
	for _, cs := range m.callers {
		for _, c := range cs {
			if c.class == "public" {
				continue
			}
			var ms struct {
				Items []struct{ ID, Title string }
			}
			_, b, _ := s.call("GET", "/api/v1/meetings?limit=100", c.token, nil)
			json.Unmarshal(b, &ms)
			for _, x := range ms.Items {
				c.meetings = append(c.meetings, x.ID)
				for _, w := range strings.Fields(x.Title) {
					if len(w) >= 5 && len(words) < 200 {
						words[strings.ToLower(strings.Trim(w, ",.:;()"))] = true
					}
				}
			}
			path := "/api/v1/action-items?limit=100"
			if c.class == "participant" {
				path += "&owner=me"
			}
			var is struct{ Items []struct{ ID string } }
			_, b, _ = s.call("GET", path, c.token, nil)
			json.Unmarshal(b, &is)
			for _, x := range is.Items {
				c.items = append(c.items, x.ID)
			}
		}
	}
	for w := range words {
		m.words = append(m.words, w)
	}
	slices.Sort(m.words)
	if len(m.orgs) == 0 || len(m.topics) == 0 || len(m.words) == 0 || len(m.callers["admin"][0].items) == 0 {
		return nil, fmt.Errorf("the data set lacks organisations, topics, titles or action items")
	}
	m.classOf = map[string]string{}
	for class, cs := range m.callers {
		for _, c := range cs {
			m.classOf[c.token] = class
		}
	}
	return m, nil
}

// tokenScoped signs in and makes a token of the given scope.
func (s *server) tokenScoped(email, password, scope string) (string, error) {
	b, _ := json.Marshal(map[string]string{"email": email, "password": password})
	res, err := http.Post(s.base+"/api/v1/auth/login", "application/json", strings.NewReader(string(b)))
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		return "", fmt.Errorf("login %s: %d", email, res.StatusCode)
	}
	var cookie string
	for _, ck := range res.Cookies() {
		if ck.Name == "liaison_session" {
			cookie = ck.Value
		}
	}
	req, _ := http.NewRequest("POST", s.base+"/api/v1/me/tokens", strings.NewReader(`{"name":"loadrun","scope":"`+scope+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", "liaison_session="+cookie)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var t struct{ Token string }
	json.NewDecoder(res.Body).Decode(&t)
	if t.Token == "" {
		return "", fmt.Errorf("no token for %s: %d", email, res.StatusCode)
	}
	return t.Token, nil
}

// sample is one request of the mixed run.
type sample struct {
	op       string
	request  string // method, path and query, and who asked (-slowest)
	ms       float64
	status   int
	conflict bool // a 412 from a concurrent change: expected, not an error
}

// mixClient makes requests and keeps their samples.
type mixClient struct {
	m       *mixed
	server  int // which of the servers this client asks
	hc      *http.Client
	rng     *rand.Rand
	samples []sample
}

func (c *mixClient) req(op, method, path, token string, body any, header map[string]string) (int, http.Header, []byte) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, c.m.s.bases[c.server]+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	t0 := time.Now()
	res, err := c.hc.Do(req)
	var b []byte
	st := 0
	var h http.Header
	if err == nil {
		b, _ = io.ReadAll(res.Body)
		res.Body.Close()
		st, h = res.StatusCode, res.Header
	}
	if (st == 0 || st >= 400 && st != 412) && errorsShown.Add(1) <= 5 {
		fmt.Fprintf(os.Stderr, "error: %s %s: %d %v %.200s\n", method, path, st, err, b)
	}
	c.samples = append(c.samples, sample{op: op, request: method + " " + path + " as " + c.m.classOf[token],
		ms: float64(time.Since(t0).Microseconds()) / 1000, status: st, conflict: st == 412})
	return st, h, b
}

func (c *mixClient) pick(xs []string) string { return xs[c.rng.IntN(len(xs))] }
func (c *mixClient) chance(p float64) bool   { return c.rng.Float64() < p }

// caller picks who makes a read: participants most often, then
// coordinators and viewers, the admin now and then.
func (c *mixClient) caller() *caller {
	r := c.rng.IntN(10)
	class := "participant"
	switch {
	case r < 2:
		class = "coordinator"
	case r < 4:
		class = "viewer"
	case r < 5:
		class = "admin"
	}
	cs := c.m.callers[class]
	return cs[c.rng.IntN(len(cs))]
}

// window is a random date window in 2022–2026: half of them whole
// months (one to twelve), half from any day for a week to a year, as a
// date picker gives.
func (c *mixClient) window(v url.Values) {
	y, mo := 2022+c.rng.IntN(5), 1+c.rng.IntN(12)
	from := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1+c.rng.IntN(12), 0)
	if c.chance(0.5) {
		from = from.AddDate(0, 0, c.rng.IntN(28))
		to = from.AddDate(0, 0, 7+c.rng.IntN(359))
	}
	v.Set("from", from.Format("2006-01-02"))
	v.Set("to", to.Format("2006-01-02"))
}

// pages gets a list and follows next_cursor for up to two more pages.
func (c *mixClient) pages(op, path string, v url.Values, token string) {
	for range 1 + c.rng.IntN(3) {
		st, _, b := c.req(op, "GET", path+"?"+v.Encode(), token, nil, nil)
		var page struct {
			NextCursor *string `json:"next_cursor"`
		}
		if st != 200 || json.Unmarshal(b, &page) != nil || page.NextCursor == nil {
			return
		}
		v.Set("cursor", *page.NextCursor)
	}
}

func (c *mixClient) listMeetings() {
	who := c.caller()
	v := url.Values{"limit": {"25"}, "sort": {c.pick(mSorts)}}
	if c.chance(0.3) {
		v.Set("tlp", c.pick(mixTLPs)+","+c.pick(mixTLPs))
	}
	if c.chance(0.3) {
		v.Set("status", c.pick(mixStatuses))
	}
	if c.chance(0.2) {
		v.Set("kind", c.pick(mixKinds))
	}
	if c.chance(0.15) {
		v.Set("sector", c.pick(mixSectors))
	}
	if c.chance(0.2) {
		v.Set("organization", c.pick(c.m.orgs))
	}
	if c.chance(0.15) {
		v.Set("topic", c.pick(c.m.topics))
	}
	if c.chance(0.3) {
		c.window(v)
	}
	c.pages("list_meetings", "/api/v1/meetings", v, who.token)
}

func (c *mixClient) search() {
	who := c.caller()
	q := c.pick(c.m.words)
	if c.chance(0.3) {
		q = fmt.Sprintf("zq%dx", c.rng.IntN(1e6)) // no match
	}
	v := url.Values{"limit": {"25"}, "q": {q}, "sort": {c.pick(mSorts)}}
	c.pages("search_meetings", "/api/v1/meetings", v, who.token)
}

func (c *mixClient) listItems() {
	who := c.caller()
	v := url.Values{"limit": {"50"}, "sort": {c.pick(iSorts)}}
	if who.class == "participant" && c.chance(0.7) {
		v.Set("owner", "me")
	} else if c.chance(0.4) {
		v.Set("owner_organization", c.pick(c.m.orgs))
	}
	if c.chance(0.4) {
		v.Set("status", c.pick(iStatuses))
	}
	if c.chance(0.3) {
		v.Set("priority", c.pick(iPriorities))
	}
	if c.chance(0.3) {
		v.Set("overdue", "true")
	} else if c.chance(0.3) {
		d := time.Now().AddDate(0, 0, c.rng.IntN(400)-200)
		v.Set("due_after", d.Format("2006-01-02"))
		v.Set("due_before", d.AddDate(0, 0, 7+c.rng.IntN(60)).Format("2006-01-02"))
	}
	c.pages("list_action_items", "/api/v1/action-items", v, who.token)
}

func (c *mixClient) stats() {
	who := c.caller()
	v := url.Values{}
	if c.chance(0.6) {
		c.window(v)
	}
	var path, op string
	switch c.rng.IntN(3) {
	case 0:
		path, op = "/api/v1/stats/overview", "stats_overview"
	case 1:
		path, op = "/api/v1/stats/meetings", "stats_meetings"
		v.Set("group_by", c.pick(mGroups))
	default:
		path, op = "/api/v1/stats/action-items", "stats_action_items"
		v.Set("group_by", c.pick(iGroups))
	}
	c.req(op, "GET", path+"?"+v.Encode(), who.token, nil, nil)
}

func (c *mixClient) getOne() {
	who := c.caller()
	if c.chance(0.5) && len(who.meetings) > 0 {
		c.req("get_meeting", "GET", "/api/v1/meetings/"+c.pick(who.meetings), who.token, nil, nil)
	} else if len(who.items) > 0 {
		c.req("get_action_item", "GET", "/api/v1/action-items/"+c.pick(who.items), who.token, nil, nil)
	}
}

func (c *mixClient) public() {
	if c.chance(0.8) {
		c.pages("public_readouts", "/api/v1/public/meetings", url.Values{"limit": {"20"}}, "")
	} else {
		c.req("public_feed", "GET", "/api/v1/public/readouts.atom", "", nil, nil)
	}
}

// patchStatus reads an item for its version, then changes its status
// with If-Match, as a coordinator; a participant instead logs an update
// with a status on an item it owns.
func (c *mixClient) patchStatus() {
	status := c.pick([]string{"open", "in_progress", "blocked", "done"})
	if c.chance(0.5) {
		p := c.m.callers["participant"][c.rng.IntN(len(c.m.callers["participant"]))]
		if len(p.items) > 0 {
			id := c.pick(p.items)
			st, h, _ := c.req("get_action_item", "GET", "/api/v1/action-items/"+id, p.token, nil, nil)
			if st == 200 {
				c.req("post_update", "POST", "/api/v1/action-items/"+id+"/updates", p.token, map[string]any{"body": "Progress noted.", "status": status}, map[string]string{"If-Match": h.Get("ETag")})
			}
			return
		}
	}
	co := c.m.callers["coordinator"][c.rng.IntN(2)]
	id := c.pick(c.m.callers["admin"][0].items)
	st, h, _ := c.req("get_action_item", "GET", "/api/v1/action-items/"+id, co.token, nil, nil)
	if st == 200 {
		c.req("patch_status", "PATCH", "/api/v1/action-items/"+id, co.token, map[string]any{"status": status}, map[string]string{"If-Match": h.Get("ETag")})
	}
}

func (c *mixClient) newItem() {
	co := c.m.callers["coordinator"][c.rng.IntN(2)]
	mid := c.pick(c.m.callers["admin"][0].meetings)
	c.req("create_action_item", "POST", "/api/v1/meetings/"+mid+"/action-items", co.token,
		map[string]any{"title": "Follow up on the mixed run", "owner_organization_id": c.pick(c.m.orgs), "due_on": time.Now().AddDate(0, 0, c.rng.IntN(90)).Format("2006-01-02"), "priority": c.pick([]string{"low", "medium", "high"})}, nil)
}

func (c *mixClient) newMeeting() {
	co := c.m.callers["coordinator"][c.rng.IntN(2)]
	start := time.Now().Add(time.Duration(c.rng.IntN(2000)-1000) * time.Hour).UTC()
	var atts []map[string]any
	seen := map[string]bool{}
	for len(atts) < 3 {
		i := c.rng.IntN(len(c.m.s.personIDs))
		if seen[c.m.s.personIDs[i]] {
			continue
		}
		seen[c.m.s.personIDs[i]] = true
		d := []string{"public", "organization_only", "undisclosed"}[c.rng.IntN(3)]
		reason := ""
		if d != "public" {
			reason = "commercial"
		}
		atts = append(atts, map[string]any{"person_id": c.m.s.personIDs[i], "attendance": "attended", "disclosure": d, "withholding_reason": reason})
	}
	c.req("create_meeting", "POST", "/api/v1/meetings", co.token, map[string]any{
		"title": "Mixed run " + c.pick(c.m.words), "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339),
		"modality": "virtual", "kind": c.pick(mixKinds), "tlp": c.pick([]string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}),
		"host_organization_id": c.pick(c.m.orgs), "topics": []string{c.pick(c.m.topics)}, "attendees": atts,
		"action_items": []map[string]any{{"title": "Share indicators", "owner_organization_id": c.pick(c.m.orgs), "due_on": start.AddDate(0, 0, 30).Format("2006-01-02")}},
	}, nil)
}

// step makes one user action: reads four times in five, writes otherwise
// (a status change, an update, a new item or a new meeting).
func (c *mixClient) step() {
	r := c.rng.IntN(100)
	switch {
	case r < 20:
		c.listMeetings()
	case r < 24:
		c.search()
	case r < 44:
		c.listItems()
	case r < 59:
		c.stats()
	case r < 72:
		c.getOne()
	case r < 80:
		c.public()
	case r < 90:
		c.patchStatus()
	case r < 96:
		c.newItem()
	default:
		c.newMeeting()
	}
}

// runMixed drives the mixed workload from the clients for d and prints a
// line per operation, the total, server CPU per request and peak RSS.
func runMixed(srv *server, m *mixed, clients int, d time.Duration) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients * 2, MaxConnsPerHost: clients * 2}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	cpu0, db0, reads0 := srv.cpu(), postgresCPU(), srv.reads()
	deadline := time.Now().Add(d)
	start := time.Now()
	var (
		mu  sync.Mutex
		all []sample
		wg  sync.WaitGroup
	)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &mixClient{m: m, server: i % len(srv.bases), hc: hc, rng: rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))}
			for time.Now().Before(deadline) {
				c.step()
			}
			mu.Lock()
			all = append(all, c.samples...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start).Seconds()
	cpu, db, reads := srv.cpu()-cpu0, postgresCPU()-db0, srv.reads()-reads0
	byOp := map[string][]sample{}
	for _, s := range all {
		byOp[s.op] = append(byOp[s.op], s)
	}
	names := make([]string, 0, len(byOp))
	for k := range byOp {
		names = append(names, k)
	}
	slices.Sort(names)
	fmt.Printf("%-20s %8s %8s %8s %8s %8s %7s %9s\n", "operation", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "conflicts")
	line := func(name string, ss []sample) {
		lat := make([]float64, len(ss))
		errs, conflicts := 0, 0
		for i, s := range ss {
			lat[i] = s.ms
			if s.conflict {
				conflicts++
			} else if s.status == 0 || s.status >= 400 {
				errs++
			}
		}
		slices.Sort(lat)
		pct := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		fmt.Printf("%-20s %8d %8.0f %8.2f %8.2f %8.2f %7d %9d\n", name, len(ss), float64(len(ss))/el, pct(0.5), pct(0.95), pct(0.99), errs, conflicts)
	}
	for _, n := range names {
		line(n, byOp[n])
	}
	line("total", all)
	if slowest > 0 {
		slices.SortFunc(all, func(a, b sample) int { return cmp.Compare(b.ms, a.ms) })
		fmt.Printf("the %d slowest requests:\n", slowest)
		for _, s := range all[:min(slowest, len(all))] {
			fmt.Printf("%9.2f ms  %s\n", s.ms, s.request)
		}
	}
	n := float64(max(len(all), 1))
	fmt.Printf("server CPU: %.3f ms per request; file reads: %.0f per request; peak RSS: %s\n", cpu*1000/n, float64(reads)/n, srv.rss())
	if len(srv.others) > 0 || srv.postgres {
		fmt.Printf("Postgres CPU (every postgres process of this machine): %.3f ms per request\n", db*1000/float64(max(len(all), 1)))
	}
}
