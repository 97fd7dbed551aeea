// Command loadrun measures Liaison over real HTTP: it builds the binary,
// seeds (or reuses) a data set, starts `liaison serve` on 127.0.0.1, and
// drives it with concurrent clients for a fixed time. Every loop is
// bounded in time and every address is loopback.
//
// The mixed run (mixed.go) is the workload users run: callers of every
// role, lists with random filters, sorts and pages, statistics with every
// grouping and random windows, and one request in five a write. It prints
// per operation requests/s, p50/p95/p99 and errors, the total, the
// server's CPU per request and peak RSS, at each size given by -sizes.
// Each -variant runs the same mixed run again against a server started
// with more environment, to measure a setting on and off in one run.
//
// The fixed run (-fixed) repeats one URL per operation; it is kept as a
// secondary table.
//
//	go run ./cmd/loadrun                          # mixed, at 10k, 100k and 1M action items
//	go run ./cmd/loadrun -sizes 1000000 -fixed    # mixed at 1M, then the fixed run
//	go run ./cmd/loadrun -sizes 100000 -variant gogc400:GOGC=400
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

func main() {
	meetings := flag.Int("meetings", 100_000, "meetings in the data set")
	items := flag.Int("action-items", 1_000_000, "action items in the data set")
	clients := flag.Int("clients", 32, "concurrent clients")
	dur := flag.Duration("duration", 10*time.Second, "time per operation")
	dataDir := flag.String("data", "bench-data", "where data sets are kept and reused")
	scale := flag.Bool("scale", false, "with -fixed: also measure list and statistics at 10k, 100k and 1M action items")
	fixed := flag.Bool("fixed", false, "also run the fixed-URL operations (a secondary table)")
	sizes := flag.String("sizes", "10000,100000,1000000", "action items of each mixed run's data set (a tenth as many meetings); empty: no mixed run")
	participants := flag.Int("participants", 24, "participants of distinct organisations in the mixed run")
	flag.Func("variant", "also run each SQLite mixed run against a server started with more environment: NAME:VAR=VALUE[ VAR=VALUE…] (repeatable)", func(v string) error {
		name, env, ok := strings.Cut(v, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return errors.New("a variant is NAME:VAR=VALUE[ VAR=VALUE…]")
		}
		vr := variant{name: strings.TrimSpace(name)}
		for _, kv := range strings.Fields(env) {
			if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
				return fmt.Errorf("%q is not VAR=VALUE", kv)
			}
			vr.env = append(vr.env, kv)
		}
		variants = append(variants, vr)
		return nil
	})
	flag.BoolVar(&onSQLite, "sqlite", true, "run the mixed run on SQLite (false: on Postgres only, with -postgres)")
	pgURL := flag.String("postgres", "", "also run the mixed run against Postgres: the URL of a database whose user may create databases (one per data set is seeded and kept)")
	flag.IntVar(&slowest, "slowest", 0, "after each mixed run, print this many of its slowest requests (with -clients 1, what each costs alone)")
	flag.StringVar(&profileDir, "profile", "", "write the server's CPU profile and final heap of each default mixed run to this directory")
	only := flag.String("only", "", "comma-separated operations to measure (all when empty), e.g. get_meeting,create_action_item")
	flag.Parse()
	if *only != "" {
		selected = map[string]bool{}
		for _, name := range strings.Split(*only, ",") {
			selected[strings.TrimSpace(name)] = true
		}
	}
	var ns []int
	for _, f := range strings.Split(*sizes, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1000 {
			fmt.Fprintf(os.Stderr, "loadrun: -sizes takes action item counts of at least 1000, such as 10000,100000; not %q\n", f)
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	if err := run(*meetings, *items, *clients, *dur, *dataDir, *scale, *fixed, ns, *participants, *pgURL); err != nil {
		fmt.Fprintln(os.Stderr, "loadrun:", err)
		os.Exit(1)
	}
}

// A variant is a mixed run against a server started with more environment.
type variant struct {
	name string
	env  []string
}

// variants are the runs of each size on SQLite besides the default one.
var variants []variant

// onSQLite runs the mixed run on SQLite.
var onSQLite = true

// slowest is how many of a mixed run's slowest requests to print.
var slowest int

// profileDir is where CPU profiles of mixed runs go; empty: none.
var profileDir string

// selected limits the run to the operations named by -only; nil means all.
var selected map[string]bool

func run(meetings, items, clients int, dur time.Duration, dataDir string, scale, fixed bool, sizes []int, participants int, pgURL string) error {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return err
	}
	bin, _ := filepath.Abs(filepath.Join(dataDir, "liaison"))
	fmt.Println("building liaison …")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	fmt.Printf("machine: %d cores (GOMAXPROCS of the server: all); clients: %d; %s per run\n\n", numCPU(), clients, dur)
	for _, n := range sizes {
		for _, v := range append([]variant{{name: "default"}}, variants...) {
			if !onSQLite {
				break
			}
			env := v.env
			pprofAddr := ""
			if profileDir != "" && v.name == "default" {
				pprofAddr = freePort()
				env = append(env, "LIAISON_PPROF_ADDR="+pprofAddr)
			}
			srv, err := start(bin, dataDir, n/10, n, env...)
			if err != nil {
				return err
			}
			m, err := srv.setupMixed(participants)
			if err != nil {
				return err
			}
			if pprofAddr != "" {
				go profile(pprofAddr, dur, filepath.Join(profileDir, fmt.Sprintf("mixed-%d.pprof", n)))
			}
			fmt.Printf("mixed run: %d meetings, %d action items, SQLite, %s %v; %d clients for %s\n", n/10, n, v.name, v.env, clients, dur)
			runMixed(srv, m, clients, dur)
			fmt.Println()
			if pprofAddr != "" { // the heap as the run ends, with the runtime's memory figures
				fetch(pprofAddr, "/debug/pprof/heap?debug=1", filepath.Join(profileDir, fmt.Sprintf("mixed-%d.heap.txt", n)))
			}
			srv.stop()
		}
		if pgURL == "" {
			continue
		}
		for _, servers := range []int{1, 2} {
			srv, err := startPostgres(bin, pgURL, n/10, n, servers)
			if err != nil {
				return err
			}
			m, err := srv.setupMixed(participants)
			if err != nil {
				return err
			}
			fmt.Printf("mixed run: %d meetings, %d action items, Postgres, %d server(s); %d clients for %s\n", n/10, n, servers, clients, dur)
			runMixed(srv, m, clients, dur)
			fmt.Println()
			srv.stop()
		}
	}
	if !fixed {
		return nil
	}
	if err := fullRun(bin, dataDir, meetings, items, clients, dur); err != nil {
		return err
	}
	if scale {
		fmt.Println("\nHow cost grows (list and statistics):")
		fmt.Printf("%-12s %-22s %10s %10s %10s %14s\n", "items", "operation", "req/s", "p50 ms", "p99 ms", "first (cold) ms")
		for _, n := range []int{10_000, 100_000, 1_000_000} {
			srv, err := start(bin, dataDir, n/10, n)
			if err != nil {
				return err
			}
			ops := srv.readOps()
			for _, op := range ops {
				if op.name == "get_meeting" || op.name == "overdue_mine" || (selected != nil && !selected[op.name]) {
					continue
				}
				cold := once(op)
				r := measure(op, clients, dur/2)
				fmt.Printf("%-12d %-22s %10.0f %10.2f %10.2f %14.1f\n", n, op.name, r.rps, r.p50, r.p99, cold)
			}
			srv.stop()
		}
	}
	return nil
}

type server struct {
	cmd                 *exec.Cmd
	base                string
	others              []*exec.Cmd // more servers on the same Postgres database
	bases               []string    // every server's address, base first
	postgres            bool
	admin, participant  string
	meetingIDs, itemIDs []string
	orgIDs, personIDs   []string
	client              *http.Client
	stopped             bool
}

// copyDataSet copies a closed, checkpointed SQLite database to dst,
// replacing dst and whatever log it had.
func copyDataSet(src, dst string) error {
	if fi, err := os.Stat(src + "-wal"); err == nil && fi.Size() > 0 {
		return fmt.Errorf("%s has a log not yet copied into it: open and close it with liaison migrate first", src)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(dst + suffix)
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy the data set: %w", err)
	}
	return out.Close()
}

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "processor\t:")
}

func freePort() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// dataShape names what the seed generates; it goes up whenever the seed
// changes what the data looks like (2: action items are owned mostly by
// those who attended their meeting), so that a data set made by an earlier
// seed is made again rather than reused.
const dataShape = 2

// start seeds the data set if it is not there yet, then serves a fresh
// copy of it: the writes a run measures land in the copy, so that every
// run starts from the same data set rather than from the last run's.
func start(bin, dataDir string, meetings, items int, env ...string) (*server, error) {
	seeded, _ := filepath.Abs(filepath.Join(dataDir, fmt.Sprintf("liaison-%d-%d-shape%d.db", meetings, items, dataShape)))
	db := strings.TrimSuffix(seeded, ".db") + ".run.db"
	url := "sqlite://" + seeded
	if _, err := os.Stat(seeded); err != nil {
		fmt.Printf("seeding %d meetings and %d action items into %s …\n", meetings, items, db)
		cmd := exec.Command(bin, "seed", "--meetings", strconv.Itoa(meetings), "--action-items", strconv.Itoa(items), "--database-url", url+".tmp", "--log-level", "warn")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Rename(seeded+".tmp"+suffix, seeded+suffix)
		}
	}
	// Bring the seeded set up to this build's schema once (a migration
	// that rebuilds an index over a million rows takes seconds), then copy.
	if out, err := exec.Command(bin, "migrate", "--database-url", url, "--log-level", "warn").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("migrate the data set: %w: %s", err, out)
	}
	if err := copyDataSet(seeded, db); err != nil {
		return nil, err
	}
	url = "sqlite://" + db
	addr := freePort()
	cmd := exec.Command(bin, "serve", "--addr", addr, "--database-url", url, "--log-level", "warn")
	cmd.Env = append(append(os.Environ(), "LIAISON_ADMIN_EMAIL=bench@localhost", "LIAISON_ADMIN_PASSWORD=bench-password-123"), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, bases: []string{"http://" + addr}, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 30 * time.Second}}
	for i := 0; ; i++ {
		if res, err := http.Get(s.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if i > 300 {
			s.stop()
			return nil, errors.New("the server did not become ready")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := s.setup(); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *server) stop() {
	if s.stopped {
		return
	}
	s.stopped = true
	for _, cmd := range append([]*exec.Cmd{s.cmd}, s.others...) {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
		}
	}
}

// cpu is the CPU seconds of every server process so far.
func (s *server) cpu() float64 {
	t := cpuSeconds(s.cmd.Process.Pid)
	for _, c := range s.others {
		t += cpuSeconds(c.Process.Pid)
	}
	return t
}

// reads is how many read system calls every server process has made so
// far: on SQLite nearly all of them a page read from the file (a
// connection's page cache is emptied whenever another has committed).
func (s *server) reads() int64 {
	n := readCalls(s.cmd.Process.Pid)
	for _, c := range s.others {
		n += readCalls(c.Process.Pid)
	}
	return n
}

// readCalls is the process's read system calls so far (syscr).
func readCalls(pid int) int64 {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "syscr: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

// rss is each server process's peak RSS.
func (s *server) rss() string {
	out := peakRSS(s.cmd.Process.Pid)
	for _, c := range s.others {
		out += ", " + peakRSS(c.Process.Pid)
	}
	return out
}

func (s *server) call(method, path, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := s.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// token signs in and makes a write token.
func (s *server) token(email, password string) (string, error) {
	return s.tokenScoped(email, password, "write")
}

// setup signs in, picks ids to request, and makes a participant who owns
// overdue action items.
func (s *server) setup() error {
	var err error
	if s.admin, err = s.token("bench@localhost", "bench-password-123"); err != nil {
		return err
	}
	cursor := ""
	for range 5 {
		_, b, err := s.call("GET", "/api/v1/meetings?limit=200"+cursor, s.admin, nil)
		if err != nil {
			return err
		}
		var page struct {
			Items []struct {
				ID        string `json:"id"`
				Attendees []struct {
					Person *struct {
						ID             string `json:"id"`
						OrganizationID string `json:"organization_id"`
					} `json:"person"`
				} `json:"attendees"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		json.Unmarshal(b, &page)
		for _, m := range page.Items {
			s.meetingIDs = append(s.meetingIDs, m.ID)
			for _, a := range m.Attendees {
				if a.Person != nil && len(s.personIDs) < 200 {
					s.personIDs = append(s.personIDs, a.Person.ID)
					s.orgIDs = append(s.orgIDs, a.Person.OrganizationID)
				}
			}
		}
		if page.NextCursor == nil {
			break
		}
		cursor = "&cursor=" + *page.NextCursor
	}
	_, b, err := s.call("GET", "/api/v1/action-items?overdue=true&limit=200", s.admin, nil)
	if err != nil {
		return err
	}
	var items struct {
		Items []struct {
			ID            string  `json:"id"`
			OwnerPersonID *string `json:"owner_person_id"`
		} `json:"items"`
	}
	json.Unmarshal(b, &items)
	var owner string
	for _, it := range items.Items {
		s.itemIDs = append(s.itemIDs, it.ID)
		if owner == "" && it.OwnerPersonID != nil {
			owner = *it.OwnerPersonID
		}
	}
	if len(s.meetingIDs) == 0 || len(s.itemIDs) == 0 || owner == "" {
		return errors.New("the data set has no meetings or overdue items")
	}
	email := "participant-" + owner[len(owner)-8:] + "@bench.test"
	st, _, _ := s.call("POST", "/api/v1/users", s.admin, map[string]any{"email": email, "password": "bench-password-123", "role": "participant", "person_id": owner})
	if st != 201 && st != 409 {
		return fmt.Errorf("create participant: %d", st)
	}
	s.participant, err = s.token(email, "bench-password-123")
	return err
}

// op is one measured operation: a request made by one client.
type op struct {
	name string
	read bool
	do   func(c *http.Client, rng *rand.Rand) (int, error)
}

func (s *server) get(path, token string) func(*http.Client, *rand.Rand) (int, error) {
	return func(c *http.Client, _ *rand.Rand) (int, error) { return do(c, "GET", s.base+path, token, nil) }
}

func do(c *http.Client, method, url, token string, body []byte) (int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

func (s *server) readOps() []op {
	return []op{
		{"get_meeting", true, func(c *http.Client, rng *rand.Rand) (int, error) {
			return do(c, "GET", s.base+"/api/v1/meetings/"+s.meetingIDs[rng.IntN(len(s.meetingIDs))], s.admin, nil)
		}},
		{"list_meetings_tlp", true, s.get("/api/v1/meetings?tlp=AMBER&sort=-starts_at&limit=50", s.admin)},
		{"overdue_mine", true, s.get("/api/v1/action-items?owner=me&overdue=true&limit=50", s.participant)},
		{"stats_overview", true, s.get("/api/v1/stats/overview", s.admin)},
		{"stats_meetings_month", true, s.get("/api/v1/stats/meetings?group_by=month", s.admin)},
		{"stats_items_status", true, s.get("/api/v1/stats/action-items?group_by=status", s.admin)},
	}
}

func (s *server) writeOps() []op {
	org := func(rng *rand.Rand) string { return s.orgIDs[rng.IntN(len(s.orgIDs))] }
	return []op{
		{"create_meeting_5_3", false, func(c *http.Client, rng *rand.Rand) (int, error) {
			start := time.Now().Add(time.Duration(rng.IntN(1000)) * time.Hour).UTC()
			var atts []map[string]any
			seen := map[string]bool{}
			for len(atts) < 5 {
				i := rng.IntN(len(s.personIDs))
				if seen[s.personIDs[i]] {
					continue
				}
				seen[s.personIDs[i]] = true
				atts = append(atts, map[string]any{"person_id": s.personIDs[i], "disclosure": []string{"public", "organization_only", "undisclosed"}[len(atts)%3], "withholding_reason": map[bool]string{true: "", false: "commercial"}[len(atts)%3 == 0]})
			}
			var items []map[string]any
			for i := range 3 {
				items = append(items, map[string]any{"title": fmt.Sprintf("Load item %d", i), "owner_organization_id": org(rng), "due_on": start.AddDate(0, 0, 30).Format("2006-01-02")})
			}
			b, _ := json.Marshal(map[string]any{"title": "Load meeting", "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339),
				"modality": "virtual", "kind": "call", "tlp": "AMBER", "host_organization_id": org(rng), "topics": []string{"Load"}, "attendees": atts, "action_items": items})
			return do(c, "POST", s.base+"/api/v1/meetings", s.admin, b)
		}},
		{"create_action_item", false, func(c *http.Client, rng *rand.Rand) (int, error) {
			b, _ := json.Marshal(map[string]any{"meeting_id": s.meetingIDs[rng.IntN(len(s.meetingIDs))], "title": "Load item", "due_on": "2030-01-01", "priority": "low"})
			return do(c, "POST", s.base+"/api/v1/action-items", s.admin, b)
		}},
		{"patch_item_status", false, func(c *http.Client, rng *rand.Rand) (int, error) {
			b, _ := json.Marshal(map[string]any{"status": []string{"open", "in_progress", "blocked"}[rng.IntN(3)]})
			return do(c, "PATCH", s.base+"/api/v1/action-items/"+s.itemIDs[rng.IntN(len(s.itemIDs))], s.admin, b)
		}},
	}
}

type result struct {
	n, errs       int
	rps, p50, p99 float64
	cpuPerReq     float64
}

// measure runs op from the clients for d and summarises.
func measure(o op, clients int, d time.Duration) result {
	var (
		mu   sync.Mutex
		lats []float64
		errs atomic.Int64
		wg   sync.WaitGroup
	)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	tr := &http.Transport{MaxIdleConnsPerHost: clients * 2, MaxConnsPerHost: clients * 2}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
			var local []float64
			for ctx.Err() == nil {
				t0 := time.Now()
				st, err := o.do(hc, rng)
				local = append(local, float64(time.Since(t0).Microseconds())/1000)
				if err != nil || st >= 400 {
					errs.Add(1)
				}
			}
			mu.Lock()
			lats = append(lats, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start).Seconds()
	slices.Sort(lats)
	pct := func(p float64) float64 {
		if len(lats) == 0 {
			return 0
		}
		return lats[min(len(lats)-1, int(p*float64(len(lats))))]
	}
	return result{n: len(lats), errs: int(errs.Load()), rps: float64(len(lats)) / el, p50: pct(0.50), p99: pct(0.99)}
}

// cpuSeconds is the process's user+system CPU time so far.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ is 100 on Linux
}

func peakRSS(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	f := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			f[k] = strings.TrimSpace(v)
		}
	}
	if f["VmHWM"] == "" {
		return "?"
	}
	// What the process holds as the run ends: its own memory (Go's heap,
	// SQLite's caches), mapped files (the binary) and shared memory (the
	// WAL index).
	return fmt.Sprintf("%s (at the end: anonymous %s, file %s, shared %s)", f["VmHWM"], f["RssAnon"], f["RssFile"], f["RssShmem"])
}

// ceiling serves a prebuilt body of the given size from a plain Gin handler.
func ceiling(body []byte) (string, func()) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/static", func(c *gin.Context) { c.Data(200, "application/json", body) })
	addr := freePort()
	srv := &http.Server{Addr: addr, Handler: r}
	go srv.ListenAndServe()
	time.Sleep(100 * time.Millisecond)
	return "http://" + addr + "/static", func() { srv.Close() }
}

func fullRun(bin, dataDir string, meetings, items, clients int, dur time.Duration) error {
	srv, err := start(bin, dataDir, meetings, items)
	if err != nil {
		return err
	}
	defer srv.stop()
	pid := srv.cmd.Process.Pid
	_, one, _ := srv.call("GET", "/api/v1/meetings/"+srv.meetingIDs[0], srv.admin, nil)
	url, closeCeiling := ceiling(one)
	ceil := measure(op{name: "static_ceiling", do: func(c *http.Client, _ *rand.Rand) (int, error) { return do(c, "GET", url, "", nil) }}, clients, dur)
	closeCeiling()
	fmt.Printf("data set: %d meetings, %d action items (SQLite, synchronous=FULL)\n", meetings, items)
	fmt.Printf("%-22s %9s %10s %9s %9s %7s %12s %9s\n", "operation", "requests", "req/s", "p50 ms", "p99 ms", "errors", "CPU ms/req", "ceiling")
	fmt.Printf("%-22s %9d %10.0f %9.2f %9.2f %7d %12s %9s   (a plain Gin handler, %d-byte body)\n", "static_ceiling", ceil.n, ceil.rps, ceil.p50, ceil.p99, ceil.errs, "-", "100%", len(one))
	for _, o := range append(srv.readOps(), srv.writeOps()...) {
		if selected != nil && !selected[o.name] {
			continue
		}
		if strings.HasPrefix(o.name, "stats_") {
			fmt.Printf("%-22s first request after start: %.1f ms\n", o.name, once(o))
		}
		before := cpuSeconds(pid)
		r := measure(o, clients, dur)
		cpu := (cpuSeconds(pid) - before) / float64(max(r.n, 1)) * 1000
		ratio := "-"
		if o.read {
			ratio = fmt.Sprintf("%.0f%%", 100*r.rps/ceil.rps)
		}
		fmt.Printf("%-22s %9d %10.0f %9.2f %9.2f %7d %12.3f %9s\n", o.name, r.n, r.rps, r.p50, r.p99, r.errs, cpu, ratio)
	}
	fmt.Printf("server peak RSS: %s\n", peakRSS(pid))
	return nil
}

// once times a single request (the first after start).
func once(o op) float64 {
	c := &http.Client{Timeout: 60 * time.Second}
	t0 := time.Now()
	o.do(c, rand.New(rand.NewPCG(1, 2)))
	return float64(time.Since(t0).Microseconds()) / 1000
}

// profile saves the server's CPU profile over most of a run of length d.
func profile(addr string, d time.Duration, file string) {
	time.Sleep(time.Second)
	fetch(addr, fmt.Sprintf("/debug/pprof/profile?seconds=%d", max(1, int(d.Seconds())-2)), file)
}

// fetch saves what the server's profiler at addr answers for path.
func fetch(addr, path, file string) {
	res, err := http.Get("http://" + addr + path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		return
	}
	defer res.Body.Close()
	os.MkdirAll(filepath.Dir(file), 0o755)
	f, err := os.Create(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		return
	}
	defer f.Close()
	io.Copy(f, res.Body)
}
