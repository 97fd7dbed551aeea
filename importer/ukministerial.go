package importer

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// The columns of the UK ministerial meetings file, named by its header.
var ukColumns = []string{"rep_new", "policy_level", "date", "organisation", "purpose", "department", "others_at_the_meeting", "source", "registrant_additional_information", "portal_source", "RecordId", "tag"}

// ukRequired are the columns without which a row cannot be read.
var ukRequired = []string{"rep_new", "date", "organisation", "purpose", "department"}

const ukZone = "Europe/London"

func readUK(r io.Reader) ([]Record, []Rejection, error) {
	loc, err := loadZone(ukZone)
	if err != nil {
		return nil, nil, err
	}
	t := newTable(r)
	header, _, err := t.next()
	if errors.Is(err, io.EOF) {
		return nil, nil, errors.New("the file is empty: want a header row")
	}
	if err != nil {
		return nil, nil, err
	}
	col, err := headerIndex(header, ukColumns, ukRequired)
	if err != nil {
		return nil, nil, err
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
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(cells) {
				return cells[i]
			}
			return ""
		}
		rec, reason := ukRecord(get, loc)
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

// headerIndex maps each column name of header to its index. Names match
// without regard to case or surrounding space. A column not in known, one
// with no name, one named twice, or a required one missing is an error.
func headerIndex(header, known, required []string) (map[string]int, error) {
	canon := make(map[string]string, len(known))
	for _, k := range known {
		canon[strings.ToLower(k)] = k
	}
	col := make(map[string]int, len(header))
	var unknown []string
	unnamed := 0
	for i, h := range header {
		if clean(h) == "" {
			if unnamed == 0 {
				unnamed = i + 1
			}
			continue
		}
		name, ok := canon[strings.ToLower(clean(h))]
		if !ok {
			unknown = append(unknown, fmt.Sprintf("%q", clean(h)))
			continue
		}
		if _, dup := col[name]; dup {
			return nil, fmt.Errorf("bad header: column %q is named twice", name)
		}
		col[name] = i
	}
	if len(unknown) > 0 {
		s := ""
		if len(unknown) > 1 {
			s = "s"
		}
		if n := len(unknown); n > 5 {
			unknown = append(unknown[:5], fmt.Sprintf("and %d more", n-5))
		}
		return nil, fmt.Errorf("bad header: unknown column%s %s (the columns are %s)", s, strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	if unnamed > 0 {
		return nil, fmt.Errorf("bad header: column %d has no name", unnamed)
	}
	var missing []string
	for _, r := range required {
		if _, ok := col[r]; !ok {
			missing = append(missing, fmt.Sprintf("%q", r))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("bad header: missing column %s", strings.Join(missing, ", "))
	}
	return col, nil
}

// notRecorded reports whether a UK cell says its value is unknown, as in
// "Not recorded by reporting department".
func notRecorded(s string) bool {
	s = strings.TrimRight(strings.ToLower(s), ". ")
	switch s {
	case "none", "n/a", "na", "-", "unknown", "not known", "withheld", "redacted", "not disclosed", "nil", "tbc":
		return true
	}
	return strings.HasPrefix(s, "not recorded") || strings.HasPrefix(s, "not provided") || strings.HasPrefix(s, "not available")
}

// ukRecord makes the record of one row, or says why it cannot.
func ukRecord(get func(string) string, loc *time.Location) (Record, string) {
	day, reason := parseSlashDate(clean(get("date")), "DMY", "DD/MM/YYYY")
	if reason != "" {
		return Record{}, reason
	}
	var u unknowns
	rec := Record{
		Date:      day.String(),
		Timezone:  ukZone,
		HostKind:  "government",
		SourceID:  clean(get("RecordId")),
		SourceURL: clean(get("source")),
	}
	rec.StartsAt, rec.EndsAt = day.bounds(loc)

	if dept := clean(get("department")); notRecorded(dept) {
		u.note("department not recorded")
	} else {
		rec.HostOrganization = dept
	}
	switch host := clean(get("rep_new")); {
	case host == "":
	case notRecorded(host):
		u.note("host not recorded")
	default:
		if name := personName(host); name != "" {
			rec.Host = &Person{Name: name, Organization: rec.HostOrganization, JobTitle: clean(get("policy_level"))}
		}
	}
	if others := clean(get("others_at_the_meeting")); notRecorded(others) {
		u.note("others at the meeting not recorded")
	} else {
		rec.Officials, _ = parsePeople(others, rec.HostOrganization, &u)
	}

	// The organisations, some of which are people ("Tom Blenkinsop MP").
	orgs, named := ukOrganisations(get("organisation"), &u)
	rec.Attendees = named

	// The register names the lobbyists and, when they lobbied for a client,
	// the client.
	var registrantType, client string
	var lobbyists []string
	for _, part := range strings.Split(get("registrant_additional_information"), "|") {
		key, value, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		value = clean(value)
		if notRecorded(value) {
			continue
		}
		switch strings.ToLower(clean(key)) {
		case "type":
			registrantType = value
		case "lobbyist names":
			lobbyists = splitList(value, ";")
		case "entity lobbying on behalf of organisation":
			client = value
		}
	}
	lobbyOrg := ""
	if len(orgs) == 1 {
		lobbyOrg = orgs[0]
	}
	for _, l := range lobbyists {
		ps, _ := parsePeople(l, lobbyOrg, &u)
		for _, p := range ps {
			rec.Attendees = addPerson(rec.Attendees, p)
		}
	}
	for _, o := range orgs {
		if !hasMember(rec.Attendees, o) {
			rec.Organizations = addOrg(rec.Organizations, o)
		}
	}
	if client != "" {
		rec.Organizations = addOrg(rec.Organizations, client)
	}

	// The purpose: a description, and on the Scottish register
	// "| Location: … | Type: Face to face".
	parts := strings.Split(get("purpose"), "|")
	description := clean(parts[0])
	var extra []string
	for _, part := range parts[1:] {
		key, value, _ := strings.Cut(part, ":")
		value = clean(value)
		switch strings.ToLower(clean(key)) {
		case "location":
			if strings.Contains(strings.ToLower(value), "withheld") {
				u.note("location withheld (private residence)")
			} else if value != "" && !notRecorded(value) {
				rec.Location = shorten(value, 300)
			}
		case "type":
			rec.Modality, rec.Kind = ukModality(value)
			if rec.Modality == "" && value != "" && !notRecorded(value) {
				extra = append(extra, "Type: "+value+".")
			}
		default:
			if p := clean(part); p != "" {
				extra = append(extra, p)
			}
		}
	}
	note, full := "", ""
	switch {
	case description == "":
		note = "The subject was not recorded."
	case notRecorded(description):
		u.note("subject not recorded")
		note = fmt.Sprintf("The subject was not recorded (%q).", description)
		description = ""
	}
	if description != "" {
		var whole bool
		if rec.Title, whole = titleFrom(description); !whole {
			full = description
		}
	} else {
		switch {
		case len(orgs) > 0:
			rec.Title = meetingWith(orgs)
		case len(rec.Attendees) > 0:
			rec.Title = meetingWith(namesOf(rec.Attendees))
		default:
			return Record{}, "no purpose, and no organisation or person to name the meeting after"
		}
	}

	if tag := clean(get("tag")); tag != "" && !notRecorded(tag) {
		rec.Topics = splitList(tag, ";")
	}
	var facts []string
	if client != "" {
		facts = append(facts, "Lobbying on behalf of "+client+".")
	}
	if registrantType != "" {
		facts = append(facts, "Registrant type: "+registrantType+".")
	}
	if src := clean(get("portal_source")); src != "" {
		facts = append(facts, "Source: "+src+".")
	}
	rec.Summary = joinSummary(full, strings.Join(extra, " "), note, strings.Join(facts, " "))
	rec.Unknowns = u.list()
	return rec, ""
}

// ukModality maps the Scottish register's meeting type to a modality and,
// for a call, a kind.
func ukModality(s string) (modality, kind string) {
	switch s = strings.ToLower(s); {
	case strings.Contains(s, "face to face"), strings.Contains(s, "in person"):
		return "in_person", ""
	case strings.Contains(s, "video"), strings.Contains(s, "online"), strings.Contains(s, "virtual"):
		return "virtual", ""
	case strings.Contains(s, "phone"), strings.Contains(s, "telephone"), strings.Contains(s, "call"):
		return "virtual", "call"
	case strings.Contains(s, "hybrid"):
		return "hybrid", ""
	}
	return "", ""
}

// ukOrganisations splits the organisation cell on commas and semicolons.
// An item that is plainly a person ("Tom Blenkinsop MP", "Lord Neuberger
// & Lady Hale") is returned as a person with no organisation.
func ukOrganisations(cell string, u *unknowns) (orgs []string, named []Person) {
	for _, item := range splitList(strings.ReplaceAll(cell, ";", ","), ",") {
		if notRecorded(item) {
			u.note("organisation not recorded")
			continue
		}
		parts := splitAnd(item)
		allPeople := true
		for _, p := range parts {
			if !looksLikePerson(p) {
				allPeople = false
				break
			}
		}
		if !allPeople {
			orgs = addOrg(orgs, item)
			continue
		}
		for _, p := range parts {
			if name := personName(clean(p)); name != "" {
				named = addPerson(named, Person{Name: name})
			}
		}
	}
	return orgs, named
}

// orgWords end the names of organisations, some named after people
// ("Sir Simon Milton Foundation").
var orgWords = map[string]bool{"foundation": true, "trust": true, "fund": true, "ltd": true, "limited": true, "plc": true, "llp": true, "group": true, "college": true, "university": true, "school": true, "academy": true, "association": true, "society": true, "council": true, "institute": true, "centre": true, "center": true, "company": true, "union": true, "hospital": true, "charity": true, "partnership": true, "chambers": true}

// looksLikePerson reports whether s is styled as a British public figure:
// "Sir …", "Lord …", "… MP", "… QC", and does not end as an organisation
// does ("… Foundation").
func looksLikePerson(s string) bool {
	words := strings.Fields(s)
	if len(words) < 2 || orgWords[wordKey(words[len(words)-1])] {
		return false
	}
	switch wordKey(words[0]) {
	case "sir", "dame", "lord", "lady", "baroness", "rt":
		return true
	case "the":
		return wordKey(words[1]) == "rt" || wordKey(words[1]) == "lord"
	}
	switch wordKey(words[len(words)-1]) {
	case "mp", "msp", "mep", "qc", "kc":
		return true
	}
	return false
}
