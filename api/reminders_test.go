package api_test

import (
	"strings"
	"testing"
)

// TestReminders: each user reads and changes their own e-mail reminders;
// bad values change nothing; an unknown unsubscribe link is a 404.
func TestReminders(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		var got struct {
			Frequency, Timezone string
			Hour                int
			EmailConfigured     bool `json:"email_configured"`
		}
		e.expect(200, req{method: "GET", path: "/api/v1/me/reminders", as: "insider"}).json(t, &got)
		if got.Frequency != "daily" || got.Hour != 8 || got.Timezone != "UTC" || got.EmailConfigured {
			t.Fatalf("defaults: %+v", got)
		}
		e.expect(200, req{method: "PATCH", path: "/api/v1/me/reminders", as: "insider", body: map[string]any{"frequency": "weekly", "hour": 7, "timezone": "Europe/London"}}).json(t, &got)
		if got.Frequency != "weekly" || got.Hour != 7 || got.Timezone != "Europe/London" {
			t.Fatalf("after the change: %+v", got)
		}
		for _, bad := range []map[string]any{{"frequency": "hourly"}, {"hour": 24}, {"timezone": "Mars/Olympus"}, {"timezone": "Local"}} {
			out := e.do(req{method: "PATCH", path: "/api/v1/me/reminders", as: "insider", body: bad, noSpec: true})
			if out.Status != 400 && out.Status != 422 {
				t.Errorf("PATCH %v: %d %s", bad, out.Status, out.Body)
			}
		}
		e.expect(200, req{method: "GET", path: "/api/v1/me/reminders", as: "insider"}).json(t, &got)
		if got.Frequency != "weekly" || got.Hour != 7 || got.Timezone != "Europe/London" {
			t.Fatalf("bad values changed something: %+v", got)
		}
		// Another user's are their own.
		e.expect(200, req{method: "GET", path: "/api/v1/me/reminders", as: "outsider"}).json(t, &got)
		if got.Frequency != "daily" {
			t.Fatalf("the outsider's: %+v", got)
		}
		e.expect(403, req{method: "PATCH", path: "/api/v1/me/reminders", as: "readtoken", body: map[string]any{"frequency": "off"}})
		e.expect(401, req{method: "GET", path: "/api/v1/me/reminders", as: "public"})
		out := e.expect(404, req{method: "POST", path: "/api/v1/unsubscribe/not-a-token", as: "public", body: "List-Unsubscribe=One-Click",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, noSpec: true})
		if strings.Contains(string(out.Body), "not-a-token") {
			t.Fatalf("the 404 repeats the token: %s", out.Body)
		}
	})
}
