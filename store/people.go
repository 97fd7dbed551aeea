package store

import (
	"context"
	"errors"
	"net/mail"
	"strings"

	"gorm.io/gorm"

	"liaison/models"
)

// PersonInput creates a person.
type PersonInput struct {
	FullName       string
	JobTitle       string
	Email          string
	OrganizationID string
}

// PersonPatch changes a person; fields left out stay as they are.
type PersonPatch struct {
	FullName       models.Opt[string]      `json:"full_name"`
	JobTitle       models.Opt[string]      `json:"job_title"`
	Email          models.Nullable[string] `json:"email"` // null or "" clears it
	OrganizationID models.Opt[string]      `json:"organization_id"`
	// IfVersion is the version the change was made against (If-Match).
	IfVersion *int `json:"-"`
}

func (s *Store) validatePerson(tx *gorm.DB, p *models.Person) error {
	var v validator
	v.check(p.FullName != "" && len(p.FullName) <= 200, "full_name", "must be 1 to 200 characters")
	v.check(len(p.JobTitle) <= 200, "job_title", "must be at most 200 characters")
	if p.Email != nil {
		_, err := mail.ParseAddress(*p.Email)
		v.check(err == nil && !strings.ContainsAny(*p.Email, " <>"), "email", "must be an email address")
	}
	if p.OrganizationID == "" {
		v.add("organization_id", "is required")
	} else if err := checkExists(tx, &v, "organization_id", &models.Organization{}, p.OrganizationID, "no organization has this id"); err != nil {
		return err
	}
	return v.err()
}

// checkExists adds a field error when no row of model has the id.
func checkExists(tx *gorm.DB, v *validator, field string, model any, id, msg string) error {
	var n int64
	if err := tx.Model(model).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	v.check(n == 1, field, "%s", msg)
	return nil
}

func normEmail(e string) *string {
	e = strings.ToLower(strings.TrimSpace(e))
	if e == "" {
		return nil
	}
	return &e
}

func dupPerson(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return &ValidationError{Errors: []FieldError{{Field: "email", Message: "a person with this email already exists"}}}
	}
	return translate(err, "person")
}

// CreatePerson adds a person to the directory.
func (s *Store) CreatePerson(ctx context.Context, c Caller, in PersonInput) (*models.Person, error) {
	if err := requireCoordinator(c); err != nil {
		return nil, err
	}
	p := &models.Person{ID: newID(), FullName: strings.TrimSpace(in.FullName), JobTitle: strings.TrimSpace(in.JobTitle),
		Email: normEmail(in.Email), OrganizationID: in.OrganizationID, Version: 1}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := s.validatePerson(tx, p); err != nil {
			return err
		}
		if err := tx.Create(p).Error; err != nil {
			return dupPerson(err)
		}
		return s.audit(tx, c, "create", "person", p.ID, diff(nil, p))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// GetPerson reads one person of the directory. It never lists the meetings
// the person attended: attendance is what is secret.
func (s *Store) GetPerson(ctx context.Context, c Caller, id string) (*models.Person, error) {
	var p models.Person
	if err := s.read(ctx).Where("id = ?", id).Take(&p).Error; err != nil {
		return nil, translate(err, "person")
	}
	return &p, nil
}

// PersonFilter narrows the people list.
type PersonFilter struct {
	OrganizationID string
	Q              string
}

var personSorts = newSortSet("full_name", map[string]sortKey{
	"full_name":  {expr: "people.full_name"},
	"created_at": {expr: "people.created_at", isTime: true},
})

// ListPeople pages through the directory of people.
func (s *Store) ListPeople(ctx context.Context, c Caller, f PersonFilter, p Page) ([]models.Person, *string, error) {
	q := s.read(ctx).Model(&models.Person{})
	if f.OrganizationID != "" {
		q = q.Where("organization_id = ?", f.OrganizationID)
	}
	if f.Q != "" {
		pat := likePattern(f.Q)
		q = q.Where("(people.full_name "+s.like()+" ? ESCAPE '\\' OR people.job_title "+s.like()+" ? ESCAPE '\\' OR people.email LIKE ? ESCAPE '\\')", pat, pat, strings.ToLower(pat))
	}
	q, key, name, err := applyPage(q, personSorts, p, "people")
	if err != nil {
		return nil, nil, err
	}
	var rows []models.Person
	if err := q.Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(x models.Person) (any, string) {
		if key.isTime {
			return x.CreatedAt, x.ID
		}
		return x.FullName, x.ID
	})
	return rows, next, nil
}

// UpdatePerson changes a person.
func (s *Store) UpdatePerson(ctx context.Context, c Caller, id string, p PersonPatch) (*models.Person, error) {
	if err := refuseNulls(p); err != nil {
		return nil, err
	}
	if err := requireCoordinator(c); err != nil {
		return nil, err
	}
	var out models.Person
	err := s.write(ctx, func(tx *gorm.DB) error {
		var x models.Person
		if err := tx.Where("id = ?", id).Take(&x).Error; err != nil {
			return translate(err, "person")
		}
		if err := checkVersion(p.IfVersion, x.Version, "person"); err != nil {
			return err
		}
		before := x
		setIf(&x.FullName, p.FullName, strings.TrimSpace)
		setIf(&x.JobTitle, p.JobTitle, strings.TrimSpace)
		setIf(&x.OrganizationID, p.OrganizationID, nil)
		if p.Email.Set {
			x.Email = nil
			if p.Email.V != nil {
				x.Email = normEmail(*p.Email.V)
			}
		}
		if err := s.validatePerson(tx, &x); err != nil {
			return err
		}
		if out = x; unchanged(&before, &x) {
			return nil
		}
		if err := saveVersioned(tx, &x, &x.Version, before.Version, x.ID); err != nil {
			return dupPerson(err)
		}
		out = x
		return s.audit(tx, c, "update", "person", x.ID, diff(&before, &x))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeletePerson removes a person that nothing refers to.
func (s *Store) DeletePerson(ctx context.Context, c Caller, id string, ifVersion *int) error {
	if err := requireCoordinator(c); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		var x models.Person
		if err := tx.Where("id = ?", id).Take(&x).Error; err != nil {
			return translate(err, "person")
		}
		if err := checkVersion(ifVersion, x.Version, "person"); err != nil {
			return err
		}
		if err := stillReferenced(tx, "person", x.ID,
			reference{"users", "person_id", "user", "users"},
			reference{"attendees", "person_id", "attendance", "attendances"},
			reference{"action_items", "owner_person_id", "action item they own", "action items they own"}); err != nil {
			return err
		}
		if err := tx.Delete(&x).Error; err != nil {
			return translate(err, "person")
		}
		return s.audit(tx, c, "delete", "person", x.ID, diff(&x, nil))
	})
}
