package api

import (
	"encoding/json"
	"time"

	"liaison/models"
	"liaison/store"
)

// Response DTOs: what the wire sees. GORM models never go out directly.

type listResponse[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func list[T, M any](rows []M, next *string, conv func(M) T) listResponse[T] {
	items := make([]T, len(rows))
	for i, r := range rows {
		items[i] = conv(r)
	}
	return listResponse[T]{Items: items, NextCursor: next}
}

type organizationDTO struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	Sector    string    `json:"sector"`
	Country   string    `json:"country"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toOrganization(o models.Organization) organizationDTO {
	return organizationDTO{ID: o.ID, Name: o.Name, Kind: o.Kind, Sector: o.Sector, Country: o.Country,
		Version: o.Version, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC()}
}

type personDTO struct {
	ID             string    `json:"id"`
	FullName       string    `json:"full_name"`
	JobTitle       string    `json:"job_title"`
	Email          *string   `json:"email"`
	OrganizationID string    `json:"organization_id"`
	Version        int       `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func toPerson(p models.Person) personDTO {
	return personDTO{ID: p.ID, FullName: p.FullName, JobTitle: p.JobTitle, Email: p.Email, OrganizationID: p.OrganizationID,
		Version: p.Version, CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
}

type userDTO struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	PersonID  *string   `json:"person_id"`
	Disabled  bool      `json:"disabled"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toUser(u models.User) userDTO {
	return userDTO{ID: u.ID, Email: u.Email, Role: string(u.Role), PersonID: u.PersonID, Disabled: u.Disabled,
		Version: u.Version, CreatedAt: u.CreatedAt.UTC(), UpdatedAt: u.UpdatedAt.UTC()}
}

type tokenDTO struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Scope      string     `json:"scope"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	CreatedAt  time.Time  `json:"created_at"`
	Token      string     `json:"token,omitempty"`
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toToken(t models.APIToken) tokenDTO {
	return tokenDTO{ID: t.ID, Name: t.Name, Scope: t.Scope, ExpiresAt: utcPtr(t.ExpiresAt), LastUsedAt: utcPtr(t.LastUsedAt),
		RevokedAt: utcPtr(t.RevokedAt), CreatedAt: t.CreatedAt.UTC()}
}

type topicDTO struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Kind        string    `json:"kind"`
	Reference   string    `json:"reference"`
	Description string    `json:"description"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toTopic(t models.Topic) topicDTO {
	return topicDTO{ID: t.ID, Name: t.Name, Kind: t.Kind, Reference: t.Reference, Description: t.Description,
		Version: t.Version, CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC()}
}

// personRef and organizationRef are the summaries embedded in attendance
// rows and action items; the full records are at /people and /organizations.
type personRef struct {
	ID             string `json:"id"`
	FullName       string `json:"full_name"`
	JobTitle       string `json:"job_title"`
	OrganizationID string `json:"organization_id"`
}

type organizationRef struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Sector  string `json:"sector"`
	Country string `json:"country"`
}

func toPersonRef(p *models.Person) *personRef {
	if p == nil {
		return nil
	}
	return &personRef{ID: p.ID, FullName: p.FullName, JobTitle: p.JobTitle, OrganizationID: p.OrganizationID}
}

func toOrganizationRef(o *models.Organization) *organizationRef {
	if o == nil {
		return nil
	}
	return &organizationRef{ID: o.ID, Name: o.Name, Kind: o.Kind, Sector: o.Sector, Country: o.Country}
}

type topicRef struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Reference string `json:"reference"`
}

type attendeeDTO struct {
	ID                string           `json:"id"`
	MeetingID         string           `json:"meeting_id"`
	Person            *personRef       `json:"person"`
	Organization      *organizationRef `json:"organization"`
	Sector            *string          `json:"sector"`
	Role              string           `json:"role"`
	Attendance        string           `json:"attendance"`
	Disclosure        string           `json:"disclosure"`
	WithholdingReason *string          `json:"withholding_reason"`
	Redacted          bool             `json:"redacted"`
	Version           int              `json:"version"`
}

func toAttendee(a store.AttendeeView) attendeeDTO {
	d := attendeeDTO{ID: a.ID, MeetingID: a.MeetingID, Person: toPersonRef(a.Person), Organization: toOrganizationRef(a.Organization),
		Role: a.Role, Attendance: a.Attendance, Disclosure: string(a.Disclosure), Redacted: a.Redacted, Version: a.Version}
	if !a.SectorWithheld {
		sector := a.Sector
		d.Sector = &sector
	}
	if a.WithholdingReason != "" {
		r := a.WithholdingReason
		d.WithholdingReason = &r
	}
	return d
}

type meetingRefDTO struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
}

// sourceDTO is the record an imported meeting came from.
type sourceDTO struct {
	Name string `json:"name"`
	Row  int    `json:"row"`
}

type actionCountsDTO struct {
	Total    int            `json:"total"`
	ByStatus map[string]int `json:"by_status"`
	Overdue  int            `json:"overdue"`
}

type meetingDTO struct {
	ID                 string           `json:"id"`
	Title              string           `json:"title"`
	StartsAt           time.Time        `json:"starts_at"`
	EndsAt             time.Time        `json:"ends_at"`
	Timezone           string           `json:"timezone"`
	Location           string           `json:"location"`
	Modality           string           `json:"modality"`
	Kind               string           `json:"kind"`
	Status             string           `json:"status"`
	TLP                string           `json:"tlp"`
	Summary            string           `json:"summary"`
	PublicReadout      string           `json:"public_readout"`
	HostOrganizationID string           `json:"host_organization_id"`
	Host               *organizationRef `json:"host"`
	FollowUpOfID       *string          `json:"follow_up_of_id"`
	Topics             []topicRef       `json:"topics"`
	Attendees          []attendeeDTO    `json:"attendees"`
	ActionItems        *actionCountsDTO `json:"action_items,omitempty"`
	FollowUps          []meetingRefDTO  `json:"follow_ups,omitempty"`
	Source             *sourceDTO       `json:"source,omitempty"`
	Version            int              `json:"version"`
	CreatedBy          string           `json:"created_by"`
	CreatedAt          time.Time        `json:"created_at"`
	UpdatedAt          time.Time        `json:"updated_at"`
}

func toMeeting(m store.MeetingView) meetingDTO {
	d := meetingDTO{ID: m.ID, Title: m.Title, StartsAt: m.StartsAt.UTC(), EndsAt: m.EndsAt.UTC(), Timezone: m.Timezone,
		Location: m.Location, Modality: m.Modality, Kind: m.Kind, Status: m.Status, TLP: string(m.TLP), Summary: m.Summary,
		PublicReadout: m.PublicReadout, HostOrganizationID: m.HostOrganizationID, Host: toOrganizationRef(m.Host),
		FollowUpOfID: m.FollowUpOfID, Version: m.Version, CreatedBy: m.CreatedBy, CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(),
		Topics: make([]topicRef, len(m.Topics)), Attendees: make([]attendeeDTO, len(m.Attendees))}
	for i, t := range m.Topics {
		d.Topics[i] = topicRef{ID: t.ID, Name: t.Name, Kind: t.Kind, Reference: t.Reference}
	}
	for i, a := range m.Attendees {
		d.Attendees[i] = toAttendee(a)
	}
	if m.ActionItemCounts != nil {
		c := &actionCountsDTO{ByStatus: m.ActionItemCounts, Overdue: m.Overdue}
		for _, n := range m.ActionItemCounts {
			c.Total += n
		}
		d.ActionItems = c
		if m.Source != nil {
			d.Source = &sourceDTO{Name: m.Source.Name, Row: m.Source.Row}
		}
		d.FollowUps = make([]meetingRefDTO, len(m.FollowUps))
		for i, f := range m.FollowUps {
			d.FollowUps[i] = meetingRefDTO{ID: f.ID, Title: f.Title, StartsAt: f.StartsAt.UTC()}
		}
	}
	return d
}

type actionItemDTO struct {
	ID                  string           `json:"id"`
	MeetingID           *string          `json:"meeting_id"`
	MeetingTitle        *string          `json:"meeting_title"`
	Title               string           `json:"title"`
	Description         string           `json:"description"`
	OwnerPersonID       *string          `json:"owner_person_id"`
	OwnerPerson         *personRef       `json:"owner_person"`
	OwnerOrganizationID *string          `json:"owner_organization_id"`
	OwnerOrganization   *organizationRef `json:"owner_organization"`
	OwnerRedacted       bool             `json:"owner_redacted"`
	DueOn               *models.Date     `json:"due_on"`
	Status              string           `json:"status"`
	Priority            string           `json:"priority"`
	CompletedAt         *time.Time       `json:"completed_at"`
	Overdue             bool             `json:"overdue"`
	CanEdit             bool             `json:"can_edit"`
	Version             int              `json:"version"`
	CreatedBy           string           `json:"created_by"`
	CreatedAt           time.Time        `json:"created_at"`
	UpdatedAt           time.Time        `json:"updated_at"`
}

func toActionItem(a store.ActionItemView) actionItemDTO {
	return actionItemDTO{ID: a.ID, MeetingID: strPtr(a.MeetingID), MeetingTitle: strPtr(a.MeetingTitle), Title: a.Title, Description: a.Description,
		OwnerPersonID: a.OwnerPersonID, OwnerPerson: toPersonRef(a.OwnerPerson), OwnerOrganizationID: a.OwnerOrganizationID,
		OwnerOrganization: toOrganizationRef(a.OwnerOrganization), OwnerRedacted: a.OwnerRedacted, DueOn: a.DueOn,
		Status: a.Status, Priority: a.Priority, CompletedAt: utcPtr(a.CompletedAt), Overdue: a.Overdue, CanEdit: a.CanEdit,
		Version: a.Version, CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC()}
}

type updateDTO struct {
	ID             string    `json:"id"`
	ActionItemID   string    `json:"action_item_id"`
	AuthorID       *string   `json:"author_id"`
	AuthorRedacted bool      `json:"author_redacted"`
	Body           string    `json:"body"`
	StatusFrom     *string   `json:"status_from"`
	StatusTo       *string   `json:"status_to"`
	CreatedAt      time.Time `json:"created_at"`
}

func toUpdate(u store.UpdateView) updateDTO {
	return updateDTO{ID: u.ID, ActionItemID: u.ActionItemID, AuthorID: strPtr(u.AuthorID), AuthorRedacted: u.AuthorRedacted, Body: u.Body,
		StatusFrom: u.StatusFrom, StatusTo: u.StatusTo, CreatedAt: u.CreatedAt.UTC()}
}

type auditEventDTO struct {
	ID         string          `json:"id"`
	At         time.Time       `json:"at"`
	ActorID    *string         `json:"actor_id"`
	ActorEmail *string         `json:"actor_email"`
	Action     string          `json:"action"`
	EntityType string          `json:"entity_type"`
	EntityID   string          `json:"entity_id"`
	Changes    json.RawMessage `json:"changes"`
	RequestID  string          `json:"request_id"`
	ClientAddr string          `json:"client_addr"`
}

// toAuditEvent converts an event; emails maps actor ids to addresses.
func toAuditEvent(e models.AuditEvent, emails map[string]string) auditEventDTO {
	ch := json.RawMessage(e.Changes)
	if !json.Valid(ch) {
		ch = json.RawMessage("{}")
	}
	d := auditEventDTO{ID: e.ID, At: e.At.UTC(), ActorID: e.ActorID, Action: e.Action, EntityType: e.EntityType,
		EntityID: e.EntityID, Changes: ch, RequestID: e.RequestID, ClientAddr: e.ClientAddr}
	if e.ActorID != nil {
		if em, ok := emails[*e.ActorID]; ok {
			d.ActorEmail = &em
		}
	}
	return d
}
