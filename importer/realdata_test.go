package importer

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// dataDir holds the two whole real files (see its README.md): the shared
// data folder beside the project's checkout.
const dataDir = "../../shared/data"

var realFiles = []struct {
	format, name string
	header       bool
}{
	{WhiteHouseCalendars, "white-house-complex-calendars-2017.csv", false},
	{UKMinisterial, "uk-scotland-ministerial-lobbying-meetings.csv", true},
}

// readReal reads a whole real file, skipping the test when the data
// directory is absent.
func readReal(tb testing.TB, name string) []byte {
	tb.Helper()
	if _, err := os.Stat(dataDir); os.IsNotExist(err) {
		tb.Skipf("%s is absent", dataDir)
	}
	data, err := os.ReadFile(filepath.Join(dataDir, name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func TestRealFiles(t *testing.T) {
	for _, f := range realFiles {
		t.Run(f.format, func(t *testing.T) {
			data := readReal(t, f.name)
			all, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			rows := len(all)
			if f.header {
				rows--
			}

			start := time.Now()
			recs, rejs, err := Read(f.format, bytes.NewReader(data))
			elapsed := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d data rows → %d records + %d rejections in %v", f.name, rows, len(recs), len(rejs), elapsed)
			if len(recs)+len(rejs) != rows {
				t.Errorf("records + rejections = %d, want %d data rows", len(recs)+len(rejs), rows)
			}

			// Every row once, in order.
			seen := make(map[int]bool, rows)
			for _, r := range recs {
				seen[r.Row] = true
			}
			for _, r := range rejs {
				seen[r.Row] = true
			}
			first := 1
			if f.header {
				first = 2
			}
			for row := first; row < first+rows; row++ {
				if !seen[row] {
					t.Errorf("row %d is neither a record nor a rejection", row)
				}
			}

			for _, r := range recs {
				checkRealRecord(t, r)
			}

			reasons := map[string]int{}
			var examples = map[string][]int{}
			for _, r := range rejs {
				reasons[r.Reason]++
				examples[r.Reason] = append(examples[r.Reason], r.Row)
			}
			keys := make([]string, 0, len(reasons))
			for k := range reasons {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				t.Logf("  %4d × %s (rows %v)", reasons[k], k, examples[k])
			}

			unknowns := map[string]int{}
			for _, r := range recs {
				for _, u := range r.Unknowns {
					unknowns[u]++
				}
			}
			keys = keys[:0]
			for k := range unknowns {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool { return unknowns[keys[i]] > unknowns[keys[j]] })
			for _, k := range keys {
				t.Logf("  unknown: %4d rows with %q", unknowns[k], k)
			}
		})
	}
}

// checkRealRecord checks what must hold of every record of a real file.
func checkRealRecord(t *testing.T, r Record) {
	t.Helper()
	bad := func(format string, args ...any) {
		t.Helper()
		t.Errorf("row %d: %s", r.Row, fmt.Sprintf(format, args...))
	}
	if r.Title == "" || len(r.Title) > maxTitle {
		bad("Title %q", r.Title)
	}
	loc, err := time.LoadLocation(r.Timezone)
	if err != nil || r.Timezone == "" || r.Timezone == "Local" {
		bad("Timezone %q: %v", r.Timezone, err)
	} else if r.StartsAt.In(loc).Format(time.DateOnly) != r.Date {
		bad("StartsAt %v is not on %s in %s", r.StartsAt, r.Date, r.Timezone)
	}
	if !r.EndsAt.After(r.StartsAt) || r.EndsAt.Sub(r.StartsAt) > 25*time.Hour {
		bad("StartsAt %v, EndsAt %v", r.StartsAt, r.EndsAt)
	}
	if r.HostKind != "government" || r.HostOrganization == "" || len(r.Hash) != 64 {
		bad("HostKind %q, HostOrganization %q, Hash %q", r.HostKind, r.HostOrganization, r.Hash)
	}
	people := append(append([]Person(nil), r.Attendees...), r.Officials...)
	if r.Host != nil {
		people = append(people, *r.Host)
	}
	for _, p := range people {
		if !goodName(p.Name) {
			bad("person named %q", p.Name)
		}
	}
	for _, o := range r.Organizations {
		if Key(o) == "" || strings.Contains(strings.ToLower(o), "(b)") || strings.Contains(strings.ToLower(o), "illegible") {
			bad("organisation %q", o)
		}
	}
}

// goodName reports whether a person's name is a name: not empty, not a
// redaction, not a note that it is unknown, and clean.
func goodName(name string) bool {
	lower := strings.ToLower(name)
	return Key(name) != "" && name == clean(name) &&
		!strings.Contains(lower, "(b)") && !strings.Contains(lower, "(b)(6)") &&
		!strings.Contains(lower, "illegible") && !strings.Contains(lower, "not recorded") &&
		lower != "none" && lower != "unknown"
}

func BenchmarkReadWhiteHouse(b *testing.B) {
	data := readReal(b, realFiles[0].name)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Read(WhiteHouseCalendars, bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadUK(b *testing.B) {
	data := readReal(b, realFiles[1].name)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Read(UKMinisterial, bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
