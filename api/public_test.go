package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"liaison/api"
	"liaison/store"
)

func TestPublicReadouts(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		clear := e.meetingBody("CLEAR", "undisclosed")
		clear["public_readout"] = "Officials met telecommunications executives."
		clear["summary"] = "Internal: the carrier reported a breach of its intercept systems."
		c := e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: clear}).obj(t)
		green := e.createMeeting("GREEN", "public")

		var page struct {
			Items []map[string]any
		}
		out := e.expect(200, req{method: "GET", path: "/api/v1/public/meetings"})
		out.json(t, &page)
		if len(page.Items) != 1 || page.Items[0]["id"] != c["id"] {
			t.Fatalf("public list: %s", out.Body)
		}
		body := string(out.Body)
		for _, secret := range []string{"Xanthippe", "Hiddenname", "Zephyrtel", "Secretcorp", "Internal:", "intercept systems", e.w.telco.ID, e.w.telcoP.ID, "national_security"} {
			if strings.Contains(body, secret) {
				t.Errorf("the public readout shows %q: %s", secret, body)
			}
		}
		m := page.Items[0]
		if m["withheld_total"].(float64) != 1 || m["host"] != "National Security Council" || len(m["attendees"].([]any)) != 1 {
			t.Fatalf("public meeting: %v", m)
		}
		e.expect(200, req{method: "GET", path: "/api/v1/public/meetings/" + c["id"].(string)})
		e.expect(404, req{method: "GET", path: "/api/v1/public/meetings/" + green["id"].(string)})
		e.expect(200, req{method: "GET", path: "/api/v1/public/meetings?topic=salt%20typhoon&from=2024-01-01"})
		e.expect(400, req{method: "GET", path: "/api/v1/public/meetings?tlp=GREEN"})

		atom := e.expect(200, req{method: "GET", path: "/api/v1/public/readouts.atom"})
		if !strings.HasPrefix(atom.Header.Get("Content-Type"), "application/atom+xml") || !strings.Contains(string(atom.Body), "Officials met telecommunications executives.") {
			t.Fatalf("atom: %s", atom.Body)
		}
		for _, secret := range []string{"Xanthippe", "Zephyrtel", "Internal:", green["title"].(string)} {
			if strings.Contains(string(atom.Body), secret) {
				t.Errorf("the feed shows %q", secret)
			}
		}
		// Changing the marking away from CLEAR takes it off the public routes.
		e.expect(200, req{method: "PATCH", path: "/api/v1/meetings/" + c["id"].(string), as: "coordinator", body: map[string]any{"tlp": "AMBER"}})
		e.expect(404, req{method: "GET", path: "/api/v1/public/meetings/" + c["id"].(string)})
	})
}

// The Atom feed's links come from the configured public URL, never from
// the request's Host header, which the client chooses.
func TestAtomLinksIgnoreTheHostHeader(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.createMeeting("CLEAR", "public")
	srv := httptest.NewServer(api.New(e.st, api.Options{PublicURL: "https://liaison.example.gov/"}))
	defer srv.Close()
	r, _ := http.NewRequest("GET", srv.URL+"/api/v1/public/readouts.atom", nil)
	r.Host = "attacker.example"
	r.Header.Set("X-Forwarded-Host", "attacker.example")
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || strings.Contains(string(b), "attacker") || !strings.Contains(string(b), `href="https://liaison.example.gov/public/meetings/`) {
		t.Fatalf("feed: %d %s", res.StatusCode, b)
	}
}
