package importer

import (
	"strings"
	"testing"
	"time"
)

// whWant is what a row of testdata/whitehouse-excerpt.csv must become.
type whWant struct {
	row       int
	title     string
	date      string
	host      string // "" when there is none
	attendees []Person
	orgs      []string
	unknowns  []string
	summary   string // a part the summary must hold, when set
}

func TestWhiteHouseExcerpt(t *testing.T) {
	recs, rejs := readFile(t, WhiteHouseCalendars, "whitehouse-excerpt.csv")
	if got := len(recs) + len(rejs); got != 25 {
		t.Fatalf("records + rejections = %d, want 25 (one per row)", got)
	}
	wantRejs := []Rejection{
		{14, "no date"},
		{17, "nothing recorded but the date: no subject, host, attendee or affiliation"},
	}
	if !sameList(rejs, wantRejs) {
		t.Errorf("rejections = %v, want %v", rejs, wantRejs)
	}

	const (
		ceq  = "Council on Environmental Quality"
		omb  = "Office of Management and Budget"
		ostp = "Office of Science and Technology Policy"
		ustr = "U.S. Trade Representative"
	)
	tests := []whWant{
		{row: 1, title: "EPA Coordination", date: "2017-01-23", host: "Ted A. Boling", summary: "Calendar entry, " + ceq + "."},
		{row: 2, title: "Invitation: Prep for Hill mtg tomorrow", date: "2017-02-01", host: "Ted A. Boling"},
		// A whole subject withheld under FOIA exemption (b)(5).
		{row: 3, title: "Calendar entry", date: "2017-05-03", host: "Mary B. Neumayr",
			unknowns: []string{"subject withheld ((b)(5))"}, summary: "The subject was withheld ((b)(5))."},
		{row: 4, title: "Meet w/(b)(6)", date: "2017-02-28", host: `John M. "Mick" Mulvaney`,
			unknowns: []string{"subject partly withheld ((b)(6))"}},
		// Several people: " and ", commas, a "(Organisation)".
		{row: 5, title: "Meet w/Michael Auslin and Richard Kraemer", date: "2017-03-02", host: `John M. "Mick" Mulvaney`,
			attendees: []Person{{Name: "Michael Auslin"}, {Name: "Richard Kraemer"}}},
		{row: 6, title: "Call w/ Nora Voklow and Jack Stein", date: "2017-04-12", host: "Richard Baum",
			attendees: []Person{{Name: "Nora Voklow", Organization: "NIH"}, {Name: "Jack Stein"}}},
		{row: 7, title: "Meet Greenblatt, Ross, Navarro", date: "2017-02-02", host: "Stephen Vaughn",
			attendees: []Person{{Name: "Jason Greenblatt"}, {Name: "Ross"}, {Name: "Peter K. Navarro"}, {Name: "Garrison Griffin"}}},
		// "Last, First".
		{row: 8, title: "Car to Commerce", date: "2017-03-06", host: "Stephen Vaughn",
			attendees: []Person{{Name: "Jason D. Greenblatt"}}},
		{row: 9, title: "Check in on Argentina", date: "2017-04-21", host: "Stephen Vaughn",
			attendees: []Person{{Name: "Sharon E. Bomer Lauritsen"}}},
		{row: 10, title: "Re-connecting", date: "2017-02-02", host: "Reed Skaggs",
			attendees: []Person{{Name: "Ted M. Wackler"}}},
		{row: 11, title: "Meeting with STPI", date: "2017-04-12", host: "Ann M. Conant",
			attendees: []Person{{Name: "Ted M. Wackler"}, {Name: "Bill Brykczynski R.", Organization: "EOP/OSTP"}},
			unknowns:  []string{"1 name withheld ((b)(6))"}},
		// A withheld host, and a withheld visitor.
		{row: 12, title: "Tom & Ted chat", date: "2017-05-04",
			unknowns: []string{"host name withheld ((b)(6))", "1 name withheld ((b)(6))"}, summary: "Visitor log entry, " + ostp + "."},
		// The host among the attendees is the host only.
		{row: 13, title: "FW: UAS Update", date: "2017-05-04", host: "Ted M. Wackler",
			attendees: []Person{{Name: "Michael J. Kratsios"}, {Name: "Grace E. Koh"}, {Name: "Peter J. White"}, {Name: "Ken D. Wright"}, {Name: "Andrea M. Petro"}, {Name: "Ryan J. McMaster"}},
			unknowns:  []string{"6 names withheld ((b)(6))"}},
		// An empty host, a withheld name and an organisation with no one named.
		{row: 15, title: "working", date: "2017-01-23", orgs: []string{"GSA"},
			unknowns: []string{"1 name withheld ((b)(6))"}},
		{row: 16, title: "CU", date: "2017-01-27",
			unknowns: []string{"affiliation withheld ((b)(6))", "1 name withheld ((b)(6))"}},
		{row: 18, title: "meeting", date: "2017-02-01", attendees: []Person{{Name: "Erik Loeb", Organization: "At&t"}}},
		{row: 19, title: "meeting", date: "2017-02-01", attendees: []Person{{Name: "Jennifer", Organization: "At&t"}},
			unknowns: []string{"1 name partly illegible"}},
		{row: 20, title: "meeting", date: "2017-02-13", unknowns: []string{"illegible affiliation", "1 illegible name"}},
		// "self" is no organisation.
		{row: 21, title: "meeting", date: "2017-02-15", attendees: []Person{{Name: "Tim Flannery"}}},
		// No subject: the title names the organisation.
		{row: 22, title: "Meeting with USGC", date: "2017-02-07", attendees: []Person{{Name: "Connor", Organization: "USGC"}},
			unknowns: []string{"1 name partly illegible"}, summary: "The subject was not recorded."},
		{row: 23, title: "meeting", date: "2017-03-24", attendees: []Person{{Name: "Jang Hyun Kim"}},
			unknowns: []string{"illegible affiliation"}},
		{row: 24, title: "meeting", date: "2017-03-07", attendees: []Person{{Name: "J. Talbot", Organization: "AT&T"}}},
		{row: 25, title: "Meeting with USDA", date: "2017-05-10", attendees: []Person{{Name: "Karawa", Organization: "USDA"}},
			unknowns: []string{"1 name partly illegible", "illegible subject"}, summary: "The subject is illegible."},
	}
	got := byRow(recs)
	for _, w := range tests {
		r, ok := got[w.row]
		if !ok {
			t.Errorf("row %d: no record", w.row)
			continue
		}
		if r.Title != w.title {
			t.Errorf("row %d: Title = %q, want %q", w.row, r.Title, w.title)
		}
		if r.Date != w.date {
			t.Errorf("row %d: Date = %q, want %q", w.row, r.Date, w.date)
		}
		switch {
		case w.host == "" && r.Host != nil:
			t.Errorf("row %d: Host = %+v, want none", w.row, *r.Host)
		case w.host != "" && (r.Host == nil || r.Host.Name != w.host || r.Host.Organization != r.HostOrganization):
			t.Errorf("row %d: Host = %+v, want %q of %q", w.row, r.Host, w.host, r.HostOrganization)
		}
		// Visitors take their row's affiliation; the test lists it.
		if !sameList(r.Attendees, w.attendees) {
			t.Errorf("row %d: Attendees = %+v, want %+v", w.row, r.Attendees, w.attendees)
		}
		if !sameList(r.Organizations, w.orgs) {
			t.Errorf("row %d: Organizations = %q, want %q", w.row, r.Organizations, w.orgs)
		}
		if !sameList(r.Unknowns, w.unknowns) {
			t.Errorf("row %d: Unknowns = %q, want %q", w.row, r.Unknowns, w.unknowns)
		}
		if !strings.Contains(r.Summary, w.summary) {
			t.Errorf("row %d: Summary = %q, want it to hold %q", w.row, r.Summary, w.summary)
		}
		if r.HostKind != "government" || r.Timezone != "America/New_York" || r.Hash == "" {
			t.Errorf("row %d: HostKind %q, Timezone %q, Hash %q", w.row, r.HostKind, r.Timezone, r.Hash)
		}
	}
	if r := got[11]; r.HostOrganization != "Office of Science and Technology Policy" {
		t.Errorf("row 11: HostOrganization = %q", r.HostOrganization)
	}
	if Key(got[18].Attendees[0].Organization) != Key(got[24].Attendees[0].Organization) {
		t.Error(`"At&t" and "AT&T" have different keys`)
	}
}

func TestWhiteHouseTimes(t *testing.T) {
	recs, _ := readFile(t, WhiteHouseCalendars, "whitehouse-excerpt.csv")
	got := byRow(recs)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}

	// A date only: the whole day in New York.
	r := got[1]
	if r.TimeKnown {
		t.Error("row 1: TimeKnown for a date-only row")
	}
	if want := time.Date(2017, 1, 23, 0, 0, 0, 0, ny); !r.StartsAt.Equal(want) || r.StartsAt.Location().String() != "America/New_York" {
		t.Errorf("row 1: StartsAt = %v, want %v", r.StartsAt, want)
	}
	if want := time.Date(2017, 1, 24, 0, 0, 0, 0, ny); !r.EndsAt.Equal(want) {
		t.Errorf("row 1: EndsAt = %v, want %v", r.EndsAt, want)
	}
	if r.StartsAt.Format(time.RFC3339) != "2017-01-23T00:00:00-05:00" {
		t.Errorf("row 1: StartsAt = %s", r.StartsAt.Format(time.RFC3339))
	}

	// A calendar invitation's time: "@ Wed Feb 1, 2017 3pm - 3:30pm (EST)".
	r = got[2]
	if !r.TimeKnown {
		t.Error("row 2: the invitation's time was not read")
	}
	if want := time.Date(2017, 2, 1, 15, 0, 0, 0, ny); !r.StartsAt.Equal(want) {
		t.Errorf("row 2: StartsAt = %v, want %v", r.StartsAt, want)
	}
	if want := time.Date(2017, 2, 1, 15, 30, 0, 0, ny); !r.EndsAt.Equal(want) {
		t.Errorf("row 2: EndsAt = %v, want %v", r.EndsAt, want)
	}
}

func TestWhiteHouseRejections(t *testing.T) {
	text := "Calendar,CEQ,2/30/17,Ted A. Boling,,,Not a day,,,,,\n" +
		"Calendar,CEQ,13/1/17,Ted A. Boling,,,Not a month,,,,,\n" +
		"Calendar,CEQ,Feb 1,Ted A. Boling,,,Not a date,,,,,\n" +
		"Calendar,CEQ,2/1/17\n" +
		"Calendar,CEQ,2/28/17,Ted A. Boling,,,Good,,,,,\n"
	recs, rejs := readString(t, WhiteHouseCalendars, text)
	want := []Rejection{
		{1, `date "2/30/17" does not exist`},
		{2, `date "13/1/17" does not exist`},
		{3, `date "Feb 1" is not in the form M/D/YY`},
		{4, "has 3 columns, want 7 or more"},
	}
	if !sameList(rejs, want) {
		t.Errorf("rejections = %v, want %v", rejs, want)
	}
	if len(recs) != 1 || recs[0].Row != 5 || recs[0].Title != "Good" {
		t.Errorf("records = %+v", recs)
	}
}
