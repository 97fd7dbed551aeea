package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"liaison/models"
	"liaison/store"
)

// FuzzBindJSON feeds any body to the request decoder behind every write:
// it must accept only a JSON object and refuse everything else with a
// client error, never panic and never answer 5xx.
func FuzzBindJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, ` null`, `[]`, `42`, `"x"`, `true`, ``, `{`, `{"title":"x"} {}`, `{"title":"x"}]`,
		`{"title":1}`, `{"starts_at":"22/11/2024"}`, `{"starts_at":"2024-11-22T15:00:00Z","ends_at":"2024-11-22T16:00:00Z"}`,
		`{"attendees":[{"disclosure":"public","person_id":7}]}`, `{"action_items":[{"title":"t","due_on":"2024-02-30"}]}`,
		`{"topics":null}`, `{"topics":["a",1]}`, `{"follow_up_of_id":null}`, `{"unknown":1}`, `{"title":"\u0000"}`,
		`{"title":1e400}`, `{"a":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`, "\xff\xfe{}",
	} {
		f.Add([]byte(s))
	}
	targets := []func() any{
		func() any { return new(createMeetingRequest) },
		func() any { return new(store.MeetingPatch) },
		func() any { return new(attendeeRequest) },
		func() any { return new(actionItemRequest) },
		func() any { return new(store.OrganizationPatch) },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, target := range targets {
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Request = httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			c.Request.Header.Set("Content-Type", "application/json")
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodyBytes)
			err := bindJSON(c, target())
			if err == nil {
				if rest := bytes.TrimLeft(body, " \t\r\n"); len(rest) == 0 || rest[0] != '{' {
					t.Fatalf("accepted a body that is not an object: %q", body)
				}
				continue
			}
			p := toProblem(err)
			if !slices.Contains([]int{400, 413, 415, 422}, p.Status) {
				t.Fatalf("%q into %T: status %d (%v)", body, target(), p.Status, err)
			}
			if strings.Contains(p.Detail, "json:") {
				t.Fatalf("%q: the detail leaks the decoder's message: %s", body, p.Detail)
			}
		}
	})
}

// FuzzQuery feeds any query string to the list parameter parser: it must
// refuse what it cannot read with a 400 naming the parameters, and what it
// accepts must hold only allowed values.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{
		"", "limit=10&sort=title", "limit=", "limit=0", "limit=201", "limit=1e2", "limit=%2B5", "status=held,scheduled", "status=held,",
		"from=2024-02-30", "from=2024-11-22T15:00:00Z", "from=2024-11-22", "to=2024-11-22T15:00:00%2B01:00", "%zz", "a=1&a=2",
		"limit=1&limit=2", "tlp=AMBER%2BSTRICT", "tlp=AMBER+STRICT", "overdue=TRUE", "due_on=2024-1-2", "country=us", "country=u5",
		"sort=-title", "sort=title;DROP", "q=%00", ";", "&&&", "=x",
	} {
		f.Add(s)
	}
	sorts := []string{"starts_at", "-starts_at", "title", "-title"}
	f.Fuzz(func(t *testing.T, raw string) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
		c.Request.URL.RawQuery = raw
		q := newQuery(c, "from", "to", "status", "tlp", "overdue", "due_on", "country", "q")
		from, to := q.instant("from"), q.instant("to")
		status, tlp := q.enum("status", models.MeetingStatuses), q.enum("tlp", models.TLPs)
		q.boolean("overdue")
		q.date("due_on")
		q.match("country", countryParam, "must be two letters")
		p := q.page(slices.Clone(sorts))
		err := q.err()
		if err != nil {
			pr := toProblem(err)
			if pr.Status != 400 || len(pr.Errors) == 0 {
				t.Fatalf("%q: %d %+v", raw, pr.Status, pr)
			}
			return
		}
		if p.Limit < 1 || p.Limit > 200 || (p.Sort != "" && !slices.Contains(sorts, p.Sort)) {
			t.Fatalf("%q accepted as %+v", raw, p)
		}
		for _, v := range status {
			if !slices.Contains(models.MeetingStatuses, v) {
				t.Fatalf("%q accepted status %q", raw, v)
			}
		}
		for _, v := range tlp {
			if !slices.Contains(models.TLPs, v) {
				t.Fatalf("%q accepted tlp %q", raw, v)
			}
		}
		if (from != nil && from.Year() < 0) || (to != nil && to.Year() > 9999) {
			t.Fatalf("%q accepted the instants %v %v", raw, from, to)
		}
	})
}
