package importer

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The White House complex calendars file has no header. Its columns:
const (
	whType = iota // "Calendar" or "Logfile"
	whAgency
	whDate // M/D/YY
	whHost
	whAttendees
	whAffiliation
	whSubject
	whColumns // five empty columns follow
)

const whZone = "America/New_York"

// noOrganization are affiliations that say the visitor came for no
// organisation.
var noOrganization = map[string]bool{"self": true, "none": true, "n/a": true, "na": true, "-": true, "private": true, "retired": true, "personal": true}

func readWhiteHouse(r io.Reader) ([]Record, []Rejection, error) {
	loc, err := loadZone(whZone)
	if err != nil {
		return nil, nil, err
	}
	t := newTable(r)
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
		if len(cells) < whColumns {
			if row == 1 {
				return nil, nil, fmt.Errorf("not a White House calendars file: row 1 has %d columns, want %d or more", len(cells), whColumns)
			}
			rejs = append(rejs, Rejection{row, fmt.Sprintf("has %d columns, want %d or more", len(cells), whColumns)})
			continue
		}
		rec, reason := whiteHouseRecord(cells, loc)
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

// whiteHouseRecord makes the record of one row, or says why it cannot.
func whiteHouseRecord(cells []string, loc *time.Location) (Record, string) {
	var (
		entry       = clean(cells[whType])
		agency      = clean(cells[whAgency])
		dateCell    = clean(cells[whDate])
		hostCell    = clean(cells[whHost])
		attendees   = clean(cells[whAttendees])
		affiliation = clean(cells[whAffiliation])
		subject     = clean(cells[whSubject])
	)
	day, reason := parseSlashDate(dateCell, "MDY", "M/D/YY")
	if reason != "" {
		return Record{}, reason
	}
	if subject == "" && hostCell == "" && attendees == "" && affiliation == "" {
		return Record{}, "nothing recorded but the date: no subject, host, attendee or affiliation"
	}
	rec := Record{
		Date:             day.String(),
		Timezone:         whZone,
		HostOrganization: agency,
		HostKind:         "government",
	}
	rec.StartsAt, rec.EndsAt = day.bounds(loc)
	var u unknowns

	// The host is the official whose calendar it is.
	if hostCell != "" {
		var hu unknowns
		hosts, _ := parsePeople(hostCell, agency, &hu)
		switch _, withheld, illegible := stripMarkers(hostCell); {
		case len(hosts) > 0:
			h := hosts[0]
			rec.Host = &h
			rec.Attendees = hosts[1:]
			u = hu // a host name partly unreadable
		case withheld != "":
			u.note("host name withheld (" + withheld + ")")
		case illegible:
			u.note("illegible host name")
		}
	}

	// The visitors, and whom they came for.
	org := ""
	switch {
	case affiliation == "":
	case noOrganization[strings.ToLower(affiliation)]:
	default:
		rest, withheld, illegible := stripMarkers(affiliation)
		switch {
		case rest != "":
			org = rest
		case withheld != "":
			u.note("affiliation withheld (" + withheld + ")")
		case illegible:
			u.note("illegible affiliation")
		}
	}
	visitors, unnamedOrgs := parsePeople(attendees, org, &u)
	for _, p := range visitors {
		if rec.Host == nil || Key(p.Name) != Key(rec.Host.Name) {
			rec.Attendees = addPerson(rec.Attendees, p)
		}
	}
	rec.Organizations = unnamedOrgs
	if org != "" && len(visitors) == 0 {
		rec.Organizations = addOrg(rec.Organizations, org)
	}

	// The title is the subject; a calendar invitation's time is moved out
	// of it into StartsAt and EndsAt.
	what := "Calendar entry"
	if entry == "Logfile" {
		what = "Visitor log entry"
	} else if entry != "Calendar" && entry != "" {
		what = entry + " entry"
	}
	note := ""
	if subject != "" {
		if title, start, end, ok := invitationTime(subject, day); ok {
			subject = title
			rec.StartsAt, rec.EndsAt, rec.TimeKnown = start, end, true
		}
		rest, withheld, illegible := stripMarkers(subject)
		switch {
		case rest == "" && withheld != "":
			u.note("subject withheld (" + withheld + ")")
			note = "The subject was withheld (" + withheld + ")."
			subject = ""
		case rest == "" && illegible:
			u.note("illegible subject")
			note = "The subject is illegible."
			subject = ""
		case withheld != "":
			u.note("subject partly withheld (" + withheld + ")")
		case illegible:
			u.note("subject partly illegible")
		}
	} else {
		note = "The subject was not recorded."
	}
	full := ""
	if subject != "" {
		var whole bool
		rec.Title, whole = titleFrom(subject)
		if !whole {
			full = subject
		}
	} else {
		switch orgs := append(orgsOf(rec.Attendees), rec.Organizations...); {
		case len(orgs) > 0:
			rec.Title = meetingWith(dedupe(orgs))
		case len(rec.Attendees) > 0:
			rec.Title = meetingWith(namesOf(rec.Attendees))
		default:
			rec.Title = what
		}
	}
	source := what
	if agency != "" {
		source += ", " + agency
	}
	rec.Summary = joinSummary(full, source+".", note)
	rec.Unknowns = u.list()
	return rec, ""
}

// dedupe drops the names whose Key came before.
func dedupe(names []string) []string {
	var out []string
	for _, n := range names {
		out = addOrg(out, n)
	}
	return out
}

// invitationRE matches the time that Google Calendar puts at the end of an
// invitation's subject: " @ Wed Feb 1, 2017 3pm - 3:30pm (EST)".
var invitationRE = regexp.MustCompile(`\s*@\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+([A-Z][a-z]{2})\s+(\d{1,2}),\s+(\d{4})\s+(\d{1,2}(?::\d\d)?\s*[ap]m)\s*-\s*(\d{1,2}(?::\d\d)?\s*[ap]m)\s*\(([ECMP][SD]T)\)\s*$`)

// usZones are the offsets of the US zone abbreviations invitations use.
var usZones = map[string]int{"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}

// invitationTime reads the time of a calendar invitation from its subject
// when it is on the row's date. It returns the subject without it.
func invitationTime(subject string, day civil) (title string, start, end time.Time, ok bool) {
	if !strings.Contains(subject, "@") {
		return "", time.Time{}, time.Time{}, false
	}
	m := invitationRE.FindStringSubmatch(subject)
	if m == nil {
		return "", time.Time{}, time.Time{}, false
	}
	month, err := time.Parse("Jan", m[1])
	d, _ := strconv.Atoi(m[2])
	y, _ := strconv.Atoi(m[3])
	if err != nil || y != day.year || month.Month() != day.month || d != day.day {
		return "", time.Time{}, time.Time{}, false
	}
	zone := time.FixedZone(m[6], usZones[m[6]]*3600)
	sh, sm, ok1 := clock12(m[4])
	eh, em, ok2 := clock12(m[5])
	if !ok1 || !ok2 {
		return "", time.Time{}, time.Time{}, false
	}
	start = time.Date(y, day.month, d, sh, sm, 0, 0, zone)
	end = time.Date(y, day.month, d, eh, em, 0, 0, zone)
	if !end.After(start) {
		return "", time.Time{}, time.Time{}, false
	}
	title = clean(subject[:len(subject)-len(m[0])])
	if title == "" {
		return "", time.Time{}, time.Time{}, false
	}
	return title, start, end, true
}

// clock12 reads "3pm", "3:30pm" or "1 pm".
func clock12(s string) (hour, min int, ok bool) {
	s = strings.ReplaceAll(s, " ", "")
	pm := strings.HasSuffix(s, "pm")
	s = s[:len(s)-2]
	h, m, found := strings.Cut(s, ":")
	hour, err := strconv.Atoi(h)
	if err != nil || hour < 1 || hour > 12 {
		return 0, 0, false
	}
	if found {
		if min, err = strconv.Atoi(m); err != nil || min > 59 {
			return 0, 0, false
		}
	}
	if hour == 12 {
		hour = 0
	}
	if pm {
		hour += 12
	}
	return hour, min, true
}
