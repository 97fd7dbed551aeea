package importer

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Format names, as the command line and the API spell them.
const (
	WhiteHouseCalendars = "whitehouse-calendars"
	UKMinisterial       = "uk-ministerial"
	GenericCSV          = "csv"
)

// Formats lists every format Read accepts.
var Formats = []string{WhiteHouseCalendars, UKMinisterial, GenericCSV}

// Person is someone a row names.
type Person struct {
	// Name is a display name, "First Last" (a "Last, First" becomes
	// "First Last"); never a redaction such as "(b)(6)" or "(illegible)".
	Name string
	// Organization is the organisation the row names for them, "" when none.
	Organization string
	// JobTitle is the role the row names for them, "" when none.
	JobTitle string
}

// Record is one meeting read from one row.
type Record struct {
	// Row is the row's number as a spreadsheet shows it; the header row,
	// when the file has one, is row 1.
	Row int
	// Title is never empty. When the source has no subject it is built
	// from the organisations or people ("Meeting with …") or the kind of
	// entry ("Calendar entry"), and Summary says the subject was not
	// recorded.
	Title string
	// Date is the meeting's date as read, YYYY-MM-DD, in the source's own
	// calendar (that is, in Timezone).
	Date string
	// StartsAt and EndsAt bound the meeting. When the source gives only a
	// date they are the start of that day and of the next in Timezone.
	StartsAt, EndsAt time.Time
	// TimeKnown is false when the source gives only a date.
	TimeKnown bool
	// Timezone is an IANA name: America/New_York for the White House file,
	// Europe/London for the UK file, as given (default UTC) for the generic.
	Timezone string
	Location string
	// Modality is one of models.Modalities, or "" when the source does
	// not say.
	Modality string
	// Kind is one of models.MeetingKinds, or "" when the source does not say.
	Kind          string
	Summary       string
	PublicReadout string
	// HostOrganization is the body that held the meeting: the White House
	// office, the UK department, "Scottish Parliament".
	HostOrganization string
	// HostKind is the kind of the host organisation ("government" for both
	// real files), or "" when unknown.
	HostKind string
	// Host is the official who held the meeting, when named.
	Host *Person
	// Officials are other government people the row names as present
	// (the UK file's others_at_the_meeting).
	Officials []Person
	// Attendees are the outside people, each with an organisation when
	// the row gives one. The White House file does not say who is an
	// official, so its attendees may include officials.
	Attendees []Person
	// Organizations are outside organisations the row names without a
	// person, deduplicated by Key.
	Organizations []string
	Topics        []string
	// Unknowns says what the row marks as unknown or withheld, e.g.
	// "1 name withheld ((b)(6))", "1 illegible name", "subject not recorded".
	Unknowns []string
	// SourceID is the source's own id of the row (the UK RecordId), "" when none.
	SourceID string
	// SourceURL is a link to the source's own page for the row, "" when none.
	SourceURL string
	// Hash is the SHA-256 (hex) of the row's cells as read, so that a
	// re-import can tell a changed row.
	Hash string
}

// Rejection is a row that cannot become a meeting.
type Rejection struct {
	Row    int
	Reason string
}

func (r Rejection) String() string { return fmt.Sprintf("row %d: %s", r.Row, r.Reason) }

// Read parses a whole file of the given format. A row that cannot become a
// meeting (no parseable date, a date that does not exist, nothing to build
// a title from, a bad generic value) is a Rejection; a problem with the
// file itself (unknown format, bad header, not CSV) is an error, and then
// no records are returned.
func Read(format string, r io.Reader) ([]Record, []Rejection, error) {
	var (
		recs []Record
		rejs []Rejection
		err  error
	)
	switch format {
	case WhiteHouseCalendars:
		recs, rejs, err = readWhiteHouse(r)
	case UKMinisterial:
		recs, rejs, err = readUK(r)
	case GenericCSV:
		recs, rejs, err = readGeneric(r)
	default:
		return nil, nil, fmt.Errorf("importer: unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("importer: %s: %w", format, err)
	}
	// A row naming more than one meeting can hold is refused, as the API
	// refuses such a meeting.
	kept := recs[:0]
	for _, r := range recs {
		if n := len(r.Attendees) + len(r.Officials) + len(r.Organizations); n > MaxAttendees || len(r.Topics) > MaxTopics {
			rejs = append(rejs, Rejection{Row: r.Row, Reason: fmt.Sprintf("names more than %d attendees or %d topics, more than one meeting holds", MaxAttendees, MaxTopics)})
			continue
		}
		kept = append(kept, r)
	}
	slices.SortFunc(rejs, func(a, b Rejection) int { return a.Row - b.Row })
	return kept, rejs, nil
}

// MaxAttendees and MaxTopics are the most a meeting holds, as the API
// takes them.
const (
	MaxAttendees = 500
	MaxTopics    = 50
)

// dedupeLimit bounds the names a list checks a new one against, so that
// a cell of thousands of names costs little before its row is refused.
const dedupeLimit = MaxAttendees + 1

// Key is the matching key of an organisation or person name: its letters
// and digits, lower-cased, so that case, spaces and punctuation do not
// count ("AT&T", "At&t" and "AT & T" share one key, as do "U.S. Trade
// Representative" and "US Trade Representative"). Accents are kept.
func Key(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// table reads CSV records and numbers them as a spreadsheet numbers rows:
// the blank lines that encoding/csv skips still count, and a cell that
// spans lines stays in one row.
type table struct {
	r       *csv.Reader
	row     int // row of the last record read
	endLine int // line on which the last record ended
}

func newTable(r io.Reader) *table {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(3); string(b) == "\uFEFF" {
		br.Discard(3) // a byte order mark, which a quoted first cell would choke on
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // each format checks the number of cells itself
	cr.ReuseRecord = true
	return &table{r: cr}
}

// next returns the next record and its row number, or io.EOF at the end.
// The record is only valid until the next call.
func (t *table) next() ([]string, int, error) {
	rec, err := t.r.Read()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, 0, fmt.Errorf("not valid CSV at line %d: %v", pe.Line, pe.Err)
		}
		return nil, 0, err
	}
	line, _ := t.r.FieldPos(0)
	t.row += line - t.endLine
	last := len(rec) - 1
	l, _ := t.r.FieldPos(last)
	t.endLine = l + strings.Count(rec[last], "\n")
	return rec, t.row, nil
}

// hashCells is the SHA-256 of the cells, each prefixed by its length so
// that moving text from one cell to the next changes the hash.
func hashCells(cells []string) string {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	for _, c := range cells {
		h.Write(buf[:binary.PutUvarint(buf[:], uint64(len(c)))])
		io.WriteString(h, c)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// clean trims s and collapses every run of white space in it, line breaks
// included, to one space. Invalid UTF-8 becomes U+FFFD.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if isClean(s) {
		return s
	}
	// Control characters (a NUL, say) are no text; white space is collapsed.
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// isClean reports whether s is ASCII with no white space but single spaces
// between words, which is most cells.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return false
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		case c < ' ' || c == 0x7f:
			return false
		}
	}
	return true
}

// cleanText is clean for text that may run over several lines: each line is
// cleaned, and blank lines between paragraphs shrink to one.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	blank := false
	for _, line := range strings.Split(s, "\n") {
		line = clean(line)
		if line == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// splitList splits s on sep, cleans each part and drops the empty ones.
func splitList(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = clean(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// A civil is a calendar date.
type civil struct {
	year  int
	month time.Month
	day   int
}

func (c civil) String() string { return fmt.Sprintf("%04d-%02d-%02d", c.year, int(c.month), c.day) }

// bounds is the start of the day in loc and the start of the next.
func (c civil) bounds(loc *time.Location) (time.Time, time.Time) {
	start := time.Date(c.year, c.month, c.day, 0, 0, 0, 0, loc)
	return start, time.Date(c.year, c.month, c.day+1, 0, 0, 0, 0, loc)
}

// parseSlashDate reads a date of three numbers separated by "/" in the
// order given: "MDY" or "DMY". A two-digit year is in the 2000s. The
// reason is "" when the date is good.
func parseSlashDate(s, order, layout string) (civil, string) {
	if s == "" {
		return civil{}, "no date"
	}
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return civil{}, fmt.Sprintf("date %q is not in the form %s", s, layout)
	}
	var n [3]int
	for i, p := range parts {
		v, ok := atoi(p)
		if !ok || len(p) > 4 {
			return civil{}, fmt.Sprintf("date %q is not in the form %s", s, layout)
		}
		n[i] = v
	}
	c := civil{year: n[2]}
	if order == "MDY" {
		c.month, c.day = time.Month(n[0]), n[1]
	} else {
		c.day, c.month = n[0], time.Month(n[1])
	}
	if len(parts[2]) <= 2 {
		c.year += 2000
	} else if len(parts[2]) != 4 {
		return civil{}, fmt.Sprintf("date %q is not in the form %s", s, layout)
	}
	if !c.valid() {
		return civil{}, fmt.Sprintf("date %q does not exist", s)
	}
	return c, ""
}

// valid reports whether the date exists in a plausible year.
func (c civil) valid() bool {
	if c.year < 1900 || c.year > 2199 || c.month < 1 || c.month > 12 || c.day < 1 {
		return false
	}
	return c.day <= time.Date(c.year, c.month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// atoi parses a non-empty run of ASCII digits.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

var zones sync.Map // name → *time.Location

// loadZone is time.LoadLocation with a cache, and refuses "" and "Local",
// which are not IANA names.
func loadZone(name string) (*time.Location, error) {
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("%q is not an IANA time zone", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	zones.Store(name, loc)
	return loc, nil
}

// Title lengths. Liaison takes titles of up to 300 bytes; a title made from
// a longer text is cut to titleLen, and the whole text goes to the summary.
const (
	maxTitle = 300
	titleLen = 150
)

// titleFrom makes a title from a description: the description itself when
// short, else its first sentence, else its start cut at a word. whole
// reports whether the title is the whole description.
func titleFrom(text string) (title string, whole bool) {
	if len(text) <= titleLen {
		return text, true
	}
	if i := strings.Index(text, ". "); i > 0 && i < titleLen {
		return text[:i+1], false
	}
	return shorten(text, titleLen), false
}

// shorten cuts s to at most n bytes at a space, adding "…".
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndex(s[:n-len("…")+1], " ")
	if cut <= 0 {
		cut = n - len("…")
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:-") + "…"
}

// meetingWith is the title of a meeting known only by whom it was with.
func meetingWith(names []string) string {
	var who string
	switch n := len(names); {
	case n == 1:
		who = names[0]
	case n == 2:
		who = names[0] + " and " + names[1]
	case n == 3:
		who = names[0] + ", " + names[1] + " and " + names[2]
	default:
		who = fmt.Sprintf("%s, %s, %s and %d others", names[0], names[1], names[2], n-3)
	}
	return shorten("Meeting with "+who, maxTitle)
}

// addOrg appends org to orgs unless an organisation with its Key is there.
func addOrg(orgs []string, org string) []string {
	k := Key(org)
	if k == "" {
		return orgs
	}
	if len(orgs) > dedupeLimit {
		return append(orgs, org)
	}
	for _, o := range orgs {
		if Key(o) == k {
			return orgs
		}
	}
	return append(orgs, org)
}

// addPerson appends p to people unless someone with its name's Key is
// there; then a missing organisation is filled in from p.
func addPerson(people []Person, p Person) []Person {
	k := Key(p.Name)
	if k == "" {
		return people
	}
	if len(people) > dedupeLimit {
		return append(people, p)
	}
	for i := range people {
		if Key(people[i].Name) == k {
			if people[i].Organization == "" {
				people[i].Organization = p.Organization
			}
			return people
		}
	}
	return append(people, p)
}

// hasMember reports whether someone among people belongs to org.
func hasMember(people []Person, org string) bool {
	k := Key(org)
	for _, p := range people {
		if Key(p.Organization) == k {
			return true
		}
	}
	return false
}

// orgsOf lists the organisations of people, deduplicated by Key.
func orgsOf(people []Person) []string {
	var orgs []string
	for _, p := range people {
		if p.Organization != "" {
			orgs = addOrg(orgs, p.Organization)
		}
	}
	return orgs
}

// namesOf lists the names of people.
func namesOf(people []Person) []string {
	names := make([]string, len(people))
	for i, p := range people {
		names[i] = p.Name
	}
	return names
}

// joinSummary joins the non-empty parts of a summary as paragraphs.
func joinSummary(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// HostCountry is the ISO 3166-1 code of the bodies that hold the meetings
// of a format's files, "" when the format does not say.
func HostCountry(format string) string {
	switch format {
	case WhiteHouseCalendars:
		return "US"
	case UKMinisterial:
		return "GB"
	}
	return ""
}
