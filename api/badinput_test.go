package api_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestBadInputChangesNothing sends every class of bad input and checks the
// status, the problem+json shape, and that nothing was written.
func TestBadInputChangesNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		valid := func() map[string]any { return e.meetingBody("GREEN", "undisclosed") }
		with := func(k string, v any) map[string]any { b := valid(); b[k] = v; return b }
		withAttendee := func(k string, v any) map[string]any {
			b := valid()
			b["attendees"].([]map[string]any)[1][k] = v
			return b
		}
		withItem := func(k string, v any) map[string]any {
			b := valid()
			b["action_items"].([]map[string]any)[0][k] = v
			return b
		}
		cases := []struct {
			name   string
			body   any
			ctype  string
			status int
			field  string
		}{
			{"malformed JSON", `{"title": "x",`, "", 400, ""},
			{"not JSON at all", `title=x`, "", 400, ""},
			{"trailing data", `{"title":"x"} {"title":"y"}`, "", 400, ""},
			{"trailing garbage", `{"title":"x"}]`, "", 400, ""},
			{"empty body", ``, "", 400, ""},
			{"array instead of object", `[]`, "", 400, ""},
			{"unknown field", with("secret_field", 1), "", 400, "secret_field"},
			{"mass assignment of id", with("id", "0000"), "", 400, "id"},
			{"mass assignment of version", with("version", 9), "", 400, "version"},
			{"mass assignment of created_by", with("created_by", "someone"), "", 400, "created_by"},
			{"wrong type", with("title", 42), "", 400, "title"},
			{"wrong nested type", withAttendee("person_id", 7), "", 400, "attendees.person_id"},
			{"bad timestamp", with("starts_at", "22/11/2024"), "", 400, "starts_at"},
			{"impossible due date", withItem("due_on", "2024-02-30"), "", 400, "action_items.due_on"},
			{"due date in another format", withItem("due_on", "12/06/2024"), "", 400, "action_items.due_on"},
			{"bad enum", with("tlp", "PURPLE"), "", 422, "tlp"},
			{"bad nested enum", withAttendee("disclosure", "secret"), "", 422, "attendees[1].disclosure"},
			{"withheld without a reason", withAttendee("withholding_reason", ""), "", 422, "attendees[1].withholding_reason"},
			{"ends before it starts", with("ends_at", "2024-11-22T18:00:00Z"), "", 422, "ends_at"},
			{"unknown time zone", with("timezone", "Mars/Olympus"), "", 422, "timezone"},
			{"missing host", with("host_organization_id", "no-such-org"), "", 422, "host_organization_id"},
			{"unknown owner", withItem("owner_person_id", "nobody"), "", 422, "action_items[0].owner_person_id"},
			{"bad item status", withItem("status", "finished"), "", 422, "action_items[0].status"},
			{"missing required", map[string]any{"title": "only a title"}, "", 422, "starts_at"},
			{"wrong content type", valid(), "text/plain", 415, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: tc.body}
				if tc.ctype != "" {
					r.header = map[string]string{"Content-Type": tc.ctype}
				}
				out := e.expect(tc.status, r)
				if ct := out.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Fatalf("content type %q", ct)
				}
				p := out.obj(t)
				if p["status"].(float64) != float64(tc.status) || p["type"] == "" || p["title"] == "" {
					t.Fatalf("problem: %v", p)
				}
				if tc.field != "" && !strings.Contains(string(out.Body), `"field":"`+tc.field+`"`) {
					t.Fatalf("no error for field %s: %s", tc.field, out.Body)
				}
				for _, leak := range []string{"SELECT", "INSERT", "sqlite", "gorm", "goroutine", ".go:"} {
					if strings.Contains(string(out.Body), leak) {
						t.Fatalf("error detail leaks %q: %s", leak, out.Body)
					}
				}
			})
		}
		assertEmpty(t, e)

		// Oversized bodies: declared and chunked.
		big := `{"title":"` + strings.Repeat("x", 1<<20) + `"}`
		e.expect(413, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: big})
		hr, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/meetings", io.MultiReader(strings.NewReader(big)))
		hr.ContentLength = -1 // chunked
		hr.Header.Set("Content-Type", "application/json")
		hr.Header.Set("Authorization", "Bearer "+e.tokens["coordinator"])
		res, err := http.DefaultClient.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		res.Body.Close()
		if res.StatusCode != 413 {
			t.Fatalf("chunked oversize: %d %s", res.StatusCode, b.String())
		}
		assertEmpty(t, e)
	})
}

func assertEmpty(t *testing.T, e *env) {
	t.Helper()
	for _, path := range []string{"/api/v1/meetings", "/api/v1/action-items", "/api/v1/topics"} {
		var page struct{ Items []any }
		e.expect(200, req{method: "GET", path: path, as: "admin"}).json(t, &page)
		if len(page.Items) != 0 {
			t.Fatalf("bad input wrote %d rows to %s", len(page.Items), path)
		}
	}
}

func TestBadQueries(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, q := range []string{
		"/api/v1/meetings?limit=0", "/api/v1/meetings?limit=201", "/api/v1/meetings?limit=ten",
		"/api/v1/meetings?unknown=1", "/api/v1/meetings?tlp=PURPLE", "/api/v1/meetings?status=held,over",
		"/api/v1/meetings?from=yesterday", "/api/v1/meetings?sort=summary", "/api/v1/meetings?sort=title;DROP%20TABLE%20meetings",
		"/api/v1/meetings?cursor=not-a-cursor", "/api/v1/meetings?limit=5&limit=6", "/api/v1/meetings?sector=space",
		"/api/v1/action-items?overdue=yes", "/api/v1/action-items?owner=you", "/api/v1/action-items?due_before=2024-13-01",
		"/api/v1/action-items?priority=urgent", "/api/v1/organizations?kind=company", "/api/v1/people?sort=email",
	} {
		out := e.expect(400, req{method: "GET", path: q, as: "coordinator"})
		if !strings.Contains(string(out.Body), `"errors"`) {
			t.Errorf("%s: no field errors: %s", q, out.Body)
		}
	}
	// A cursor from one sort is refused by another.
	for range 3 {
		e.createMeeting("GREEN", "public")
	}
	var page struct {
		NextCursor *string `json:"next_cursor"`
	}
	e.expect(200, req{method: "GET", path: "/api/v1/meetings?limit=1", as: "coordinator"}).json(t, &page)
	e.expect(400, req{method: "GET", path: "/api/v1/meetings?limit=1&sort=title&cursor=" + *page.NextCursor, as: "coordinator"})
	e.expect(200, req{method: "GET", path: "/api/v1/meetings?limit=1&cursor=" + *page.NextCursor, as: "coordinator"})
	// Unknown routes and methods are problems too.
	e.expect(404, req{method: "GET", path: "/api/v1/nothing", as: "coordinator", noSpec: true})
	e.expect(405, req{method: "PUT", path: "/api/v1/meetings", as: "coordinator", noSpec: true})
	e.expect(401, req{method: "GET", path: "/api/v1/meetings"})
	e.expect(401, req{method: "GET", path: "/api/v1/meetings", header: map[string]string{"Authorization": "Bearer lsn_wrong"}})
}

// A new action item whose meeting or owners cannot be found is refused
// with the field that failed, whether the meeting never existed or was
// deleted, and writes nothing: alone, or among good writes sharing its
// batch, which all succeed.
func TestCreateActionItemRefusesWhatItCannotFind(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		live := e.createMeeting("GREEN", "public")["id"].(string)
		gone := e.createMeeting("GREEN", "public")["id"].(string)
		e.expect(204, req{method: "DELETE", path: "/api/v1/meetings/" + gone, as: "coordinator"})
		item := func(k string, v any) map[string]any {
			b := map[string]any{"meeting_id": live, "title": "Rotate keys", "due_on": "2030-01-01"}
			if k != "" {
				b[k] = v
			}
			return b
		}
		count := func() int {
			var page struct{ Items []any }
			e.expect(200, req{method: "GET", path: "/api/v1/action-items?limit=200", as: "admin"}).json(t, &page)
			return len(page.Items)
		}
		before := count()
		cases := []struct {
			name   string
			body   map[string]any
			fields []string
		}{
			{"unknown meeting", item("meeting_id", "no-such-meeting"), []string{"meeting_id"}},
			{"deleted meeting", item("meeting_id", gone), []string{"meeting_id"}},
			{"unknown person", item("owner_person_id", "nobody"), []string{"owner_person_id"}},
			{"unknown organization", item("owner_organization_id", "no-org"), []string{"owner_organization_id"}},
			{"unknown meeting and person", map[string]any{"meeting_id": "no-such-meeting", "title": "x", "owner_person_id": "nobody"}, []string{"meeting_id", "owner_person_id"}},
		}
		var wg sync.WaitGroup
		for _, tc := range cases {
			for i := range 4 { // the bad write and good ones, at once
				wg.Add(1)
				go func() {
					defer wg.Done()
					if i > 0 {
						if out := e.do(req{method: "POST", path: "/api/v1/action-items", as: "coordinator", body: item("", nil)}); out.Status != 201 {
							t.Errorf("%s: a good write beside it: %d %s", tc.name, out.Status, out.Body)
						}
						return
					}
					out := e.do(req{method: "POST", path: "/api/v1/action-items", as: "coordinator", body: tc.body})
					if out.Status != 422 {
						t.Errorf("%s: %d %s, want 422", tc.name, out.Status, out.Body)
						return
					}
					for _, f := range tc.fields {
						if !strings.Contains(string(out.Body), `"field":"`+f+`"`) {
							t.Errorf("%s: no error for %s: %s", tc.name, f, out.Body)
						}
					}
				}()
			}
		}
		wg.Wait()
		if got, want := count(), before+3*len(cases); got != want {
			t.Fatalf("%d action items, want %d: the good writes only", got, want)
		}
	})
}

// TestNULIsRefused: a NUL in any text is a 400 on both databases (Postgres
// cannot store one); a backslash followed by "u0000" is text like any.
func TestNULIsRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		b := e.meetingBody("GREEN", "public")
		b["title"] = "Nul\x00title"
		if out := e.do(req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: b}); out.Status != 400 {
			t.Errorf("a NUL in a title: %d %s", out.Status, out.Body)
		}
		b["title"] = `Path C:\u0000`
		e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: b})
	})
}
