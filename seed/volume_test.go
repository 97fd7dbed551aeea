package seed_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"liaison/models"
	"liaison/seed"
	"liaison/store"
	"liaison/store/storetest"
)

// The synthetic volume has the shape the issue asks for, and its action
// items fall to the people who were at their meeting, as follow-ups do:
// the load run's participant figures depend on it.
func TestVolumeHasARealisticShape(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t, store.SQLite)
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var progress strings.Builder
	if err := seed.VolumeSeeded(ctx, st, 300, 3000, &progress, 7); err != nil {
		t.Fatal(err)
	}
	// The only rate shown is the whole run's, from its own clock: the bar
	// showed rates of billions of rows a second.
	if out := progress.String(); strings.Count(out, "/s") != 1 || !strings.Contains(out, "seeded 300 meetings and 3000 action items in ") {
		t.Fatalf("progress output: %q", out)
	}
	st.Close()
	db, err := sql.Open("sqlite3", "file:"+strings.TrimPrefix(dsn, "sqlite://")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}

	if n := count(`SELECT count(*) FROM meetings`); n != 300 {
		t.Errorf("%d meetings, want 300", n)
	}
	if n := count(`SELECT count(*) FROM action_items`); n != 3000 {
		t.Errorf("%d action items, want 3000", n)
	}
	every := func(what, q string, want []string) {
		t.Helper()
		for _, v := range want {
			if count(q, v) == 0 {
				t.Errorf("no %s %q", what, v)
			}
		}
	}
	every("sector", `SELECT count(*) FROM organizations WHERE sector = ?`, models.Sectors)
	every("TLP", `SELECT count(*) FROM meetings WHERE tlp = ?`, models.TLPs)
	every("disclosure", `SELECT count(*) FROM attendees WHERE disclosure = ?`, models.Disclosures)
	every("status", `SELECT count(*) FROM action_items WHERE status = ?`, models.ActionStatuses)
	if count(`SELECT count(*) FROM meeting_topics`) < 300 || count(`SELECT count(*) FROM action_item_updates`) == 0 {
		t.Error("meetings without topics, or no updates")
	}

	// Owners: mostly someone who attended, some organisations with no one
	// named, and a few hand-offs to people who were not there.
	attendee := count(`SELECT count(*) FROM action_items a WHERE EXISTS (SELECT 1 FROM attendees x
		WHERE x.meeting_id = a.meeting_id AND x.person_id = a.owner_person_id)`)
	orgOnly := count(`SELECT count(*) FROM action_items WHERE owner_person_id IS NULL AND owner_organization_id IS NOT NULL`)
	absent := count(`SELECT count(*) FROM action_items a WHERE a.owner_person_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM attendees x
		WHERE x.meeting_id = a.meeting_id AND x.person_id = a.owner_person_id)`)
	if attendee < 1900 || attendee > 2300 { // 70 % of 3,000, give or take
		t.Errorf("%d of 3000 items owned by an attendee, want about 2,100", attendee)
	}
	if orgOnly < 300 || orgOnly > 600 {
		t.Errorf("%d of 3000 items owned by an organisation alone, want about 450", orgOnly)
	}
	if absent < 250 || absent > 650 {
		t.Errorf("%d of 3000 items owned by someone not at the meeting, want about 450", absent)
	}
	if n := count(`SELECT count(*) FROM action_items a WHERE a.owner_person_id IS NOT NULL AND a.owner_organization_id <>
		(SELECT organization_id FROM people p WHERE p.id = a.owner_person_id)`); n != 0 {
		t.Errorf("%d items owned by a person under another organisation", n)
	}
}
