package api_test

import (
	"strings"
	"testing"
)

// auditCount is how many audit events name the entity.
func (e *env) auditCount(t *testing.T, entityID, action string) int {
	t.Helper()
	out := e.expect(200, req{method: "GET", path: "/api/v1/audit-events?limit=200&entity_id=" + entityID + "&action=" + action, as: "admin"}).obj(t)
	return len(out["items"].([]any))
}

func TestDeleteDirectoryRecords(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		coord := func(method, path string, body any) req {
			return req{method: method, path: "/api/v1" + path, as: "coordinator", body: body}
		}
		{ // Unreferenced records are deleted and audited.
			org := e.expect(201, coord("POST", "/organizations", map[string]any{"name": "Short-lived Org", "kind": "nonprofit", "sector": "water"})).obj(t)
			person := e.expect(201, coord("POST", "/people", map[string]any{"full_name": "Short Lived", "organization_id": org["id"]})).obj(t)
			topic := e.expect(201, coord("POST", "/topics", map[string]any{"name": "Short-lived topic"})).obj(t)
			for _, r := range []struct{ path, id string }{
				{"/people/", person["id"].(string)}, {"/organizations/", org["id"].(string)}, {"/topics/", topic["id"].(string)},
			} {
				e.expect(204, req{method: "DELETE", path: "/api/v1" + r.path + r.id, as: "coordinator", header: map[string]string{"If-Match": `"1"`}})
				e.expect(404, coord("GET", r.path+r.id, nil))
				if n := e.auditCount(t, r.id, "delete"); n != 1 {
					t.Errorf("%s%s: %d delete events, want 1", r.path, r.id, n)
				}
			}
		}
		{ // An attendee is deleted and audited.
			m := e.createMeeting("GREEN", "public")
			att := m["attendees"].([]any)[1].(map[string]any)
			path := "/meetings/" + m["id"].(string) + "/attendees/" + att["id"].(string)
			e.expect(204, coord("DELETE", path, nil))
			e.expect(404, coord("GET", path, nil))
			if n := e.auditCount(t, att["id"].(string), "delete"); n != 1 {
				t.Errorf("%d delete events for the attendee, want 1", n)
			}
		}
		{ // Referenced records are a 409 that names what refers to them.
			e.createMeeting("GREEN", "public") // a second meeting, whose attendees all stay
			cases := []struct{ path, want string }{
				{"/organizations/" + e.w.telco.ID, "1 person, 1 attendance, 2 action items it owns"},
				{"/organizations/" + e.w.gov.ID, "1 person, 2 meetings it hosts, 2 attendances"},
				{"/people/" + e.w.telcoP.ID, "1 user, 1 attendance"},
			}
			for _, tc := range cases {
				out := e.expect(409, coord("DELETE", tc.path, nil))
				if !strings.Contains(string(out.Body), tc.want) {
					t.Errorf("DELETE %s: %s, want it to name %q", tc.path, out.Body, tc.want)
				}
				e.expect(200, coord("GET", tc.path, nil))
			}
			topics := e.expect(200, coord("GET", "/topics?q=salt", nil)).obj(t)["items"].([]any)
			out := e.expect(409, coord("DELETE", "/topics/"+topics[0].(map[string]any)["id"].(string), nil))
			if !strings.Contains(string(out.Body), "2 meetings") {
				t.Errorf("topic delete: %s", out.Body)
			}
		}
	})
}

func TestPatchEdges(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		org := e.expect(201, req{method: "POST", path: "/api/v1/organizations", as: "coordinator", body: map[string]any{"name": "Patch Target", "kind": "nonprofit", "sector": "water", "country": "GB"}}).obj(t)
		path := "/api/v1/organizations/" + org["id"].(string)
		m := e.createMeeting("GREEN", "public")
		mpath := "/api/v1/meetings/" + m["id"].(string)
		{ // A body that is not an object is a 400 and changes nothing.
			for _, body := range []string{"null", " null ", "[]", "42", `"x"`, "true"} {
				e.expect(400, req{method: "PATCH", path: path, as: "coordinator", body: body})
				e.expect(400, req{method: "PATCH", path: mpath, as: "coordinator", body: body})
			}
			if v := e.expect(200, req{method: "GET", path: path, as: "coordinator"}).Header.Get("ETag"); v != `"1"` {
				t.Fatalf("ETag %s after refused patches", v)
			}
		}
		{ // A patch that changes nothing keeps the version and is not audited.
			for _, body := range []any{map[string]any{}, map[string]any{"name": "Patch Target", "country": "gb"}} {
				out := e.expect(200, req{method: "PATCH", path: path, as: "coordinator", body: body, header: map[string]string{"If-Match": `"1"`}})
				if out.Header.Get("ETag") != `"1"` || out.obj(t)["version"].(float64) != 1 {
					t.Fatalf("no-op patch %v bumped the version: %s", body, out.Body)
				}
			}
			if n := e.auditCount(t, org["id"].(string), "update"); n != 0 {
				t.Fatalf("%d update events for no-op patches", n)
			}
			out := e.expect(200, req{method: "PATCH", path: mpath, as: "coordinator", body: map[string]any{"title": m["title"], "topics": []string{"salt typhoon"}}})
			if out.obj(t)["version"].(float64) != 1 {
				t.Fatalf("a meeting patch with the same title and topics bumped the version: %s", out.Body)
			}
			out = e.expect(200, req{method: "PATCH", path: mpath, as: "coordinator", body: map[string]any{"topics": []string{"Salt Typhoon", "Volt Typhoon"}}})
			if out.obj(t)["version"].(float64) != 2 {
				t.Fatalf("a change of topics alone kept the version: %s", out.Body)
			}
			// A real change still bumps it.
			out = e.expect(200, req{method: "PATCH", path: path, as: "coordinator", body: map[string]any{"country": "FR"}})
			if out.Header.Get("ETag") != `"2"` {
				t.Fatalf("a real change: ETag %s", out.Header.Get("ETag"))
			}
		}
		{ // If-Match is compared strongly.
			for _, tc := range []struct {
				value  string
				status int
			}{
				{`W/"2"`, 412}, {`"1"`, 412}, {`"999"`, 412},
				{`2`, 400}, {`"2`, 400}, {`abc`, 400}, {`"2", "3"`, 400},
			} {
				e.expect(tc.status, req{method: "PATCH", path: path, as: "coordinator", body: map[string]any{"country": "DE"}, header: map[string]string{"If-Match": tc.value}})
				e.expect(tc.status, req{method: "DELETE", path: path, as: "coordinator", header: map[string]string{"If-Match": tc.value}})
			}
			e.expect(200, req{method: "PATCH", path: path, as: "coordinator", body: map[string]any{"country": "DE"}, header: map[string]string{"If-Match": `W/"9", "2"`}})
			e.expect(200, req{method: "PATCH", path: path, as: "coordinator", body: map[string]any{"country": "IT"}, header: map[string]string{"If-Match": `*`}})
		}
	})
}

func TestEmptyQueryValuesAreRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		for _, q := range []string{"/meetings?limit=", "/meetings?q=", "/meetings?status=", "/action-items?overdue=", "/organizations?sector=", "/stats/meetings?group_by=month&from=", "/audit-events?action="} {
			out := e.expect(400, req{method: "GET", path: "/api/v1" + q, as: "admin"})
			name := q[strings.IndexByte(q, '?')+1:]
			if i := strings.LastIndexByte(name, '&'); i >= 0 {
				name = name[i+1:]
			}
			if !strings.Contains(string(out.Body), `"field":"`+strings.TrimSuffix(name, "=")+`"`) {
				t.Errorf("%s: %s", q, out.Body)
			}
		}
		e.expect(400, req{method: "GET", path: "/api/v1/public/meetings?topic=", as: "public"})
	})
}

// TestEveryProblemAtOnce: a new meeting's field errors come in one answer,
// so that a form shows them all after one submit.
func TestEveryProblemAtOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		out := e.expect(422, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: map[string]any{
			"ends_at": "2024-11-22T10:00:00Z", "starts_at": "2024-11-22T11:00:00Z", "tlp": "PURPLE",
			"attendees": []map[string]any{{"disclosure": "undisclosed"}}}})
		for _, f := range []string{"title", "ends_at", "modality", "kind", "tlp", "host_organization_id", "attendees[0].withholding_reason"} {
			if !strings.Contains(string(out.Body), `"field":"`+f+`"`) {
				t.Errorf("no error for %s in %s", f, out.Body)
			}
		}
	})
}
