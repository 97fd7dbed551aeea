package store

import (
	"context"
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

// orgsByID returns organisation summaries (id, name, kind, sector, country)
// by id. The values are shared: callers must not change them.
func (s *Store) orgsByID(ctx context.Context, ids []string) (map[string]*models.Organization, error) {
	out := map[string]*models.Organization{}
	gen := s.dirGen.Load() // before reading: a change meanwhile makes the entries stale
	var missing []string
	for _, id := range uniq(ids) {
		if o, ok := s.orgs.get(id, gen); ok {
			out[id] = o
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	in, args := inList(missing)
	rows, err := s.query(ctx, `SELECT `+organizationColumns+` FROM organizations o WHERE o.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := time.Now()
	for rows.Next() {
		o := &models.Organization{}
		if err := rows.Scan(&o.ID, &o.Name, &o.Kind, &o.Sector, &o.Country); err != nil {
			return nil, err
		}
		out[o.ID] = o
		s.orgs.put(o.ID, gen, o, now)
	}
	return out, rows.Err()
}

// peopleByID returns person summaries (id, name, job title, organisation)
// by id. The values are shared: callers must not change them.
func (s *Store) peopleByID(ctx context.Context, ids []string) (map[string]*models.Person, error) {
	out := map[string]*models.Person{}
	gen := s.dirGen.Load()
	var missing []string
	for _, id := range uniq(ids) {
		if p, ok := s.people.get(id, gen); ok {
			out[id] = p
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	in, args := inList(missing)
	rows, err := s.query(ctx, `SELECT p.id, p.full_name, p.job_title, p.organization_id FROM people p WHERE p.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := time.Now()
	for rows.Next() {
		p := &models.Person{}
		if err := rows.Scan(&p.ID, &p.FullName, &p.JobTitle, &p.OrganizationID); err != nil {
			return nil, err
		}
		out[p.ID] = p
		s.people.put(p.ID, gen, p, now)
	}
	return out, rows.Err()
}

// topicsByID returns topic summaries (id, name, name key, kind, reference)
// by id. The values are shared: callers must not change them.
func (s *Store) topicsByID(ctx context.Context, ids []string) (map[string]*models.Topic, error) {
	out := map[string]*models.Topic{}
	gen := s.dirGen.Load()
	var missing []string
	for _, id := range uniq(ids) {
		if t, ok := s.topics.get(id, gen); ok {
			out[id] = t
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	in, args := inList(missing)
	rows, err := s.query(ctx, `SELECT t.id, t.name, t.name_key, t.kind, t.reference FROM topics t WHERE t.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := time.Now()
	for rows.Next() {
		t := &models.Topic{}
		if err := rows.Scan(&t.ID, &t.Name, &t.NameKey, &t.Kind, &t.Reference); err != nil {
			return nil, err
		}
		out[t.ID] = t
		s.topics.put(t.ID, gen, t, now)
	}
	return out, rows.Err()
}
