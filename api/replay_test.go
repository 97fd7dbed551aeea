package api_test

import (
	"strings"
	"testing"

	"liaison/models"
	"liaison/store"
)

// Replays are requests: an Idempotency-Key replay passes the checks a
// fresh request passes, reads the record again as the caller may see it
// now, and never hands back a kept secret.
func TestIdempotentReplaysAreRequests(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		coord := must(e.st.CallerByEmail(ctx, "coordinator@example.test"))
		_, readSecret, err := e.st.CreateToken(ctx, coord, store.TokenInput{Name: "dashboard", Scope: "read"})
		if err != nil {
			t.Fatal(err)
		}
		e.tokens["coordread"] = readSecret
		key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }

		// A token's secret is shown once: its replay creates nothing and
		// shows nothing, for the write token and the same user's read token.
		body := map[string]any{"name": "ci", "scope": "write"}
		first := e.expect(201, req{method: "POST", path: "/api/v1/me/tokens", as: "coordinator", body: body, header: key("tok-1")})
		secret := first.obj(t)["token"].(string)
		for _, as := range []string{"coordinator", "coordread"} {
			out := e.do(req{method: "POST", path: "/api/v1/me/tokens", as: as, body: body, header: key("tok-1")})
			if out.Status != 409 && out.Status != 403 || strings.Contains(string(out.Body), secret) {
				t.Fatalf("token replay as %s: %d %s", as, out.Status, out.Body)
			}
		}
		kept, err := e.st.FindIdempotent(ctx, coord.UserID, "tok-1")
		if err != nil || strings.Contains(kept.Response, secret) || kept.Response != "" {
			t.Fatalf("the kept response holds %q (%v)", kept.Response, err)
		}
		var tokens struct{ Items []any }
		e.expect(200, req{method: "GET", path: "/api/v1/me/tokens", as: "coordinator"}).json(t, &tokens)
		if len(tokens.Items) != 3 { // the fixture's, the read one, tok-1
			t.Fatalf("%d tokens after replays, want 3", len(tokens.Items))
		}

		m := e.createMeeting("GREEN", "public") // for the participant's update below

		// A replay answers with the record as it is now.
		mb := e.meetingBody("RED", "undisclosed")
		created := e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: mb, header: key("m-1")}).obj(t)
		id := created["id"].(string)
		e.expect(200, req{method: "PATCH", path: "/api/v1/meetings/" + id, as: "coordinator", body: map[string]any{"title": "Renamed since"}})
		again := e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: mb, header: key("m-1")})
		if got := again.obj(t); got["id"] != id || got["title"] != "Renamed since" || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %s", again.Body)
		}

		// Demoted to viewer, the same user's replay is refused like a new
		// request, before anything of the RED meeting is shown.
		role := "viewer"
		if _, err := e.st.UpdateUser(ctx, store.System, coord.UserID, store.UserPatch{Role: models.Some(models.Role(role))}); err != nil {
			t.Fatal(err)
		}
		out := e.expect(403, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: mb, header: key("m-1")})
		if strings.Contains(string(out.Body), id) || strings.Contains(string(out.Body), "Xanthippe") {
			t.Fatalf("a refused replay shows the meeting: %s", out.Body)
		}

		// A participant's update, replayed after the item left their hands,
		// is refused as a new one would be.
		var items struct{ Items []map[string]any }
		e.expect(200, req{method: "GET", path: "/api/v1/meetings/" + m["id"].(string) + "/action-items", as: "admin"}).json(t, &items)
		item := items.Items[0]["id"].(string)
		ub := map[string]any{"body": "Patched the mediation servers."}
		u1 := e.expect(201, req{method: "POST", path: "/api/v1/action-items/" + item + "/updates", as: "insider", body: ub, header: key("u-1")})
		u2 := e.expect(201, req{method: "POST", path: "/api/v1/action-items/" + item + "/updates", as: "insider", body: ub, header: key("u-1")})
		if u1.obj(t)["id"] != u2.obj(t)["id"] {
			t.Fatal("the update's replay made another update")
		}
		e.expect(200, req{method: "PATCH", path: "/api/v1/action-items/" + item, as: "admin", body: map[string]any{"owner_organization_id": e.w.other.ID}})
		e.expect(403, req{method: "POST", path: "/api/v1/action-items/" + item + "/updates", as: "insider", body: ub, header: key("u-1")})
	})
}
