package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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
	for range 100 {
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
