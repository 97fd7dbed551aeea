package store_test

import (
	"testing"

	"liaison/store"
	"liaison/store/storetest"
)

func TestSmoke(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		m := w.meeting(t, s, "GREEN", "undisclosed")
		if len(m.Attendees) != 2 || len(m.Topics) != 1 {
			t.Fatalf("meeting: %+v", m)
		}
		got := must(s.GetMeeting(ctx, w.outsider, m.ID))
		for _, a := range got.Attendees {
			if a.Sector == "communications" && (!a.Redacted || a.PersonID != nil || a.OrganizationID != nil) {
				t.Fatalf("not redacted: %+v", a)
			}
		}
		list, next, err := s.ListMeetings(ctx, w.outsider, store.MeetingFilter{}, store.Page{Limit: 10})
		if err != nil || len(list) != 1 || next != nil {
			t.Fatalf("list %d %v", len(list), next)
		}
	})
}
