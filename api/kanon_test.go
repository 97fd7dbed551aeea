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
