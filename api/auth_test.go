package api_test

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

func login(t *testing.T, e *env, email, password string, extra map[string]string) (*http.Response, *http.Client) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	hr, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/auth/login", strings.NewReader(`{"email":"`+email+`","password":"`+password+`"}`))
	hr.Header.Set("Content-Type", "application/json")
	for k, v := range extra {
		hr.Header.Set(k, v)
	}
	res, err := cl.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res, cl
}

func TestSessionLoginLogoutAndCSRF(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		res, cl := login(t, e, "coordinator@example.test", "correct horse battery staple", nil)
		if res.StatusCode != 200 {
			t.Fatalf("login: %d", res.StatusCode)
		}
		ck := res.Header.Get("Set-Cookie")
		for _, want := range []string{"liaison_session=", "HttpOnly", "SameSite=Strict", "Path=/"} {
			if !strings.Contains(ck, want) {
				t.Fatalf("cookie %q lacks %s", ck, want)
			}
		}
		get := func(path string, hdr map[string]string, method string) int {
			hr, _ := http.NewRequest(method, e.srv.URL+path, nil)
			for k, v := range hdr {
				hr.Header.Set(k, v)
			}
			r, err := cl.Do(hr)
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			return r.StatusCode
		}
		if s := get("/api/v1/me", nil, "GET"); s != 200 {
			t.Fatalf("me with cookie: %d", s)
		}
		// A cookie-authenticated unsafe request from another origin is refused.
		if s := get("/api/v1/auth/logout", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, "POST"); s != 403 {
			t.Fatalf("cross-origin logout: %d, want 403", s)
		}
		if s := get("/api/v1/auth/logout", map[string]string{"Sec-Fetch-Site": "same-origin"}, "POST"); s != 204 {
			t.Fatalf("logout: %d", s)
		}
		// The session is over on the server, not only in the browser.
		hr, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/me", nil)
		hr.Header.Set("Cookie", strings.Split(ck, ";")[0])
		r, _ := http.DefaultClient.Do(hr)
		r.Body.Close()
		if r.StatusCode != 401 {
			t.Fatalf("old session after logout: %d", r.StatusCode)
		}
	})
}

func TestLoginFailuresAreRateLimited(t *testing.T) {
	e := newEnv(t, "sqlite")
	for i := range 5 {
		if res, _ := login(t, e, "viewer@example.test", "wrong password "+string(rune('a'+i)), nil); res.StatusCode != 401 {
			t.Fatalf("attempt %d: %d", i, res.StatusCode)
		}
	}
	// Now even the right password waits.
	res, _ := login(t, e, "viewer@example.test", "correct horse battery staple", nil)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
		t.Fatalf("after 5 failures: %d", res.StatusCode)
	}
	// An unknown account answers exactly like a wrong password.
	res, _ = login(t, e, "nobody@example.test", "whatever it is", nil)
	if res.StatusCode != 401 {
		t.Fatalf("unknown account: %d", res.StatusCode)
	}
	// Failures and successes are in the audit trail.
	out := e.expect(200, req{method: "GET", path: "/api/v1/audit-events?action=login_failed", as: "admin"})
	var page struct{ Items []map[string]any }
	out.json(t, &page)
	if len(page.Items) != 6 {
		t.Fatalf("%d login_failed events, want 6", len(page.Items))
	}
}

func TestRolesAndTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		m := e.createMeeting("GREEN", "public")
		body := map[string]any{"name": "Another Org", "kind": "industry", "sector": "energy"}
		for _, who := range []string{"insider", "viewer", "readtoken"} {
			e.expect(403, req{method: "POST", path: "/api/v1/organizations", as: who, body: body})
			e.expect(403, req{method: "PATCH", path: "/api/v1/meetings/" + m["id"].(string), as: who, body: map[string]any{"title": "x"}})
			e.expect(403, req{method: "POST", path: "/api/v1/users", as: who, body: map[string]any{"email": "a@b.c", "password": "long enough password", "role": "admin"}})
		}
		e.expect(403, req{method: "GET", path: "/api/v1/users", as: "coordinator"})
		e.expect(403, req{method: "GET", path: "/api/v1/audit-events", as: "insider"})
		e.expect(200, req{method: "GET", path: "/api/v1/meetings", as: "readtoken"})
		// A read token may not mint a write token for itself.
		e.expect(403, req{method: "POST", path: "/api/v1/me/tokens", as: "readtoken", body: map[string]any{"name": "escalate", "scope": "write"}})

		// Tokens: shown once, listed without the secret, revoked for good.
		tok := e.expect(201, req{method: "POST", path: "/api/v1/me/tokens", as: "viewer", body: map[string]any{"name": "dashboard", "scope": "read", "expires_in_days": 30}}).obj(t)
		secret := tok["token"].(string)
		e.tokens["dash"] = secret
		e.expect(200, req{method: "GET", path: "/api/v1/me", as: "dash"})
		list := e.expect(200, req{method: "GET", path: "/api/v1/me/tokens", as: "viewer"})
		if strings.Contains(string(list.Body), secret) || strings.Contains(string(list.Body), `"token"`) {
			t.Fatalf("token list shows a secret: %s", list.Body)
		}
		e.expect(204, req{method: "DELETE", path: "/api/v1/me/tokens/" + tok["id"].(string), as: "viewer"})
		e.expect(401, req{method: "GET", path: "/api/v1/me", as: "dash"})
		e.expect(404, req{method: "DELETE", path: "/api/v1/me/tokens/" + tok["id"].(string), as: "insider"})

		// Users: admin creates, disables (tokens die with it).
		u := e.expect(201, req{method: "POST", path: "/api/v1/users", as: "admin", body: map[string]any{"email": "New.Person@Example.test", "password": "a long enough password", "role": "viewer"}}).obj(t)
		if u["email"] != "new.person@example.test" || strings.Contains(string(mustJSON(u)), "password") {
			t.Fatalf("user: %v", u)
		}
		e.expect(409, req{method: "POST", path: "/api/v1/users", as: "admin", body: map[string]any{"email": "new.person@example.test", "password": "a long enough password", "role": "viewer"}})
		e.expect(422, req{method: "POST", path: "/api/v1/users", as: "admin", body: map[string]any{"email": "short@example.test", "password": "short", "role": "viewer"}})
		e.expect(204, req{method: "DELETE", path: "/api/v1/users/" + u["id"].(string), as: "admin"})
		got := e.expect(200, req{method: "GET", path: "/api/v1/users/" + u["id"].(string), as: "admin"}).obj(t)
		if got["disabled"] != true {
			t.Fatalf("deleted user not disabled: %v", got)
		}
	})
}

// An administrator changes a user's password: a password too short is
// refused and changes nothing; a good one takes effect, the old one stops
// working, and the user's sessions end.
func TestAdministratorChangesAPassword(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		u := e.expect(201, req{method: "POST", path: "/api/v1/users", as: "admin", body: map[string]any{"email": "changing@example.test", "password": "the first long password", "role": "viewer"}}).obj(t)
		path := "/api/v1/users/" + u["id"].(string)
		res, session := login(t, e, "changing@example.test", "the first long password", nil)
		if res.StatusCode != 200 && res.StatusCode != 204 {
			t.Fatalf("login with the first password: %d", res.StatusCode)
		}
		me := func() int {
			t.Helper()
			res, err := session.Get(e.srv.URL + "/api/v1/me")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		if s := me(); s != 200 {
			t.Fatalf("the session before the change: %d", s)
		}
		e.expect(422, req{method: "PATCH", path: path, as: "admin", body: map[string]any{"password": "short"}})
		if res, _ := login(t, e, "changing@example.test", "the first long password", nil); res.StatusCode != 200 && res.StatusCode != 204 {
			t.Fatalf("a refused change changed the password: %d", res.StatusCode)
		}
		if s := me(); s != 200 {
			t.Fatalf("a refused change ended the session: %d", s)
		}
		e.expect(200, req{method: "PATCH", path: path, as: "admin", body: map[string]any{"password": "the second long password"}})
		if s := me(); s != 401 {
			t.Fatalf("the session after the change: %d, want 401", s)
		}
		if res, _ := login(t, e, "changing@example.test", "the first long password", nil); res.StatusCode != 401 {
			t.Fatalf("the old password still works: %d", res.StatusCode)
		}
		if res, _ := login(t, e, "changing@example.test", "the second long password", nil); res.StatusCode != 200 && res.StatusCode != 204 {
			t.Fatalf("the new password does not work: %d", res.StatusCode)
		}
	})
}
