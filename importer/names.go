package importer

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redaction markers. A FOIA exemption such as "(b)(6)" (personal privacy)
// stands where a withheld name or text was; "(illegible)" where the
// transcriber could not read it.
var (
	foiaRE      = regexp.MustCompile(`\(\s*[bB]\s*\)\s*\(\s*\d\s*\)(?:\s*\(\s*[A-Za-z]\s*\))?`)
	illegibleRE = regexp.MustCompile(`(?i)\(\s*illegible\s*\)`)
)

// stripMarkers removes redaction markers from s. withheld is the first FOIA
// marker found, spelled canonically ("(b)(6)"), or ""; illegible reports
// whether s held "(illegible)".
func stripMarkers(s string) (rest, withheld string, illegible bool) {
	if !strings.Contains(s, "(") {
		return s, "", false
	}
	if m := foiaRE.FindString(s); m != "" {
		withheld = strings.ToLower(strings.Join(strings.Fields(m), ""))
		s = foiaRE.ReplaceAllString(s, " ")
	}
	if illegibleRE.MatchString(s) {
		illegible = true
		s = illegibleRE.ReplaceAllString(s, " ")
	}
	return clean(s), withheld, illegible
}

// unknowns collects, in order, what a row marks as unknown or withheld.
type unknowns struct{ notes []unknownNote }

type unknownNote struct {
	one, many string // many holds a %d for the count
	n         int
}

// count counts one more of a countable note: one is "1 illegible name",
// many is "%d illegible names".
func (u *unknowns) count(one, many string) {
	for i := range u.notes {
		if u.notes[i].one == one {
			u.notes[i].n++
			return
		}
	}
	u.notes = append(u.notes, unknownNote{one: one, many: many, n: 1})
}

// note adds a note that is said once.
func (u *unknowns) note(s string) {
	for _, n := range u.notes {
		if n.one == s {
			return
		}
	}
	u.notes = append(u.notes, unknownNote{one: s, n: 1})
}

func (u *unknowns) list() []string {
	if len(u.notes) == 0 {
		return nil
	}
	out := make([]string, len(u.notes))
	for i, n := range u.notes {
		if n.n > 1 && n.many != "" {
			out[i] = fmt.Sprintf(n.many, n.n)
		} else {
			out[i] = n.one
		}
	}
	return out
}

// withheldName counts a name withheld under marker.
func (u *unknowns) withheldName(marker string) {
	u.count("1 name withheld ("+marker+")", "%d names withheld ("+marker+")")
}

func (u *unknowns) illegibleName() { u.count("1 illegible name", "%d illegible names") }

// A piece is one name-sized part of a cell that names people.
type piece struct {
	text      string // the name, markers and organisation removed
	org       string // the organisation the piece names, "" when none
	status    bool   // a status note such as "(Fed)" was removed
	withheld  string // a FOIA marker was removed
	illegible bool   // "(illegible)" was removed
}

// statusNotes are parenthesised notes after a name that are not an
// organisation: "(Fed)" for a federal employee, "(Contractor)".
var statusNotes = map[string]bool{"fed": true, "contractor": true, "ctr": true}

// parsePiece reads one name with its markers and trailing organisation.
func parsePiece(s string) piece {
	var p piece
	s, p.withheld, p.illegible = stripMarkers(s)
	// A trailing "(X)", or "(X" cut off at the end of the cell.
	if open := trailingParen(s); open >= 0 {
		inner := strings.TrimSuffix(s[open+1:], ")")
		inner = clean(inner)
		s = clean(s[:open])
		if statusNotes[strings.ToLower(strings.Trim(inner, ". "))] {
			p.status = true
		} else if inner != "" {
			p.org = inner
		}
	}
	// A trailing office code such as "EOP/OSTP".
	if i := strings.LastIndexByte(s, ' '); i > 0 && p.org == "" && isOfficeCode(s[i+1:]) {
		p.org = s[i+1:]
		s = s[:i]
	}
	p.text = s
	return p
}

// trailingParen is the index of the "(" that opens a parenthesis ending s,
// or of an unclosed "(" near its end; -1 when there is neither. A
// parenthesis inside the name ("John W (Jack) Wilmer") is not trailing.
func trailingParen(s string) int {
	if strings.HasSuffix(s, ")") {
		depth := 0
		for i := len(s) - 1; i >= 0; i-- {
			switch s[i] {
			case ')':
				depth++
			case '(':
				depth--
				if depth == 0 {
					return i
				}
			}
		}
		return -1
	}
	open := strings.LastIndexByte(s, '(')
	if open >= 0 && !strings.Contains(s[open:], ")") {
		return open
	}
	return -1
}

// isOfficeCode reports whether w is an office code such as "EOP/OSTP":
// capital letters on both sides of a slash.
func isOfficeCode(w string) bool {
	if !strings.Contains(w, "/") || len(w) < 3 {
		return false
	}
	for _, r := range w {
		if r != '/' && !unicode.IsUpper(r) {
			return false
		}
	}
	return !strings.HasPrefix(w, "/") && !strings.HasSuffix(w, "/")
}

// isInitial reports whether w is an initial: "J", "J.", "j", "J.D.".
func isInitial(w string) bool {
	w = strings.TrimSuffix(w, ".")
	for _, part := range strings.Split(w, ".") {
		if utf8.RuneCountInString(part) != 1 {
			return false
		}
		r, _ := utf8.DecodeRuneInString(part)
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// particles are the lower-case words that may begin a family name.
var particles = map[string]bool{"van": true, "von": true, "de": true, "del": true, "della": true, "da": true, "di": true, "du": true, "la": true, "le": true, "der": true, "den": true, "ter": true, "al": true, "el": true, "bin": true}

// isFamilyName reports whether p looks like the family name before the
// comma of "Last, First": one or two capitalised words (three with a
// particle such as "van"), no initial, no organisation.
func isFamilyName(p piece) bool {
	if p.text == "" || p.org != "" || p.status {
		return false
	}
	words := strings.Fields(p.text)
	limit := 2
	for _, w := range words {
		if particles[w] {
			limit = 3
		}
	}
	if len(words) > limit {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if isInitial(w) || strings.ContainsAny(w, ".0123456789") || (!unicode.IsUpper(r) && !particles[w]) {
			return false
		}
	}
	return true
}

// givenNames counts the words of p that are full given names and the
// initials; ok is false when p cannot be given names at all.
func givenNames(p piece) (full, initials int, ok bool) {
	if p.text == "" {
		return 0, 0, false
	}
	for _, w := range strings.Fields(p.text) {
		switch {
		case isInitial(w):
			initials++
		case strings.ContainsAny(w, "0123456789/&"):
			return 0, 0, false
		default:
			full++
		}
	}
	return full, initials, full+initials <= 4
}

// lastFirst reports whether the pieces a and b, separated by a comma, are
// one person's "Last, First". onlyPair is true when they are the whole cell.
func lastFirst(a, b piece, onlyPair bool) bool {
	if !isFamilyName(a) {
		return false
	}
	oneWord := !strings.Contains(a.text, " ")
	full, initials, ok := givenNames(b)
	switch {
	case !ok:
		return false
	case full <= 1:
		return oneWord || initials > 0 || onlyPair
	case full == 2 && initials == 0:
		return oneWord && onlyPair
	}
	return false
}

// suffixes are the words that, alone after a comma, end the name before.
var suffixes = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true, "phd": true, "md": true, "esq": true, "mp": true, "msp": true, "qc": true, "kc": true, "mbe": true, "obe": true, "cbe": true}

func isSuffix(s string) bool { return suffixes[strings.ToLower(strings.ReplaceAll(s, ".", ""))] }

// splitPeople splits a cell that names people into pieces, one a person
// (see the package documentation for the rule).
func splitPeople(cell string) []piece {
	var out []piece
	for _, part := range strings.Split(cell, ";") {
		for _, group := range splitAnd(part) {
			out = append(out, splitCommas(group)...)
		}
	}
	return out
}

// andRE matches " and " and " & " between names.
var andRE = regexp.MustCompile(`(?i)\s+(?:and|&)\s+`)

func splitAnd(s string) []string {
	if !strings.Contains(s, "&") && !strings.Contains(strings.ToLower(s), " and ") {
		return []string{s}
	}
	return andRE.Split(s, -1)
}

// splitCommas splits a list of names on commas and joins "Last, First"
// pairs back together.
func splitCommas(s string) []piece {
	var ps []piece
	for _, raw := range strings.Split(s, ",") {
		t := clean(raw)
		if t == "" {
			continue
		}
		if isSuffix(t) && len(ps) > 0 && ps[len(ps)-1].text != "" {
			ps[len(ps)-1].text += " " + t
			continue
		}
		ps = append(ps, parsePiece(t))
	}
	var out []piece
	for i := 0; i < len(ps); i++ {
		if i+1 < len(ps) && lastFirst(ps[i], ps[i+1], len(ps) == 2) {
			a, b := ps[i], ps[i+1]
			out = append(out, piece{
				text:      b.text + " " + a.text,
				org:       b.org,
				status:    b.status,
				withheld:  b.withheld,
				illegible: b.illegible,
			})
			i++
			continue
		}
		out = append(out, ps[i])
	}
	return out
}

// Forms of address removed before a name, and letters removed after it,
// while two words of name remain.
var (
	addressForms = map[string]bool{"the": true, "rt": true, "right": true, "hon": true, "honourable": true, "honorable": true, "mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "sir": true, "dame": true, "prof": true, "professor": true, "ambassador": true}
	postNominals = map[string]bool{"mp": true, "msp": true, "mep": true, "qc": true, "kc": true, "mbe": true, "obe": true, "cbe": true, "kbe": true, "dbe": true, "phd": true}
)

// wordKey is a word lower-cased without dots, to look it up in the lists above.
func wordKey(w string) string {
	return strings.ToLower(strings.Trim(strings.ReplaceAll(w, ".", ""), ","))
}

// personName removes forms of address and post-nominal letters from a
// name while two words remain ("Mr Smith" keeps its "Mr"). It returns ""
// when nothing but those is left ("Ambassador").
func personName(s string) string {
	words := strings.Fields(s)
	for len(words) > 2 && addressForms[wordKey(words[0])] {
		words = words[1:]
	}
	for len(words) > 2 && postNominals[wordKey(words[len(words)-1])] {
		words = words[:len(words)-1]
	}
	all := true
	for _, w := range words {
		if !addressForms[wordKey(w)] && !postNominals[wordKey(w)] {
			all = false
			break
		}
	}
	if all {
		return ""
	}
	return strings.Join(words, " ")
}

// people turns the pieces of a cell into people with organisation org
// (unless a piece names its own), counting unknown names in u. orgs are the
// organisations of pieces that name no one ("(b)(6) (GSA)").
func people(ps []piece, org string, u *unknowns) (out []Person, orgs []string) {
	for _, p := range ps {
		name := personName(p.text)
		o := p.org
		if o == "" {
			o = org
		}
		if name == "" {
			switch {
			case p.withheld != "":
				u.withheldName(p.withheld)
			case p.illegible:
				u.illegibleName()
			}
			if p.org != "" {
				orgs = addOrg(orgs, p.org)
			}
			continue
		}
		if p.withheld != "" {
			u.count("1 name partly withheld ("+p.withheld+")", "%d names partly withheld ("+p.withheld+")")
		}
		if p.illegible {
			u.count("1 name partly illegible", "%d names partly illegible")
		}
		out = addPerson(out, Person{Name: name, Organization: o})
	}
	return out, orgs
}

// parsePeople reads a cell that names people.
func parsePeople(cell, org string, u *unknowns) ([]Person, []string) {
	cell = clean(cell)
	if cell == "" {
		return nil, nil
	}
	return people(splitPeople(cell), org, u)
}
