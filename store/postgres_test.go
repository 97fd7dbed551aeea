package store_test

import (
	"context"
	"testing"

	"liaison/store"
	"liaison/store/storetest"
)

// TestPostgresSettings: the store's connections compile no query, plan
// every statement for its values and start no parallel workers, unless
// the URL says otherwise.
func TestPostgresSettings(t *testing.T) {
	want := map[string]string{"jit": "off", "plan_cache_mode": "force_custom_plan", "max_parallel_workers_per_gather": "0"}
	for _, tc := range []struct{ param, name, value string }{{"", "", ""}, {"jit=on", "jit", "on"}, {"max_parallel_workers_per_gather=2", "max_parallel_workers_per_gather", "2"}} {
		dsn := storetest.DSN(t, store.Postgres)
		if tc.param != "" {
			dsn += "&" + tc.param
		}
		s, err := store.Open(context.Background(), dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for name, value := range want {
			if name == tc.name {
				value = tc.value
			}
			if got, err := s.Setting(context.Background(), name); err != nil || got != value {
				t.Errorf("URL with %q: %s = %q (%v), want %q", tc.param, name, got, err, value)
			}
		}
		s.Close()
	}
}
