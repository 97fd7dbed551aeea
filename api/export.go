package api

import (
	"encoding/csv"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"liaison/store"
)

// CSV exports: the meeting and action-item lists as spreadsheets, with
// the same filters and sort as the JSON list and every row the caller may
// see rather than one page. Each row is made from the JSON list's DTO, so
// it is redacted exactly as the JSON is for that caller.

const (
	mimeCSV = "text/csv"
	// exportPage is how many rows each read of an export fetches.
	exportPage = 200
	keyCSV     = "liaison.csv"
	// exportPageTimeout is how long writing each page may take.
	exportPageTimeout = 60 * time.Second
)

// asCSV marks a request of a .csv route as asking for CSV.
func asCSV(c *gin.Context) {
	c.Set(keyCSV, true)
	c.Next()
}

// wantsCSV tells whether the list is asked for as CSV: on a .csv route, or
// with an Accept header that prefers text/csv to JSON.
func wantsCSV(c *gin.Context) bool {
	if c.GetBool(keyCSV) {
		return true
	}
	return c.GetHeader("Accept") != "" && c.NegotiateFormat(gin.MIMEJSON, mimeCSV) == mimeCSV
}

// writeCSV streams the rows of fetch, page after page from the first, as
// CSV named name. The first page is read before anything is written, so
// that a refused request is still a problem; a failure after that cuts the
// response short, so that no client mistakes a partial file for a whole.
func writeCSV[V any](c *gin.Context, name string, header []string, fetch func(cursor string) ([]V, *string, error), row func(V) []string) error {
	for _, p := range []string{"limit", "cursor"} {
		if _, given := c.GetQuery(p); given {
			return badRequest("an export holds every row from the first: leave out limit and cursor", store.FieldError{Field: p, Message: "does not apply to an export"})
		}
	}
	rows, next, err := fetch("")
	if err != nil {
		return err
	}
	file := "liaison-" + name + "-" + time.Now().UTC().Format("2006-01-02") + ".csv"
	c.Header("Content-Type", mimeCSV+"; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+file+`"`)
	c.Status(http.StatusOK)
	// The server's write timeout bounds one page's write, not the whole
	// file, which may take longer.
	rc := http.NewResponseController(c.Writer)
	w := csv.NewWriter(c.Writer)
	cells := make([]string, len(header))
	write := func(rec []string) error {
		for i, v := range rec {
			cells[i] = formulaSafe(v)
		}
		return w.Write(cells)
	}
	if err := write(header); err != nil {
		return abortStream(c, err)
	}
	for {
		for _, r := range rows {
			if err := write(row(r)); err != nil {
				return abortStream(c, err)
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return abortStream(c, err)
		}
		c.Writer.Flush()
		_ = rc.SetWriteDeadline(time.Now().Add(exportPageTimeout)) // not every server has one
		if next == nil {
			return nil
		}
		if rows, next, err = fetch(*next); err != nil {
			return abortStream(c, err)
		}
	}
}

// abortStream ends a response whose body has begun: the connection is cut
// rather than the body ended cleanly, so the client sees that it is short.
func abortStream(c *gin.Context, err error) error {
	slog.Error("export cut short", "request_id", requestID(c), "error", err)
	panic(http.ErrAbortHandler)
}

// formulaSafe keeps a spreadsheet from reading a cell as a formula: a
// value that starts with =, +, -, @, a tab or a carriage return is
// prefixed with a single quote.
func formulaSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

var meetingCSVHeader = []string{"id", "title", "starts_at", "ends_at", "timezone", "location", "modality", "kind", "status", "tlp",
	"host_organization_id", "host", "topics", "attendees", "summary", "public_readout", "follow_up_of_id", "version", "created_at", "updated_at"}

func meetingCSVRow(v store.MeetingView) []string {
	d := toMeeting(v)
	host := ""
	if d.Host != nil {
		host = d.Host.Name
	}
	topics := make([]string, len(d.Topics))
	for i, t := range d.Topics {
		topics[i] = t.Name
	}
	atts := make([]string, len(d.Attendees))
	for i, a := range d.Attendees {
		atts[i] = attendeeCell(a)
	}
	return []string{d.ID, d.Title, stamp(d.StartsAt), stamp(d.EndsAt), d.Timezone, d.Location, d.Modality, d.Kind, d.Status, d.TLP,
		d.HostOrganizationID, host, strings.Join(topics, "; "), strings.Join(atts, "; "), d.Summary, d.PublicReadout, deref(d.FollowUpOfID),
		strconv.Itoa(d.Version), stamp(d.CreatedAt), stamp(d.UpdatedAt)}
}

// attendeeCell names an attendee as the JSON shows them: "Person
// (Organisation)", the organisation alone, or "withheld" with the sector
// when that is shown.
func attendeeCell(a attendeeDTO) string {
	switch {
	case a.Person != nil && a.Organization != nil:
		return a.Person.FullName + " (" + a.Organization.Name + ")"
	case a.Person != nil:
		return a.Person.FullName
	case a.Organization != nil:
		return a.Organization.Name
	case a.Sector != nil:
		return "withheld (" + *a.Sector + ")"
	}
	return "withheld"
}

var actionItemCSVHeader = []string{"id", "meeting_id", "meeting_title", "title", "description", "owner_person_id", "owner_person",
	"owner_organization_id", "owner_organization", "owner_redacted", "due_on", "status", "priority", "overdue", "completed_at",
	"version", "created_at", "updated_at"}

func actionItemCSVRow(v store.ActionItemView) []string {
	d := toActionItem(v)
	person, org, due, completed := "", "", "", ""
	if d.OwnerPerson != nil {
		person = d.OwnerPerson.FullName
	}
	if d.OwnerOrganization != nil {
		org = d.OwnerOrganization.Name
	}
	if d.DueOn != nil {
		due = d.DueOn.String()
	}
	if d.CompletedAt != nil {
		completed = stamp(*d.CompletedAt)
	}
	return []string{d.ID, deref(d.MeetingID), deref(d.MeetingTitle), d.Title, d.Description, deref(d.OwnerPersonID), person,
		deref(d.OwnerOrganizationID), org, strconv.FormatBool(d.OwnerRedacted), due, d.Status, d.Priority, strconv.FormatBool(d.Overdue),
		completed, strconv.Itoa(d.Version), stamp(d.CreatedAt), stamp(d.UpdatedAt)}
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
