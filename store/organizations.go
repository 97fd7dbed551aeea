package store

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"gorm.io/gorm"

	"liaison/models"
)

// OrganizationInput creates an organisation or, through a patch, changes one.
type OrganizationInput struct {
	Name    string
	Kind    string
	Sector  string
	Country string
}

// OrganizationPatch changes an organisation; fields left out stay as they are.
type OrganizationPatch struct {
	Name    models.Opt[string] `json:"name"`
	Kind    models.Opt[string] `json:"kind"`
	Sector  models.Opt[string] `json:"sector"`
	Country models.Opt[string] `json:"country"`
	// IfVersion is the version the change was made against (If-Match).
	IfVersion *int `json:"-"`
}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

func validateOrganization(v *validator, o *models.Organization) {
	v.check(o.Name != "" && len(o.Name) <= 200, "name", "must be 1 to 200 characters")
	v.check(models.OneOf(o.Kind, models.OrganizationKinds), "kind", "must be one of %v", models.OrganizationKinds)
	// No sector is a government or international body's, or one not yet
	// classified (as an import leaves the organisations it brings in).
	v.check(o.Sector == "" || models.OneOf(o.Sector, models.Sectors), "sector", "must be one of %v, or empty", models.Sectors)
	v.check(o.Country == "" || countryCode.MatchString(o.Country), "country", "must be an ISO 3166-1 alpha-2 code such as US")
}

func dupOrganization(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return &ValidationError{Errors: []FieldError{{Field: "name", Message: "an organization with this name already exists"}}}
	}
	return translate(err, "organization")
}

// CreateOrganization adds an organisation.
func (s *Store) CreateOrganization(ctx context.Context, c Caller, in OrganizationInput) (*models.Organization, error) {
	if err := requireCoordinator(c); err != nil {
		return nil, err
	}
	o := &models.Organization{ID: newID(), Name: strings.TrimSpace(in.Name), Kind: in.Kind, Sector: in.Sector, Country: strings.ToUpper(in.Country), Version: 1}
	o.NameKey = strings.ToLower(o.Name)
	var v validator
	validateOrganization(&v, o)
	if err := v.err(); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(o).Error; err != nil {
			return dupOrganization(err)
		}
		return s.audit(tx, c, "create", "organization", o.ID, diff(nil, o))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// GetOrganization reads one organisation. The directory is readable by every
// signed-in user: attendance is secret, existence is not.
func (s *Store) GetOrganization(ctx context.Context, c Caller, id string) (*models.Organization, error) {
	var o models.Organization
	if err := s.read(ctx).Where("id = ?", id).Take(&o).Error; err != nil {
		return nil, translate(err, "organization")
	}
	return &o, nil
}

// OrganizationFilter narrows the organisation list.
type OrganizationFilter struct {
	Kind, Sector, Country, Q string
}

var organizationSorts = newSortSet("name", map[string]sortKey{
	"name":       {expr: "organizations.name_key"},
	"created_at": {expr: "organizations.created_at", isTime: true},
})

// ListOrganizations pages through the directory of organisations.
func (s *Store) ListOrganizations(ctx context.Context, c Caller, f OrganizationFilter, p Page) ([]models.Organization, *string, error) {
	q := s.read(ctx).Model(&models.Organization{})
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Sector != "" {
		q = q.Where("sector = ?", f.Sector)
	}
	if f.Country != "" {
		q = q.Where("country = ?", strings.ToUpper(f.Country))
	}
	if f.Q != "" {
		q = q.Where("name_key LIKE ? ESCAPE '\\'", likePattern(strings.ToLower(f.Q)))
	}
	q, key, name, err := applyPage(q, organizationSorts, p, "organizations")
	if err != nil {
		return nil, nil, err
	}
	var rows []models.Organization
	if err := q.Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(o models.Organization) (any, string) {
		if key.isTime {
			return o.CreatedAt, o.ID
		}
		return o.NameKey, o.ID
	})
	return rows, next, nil
}

// UpdateOrganization changes an organisation.
func (s *Store) UpdateOrganization(ctx context.Context, c Caller, id string, p OrganizationPatch) (*models.Organization, error) {
	if err := refuseNulls(p); err != nil {
		return nil, err
	}
	if err := requireCoordinator(c); err != nil {
		return nil, err
	}
	var out models.Organization
	err := s.write(ctx, func(tx *gorm.DB) error {
		var o models.Organization
		if err := tx.Where("id = ?", id).Take(&o).Error; err != nil {
			return translate(err, "organization")
		}
		if err := checkVersion(p.IfVersion, o.Version, "organization"); err != nil {
			return err
		}
		before := o
		setIf(&o.Name, p.Name, strings.TrimSpace)
		setIf(&o.Kind, p.Kind, nil)
		setIf(&o.Sector, p.Sector, nil)
		setIf(&o.Country, p.Country, strings.ToUpper)
		o.NameKey = strings.ToLower(o.Name)
		var v validator
		validateOrganization(&v, &o)
		if err := v.err(); err != nil {
			return err
		}
		if out = o; unchanged(&before, &o) {
			return nil
		}
		if err := saveVersioned(tx, &o, &o.Version, before.Version, o.ID); err != nil {
			return dupOrganization(err)
		}
		out = o
		return s.audit(tx, c, "update", "organization", o.ID, diff(&before, &o))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteOrganization removes an organisation that nothing refers to.
func (s *Store) DeleteOrganization(ctx context.Context, c Caller, id string, ifVersion *int) error {
	if err := requireCoordinator(c); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		var o models.Organization
		if err := tx.Where("id = ?", id).Take(&o).Error; err != nil {
			return translate(err, "organization")
		}
		if err := checkVersion(ifVersion, o.Version, "organization"); err != nil {
			return err
		}
		if err := stillReferenced(tx, "organization", o.ID,
			reference{"people", "organization_id", "person", "people"},
			reference{"meetings", "host_organization_id", "meeting it hosts", "meetings it hosts"},
			reference{"attendees", "organization_id", "attendance", "attendances"},
			reference{"action_items", "owner_organization_id", "action item it owns", "action items it owns"}); err != nil {
			return err
		}
		if err := tx.Delete(&o).Error; err != nil {
			return translate(err, "organization")
		}
		return s.audit(tx, c, "delete", "organization", o.ID, diff(&o, nil))
	})
}
