package api_test

import (
	"strings"
	"testing"
)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, r := range []req{
		{method: "GET", path: "/", noSpec: true},
		{method: "GET", path: "/meetings/some-screen", noSpec: true},
		{method: "GET", path: "/style.css", noSpec: true},
		{method: "GET", path: "/healthz"},
		{method: "GET", path: "/readyz"},
		{method: "GET", path: "/api/v1/openapi.json"},
		{method: "GET", path: "/api/v1/nothing", noSpec: true},
		{method: "GET", path: "/api/v1/meetings"},
		{method: "GET", path: "/api/v1/meetings", as: "viewer"},
		{method: "POST", path: "/api/v1/auth/login", body: "{"},
	} {
		out := e.do(r)
		h := out.Header
		csp := h.Get("Content-Security-Policy")
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s %s: headers %v", r.method, r.path, h)
		}
		if strings.HasPrefix(r.path, "/api/") && h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: Cache-Control %q", r.method, r.path, h.Get("Cache-Control"))
		}
		if h.Get("X-Request-ID") == "" {
			t.Errorf("%s %s: no request id", r.method, r.path)
		}
	}
	// The web UI's fallback never answers for the API.
	if out := e.do(req{method: "GET", path: "/api/v1/nothing", noSpec: true}); out.Status != 404 || !strings.Contains(out.Header.Get("Content-Type"), "problem+json") {
		t.Fatalf("unknown API path: %d %s", out.Status, out.Header.Get("Content-Type"))
	}
	if out := e.do(req{method: "GET", path: "/meetings/some-screen", noSpec: true}); out.Status != 200 || !strings.Contains(string(out.Body), "<html") {
		t.Fatalf("screen path: %d", out.Status)
	}
	// Metrics are not served on the API's listener (serve --metrics-addr).
	if out := e.do(req{method: "GET", path: "/metrics", noSpec: true}); strings.Contains(string(out.Body), "liaison_http_requests_total") {
		t.Fatalf("the API's listener serves metrics")
	}
}
