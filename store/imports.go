package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"liaison/importer"
	"liaison/models"
)

// Imports: meetings from the records coordinators already have (package
// importer reads the files). An imported meeting is a public record:
// TLP:CLEAR, held, every attendee public. Each keeps its source and row
// (meeting_sources), so that importing the same source again creates
// nothing new and a changed row updates its meeting. Organisations and
// people are matched to the directory by importer.Key (case, spaces and
// punctuation aside) and created when missing.

// importBatch is how many rows each transaction of an import writes
// unless its options say otherwise.
const importBatch = 250

// ImportOptions configure an import.
type ImportOptions struct {
	// Source names what is imported, such as the file's name: rows are
	// known again by source and row number.
	Source string
	// Country is the ISO code of the host organisations the import
	// creates ("US" for the White House records), "" when unknown.
	Country string
	// DryRun works everything out and writes nothing.
	DryRun bool
	// Progress, if set, is told after each batch how many rows are done.
	Progress func(done int)
	// BatchSize is how many rows each transaction writes; 0 means 250.
	BatchSize int
}

// ImportedRow is what an import did with one row.
type ImportedRow struct {
	Row       int
	Outcome   string // created, updated or unchanged
	Title     string
	MeetingID string // empty in a dry run for a meeting it would create
}

// ImportResult counts what an import did, or would do in a dry run.
type ImportResult struct {
	Source                                    string
	DryRun                                    bool
	Rows                                      int // rows read: imported and rejected
	Created, Updated, Unchanged               int
	OrganizationsCreated, OrganizationsReused int
	PeopleCreated, PeopleReused               int
	Meetings                                  []ImportedRow
	Rejected                                  []importer.Rejection
}

// errDryRun rolls a dry run back.
var errDryRun = errors.New("dry run")

// Import writes recs, read from opt.Source, in batched transactions: a
// meeting is written whole with its attendance or not at all. rejected
// are the rows the reader refused, kept in the result.
func (s *Store) Import(ctx context.Context, c Caller, recs []importer.Record, rejected []importer.Rejection, opt ImportOptions) (*ImportResult, error) {
	if err := requireCoordinator(c); err != nil {
		return nil, err
	}
	var v validator
	opt.Source = strings.TrimSpace(opt.Source)
	v.check(opt.Source != "" && len(opt.Source) <= 200, "source", "must be 1 to 200 characters")
	v.check(utf8.ValidString(opt.Source) && !strings.ContainsFunc(opt.Source, unicode.IsControl), "source", "must be text without control characters")
	v.check(opt.Country == "" || countryCode.MatchString(opt.Country), "country", "must be an ISO 3166-1 alpha-2 code such as US")
	if err := v.err(); err != nil {
		return nil, err
	}
	res := &ImportResult{Source: opt.Source, DryRun: opt.DryRun, Rows: len(recs) + len(rejected), Rejected: slices.Clone(rejected)}
	im := &importRun{s: s, c: c, opt: opt, res: res, seen: map[string]bool{}, created: map[string]bool{}, orgKeyOf: map[string]string{}}
	size := cmp.Or(opt.BatchSize, importBatch)
	for start := 0; start < len(recs); start += size {
		batch := recs[start:min(start+size, len(recs))]
		before := im.save()
		err := s.write(ctx, func(tx *gorm.DB) error {
			// A batch run again (the committer may) starts from the counts
			// as they were before it, and reads the directory again.
			im.restore(before)
			if err := im.begin(tx); err != nil {
				return err
			}
			for i := range batch {
				if err := im.rowOrReject(tx, &batch[i]); err != nil {
					return err
				}
			}
			if opt.DryRun {
				return errDryRun // each batch of a dry run is rolled back
			}
			return nil
		})
		if err != nil && !(opt.DryRun && errors.Is(err, errDryRun)) {
			return res, fmt.Errorf("rows %d to %d: %w", batch[0].Row, batch[len(batch)-1].Row, err)
		}
		if opt.Progress != nil {
			opt.Progress(start + len(batch))
		}
	}
	slices.SortStableFunc(res.Rejected, func(a, b importer.Rejection) int { return a.Row - b.Row })
	if opt.DryRun {
		for i := range res.Meetings {
			if res.Meetings[i].Outcome == "created" {
				res.Meetings[i].MeetingID = ""
			}
		}
	}
	return res, nil
}

// importRun is one import's state: its directory lookups, read again at
// the start of every transaction, and its counts.
type importRun struct {
	s   *Store
	c   Caller
	opt ImportOptions
	res *ImportResult
	tx  *gorm.DB
	// orgs and people map importer.Key to ids (people by organisation and
	// name), as of the transaction in tx.
	orgs, people map[string]string
	// seen holds the ids of the organisations and people counted as
	// reused or created; created the keys of those counted as created,
	// which a dry run, its batches rolled back, creates again in each.
	seen, created map[string]bool
	orgKeyOf      map[string]string // the key of each organisation created
	journal       []string          // every key added to seen, created and orgKeyOf, in order
}

// importState is where an importRun was, to go back to it when a batch
// runs again or a row is rejected: its counts, and how long its journal
// of the keys it added to seen, created and orgKeyOf was.
type importState struct {
	res                         ImportResult
	meetings, rejected, journal int
}

func (im *importRun) save() importState {
	return importState{res: *im.res, meetings: len(im.res.Meetings), rejected: len(im.res.Rejected), journal: len(im.journal)}
}

func (im *importRun) restore(st importState) {
	*im.res = st.res
	im.res.Meetings, im.res.Rejected = im.res.Meetings[:st.meetings], im.res.Rejected[:st.rejected]
	for _, k := range im.journal[st.journal:] {
		delete(im.seen, k)
		delete(im.created, k)
		delete(im.orgKeyOf, k)
	}
	im.journal = im.journal[:st.journal]
}

// begin reads the directory into the lookups for the transaction tx.
func (im *importRun) begin(tx *gorm.DB) error {
	im.tx, im.orgs, im.people = tx, map[string]string{}, map[string]string{}
	var orgs []models.Organization
	if err := tx.Select("id, name").Find(&orgs).Error; err != nil {
		return err
	}
	for _, o := range orgs {
		if k := importer.Key(o.Name); k != "" {
			if _, dup := im.orgs[k]; !dup {
				im.orgs[k] = o.ID
			}
		}
	}
	var people []models.Person
	if err := tx.Select("id, full_name, organization_id").Find(&people).Error; err != nil {
		return err
	}
	for _, p := range people {
		k := p.OrganizationID + "|" + importer.Key(p.FullName)
		if _, dup := im.people[k]; !dup {
			im.people[k] = p.ID
		}
	}
	return nil
}

// governmentName tells an outside organisation that is plainly a public
// body by its name, for its kind; the rest are industry until someone
// classifies them.
var governmentName = regexp.MustCompile(`(?i)\b(department|dept|ministry|agency|office|bureau|administration|commission|council|parliament|government|embassy|senate|congress|house of|county|city of|state of|police|army|navy|air force|authority)\b`)

// org finds or creates the organisation named name.
func (im *importRun) org(name, kind, country string) (string, error) {
	k := importer.Key(name)
	if k == "" {
		return "", nil
	}
	if id, ok := im.orgs[k]; ok {
		if !im.seen[id] {
			im.seen[id], im.journal = true, append(im.journal, id)
			im.res.OrganizationsReused++
		}
		return id, nil
	}
	if kind == "" {
		kind = "industry"
		if governmentName.MatchString(name) {
			kind = "government"
		}
	}
	o := &models.Organization{ID: newID(), Name: truncate(name, 200), Kind: kind, Country: country, Version: 1}
	o.NameKey = strings.ToLower(o.Name)
	var v validator
	validateOrganization(&v, o)
	if err := v.err(); err != nil {
		return "", err
	}
	if err := im.tx.Create(o).Error; err != nil {
		return "", dupOrganization(err)
	}
	if err := im.s.audit(im.tx, im.c, "create", "organization", o.ID, diff(nil, o)); err != nil {
		return "", err
	}
	im.orgs[k], im.seen[o.ID], im.orgKeyOf[o.ID] = o.ID, true, k
	im.journal = append(im.journal, o.ID)
	if !im.created["o:"+k] {
		im.created["o:"+k], im.journal = true, append(im.journal, "o:"+k)
		im.res.OrganizationsCreated++
	}
	return o.ID, nil
}

// person finds or creates the person p of the organisation orgID.
func (im *importRun) person(p importer.Person, orgID string) (string, error) {
	k := orgID + "|" + importer.Key(p.Name)
	if id, ok := im.people[k]; ok {
		if !im.seen[id] {
			im.seen[id], im.journal = true, append(im.journal, id)
			im.res.PeopleReused++
		}
		return id, nil
	}
	pr := &models.Person{ID: newID(), FullName: truncate(p.Name, 200), JobTitle: truncate(p.JobTitle, 200), OrganizationID: orgID, Version: 1}
	if err := im.s.validatePerson(im.tx, pr); err != nil {
		return "", err
	}
	if err := im.tx.Create(pr).Error; err != nil {
		return "", dupPerson(err)
	}
	if err := im.s.audit(im.tx, im.c, "create", "person", pr.ID, diff(nil, pr)); err != nil {
		return "", err
	}
	im.people[k], im.seen[pr.ID], im.journal = pr.ID, true, append(im.journal, pr.ID)
	// An organisation made by this import is known by its key: a dry run
	// makes it again, with another id, in each batch.
	org := orgID
	if ok := im.orgKeyOf[orgID]; ok != "" {
		org = "o:" + ok
	}
	if ck := "p:" + org + "|" + importer.Key(p.Name); !im.created[ck] {
		im.created[ck], im.journal = true, append(im.journal, ck)
		im.res.PeopleCreated++
	}
	return pr.ID, nil
}

// rowOrReject imports one record within tx, or, when Liaison's own rules
// refuse the meeting it makes, undoes what the row wrote and rejects it
// with the reason.
func (im *importRun) rowOrReject(tx *gorm.DB, r *importer.Record) error {
	before := im.save()
	if err := tx.SavePoint("import_row").Error; err != nil {
		return err
	}
	err := im.row(tx, r)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	if err := tx.RollbackTo("import_row").Error; err != nil {
		return err
	}
	im.restore(before)
	im.reject(r, strings.TrimPrefix(ve.Error(), "invalid input: "))
	// The directory lookups may name what the savepoint undid.
	return im.begin(tx)
}

// reject records that the row was not imported, and why.
func (im *importRun) reject(r *importer.Record, reason string) {
	im.res.Rejected = append(im.res.Rejected, importer.Rejection{Row: r.Row, Reason: reason})
}

// row imports one record within tx.
func (im *importRun) row(tx *gorm.DB, r *importer.Record) error {
	var src struct {
		MeetingID string
		RowHash   string
	}
	err := tx.Table("meeting_sources").Select("meeting_id, row_hash").Where("source = ? AND source_row = ?", im.opt.Source, r.Row).Take(&src).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	known := err == nil
	if known {
		// A meeting that Liaison has since deleted, or made more than a
		// public record, is left as it is.
		var live struct {
			TLP      string
			Withheld int
		}
		err := tx.Raw(`SELECT m.tlp, (SELECT COUNT(*) FROM attendees a WHERE a.meeting_id = m.id AND a.disclosure <> 'public') AS withheld
			FROM meetings m WHERE m.id = ? AND m.deleted_at IS NULL`, src.MeetingID).Take(&live).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			im.reject(r, "its meeting, imported before, has been deleted in Liaison; it is not imported again")
			return nil
		case err != nil:
			return err
		case src.RowHash != r.Hash && (live.TLP != string(models.TLPClear) || live.Withheld > 0):
			im.reject(r, "its meeting has been made more than a public record in Liaison (its TLP or a withheld attendee); it is not updated")
			return nil
		}
	}
	if known && src.RowHash == r.Hash {
		im.res.Unchanged++
		im.res.Meetings = append(im.res.Meetings, ImportedRow{Row: r.Row, Outcome: "unchanged", Title: r.Title, MeetingID: src.MeetingID})
		return nil
	}
	in, err := im.meetingInput(r)
	if err != nil {
		return err
	}
	now := im.s.now()
	if !known {
		m, err := im.s.createMeeting(tx, im.c, in)
		if err != nil {
			return err
		}
		if err := tx.Exec("INSERT INTO meeting_sources (source, source_row, meeting_id, row_hash, imported_at) VALUES (?, ?, ?, ?, ?)",
			im.opt.Source, r.Row, m.ID, r.Hash, now).Error; err != nil {
			return err
		}
		im.res.Created++
		im.res.Meetings = append(im.res.Meetings, ImportedRow{Row: r.Row, Outcome: "created", Title: r.Title, MeetingID: m.ID})
		return nil
	}
	if err := im.update(tx, src.MeetingID, in); err != nil {
		return err
	}
	if err := tx.Exec("UPDATE meeting_sources SET row_hash = ?, imported_at = ? WHERE source = ? AND source_row = ?", r.Hash, now, im.opt.Source, r.Row).Error; err != nil {
		return err
	}
	im.res.Updated++
	im.res.Meetings = append(im.res.Meetings, ImportedRow{Row: r.Row, Outcome: "updated", Title: r.Title, MeetingID: src.MeetingID})
	return nil
}

// meetingInput is the meeting a record makes, its organisations and
// people found or created in the directory.
func (im *importRun) meetingInput(r *importer.Record) (MeetingInput, error) {
	hostKind := r.HostKind
	if hostKind == "" {
		hostKind = "government"
	}
	hostName := r.HostOrganization
	if strings.TrimSpace(hostName) == "" {
		hostName = "Host not recorded"
	}
	host, err := im.org(hostName, hostKind, im.opt.Country)
	if err != nil {
		return MeetingInput{}, err
	}
	in := MeetingInput{
		Title: truncate(r.Title, 300), StartsAt: r.StartsAt, EndsAt: r.EndsAt, Timezone: r.Timezone, Location: truncate(r.Location, 300),
		Modality: orDefault(r.Modality, "in_person"), Kind: orDefault(r.Kind, "other"), Status: "held", TLP: string(models.TLPClear),
		PublicReadout: r.PublicReadout, HostOrganizationID: host, Topics: r.Topics,
	}
	var notes []string
	seen := map[string]bool{}
	present := map[string]bool{host: true} // organisations in the room through a person, and the host
	add := func(p importer.Person, orgID, role string) error {
		pid, err := im.person(p, orgID)
		if err != nil || seen[pid] {
			return err
		}
		seen[pid], present[orgID] = true, true
		in.Attendees = append(in.Attendees, AttendeeInput{PersonID: &pid, Role: role, Attendance: "attended", Disclosure: string(models.DisclosurePublic)})
		return nil
	}
	if r.Host != nil {
		if err := add(*r.Host, host, "host"); err != nil {
			return in, err
		}
	}
	for _, p := range r.Officials {
		if err := add(p, host, "attendee"); err != nil {
			return in, err
		}
	}
	var unaffiliated []string
	for _, p := range r.Attendees {
		if p.Organization == "" {
			// The directory needs an organisation for everyone: a name
			// without one stays in the summary.
			unaffiliated = append(unaffiliated, p.Name)
			continue
		}
		org, err := im.org(p.Organization, "", "")
		if err != nil {
			return in, err
		}
		if err := add(p, org, "attendee"); err != nil {
			return in, err
		}
	}
	for _, name := range r.Organizations {
		org, err := im.org(name, "", "")
		if err != nil {
			return in, err
		}
		if !present[org] {
			present[org] = true
			in.Attendees = append(in.Attendees, AttendeeInput{OrganizationID: org, Attendance: "attended", Disclosure: string(models.DisclosurePublic)})
		}
	}
	if len(unaffiliated) > 0 {
		notes = append(notes, "Also recorded (no affiliation given): "+strings.Join(unaffiliated, "; ")+".")
	}
	if !r.TimeKnown {
		notes = append(notes, "The source gives the date only, not the time.")
	}
	if len(r.Unknowns) > 0 {
		notes = append(notes, "Unknown or withheld in the source: "+strings.Join(r.Unknowns, "; ")+".")
	}
	source := "Imported from " + im.opt.Source + ", row " + itoa(r.Row)
	if r.SourceID != "" {
		source += " (record " + r.SourceID + ")"
	}
	if r.SourceURL != "" {
		source += ": " + r.SourceURL
	}
	notes = append(notes, source+".")
	in.Summary = strings.TrimSpace(r.Summary + "\n\n" + strings.Join(notes, "\n"))
	return in, nil
}

// update makes the meeting of a changed row what the row now says: its
// fields, topics and attendance.
func (im *importRun) update(tx *gorm.DB, id string, in MeetingInput) error {
	p := MeetingPatch{Title: models.Some(in.Title), StartsAt: models.Some(models.Timestamp{Time: in.StartsAt}), EndsAt: models.Some(models.Timestamp{Time: in.EndsAt}),
		Timezone: models.Some(in.Timezone), Location: models.Some(in.Location), Modality: models.Some(in.Modality), Kind: models.Some(in.Kind),
		Summary: models.Some(in.Summary), PublicReadout: models.Some(in.PublicReadout), HostOrganizationID: models.Some(in.HostOrganizationID),
		Topics: models.Some(in.Topics)}
	if err := im.s.updateMeeting(tx, im.c, id, p); err != nil {
		return err
	}
	var have []models.Attendee
	if err := tx.Where("meeting_id = ?", id).Find(&have).Error; err != nil {
		return err
	}
	key := func(personID *string, orgID string) string {
		if personID != nil {
			return "p:" + *personID
		}
		return "o:" + orgID
	}
	want := map[string]AttendeeInput{}
	for _, a := range in.Attendees {
		want[key(a.PersonID, a.OrganizationID)] = a
	}
	for _, a := range have {
		k := key(a.PersonID, a.OrganizationID)
		if _, ok := want[k]; ok {
			delete(want, k)
			continue
		}
		if err := tx.Delete(&a).Error; err != nil {
			return translate(err, "attendee")
		}
		if err := im.s.audit(tx, im.c, "delete", "attendee", a.ID, diff(&a, nil)); err != nil {
			return err
		}
	}
	for _, a := range in.Attendees {
		if _, ok := want[key(a.PersonID, a.OrganizationID)]; !ok {
			continue
		}
		var v validator
		att, err := im.s.buildAttendee(tx, &v, "attendees[].", id, a)
		if err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		if err := tx.Create(att).Error; err != nil {
			return translate(err, "attendee")
		}
		if err := im.s.audit(tx, im.c, "create", "attendee", att.ID, diff(nil, att)); err != nil {
			return err
		}
	}
	return nil
}

// truncate cuts s to at most n bytes, at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimSpace(s[:n])
}
