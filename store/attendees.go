package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

// AttendeeInput adds a row to a meeting's attendance. OrganizationID may be
// left empty when PersonID is set: the person's organisation is used.
type AttendeeInput struct {
	PersonID          *string
	OrganizationID    string
	Role              string
	Attendance        string
	Disclosure        string
	WithholdingReason string
}

// AttendeePatch changes an attendance row; fields left out stay as they are.
type AttendeePatch struct {
	PersonID       models.Nullable[string]       `json:"person_id"`
	OrganizationID models.Opt[string]            `json:"organization_id"`
	Role           models.Opt[string]            `json:"role"`
	Attendance     models.Opt[string]            `json:"attendance"`
	Disclosure     models.Opt[models.Disclosure] `json:"disclosure"`
	// WithholdingReason: null clears it, as does a disclosure that
	// withholds nothing.
	WithholdingReason models.Nullable[string] `json:"withholding_reason"`
	// IfVersion is the version the change was made against (If-Match).
	IfVersion *int `json:"-"`
}

// AttendeeView is an attendance row as one caller may see it. When Redacted,
// the withheld identity is absent: Person and PersonID always, Organization
// and OrganizationID too for undisclosed rows. Sector is always given.
type AttendeeView struct {
	ID                string
	MeetingID         string
	PersonID          *string
	OrganizationID    *string
	Person            *models.Person
	Organization      *models.Organization
	Sector            string
	SectorWithheld    bool // the sector would narrow the withheld organisation to fewer than k
	Role              string
	Attendance        string
	Disclosure        models.Disclosure
	WithholdingReason string
	Redacted          bool
	Version           int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func validateAttendee(v *validator, prefix string, a *models.Attendee) {
	v.check(models.OneOf(a.Role, models.AttendeeRoles), prefix+"role", "must be one of %v", models.AttendeeRoles)
	v.check(models.OneOf(a.Attendance, models.Attendances), prefix+"attendance", "must be one of %v", models.Attendances)
	v.check(models.OneOf(string(a.Disclosure), models.Disclosures), prefix+"disclosure", "must be one of %v", models.Disclosures)
	if a.Disclosure.Withholds() {
		v.check(models.OneOf(a.WithholdingReason, models.WithholdingReasons), prefix+"withholding_reason",
			"is required when the disclosure is %s, one of %v", a.Disclosure, models.WithholdingReasons)
	} else {
		v.check(a.WithholdingReason == "", prefix+"withholding_reason", "must be empty when the disclosure is public")
	}
}

// resolveAttendeeRefs checks the person and organisation, filling in the
// person's organisation when none is given.
func (s *Store) resolveAttendeeRefs(tx *gorm.DB, v *validator, prefix string, a *models.Attendee) error {
	if a.PersonID != nil {
		var p models.Person
		err := tx.Where("id = ?", *a.PersonID).Take(&p).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			v.add(prefix+"person_id", "no person has this id")
		} else if err != nil {
			return err
		} else if a.OrganizationID == "" {
			a.OrganizationID = p.OrganizationID
		}
	}
	if a.OrganizationID == "" {
		if a.PersonID == nil {
			v.add(prefix+"organization_id", "is required when no person_id is given")
		}
		return nil
	}
	return checkExists(tx, v, prefix+"organization_id", &models.Organization{}, a.OrganizationID, "no organization has this id")
}

func (s *Store) buildAttendee(tx *gorm.DB, v *validator, prefix, meetingID string, in AttendeeInput) (*models.Attendee, error) {
	a := &models.Attendee{ID: newID(), MeetingID: meetingID, PersonID: in.PersonID, OrganizationID: in.OrganizationID,
		Role: orDefault(in.Role, "attendee"), Attendance: orDefault(in.Attendance, "invited"),
		Disclosure: models.Disclosure(in.Disclosure), WithholdingReason: in.WithholdingReason, Version: 1}
	validateAttendee(v, prefix, a)
	if err := s.resolveAttendeeRefs(tx, v, prefix, a); err != nil {
		return nil, err
	}
	return a, nil
}

// attendeesOf loads the attendance of the given meetings, with each row's
// person and organisation, redacted for the caller. It is on the path of
// every meeting read: one hand-scanned query joins each row to its
// person and organisation (reading them by id apart was slower).
func (s *Store) attendeesOf(ctx context.Context, c Caller, meetingIDs []string) (map[string][]AttendeeView, error) {
	out := map[string][]AttendeeView{}
	if len(meetingIDs) == 0 {
		return out, nil
	}
	// Each row with the summaries of its person and organisation: whether
	// they are shown is decided below, from the row alone.
	in, args := inList(meetingIDs)
	rows, err := s.query(ctx, `SELECT a.id, a.meeting_id, a.person_id, a.organization_id, a.role, a.attendance,
		a.disclosure, a.withholding_reason, a.version, p.full_name, p.job_title, p.organization_id, `+organizationColumns+`
		FROM attendees a JOIN organizations o ON o.id = a.organization_id LEFT JOIN people p ON p.id = a.person_id
		WHERE a.meeting_id IN (`+in+`) ORDER BY a.meeting_id, a.created_at, a.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type row struct {
		a models.Attendee
		p *models.Person
		o *models.Organization
	}
	var all []row
	member := map[string]bool{}
	for rows.Next() {
		var (
			r                   row
			name, title, pOrgID sql.NullString
		)
		r.o = &models.Organization{}
		if err := rows.Scan(&r.a.ID, &r.a.MeetingID, &r.a.PersonID, &r.a.OrganizationID, &r.a.Role, &r.a.Attendance,
			&r.a.Disclosure, &r.a.WithholdingReason, &r.a.Version, &name, &title, &pOrgID,
			&r.o.ID, &r.o.Name, &r.o.Kind, &r.o.Sector, &r.o.Country); err != nil {
			return nil, err
		}
		if r.a.PersonID != nil {
			if name.Valid {
				r.p = &models.Person{ID: *r.a.PersonID, FullName: name.String, JobTitle: title.String, OrganizationID: pOrgID.String}
			}
			if c.PersonID != "" && *r.a.PersonID == c.PersonID && attends(r.a.Attendance) {
				member[r.a.MeetingID] = true
			}
		}
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	var g groupSizes
	var orgOnly []string
	redacts := false
	for _, r := range all {
		if a := r.a; a.Disclosure.Withholds() && !seesIdentities(c, member[a.MeetingID]) {
			redacts = true
			if a.Disclosure == models.DisclosureOrganizationOnly {
				orgOnly = append(orgOnly, a.OrganizationID)
			}
		}
	}
	if redacts {
		if g, err = s.groupSizes(ctx, true, orgOnly); err != nil {
			return nil, err
		}
	}
	for _, r := range all {
		out[r.a.MeetingID] = append(out[r.a.MeetingID], viewAttendee(c, r.a, r.p, r.o, member[r.a.MeetingID], g))
	}
	return out, nil
}

// viewAttendee redacts one attendance row for the caller: withheld
// identities are left out unless the caller is privileged or attended, and
// what is shown of them stays k-anonymous (anonymity.go).
func viewAttendee(c Caller, a models.Attendee, person *models.Person, org *models.Organization, member bool, g groupSizes) AttendeeView {
	v := AttendeeView{ID: a.ID, MeetingID: a.MeetingID, Role: a.Role, Attendance: a.Attendance, Disclosure: a.Disclosure,
		WithholdingReason: a.WithholdingReason, Version: a.Version, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if org != nil {
		v.Sector = org.Sector
	}
	if a.Disclosure.Withholds() && !seesIdentities(c, member) {
		v.Redacted = true
		if a.Disclosure == models.DisclosureOrganizationOnly && (a.PersonID == nil || g.orgShown(a.OrganizationID)) {
			id := a.OrganizationID
			v.OrganizationID, v.Organization = &id, org
			return v
		}
		if !g.sectorShown(v.Sector) {
			v.Sector, v.SectorWithheld = "", true
		}
		return v
	}
	id := a.OrganizationID
	v.OrganizationID, v.Organization = &id, org
	if a.PersonID != nil {
		pid := *a.PersonID
		v.PersonID, v.Person = &pid, person
	}
	return v
}

// ListAttendees lists a visible meeting's attendance, redacted for the caller.
func (s *Store) ListAttendees(ctx context.Context, c Caller, meetingID string) ([]AttendeeView, error) {
	ctx, end := s.snapshot(ctx)
	defer end()
	db := s.read(ctx)
	if _, err := s.visibleMeeting(db, c, meetingID); err != nil {
		return nil, err
	}
	m, err := s.attendeesOf(ctx, c, []string{meetingID})
	if err != nil {
		return nil, err
	}
	if m[meetingID] == nil {
		return []AttendeeView{}, nil
	}
	return m[meetingID], nil
}

// GetAttendee reads one attendance row of a visible meeting.
func (s *Store) GetAttendee(ctx context.Context, c Caller, meetingID, id string) (*AttendeeView, error) {
	ctx, end := s.snapshot(ctx)
	defer end()
	all, err := s.ListAttendees(ctx, c, meetingID)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == id {
			return &all[i], nil
		}
	}
	return nil, newErr(ErrNotFound, "attendee not found")
}

// CreateAttendee adds a row to a meeting's attendance.
func (s *Store) CreateAttendee(ctx context.Context, c Caller, meetingID string, in AttendeeInput) (*AttendeeView, error) {
	if err := requireCoordinator(c); err != nil {
		return nil, err
	}
	var id string
	err := s.write(ctx, func(tx *gorm.DB) error {
		if _, err := s.visibleMeeting(tx, c, meetingID); err != nil {
			return err
		}
		var v validator
		a, err := s.buildAttendee(tx, &v, "", meetingID, in)
		if err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		if err := tx.Create(a).Error; err != nil {
			return dupAttendee(err)
		}
		id = a.ID
		return s.audit(tx, c, "create", "attendee", a.ID, diff(nil, a))
	})
	if err != nil {
		return nil, err
	}
	return s.GetAttendee(ctx, c, meetingID, id)
}

func dupAttendee(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return &ValidationError{Errors: []FieldError{{Field: "person_id", Message: "this person is already on the meeting's attendance"}}}
	}
	return translate(err, "attendee")
}

// UpdateAttendee changes an attendance row.
func (s *Store) UpdateAttendee(ctx context.Context, c Caller, meetingID, id string, p AttendeePatch) (*AttendeeView, error) {
	if err := refuseNulls(p); err != nil {
		return nil, err
	}
	if err := requireCoordinator(c); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if _, err := s.visibleMeeting(tx, c, meetingID); err != nil {
			return err
		}
		var a models.Attendee
		if err := tx.Where("id = ? AND meeting_id = ?", id, meetingID).Take(&a).Error; err != nil {
			return translate(err, "attendee")
		}
		if err := checkVersion(p.IfVersion, a.Version, "attendee"); err != nil {
			return err
		}
		before := a
		setNullable(&a.PersonID, p.PersonID)
		setIf(&a.OrganizationID, p.OrganizationID, nil)
		setIf(&a.Role, p.Role, nil)
		setIf(&a.Attendance, p.Attendance, nil)
		setIf(&a.Disclosure, p.Disclosure, nil)
		if p.Disclosure.Set && !a.Disclosure.Withholds() && !p.WithholdingReason.Set {
			a.WithholdingReason = ""
		}
		if p.WithholdingReason.Set {
			a.WithholdingReason = ""
			if p.WithholdingReason.V != nil {
				a.WithholdingReason = *p.WithholdingReason.V
			}
		}
		var v validator
		validateAttendee(&v, "", &a)
		if err := s.resolveAttendeeRefs(tx, &v, "", &a); err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		if unchanged(&before, &a) {
			return nil
		}
		if err := saveVersioned(tx, &a, &a.Version, before.Version, a.ID); err != nil {
			return dupAttendee(err)
		}
		return s.audit(tx, c, "update", "attendee", a.ID, diff(&before, &a))
	})
	if err != nil {
		return nil, err
	}
	return s.GetAttendee(ctx, c, meetingID, id)
}

// DeleteAttendee removes an attendance row.
func (s *Store) DeleteAttendee(ctx context.Context, c Caller, meetingID, id string, ifVersion *int) error {
	if err := requireCoordinator(c); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		if _, err := s.visibleMeeting(tx, c, meetingID); err != nil {
			return err
		}
		var a models.Attendee
		if err := tx.Where("id = ? AND meeting_id = ?", id, meetingID).Take(&a).Error; err != nil {
			return translate(err, "attendee")
		}
		if err := checkVersion(ifVersion, a.Version, "attendee"); err != nil {
			return err
		}
		if err := tx.Delete(&a).Error; err != nil {
			return translate(err, "attendee")
		}
		return s.audit(tx, c, "delete", "attendee", a.ID, diff(&a, nil))
	})
}
