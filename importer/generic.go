package importer

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"liaison/models"
)

// The columns of the generic CSV format (see the package documentation).
var genericColumns = []string{
	"title", "date", "starts_at", "ends_at", "start_time", "end_time", "timezone",
	"location", "modality", "kind", "host_organization", "host", "attendees",
	"organizations", "topics", "summary", "public_readout",
}

// Liaison's limits on a meeting's text.
const (
	maxLocation      = 300
	maxSummary       = 50000
	maxPublicReadout = 20000
	maxDuration      = 31 * 24 * time.Hour
)

func readGeneric(r io.Reader) ([]Record, []Rejection, error) {
	t := newTable(r)
	header, _, err := t.next()
	if errors.Is(err, io.EOF) {
		return nil, nil, errors.New("the file is empty: want a header row")
	}
	if err != nil {
		return nil, nil, err
	}
	header = slices.Clone(header)
	col, err := headerIndex(header, genericColumns, []string{"title"})
	if err != nil {
		return nil, nil, err
	}
	_, hasDate := col["date"]
	_, hasStart := col["starts_at"]
	if !hasDate && !hasStart {
		return nil, nil, errors.New(`bad header: missing column "date" or "starts_at"`)
	}
	var (
		recs []Record
		rejs []Rejection
	)
	for {
		cells, row, err := t.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		if reason := checkCells(cells, len(header)); reason != "" {
			rejs = append(rejs, Rejection{row, reason})
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(cells) {
				return cells[i]
			}
			return ""
		}
		rec, reason := genericRecord(get)
		if reason != "" {
			rejs = append(rejs, Rejection{row, reason})
			continue
		}
		rec.Row = row
		rec.Hash = hashCells(cells)
		recs = append(recs, rec)
	}
	return recs, rejs, nil
}

// checkCells says what is wrong with a row's cells as a whole: none
// filled in, or text beyond the header's columns. Fewer cells than the
// header are empty ones.
func checkCells(cells []string, columns int) string {
	empty := true
	for i, c := range cells {
		if clean(c) == "" {
			continue
		}
		if i >= columns {
			return fmt.Sprintf("has %d cells, but the header names %d columns", len(cells), columns)
		}
		empty = false
	}
	if empty {
		return "empty row"
	}
	return ""
}

// genericRecord makes the record of one row, or says why it cannot.
func genericRecord(get func(string) string) (Record, string) {
	var rec Record
	if rec.Title = clean(get("title")); rec.Title == "" {
		return Record{}, "no title"
	}
	if len(rec.Title) > maxTitle {
		return Record{}, fmt.Sprintf("title is longer than %d bytes", maxTitle)
	}
	if reason := genericTime(&rec, get); reason != "" {
		return Record{}, reason
	}

	rec.Modality = strings.ToLower(clean(get("modality")))
	if rec.Modality != "" && !slices.Contains(models.Modalities, rec.Modality) {
		return Record{}, fmt.Sprintf("modality %q is not one of %s", clean(get("modality")), strings.Join(models.Modalities, ", "))
	}
	rec.Kind = strings.ToLower(clean(get("kind")))
	if rec.Kind != "" && !slices.Contains(models.MeetingKinds, rec.Kind) {
		return Record{}, fmt.Sprintf("kind %q is not one of %s", clean(get("kind")), strings.Join(models.MeetingKinds, ", "))
	}
	if rec.Location = clean(get("location")); len(rec.Location) > maxLocation {
		return Record{}, fmt.Sprintf("location is longer than %d bytes", maxLocation)
	}
	if rec.Summary = cleanText(get("summary")); len(rec.Summary) > maxSummary {
		return Record{}, fmt.Sprintf("summary is longer than %d bytes", maxSummary)
	}
	if rec.PublicReadout = cleanText(get("public_readout")); len(rec.PublicReadout) > maxPublicReadout {
		return Record{}, fmt.Sprintf("public_readout is longer than %d bytes", maxPublicReadout)
	}

	var u unknowns
	rec.HostOrganization = clean(get("host_organization"))
	for i, item := range splitList(get("host"), ";") {
		p, ok := onePerson(item, rec.HostOrganization, &u)
		switch {
		case !ok:
		case i == 0:
			rec.Host = &p
		default:
			rec.Officials = addPerson(rec.Officials, p)
		}
	}
	for _, item := range splitList(get("attendees"), ";") {
		if p, ok := onePerson(item, "", &u); ok {
			rec.Attendees = addPerson(rec.Attendees, p)
		}
	}
	for _, o := range splitList(get("organizations"), ";") {
		rec.Organizations = addOrg(rec.Organizations, o)
	}
	for _, t := range splitList(get("topics"), ";") {
		rec.Topics = addOrg(rec.Topics, t)
	}
	rec.Unknowns = u.list()
	return rec, ""
}

// genericTime sets the record's date, times and time zone from the row.
func genericTime(rec *Record, get func(string) string) string {
	rec.Timezone = clean(get("timezone"))
	if rec.Timezone == "" {
		rec.Timezone = "UTC"
	}
	loc, err := loadZone(rec.Timezone)
	if err != nil {
		return err.Error()
	}
	var (
		date      = clean(get("date"))
		startsAt  = clean(get("starts_at"))
		endsAt    = clean(get("ends_at"))
		startTime = clean(get("start_time"))
		endTime   = clean(get("end_time"))
	)
	switch {
	case startsAt != "":
		if startTime != "" || endTime != "" {
			return "give starts_at and ends_at, or date with start_time and end_time, not both"
		}
		t, err := time.Parse(time.RFC3339, startsAt)
		if err != nil {
			return fmt.Sprintf("starts_at %q is not an RFC 3339 time such as 2024-03-05T14:00:00Z", startsAt)
		}
		rec.StartsAt, rec.TimeKnown = t.In(loc), true
		rec.Date = rec.StartsAt.Format(time.DateOnly)
		if date != "" && date != rec.Date {
			return fmt.Sprintf("date %s is not the date of starts_at in %s (%s)", date, rec.Timezone, rec.Date)
		}
		rec.EndsAt = rec.StartsAt.Add(time.Hour)
	case date != "":
		day, reason := parseISODate(date)
		if reason != "" {
			return reason
		}
		rec.Date = day.String()
		rec.StartsAt, rec.EndsAt = day.bounds(loc)
		if startTime == "" {
			if endTime != "" {
				return "end_time without start_time"
			}
			break
		}
		h, m, ok := clock24(startTime)
		if !ok {
			return fmt.Sprintf("start_time %q is not a time in the form HH:MM", startTime)
		}
		rec.StartsAt = time.Date(day.year, day.month, day.day, h, m, 0, 0, loc)
		rec.EndsAt = rec.StartsAt.Add(time.Hour)
		rec.TimeKnown = true
		if endTime != "" {
			if endsAt != "" {
				return "give end_time or ends_at, not both"
			}
			h, m, ok := clock24(endTime)
			if !ok {
				return fmt.Sprintf("end_time %q is not a time in the form HH:MM", endTime)
			}
			rec.EndsAt = time.Date(day.year, day.month, day.day, h, m, 0, 0, loc)
			if !rec.EndsAt.After(rec.StartsAt) {
				return "end_time is not after start_time"
			}
		}
	default:
		return "no date: give date or starts_at"
	}
	if endsAt != "" {
		t, err := time.Parse(time.RFC3339, endsAt)
		if err != nil {
			return fmt.Sprintf("ends_at %q is not an RFC 3339 time such as 2024-03-05T15:00:00Z", endsAt)
		}
		rec.EndsAt = t.In(loc)
	}
	if rec.EndsAt.Before(rec.StartsAt) {
		return "ends_at is before the start"
	}
	if rec.EndsAt.Sub(rec.StartsAt) > maxDuration {
		return "the meeting lasts more than 31 days"
	}
	return ""
}

// parseISODate reads YYYY-MM-DD.
func parseISODate(s string) (civil, string) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) != 2 || len(parts[2]) != 2 {
		return civil{}, fmt.Sprintf("date %q is not in the form YYYY-MM-DD", s)
	}
	y, ok1 := atoi(parts[0])
	m, ok2 := atoi(parts[1])
	d, ok3 := atoi(parts[2])
	if !ok1 || !ok2 || !ok3 {
		return civil{}, fmt.Sprintf("date %q is not in the form YYYY-MM-DD", s)
	}
	c := civil{year: y, month: time.Month(m), day: d}
	if !c.valid() {
		return civil{}, fmt.Sprintf("date %q does not exist", s)
	}
	return c, ""
}

// clock24 reads HH:MM (or H:MM).
func clock24(s string) (hour, min int, ok bool) {
	h, m, found := strings.Cut(s, ":")
	if !found || len(m) != 2 || len(h) < 1 || len(h) > 2 {
		return 0, 0, false
	}
	hour, ok1 := atoi(h)
	min, ok2 := atoi(m)
	if !ok1 || !ok2 || hour > 23 || min > 59 {
		return 0, 0, false
	}
	return hour, min, true
}

// onePerson reads "Name", "Name (Organisation)" or "Last, First", with
// org as the organisation when the item names none. ok is false when the
// item names no one (a redaction is counted in u).
func onePerson(item, org string, u *unknowns) (Person, bool) {
	p := parsePiece(item)
	if last, first, found := strings.Cut(p.text, ","); found && !strings.Contains(first, ",") {
		if last, first = clean(last), clean(first); last != "" && first != "" {
			p.text = first + " " + last
		}
	}
	ps, _ := people([]piece{p}, org, u)
	if len(ps) == 0 {
		return Person{}, false
	}
	return ps[0], true
}
