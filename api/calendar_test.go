package api_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"
)

// parseICS reads a calendar with a parser independent of the one that
// wrote it, and fails unless it is one well-formed VCALENDAR.
func parseICS(t *testing.T, out resp) *ical.Calendar {
	t.Helper()
	if out.Status != 200 || !strings.HasPrefix(out.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("calendar: %d %s %s", out.Status, out.Header.Get("Content-Type"), out.Body)
	}
	for _, line := range strings.SplitAfter(string(out.Body), "\r\n") {
		if line != "" && (!strings.HasSuffix(line, "\r\n") || strings.ContainsAny(strings.TrimSuffix(line, "\r\n"), "\r\n") || len(line) > 77) {
			t.Fatalf("calendar line is not a folded content line: %q", line)
		}
	}
	cal, err := ical.NewDecoder(bytes.NewReader(out.Body)).Decode()
	if err != nil {
		t.Fatalf("calendar does not parse: %v\n%s", err, out.Body)
	}
	return cal
}

func text(t *testing.T, c *ical.Component, name string) string {
	t.Helper()
	p := c.Props.Get(name)
	if p == nil {
		return ""
	}
	v, err := p.Text()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func TestMeetingCalendar(t *testing.T) {
	eachDB(t, testMeetingCalendar)
}

func testMeetingCalendar(t *testing.T, e *env) {
	b := e.meetingBody("GREEN", "undisclosed")
	b["summary"] = "First line; with, punctuation \\ and\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected\r\nSUMMARY:evil"
	b["location"] = "Room 1, West Wing; secure"
	m := e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: b}).obj(t)
	id := m["id"].(string)
	start := time.Date(2024, 11, 22, 19, 0, 0, 0, time.UTC)

	for _, viaAccept := range []bool{false, true} {
		r := req{method: "GET", path: "/api/v1/meetings/" + id + ".ics", as: "coordinator"}
		if viaAccept {
			r = req{method: "GET", path: "/api/v1/meetings/" + id, as: "coordinator", header: map[string]string{"Accept": "text/calendar"}}
		}
		out := e.do(r)
		cal := parseICS(t, out)
		evs := cal.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events, want 1:\n%s", len(evs), out.Body)
		}
		ev := evs[0]
		if got := text(t, ev.Component, ical.PropSummary); got != "[TLP:GREEN] "+b["title"].(string) {
			t.Errorf("SUMMARY %q", got)
		}
		if got := text(t, ev.Component, ical.PropLocation); got != b["location"] {
			t.Errorf("LOCATION %q", got)
		}
		desc := text(t, ev.Component, ical.PropDescription)
		if !strings.Contains(desc, "END:VEVENT\nBEGIN:VEVENT") || !strings.Contains(desc, "Xanthippe Hiddenname (Zephyrtel Secretcorp)") {
			t.Errorf("DESCRIPTION %q", desc)
		}
		if p := ev.Props.Get(ical.PropDateTimeStart); p.Params.Get(ical.ParamTimezoneID) != "America/New_York" || p.Value != "20241122T140000" {
			t.Errorf("DTSTART %v %q, want 14:00 in America/New_York", p.Params, p.Value)
		}
		if got, err := ev.DateTimeStart(time.UTC); err != nil || !got.Equal(start) {
			t.Errorf("DTSTART is %v (%v), want %v", got, err, start)
		}
		if got, err := ev.DateTimeEnd(time.UTC); err != nil || !got.Equal(start.Add(time.Hour)) {
			t.Errorf("DTEND is %v (%v)", got, err)
		}
		if cats := ev.Props.Get(ical.PropCategories); cats == nil || cats.Value != "TLP:GREEN" {
			t.Errorf("CATEGORIES %v", cats)
		}
		var zones int
		for _, c := range cal.Children {
			if c.Name == ical.CompTimezone && text(t, c, ical.PropTimezoneID) == "America/New_York" {
				zones++
				for _, o := range c.Children {
					if o.Props.Get(ical.PropTimezoneOffsetTo).Value != "-0500" {
						t.Errorf("New York in November is at -0500, not %s", o.Props.Get(ical.PropTimezoneOffsetTo).Value)
					}
				}
			}
		}
		if zones != 1 {
			t.Errorf("%d VTIMEZONE for America/New_York", zones)
		}
		if cd := out.Header.Get("Content-Disposition"); !strings.Contains(cd, ".ics") {
			t.Errorf("Content-Disposition %q", cd)
		}
	}

	// Redacted as the JSON is; hidden as the JSON is.
	cal := parseICS(t, e.do(req{method: "GET", path: "/api/v1/meetings/" + id + ".ics", as: "viewer"}))
	desc := text(t, cal.Events()[0].Component, ical.PropDescription)
	if strings.Contains(desc, "Xanthippe") || strings.Contains(desc, "Zephyrtel") || !strings.Contains(desc, "; withheld") {
		t.Errorf("the viewer's DESCRIPTION %q", desc)
	}
	amber := e.createMeeting("AMBER", "public")["id"].(string)
	if out := e.do(req{method: "GET", path: "/api/v1/meetings/" + amber + ".ics", as: "outsider"}); out.Status != 404 {
		t.Errorf("an AMBER meeting's calendar for an outsider: %d", out.Status)
	}

	// A meeting across a change of offset names both offsets.
	b = e.meetingBody("CLEAR", "public")
	b["timezone"] = "Europe/Berlin"
	b["starts_at"], b["ends_at"] = "2024-03-31T00:30:00Z", "2024-03-31T02:30:00Z"
	berlin := e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: b}).obj(t)["id"].(string)
	cal = parseICS(t, e.do(req{method: "GET", path: "/api/v1/meetings/" + berlin + ".ics", as: "viewer"}))
	ev := cal.Events()[0]
	if ev.Props.Get(ical.PropDateTimeStart).Value != "20240331T013000" || ev.Props.Get(ical.PropDateTimeEnd).Value != "20240331T043000" {
		t.Errorf("Berlin times: %s–%s", ev.Props.Get(ical.PropDateTimeStart).Value, ev.Props.Get(ical.PropDateTimeEnd).Value)
	}
	var onset []string
	for _, c := range cal.Children {
		for _, o := range c.Children {
			onset = append(onset, o.Name+" "+o.Props.Get(ical.PropDateTimeStart).Value+" "+o.Props.Get(ical.PropTimezoneOffsetFrom).Value+" "+o.Props.Get(ical.PropTimezoneOffsetTo).Value)
		}
	}
	if len(onset) != 2 || onset[1] != "DAYLIGHT 20240331T020000 +0100 +0200" {
		t.Errorf("Berlin's observances: %q", onset)
	}
}

func TestCalendarFeed(t *testing.T) {
	eachDB(t, testCalendarFeed)
}

func testCalendarFeed(t *testing.T, e *env) {
	// The insider attends a GREEN meeting, is invited to a RED one, and
	// attended another RED one; their organisation owns an item of each.
	green := e.createMeeting("GREEN", "undisclosed")["id"].(string)
	red := e.meetingBody("RED", "public")
	red["title"], red["location"] = "Zqsecret red session", "Zqsecret bunker"
	red["attendees"].([]map[string]any)[1]["attendance"] = "invited"
	redInvited := e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: red}).obj(t)["id"].(string)
	redAttended := e.createMeeting("RED", "public")["id"].(string)
	amber := e.meetingBody("AMBER", "public")
	amber["attendees"] = amber["attendees"].([]map[string]any)[:1]
	// Without the insider: the meeting is not in the feed, the due date of
	// the item their organisation owns is.
	amberID := e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: amber}).obj(t)["id"].(string)
	e.st.SetClock(func() time.Time { return time.Date(2024, 12, 1, 12, 0, 0, 0, time.UTC) })

	tok := e.expect(201, req{method: "POST", path: "/api/v1/me/tokens", as: "insider", body: map[string]any{"name": "Calendar", "scope": "calendar"}}).obj(t)
	secret := tok["token"].(string)
	feed := "/api/v1/calendar/" + secret + ".ics"
	out := e.do(req{method: "GET", path: feed})
	cal := parseICS(t, out)
	byUID := map[string]*ical.Component{}
	for _, ev := range cal.Events() {
		byUID[text(t, ev.Component, ical.PropUID)] = ev.Component
	}
	for _, id := range []string{green, redAttended} {
		if byUID[id+"@liaison"] == nil {
			t.Errorf("the feed lacks meeting %s:\n%s", id, out.Body)
		}
	}
	if len(byUID) != 3+4 || byUID[amberID+"@liaison"] != nil {
		t.Errorf("%d events, want 3 meetings and 4 due dates:\n%s", len(byUID), out.Body)
	}
	// The RED meeting the user did not attend: its time alone, in UTC,
	// under a UID that does not name it.
	var ri *ical.Component
	for _, ev := range cal.Events() {
		if text(t, ev.Component, ical.PropSummary) == "TLP:RED meeting" {
			ri = ev.Component
		}
	}
	if ri == nil || ri.Props.Get(ical.PropLocation) != nil || ri.Props.Get(ical.PropDescription) != nil || ri.Props.Get(ical.PropStatus) != nil ||
		ri.Props.Get(ical.PropDateTimeStart).Params.Get(ical.ParamTimezoneID) != "" || !strings.HasSuffix(ri.Props.Get(ical.PropDateTimeStart).Value, "Z") {
		t.Errorf("a RED meeting the user did not attend shows more than its time:\n%s", out.Body)
	}
	if strings.Contains(string(out.Body), "Zqsecret") || strings.Contains(string(out.Body), redInvited) {
		t.Errorf("the feed names the RED meeting the user did not attend")
	}
	if ra := byUID[redAttended+"@liaison"]; !strings.HasPrefix(text(t, ra, ical.PropSummary), "[TLP:RED] Briefing") {
		t.Errorf("the attended RED meeting: %q", text(t, ra, ical.PropSummary))
	}
	var due, opaque, hidden int
	for _, ev := range cal.Events() {
		summary := text(t, ev.Component, ical.PropSummary)
		if summary == "Due: an action item of a TLP:RED meeting" {
			opaque++
		}
		if summary == "Due: an action item" { // of the AMBER meeting the user may not see
			hidden++
		}
		if strings.HasPrefix(summary, "Due: ") {
			due++
			if p := ev.Props.Get(ical.PropDateTimeStart); p.Value != "20241206" || p.ValueType() != ical.ValueDate {
				t.Errorf("a due date's DTSTART: %v", p)
			}
		}
	}
	if due != 4 || opaque != 1 || hidden != 1 {
		t.Errorf("%d due dates, %d of a RED meeting, %d of a hidden one; want 4, 1, 1", due, opaque, hidden)
	}

	// The secret opens the feed and nothing else, and ends with revocation.
	if out := e.do(req{method: "GET", path: "/api/v1/me", header: map[string]string{"Authorization": "Bearer " + secret}}); out.Status != 401 {
		t.Errorf("the calendar secret as a bearer token: %d", out.Status)
	}
	readTok := e.expect(201, req{method: "POST", path: "/api/v1/me/tokens", as: "insider", body: map[string]any{"name": "r", "scope": "read"}}).obj(t)
	for _, p := range []string{"/api/v1/calendar/" + readTok["token"].(string) + ".ics", "/api/v1/calendar/" + secret, "/api/v1/calendar/lsn_nosuchsecret.ics"} {
		if out := e.do(req{method: "GET", path: p}); out.Status != 404 {
			t.Errorf("%s: %d", p, out.Status)
		}
	}
	e.expect(204, req{method: "DELETE", path: "/api/v1/me/tokens/" + tok["id"].(string), as: "insider"})
	if out := e.do(req{method: "GET", path: feed}); out.Status != 404 {
		t.Errorf("a revoked feed: %d", out.Status)
	}

	// Someone who attends nothing has an empty calendar.
	out = e.do(req{method: "GET", path: "/api/v1/calendar/" + e.expect(201, req{method: "POST", path: "/api/v1/me/tokens", as: "viewer", body: map[string]any{"name": "c", "scope": "calendar"}}).obj(t)["token"].(string) + ".ics"})
	if cal := parseICS(t, out); len(cal.Events()) != 0 {
		t.Errorf("the viewer's feed:\n%s", out.Body)
	}
}
