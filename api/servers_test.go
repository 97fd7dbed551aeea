package api_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"liaison/api"
	"liaison/store"
	"liaison/store/storetest"
)

// TestTwoServersOnePostgres runs two Liaison servers on one Postgres
// database: a change of disclosure, TLP or role, or a revoked token, made
// through one is honoured by the other at its very next request.
func TestTwoServersOnePostgres(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	open := func() *store.Store {
		st, err := store.Open(context.Background(), dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	first := open()
	if _, err := first.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := newEnvOn(t, first)
	second := open()
	other := httptest.NewServer(api.New(second, api.Options{}))
	defer other.Close()
	via := func(srv string, r req) resp {
		t.Helper()
		saved := e.srv.URL
		e.srv.URL = srv
		defer func() { e.srv.URL = saved }()
		return e.do(r)
	}
	m := e.createMeeting("GREEN", "public")
	id := m["id"].(string)
	path := "/api/v1/meetings/" + id
	read := func() string {
		return string(via(other.URL, req{method: "GET", path: path, as: "viewer"}).Body)
	}
	// Warm the second server, then withhold the attendee through the first.
	if got := read(); !strings.Contains(got, "Xanthippe Hiddenname") {
		t.Fatalf("before: %s", got)
	}
	att := m["attendees"].([]any)[1].(map[string]any)["id"].(string)
	e.expect(200, req{method: "PATCH", path: path + "/attendees/" + att, as: "coordinator",
		body: map[string]any{"disclosure": "undisclosed", "withholding_reason": "national_security"}})
	if got := read(); strings.Contains(got, "Xanthippe") || strings.Contains(got, e.w.telco.ID) {
		t.Fatalf("the second server still names the attendee: %s", got)
	}
	// Raising the marking hides the meeting there at once.
	e.expect(200, req{method: "PATCH", path: path, as: "coordinator", body: map[string]any{"tlp": "RED"}})
	if out := via(other.URL, req{method: "GET", path: path, as: "viewer"}); out.Status != 404 {
		t.Fatalf("the second server still shows a RED meeting to a viewer: %d", out.Status)
	}
	// A revoked token stops working there at once.
	via(other.URL, req{method: "GET", path: "/api/v1/me", as: "outsider"})
	var tokens struct{ Items []map[string]any }
	e.expect(200, req{method: "GET", path: "/api/v1/me/tokens", as: "outsider"}).json(t, &tokens)
	e.expect(204, req{method: "DELETE", path: "/api/v1/me/tokens/" + tokens.Items[0]["id"].(string), as: "outsider"})
	if out := via(other.URL, req{method: "GET", path: "/api/v1/me", as: "outsider"}); out.Status != 401 {
		t.Fatalf("a revoked token still works on the second server: %d", out.Status)
	}
}
