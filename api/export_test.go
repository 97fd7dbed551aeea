package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"liaison/store"
)

// readCSV parses a CSV export into its header and rows by column name.
func readCSV(t *testing.T, out resp) (header []string, rows []map[string]string) {
	t.Helper()
	if out.Status != 200 {
		t.Fatalf("export: status %d: %s", out.Status, out.Body)
	}
	if ct := out.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("export: Content-Type %q", ct)
	}
	recs, err := csv.NewReader(bytes.NewReader(out.Body)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("export is not CSV (%v): %.300s", err, out.Body)
	}
	header = recs[0]
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range header {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return header, rows
}

// allPages follows a JSON list's cursors to its end.
func (e *env) allPages(t *testing.T, path, as string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	cursor := ""
	for {
		p := path + sep + "limit=37"
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Items      []map[string]any `json:"items"`
			NextCursor *string          `json:"next_cursor"`
		}
		e.expect(200, req{method: "GET", path: p, as: as}).json(t, &page)
		out = append(out, page.Items...)
		if page.NextCursor == nil {
			return out
		}
		cursor = *page.NextCursor
	}
}

// attendeeText names a JSON attendee as the export is documented to.
func attendeeText(a map[string]any) string {
	p, _ := a["person"].(map[string]any)
	o, _ := a["organization"].(map[string]any)
	switch {
	case p != nil && o != nil:
		return fmt.Sprint(p["full_name"], " (", o["name"], ")")
	case p != nil:
		return fmt.Sprint(p["full_name"])
	case o != nil:
		return fmt.Sprint(o["name"])
	case a["sector"] != nil:
		return fmt.Sprint("withheld (", a["sector"], ")")
	}
	return "withheld"
}

func TestExportCSV(t *testing.T) {
	eachDB(t, testExportCSV)
}

func testExportCSV(t *testing.T, e *env) {
	// More meetings than one page of the export, at every TLP and
	// disclosure, one of them titled like formulas.
	for i := range 3 {
		for _, tlp := range []string{"CLEAR", "GREEN", "AMBER", "RED"} {
			for _, d := range []string{"public", "organization_only", "undisclosed"} {
				b := e.meetingBody(tlp, d)
				b["title"] = fmt.Sprintf("Briefing %s %s %d", tlp, d, i)
				b["starts_at"] = time.Date(2024, 11, 1+i, 19, 0, 0, 0, time.UTC).Format(time.RFC3339)
				b["ends_at"] = time.Date(2024, 11, 1+i, 20, 0, 0, 0, time.UTC).Format(time.RFC3339)
				e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: b})
			}
		}
	}
	coord := must(e.st.CallerByEmail(ctx, "coordinator@example.test"))
	for i := range 200 {
		start := time.Date(2023, 1, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		must(e.st.CreateMeeting(ctx, coord, store.MeetingInput{Title: fmt.Sprintf("Bulk call %03d", i), StartsAt: start, EndsAt: start.Add(time.Hour),
			Timezone: "UTC", Modality: "virtual", Kind: "call", Status: "held", TLP: "GREEN", HostOrganizationID: e.w.gov.ID}))
	}
	formula := e.meetingBody("CLEAR", "public")
	formula["title"] = "=HYPERLINK(\"http://evil.example\")"
	formula["summary"] = "@SUM(A1)"
	formula["location"] = "-2+3"
	formula["public_readout"] = "\tindented"
	e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: formula})

	t.Run("meetings as each caller equal the JSON list", func(t *testing.T) {
		for _, as := range []string{"coordinator", "insider", "outsider", "viewer", "readtoken"} {
			for _, filter := range []string{"", "tlp=CLEAR,GREEN&sort=title", "organization=" + e.w.telco.ID, "q=briefing&sort=-created_at"} {
				want := e.allPages(t, "/api/v1/meetings?"+filter, as)
				viaRoute := e.do(req{method: "GET", path: "/api/v1/meetings.csv?" + filter, as: as})
				viaAccept := e.do(req{method: "GET", path: "/api/v1/meetings?" + filter, as: as, header: map[string]string{"Accept": "text/csv"}})
				for _, out := range []resp{viaRoute, viaAccept} {
					if cd := out.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="liaison-meetings-`) || !strings.HasSuffix(cd, `.csv"`) {
						t.Errorf("Content-Disposition %q", cd)
					}
					header, rows := readCSV(t, out)
					if header[0] != "id" || !slices.Contains(header, "attendees") {
						t.Fatalf("header %v", header)
					}
					if len(rows) != len(want) {
						t.Fatalf("as %s with %q: %d rows, the JSON list has %d", as, filter, len(rows), len(want))
					}
					for i, m := range want {
						r := rows[i]
						var atts []string
						for _, a := range m["attendees"].([]any) {
							atts = append(atts, attendeeText(a.(map[string]any)))
						}
						if r["id"] != m["id"] || strings.TrimPrefix(r["title"], "'") != m["title"] || r["tlp"] != m["tlp"] || r["attendees"] != strings.Join(atts, "; ") {
							t.Fatalf("as %s with %q, row %d: %v; JSON: %v", as, filter, i, r, m)
						}
					}
				}
			}
		}
	})

	t.Run("formulas are neutralised", func(t *testing.T) {
		_, rows := readCSV(t, e.do(req{method: "GET", path: "/api/v1/meetings.csv?tlp=CLEAR&sort=title", as: "coordinator"}))
		var found bool
		for _, r := range rows {
			if strings.Contains(r["title"], "HYPERLINK") {
				found = true
				if r["title"] != "'=HYPERLINK(\"http://evil.example\")" || r["summary"] != "'@SUM(A1)" || r["location"] != "'-2+3" || r["public_readout"] != "'\tindented" {
					t.Errorf("formula cells not prefixed: %q %q %q %q", r["title"], r["summary"], r["location"], r["public_readout"])
				}
			}
		}
		if !found {
			t.Fatal("the meeting titled like a formula is not in the export")
		}
	})

	t.Run("action items redact owners as the JSON does", func(t *testing.T) {
		for _, as := range []string{"coordinator", "insider", "outsider", "viewer"} {
			want := e.allPages(t, "/api/v1/action-items?sort=title", as)
			_, rows := readCSV(t, e.do(req{method: "GET", path: "/api/v1/action-items.csv?sort=title", as: as}))
			if len(rows) != len(want) || len(want) == 0 {
				t.Fatalf("as %s: %d rows, the JSON list has %d", as, len(rows), len(want))
			}
			for i, it := range want {
				org := ""
				if o, _ := it["owner_organization"].(map[string]any); o != nil {
					org = fmt.Sprint(o["name"])
				}
				r := rows[i]
				if r["id"] != it["id"] || r["owner_organization"] != org || r["owner_redacted"] != fmt.Sprint(it["owner_redacted"]) {
					t.Fatalf("as %s, row %d: %v; JSON: %v", as, i, r, it)
				}
				if it["meeting_id"] == nil && (r["meeting_id"] != "" || r["meeting_title"] != "") {
					t.Fatalf("as %s, row %d names a meeting the JSON hides: %v", as, i, r)
				}
			}
		}
		// A meeting's items, by Accept.
		m := e.allPages(t, "/api/v1/meetings?tlp=CLEAR", "coordinator")[0]
		_, rows := readCSV(t, e.do(req{method: "GET", path: "/api/v1/meetings/" + m["id"].(string) + "/action-items", as: "coordinator", header: map[string]string{"Accept": "text/csv"}}))
		if len(rows) != 1 || rows[0]["meeting_id"] != m["id"] {
			t.Errorf("a meeting's items as CSV: %v", rows)
		}
	})

	t.Run("bad input is a problem, not a file", func(t *testing.T) {
		for _, p := range []string{"/api/v1/meetings.csv?tlp=BLUE", "/api/v1/action-items.csv?due_before=soon", "/api/v1/meetings.csv?limit=0", "/api/v1/meetings.csv?limit=10", "/api/v1/action-items.csv?cursor=x", "/api/v1/meetings.csv?colour=red"} {
			out := e.do(req{method: "GET", path: p, as: "coordinator"})
			if out.Status != 400 || !strings.HasPrefix(out.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s: %d %s %s", p, out.Status, out.Header.Get("Content-Type"), out.Body)
			}
		}
		if out := e.do(req{method: "GET", path: "/api/v1/meetings.csv"}); out.Status != 401 {
			t.Errorf("an export without credentials: %d", out.Status)
		}
	})

	t.Run("JSON stays the default", func(t *testing.T) {
		for _, accept := range []string{"", "*/*", "application/json", "application/json, text/csv;q=0.5"} {
			out := e.do(req{method: "GET", path: "/api/v1/meetings?limit=1", as: "viewer", header: map[string]string{"Accept": accept}})
			if !strings.HasPrefix(out.Header.Get("Content-Type"), "application/json") {
				t.Errorf("Accept %q: %s", accept, out.Header.Get("Content-Type"))
			}
		}
	})
}
