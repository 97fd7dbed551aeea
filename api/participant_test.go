package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func firstItem(t *testing.T, e *env, meetingID string) map[string]any {
	t.Helper()
	var page struct{ Items []map[string]any }
	e.expect(200, req{method: "GET", path: "/api/v1/meetings/" + meetingID + "/action-items", as: "coordinator"}).json(t, &page)
	if len(page.Items) == 0 {
		t.Fatal("no action item")
	}
	return page.Items[0]
}

func TestParticipantUpdatesOwnActionItems(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		m := e.createMeeting("AMBER", "undisclosed")
		item := firstItem(t, e, m["id"].(string))
		path := "/api/v1/action-items/" + item["id"].(string)

		// The owner's organisation may change the status, and only the status.
		got := e.expect(200, req{method: "PATCH", path: path, as: "insider", body: map[string]any{"status": "done"}}).obj(t)
		if got["status"] != "done" || got["completed_at"] == nil || got["version"].(float64) != 2 {
			t.Fatalf("status change: %v", got)
		}
		e.expect(403, req{method: "PATCH", path: path, as: "insider", body: map[string]any{"title": "Renamed by a participant"}})
		e.expect(403, req{method: "PATCH", path: path, as: "insider", body: map[string]any{"status": "open", "owner_organization_id": nil}})
		e.expect(201, req{method: "POST", path: path + "/updates", as: "insider", body: map[string]any{"body": "Reopened: the vendor patch failed.", "status": "in_progress"}})
		var ups struct{ Items []map[string]any }
		e.expect(200, req{method: "GET", path: path + "/updates", as: "insider"}).json(t, &ups)
		if len(ups.Items) != 1 || ups.Items[0]["status_from"] != "done" || ups.Items[0]["status_to"] != "in_progress" {
			t.Fatalf("updates: %v", ups.Items)
		}
		if got := e.expect(200, req{method: "GET", path: path, as: "coordinator"}).obj(t); got["status"] != "in_progress" || got["completed_at"] != nil {
			t.Fatalf("after update: %v", got)
		}
		// A participant of another organisation cannot see the AMBER meeting at all.
		e.expect(404, req{method: "GET", path: path, as: "outsider"})
		e.expect(404, req{method: "PATCH", path: path, as: "outsider", body: map[string]any{"status": "done"}})
		e.expect(404, req{method: "POST", path: path + "/updates", as: "outsider", body: map[string]any{"body": "x"}})
		e.expect(404, req{method: "GET", path: path + "/updates", as: "outsider"})
		// On a GREEN meeting the outsider sees the item but may not change it.
		g := e.createMeeting("GREEN", "public")
		gi := firstItem(t, e, g["id"].(string))
		e.expect(403, req{method: "PATCH", path: "/api/v1/action-items/" + gi["id"].(string), as: "outsider", body: map[string]any{"status": "done"}})
		e.expect(403, req{method: "PATCH", path: "/api/v1/action-items/" + gi["id"].(string), as: "viewer", body: map[string]any{"status": "done"}})
		// owner=me lists what the caller's person or organisation owns.
		var mine struct{ Items []map[string]any }
		e.expect(200, req{method: "GET", path: "/api/v1/action-items?owner=me", as: "insider"}).json(t, &mine)
		if len(mine.Items) != 2 || mine.Items[0]["can_edit"] != true {
			t.Fatalf("owner=me: %v", mine.Items)
		}
		e.expect(200, req{method: "GET", path: "/api/v1/action-items?owner=me&overdue=true", as: "insider"}).json(t, &mine)
		if len(mine.Items) != 2 {
			t.Fatalf("owner=me&overdue: %d", len(mine.Items))
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		body := e.meetingBody("GREEN", "public")
		h := map[string]string{"Idempotency-Key": "retry-1"}
		a := e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: body, header: h})
		b := e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: body, header: h})
		if a.obj(t)["id"] != b.obj(t)["id"] || b.Header.Get("Location") != a.Header.Get("Location") {
			t.Fatalf("replay gave another meeting")
		}
		body["title"] = "Something else"
		e.expect(422, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: body, header: h})
		// Keys are per user: another user's same key is a new request.
		e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "admin", body: body, header: h})
		var page struct{ Items []any }
		e.expect(200, req{method: "GET", path: "/api/v1/meetings", as: "admin"}).json(t, &page)
		if len(page.Items) != 2 {
			t.Fatalf("%d meetings, want 2", len(page.Items))
		}
	})
}

// TestConcurrentWrites: 64 clients writing at once get no error and lose
// no row, on SQLite's single writer and on Postgres alike.
func TestConcurrentWrites(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		m := e.createMeeting("GREEN", "public")
		const clients, each = 64, 5
		var wg sync.WaitGroup
		errs := make(chan string, clients*each)
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					var out resp
					if i%2 == 0 {
						out = e.do(req{method: "POST", path: "/api/v1/action-items", as: "coordinator",
							body: map[string]any{"meeting_id": m["id"], "title": fmt.Sprintf("item %d-%d", c, i), "due_on": "2030-01-01"}})
					} else {
						b := e.meetingBody("GREEN", "public")
						b["title"] = fmt.Sprintf("meeting %d-%d", c, i)
						out = e.do(req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: b})
					}
					if out.Status != 201 {
						errs <- fmt.Sprintf("%d %s", out.Status, out.Body)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for msg := range errs {
			t.Error(msg)
			if strings.Contains(msg, "locked") {
				t.Fatal("database is locked reached a client")
			}
		}
		countAll := func(path string) int {
			n, cursor := 0, ""
			for {
				var page struct {
					Items      []any
					NextCursor *string `json:"next_cursor"`
				}
				e.expect(200, req{method: "GET", path: path + "?limit=200" + cursor, as: "coordinator"}).json(t, &page)
				n += len(page.Items)
				if page.NextCursor == nil {
					return n
				}
				cursor = "&cursor=" + *page.NextCursor
			}
		}
		wantItems := 1 + clients*3 + clients*2 // the first meeting's, the direct ones, one per nested meeting
		if n := countAll("/api/v1/action-items"); n != wantItems {
			t.Errorf("%d action items, want %d", n, wantItems)
		}
		if n := countAll("/api/v1/meetings"); n != 1+clients*2 {
			t.Errorf("%d meetings, want %d", n, 1+clients*2)
		}
	})
}

// TestOwnersSeeWhatTheyOwn: an item handed to an organisation that was not
// in the room is the owners' to see and act on, while its meeting stays
// hidden from them.
func TestOwnersSeeWhatTheyOwn(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		body := e.meetingBody("RED", "public") // the insider's person attends; the outsider's organisation does not
		body["title"] = "Zqsecret restricted session"
		body["action_items"] = []map[string]any{{"title": "Rotate the utility's VPN credentials", "owner_organization_id": e.w.other.ID, "due_on": "2024-12-06"}}
		m := e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: body}).obj(t)
		mid := m["id"].(string)
		var items struct{ Items []map[string]any }
		e.expect(200, req{method: "GET", path: "/api/v1/action-items?meeting=" + mid, as: "admin"}).json(t, &items)
		item := items.Items[0]["id"].(string)

		e.expect(404, req{method: "GET", path: "/api/v1/meetings/" + mid, as: "outsider"})
		e.expect(404, req{method: "GET", path: "/api/v1/meetings/" + mid + "/action-items", as: "outsider"})
		got := e.expect(200, req{method: "GET", path: "/api/v1/action-items/" + item, as: "outsider"})
		if v := got.obj(t); v["meeting_id"] != nil || v["meeting_title"] != nil || v["can_edit"] != true {
			t.Fatalf("the owner's view: %s", got.Body)
		}
		e.expect(200, req{method: "GET", path: "/api/v1/action-items?owner=me", as: "outsider"}).json(t, &items)
		if len(items.Items) != 1 || items.Items[0]["id"] != item {
			t.Fatalf("owner=me: %v", items.Items)
		}
		e.expect(200, req{method: "PATCH", path: "/api/v1/action-items/" + item, as: "outsider", body: map[string]any{"status": "in_progress"}})
		e.expect(201, req{method: "POST", path: "/api/v1/action-items/" + item + "/updates", as: "outsider", body: map[string]any{"body": "Rotation under way."}})
		ups := e.expect(200, req{method: "GET", path: "/api/v1/action-items/" + item + "/updates", as: "outsider"})
		for _, out := range []resp{got, ups} {
			if strings.Contains(string(out.Body), mid) || strings.Contains(string(out.Body), "Zqsecret") {
				t.Fatalf("an owner learns of the meeting: %s", out.Body)
			}
		}
		// Others of no owning organisation still get 404.
		e.expect(404, req{method: "GET", path: "/api/v1/action-items/" + item, as: "viewer"})
	})
}
