package api_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestMeetingLifecycle(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		m := e.createMeeting("GREEN", "undisclosed")
		id := m["id"].(string)
		if m["version"].(float64) != 1 || len(m["attendees"].([]any)) != 2 || len(m["topics"].([]any)) != 1 {
			t.Fatalf("created meeting: %v", m)
		}
		got := e.expect(200, req{method: "GET", path: "/api/v1/meetings/" + id, as: "coordinator"})
		if got.Header.Get("ETag") != `"1"` {
			t.Fatalf("ETag %q", got.Header.Get("ETag"))
		}
		if got.Header.Get("Cache-Control") != "no-store" || got.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("headers: %v", got.Header)
		}
		counts := got.obj(t)["action_items"].(map[string]any)
		if counts["total"].(float64) != 1 || counts["overdue"].(float64) != 1 {
			t.Fatalf("action item counts: %v", counts)
		}
		// A change with the current ETag applies and bumps the version.
		up := e.expect(200, req{method: "PATCH", path: "/api/v1/meetings/" + id, as: "coordinator", header: map[string]string{"If-Match": `"1"`},
			body: map[string]any{"title": "Renamed", "topics": []string{"Salt Typhoon", "Volt Typhoon"}}}).obj(t)
		if up["title"] != "Renamed" || up["version"].(float64) != 2 || len(up["topics"].([]any)) != 2 {
			t.Fatalf("patched: %v", up)
		}
		// The old ETag is stale now: 412 and nothing changes.
		e.expect(412, req{method: "PATCH", path: "/api/v1/meetings/" + id, as: "coordinator", header: map[string]string{"If-Match": `"1"`}, body: map[string]any{"title": "Lost"}})
		e.expect(412, req{method: "DELETE", path: "/api/v1/meetings/" + id, as: "coordinator", header: map[string]string{"If-Match": `"1"`}})
		if e.expect(200, req{method: "GET", path: "/api/v1/meetings/" + id, as: "coordinator"}).obj(t)["title"] != "Renamed" {
			t.Fatal("a stale write changed the meeting")
		}
		// Without If-Match the write applies to the current version.
		e.expect(200, req{method: "PATCH", path: "/api/v1/meetings/" + id, as: "coordinator", body: map[string]any{"follow_up_of_id": nil, "status": "scheduled"}})
		e.expect(204, req{method: "DELETE", path: "/api/v1/meetings/" + id, as: "coordinator", header: map[string]string{"If-Match": `"3"`}})
		e.expect(404, req{method: "GET", path: "/api/v1/meetings/" + id, as: "coordinator"})
		// Its action items went with it.
		list := e.expect(200, req{method: "GET", path: "/api/v1/action-items", as: "coordinator"}).obj(t)
		if n := len(list["items"].([]any)); n != 0 {
			t.Fatalf("%d action items of a deleted meeting still listed", n)
		}
	})
}

func TestMeetingListPagingAndFilters(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		for i := range 7 {
			b := e.meetingBody("GREEN", "public")
			b["title"] = fmt.Sprintf("Meeting %d", i)
			b["starts_at"] = fmt.Sprintf("2024-11-%02dT10:00:00Z", 10+i)
			b["ends_at"] = fmt.Sprintf("2024-11-%02dT11:00:00Z", 10+i)
			if i%2 == 0 {
				b["tlp"] = "AMBER"
				b["kind"] = "roundtable"
			}
			e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: b})
		}
		var titles []string
		cursor := ""
		for pages := 0; ; pages++ {
			path := "/api/v1/meetings?limit=3"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			var page struct {
				Items []struct {
					Title string `json:"title"`
				} `json:"items"`
				NextCursor *string `json:"next_cursor"`
			}
			e.expect(200, req{method: "GET", path: path, as: "coordinator"}).json(t, &page)
			for _, it := range page.Items {
				titles = append(titles, it.Title)
			}
			if page.NextCursor == nil {
				break
			}
			cursor = *page.NextCursor
			if pages > 5 {
				t.Fatal("paging does not end")
			}
		}
		want := "Meeting 6,Meeting 5,Meeting 4,Meeting 3,Meeting 2,Meeting 1,Meeting 0"
		if strings.Join(titles, ",") != want {
			t.Fatalf("paged titles %v, want %s", titles, want)
		}
		count := func(q string) int {
			var page struct{ Items []any }
			e.expect(200, req{method: "GET", path: "/api/v1/meetings?" + q, as: "coordinator"}).json(t, &page)
			return len(page.Items)
		}
		cases := map[string]int{
			"tlp=AMBER": 4, "tlp=AMBER,GREEN": 7, "kind=roundtable": 4, "from=2024-11-12&to=2024-11-14": 2,
			"from=2024-11-12T10:00:00Z": 5, "topic=salt%20typhoon": 7, "topic=nothing": 0, "q=meeting%203": 1,
			"sector=communications": 7, "sector=water": 0, "organization=" + e.w.telco.ID: 7, "status=scheduled": 0,
			"sort=title&limit=200": 7, "q=100%25": 0,
		}
		for q, n := range cases {
			if got := count(q); got != n {
				t.Errorf("%s: %d meetings, want %d", q, got, n)
			}
		}

		// Each list item is its meeting's detail without the detail-only
		// parts, for every caller, and a list read again (its items from
		// the cache) is the same bytes.
		for _, as := range []string{"coordinator", "insider", "outsider", "viewer"} {
			first := e.expect(200, req{method: "GET", path: "/api/v1/meetings?limit=4", as: as})
			again := e.expect(200, req{method: "GET", path: "/api/v1/meetings?limit=4", as: as})
			if !bytes.Equal(first.Body, again.Body) {
				t.Fatalf("%s: the list read again differs:\n%s\n%s", as, first.Body, again.Body)
			}
			var page struct{ Items []map[string]any }
			first.json(t, &page)
			for _, item := range page.Items {
				var detail map[string]any
				e.expect(200, req{method: "GET", path: "/api/v1/meetings/" + item["id"].(string), as: as}).json(t, &detail)
				delete(detail, "action_items")
				delete(detail, "follow_ups")
				if !reflect.DeepEqual(item, detail) {
					t.Fatalf("%s: list item %v\ndiffers from the detail %v", as, item, detail)
				}
			}
		}
	})
}

// A PATCH names each field that may not be null when a body sets it to
// null, changes nothing then, and clears the fields that null may clear.
func TestPatchNulls(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		m := e.createMeeting("GREEN", "undisclosed")
		id := m["id"].(string)
		bad := e.expect(422, req{method: "PATCH", path: "/api/v1/meetings/" + id, as: "coordinator",
			body: map[string]any{"title": nil, "tlp": nil, "location": "Room 2"}}).obj(t)
		var fields []string
		for _, fe := range bad["errors"].([]any) {
			f := fe.(map[string]any)
			if f["message"] != "must not be null" {
				t.Errorf("error %v", f)
			}
			fields = append(fields, f["field"].(string))
		}
		if strings.Join(fields, ",") != "title,tlp" {
			t.Fatalf("fields named: %v", fields)
		}
		if got := e.expect(200, req{method: "GET", path: "/api/v1/meetings/" + id, as: "coordinator"}).obj(t); got["version"].(float64) != 1 || got["location"] == "Room 2" {
			t.Fatalf("a refused patch changed the meeting: %v", got)
		}
		// An attendee's withholding reason and a person's email clear with null.
		var withheld map[string]any
		for _, a := range m["attendees"].([]any) {
			if a := a.(map[string]any); a["disclosure"] == "undisclosed" {
				withheld = a
			}
		}
		at := e.expect(200, req{method: "PATCH", path: "/api/v1/meetings/" + id + "/attendees/" + withheld["id"].(string), as: "coordinator",
			body: map[string]any{"disclosure": "public", "withholding_reason": nil}}).obj(t)
		if at["disclosure"] != "public" || at["withholding_reason"] != nil {
			t.Fatalf("attendee: %v", at)
		}
		e.expect(422, req{method: "PATCH", path: "/api/v1/meetings/" + id + "/attendees/" + withheld["id"].(string), as: "coordinator",
			body: map[string]any{"role": nil}})
		p := e.expect(200, req{method: "PATCH", path: "/api/v1/people/" + e.w.telcoP.ID, as: "coordinator", body: map[string]any{"email": nil}}).obj(t)
		if p["email"] != nil {
			t.Fatalf("person: %v", p)
		}
		e.expect(422, req{method: "PATCH", path: "/api/v1/people/" + e.w.telcoP.ID, as: "coordinator", body: map[string]any{"full_name": nil}})
	})
}
