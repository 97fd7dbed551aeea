package api_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"liaison/store"
)

// receiver is a webhook receiver listening on 127.0.0.1: it keeps what it
// receives and answers with the statuses it is told, then 204.
type receiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	got      []received
	statuses []int
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Clone(), b})
		status := http.StatusNoContent
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// verify checks a request's Standard Webhooks signature by hand.
func verify(t *testing.T, secret string, rc received) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatalf("secret %q is not whsec_ and base64", secret)
	}
	id, ts := rc.header.Get("webhook-id"), rc.header.Get("webhook-timestamp")
	if sec, err := strconv.ParseInt(ts, 10, 64); err != nil || time.Since(time.Unix(sec, 0)) > time.Minute {
		t.Fatalf("webhook-timestamp %q", ts)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(rc.body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if rc.header.Get("webhook-signature") != want {
		t.Fatalf("webhook-signature %q, want %q", rc.header.Get("webhook-signature"), want)
	}
}

// quickRetry retries a failed delivery at once.
type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(50 * time.Millisecond)
}

// TestWebhooks: an administrator registers an endpoint owned by a
// participant; its receiver gets signed events redacted for that
// participant, never one of a meeting they may not see or above the
// ceiling; a 500 is retried; an endpoint that keeps failing is disabled;
// test events, redelivery and the delivery log work.
func TestWebhooks(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.retry, e.deliveryAttempts = quickRetry{}, 3
		e.startJobs(t)
		outsider := must(e.st.CallerByEmail(ctx, "outsider@example.test"))
		rc := newReceiver(t, http.StatusInternalServerError) // the first attempt fails
		events := []string{"meeting.created", "meeting.deleted", "action_item.created", "action_item.status_changed", "update.created"}
		body := map[string]any{"url": rc.srv.URL + "/hooks", "event_types": events, "tlp_ceiling": "AMBER", "owner_user_id": outsider.UserID}
		for _, as := range []string{"coordinator", "outsider", "viewer"} {
			e.expect(403, req{method: "POST", path: "/api/v1/webhooks", as: as, body: body})
		}
		e.expect(403, req{method: "GET", path: "/api/v1/webhooks", as: "coordinator"})
		hook := e.expect(201, req{method: "POST", path: "/api/v1/webhooks", as: "admin", body: body}).obj(t)
		secret, id := hook["secret"].(string), hook["id"].(string)
		if !strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("secret %q", secret)
		}
		if got := e.expect(200, req{method: "GET", path: "/api/v1/webhooks/" + id, as: "admin"}).obj(t); got["secret"] != nil {
			t.Fatal("the secret is shown again")
		}

		// The outsider sees GREEN meetings, with the telecom withheld; not
		// AMBER ones they are not part of; RED is above the ceiling.
		green := e.createMeeting("GREEN", "undisclosed")
		amber := e.createMeeting("AMBER", "public")
		e.createMeeting("RED", "public")
		e.drainJobs(t)
		deadline := time.Now().Add(20 * time.Second)
		for len(rc.all()) < 3 && time.Now().Before(deadline) { // the meeting twice (a 500, then 204), its item once
			time.Sleep(20 * time.Millisecond)
		}
		got := rc.all()
		if len(got) != 3 {
			t.Fatalf("deliveries received: %d, want 3", len(got))
		}
		types, byID := map[string]int{}, map[string][]string{}
		for _, r := range got {
			verify(t, secret, r)
			var ev struct {
				Type string
				Data map[string]any
			}
			if err := json.Unmarshal(r.body, &ev); err != nil {
				t.Fatal(err)
			}
			types[ev.Type]++
			byID[r.header.Get("webhook-id")] = append(byID[r.header.Get("webhook-id")], ev.Type)
			for _, secretText := range []string{e.w.telco.Name, e.w.telco.ID, e.w.telcoP.FullName, e.w.telcoP.ID, "Briefing AMBER", "Briefing RED"} {
				if strings.Contains(string(r.body), secretText) {
					t.Fatalf("a payload for the outsider holds %q: %s", secretText, r.body)
				}
			}
		}
		// The meeting's delivery was tried twice under one webhook-id.
		if types["meeting.created"] < 1 || types["action_item.created"] < 1 || len(byID) != 2 {
			t.Fatalf("types %v by webhook-id %v", types, byID)
		}
		var log struct {
			Items []struct {
				ID, State      string
				EventType      string `json:"event_type"`
				Attempts       int
				ResponseStatus *int `json:"response_status"`
				Payload        map[string]any
			}
		}
		e.expect(200, req{method: "GET", path: "/api/v1/webhooks/" + id + "/deliveries", as: "admin"}).json(t, &log)
		if len(log.Items) != 2 {
			t.Fatalf("delivery log: %+v", log.Items)
		}
		for _, d := range log.Items {
			if d.State != "succeeded" || d.ResponseStatus == nil || *d.ResponseStatus != 204 {
				t.Fatalf("delivery %+v", d)
			}
		}
		for _, d := range log.Items {
			if data := d.Payload["data"].(map[string]any); d.EventType == "meeting.created" && data["id"] != green["id"] {
				t.Fatalf("the meeting delivered is %v, want the GREEN meeting", data["id"])
			}
		}

		// A test event and a redelivery reach the receiver, signed.
		e.expect(202, req{method: "POST", path: "/api/v1/webhooks/" + id + "/test", as: "admin"})
		e.expect(202, req{method: "POST", path: "/api/v1/webhooks/" + id + "/deliveries/" + log.Items[0].ID + "/redeliver", as: "admin"})
		e.expect(404, req{method: "POST", path: "/api/v1/webhooks/" + id + "/deliveries/" + id + "/redeliver", as: "admin"})
		waitFor(t, func() bool { return len(rc.all()) == 5 })
		last := rc.all()[3:]
		for _, r := range last {
			verify(t, secret, r)
		}
		if !strings.Contains(string(last[0].body)+string(last[1].body), `"webhook.test"`) {
			t.Fatalf("no test event among %s / %s", last[0].body, last[1].body)
		}

		// A rotated secret signs what follows.
		rotated := e.expect(200, req{method: "POST", path: "/api/v1/webhooks/" + id + "/rotate-secret", as: "admin"}).obj(t)["secret"].(string)
		if rotated == secret {
			t.Fatal("the secret did not change")
		}
		e.expect(202, req{method: "POST", path: "/api/v1/webhooks/" + id + "/test", as: "admin"})
		waitFor(t, func() bool { return len(rc.all()) == 6 })
		verify(t, rotated, rc.all()[5])

		// A receiver that always fails: every attempt, then the endpoint
		// is disabled and says why.
		bad := newReceiver(t, 500, 500, 500, 500)
		b2 := e.expect(201, req{method: "POST", path: "/api/v1/webhooks", as: "admin", body: map[string]any{"url": bad.srv.URL,
			"event_types": []string{"meeting.created"}, "tlp_ceiling": "GREEN", "owner_user_id": outsider.UserID}}).obj(t)
		e.expect(202, req{method: "POST", path: "/api/v1/webhooks/" + b2["id"].(string) + "/test", as: "admin"})
		waitFor(t, func() bool {
			h := e.expect(200, req{method: "GET", path: "/api/v1/webhooks/" + b2["id"].(string), as: "admin"}).obj(t)
			return h["enabled"] == false
		})
		h := e.expect(200, req{method: "GET", path: "/api/v1/webhooks/" + b2["id"].(string), as: "admin"}).obj(t)
		if len(bad.all()) != 3 || !strings.Contains(h["disabled_reason"].(string), "failed") {
			t.Fatalf("failing endpoint: %d attempts, %v", len(bad.all()), h)
		}
		// A disabled endpoint gets nothing more.
		e.createMeeting("GREEN", "public")
		e.drainJobs(t)
		time.Sleep(200 * time.Millisecond)
		if len(bad.all()) != 3 {
			t.Fatalf("a disabled endpoint received %d requests", len(bad.all()))
		}
		// A test event to a disabled endpoint is logged as not sent.
		e.expect(202, req{method: "POST", path: "/api/v1/webhooks/" + b2["id"].(string) + "/test", as: "admin"})
		var badLog struct {
			Items []struct{ State, Error string }
		}
		waitFor(t, func() bool {
			e.expect(200, req{method: "GET", path: "/api/v1/webhooks/" + b2["id"].(string) + "/deliveries", as: "admin"}).json(t, &badLog)
			return len(badLog.Items) == 2 && badLog.Items[0].State == "failed"
		})
		if !strings.Contains(badLog.Items[0].Error, "disabled") || len(bad.all()) != 3 {
			t.Fatalf("a test event to a disabled endpoint: %+v, %d requests", badLog.Items[0], len(bad.all()))
		}

		// Deleting a meeting the owner saw is sent as its id; deleting one
		// they could not see is not sent at all.
		e.expect(204, req{method: "DELETE", path: "/api/v1/meetings/" + amber["id"].(string), as: "coordinator"})
		e.expect(204, req{method: "DELETE", path: "/api/v1/meetings/" + green["id"].(string), as: "coordinator"})
		deleted := func() (n int, leaked bool) {
			for _, r := range rc.all() {
				if strings.Contains(string(r.body), `"meeting.deleted"`) {
					n++
					if !strings.Contains(string(r.body), green["id"].(string)) {
						t.Fatalf("a deletion of another meeting: %s", r.body)
					}
				}
				leaked = leaked || strings.Contains(string(r.body), amber["id"].(string))
			}
			return n, leaked
		}
		waitFor(t, func() bool { n, _ := deleted(); return n == 1 })
		e.drainJobs(t)
		time.Sleep(200 * time.Millisecond)
		if n, leaked := deleted(); n != 1 || leaked {
			t.Fatalf("deletions sent: %d; the AMBER meeting's id sent: %v", n, leaked)
		}
	})
}

// TestWebhookAddresses: private, loopback and link-local receivers are
// refused unless the operator allows them, at registration and when
// sending; a redirect to another host is not followed.
func TestWebhookAddresses(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.retry, e.deliveryAttempts = quickRetry{}, 1
		e.startJobs(t) // allows private addresses
		admin := must(e.st.CallerByEmail(ctx, "admin@example.test"))
		hook := func(url string) map[string]any {
			return map[string]any{"url": url, "event_types": []string{"meeting.created"}, "owner_user_id": admin.UserID}
		}
		// A redirect to another host fails the delivery.
		other := newReceiver(t)
		redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, strings.Replace(other.srv.URL, "127.0.0.1", "localhost", 1), http.StatusTemporaryRedirect)
		}))
		defer redirect.Close()
		h := e.expect(201, req{method: "POST", path: "/api/v1/webhooks", as: "admin", body: hook(redirect.URL)}).obj(t)
		e.expect(202, req{method: "POST", path: "/api/v1/webhooks/" + h["id"].(string) + "/test", as: "admin"})
		var log struct {
			Items []struct{ State, Error string }
		}
		waitFor(t, func() bool {
			e.expect(200, req{method: "GET", path: "/api/v1/webhooks/" + h["id"].(string) + "/deliveries", as: "admin"}).json(t, &log)
			return len(log.Items) == 1 && log.Items[0].State == "failed"
		})
		if !strings.Contains(log.Items[0].Error, "redirect") || len(other.all()) != 0 {
			t.Fatalf("redirect followed: %+v, %d received", log.Items, len(other.all()))
		}

		// Without the operator's leave, private addresses are refused.
		rc := newReceiver(t)
		e.st.AllowPrivateWebhooks(false)
		for _, url := range []string{"http://127.0.0.1:9/x", "http://10.0.0.8/x", "http://169.254.169.254/latest", "http://[::1]/x", "http://localhost/x"} {
			e.expect(422, req{method: "POST", path: "/api/v1/webhooks", as: "admin", body: hook(url)})
		}
		// An endpoint registered while allowed is not sent to once the
		// setting is off: the address is checked when connecting.
		e.st.AllowPrivateWebhooks(true)
		h2 := e.expect(201, req{method: "POST", path: "/api/v1/webhooks", as: "admin", body: hook(rc.srv.URL)}).obj(t)
		e.st.AllowPrivateWebhooks(false)
		e.expect(202, req{method: "POST", path: "/api/v1/webhooks/" + h2["id"].(string) + "/test", as: "admin"})
		waitFor(t, func() bool {
			e.expect(200, req{method: "GET", path: "/api/v1/webhooks/" + h2["id"].(string) + "/deliveries", as: "admin"}).json(t, &log)
			return len(log.Items) == 1 && log.Items[0].State == "failed"
		})
		if !strings.Contains(log.Items[0].Error, "private") || len(rc.all()) != 0 {
			t.Fatalf("a private address was reached: %+v", log.Items)
		}
		e.st.AllowPrivateWebhooks(true)
		_ = store.WebhookEventTypes
	})
}

// TestWebhookSendTimeChecks: each attempt is rendered for the endpoint's
// owner as they may see it then. A meeting raised to RED, a disabled
// owner, and an item whose meeting the owner may not see (though they own
// the item) are not sent, retried or redelivered; an endpoint whose owner
// is disabled can still be switched off.
func TestWebhookSendTimeChecks(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.retry, e.deliveryAttempts = quickRetry{}, 200
		e.startJobs(t)
		outsider := must(e.st.CallerByEmail(ctx, "outsider@example.test"))
		var up atomic.Bool
		var mu sync.Mutex
		var bodies []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			bodies = append(bodies, string(b))
			mu.Unlock()
			if up.Load() {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			w.WriteHeader(http.StatusInternalServerError)
		}))
		defer srv.Close()
		received := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), bodies...) }
		hook := e.expect(201, req{method: "POST", path: "/api/v1/webhooks", as: "admin", body: map[string]any{"url": srv.URL,
			"event_types": []string{"meeting.created", "meeting.updated", "action_item.status_changed"}, "tlp_ceiling": "RED", "owner_user_id": outsider.UserID}}).obj(t)
		id := hook["id"].(string)
		type delivery struct {
			ID, State, Error string
			EventType        string `json:"event_type"`
		}
		deliveries := func() []delivery {
			var log struct{ Items []delivery }
			e.expect(200, req{method: "GET", path: "/api/v1/webhooks/" + id + "/deliveries", as: "admin"}).json(t, &log)
			return log.Items
		}

		// The receiver fails while the meeting is raised to RED: the next
		// attempt finds the owner may not see it, and ends there.
		m := e.createMeeting("GREEN", "public")
		waitFor(t, func() bool { return len(received()) >= 1 })
		e.expect(200, req{method: "PATCH", path: "/api/v1/meetings/" + m["id"].(string), as: "coordinator", body: map[string]any{"tlp": "RED", "title": "Zqraised to RED"}})
		waitFor(t, func() bool { d := deliveries(); return len(d) == 1 && d[0].State == "failed" })
		up.Store(true)
		d := deliveries()[0]
		if !strings.Contains(d.Error, "may not see") {
			t.Fatalf("the delivery ended with %q", d.Error)
		}
		e.expect(202, req{method: "POST", path: "/api/v1/webhooks/" + id + "/deliveries/" + d.ID + "/redeliver", as: "admin"})
		waitFor(t, func() bool { return deliveries()[0].State == "failed" })
		time.Sleep(200 * time.Millisecond)
		for _, b := range received() {
			if strings.Contains(b, "Zqraised") || strings.Contains(b, `"RED"`) {
				t.Fatalf("the RED meeting was sent: %s", b)
			}
		}

		// An item the outsider's organisation owns, in an AMBER meeting it
		// is not part of: the outsider sees the item, not its meeting, and
		// its events are not sent (nor is its meeting's TLP told by them).
		body := e.meetingBody("AMBER", "public")
		body["action_items"] = []map[string]any{{"title": "Zqowned outside the room", "owner_organization_id": e.w.other.ID}}
		amber := e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: body}).obj(t)
		item := firstItem(t, e, amber["id"].(string))
		e.expect(200, req{method: "PATCH", path: "/api/v1/action-items/" + item["id"].(string), as: "outsider", body: map[string]any{"status": "in_progress"}})
		e.drainJobs(t)
		time.Sleep(200 * time.Millisecond)
		for _, b := range received() {
			if strings.Contains(b, "Zqowned") {
				t.Fatalf("an item of a meeting the owner may not see was sent: %s", b)
			}
		}

		// A delivered event, redelivered after its owner was disabled, is
		// not sent; the endpoint can still be switched off.
		e.createMeeting("CLEAR", "public")
		waitFor(t, func() bool {
			for _, d := range deliveries() {
				if d.State == "succeeded" {
					return true
				}
			}
			return false
		})
		sent := len(received())
		var ok delivery
		for _, d := range deliveries() {
			if d.State == "succeeded" {
				ok = d
			}
		}
		u := e.expect(200, req{method: "GET", path: "/api/v1/users/" + outsider.UserID, as: "admin"})
		e.expect(200, req{method: "PATCH", path: "/api/v1/users/" + outsider.UserID, as: "admin", body: map[string]any{"disabled": true},
			header: map[string]string{"If-Match": u.Header.Get("ETag")}})
		e.expect(202, req{method: "POST", path: "/api/v1/webhooks/" + id + "/deliveries/" + ok.ID + "/redeliver", as: "admin"})
		waitFor(t, func() bool {
			for _, d := range deliveries() {
				if d.ID == ok.ID {
					return d.State == "failed" && strings.Contains(d.Error, "owner is disabled")
				}
			}
			return false
		})
		if len(received()) != sent {
			t.Fatalf("sent for a disabled owner: %d requests, was %d", len(received()), sent)
		}
		h := e.expect(200, req{method: "GET", path: "/api/v1/webhooks/" + id, as: "admin"})
		e.expect(200, req{method: "PATCH", path: "/api/v1/webhooks/" + id, as: "admin", body: map[string]any{"enabled": false},
			header: map[string]string{"If-Match": h.Header.Get("ETag")}})
	})
}
