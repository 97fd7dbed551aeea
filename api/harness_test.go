package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/riverqueue/river"

	"liaison/api"
	"liaison/frontend"
	"liaison/jobs"
	"liaison/models"
	"liaison/store"
	"liaison/store/storetest"
)

var ctx = context.Background()

var (
	specOnce sync.Once
	specV    validator.Validator
)

// spec is the OpenAPI validator, built once for all tests.
func spec(t testing.TB) validator.Validator {
	specOnce.Do(func() {
		doc, err := libopenapi.NewDocument(api.OpenAPIJSON)
		if err != nil {
			panic(err)
		}
		v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
		if len(errs) > 0 {
			panic(fmt.Sprint(errs))
		}
		specV = v
	})
	return specV
}

// env is a running Liaison on a fresh database with a small world and a
// token for every role.
type env struct {
	t      testing.TB
	st     *store.Store
	srv    *httptest.Server
	tokens map[string]string // role name → bearer token
	w      *world
	mu     sync.Mutex // serialises the spec validator, which is not goroutine-safe

	// For startJobs: how webhook deliveries retry (nil and 0: as serve).
	retry            river.ClientRetryPolicy
	deliveryAttempts int
	mailer           *jobs.Mailer // e-mail digests, when set
}

// world is the fixture: a government host, a telecom that attends
// withheld, an unrelated utility, and people in each.
type world struct {
	gov, telco, other    *models.Organization
	govP, telcoP, otherP *models.Person
}

func newEnv(t testing.TB, d store.Dialect) *env {
	t.Helper()
	return newEnvOn(t, storetest.Open(t, d))
}

// newEnvOn is newEnv on a store the test opened.
func newEnvOn(t testing.TB, st *store.Store) *env {
	t.Helper()
	e := &env{t: t, st: st, tokens: map[string]string{}, w: &world{}}
	srv := httptest.NewServer(api.New(st, api.Options{Frontend: frontend.FS()}))
	t.Cleanup(srv.Close)
	e.srv = srv
	sys := store.System
	w := e.w
	w.gov = must(st.CreateOrganization(ctx, sys, store.OrganizationInput{Name: "National Security Council", Kind: "government", Country: "US"}))
	w.telco = must(st.CreateOrganization(ctx, sys, store.OrganizationInput{Name: "Zephyrtel Secretcorp", Kind: "industry", Sector: "communications", Country: "US"}))
	w.other = must(st.CreateOrganization(ctx, sys, store.OrganizationInput{Name: "Blue Water Utility", Kind: "industry", Sector: "water", Country: "US"}))
	w.govP = must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: "Grace Host", OrganizationID: w.gov.ID}))
	w.telcoP = must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: "Xanthippe Hiddenname", OrganizationID: w.telco.ID}))
	w.otherP = must(st.CreatePerson(ctx, sys, store.PersonInput{FullName: "Olive Outsider", OrganizationID: w.other.ID}))
	users := []struct {
		name, role string
		person     *string
		scope      string
	}{
		{"admin", "admin", nil, "write"},
		{"coordinator", "coordinator", &w.govP.ID, "write"},
		{"insider", "participant", &w.telcoP.ID, "write"},
		{"outsider", "participant", &w.otherP.ID, "write"},
		{"viewer", "viewer", nil, "write"},
		{"readtoken", "coordinator", nil, "read"},
	}
	for _, u := range users {
		email := u.name + "@example.test"
		must(st.CreateUser(ctx, sys, store.UserInput{Email: email, Password: "correct horse battery staple", Role: u.role, PersonID: u.person}))
		c := must(st.CallerByEmail(ctx, email))
		_, secret, err := st.CreateToken(ctx, c, store.TokenInput{Name: "test", Scope: u.scope})
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.name] = secret
	}
	return e
}

// must panics on a setup error; the test runner reports it with the stack.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// resp is a response read whole.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

func (r resp) obj(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.json(t, &m)
	return m
}

// req describes one request.
type req struct {
	method, path, as string
	body             any // string and []byte are sent as they are; anything else as JSON
	header           map[string]string
	noSpec           bool // the route is outside the OpenAPI document
}

// do sends r and checks the response against the OpenAPI document.
func (e *env) do(r req) resp {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		body = bytes.NewReader(j)
	}
	hr, _ := http.NewRequest(r.method, e.srv.URL+r.path, body)
	if r.body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.as != "" && r.as != "public" {
		hr.Header.Set("Authorization", "Bearer "+e.tokens[r.as])
	}
	for k, v := range r.header {
		if k == "Host" {
			hr.Host = v // net/http sends the request's Host, not a header of that name
		}
		hr.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := resp{Status: res.StatusCode, Header: res.Header, Body: b}
	if !r.noSpec && strings.HasPrefix(r.path, "/api/v1/") {
		e.checkSpec(r, hr, out)
	}
	return out
}

// checkSpec validates the response (status, headers, body) against the
// document. Requests that are wrong on purpose are not checked as requests.
func (e *env) checkSpec(r req, hr *http.Request, out resp) {
	e.t.Helper()
	vr, _ := http.NewRequest(r.method, "http://localhost"+r.path, nil)
	vr.Header = hr.Header.Clone()
	vres := &http.Response{StatusCode: out.Status, Header: out.Header, Body: io.NopCloser(bytes.NewReader(out.Body)), Request: vr}
	e.mu.Lock()
	ok, errs := spec(e.t).ValidateHttpResponse(vr, vres)
	e.mu.Unlock()
	if !ok {
		var msgs []string
		for _, er := range errs {
			m := er.Message
			for _, se := range er.SchemaValidationErrors {
				m += " | " + se.Reason + " at " + se.FieldPath
			}
			msgs = append(msgs, m)
		}
		e.t.Errorf("%s %s → %d does not conform to the OpenAPI document: %s\nbody: %.600s", r.method, r.path, out.Status, strings.Join(msgs, "; "), out.Body)
	}
}

// expect sends r and fails unless the status is want.
func (e *env) expect(want int, r req) resp {
	e.t.Helper()
	out := e.do(r)
	if out.Status != want {
		e.t.Fatalf("%s %s as %s: status %d, want %d; body %s", r.method, r.path, r.as, out.Status, want, out.Body)
	}
	return out
}

// meetingBody is a valid meeting with the telecom attending under the
// given disclosure and owning one action item.
func (e *env) meetingBody(tlp, disclosure string) map[string]any {
	reason := "national_security"
	if disclosure == "public" {
		reason = ""
	}
	start := time.Date(2024, 11, 22, 19, 0, 0, 0, time.UTC)
	return map[string]any{
		"title": "Briefing " + tlp + " " + disclosure, "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339),
		"timezone": "America/New_York", "modality": "in_person", "kind": "briefing", "status": "held", "tlp": tlp,
		"host_organization_id": e.w.gov.ID, "topics": []string{"Salt Typhoon"},
		"attendees": []map[string]any{
			{"person_id": e.w.govP.ID, "role": "host", "attendance": "attended", "disclosure": "public"},
			{"person_id": e.w.telcoP.ID, "attendance": "attended", "disclosure": disclosure, "withholding_reason": reason},
		},
		"action_items": []map[string]any{
			{"title": "Harden lawful intercept", "owner_organization_id": e.w.telco.ID, "due_on": "2024-12-06", "priority": "high"},
		},
	}
}

func (e *env) createMeeting(tlp, disclosure string) map[string]any {
	e.t.Helper()
	return e.expect(201, req{method: "POST", path: "/api/v1/meetings", as: "coordinator", body: e.meetingBody(tlp, disclosure)}).obj(e.t)
}

func eachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) { fn(t, newEnv(t, d)) })
	}
}

// startJobs starts the job queue on e's store, as serve does, so that
// changes make their notifications.
func (e *env) startJobs(t testing.TB) {
	t.Helper()
	e.st.AllowPrivateWebhooks(true) // the tests' receivers listen on 127.0.0.1
	r, err := jobs.New(e.st, jobs.Options{PollInterval: 20 * time.Millisecond, Render: api.Render(e.st), RetryPolicy: e.retry, DeliveryAttempts: e.deliveryAttempts,
		Mailer: e.mailer, PublicURL: "https://liaison.example.gov"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = r.Stop(c)
	})
}

// drainJobs waits until the queue has no change or delivery job to work
// now.
func (e *env) drainJobs(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		waiting := int64(0)
		for _, c := range must(e.st.JobCounts(ctx)) {
			// Jobs waiting for a retry later are not waited for.
			if (c.Kind == "change" || c.Kind == "deliver") && (c.State == "available" || c.State == "running" || c.State == "pending") {
				waiting += c.Jobs
			}
		}
		if waiting == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still waiting", waiting)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
