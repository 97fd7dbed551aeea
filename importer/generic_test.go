package importer

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const genericValid = `Title,date,start_time,end_time,timezone,location,modality,kind,host_organization,host,attendees,organizations,topics,summary,public_readout
Quarterly ransomware briefing,2024-03-05,14:00,15:30,America/New_York,"CISA HQ, Arlington",in_person,briefing,CISA,Jane Roe,"Doe, John (Acme Energy); Ana Silva (Grid Co) ; (b)(6)",Electric ISAC; electric isac;,Ransomware; Grid,"First paragraph.

Second   paragraph.",Readout text
Working lunch,2024-03-06,,,,,,,,,,,,,
`

func TestGenericValid(t *testing.T) {
	recs, rejs := readString(t, GenericCSV, genericValid)
	if len(rejs) != 0 || len(recs) != 2 {
		t.Fatalf("%d records, rejections %v; want 2 records", len(recs), rejs)
	}
	ny, _ := time.LoadLocation("America/New_York")
	r := recs[0]
	checks := []struct {
		field     string
		got, want any
	}{
		{"Row", r.Row, 2},
		{"Title", r.Title, "Quarterly ransomware briefing"},
		{"Date", r.Date, "2024-03-05"},
		{"StartsAt", r.StartsAt.Equal(time.Date(2024, 3, 5, 14, 0, 0, 0, ny)), true},
		{"EndsAt", r.EndsAt.Equal(time.Date(2024, 3, 5, 15, 30, 0, 0, ny)), true},
		{"TimeKnown", r.TimeKnown, true},
		{"Timezone", r.Timezone, "America/New_York"},
		{"Location", r.Location, "CISA HQ, Arlington"},
		{"Modality", r.Modality, "in_person"},
		{"Kind", r.Kind, "briefing"},
		{"HostOrganization", r.HostOrganization, "CISA"},
		{"Host", *r.Host, Person{Name: "Jane Roe", Organization: "CISA"}},
		{"Attendees", len(r.Attendees), 2},
		{"Attendees[0]", r.Attendees[0], Person{Name: "John Doe", Organization: "Acme Energy"}},
		{"Attendees[1]", r.Attendees[1], Person{Name: "Ana Silva", Organization: "Grid Co"}},
		{"Organizations", strings.Join(r.Organizations, "|"), "Electric ISAC"},
		{"Topics", strings.Join(r.Topics, "|"), "Ransomware|Grid"},
		{"Unknowns", strings.Join(r.Unknowns, "|"), "1 name withheld ((b)(6))"},
		{"Summary", r.Summary, "First paragraph.\n\nSecond paragraph."},
		{"PublicReadout", r.PublicReadout, "Readout text"},
		{"HostKind", r.HostKind, ""},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("row 2: %s = %#v, want %#v", c.field, c.got, c.want)
		}
	}

	// A date alone: the whole day in UTC.
	r = recs[1]
	if r.Row != 3 || r.Timezone != "UTC" || r.TimeKnown ||
		r.StartsAt.Format(time.RFC3339) != "2024-03-06T00:00:00Z" || r.EndsAt.Format(time.RFC3339) != "2024-03-07T00:00:00Z" {
		t.Errorf("row 3: %+v", r)
	}
	if r.Host != nil || r.Attendees != nil || r.Modality != "" || r.Kind != "" {
		t.Errorf("row 3: %+v", r)
	}
}

func TestGenericStartsAt(t *testing.T) {
	text := "title,starts_at,ends_at,timezone,date\n" +
		"Call,2024-06-01T09:30:00+02:00,2024-06-01T10:00:00+02:00,Europe/Paris,\n" +
		"No end,2024-06-01T23:30:00Z,,Europe/Paris,2024-06-02\n" +
		"Disagrees,2024-06-01T23:30:00Z,,Europe/Paris,2024-06-01\n"
	recs, rejs := readString(t, GenericCSV, text)
	want := []Rejection{{4, "date 2024-06-01 is not the date of starts_at in Europe/Paris (2024-06-02)"}}
	if !sameList(rejs, want) {
		t.Errorf("rejections = %v, want %v", rejs, want)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	if r := recs[0]; r.Date != "2024-06-01" || r.StartsAt.Format(time.RFC3339) != "2024-06-01T09:30:00+02:00" || r.EndsAt.Sub(r.StartsAt) != 30*time.Minute || !r.TimeKnown {
		t.Errorf("row 2: %+v", r)
	}
	// In Paris 23:30 UTC is the next day; with no end, an hour.
	if r := recs[1]; r.Date != "2024-06-02" || r.EndsAt.Sub(r.StartsAt) != time.Hour {
		t.Errorf("row 3: %+v", r)
	}
}

func TestGenericBadRows(t *testing.T) {
	text := "title,date,start_time,end_time,ends_at,timezone,modality,kind\n" +
		"Good one,2024-03-01,,,,,,\n" +
		",2024-03-01,,,,,,\n" +
		"No date,,,,,,,\n" +
		"Bad date,03/01/2024,,,,,,\n" +
		"No such day,2024-02-30,,,,,,\n" +
		"Bad modality,2024-03-01,,,,,in person,\n" +
		"Bad kind,2024-03-01,,,,,,meeting\n" +
		"Bad zone,2024-03-01,,,,Mars/Olympus,,\n" +
		"Bad time,2024-03-01,2pm,,,,,\n" +
		"Backwards,2024-03-01,15:00,14:00,,,,\n" +
		"End alone,2024-03-01,,14:00,,,,\n" +
		"Too long,2024-03-01,,,2024-05-01T00:00:00Z,,,\n" +
		"Extra cells,2024-03-01,,,,,,,surprise\n" +
		",,,,,,,\n" +
		"Good two,2024-03-02,09:00,,,Asia/Tokyo,HYBRID,Call\n"
	recs, rejs := readString(t, GenericCSV, text)
	want := []Rejection{
		{3, "no title"},
		{4, "no date: give date or starts_at"},
		{5, `date "03/01/2024" is not in the form YYYY-MM-DD`},
		{6, `date "2024-02-30" does not exist`},
		{7, `modality "in person" is not one of in_person, virtual, hybrid`},
		{8, `kind "meeting" is not one of briefing, roundtable, working_session, bilateral, call, other`},
		{9, `unknown time zone "Mars/Olympus"`},
		{10, `start_time "2pm" is not a time in the form HH:MM`},
		{11, "end_time is not after start_time"},
		{12, "end_time without start_time"},
		{13, "the meeting lasts more than 31 days"},
		{14, "has 9 cells, but the header names 8 columns"},
		{15, "empty row"},
	}
	if !sameList(rejs, want) {
		t.Errorf("rejections:\n got %v\nwant %v", rejs, want)
	}
	if len(recs) != 2 || recs[0].Row != 2 || recs[1].Row != 16 {
		t.Fatalf("records = %+v", recs)
	}
	if r := recs[1]; r.Modality != "hybrid" || r.Kind != "call" || r.StartsAt.Format(time.RFC3339) != "2024-03-02T09:00:00+09:00" || r.EndsAt.Sub(r.StartsAt) != time.Hour {
		t.Errorf("row 16: %+v", r)
	}
}

func TestGenericHeader(t *testing.T) {
	tests := []struct{ header, want string }{
		{"title,date,venue", `bad header: unknown column "venue"`},
		{"title,date,Venue,colour", `bad header: unknown columns "Venue", "colour"`},
		{"date,location", `bad header: missing column "title"`},
		{"title,location", `bad header: missing column "date" or "starts_at"`},
		{"title,date,Date", `bad header: column "date" is named twice`},
		{"title,date,", `bad header: column 3 has no name`},
		{"", "the file is empty"},
	}
	for _, tt := range tests {
		_, _, err := Read(GenericCSV, strings.NewReader(tt.header+"\n"))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("header %q: error %v, want one containing %q", tt.header, err, tt.want)
		}
	}
	// Names match without regard to case or surrounding space, and a
	// byte order mark is not part of the first name.
	recs, rejs := readString(t, GenericCSV, "\uFEFF Title , DATE\nHello,2024-01-02\n")
	if len(recs) != 1 || len(rejs) != 0 || recs[0].Title != "Hello" {
		t.Errorf("records %+v, rejections %v", recs, rejs)
	}
}

// TestHostileCells: control characters are no text, and a row naming more
// people than a meeting holds is refused without a long parse.
func TestHostileCells(t *testing.T) {
	var b strings.Builder
	b.WriteString("title,date,attendees\nBad\x00title\x01,2024-01-02,Ann Lee (Acme\x00)\nHuge,2024-01-03,")
	for i := range 20000 {
		fmt.Fprintf(&b, "Person %d (Org %d);", i, i)
	}
	b.WriteString("\n")
	start := time.Now()
	recs, rejs, err := Read(GenericCSV, strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Logf("reading took %v", took) // a figure, not a verdict: the row must still be refused
	}
	if len(recs) != 1 || recs[0].Title != "Badtitle" || recs[0].Attendees[0].Organization != "Acme" {
		t.Fatalf("records: %+v", recs)
	}
	if len(rejs) != 1 || rejs[0].Row != 3 || !strings.Contains(rejs[0].Reason, "more than 500 attendees") {
		t.Fatalf("rejections: %+v", rejs)
	}
}

// TestManyUnknownColumns: the error names a few unknown columns, not all.
func TestManyUnknownColumns(t *testing.T) {
	var h []string
	for i := range 1000 {
		h = append(h, fmt.Sprintf("col%d", i))
	}
	_, _, err := Read(GenericCSV, strings.NewReader("title,date,"+strings.Join(h, ",")+"\n"))
	if err == nil || !strings.Contains(err.Error(), "and 995 more") || len(err.Error()) > 600 {
		t.Fatalf("%v", err)
	}
}
