package store

import (
	"context"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

// PublicMeeting is what anyone may read of a TLP:CLEAR meeting: title,
// date, host, topics, the released readout, the attendees whose identity is
// disclosed, and how many were withheld in each sector. Nothing else.
type PublicMeeting struct {
	ID               string
	Title            string
	StartsAt         time.Time
	EndsAt           time.Time
	Timezone         string
	Host             string
	Topics           []string
	PublicReadout    string
	Attendees        []PublicAttendee
	WithheldBySector map[string]int
	UpdatedAt        time.Time
}

// PublicAttendee is a disclosed attendee. For organisation-only rows the
// person is withheld and only the organisation is given.
type PublicAttendee struct {
	Name         *string
	JobTitle     *string
	Organization string
	Role         string
}

// PublicFilter narrows the public list.
type PublicFilter struct {
	From, To *time.Time
	Topic    string
}

var publicSorts = newSortSet("-starts_at", map[string]sortKey{"starts_at": {expr: "meetings.starts_at", isTime: true}})

// publicScope is the only rule of the public routes: TLP:CLEAR, not deleted.
func publicScope(q *gorm.DB) *gorm.DB {
	return q.Where("meetings.tlp = ? AND meetings.deleted_at IS NULL", models.TLPClear)
}

// ListPublicMeetings pages through TLP:CLEAR meetings, newest first.
func (s *Store) ListPublicMeetings(ctx context.Context, f PublicFilter, p Page) ([]PublicMeeting, *string, error) {
	ctx, end := s.snapshot(ctx)
	defer end()
	db := s.read(ctx)
	q := s.filterMeetings(db.Model(&models.Meeting{}).Scopes(publicScope), Caller{}, MeetingFilter{From: f.From, To: f.To, Topic: f.Topic, sort: "starts_at"})
	q, _, name, err := applyPage(q, publicSorts, p, "meetings")
	if err != nil {
		return nil, nil, err
	}
	var rows []models.Meeting
	if err := q.Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(m models.Meeting) (any, string) { return m.StartsAt, m.ID })
	out, err := s.publicViews(db, rows)
	return out, next, err
}

// GetPublicMeeting reads one TLP:CLEAR meeting; any other is not found.
func (s *Store) GetPublicMeeting(ctx context.Context, id string) (*PublicMeeting, error) {
	ctx, end := s.snapshot(ctx)
	defer end()
	db := s.read(ctx)
	var m models.Meeting
	if err := db.Model(&models.Meeting{}).Scopes(publicScope).Where("meetings.id = ?", id).Take(&m).Error; err != nil {
		return nil, translate(err, "meeting")
	}
	out, err := s.publicViews(db, []models.Meeting{m})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

func (s *Store) publicViews(db *gorm.DB, ms []models.Meeting) ([]PublicMeeting, error) {
	out := make([]PublicMeeting, len(ms))
	if len(ms) == 0 {
		return out, nil
	}
	// The anonymous caller: no privileges, no person, no organisation.
	views, err := s.expandMeetings(db.Statement.Context, Caller{}, ms)
	if err != nil {
		return nil, err
	}
	for i, v := range views {
		pm := PublicMeeting{ID: v.ID, Title: v.Title, StartsAt: v.StartsAt, EndsAt: v.EndsAt, Timezone: v.Timezone,
			PublicReadout: v.PublicReadout, WithheldBySector: map[string]int{}, Topics: []string{}, Attendees: []PublicAttendee{}, UpdatedAt: v.UpdatedAt}
		if v.Host != nil {
			pm.Host = v.Host.Name
		}
		for _, t := range v.Topics {
			pm.Topics = append(pm.Topics, t.Name)
		}
		for _, a := range v.Attendees {
			if !attends(a.Attendance) {
				continue
			}
			if a.Disclosure.Withholds() {
				sector := a.Sector
				if sector == "" {
					sector = "unspecified"
				}
				pm.WithheldBySector[sector]++
			}
			if a.Disclosure == models.DisclosureUndisclosed || a.Organization == nil {
				continue
			}
			pa := PublicAttendee{Organization: a.Organization.Name, Role: a.Role}
			if a.Person != nil && a.Disclosure == models.DisclosurePublic {
				pa.Name, pa.JobTitle = &a.Person.FullName, &a.Person.JobTitle
			}
			pm.Attendees = append(pm.Attendees, pa)
		}
		sort.SliceStable(pm.Attendees, func(a, b int) bool {
			return strings.ToLower(pm.Attendees[a].Organization) < strings.ToLower(pm.Attendees[b].Organization)
		})
		out[i] = pm
	}
	return out, nil
}
