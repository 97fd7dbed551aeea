package store

import (
	"context"
	"strconv"
)

// DefaultK is the smallest group a withheld identity may be narrowed to.
const DefaultK = 3

// Withheld identities are k-anonymous: what is shown of them never narrows
// them to fewer than k candidates of the directory.
//
//   - a withheld organisation's sector is shown only when at least k
//     organisations share it;
//   - an organisation-only attendee's organisation is shown only when at
//     least k people of the directory belong to it; otherwise the
//     organisation is withheld too, as for an undisclosed attendee.
//
// Administrators, coordinators and the meeting's own attendees see the
// identities themselves and are not concerned.

// groupSizes tells how many organisations have each sector and how many
// people each organisation has, for the organisations asked about.
type groupSizes struct {
	k          int
	sectorOrgs map[string]int
	orgPeople  map[string]int
}

// sectorShown reports whether a withheld organisation's sector may be shown.
func (g groupSizes) sectorShown(sector string) bool {
	return sector != "" && g.sectorOrgs[sector] >= g.k
}

// orgShown reports whether an organisation-only attendee's organisation may
// be shown.
func (g groupSizes) orgShown(orgID string) bool { return g.orgPeople[orgID] >= g.k }

// groupSizes counts the groups that the organisations' withheld rows fall
// in: the people of each of orgIDs, and, if sectors, the organisations of
// every sector.
func (s *Store) groupSizes(ctx context.Context, sectors bool, orgIDs []string) (groupSizes, error) {
	g := groupSizes{k: s.k, sectorOrgs: map[string]int{}, orgPeople: map[string]int{}}
	if sectors {
		rows, err := s.query(ctx, `SELECT sector, COUNT(*) FROM organizations WHERE sector <> '' GROUP BY sector`)
		if err != nil {
			return g, err
		}
		defer rows.Close()
		for rows.Next() {
			var sector string
			var n int
			if err := rows.Scan(&sector, &n); err != nil {
				return g, err
			}
			g.sectorOrgs[sector] = n
		}
		if err := rows.Err(); err != nil {
			return g, err
		}
		rows.Close()
	}
	if len(orgIDs) == 0 {
		return g, nil
	}
	in, args := inList(uniq(orgIDs))
	prows, err := s.query(ctx, `SELECT organization_id, COUNT(*) FROM people WHERE organization_id IN (`+in+`) GROUP BY organization_id`, args...)
	if err != nil {
		return g, err
	}
	defer prows.Close()
	for prows.Next() {
		var id string
		var n int
		if err := prows.Scan(&id, &n); err != nil {
			return g, err
		}
		g.orgPeople[id] = n
	}
	return g, prows.Err()
}

// smallOrgSQL is true when the organisation in col has fewer than k people,
// so that its organisation-only attendees withhold it too.
func (s *Store) smallOrgSQL(col string) string {
	return "(SELECT COUNT(*) FROM people kp WHERE kp.organization_id = " + col + ") < " + strconv.Itoa(s.k)
}

// shownRowSQL is true when the attendance row a (an alias of attendees)
// shows its organisation to a caller who is not in the room: public rows,
// and organisation-only rows with no person or of an organisation of at
// least k people.
func (s *Store) shownRowSQL(a string) string {
	return "(" + a + ".disclosure = 'public' OR (" + a + ".disclosure = 'organization_only' AND (" + a + ".person_id IS NULL OR NOT " + s.smallOrgSQL(a+".organization_id") + ")))"
}

// smallSectorSQL is true when fewer than k organisations have the sector
// in col.
func (s *Store) smallSectorSQL(col string) string {
	return "(SELECT COUNT(*) FROM organizations ks WHERE ks.sector = " + col + ") < " + strconv.Itoa(s.k)
}
