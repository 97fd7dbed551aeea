package store

import (
	"context"
	"database/sql"

	"liaison/models"
)

// Summaries of organisations and people, read by id: a page's hosts and
// an action item page's owners. A summary never decides whether a name is
// shown: the attendance row does.

// summariesByID returns the summaries of ids, read with query (which
// selects from a table aliased so that "IN (…)" can follow it, one row per
// id) and scan.
func summariesByID[T any](ctx context.Context, s *Store, ids []string, query string,
	scan func(*sql.Rows) (string, *T, error)) (map[string]*T, error) {
	out := map[string]*T{}
	ids = uniq(ids)
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	rows, err := s.query(ctx, query+" IN ("+in+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		id, v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}

// orgsByID returns organisation summaries (id, name, kind, sector, country).
func (s *Store) orgsByID(ctx context.Context, ids []string) (map[string]*models.Organization, error) {
	return summariesByID(ctx, s, ids, `SELECT `+organizationColumns+` FROM organizations o WHERE o.id`,
		func(rows *sql.Rows) (string, *models.Organization, error) {
			o := &models.Organization{}
			err := rows.Scan(&o.ID, &o.Name, &o.Kind, &o.Sector, &o.Country)
			return o.ID, o, err
		})
}

// peopleByID returns person summaries (id, name, job title, organisation).
func (s *Store) peopleByID(ctx context.Context, ids []string) (map[string]*models.Person, error) {
	return summariesByID(ctx, s, ids, `SELECT p.id, p.full_name, p.job_title, p.organization_id FROM people p WHERE p.id`,
		func(rows *sql.Rows) (string, *models.Person, error) {
			p := &models.Person{}
			err := rows.Scan(&p.ID, &p.FullName, &p.JobTitle, &p.OrganizationID)
			return p.ID, p, err
		})
}
