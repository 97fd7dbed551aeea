// Package seed loads data into a store: the demonstration data set built
// from public reporting of November 2024, and synthetic volume for
// benchmarks.
package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"liaison/models"
	"liaison/store"
)

// Login is a demonstration account.
type Login struct{ Role, Email, Password string }

// DemoPassword is the password of every demonstration account.
const DemoPassword = "liaison-demo-2024"

func day(y int, m time.Month, d, hour, min int, tz string) time.Time {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	return time.Date(y, m, d, hour, min, 0, 0, loc)
}

// DemoToday is a day for which the demonstration data reads as it was
// meant to: tests and screenshots pin the data and the clock to it.
var DemoToday = time.Date(2025, 1, 20, 15, 0, 0, 0, time.UTC)

// Demo loads the demonstration data: the November 2024 public reporting on
// PRC-affiliated espionage against US telecommunications networks, the
// White House meeting with undisclosed telecom executives on 22 November,
// and plausible follow-up work, with some items due around today. It
// refuses to run twice.
func Demo(ctx context.Context, st *store.Store) ([]Login, error) {
	return DemoAt(ctx, st, time.Now())
}

// DemoAt is Demo with the items that fall due around today dated around
// the given day instead.
func DemoAt(ctx context.Context, st *store.Store, today time.Time) ([]Login, error) {
	sys := store.System
	if orgs, _, err := st.ListOrganizations(ctx, sys, store.OrganizationFilter{Q: "National Security Council"}, store.Page{Limit: 1}); err != nil {
		return nil, err
	} else if len(orgs) > 0 {
		return nil, errors.New("the demonstration data is already loaded")
	}
	// The record is written as it would have been: each meeting logged on
	// its day, each finished item completed on its day.
	at := func(t time.Time) { st.SetClock(func() time.Time { return t }) }
	defer st.SetClock(time.Now)
	at(day(2024, 11, 12, 9, 0, "America/New_York"))
	var err error
	org := func(name, kind, sector string) *models.Organization {
		if err != nil {
			return nil
		}
		var o *models.Organization
		o, err = st.CreateOrganization(ctx, sys, store.OrganizationInput{Name: name, Kind: kind, Sector: sector, Country: "US"})
		return o
	}
	nsc := org("National Security Council", "government", "")
	fbi := org("Federal Bureau of Investigation", "government", "")
	cisa := org("Cybersecurity and Infrastructure Security Agency", "government", "")
	fcc := org("Federal Communications Commission", "government", "")
	// The statement of 22 November named no company; these carriers are
	// invented stand-ins, recorded as undisclosed attendees.
	carrierA := org("Northwind Communications", "industry", "communications")
	carrierB := org("Meridian Wireless", "industry", "communications")
	carrierC := org("Atlas Fiber Networks", "industry", "communications")
	isac := org("Communications ISAC", "isac", "communications")
	if err != nil {
		return nil, err
	}
	person := func(name, title string, o *models.Organization, email string) *models.Person {
		if err != nil {
			return nil
		}
		var p *models.Person
		p, err = st.CreatePerson(ctx, sys, store.PersonInput{FullName: name, JobTitle: title, OrganizationID: o.ID, Email: email})
		return p
	}
	nsa := person("Jake Sullivan", "National Security Advisor", nsc, "")
	dnsa := person("Anne Neuberger", "Deputy National Security Advisor for Cyber and Emerging Technologies", nsc, "")
	staffer := person("Morgan Ellis", "Director for Cybersecurity, NSC", nsc, "coordinator@liaison.demo")
	fbiLead := person("Dana Whitaker", "Section Chief, Cyber Division", fbi, "")
	cisaLead := person("Priya Raman", "Associate Director, Cybersecurity Division", cisa, "")
	ceoA := person("Elena Marsh", "Chief Executive Officer", carrierA, "")
	cisoA := person("Tomás Ibarra", "Chief Information Security Officer", carrierA, "participant@liaison.demo")
	ceoB := person("Robert Kline", "Chief Executive Officer", carrierB, "")
	cisoC := person("Naomi Okafor", "Chief Security Officer", carrierC, "")
	isacLead := person("Sam Lindqvist", "Director", isac, "")
	if err != nil {
		return nil, err
	}
	id := func(p *models.Person) *string { return &p.ID }
	oid := func(o *models.Organization) *string { return &o.ID }
	due := func(t time.Time) *models.Date { d := models.DateOf(t); return &d }

	at(day(2024, 11, 13, 12, 0, "America/New_York"))
	joint, err := st.CreateMeeting(ctx, sys, store.MeetingInput{
		Title:    "FBI–CISA coordination on PRC-affiliated telecommunications compromise",
		StartsAt: day(2024, 11, 13, 10, 0, "America/New_York"), EndsAt: day(2024, 11, 13, 11, 0, "America/New_York"),
		Timezone: "America/New_York", Location: "Secure video conference", Modality: "virtual", Kind: "call", Status: "held", TLP: "CLEAR",
		HostOrganizationID: fbi.ID,
		Summary:            "Agreed the text of the joint statement and the outreach plan to affected providers.",
		PublicReadout: "The FBI and CISA said in a joint statement that PRC-affiliated actors compromised networks at multiple telecommunications companies, " +
			"stole customer call records data, compromised the private communications of a limited number of individuals involved in government or political activity, " +
			"and copied certain information that was subject to US law enforcement requests pursuant to court orders. The agencies are providing technical assistance " +
			"to companies, sharing information to help other potential victims, and working to strengthen defences across the commercial communications sector.",
		Topics: []string{"Salt Typhoon", "Lawful intercept systems", "Call records theft"},
		Attendees: []store.AttendeeInput{
			{PersonID: id(fbiLead), Role: "host", Attendance: "attended", Disclosure: "public"},
			{PersonID: id(cisaLead), Role: "presenter", Attendance: "attended", Disclosure: "public"},
		},
		ActionItems: []store.ActionItemInput{
			{Title: "Notify affected telecommunications providers and offer technical assistance", OwnerOrganizationID: oid(fbi), DueOn: due(day(2024, 11, 20, 0, 0, "UTC")), Priority: "critical"},
		},
	})
	if err != nil {
		return nil, err
	}
	at(day(2024, 11, 16, 19, 0, "America/Lima"))
	lima, err := st.CreateMeeting(ctx, sys, store.MeetingInput{
		Title:    "Bilateral meeting on the margins of APEC, Lima",
		StartsAt: day(2024, 11, 16, 16, 0, "America/Lima"), EndsAt: day(2024, 11, 16, 17, 45, "America/Lima"),
		Timezone: "America/Lima", Location: "Lima, Peru", Modality: "in_person", Kind: "bilateral", Status: "held", TLP: "CLEAR",
		HostOrganizationID: nsc.ID,
		PublicReadout:      "The President raised ongoing cyber activity by PRC-affiliated actors against US critical infrastructure, including telecommunications networks, with President Xi Jinping.",
		Topics:             []string{"Salt Typhoon", "PRC cyber espionage"},
		FollowUpOfID:       &joint.ID,
		Attendees: []store.AttendeeInput{
			{PersonID: id(nsa), Role: "attendee", Attendance: "attended", Disclosure: "public"},
		},
	})
	if err != nil {
		return nil, err
	}
	reason := "national_security"
	at(day(2024, 11, 22, 17, 0, "America/New_York"))
	wh, err := st.CreateMeeting(ctx, sys, store.MeetingInput{
		Title:    "White House meeting with telecommunications executives on PRC cyber espionage",
		StartsAt: day(2024, 11, 22, 14, 0, "America/New_York"), EndsAt: day(2024, 11, 22, 15, 30, "America/New_York"),
		Timezone: "America/New_York", Location: "The White House, Washington, DC", Modality: "in_person", Kind: "roundtable", Status: "held", TLP: "CLEAR",
		HostOrganizationID: nsc.ID, FollowUpOfID: &lima.ID,
		Summary: "Intelligence shared on the PRC campaign against the sector. Carriers described their remediation; agreement to harden lawful intercept systems, " +
			"share indicators with CISA and the FBI, and meet again in December at the working level.",
		PublicReadout: "The National Security Advisor and the Deputy National Security Advisor for Cyber and Emerging Technologies hosted telecommunications executives " +
			"at the White House to discuss the People's Republic of China's compromise of US telecommunications companies, share information on the campaign, " +
			"and discuss the steps needed to address it and to better protect the sector.",
		Topics: []string{"Salt Typhoon", "PRC cyber espionage", "Lawful intercept systems"},
		Attendees: []store.AttendeeInput{
			{PersonID: id(nsa), Role: "host", Attendance: "attended", Disclosure: "public"},
			{PersonID: id(dnsa), Role: "host", Attendance: "attended", Disclosure: "public"},
			{PersonID: id(staffer), Role: "observer", Attendance: "attended", Disclosure: "organization_only", WithholdingReason: "privacy"},
			{PersonID: id(ceoA), Role: "attendee", Attendance: "attended", Disclosure: "undisclosed", WithholdingReason: reason},
			{PersonID: id(cisoA), Role: "attendee", Attendance: "attended", Disclosure: "undisclosed", WithholdingReason: reason},
			{PersonID: id(ceoB), Role: "attendee", Attendance: "attended", Disclosure: "undisclosed", WithholdingReason: reason},
			{PersonID: id(cisoC), Role: "attendee", Attendance: "attended", Disclosure: "undisclosed", WithholdingReason: "at_request"},
			{PersonID: id(fbiLead), Role: "presenter", Attendance: "attended", Disclosure: "public"},
			{PersonID: id(cisaLead), Role: "presenter", Attendance: "attended", Disclosure: "public"},
		},
		ActionItems: []store.ActionItemInput{
			{Title: "Harden lawful intercept (CALEA) system access: MFA, segmentation, logging", OwnerOrganizationID: oid(carrierA), OwnerPersonID: id(cisoA),
				DueOn: due(day(2024, 12, 20, 0, 0, "UTC")), Status: "in_progress", Priority: "critical",
				Description: "Inventory every path into the lawful intercept environment; enforce phishing-resistant MFA; separate management networks."},
			{Title: "Share indicators of compromise with CISA and the FBI", OwnerOrganizationID: oid(carrierB), DueOn: due(day(2024, 12, 6, 0, 0, "UTC")), Priority: "high"},
			{Title: "Review router and edge-device configurations against the hardening guidance", OwnerOrganizationID: oid(carrierC), DueOn: due(day(2025, 1, 31, 0, 0, "UTC")), Status: "blocked", Priority: "high"},
			{Title: "Publish hardening guidance for communications infrastructure", OwnerOrganizationID: oid(cisa), OwnerPersonID: id(cisaLead), DueOn: due(day(2024, 12, 3, 0, 0, "UTC")), Priority: "high"},
			{Title: "Schedule the working-level follow-up briefing", OwnerPersonID: id(staffer), DueOn: due(day(2024, 12, 2, 0, 0, "UTC")), Priority: "medium"},
		},
	})
	if err != nil {
		return nil, err
	}
	now := today.UTC()
	at(day(2024, 12, 10, 13, 0, "America/New_York"))
	work, err := st.CreateMeeting(ctx, sys, store.MeetingInput{
		Title:    "Working session: lawful intercept hardening and indicator sharing",
		StartsAt: day(2024, 12, 10, 10, 0, "America/New_York"), EndsAt: day(2024, 12, 10, 12, 0, "America/New_York"),
		Timezone: "America/New_York", Location: "CISA, Arlington, VA", Modality: "hybrid", Kind: "working_session", Status: "held", TLP: "AMBER+STRICT",
		HostOrganizationID: cisa.ID, FollowUpOfID: &wh.ID,
		Summary: "Walked through the hardening guidance line by line; two carriers report MFA on all intercept management paths. Indicator exchange via the ISAC is live.",
		Topics:  []string{"Lawful intercept systems", "Salt Typhoon"},
		Attendees: []store.AttendeeInput{
			{PersonID: id(cisaLead), Role: "host", Attendance: "attended", Disclosure: "public"},
			{PersonID: id(staffer), Role: "attendee", Attendance: "attended", Disclosure: "organization_only", WithholdingReason: "privacy"},
			{PersonID: id(cisoA), Role: "attendee", Attendance: "attended", Disclosure: "undisclosed", WithholdingReason: reason},
			{OrganizationID: carrierB.ID, Role: "attendee", Attendance: "attended", Disclosure: "undisclosed", WithholdingReason: "commercial"},
			{PersonID: id(isacLead), Role: "presenter", Attendance: "attended", Disclosure: "public"},
			{OrganizationID: fcc.ID, Role: "observer", Attendance: "declined", Disclosure: "public"},
		},
		ActionItems: []store.ActionItemInput{
			{Title: "Stand up automated indicator exchange through the Communications ISAC", OwnerOrganizationID: oid(isac), OwnerPersonID: id(isacLead), DueOn: due(now.AddDate(0, 0, 5)), Status: "in_progress", Priority: "high"},
			{Title: "Report MFA coverage of intercept management paths", OwnerOrganizationID: oid(carrierA), OwnerPersonID: id(cisoA), DueOn: due(now.AddDate(0, 0, 3)), Status: "open", Priority: "medium"},
			{Title: "Confirm decommissioning of end-of-life edge routers", OwnerOrganizationID: oid(carrierB), DueOn: due(now.AddDate(0, 0, -10)), Status: "open", Priority: "high"},
		},
	})
	if err != nil {
		return nil, err
	}
	at(day(2025, 1, 8, 11, 0, "America/New_York"))
	_, err = st.CreateMeeting(ctx, sys, store.MeetingInput{
		Title:    "Restricted briefing: intercept environment exposure assessment",
		StartsAt: day(2025, 1, 8, 9, 0, "America/New_York"), EndsAt: day(2025, 1, 8, 10, 0, "America/New_York"),
		Timezone: "America/New_York", Location: "SCIF, Washington, DC", Modality: "in_person", Kind: "briefing", Status: "held", TLP: "RED",
		HostOrganizationID: fbi.ID, FollowUpOfID: &work.ID,
		Summary: "Technical findings on the actors' access to intercept environments, shared with named individuals only.",
		Topics:  []string{"Lawful intercept systems"},
		Attendees: []store.AttendeeInput{
			{PersonID: id(fbiLead), Role: "host", Attendance: "attended", Disclosure: "public"},
			{PersonID: id(cisoA), Role: "attendee", Attendance: "attended", Disclosure: "undisclosed", WithholdingReason: "law_enforcement"},
		},
		ActionItems: []store.ActionItemInput{
			{Title: "Rotate credentials for intercept mediation devices", OwnerPersonID: id(cisoA), DueOn: due(now.AddDate(0, 0, 12)), Status: "open", Priority: "critical"},
		},
	})
	if err != nil {
		return nil, err
	}
	// Finished items, completed on the days public reporting suggests.
	completions := []struct {
		title string
		when  time.Time
	}{
		{"Notify affected telecommunications providers and offer technical assistance", day(2024, 11, 19, 16, 0, "America/New_York")},
		{"Schedule the working-level follow-up briefing", day(2024, 11, 26, 10, 0, "America/New_York")},
		{"Publish hardening guidance for communications infrastructure", day(2024, 12, 3, 15, 0, "America/New_York")},
		{"Share indicators of compromise with CISA and the FBI", day(2024, 12, 9, 11, 0, "America/New_York")},
	}
	for _, cmp := range completions {
		items, _, err := st.ListActionItems(ctx, sys, store.ActionItemFilter{Q: cmp.title}, store.Page{Limit: 1})
		if err != nil || len(items) != 1 {
			return nil, fmt.Errorf("demo item %q: %v", cmp.title, err)
		}
		at(cmp.when)
		done := "done"
		if _, err := st.UpdateActionItem(ctx, sys, items[0].ID, store.ActionItemPatch{Status: models.Some(done)}); err != nil {
			return nil, err
		}
	}
	at(now)
	_, err = st.CreateMeeting(ctx, sys, store.MeetingInput{
		Title:    "Quarterly communications sector threat review",
		StartsAt: now.AddDate(0, 0, 14).Truncate(time.Hour), EndsAt: now.AddDate(0, 0, 14).Truncate(time.Hour).Add(90 * time.Minute),
		Timezone: "America/New_York", Location: "Virtual", Modality: "virtual", Kind: "briefing", Status: "scheduled", TLP: "GREEN",
		HostOrganizationID: cisa.ID, FollowUpOfID: &work.ID,
		Topics: []string{"Salt Typhoon", "PRC cyber espionage"},
		Attendees: []store.AttendeeInput{
			{PersonID: id(cisaLead), Role: "host", Attendance: "invited", Disclosure: "public"},
			{PersonID: id(isacLead), Role: "presenter", Attendance: "invited", Disclosure: "public"},
			{OrganizationID: carrierA.ID, Role: "attendee", Attendance: "invited", Disclosure: "undisclosed", WithholdingReason: "commercial"},
			{OrganizationID: carrierC.ID, Role: "attendee", Attendance: "invited", Disclosure: "organization_only", WithholdingReason: "at_request"},
		},
	})
	if err != nil {
		return nil, err
	}

	// Users: an administrator, a coordinator at the NSC, a participant at
	// one carrier, a viewer. With users in the database, serve creates no
	// administrator of its own, so the demonstration brings one.
	logins := []Login{
		{Role: "admin", Email: "admin@liaison.demo", Password: DemoPassword},
		{Role: "coordinator", Email: "coordinator@liaison.demo", Password: DemoPassword},
		{Role: "participant", Email: "participant@liaison.demo", Password: DemoPassword},
		{Role: "viewer", Email: "viewer@liaison.demo", Password: DemoPassword},
	}
	persons := []*string{nil, id(staffer), id(cisoA), nil}
	var coord store.Caller
	for i, l := range logins {
		u, err := st.CreateUser(ctx, sys, store.UserInput{Email: l.Email, Password: l.Password, Role: l.Role, PersonID: persons[i]})
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", l.Email, err)
		}
		if l.Role == "coordinator" {
			coord, err = st.CallerByEmail(ctx, u.Email)
			if err != nil {
				return nil, err
			}
		}
	}
	participant, err := st.CallerByEmail(ctx, "participant@liaison.demo")
	if err != nil {
		return nil, err
	}
	// A few follow-up log entries, by the people who would write them.
	items, _, err := st.ListActionItems(ctx, coord, store.ActionItemFilter{MeetingID: wh.ID}, store.Page{Limit: 50})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		switch {
		case it.OwnerPersonID != nil && *it.OwnerPersonID == cisoA.ID:
			if _, err := st.CreateUpdate(ctx, participant, it.ID, store.UpdateInput{Body: "MFA enforced on the mediation servers; segmentation of the management network scheduled."}); err != nil {
				return nil, err
			}
		case it.Status == "blocked":
			if _, err := st.CreateUpdate(ctx, coord, it.ID, store.UpdateInput{Body: "Waiting on the vendor's fixed firmware for two router models."}); err != nil {
				return nil, err
			}
		case it.Status == "done":
			if _, err := st.CreateUpdate(ctx, coord, it.ID, store.UpdateInput{Body: "Confirmed complete."}); err != nil {
				return nil, err
			}
		}
	}
	return logins, nil
}
