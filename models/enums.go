// Package models holds Liaison's domain types: the GORM models and the
// enumerations (TLP, disclosure, status, …) that the store and the API share.
// It knows nothing of HTTP or SQL.
package models

import "slices"

// Role is what a user may do.
type Role string

// Roles, from most to least privileged.
const (
	RoleAdmin       Role = "admin"
	RoleCoordinator Role = "coordinator"
	RoleParticipant Role = "participant"
	RoleViewer      Role = "viewer"
)

// Roles lists every valid Role.
var Roles = []string{"admin", "coordinator", "participant", "viewer"}

// Privileged reports whether the role sees and changes everything.
func (r Role) Privileged() bool { return r == RoleAdmin || r == RoleCoordinator }

// TLP is the Traffic Light Protocol marking of a meeting (FIRST TLP 2.0).
type TLP string

// TLP levels.
const (
	TLPClear       TLP = "CLEAR"
	TLPGreen       TLP = "GREEN"
	TLPAmber       TLP = "AMBER"
	TLPAmberStrict TLP = "AMBER+STRICT"
	TLPRed         TLP = "RED"
)

// TLPs lists every valid TLP level.
var TLPs = []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}

// Disclosure says whether an attendee's identity may be shown.
type Disclosure string

// Disclosure levels.
const (
	DisclosurePublic           Disclosure = "public"
	DisclosureOrganizationOnly Disclosure = "organization_only"
	DisclosureUndisclosed      Disclosure = "undisclosed"
)

// Withholds reports whether the disclosure hides the person.
func (d Disclosure) Withholds() bool { return d != DisclosurePublic }

// Enumerations of the data model, as the wire spells them.
var (
	OrganizationKinds  = []string{"government", "industry", "isac", "academia", "nonprofit", "international"}
	Sectors            = []string{"chemical", "commercial_facilities", "communications", "critical_manufacturing", "dams", "defense_industrial_base", "emergency_services", "energy", "financial_services", "food_agriculture", "government_facilities", "healthcare_public_health", "information_technology", "nuclear", "transportation", "water"}
	Modalities         = []string{"in_person", "virtual", "hybrid"}
	MeetingKinds       = []string{"briefing", "roundtable", "working_session", "bilateral", "call", "other"}
	MeetingStatuses    = []string{"scheduled", "held", "cancelled"}
	AttendeeRoles      = []string{"host", "presenter", "attendee", "observer"}
	Attendances        = []string{"invited", "attended", "declined", "absent"}
	Disclosures        = []string{"public", "organization_only", "undisclosed"}
	WithholdingReasons = []string{"national_security", "law_enforcement", "privacy", "commercial", "at_request"}
	TopicKinds         = []string{"subject", "campaign", "vulnerability", "advisory", "technique"}
	ActionStatuses     = []string{"open", "in_progress", "blocked", "done", "cancelled"}
	Priorities         = []string{"low", "medium", "high", "critical"}
	TokenScopes        = []string{"read", "write", "calendar"}
)

// OneOf reports whether v is one of the allowed values.
func OneOf(v string, allowed []string) bool { return slices.Contains(allowed, v) }

// OpenStatuses are the action item statuses that can become overdue.
var OpenStatuses = []string{"open", "in_progress", "blocked"}
