package models

import "time"

// Organization is a government body, company or other party that meets.
type Organization struct {
	ID        string
	Name      string
	NameKey   string // lower-cased name, unique
	Kind      string
	Sector    string
	Country   string
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Person is a stakeholder: someone who attends meetings or owns action items.
type Person struct {
	ID             string
	FullName       string
	JobTitle       string
	Email          *string // unique when set
	OrganizationID string
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// TableName keeps GORM from pluralising Person as "persons".
func (Person) TableName() string { return "people" }

// User is a login. PersonID links it to the stakeholder record it is.
type User struct {
	ID           string
	Email        string
	PasswordHash string
	Role         Role
	PersonID     *string
	Disabled     bool
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// APIToken is a bearer token; only the SHA-256 of its secret is stored.
type APIToken struct {
	ID         string
	UserID     string
	Name       string
	Scope      string
	SecretHash string
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	CreatedAt  time.Time
}

// TableName names the table.
func (APIToken) TableName() string { return "api_tokens" }

// Session is a browser sign-in; only the SHA-256 of its secret is stored.
type Session struct {
	ID         string // SHA-256 of the cookie value, hex
	UserID     string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

// Meeting is a government–industry meeting.
type Meeting struct {
	ID                 string
	Title              string
	StartsAt           time.Time
	EndsAt             time.Time
	Timezone           string
	Location           string
	Modality           string
	Kind               string
	Status             string
	TLP                TLP
	Summary            string
	PublicReadout      string
	HostOrganizationID string
	FollowUpOfID       *string
	Version            int
	CreatedBy          string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	DeletedAt          *time.Time // set when deleted; a deleted meeting is kept for the audit trail
}

// Attendee is one row of a meeting's attendance.
type Attendee struct {
	ID                string
	MeetingID         string
	PersonID          *string
	OrganizationID    string
	Role              string
	Attendance        string
	Disclosure        Disclosure
	WithholdingReason string
	Version           int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Topic is a subject, campaign, vulnerability, advisory or technique.
type Topic struct {
	ID          string
	Name        string
	NameKey     string
	Kind        string
	Reference   string
	Description string
	// FromMeeting: the topic was made by a meeting naming it, not in the
	// directory; only those who may see a meeting using it may know of it.
	FromMeeting bool
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// MeetingTopic links a meeting to a topic.
type MeetingTopic struct {
	MeetingID string
	TopicID   string
}

// ActionItem is a follow-up that a meeting produced.
type ActionItem struct {
	ID                  string
	MeetingID           string
	Title               string
	Description         string
	OwnerPersonID       *string
	OwnerOrganizationID *string
	DueOn               *Date
	Status              string
	Priority            string
	CompletedAt         *time.Time
	DaysToClose         *float64 // completed_at − created_at, in days, kept with completed_at
	Version             int
	CreatedBy           string
	CreatedAt           time.Time
	UpdatedAt           time.Time
	DeletedAt           *time.Time // set when deleted
}

// ActionItemUpdate is an append-only entry of an action item's follow-up log.
type ActionItemUpdate struct {
	ID           string
	ActionItemID string
	AuthorID     string
	Body         string
	StatusFrom   *string
	StatusTo     *string
	CreatedAt    time.Time
}

// AuditEvent is an append-only record of a change or a security event.
type AuditEvent struct {
	ID         string
	At         time.Time
	ActorID    *string
	Action     string
	EntityType string
	EntityID   string
	Changes    string // JSON: {"field":{"before":…,"after":…}}
	RequestID  string
	ClientAddr string
}
