package store

import (
	"context"
	"database/sql"
	"time"

	"liaison/models"
)

// The directory of summaries. Every page of meetings shows, for each
// attendance row, the person's name and title and the organisation's name,
// kind, sector and country; every page of action items shows its owners.
// People and organisations change rarely and are few next to attendance
// rows, so their summaries are kept by id instead of being joined to every
// row (two B-tree descents on text keys per row and join).
//
// Topics, which every meeting shows, are kept the same way. An entry is
// checked against dirGen, which directoryChanged moves after the commit of
// every change to a person, an organisation or a topic (new ones need
// nothing: a miss reads them), and lives at most dirTTL, which bounds what
// changes made by other processes can leave stale. A summary is never what
// decides whether a name is shown: that is the attendance row, always read
// from the database.

const dirTTL = 5 * time.Second

// directoryChanged invalidates every cached person, organisation and topic
// summary.
func (s *Store) directoryChanged() { s.dirGen.Add(1) }

// summariesByID returns the summaries of ids: those cached at the current
// dirGen from c, the others read with query (which selects from a table
// aliased so that "IN (…)" can follow it, one row per id) and scan, then
// cached. The values are shared: callers must not change them.
func summariesByID[T any](ctx context.Context, s *Store, c *genCache[*T], ids []string, query string,
	scan func(*sql.Rows) (string, *T, error)) (map[string]*T, error) {
	out := map[string]*T{}
	gen := s.dirGen.Load() // before reading: a change meanwhile makes the entries stale
	var missing []string
	for _, id := range uniq(ids) {
		if v, ok := c.get(id, gen); ok {
			out[id] = v
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	in, args := inList(missing)
	rows, err := s.query(ctx, query+" IN ("+in+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := time.Now()
	for rows.Next() {
		id, v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out[id] = v
		c.put(id, gen, v, now)
	}
	return out, rows.Err()
}

// orgsByID returns organisation summaries (id, name, kind, sector, country).
func (s *Store) orgsByID(ctx context.Context, ids []string) (map[string]*models.Organization, error) {
	return summariesByID(ctx, s, s.orgs, ids, `SELECT `+organizationColumns+` FROM organizations o WHERE o.id`,
		func(rows *sql.Rows) (string, *models.Organization, error) {
			o := &models.Organization{}
			err := rows.Scan(&o.ID, &o.Name, &o.Kind, &o.Sector, &o.Country)
			return o.ID, o, err
		})
}

// peopleByID returns person summaries (id, name, job title, organisation).
func (s *Store) peopleByID(ctx context.Context, ids []string) (map[string]*models.Person, error) {
	return summariesByID(ctx, s, s.people, ids, `SELECT p.id, p.full_name, p.job_title, p.organization_id FROM people p WHERE p.id`,
		func(rows *sql.Rows) (string, *models.Person, error) {
			p := &models.Person{}
			err := rows.Scan(&p.ID, &p.FullName, &p.JobTitle, &p.OrganizationID)
			return p.ID, p, err
		})
}

// topicsByID returns topic summaries (id, name, name key, kind, reference).
func (s *Store) topicsByID(ctx context.Context, ids []string) (map[string]*models.Topic, error) {
	return summariesByID(ctx, s, s.topics, ids, `SELECT t.id, t.name, t.name_key, t.kind, t.reference FROM topics t WHERE t.id`,
		func(rows *sql.Rows) (string, *models.Topic, error) {
			t := &models.Topic{}
			err := rows.Scan(&t.ID, &t.Name, &t.NameKey, &t.Kind, &t.Reference)
			return t.ID, t, err
		})
}
