package api_test

import (
	"os"
	"strings"
	"testing"
)

func TestImports(t *testing.T) {
	eachDB(t, testImports)
}

func testImports(t *testing.T, e *env) {
	file, err := os.ReadFile("../importer/testdata/whitehouse-excerpt.csv")
	if err != nil {
		t.Fatal(err)
	}
	csv := map[string]string{"Content-Type": "text/csv"}
	path := "/api/v1/imports?format=whitehouse-calendars&source=excerpt.csv"

	var dry, done, again struct {
		Rows, Created, Unchanged int
		Rejected                 []struct{ Row int }
		Meetings                 []struct {
			Row       int
			Outcome   string
			MeetingID *string `json:"meeting_id"`
		}
	}
	e.expect(200, req{method: "POST", path: path + "&dry_run=true", as: "coordinator", body: file, header: csv}).json(t, &dry)
	if dry.Rows != 25 || dry.Created == 0 || dry.Created+len(dry.Rejected) != 25 || dry.Meetings[0].MeetingID != nil {
		t.Fatalf("dry run: %+v", dry)
	}
	if out := e.do(req{method: "GET", path: "/api/v1/public/meetings?limit=5", as: "public"}); strings.Contains(string(out.Body), "Council on Environmental Quality") {
		t.Fatal("the dry run wrote meetings")
	}
	e.expect(201, req{method: "POST", path: path, as: "coordinator", body: file, header: csv}).json(t, &done)
	if done.Created != dry.Created || done.Meetings[0].MeetingID == nil {
		t.Fatalf("import: %+v", done)
	}
	// Imported meetings are public records, and name their source row.
	e.expect(200, req{method: "GET", path: "/api/v1/public/meetings/" + *done.Meetings[0].MeetingID, as: "public"})
	var m struct {
		Source struct {
			Name string
			Row  int
		}
	}
	e.expect(200, req{method: "GET", path: "/api/v1/meetings/" + *done.Meetings[0].MeetingID, as: "viewer"}).json(t, &m)
	if m.Source.Name != "excerpt.csv" || m.Source.Row != done.Meetings[0].Row {
		t.Errorf("the meeting's source: %+v", m.Source)
	}
	e.expect(200, req{method: "POST", path: path, as: "coordinator", body: file, header: csv}).json(t, &again)
	if again.Created != 0 || again.Unchanged != done.Created {
		t.Errorf("the same file again: %+v", again)
	}

	for _, c := range []struct {
		as, path, ctype string
		body            any
		want            int
	}{
		{"insider", path, "text/csv", file, 403},
		{"viewer", path, "text/csv", file, 403},
		{"readtoken", path, "text/csv", file, 403},
		{"coordinator", "/api/v1/imports?source=x.csv", "text/csv", file, 400},
		{"coordinator", "/api/v1/imports?format=csv", "text/csv", file, 400},
		{"coordinator", "/api/v1/imports?format=excel&source=x", "text/csv", file, 400},
		{"coordinator", path, "application/json", file, 415},
		{"coordinator", "/api/v1/imports?format=csv&source=x.csv", "text/csv", "title,colour\nA,red\n", 422},
		{"coordinator", path, "text/csv", strings.Repeat("x", 2<<20), 413},
	} {
		out := e.do(req{method: "POST", path: c.path, as: c.as, body: c.body, header: map[string]string{"Content-Type": c.ctype}})
		if out.Status != c.want || !strings.HasPrefix(out.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s %s (%s): %d %s, want %d", c.as, c.path, c.ctype, out.Status, out.Body, c.want)
		}
	}
}
