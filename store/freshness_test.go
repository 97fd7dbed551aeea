package store_test

import (
	"errors"
	"strings"
	"testing"

	"liaison/models"
	"liaison/store"
	"liaison/store/storetest"
)

// A read after a write shows the write at once, to every visibility class,
// and never shows one class what was computed for another.
func TestReadsShowEveryWriteAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		m := w.meeting(t, s, "AMBER", "undisclosed")
		colleague := must(s.CreatePerson(ctx, store.System, store.PersonInput{FullName: "Carla Colleague", OrganizationID: w.telco.ID}))
		// A telecom colleague sees the AMBER meeting (her organisation
		// attended) but not who attended undisclosed.
		peer := store.Caller{UserID: "u-peer", Role: models.RoleParticipant, PersonID: colleague.ID, OrganizationID: w.telco.ID}
		// names is who the caller sees attend the meeting, from its detail;
		// its list item must say the same.
		names := func(c store.Caller) string {
			t.Helper()
			people := func(v *store.MeetingView) string {
				var b strings.Builder
				for _, a := range v.Attendees {
					if a.Person != nil {
						b.WriteString(a.Person.FullName + ";")
					}
				}
				return b.String()
			}
			detail := "not found"
			if v, err := s.GetMeeting(ctx, c, m.ID); err == nil {
				detail = people(v)
			} else if !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			listed := "not found"
			page, _, err := s.ListMeetings(ctx, c, store.MeetingFilter{}, store.Page{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			for i := range page {
				if page[i].ID == m.ID {
					listed = people(&page[i])
				}
			}
			if listed != detail {
				t.Fatalf("the list shows %q, the detail %q", listed, detail)
			}
			return detail
		}
		for range 3 { // the same answer every time
			if got := names(peer); strings.Contains(got, "Hiddenname") || strings.Contains(got, "not found") {
				t.Fatalf("colleague: %q", got)
			}
			if got := names(w.insider); !strings.Contains(got, "Hiddenname") {
				t.Fatalf("the attendee himself must see his name: %q", got)
			}
			if _, err := s.GetMeeting(ctx, w.outsider, m.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("outsider: %v", err)
			}
		}

		// Renaming a person or an organisation shows at once in details and
		// lists, whose summaries are read by id.
		must(s.UpdatePerson(ctx, w.admin, w.telcoP.ID, store.PersonPatch{FullName: models.Some("Xavier Hiddenname-Renamed")}))
		if got := names(w.insider); !strings.Contains(got, "Hiddenname-Renamed") {
			t.Fatalf("after the rename the detail shows %q", got)
		}
		must(s.UpdateTopic(ctx, w.admin, m.Topics[0].ID, store.TopicPatch{Name: models.Some("Salt Typhoon (renamed)")}))
		if v := must(s.GetMeeting(ctx, w.insider, m.ID)); v.Topics[0].Name != "Salt Typhoon (renamed)" {
			t.Fatalf("after the rename the detail's topic is %q", v.Topics[0].Name)
		}
		must(s.UpdateOrganization(ctx, w.admin, w.gov.ID, store.OrganizationPatch{Name: models.Some("National Security Council Renamed")}))
		page, _, err := s.ListMeetings(ctx, w.insider, store.MeetingFilter{}, store.Page{Limit: 10})
		if err != nil || len(page) != 1 || page[0].Host == nil || page[0].Host.Name != "National Security Council Renamed" {
			t.Fatalf("after the rename the list shows %+v %v", page, err)
		}

		// Disclosing the attendee shows him to the colleague at once.
		var row string
		for _, a := range m.Attendees {
			if a.PersonID != nil && *a.PersonID == w.telcoP.ID {
				row = a.ID
			}
		}
		must(s.UpdateAttendee(ctx, w.coord, m.ID, row, store.AttendeePatch{Disclosure: models.Some(models.Disclosure("public")), WithholdingReason: models.SomeOrNull(ptr(""))}))
		if got := names(peer); !strings.Contains(got, "Hiddenname") {
			t.Fatalf("after disclosure the colleague still gets the old redaction: %q", got)
		}
		// Raising the meeting to RED hides it from the colleague at once.
		must(s.UpdateMeeting(ctx, w.coord, m.ID, store.MeetingPatch{TLP: models.Some(models.TLP("RED"))}))
		if got := names(peer); got != "not found" {
			t.Fatalf("after TLP:RED the colleague still sees the meeting: %q", got)
		}
		// Withholding him again hides his name from the insider's organisation
		// colleague's view and the coordinator still sees it: redaction is per
		// visibility class, never shared.
		must(s.UpdateMeeting(ctx, w.coord, m.ID, store.MeetingPatch{TLP: models.Some(models.TLP("AMBER"))}))
		must(s.UpdateAttendee(ctx, w.coord, m.ID, row, store.AttendeePatch{Disclosure: models.Some(models.Disclosure("undisclosed")), WithholdingReason: models.SomeOrNull(ptr("national_security"))}))
		for range 2 {
			if got := names(w.coord); !strings.Contains(got, "Hiddenname") {
				t.Fatalf("coordinator: %q", got)
			}
			if got := names(peer); strings.Contains(got, "Hiddenname") || got == "not found" {
				t.Fatalf("after withholding again the colleague gets %q", got)
			}
		}

		// A revoked token stops working at once, although it was used before.
		u := must(s.CreateUser(ctx, store.System, store.UserInput{Email: "cache@example.test", Password: "a-long-password-1", Role: "participant", PersonID: &colleague.ID}))
		owner := store.Caller{UserID: u.ID, Role: models.RoleParticipant, PersonID: colleague.ID, OrganizationID: w.telco.ID}
		tok, secret, err := s.CreateToken(ctx, owner, store.TokenInput{Name: "dashboard", Scope: "read"})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			c, err := s.AuthenticateToken(ctx, secret)
			if err != nil || c.UserID != u.ID || !c.ReadOnly {
				t.Fatalf("token: %+v %v", c, err)
			}
		}
		if err := s.RevokeToken(ctx, owner, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthenticateToken(ctx, secret); !errors.Is(err, store.ErrUnauthorized) {
			t.Fatalf("revoked token still accepted: %v", err)
		}

		// Moving the person to another organisation, and disabling the
		// user, show at once in what a token resolves to.
		_, secret, err = s.CreateToken(ctx, owner, store.TokenInput{Name: "second", Scope: "write"})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if c, err := s.AuthenticateToken(ctx, secret); err != nil || c.OrganizationID != w.telco.ID {
				t.Fatalf("token: %+v %v", c, err)
			}
		}
		must(s.UpdatePerson(ctx, w.admin, colleague.ID, store.PersonPatch{OrganizationID: models.Some(w.other.ID)}))
		if c, err := s.AuthenticateToken(ctx, secret); err != nil || c.OrganizationID != w.other.ID {
			t.Fatalf("after the move the token resolves to %+v %v", c, err)
		}
		if err := s.DeleteUser(ctx, w.admin, u.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthenticateToken(ctx, secret); !errors.Is(err, store.ErrUnauthorized) {
			t.Fatalf("a disabled user's token still accepted: %v", err)
		}
	})
}

// Action item lists keep each item's view until the next commit, per
// caller class: a change of disclosure shows at once in who owns an item,
// and a read-only caller is never handed a view that says it may edit.
func TestActionItemListsShowEveryWriteAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		m := w.meeting(t, s, "GREEN", "undisclosed") // the telecom owns its item and attended undisclosed
		owner := func(c store.Caller) string {
			t.Helper()
			items, _, err := s.ListActionItems(ctx, c, store.ActionItemFilter{MeetingID: m.ID}, store.Page{Limit: 10})
			if err != nil || len(items) != 1 {
				t.Fatalf("items %+v %v", items, err)
			}
			switch it := items[0]; {
			case it.OwnerRedacted:
				return "redacted"
			case it.OwnerOrganization != nil:
				return it.OwnerOrganization.Name
			}
			return "none"
		}
		var row string
		for _, a := range m.Attendees {
			if a.PersonID != nil && *a.PersonID == w.telcoP.ID {
				row = a.ID
			}
		}
		for range 2 {
			if got := owner(w.outsider); got != "redacted" {
				t.Fatalf("outsider sees the owner %q", got)
			}
			if got := owner(w.coord); got != w.telco.Name {
				t.Fatalf("coordinator sees the owner %q", got)
			}
		}
		must(s.UpdateAttendee(ctx, w.coord, m.ID, row, store.AttendeePatch{Disclosure: models.Some(models.Disclosure("public")), WithholdingReason: models.SomeOrNull(ptr(""))}))
		if got := owner(w.outsider); got != w.telco.Name {
			t.Fatalf("after disclosure the outsider still gets %q", got)
		}
		must(s.UpdateAttendee(ctx, w.coord, m.ID, row, store.AttendeePatch{Disclosure: models.Some(models.Disclosure("undisclosed")), WithholdingReason: models.SomeOrNull(ptr("commercial"))}))
		if got := owner(w.outsider); got != "redacted" {
			t.Fatalf("after withholding again the outsider gets %q", got)
		}

		// The telecom's participant may edit its item; the same person
		// through a read-only token may not, although it is the same person.
		canEdit := func(c store.Caller) bool {
			t.Helper()
			items, _, err := s.ListActionItems(ctx, c, store.ActionItemFilter{MeetingID: m.ID}, store.Page{Limit: 10})
			if err != nil || len(items) != 1 {
				t.Fatalf("items %+v %v", items, err)
			}
			return items[0].CanEdit
		}
		readOnly := w.insider
		readOnly.ReadOnly = true
		for range 2 {
			if !canEdit(w.insider) || canEdit(readOnly) {
				t.Fatalf("can edit: writer %v, read-only %v", canEdit(w.insider), canEdit(readOnly))
			}
		}
	})
}
