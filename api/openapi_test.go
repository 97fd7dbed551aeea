package api_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"liaison/api"
	"liaison/store"
	"liaison/store/storetest"
)

func TestOpenAPIDocumentIsValid(t *testing.T) {
	ok, errs := spec(t).ValidateDocument()
	if !ok {
		for _, e := range errs {
			t.Errorf("%s: %s", e.Message, e.Reason)
		}
	}
}

var ginParam = regexp.MustCompile(`:([a-z_]+)`)

// TestEveryRouteIsDocumented fails when the router serves an /api/v1 route
// that the OpenAPI document lacks, or the document lists one not served.
func TestEveryRouteIsDocumented(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	r := api.New(st, api.Options{})
	doc := documentedOperations(t)
	served := map[string]bool{}
	for _, rt := range r.Routes() {
		if !strings.HasPrefix(rt.Path, "/api/v1/") {
			continue
		}
		op := rt.Method + " " + ginParam.ReplaceAllString(strings.TrimPrefix(rt.Path, "/api/v1"), "{$1}")
		served[op] = true
		if !doc[op] {
			t.Errorf("the router serves %s but the OpenAPI document does not describe it", op)
		}
	}
	// Paths the router serves through another route's parameter.
	viaParam := map[string]string{"GET /meetings/{id}.ics": "GET /meetings/{id}"}
	for op := range doc {
		if !served[op] && !served[viaParam[op]] {
			t.Errorf("the OpenAPI document describes %s but the router does not serve it", op)
		}
	}
	if len(served) < 40 {
		t.Fatalf("only %d routes found; the walk is broken", len(served))
	}
}

// documentedOperations lists "METHOD /path" for every operation of the document.
func documentedOperations(t testing.TB) map[string]bool {
	ops := map[string]bool{}
	for _, p := range documentedPaths(t) {
		ops[p] = true
	}
	return ops
}

func documentedPaths(t testing.TB) []string {
	t.Helper()
	doc := mustDoc(t)
	var out []string
	for path, item := range doc {
		for _, m := range []string{"get", "post", "patch", "put", "delete"} {
			if _, ok := item[m]; ok {
				out = append(out, strings.ToUpper(m)+" "+path)
			}
		}
	}
	slices.Sort(out)
	return out
}
