package store_test

import (
	"testing"

	"liaison/models"
	"liaison/seed"
	"liaison/store"
	"liaison/store/storetest"
)

// TestTextSearch: q finds every word of the search as the start of a word
// of a meeting's title, summary, readout, location or topics (an action
// item's title or description), in any case, through the word index; the
// index follows edits, topic renames and deletes, and never reaches past
// what the caller may see.
func TestTextSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := seed.Demo(ctx, s); err != nil {
			t.Fatal(err)
		}
		coord, err := s.CallerByEmail(ctx, "coordinator@liaison.demo")
		if err != nil {
			t.Fatal(err)
		}
		viewer, err := s.CallerByEmail(ctx, "viewer@liaison.demo")
		if err != nil {
			t.Fatal(err)
		}
		titles := func(c store.Caller, q string) []string {
			t.Helper()
			ms, _, err := s.ListMeetings(ctx, c, store.MeetingFilter{Q: q}, store.Page{Limit: 50})
			if err != nil {
				t.Fatalf("q=%q: %v", q, err)
			}
			var out []string
			for _, m := range ms {
				out = append(out, m.Title)
			}
			return out
		}
		const whiteHouse = "White House meeting with telecommunications executives on PRC cyber espionage"
		for q, want := range map[string]int{
			"telecommunications executives": 1, // two words of a title
			"TELECOM EXEC":                  1, // prefixes, any case
			"executives telecommunications": 1, // any order
			"Lima":                          1, // a location word
			"salt typhoon":                  5, // a topic's name
			"typhoon lima":                  1, // a topic word and a title word
			"zzqx":                          0,
			"ecommunications":               0, // words are matched from their start
		} {
			if got := titles(coord, q); len(got) != want {
				t.Errorf("q=%q: %d meetings %q, want %d", q, len(got), got, want)
			}
		}
		// A topic's reference is found by any of its parts.
		if _, err := s.CreateTopic(ctx, coord, store.TopicInput{Name: "PAN-OS GlobalProtect", Kind: "vulnerability", Reference: "CVE-2024-3400"}); err != nil {
			t.Fatal(err)
		}
		ms0, _, _ := s.ListMeetings(ctx, coord, store.MeetingFilter{Q: "Lima"}, store.Page{Limit: 1})
		topics := []string{"Salt Typhoon", "PRC cyber espionage", "PAN-OS GlobalProtect"}
		if _, err := s.UpdateMeeting(ctx, coord, ms0[0].ID, store.MeetingPatch{Topics: models.Some(topics)}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"CVE-2024-3400", "2024 3400", "3400", "globalprotect", "pan os"} {
			if got := titles(coord, q); len(got) != 1 {
				t.Errorf("q=%q: %q, want the Lima meeting", q, got)
			}
		}
		// Text with no words is matched as a substring, as it always was.
		if got := titles(coord, "%"); len(got) != 0 {
			t.Errorf(`q="%%": %q`, got)
		}

		// Edits: a new title is found and the old one is not.
		ms, _, _ := s.ListMeetings(ctx, coord, store.MeetingFilter{Q: "telecommunications executives"}, store.Page{Limit: 1})
		m := ms[0]
		title, place := "Roundtable with carrier leadership", "Zanzibar"
		if _, err := s.UpdateMeeting(ctx, coord, m.ID, store.MeetingPatch{Title: models.Some(title), Location: models.Some(place)}); err != nil {
			t.Fatal(err)
		}
		if got := titles(coord, "carrier leadership zanzibar"); len(got) != 1 || got[0] != title {
			t.Errorf("after the edit: %q", got)
		}
		place = "Quito"
		if _, err := s.UpdateMeeting(ctx, coord, m.ID, store.MeetingPatch{Location: models.Some(place)}); err != nil {
			t.Fatal(err)
		}
		if got := titles(coord, "zanzibar"); len(got) != 0 {
			t.Errorf("the old location is still found: %q", got)
		}

		// A renamed topic is found under its new name on every meeting.
		ts, _, err := s.ListTopics(ctx, coord, store.TopicFilter{Q: "Salt Typhoon"}, store.Page{Limit: 1})
		if err != nil || len(ts) != 1 {
			t.Fatalf("topic: %v", err)
		}
		name := "Salt Typhoon intrusions"
		if _, err := s.UpdateTopic(ctx, coord, ts[0].ID, store.TopicPatch{Name: models.Some(name)}); err != nil {
			t.Fatal(err)
		}
		if got := titles(coord, "intrusions"); len(got) != 5 {
			t.Errorf("after the rename: %q", got)
		}

		// A deleted meeting is not found.
		if err := s.DeleteMeeting(ctx, coord, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		if got := titles(coord, "carrier leadership"); len(got) != 0 {
			t.Errorf("a deleted meeting is found: %q", got)
		}

		// A meeting the caller may not see is not found by its words.
		if got := titles(viewer, "Restricted briefing"); len(got) != 0 {
			t.Errorf("the viewer finds the restricted briefing: %q", got)
		}
		if got := titles(coord, "Restricted briefing"); len(got) != 1 {
			t.Errorf("the coordinator does not find the restricted briefing: %q", got)
		}

		// Action items, and an edit of one.
		items := func(q string) int {
			t.Helper()
			is, _, err := s.ListActionItems(ctx, coord, store.ActionItemFilter{Q: q}, store.Page{Limit: 50})
			if err != nil {
				t.Fatalf("q=%q: %v", q, err)
			}
			return len(is)
		}
		if n := items("automated indicator"); n != 1 {
			t.Fatalf("items for 'automated indicator': %d", n)
		}
		is, _, _ := s.ListActionItems(ctx, coord, store.ActionItemFilter{Q: "automated indicator"}, store.Page{Limit: 1})
		newTitle := "Stand up machine-readable sharing"
		if _, err := s.UpdateActionItem(ctx, coord, is[0].ID, store.ActionItemPatch{Title: models.Some(newTitle)}); err != nil {
			t.Fatal(err)
		}
		if items("automated indicator") != 0 || items("machine readable") != 1 {
			t.Errorf("the item's edit is not searched")
		}
	})
}
