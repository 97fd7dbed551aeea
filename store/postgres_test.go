package store_test

import (
	"context"
	"testing"

	"liaison/store"
	"liaison/store/storetest"
)

// TestPostgresWithoutJIT: the store's connections compile no query (the
// planner's costs at 1,000,000 items passed the JIT threshold, and
// compiling took longer than running), unless the URL says otherwise.
func TestPostgresWithoutJIT(t *testing.T) {
	for _, tc := range []struct{ param, want string }{{"", "off"}, {"jit=on", "on"}} {
		dsn := storetest.DSN(t, store.Postgres)
		if tc.param != "" {
			dsn += "&" + tc.param
		}
		s, err := store.Open(context.Background(), dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Setting(context.Background(), "jit")
		s.Close()
		if err != nil || got != tc.want {
			t.Errorf("URL with %q: jit = %q (%v), want %q", tc.param, got, err, tc.want)
		}
	}
}
