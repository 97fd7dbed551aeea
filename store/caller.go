package store

import "liaison/models"

// Caller is who asks: every read and write of the store takes one, and the
// store's queries apply the visibility rules to it.
type Caller struct {
	UserID         string
	Role           models.Role
	PersonID       string // the stakeholder record the user is, if any
	OrganizationID string // that person's organisation, if any
	ReadOnly       bool   // a token with scope "read"
	RequestID      string
	ClientAddr     string
}

// System is the caller used by the command line (migrations, seeding): it
// acts as an administrator with no user behind it.
var System = Caller{Role: models.RoleAdmin}

// Privileged reports whether the caller sees and changes everything.
func (c Caller) Privileged() bool { return c.Role.Privileged() }

// CanWrite reports whether the caller may change anything at all.
func (c Caller) CanWrite() bool {
	return !c.ReadOnly && c.Role != models.RoleViewer
}

func (c Caller) actor() *string {
	if c.UserID == "" {
		return nil
	}
	id := c.UserID
	return &id
}
