package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"liaison/importer"
	"liaison/store"
)

// importCmd reads a file of meeting records and imports it (liaison
// import). Rejected rows go to a report file, with their row and reason.
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := commonFlags(fs)
	format := fs.String("format", "", "the file's format: "+strings.Join(importer.Formats, ", ")+" (required)")
	source := fs.String("source", "", "the name rows are known by on a later import (default: the file's name)")
	dryRun := fs.Bool("dry-run", false, "print what would be created, updated and rejected; write nothing")
	report := fs.String("report", "", "where to write the rejected rows as CSV (default: the file's name with .rejected.csv, in the current folder, when any)")
	as := fs.String("as", "", "the email of the coordinator the import is recorded under (default: the system)")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	if !slices.Contains(importer.Formats, *format) {
		return fmt.Errorf("import: --format must be one of %s", strings.Join(importer.Formats, ", "))
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	recs, rejected, err := importer.Read(*format, f)
	if err != nil {
		return err
	}
	if *source == "" {
		*source = filepath.Base(path)
	}
	// A larger page cache than serving needs: an import writes thousands
	// of rows per transaction.
	st, err := cfg.openWith(ctx, true, store.Options{CacheMiB: 256})
	if err != nil {
		return err
	}
	defer st.Close()
	c := store.System
	if *as != "" {
		if c, err = st.CallerByEmail(ctx, *as); err != nil {
			return fmt.Errorf("import: --as: %w", err)
		}
	}
	opt := store.ImportOptions{Source: *source, Country: importer.HostCountry(*format), DryRun: *dryRun}
	var bar *progressbar.ProgressBar
	if !*dryRun {
		bar = progressbar.NewOptions(len(recs), progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("importing"),
			progressbar.OptionShowCount(), progressbar.OptionThrottle(200*time.Millisecond))
		opt.Progress = func(done int) { _ = bar.Set(done) }
	}
	start := time.Now()
	res, err := st.Import(ctx, c, recs, rejected, opt)
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(stderr)
	}
	if err != nil {
		if res != nil && res.Created+res.Updated > 0 {
			// The batches before the failure are in; running the same
			// import again takes up where it stopped.
			fmt.Fprintf(stderr, "import stopped after %d meetings; importing the file again continues from there\n", res.Created+res.Updated+res.Unchanged)
		}
		return fmt.Errorf("import: %w", err)
	}
	if *dryRun {
		for _, m := range res.Meetings {
			verb := map[string]string{"created": "would create", "updated": "would update", "unchanged": "unchanged"}[m.Outcome]
			fmt.Fprintf(stdout, "row %d: %s %q\n", m.Row, verb, m.Title)
		}
		for _, r := range res.Rejected {
			fmt.Fprintf(stdout, "row %d: rejected: %s\n", r.Row, r.Reason)
		}
	}
	if len(res.Rejected) > 0 {
		if *report == "" {
			*report = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) + ".rejected.csv"
		}
		if err := writeRejections(*report, res.Rejected); err != nil {
			return err
		}
	}
	printImportSummary(stdout, res, time.Since(start))
	if len(res.Rejected) > 0 {
		fmt.Fprintf(stdout, "rejected rows, with their reasons: %s\n", *report)
	}
	return nil
}

// printImportSummary prints what an import did, or would do.
func printImportSummary(w io.Writer, res *store.ImportResult, took time.Duration) {
	what := "imported"
	if res.DryRun {
		what = "dry run, nothing written"
	}
	fmt.Fprintf(w, "%s %s in %s: %d rows read\n", what, res.Source, took.Round(time.Millisecond), res.Rows)
	fmt.Fprintf(w, "  meetings:      %d created, %d updated, %d unchanged\n", res.Created, res.Updated, res.Unchanged)
	fmt.Fprintf(w, "  organisations: %d created, %d reused\n", res.OrganizationsCreated, res.OrganizationsReused)
	fmt.Fprintf(w, "  people:        %d created, %d reused\n", res.PeopleCreated, res.PeopleReused)
	fmt.Fprintf(w, "  rejected:      %d\n", len(res.Rejected))
}

// writeRejections writes the rejected rows to path as CSV.
func writeRejections(path string, rs []importer.Rejection) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("import: report: %w", err)
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	w := csv.NewWriter(f)
	_ = w.Write([]string{"row", "reason"})
	for _, r := range rs {
		_ = w.Write([]string{strconv.Itoa(r.Row), r.Reason})
	}
	w.Flush()
	return w.Error()
}
