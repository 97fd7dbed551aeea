package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeStartsAndShutsDownGracefully runs `liaison serve` in process on
// a fresh database: it migrates, creates the first admin, answers, and
// returns cleanly when its context ends (as on SIGINT or SIGTERM).
func TestServeStartsAndShutsDownGracefully(t *testing.T) {
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	t.Setenv("LIAISON_ADMIN_EMAIL", "first@example.test")
	t.Setenv("LIAISON_ADMIN_PASSWORD", "a long first password")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--database-url", "sqlite://" + filepath.Join(dir, "sub", "l.db"), "--log-level", "error"})
	}()
	ready := false
	for range 600 { // up to 30 s: the server migrates a fresh database first
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				ready = true
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !ready {
		cancel()
		t.Fatalf("the server did not become ready: %v", <-done)
	}
	res, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"first@example.test","password":"a long first password"}`))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("first admin cannot sign in: %v %v", err, res)
	}
	res.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := os.Stat(filepath.Join(dir, "sub", "l.db")); err != nil {
		t.Fatalf("database not created with its folder: %v", err)
	}
	// The same database opens again: migrations are not re-applied.
	if err := run(context.Background(), []string{"migrate", "--database-url", "sqlite://" + filepath.Join(dir, "sub", "l.db"), "--log-level", "error"}); err != nil {
		t.Fatal(err)
	}
}

// capture runs the command line with standard output read into a string.
func capture(t *testing.T, args ...string) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	defer func() { os.Stdout = old }()
	done := make(chan string)
	go func() { b, _ := io.ReadAll(r); done <- string(b) }()
	runErr := run(context.Background(), args)
	w.Close()
	return <-done, runErr
}

// TestCommandLineRefusesWhatItDoesNotUnderstand runs each refusal in an
// empty folder: it must fail with a message and create nothing there.
func TestCommandLineRefusesWhatItDoesNotUnderstand(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("LIAISON_PASSWORD", "a long enough password")
	t.Setenv("LIAISON_DATABASE_URL", "")
	good := "sqlite://" + filepath.Join(t.TempDir(), "ok.db")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--database-url", "mysql://user:secret@x/db"}, `scheme "mysql" is not supported`},
		{[]string{"migrate", "--database-url", "not a url"}, "must start with sqlite:// or postgres://"},
		{[]string{"migrate", "--database-url", "sqlite:foo.db"}, "must start with sqlite://"},
		{[]string{"migrate", "--database-url", "sqlite://"}, "needs a file path"},
		{[]string{"backup", "--database-url", "sqlite://missing.db", "copy.db"}, "no database at missing.db"},
		{[]string{"backup", "--database-url", good}, "missing argument"},
		{[]string{"backup", "--database-url", good, "a.db", "b.db"}, `unexpected argument "b.db"`},
		{[]string{"token", "create", "--database-url", good, "--email", "a@b.test", "--name", "n", "--expires-in-days", "-3"}, "must be from 1 to 3650"},
		{[]string{"token", "create", "--database-url", good, "--email", "a@b.test", "--name", "n", "--expires-in-days", "0"}, "must be from 1 to 3650"},
		{[]string{"token", "create", "--database-url", good, "--name", "n"}, "--email is required"},
		{[]string{"token", "create", "--database-url", good, "--email", "a@b.test"}, "--name is required"},
		{[]string{"token", "create", "--database-url", good, "--email", "a@b.test", "--name", "n", "--scope", "admin"}, "--scope must be read, write or calendar"},
		{[]string{"import", "--database-url", good, "x.csv"}, "--format must be one of whitehouse-calendars, uk-ministerial, csv"},
		{[]string{"import", "--database-url", good, "--format", "excel", "x.csv"}, "--format must be one of"},
		{[]string{"import", "--database-url", good, "--format", "csv"}, "missing argument"},
		{[]string{"import", "--database-url", good, "--format", "csv", "a.csv", "b.csv"}, `unexpected argument "b.csv"`},
		{[]string{"import", "--database-url", good, "--format", "csv", "no-such-file.csv"}, "no such file"},
		{[]string{"seed", "--database-url", good, "--meetings", "-5"}, "--meetings must be at least 1"},
		{[]string{"seed", "--database-url", good, "--meetings", "0"}, "--meetings must be at least 1"},
		{[]string{"seed", "--database-url", good, "--meetings", "5", "--action-items", "-1"}, "--action-items must be at least 1"},
		{[]string{"seed", "--database-url", good, "--action-items", "5"}, "--action-items needs --meetings"},
		{[]string{"seed", "--database-url", good}, "say --demo"},
		{[]string{"seed", "--database-url", good, "--demo", "extra"}, `unexpected argument "extra"`},
		{[]string{"user", "create", "--database-url", good, "--role", "admin"}, "--email is required"},
		{[]string{"user", "create", "--database-url", good, "--email", "a@b.test", "--role", "owner"}, "--role must be one of"},
		{[]string{"user", "delete"}, "usage: liaison user create"},
		{[]string{"migrate", "--database-url", good, "now"}, `unexpected argument "now"`},
		{[]string{"serve", "--database-url", good, "--addr", "127.0.0.1:0", "stray"}, `unexpected argument "stray"`},
		{[]string{"serve", "--database-url", good, "--public-url", "javascript:alert(1)"}, "--public-url must be an http:// or https:// URL"},
		{[]string{"serve", "--database-url", good, "--k-anonymity", "0"}, "--k-anonymity must be at least 1"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"migrate", "--no-such-flag"}, "flag provided but not defined"},
	}
	for _, tc := range cases {
		_, err := capture(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("liaison %s: %v, want an error saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("liaison %s: the error repeats the URL's password: %v", strings.Join(tc.args, " "), err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("refused commands left files in the working folder: %v", entries)
	}
}

func TestCommandLineHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}} {
		out, err := capture(t, args...)
		if err != nil || !strings.Contains(out, "commands:") || !strings.Contains(out, "backup PATH") {
			t.Errorf("liaison %s: %v\n%s", args[0], err, out)
		}
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		out, err := capture(t, args...)
		if err != nil || strings.TrimSpace(out) != "liaison "+version {
			t.Errorf("liaison %s: %v %q", args[0], err, out)
		}
	}
	// A command's own -h lists its flags and ends without error.
	if _, err := capture(t, "seed", "-h"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("liaison seed -h: %v", err)
	}
}

// TestSeedThenServeSaysWhoAdministers: after the demonstration data, the
// first serve creates no administrator and says so, and seed names the
// demo administrator.
func TestSeedThenServeSaysWhoAdministers(t *testing.T) {
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "demo.db")
	out, err := capture(t, "seed", "--demo", "--database-url", dbURL, "--log-level", "error")
	if err != nil || !strings.Contains(out, "admin@liaison.demo") || !strings.Contains(out, "ignores LIAISON_ADMIN_EMAIL") {
		t.Fatalf("seed --demo: %v\n%s", err, out)
	}
	logs := &syncBuffer{}
	old := slog.Default()
	logOutput = logs
	t.Cleanup(func() { slog.SetDefault(old); logOutput = os.Stderr })
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	t.Setenv("LIAISON_ADMIN_EMAIL", "first@example.test")
	t.Setenv("LIAISON_ADMIN_PASSWORD", "a long first password")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--database-url", dbURL})
	}()
	for range 600 { // up to 30 s: the server migrates a fresh database first
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "LIAISON_ADMIN_EMAIL is ignored") {
		t.Fatalf("serve did not say that it created no administrator:\n%s", logs.String())
	}
}

// syncBuffer is a log destination that the server and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestMetricsListenOnTheirOwnAddress: serve --metrics-addr serves the
// metrics there, and the API's listener does not.
func TestMetricsListenOnTheirOwnAddress(t *testing.T) {
	free := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().String()
	}
	addr, maddr := free(), free()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--metrics-addr", maddr, "--log-level", "error",
			"--database-url", "sqlite://" + filepath.Join(t.TempDir(), "m.db")})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	get := func(u string) string {
		for range 600 { // up to 30 s: the server migrates a fresh database first
			if res, err := http.Get(u); err == nil {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				return string(b)
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("%s did not answer", u)
		return ""
	}
	get("http://" + addr + "/healthz")
	if body := get("http://" + maddr + "/metrics"); !strings.Contains(body, "liaison_http_requests_total") {
		t.Fatalf("metrics listener: %.300s", body)
	}
	if body := get("http://" + addr + "/metrics"); strings.Contains(body, "liaison_http_requests_total") {
		t.Fatal("the API's listener serves metrics")
	}
}

// Nothing tunes or registers anything as a package loads: what changes the
// process is called by serve (store/sqlite.TuneProcess) or happens when a
// store opens. A package-level init function is where such effects hide.
func TestNoPackageInitFunctions(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "bench-data" || d.Name() == "testdata") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "func init()") {
				t.Errorf("%s:%d: a package init function", path, i+1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestImportCommand imports an excerpt of the White House records: a dry
// run first, then the import with its report of rejected rows, then the
// same file again.
func TestImportCommand(t *testing.T) {
	file, err := filepath.Abs("importer/testdata/whitehouse-excerpt.csv")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	db := "sqlite://" + filepath.Join(t.TempDir(), "import.db")
	args := []string{"import", "--database-url", db, "--format", "whitehouse-calendars"}
	out, err := capture(t, append(args, "--dry-run", file)...)
	if err != nil || !strings.Contains(out, "dry run, nothing written") || !strings.Contains(out, "row 18: would create") || !strings.Contains(out, "rejected: no date") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	out, err = capture(t, append(args, file)...)
	if err != nil || !strings.Contains(out, "25 rows read") || !strings.Contains(out, "created, 0 updated, 0 unchanged") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	report, err := os.ReadFile("whitehouse-excerpt.rejected.csv")
	if err != nil || !strings.HasPrefix(string(report), "row,reason\n") || !strings.Contains(string(report), ",no date") {
		t.Errorf("the report: %v\n%s", err, report)
	}
	out, err = capture(t, append(args, file)...)
	if err != nil || !strings.Contains(out, "meetings:      0 created, 0 updated") || !strings.Contains(out, "organisations: 0 created") {
		t.Errorf("the same file again: %v\n%s", err, out)
	}
}
