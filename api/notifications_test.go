package api_test

import (
	"testing"

	"liaison/store"
)

// TestNotifications: a participant hears of an item assigned to their
// organisation, reads and marks notifications, and sees nothing of one
// whose item they may no longer see, not even in the count.
func TestNotifications(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.startJobs(t)
		st := e.st
		colleague := must(st.CreatePerson(ctx, store.System, store.PersonInput{FullName: "Colin Colleague", OrganizationID: e.w.telco.ID}))
		must(st.CreateUser(ctx, store.System, store.UserInput{Email: "colleague@example.test", Password: "correct horse battery staple", Role: "participant", PersonID: &colleague.ID}))
		_, sec, err := st.CreateToken(ctx, must(st.CallerByEmail(ctx, "colleague@example.test")), store.TokenInput{Name: "t", Scope: "write"})
		if err != nil {
			t.Fatal(err)
		}
		e.tokens["colleague"] = sec

		// A RED meeting the insider attends and the colleague does not; its
		// item is the telecom's.
		m := e.createMeeting("RED", "public")
		item := firstItem(t, e, m["id"].(string))
		e.drainJobs(t)

		type page struct {
			Items []struct {
				ID, Kind   string
				ReadAt     *string        `json:"read_at"`
				ActionItem map[string]any `json:"action_item"`
			}
			Unread int
		}
		list := func(as, query string) page {
			var p page
			e.expect(200, req{method: "GET", path: "/api/v1/me/notifications" + query, as: as}).json(t, &p)
			return p
		}
		count := func(as string) int {
			var c struct{ Unread int }
			e.expect(200, req{method: "GET", path: "/api/v1/me/notifications/unread-count", as: as}).json(t, &c)
			return c.Unread
		}
		for _, as := range []string{"insider", "colleague"} {
			p := list(as, "")
			if len(p.Items) != 1 || p.Unread != 1 || p.Items[0].Kind != "assigned" || p.Items[0].ActionItem["id"] != item["id"] {
				t.Fatalf("%s's notifications: %+v", as, p)
			}
		}
		// The colleague owns the item but was not in the room: the item
		// comes without its meeting, as from GET /action-items/{id}.
		if got := list("colleague", "").Items[0].ActionItem; got["meeting_id"] != nil && got["meeting_id"] != "" {
			t.Fatalf("colleague sees the RED meeting through the notification: %v", got)
		}
		for _, as := range []string{"coordinator", "outsider", "viewer"} {
			if p := list(as, ""); len(p.Items) != 0 || p.Unread != 0 {
				t.Fatalf("%s has notifications: %+v", as, p)
			}
		}

		// Marking read: one's own; another's is not found.
		id := list("insider", "").Items[0].ID
		e.expect(404, req{method: "POST", path: "/api/v1/me/notifications/" + id + "/read", as: "colleague"})
		e.expect(204, req{method: "POST", path: "/api/v1/me/notifications/" + id + "/read", as: "insider"})
		e.expect(204, req{method: "POST", path: "/api/v1/me/notifications/" + id + "/read", as: "insider"})
		if count("insider") != 0 || len(list("insider", "?unread=true").Items) != 0 || list("insider", "").Items[0].ReadAt == nil {
			t.Fatal("the insider's notification is still unread")
		}
		e.expect(403, req{method: "POST", path: "/api/v1/me/notifications/read-all", as: "readtoken"})
		e.expect(400, req{method: "GET", path: "/api/v1/me/notifications?unread=perhaps", as: "insider"})

		// The item moves to another organisation: the colleague may no
		// longer see it, so the notification is gone, from the count too.
		e.expect(200, req{method: "PATCH", path: "/api/v1/action-items/" + item["id"].(string), as: "coordinator",
			body: map[string]any{"owner_organization_id": e.w.other.ID}})
		e.drainJobs(t)
		if p := list("colleague", ""); len(p.Items) != 0 || p.Unread != 0 || count("colleague") != 0 {
			t.Fatalf("colleague still sees a notification of an item they lost: %+v", p)
		}
		// The insider attended: they still see it.
		if p := list("insider", ""); len(p.Items) != 1 {
			t.Fatalf("insider's notifications after the move: %+v", p)
		}
		// Nor does marking all read count it.
		var marked struct{ Marked int }
		e.expect(200, req{method: "POST", path: "/api/v1/me/notifications/read-all", as: "colleague"}).json(t, &marked)
		if marked.Marked != 0 {
			t.Fatalf("read-all marked %d notifications the colleague may not see", marked.Marked)
		}
	})
}
