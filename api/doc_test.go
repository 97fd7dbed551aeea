package api_test

import (
	"encoding/json"
	"testing"

	"liaison/api"
)

func mustDoc(t testing.TB) map[string]map[string]any {
	t.Helper()
	var d struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPIJSON, &d); err != nil {
		t.Fatal(err)
	}
	return d.Paths
}
