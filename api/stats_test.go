package api_test

import "testing"

func TestStatsRoutes(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.createMeeting("GREEN", "undisclosed")
		e.createMeeting("RED", "public")
		var o struct {
			Meetings struct {
				Total int `json:"total"`
			} `json:"meetings"`
			Attendees struct {
				Withheld *int `json:"withheld"`
			} `json:"attendees"`
			ActionItems struct {
				Total   int `json:"total"`
				Overdue int `json:"overdue"`
			} `json:"action_items"`
		}
		e.expect(200, req{method: "GET", path: "/api/v1/stats/overview", as: "viewer"}).json(t, &o)
		// One withheld attendee is fewer than k: not counted for a viewer.
		if o.Meetings.Total != 1 || o.Attendees.Withheld != nil || o.ActionItems.Total != 1 || o.ActionItems.Overdue != 1 {
			t.Fatalf("viewer overview: %+v", o)
		}
		e.expect(200, req{method: "GET", path: "/api/v1/stats/overview?from=2024-01-01&to=2025-01-01", as: "readtoken"}).json(t, &o)
		if o.Meetings.Total != 2 {
			t.Fatalf("coordinator overview: %+v", o)
		}
		for _, g := range []string{"month", "sector", "topic", "kind", "host_organization"} {
			e.expect(200, req{method: "GET", path: "/api/v1/stats/meetings?group_by=" + g, as: "insider"})
		}
		for _, g := range []string{"status", "owner_organization", "priority", "month"} {
			e.expect(200, req{method: "GET", path: "/api/v1/stats/action-items?group_by=" + g, as: "outsider"})
		}
		e.expect(400, req{method: "GET", path: "/api/v1/stats/meetings", as: "viewer"})
		e.expect(400, req{method: "GET", path: "/api/v1/stats/meetings?group_by=person", as: "viewer"})
		e.expect(400, req{method: "GET", path: "/api/v1/stats/action-items?group_by=status&limit=5", as: "viewer"})
		e.expect(401, req{method: "GET", path: "/api/v1/stats/overview"})
	})
}
