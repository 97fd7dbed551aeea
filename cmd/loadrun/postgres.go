package main

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the Postgres driver, to create the run's databases
)

// startPostgres seeds the data set into a Postgres database of its own
// once, then serves a fresh copy of it (CREATE DATABASE … TEMPLATE) from
// the given number of `liaison serve` processes.
func startPostgres(bin, baseURL string, meetings, items, servers int) (*server, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("-postgres: %w", err)
	}
	admin, err := sql.Open("pgx", baseURL)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	seeded := fmt.Sprintf("liaison_bench_%d_%d_shape%d", meetings, items, dataShape)
	run := seeded + "_run"
	dbURL := func(name string) string { v := *u; v.Path = "/" + name; return v.String() }
	var exists bool
	if err := admin.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, seeded).Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		fmt.Printf("seeding %d meetings and %d action items into Postgres database %s …\n", meetings, items, seeded)
		if _, err := admin.Exec(`CREATE DATABASE ` + seeded); err != nil {
			return nil, err
		}
		cmd := exec.Command(bin, "seed", "--meetings", strconv.Itoa(meetings), "--action-items", strconv.Itoa(items), "--database-url", dbURL(seeded), "--log-level", "warn")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			admin.Exec(`DROP DATABASE ` + seeded)
			return nil, fmt.Errorf("seed: %w", err)
		}
	}
	if out, err := exec.Command(bin, "migrate", "--database-url", dbURL(seeded), "--log-level", "warn").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("migrate the data set: %w: %s", err, out)
	}
	// The planner's statistics, which a fresh bulk load has not yet had
	// autovacuum gather; the copy inherits them.
	seededDB, err := sql.Open("pgx", dbURL(seeded))
	if err != nil {
		return nil, err
	}
	_, err = seededDB.Exec(`ANALYZE`)
	seededDB.Close()
	if err != nil {
		return nil, fmt.Errorf("analyze the data set: %w", err)
	}
	if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + run + ` WITH (FORCE)`); err != nil {
		return nil, err
	}
	if _, err := admin.Exec(`CREATE DATABASE ` + run + ` TEMPLATE ` + seeded); err != nil {
		return nil, err
	}
	s := &server{postgres: true, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 30 * time.Second}}
	for i := range servers {
		addr := freePort()
		cmd := exec.Command(bin, "serve", "--addr", addr, "--database-url", dbURL(run), "--log-level", "warn")
		cmd.Env = append(os.Environ(), "LIAISON_ADMIN_EMAIL=bench@localhost", "LIAISON_ADMIN_PASSWORD=bench-password-123")
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			s.stop()
			return nil, err
		}
		if i == 0 {
			s.cmd, s.base = cmd, "http://"+addr
		} else {
			s.others = append(s.others, cmd)
		}
		s.bases = append(s.bases, "http://"+addr)
		if err := waitReady("http://" + addr); err != nil {
			s.stop()
			return nil, err
		}
	}
	if err := s.setup(); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// waitReady waits up to 30 s for a server to answer /readyz.
func waitReady(base string) error {
	for range 300 {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("the server did not become ready")
}

// postgresCPU is the CPU seconds so far of every process of this machine
// named postgres (the database's share of a run on Postgres).
func postgresCPU() float64 {
	dirs, _ := os.ReadDir("/proc")
	total := 0.0
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if b, err := os.ReadFile("/proc/" + d.Name() + "/comm"); err == nil && strings.TrimSpace(string(b)) == "postgres" {
			total += cpuSeconds(pid)
		}
	}
	return total
}
