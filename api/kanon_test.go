package api_test

import (
	"strings"
	"testing"

	"liaison/store"
)

// TestWithheldIdentitiesAreKAnonymous: what is shown of a withheld
// attendee never narrows it to fewer than k (3) organisations or people of
// the directory — in the detail, the filters, the statistics and the
// public readouts.
func TestWithheldIdentitiesAreKAnonymous(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		st, sys := e.st, store.System
		dams := must(st.CreateOrganization(ctx, sys, store.OrganizationInput{Name: "Zqlonely Dam Authority", Kind: "industry", Sector: "dams", Country: "US"}))
		keeper := must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: "Zqdana Damkeeper", OrganizationID: dams.ID}))
		tiny := must(st.CreateOrganization(ctx, sys, store.OrganizationInput{Name: "Zqtiny Water Co", Kind: "industry", Sector: "water", Country: "US"}))
		tinyP := must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: "Zqtim Tiny", OrganizationID: tiny.ID}))
		body := e.meetingBody("CLEAR", "public")
		body["attendees"] = []map[string]any{
			{"person_id": keeper.ID, "attendance": "attended", "disclosure": "undisclosed", "withholding_reason": "national_security"},
			{"person_id": tinyP.ID, "attendance": "attended", "disclosure": "organization_only", "withholding_reason": "privacy"},
		}
		body["action_items"] = []map[string]any{{"title": "Tiny's item", "owner_organization_id": tiny.ID, "due_on": "2024-12-06"}}
		m := e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: body}).obj(t)
		id := m["id"].(string)

		// One organisation in the sector, one person in the organisation.
		detail := string(e.expect(200, req{method: "GET", path: "/api/v1/meetings/" + id, as: "viewer"}).Body)
		for _, secret := range []string{"dams", dams.ID, "Zqtiny", tiny.ID} {
			if strings.Contains(detail, secret) {
				t.Errorf("the viewer's detail narrows a withheld attendee to one: %s in %s", secret, detail)
			}
		}
		if !strings.Contains(detail, `"sector":null`) {
			t.Errorf("no withheld sector: %s", detail)
		}
		for _, as := range []string{"viewer", "outsider"} {
			out := string(e.expect(200, req{method: "GET", path: "/api/v1/meetings?sector=dams", as: as}).Body)
			if strings.Contains(out, id) {
				t.Errorf("?sector=dams finds the meeting for %s through a suppressed sector", as)
			}
			out = string(e.expect(200, req{method: "GET", path: "/api/v1/meetings?organization=" + tiny.ID, as: as}).Body)
			if strings.Contains(out, id) {
				t.Errorf("?organization finds the meeting for %s through a withheld small organisation", as)
			}
			stats := string(e.expect(200, req{method: "GET", path: "/api/v1/stats/meetings?group_by=sector", as: as}).Body)
			if strings.Contains(stats, `"dams"`) || !strings.Contains(stats, `"withheld"`) {
				t.Errorf("sector statistics for %s: %s", as, stats)
			}
			item := string(e.expect(200, req{method: "GET", path: "/api/v1/meetings/" + id + "/action-items", as: as}).Body)
			if strings.Contains(item, tiny.ID) || !strings.Contains(item, `"owner_redacted":true`) {
				t.Errorf("the small organisation owns an item in the open for %s: %s", as, item)
			}
		}
		public := string(e.expect(200, req{method: "GET", path: "/api/v1/public/meetings/" + id}).Body)
		if strings.Contains(public, "dams") || strings.Contains(public, "Zqtiny") {
			t.Errorf("the public readout narrows a withheld attendee: %s", public)
		}
		// Staff see everything.
		if out := string(e.expect(200, req{method: "GET", path: "/api/v1/meetings?sector=dams", as: "coordinator"}).Body); !strings.Contains(out, id) {
			t.Error("a coordinator's ?sector=dams misses the meeting")
		}

		// With k organisations in the sector and k people in the
		// organisation, both are shown again.
		for _, n := range []string{"Zqsecond Dam", "Zqthird Dam"} {
			must(st.CreateOrganization(ctx, sys, store.OrganizationInput{Name: n, Kind: "industry", Sector: "dams", Country: "US"}))
		}
		for _, n := range []string{"Zqtom Tiny", "Zqtess Tiny"} {
			must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: n, OrganizationID: tiny.ID}))
		}
		detail = string(e.expect(200, req{method: "GET", path: "/api/v1/meetings/" + id, as: "viewer"}).Body)
		if !strings.Contains(detail, `"sector":"dams"`) || !strings.Contains(detail, tiny.ID) || strings.Contains(detail, "Zqtim") {
			t.Errorf("with k in each group: %s", detail)
		}
		if out := string(e.expect(200, req{method: "GET", path: "/api/v1/meetings?sector=dams", as: "viewer"}).Body); !strings.Contains(out, id) {
			t.Error("?sector=dams misses the meeting once the sector has k organisations")
		}
	})
}

// TestOwnerFiltersAgreeWithRedaction: the owner filters and the owner
// statistics never find by a withheld owner what the item's body withholds,
// and an item seen only as its owner tells nothing of the hidden meeting's
// attendance.
func TestOwnerFiltersAgreeWithRedaction(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		st, sys := e.st, store.System
		tiny := must(st.CreateOrganization(ctx, sys, store.OrganizationInput{Name: "Zqtiny Utility", Kind: "industry", Sector: "water", Country: "US"}))
		tinyP := must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: "Zqtina Tiny", OrganizationID: tiny.ID}))
		hidden := must(st.CreateOrganization(ctx, sys, store.OrganizationInput{Name: "Zqundisclosed Grid", Kind: "industry", Sector: "energy", Country: "US"}))
		handoff := must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: "Zqhal Handoff", OrganizationID: hidden.ID}))
		body := e.meetingBody("GREEN", "public")
		body["attendees"] = []map[string]any{
			{"person_id": tinyP.ID, "attendance": "attended", "disclosure": "organization_only", "withholding_reason": "privacy"},
			{"organization_id": hidden.ID, "attendance": "attended", "disclosure": "undisclosed", "withholding_reason": "commercial"},
		}
		body["action_items"] = []map[string]any{
			{"title": "Tiny's item", "owner_organization_id": tiny.ID, "due_on": "2024-12-06"},
			{"title": "Hal's item", "owner_person_id": handoff.ID, "due_on": "2024-12-06"},
		}
		e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: body})
		for _, as := range []string{"viewer", "outsider"} {
			for _, q := range []string{"owner_organization=" + tiny.ID, "owner_person=" + handoff.ID, "owner_organization=" + hidden.ID} {
				if out := string(e.expect(200, req{method: "GET", path: "/api/v1/action-items?" + q, as: as}).Body); strings.Contains(out, `"items":[{`) {
					t.Errorf("?%s as %s finds what the item withholds: %s", q, as, out)
				}
			}
			stats := string(e.expect(200, req{method: "GET", path: "/api/v1/stats/action-items?group_by=owner_organization", as: as}).Body)
			if strings.Contains(stats, tiny.ID) || strings.Contains(stats, "Zqtiny") || strings.Contains(stats, hidden.ID) {
				t.Errorf("owner statistics as %s name a withheld owner: %s", as, stats)
			}
			// Any window suppresses the count of withheld attendance.
			if o := e.expect(200, req{method: "GET", path: "/api/v1/stats/overview?from=2030-04-01&to=2030-04-02", as: as}).obj(t); o["attendees"].(map[string]any)["withheld"] != nil {
				t.Errorf("a window's withheld count as %s: %v", as, o["attendees"])
			}
		}

		// A RED meeting the outsider's organisation did not attend; the
		// outsider's colleague did, withheld, and owns an item with the
		// outsider's organisation. Seen as an owner, the item says nothing of
		// that attendance.
		colleague := must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: "Zqcora Colleague", OrganizationID: e.w.other.ID}))
		red := e.meetingBody("RED", "public")
		red["attendees"] = []map[string]any{{"person_id": colleague.ID, "attendance": "attended", "disclosure": "undisclosed", "withholding_reason": "law_enforcement"}}
		red["action_items"] = []map[string]any{{"title": "Shared follow-up", "owner_person_id": colleague.ID, "owner_organization_id": e.w.other.ID, "due_on": "2024-12-06"}}
		e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: red})
		var mine struct{ Items []map[string]any }
		e.expect(200, req{method: "GET", path: "/api/v1/action-items?owner=me", as: "outsider"}).json(t, &mine)
		found := false
		for _, it := range mine.Items {
			if it["title"] == "Shared follow-up" {
				found = true
				if it["owner_redacted"] != false || it["owner_person_id"] != colleague.ID || it["meeting_id"] != nil {
					t.Errorf("the owner's view tells of the hidden attendance: %v", it)
				}
			}
		}
		if !found {
			t.Fatalf("the shared item is not among the outsider's: %v", mine.Items)
		}
	})
}

// TestTopicsMadeInTheDirectoryStayListed: a topic made in the directory is
// public knowledge and stays listed when a hidden meeting takes it up, so
// its disappearing cannot tell of the meeting; one a hidden meeting made
// is never listed to those who may not see it.
func TestTopicsMadeInTheDirectoryStayListed(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		dir := e.expect(201, req{method: "POST", path: "/api/v1/topics", as: "coordinator", body: map[string]any{"name": "Zqdirectory topic"}}).obj(t)
		red := e.meetingBody("RED", "public")
		red["topics"] = []string{"Zqdirectory topic", "Zqmeeting-made topic"}
		e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: red})
		out := string(e.expect(200, req{method: "GET", path: "/api/v1/topics?q=zq", as: "viewer"}).Body)
		if !strings.Contains(out, dir["id"].(string)) || strings.Contains(out, "Zqmeeting-made") {
			t.Fatalf("topics as a viewer: %s", out)
		}
		e.expect(200, req{method: "GET", path: "/api/v1/topics/" + dir["id"].(string), as: "viewer"})
	})
}
