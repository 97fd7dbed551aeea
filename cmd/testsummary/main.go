// Command testsummary ends `make test` with one line that says what ran and
// what was skipped and why. gotestsum runs it after the tests, with the
// path of the run's `go test -json` events in GOTESTSUM_JSONFILE.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// location is the "file.go:12: " that t.Skip puts before its message.
var location = regexp.MustCompile(`^\s*\S+\.go:\d+: `)

func main() {
	f, err := os.Open(os.Getenv("GOTESTSUM_JSONFILE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	defer f.Close()
	last := map[string]string{} // test → its last line of output
	reasons := map[string]int{}
	var passed, failed, skipped int
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Test == "" {
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			if out := strings.TrimSpace(e.Output); out != "" && !strings.HasPrefix(out, "---") && !strings.HasPrefix(out, "===") {
				last[key] = location.ReplaceAllString(out, "")
			}
		case "pass":
			passed++
		case "fail":
			failed++
		case "skip":
			skipped++
			reasons[last[key]]++
		}
	}
	line := fmt.Sprintf("make test: ran go vet, gofmt and the tests with the race detector: %d passed, %d failed, %d skipped", passed, failed, skipped)
	if skipped > 0 {
		var parts []string
		for r, n := range reasons {
			parts = append(parts, fmt.Sprintf("%d × %s", n, r))
		}
		slices.Sort(parts)
		line += " (" + strings.Join(parts, "; ") + ")"
	}
	fmt.Println(line)
}
