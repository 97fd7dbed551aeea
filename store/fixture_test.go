package store_test

import (
	"context"
	"testing"
	"time"

	"liaison/models"
	"liaison/store"
)

var ctx = context.Background()

// world is a small fixture: a government host, two telecoms, people in
// each, and users for every role.
type world struct {
	gov, telco, other         *models.Organization
	govP, telcoP, otherP      *models.Person
	admin, coord              store.Caller
	insider, outsider, viewer store.Caller // insider: person of telco; outsider: person of other
}

// must fails the test (by panicking, which the test runner reports with the
// stack) when a setup call returns an error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func ptr[T any](v T) *T { return &v }

func newWorld(t testing.TB, s *store.Store) *world {
	t.Helper()
	w := &world{}
	w.gov = must(s.CreateOrganization(ctx, store.System, store.OrganizationInput{Name: "National Security Council", Kind: "government", Country: "US"}))
	w.telco = must(s.CreateOrganization(ctx, store.System, store.OrganizationInput{Name: "Zephyr Telecom Secret", Kind: "industry", Sector: "communications", Country: "US"}))
	w.other = must(s.CreateOrganization(ctx, store.System, store.OrganizationInput{Name: "Blue Water Utility", Kind: "industry", Sector: "water", Country: "US"}))
	w.govP = must(s.CreatePerson(ctx, store.System, store.PersonInput{FullName: "Grace Host", OrganizationID: w.gov.ID}))
	w.telcoP = must(s.CreatePerson(ctx, store.System, store.PersonInput{FullName: "Xavier Hiddenname", OrganizationID: w.telco.ID}))
	w.otherP = must(s.CreatePerson(ctx, store.System, store.PersonInput{FullName: "Olive Outsider", OrganizationID: w.other.ID}))
	w.admin = store.Caller{UserID: "u-admin", Role: models.RoleAdmin}
	w.coord = store.Caller{UserID: "u-coord", Role: models.RoleCoordinator, PersonID: w.govP.ID, OrganizationID: w.gov.ID}
	w.insider = store.Caller{UserID: "u-in", Role: models.RoleParticipant, PersonID: w.telcoP.ID, OrganizationID: w.telco.ID}
	w.outsider = store.Caller{UserID: "u-out", Role: models.RoleParticipant, PersonID: w.otherP.ID, OrganizationID: w.other.ID}
	w.viewer = store.Caller{UserID: "u-view", Role: models.RoleViewer}
	return w
}

// meeting logs a meeting at the TLP level with the telecom attending under
// the given disclosure and owning one action item.
func (w *world) meeting(t testing.TB, s *store.Store, tlp string, disclosure string) *store.MeetingView {
	t.Helper()
	reason := ""
	if disclosure != "public" {
		reason = "national_security"
	}
	start := time.Date(2024, 11, 22, 15, 0, 0, 0, time.UTC)
	due := models.DateOf(start.AddDate(0, 0, 14))
	return must(s.CreateMeeting(ctx, w.coord, store.MeetingInput{
		Title: "Briefing " + tlp + " " + disclosure, StartsAt: start, EndsAt: start.Add(time.Hour), Timezone: "America/New_York",
		Modality: "in_person", Kind: "briefing", Status: "held", TLP: tlp, HostOrganizationID: w.gov.ID,
		Topics: []string{"Salt Typhoon"},
		Attendees: []store.AttendeeInput{
			{PersonID: &w.govP.ID, Role: "host", Attendance: "attended", Disclosure: "public"},
			{PersonID: &w.telcoP.ID, Role: "attendee", Attendance: "attended", Disclosure: disclosure, WithholdingReason: reason},
		},
		ActionItems: []store.ActionItemInput{{Title: "Harden lawful intercept", OwnerOrganizationID: &w.telco.ID, DueOn: &due, Priority: "high"}},
	}))
}
