package importer

import (
	"os"
	"slices"
	"strings"
	"testing"
	_ "time/tzdata" // the tests' time zones, even where the system has none
)

// readFile reads a file of testdata in the given format.
func readFile(t *testing.T, format, name string) ([]Record, []Rejection) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, rejs, err := Read(format, f)
	if err != nil {
		t.Fatalf("Read(%s, %s): %v", format, name, err)
	}
	return recs, rejs
}

// readString reads CSV text in the given format.
func readString(t *testing.T, format, text string) ([]Record, []Rejection) {
	t.Helper()
	recs, rejs, err := Read(format, strings.NewReader(text))
	if err != nil {
		t.Fatalf("Read(%s): %v", format, err)
	}
	return recs, rejs
}

// byRow indexes records by row.
func byRow(recs []Record) map[int]Record {
	m := make(map[int]Record, len(recs))
	for _, r := range recs {
		m[r.Row] = r
	}
	return m
}

// sameList compares lists, taking nil and empty as equal.
func sameList[T comparable](a, b []T) bool {
	return len(a) == 0 && len(b) == 0 || slices.Equal(a, b)
}

func TestKey(t *testing.T) {
	same := [][]string{
		{"AT&T", "At&t", "AT & T", "at&t", " AT&T "},
		{"U.S. Trade Representative", "US Trade Representative", "u.s. trade representative"},
		{"Johnson & Johnson", "Johnson&Johnson", "JOHNSON & JOHNSON"},
		{"Rolls Royce", "Rolls-Royce", "ROLLS ROYCE"},
		{"Koc Group’s Consumer Durables", "Koc Group's Consumer Durables"},
		{"Hughes Hubbard", "Hughes  Hubbard"},
		{"Société Générale", "SOCIÉTÉ GÉNÉRALE"},
	}
	for _, names := range same {
		for _, n := range names[1:] {
			if Key(n) != Key(names[0]) {
				t.Errorf("Key(%q) = %q, Key(%q) = %q; want them equal", n, Key(n), names[0], Key(names[0]))
			}
		}
	}
	if got := Key("AT&T"); got != "att" {
		t.Errorf(`Key("AT&T") = %q, want "att"`, got)
	}
	different := [][2]string{
		{"AT&T", "ATT Inc"},
		{"USTR", "U.S. Trade Representative"},
		{"Société Générale", "Societe Generale"}, // accents are kept
	}
	for _, d := range different {
		if Key(d[0]) == Key(d[1]) {
			t.Errorf("Key(%q) == Key(%q); want them different", d[0], d[1])
		}
	}
	if got := Key("(b)(6)"); got != "b6" {
		t.Errorf(`Key("(b)(6)") = %q`, got)
	}
	if got := Key(" — "); got != "" {
		t.Errorf(`Key(" — ") = %q, want ""`, got)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, format, text, want string
	}{
		{"unknown format", "xlsx", "a,b\n", `unknown format "xlsx"`},
		{"not CSV", WhiteHouseCalendars, "Calendar,CEQ,1/2/17,\"Ted \"Boling,,,x,,,,,\n", "not valid CSV at line 1"},
		{"too few columns", WhiteHouseCalendars, "PK\x03\x04\x14\x00\n", "row 1 has 1 columns, want 7 or more"},
		{"UK empty", UKMinisterial, "", "the file is empty"},
		{"UK bad header", UKMinisterial, "rep_new,date,organisation,purpose,department,colour\n", `unknown column "colour"`},
		{"UK missing column", UKMinisterial, "rep_new,date,organisation,department\n", `missing column "purpose"`},
		{"UK no header", UKMinisterial, "Mr Mark Prisk,Minister of State,01/01/2012,CBI,General catch up,BIS,,,,UK Government,195,\n", "unknown columns"},
	}
	for _, tt := range tests {
		_, _, err := Read(tt.format, strings.NewReader(tt.text))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Read error = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		s, order, want, reason string
	}{
		{"1/23/17", "MDY", "2017-01-23", ""},
		{"01/02/17", "MDY", "2017-01-02", ""},
		{"12/31/2017", "MDY", "2017-12-31", ""},
		{"2/29/16", "MDY", "2016-02-29", ""},
		{"2/29/17", "MDY", "", `date "2/29/17" does not exist`},
		{"2/30/17", "MDY", "", `date "2/30/17" does not exist`},
		{"13/1/17", "MDY", "", `date "13/1/17" does not exist`},
		{"0/1/17", "MDY", "", `date "0/1/17" does not exist`},
		{"", "MDY", "", "no date"},
		{"Jan 5", "MDY", "", `date "Jan 5" is not in the form M/D/YY`},
		{"1-5-17", "MDY", "", `date "1-5-17" is not in the form M/D/YY`},
		{"1/5/017", "MDY", "", `date "1/5/017" is not in the form M/D/YY`},
		{"22/02/2024", "DMY", "2024-02-22", ""},
		{"01/12/2024", "DMY", "2024-12-01", ""},
		{"31/04/2024", "DMY", "", `date "31/04/2024" does not exist`},
		{"02/22/2024", "DMY", "", `date "02/22/2024" does not exist`},
	}
	for _, tt := range tests {
		layout := "M/D/YY"
		if tt.order == "DMY" {
			layout = "DD/MM/YYYY"
		}
		c, reason := parseSlashDate(tt.s, tt.order, layout)
		got := ""
		if reason == "" {
			got = c.String()
		}
		if got != tt.want || reason != tt.reason {
			t.Errorf("parseSlashDate(%q, %s) = %q, %q; want %q, %q", tt.s, tt.order, got, reason, tt.want, tt.reason)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Kabir   Ladan ", "Kabir Ladan"},
		{"Mark Meadows,  Jim Jo", "Mark Meadows, Jim Jo"},
		{"a\tb\nc", "a b c"},
		{"Scottish\u00a0Parliament\u202fEdinburgh", "Scottish Parliament Edinburgh"},
		{"Koc Group’s", "Koc Group’s"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := cleanText("  One  line. \r\n\r\n\r\n  Two\t lines  \n"), "One line.\n\nTwo lines"; got != want {
		t.Errorf("cleanText = %q, want %q", got, want)
	}
}

func TestSplitPeople(t *testing.T) {
	tests := []struct {
		cell     string
		want     []Person
		unknowns []string
	}{
		{"Dingman, Rob", []Person{{Name: "Rob Dingman"}}, nil},
		{"Shenberger, Daniel R", []Person{{Name: "Daniel R Shenberger"}}, nil},
		{"Hsu, A.", []Person{{Name: "A. Hsu"}}, nil},
		{"Al-Nashif, Nada", []Person{{Name: "Nada Al-Nashif"}}, nil},
		{"O'Byrne, B.", []Person{{Name: "B. O'Byrne"}}, nil},
		{"Warner Kramer, Deirdre", []Person{{Name: "Deirdre Warner Kramer"}}, nil},
		{"Kim, Jang Hyun", []Person{{Name: "Jang Hyun Kim"}}, nil},
		{"Steve Southerland, Jeff Landry", []Person{{Name: "Steve Southerland"}, {Name: "Jeff Landry"}}, nil},
		{"Mark Meadows,  Jim Jo", []Person{{Name: "Mark Meadows"}, {Name: "Jim Jo"}}, nil},
		{"John Kelly, ", []Person{{Name: "John Kelly"}}, nil},
		{"Sir Kim Darroch , Zanny Monton Beddoes", []Person{{Name: "Kim Darroch"}, {Name: "Zanny Monton Beddoes"}}, nil},
		{"Michael Auslin and Richard Kraemer", []Person{{Name: "Michael Auslin"}, {Name: "Richard Kraemer"}}, nil},
		{"Alison Douglas; Nicola Merrin", []Person{{Name: "Alison Douglas"}, {Name: "Nicola Merrin"}}, nil},
		{"Jason Greenblatt, Ross, Peter K. Navarro, Garrison Griffin",
			[]Person{{Name: "Jason Greenblatt"}, {Name: "Ross"}, {Name: "Peter K. Navarro"}, {Name: "Garrison Griffin"}}, nil},
		{"Bunn, Lindy Y. EOP/OSTP, Evans Harris, Natalie M. EOP/OSTP, Chretien, JP EOP/OSTP",
			[]Person{{Name: "Lindy Y. Bunn", Organization: "EOP/OSTP"}, {Name: "Natalie M. Evans Harris", Organization: "EOP/OSTP"}, {Name: "JP Chretien", Organization: "EOP/OSTP"}}, nil},
		{"Romine, Charles H. (Fed, Chen Lily (Fed, Guttman, Barbara (b)(6), (b)(6)",
			[]Person{{Name: "Charles H. Romine"}, {Name: "Chen Lily"}, {Name: "Barbara Guttman"}},
			[]string{"1 name partly withheld ((b)(6))", "1 name withheld ((b)(6))"}},
		{"(b)(6),(b)(6),(b)(6)", nil, []string{"3 names withheld ((b)(6))"}},
		{"(b) (6)", nil, []string{"1 name withheld ((b)(6))"}},
		{"(illegible)", nil, []string{"1 illegible name"}},
		{"Michael(illegible)", []Person{{Name: "Michael"}}, []string{"1 name partly illegible"}},
		{"Ambassador (illegible)", nil, []string{"1 illegible name"}},
		{"John W (Jack) Wilmer", []Person{{Name: "John W (Jack) Wilmer"}}, nil},
		{"Brendan Dun (McConnell), Payne P. Griffin", []Person{{Name: "Brendan Dun", Organization: "McConnell"}, {Name: "Payne P. Griffin"}}, nil},
		{`John M. "Mick" Mulvaney`, []Person{{Name: `John M. "Mick" Mulvaney`}}, nil},
		{"Martin Jeffries, PhD", []Person{{Name: "Martin Jeffries"}}, nil},
		{"Rt Hon Sir John Hayes MP", []Person{{Name: "John Hayes"}}, nil},
		{"The Rt Hon. the Lord Willetts", []Person{{Name: "Lord Willetts"}}, nil},
		{"Mr Smith", []Person{{Name: "Mr Smith"}}, nil},
		{"Salena Begley MBE", []Person{{Name: "Salena Begley"}}, nil},
	}
	for _, tt := range tests {
		var u unknowns
		got, _ := parsePeople(tt.cell, "", &u)
		if !sameList(got, tt.want) || !sameList(u.list(), tt.unknowns) {
			t.Errorf("parsePeople(%q) = %+v, unknowns %q;\nwant %+v, unknowns %q", tt.cell, got, u.list(), tt.want, tt.unknowns)
		}
	}
}

func TestRowNumbers(t *testing.T) {
	// Blank lines count as rows, as in a spreadsheet; a cell over two
	// lines stays in one row.
	text := "title,date,summary\n" +
		"One,2024-03-01,\n" +
		"\n" +
		"Two,2024-03-02,\"two\nlines\"\n" +
		"Three,2024-03-03,\n"
	recs, rejs := readString(t, GenericCSV, text)
	if len(rejs) != 0 {
		t.Fatalf("rejections: %v", rejs)
	}
	var rows []int
	for _, r := range recs {
		rows = append(rows, r.Row)
	}
	if want := []int{2, 4, 5}; !slices.Equal(rows, want) {
		t.Errorf("rows = %v, want %v", rows, want)
	}
	if recs[1].Summary != "two\nlines" {
		t.Errorf("summary = %q", recs[1].Summary)
	}
}

func TestHash(t *testing.T) {
	a := hashCells([]string{"ab", "c"})
	if b := hashCells([]string{"a", "bc"}); a == b {
		t.Error("moving text between cells does not change the hash")
	}
	if b := hashCells([]string{"ab", "c"}); a != b {
		t.Error("the same cells hash differently")
	}
	if len(a) != 64 {
		t.Errorf("hash %q is not SHA-256 hex", a)
	}
}
