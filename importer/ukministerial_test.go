package importer

import (
	"strings"
	"testing"
	"time"
)

// ukWant is what a row of testdata/uk-excerpt.csv must become.
type ukWant struct {
	row       int
	title     string
	date      string
	hostOrg   string
	host      Person
	officials []Person
	attendees []Person
	orgs      []string
	unknowns  []string
	location  string
	modality  string
	topics    []string
	summary   string // a part the summary must hold, when set
}

func TestUKExcerpt(t *testing.T) {
	recs, rejs := readFile(t, UKMinisterial, "uk-excerpt.csv")
	if len(rejs) != 0 || len(recs) != 19 {
		t.Fatalf("%d records, rejections %v; want 19 records", len(recs), rejs)
	}
	const (
		parl = "Scottish Parliament"
		ago  = "Attorney General's Office"
		bis  = "Department for Business, Energy & Industrial Strategy"
	)
	tests := []ukWant{
		// The Scottish register: location and modality after the purpose;
		// the lobbyists belong to the organisation.
		{row: 2, title: "Discussion with Emma Harper MSP Member for South Scotland at Family Fund's exhibition in the Scottish Parliament.",
			date: "2024-02-22", hostOrg: parl, host: Person{"Emma Harper", parl, "MSP"},
			attendees: []Person{{Name: "Salena Begley", Organization: "Family Fund"}},
			location:  "Scottish Parliament Edinburgh EH99 1SP", modality: "in_person",
			summary: "We discussed the findings of Family Fund's Window to our world research"},
		{row: 3, title: "Video conference meeting with Mark Ruskell MSP Member for Mid Scotland and Fife in his role as Scottish Green's spokesperson on climate and…",
			date: "2024-01-26", hostOrg: parl, host: Person{"Mark Ruskell", parl, "MSP"},
			attendees: []Person{{Name: "Jane Herbstritt", Organization: "Global Justice Now"}},
			unknowns:  []string{"location withheld (private residence)"}, modality: "virtual", topics: []string{"Climate"}},
		{row: 4, title: "Meeting with Beatrice Wishart MSP Member for Shetland Islands and Willie Rennie MSP Member for North East Fife.",
			date: "2024-02-29", hostOrg: parl, host: Person{"Beatrice Wishart", parl, "MSP"},
			officials: []Person{{Name: "Willie Rennie", Organization: parl}},
			attendees: []Person{{Name: "Helen McLachlan", Organization: "RSPB Scotland"}, {Name: "Nora Casey", Organization: "RSPB Scotland"}},
			location:  "The Scottish Parliament Edinburgh EH99 1SP", modality: "in_person", topics: []string{"Climate"}},
		// Read as DD/MM/YYYY, as documented.
		{row: 5, date: "2024-12-01", hostOrg: parl, host: Person{"Kevin Stewart", parl, "MSP"},
			attendees: []Person{{Name: "John Alexander McKinney", Organization: "Scottish Contractors Group"}},
			unknowns:  []string{"location withheld (private residence)"}, modality: "virtual"},
		// A lobbyist for a client: the client is an organisation without a person.
		{row: 6, title: "Meeting with Emily Mackintosh Special Adviser.", date: "2024-02-29", hostOrg: "Scottish Government",
			host:      Person{"Emily Mackintosh", "Scottish Government", "Special Adviser"},
			attendees: []Person{{Name: "Alan Roden", Organization: "Quantum Communications"}}, orgs: []string{"Chivas Brothers"},
			location: "Kilderkin 67 Canongate Edinburgh EH8 8BT", modality: "in_person", topics: []string{"Climate"},
			summary: "Lobbying on behalf of Chivas Brothers."},
		{row: 7, date: "2023-11-21", hostOrg: parl, host: Person{"Murdo Fraser", parl, "MSP"},
			officials: []Person{{Name: "Liam Kerr", Organization: parl}, {Name: "Sandesh Gulhane", Organization: parl}, {Name: "Liz Smith", Organization: parl}, {Name: "Douglas Lumsden", Organization: parl}},
			attendees: []Person{{Name: "Jenni Lang", Organization: "The Glenmorangie Company"}},
			location:  "The Blenders Room The Scotch Whisky Experience 354 Castlehill Edinburgh EH1 2NE", modality: "in_person"},
		{row: 8, date: "2024-02-17", hostOrg: parl, host: Person{"Paul Sweeney", parl, "MSP"},
			attendees: []Person{{Name: "Beth Robertson", Organization: "iNHouse Communications"}, {Name: "Jennifer Watson", Organization: "iNHouse Communications"}},
			orgs:      []string{"Scotch Whisky Association"}, modality: "in_person",
			location: "Scottish Event Campus Exhibition Way Glasgow G3 8YW",
			summary:  "Lobbying on behalf of Scotch Whisky Association. Registrant type: Company. Source: Scottish lobbying register."},
		// UK Government returns.
		{row: 9, title: "To discuss contempt issues", date: "2012-01-01", hostOrg: ago, host: Person{"Dominic Grieve", ago, "Attorney General"},
			orgs: []string{"Criminal Law Commission"}, summary: "Source: UK Government."},
		{row: 10, title: "To discuss Bahrain issues", date: "2012-03-01", hostOrg: ago, host: Person{"Dominic Grieve", ago, "Attorney General"},
			attendees: []Person{{Name: "Daniel Bethlehem"}, {Name: "Jeffery Jowell"}}},
		// A comma inside one organisation's name splits it: a known limit.
		{row: 11, title: "To discuss the Legislation process.", date: "2012-10-01", hostOrg: ago, host: Person{"Dominic Grieve", ago, "Attorney General"},
			orgs: []string{"The Constitution Unit", "School of Public Policy"}},
		{row: 12, title: "Meeting with Society of Editors", date: "2013-06-01", hostOrg: ago, host: Person{"Oliver Heald", ago, "Solicitor General"},
			orgs: []string{"Society of Editors"}, unknowns: []string{"subject not recorded"},
			summary: `The subject was not recorded ("Not recorded by reporting department").`},
		{row: 13, title: "Council meeting", date: "2014-07-26", hostOrg: ago, host: Person{"Robert Buckland", ago, "Solicitor General"},
			orgs: []string{"Bar Council"}},
		{row: 14, date: "2016-01-20", hostOrg: ago, host: Person{"Jeremy Wright", ago, "Attorney General"},
			attendees: []Person{{Name: "Lord Neuberger"}, {Name: "Lady Hale"}}},
		{row: 15, date: "2016-01-20", hostOrg: ago, host: Person{"Jeremy Wright", ago, "Attorney General"},
			orgs: []string{"Nils Muizneiks", "Commissioner for Human Rights", "Council of Europe"}},
		{row: 16, title: "To discuss skills and employment.", date: "2012-01-01", hostOrg: bis, host: Person{"Vince Cable", bis, "Secretary of State"},
			orgs: []string{"Rolls Royce", "Nissan", "BAE Systems", "Unite the Union"}},
		{row: 17, date: "2012-01-01", hostOrg: bis, host: Person{"Lord Willetts", bis, "Minister of State"}, orgs: []string{"Hewlett Packard"}},
		{row: 18, title: "General catch up", date: "2012-01-01", hostOrg: bis, host: Person{"Mark Prisk", bis, "Minister of State"},
			orgs: []string{"Confederation of British Industry"}},
		{row: 20, date: "2012-02-01", hostOrg: bis, host: Person{"John Hayes", bis, "Minister of State"},
			attendees: []Person{{Name: "Tom Blenkinsop"}, {Name: "Iain Wright"}},
			orgs:      []string{"Sembcorp", "North East of England Process Industry Cluster", "National Skills Academy for Process Industry"}},
	}
	got := byRow(recs)
	for _, w := range tests {
		r, ok := got[w.row]
		if !ok {
			t.Errorf("row %d: no record", w.row)
			continue
		}
		if w.title != "" && r.Title != w.title {
			t.Errorf("row %d: Title = %q, want %q", w.row, r.Title, w.title)
		}
		if r.Date != w.date {
			t.Errorf("row %d: Date = %q, want %q", w.row, r.Date, w.date)
		}
		if r.HostOrganization != w.hostOrg || r.HostKind != "government" {
			t.Errorf("row %d: HostOrganization = %q (%s), want %q", w.row, r.HostOrganization, r.HostKind, w.hostOrg)
		}
		if r.Host == nil || *r.Host != w.host {
			t.Errorf("row %d: Host = %+v, want %+v", w.row, r.Host, w.host)
		}
		if !sameList(r.Officials, w.officials) {
			t.Errorf("row %d: Officials = %+v, want %+v", w.row, r.Officials, w.officials)
		}
		if !sameList(r.Attendees, w.attendees) {
			t.Errorf("row %d: Attendees = %+v, want %+v", w.row, r.Attendees, w.attendees)
		}
		if !sameList(r.Organizations, w.orgs) {
			t.Errorf("row %d: Organizations = %q, want %q", w.row, r.Organizations, w.orgs)
		}
		if !sameList(r.Unknowns, w.unknowns) {
			t.Errorf("row %d: Unknowns = %q, want %q", w.row, r.Unknowns, w.unknowns)
		}
		if r.Location != w.location || r.Modality != w.modality {
			t.Errorf("row %d: Location %q, Modality %q; want %q, %q", w.row, r.Location, r.Modality, w.location, w.modality)
		}
		if !sameList(r.Topics, w.topics) {
			t.Errorf("row %d: Topics = %q, want %q", w.row, r.Topics, w.topics)
		}
		if !strings.Contains(r.Summary, w.summary) {
			t.Errorf("row %d: Summary = %q, want it to hold %q", w.row, r.Summary, w.summary)
		}
		if r.Title == "" || len(r.Title) > maxTitle {
			t.Errorf("row %d: Title %q", w.row, r.Title)
		}
	}

	// The purpose's "| Location … | Type …" is not in the summary; the
	// whole description is, when the title is only its start.
	r := got[3]
	if strings.Contains(r.Summary, "Location:") || strings.Contains(r.Summary, "Type: Video") {
		t.Errorf("row 3: Summary holds the location or type: %q", r.Summary)
	}
	if !strings.Contains(r.Summary, "Fossil Fuel Non-Proliferation Treaty") {
		t.Errorf("row 3: Summary lacks the description: %q", r.Summary)
	}
	if r.SourceID != "97449" || r.SourceURL != "https://www.lobbying.scot/SPS/InformationReturn/SearchInformationReturnDetail/49817" {
		t.Errorf("row 3: SourceID %q, SourceURL %q", r.SourceID, r.SourceURL)
	}
}

func TestUKTimes(t *testing.T) {
	recs, _ := readFile(t, UKMinisterial, "uk-excerpt.csv")
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Timezone != "Europe/London" || r.TimeKnown {
			t.Errorf("row %d: Timezone %q, TimeKnown %v", r.Row, r.Timezone, r.TimeKnown)
		}
	}
	got := byRow(recs)
	// In winter London is on GMT; in summer on BST, and the day starts at
	// 23:00 UTC the day before.
	if r := got[2]; r.StartsAt.Format(time.RFC3339) != "2024-02-22T00:00:00Z" || !r.EndsAt.Equal(time.Date(2024, 2, 23, 0, 0, 0, 0, london)) {
		t.Errorf("row 2: %v – %v", r.StartsAt, r.EndsAt)
	}
	if r := got[13]; r.StartsAt.Format(time.RFC3339) != "2014-07-26T00:00:00+01:00" || r.StartsAt.UTC().Day() != 25 {
		t.Errorf("row 13: StartsAt = %v", r.StartsAt)
	}
}

func TestUKRejections(t *testing.T) {
	text := "rep_new,policy_level,date,organisation,purpose,department\n" +
		"Mr Alan Brown,Minister,31/02/2012,CBI,Catch up,BIS\n" +
		"Mr Alan Brown,Minister,2012-02-01,CBI,Catch up,BIS\n" +
		"Mr Alan Brown,Minister,01/02/2012,Not recorded,Not recorded by reporting department,BIS\n" +
		"Mr Alan Brown,Minister,01/02/2012,CBI,Not recorded by reporting department,BIS\n"
	recs, rejs := readString(t, UKMinisterial, text)
	want := []Rejection{
		{2, `date "31/02/2012" does not exist`},
		{3, `date "2012-02-01" is not in the form DD/MM/YYYY`},
		{4, "no purpose, and no organisation or person to name the meeting after"},
	}
	if !sameList(rejs, want) {
		t.Errorf("rejections = %v, want %v", rejs, want)
	}
	if len(recs) != 1 || recs[0].Title != "Meeting with CBI" || recs[0].Host.Name != "Alan Brown" {
		t.Errorf("records = %+v", recs)
	}
}
