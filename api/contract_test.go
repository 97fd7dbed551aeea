package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"liaison/api"
)

// The contract test. It walks the OpenAPI document and, for every
// operation, sends a valid request built from the document's schemas and
// the fixtures (creating, reading, changing with If-Match and deleting),
// then every class of bad input the document implies. It fails on any 5xx,
// on any response the document does not describe, on a bad request the
// server accepts or the document allows, on a bad request that wrote
// anything, and on any operation it could not exercise. A route is covered
// as soon as it is documented.

type obj = map[string]any

func TestContract(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		k := &contract{t: t, e: e, exercised: map[string]bool{}}
		e.startJobs(t)
		if err := json.Unmarshal(api.OpenAPIJSON, &k.doc); err != nil {
			t.Fatal(err)
		}
		k.meeting = k.create("/meetings", "/meetings")
		ops := documentedPaths(t)
		// Signing out last keeps the sessions the other operations use.
		slices.SortStableFunc(ops, func(a, b string) int {
			return strings.Compare(strconv.FormatBool(strings.HasSuffix(a, "/logout")), strconv.FormatBool(strings.HasSuffix(b, "/logout")))
		})
		for _, op := range ops {
			method, path, _ := strings.Cut(op, " ")
			k.operation(method, path)
		}
		for _, op := range ops {
			if !k.exercised[op] {
				t.Errorf("the contract test could not exercise %s with a valid request", op)
			}
		}
	})
}

type contract struct {
	t         *testing.T
	e         *env
	doc       obj
	seq       int
	meeting   string // a meeting for action items to belong to
	exercised map[string]bool
}

// resolve follows a $ref to the schema, parameter or body it names.
func (k *contract) resolve(v any) obj {
	o, _ := v.(obj)
	for o != nil {
		ref, ok := o["$ref"].(string)
		if !ok {
			return o
		}
		cur := any(k.doc)
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = cur.(obj)[part]
		}
		o, _ = cur.(obj)
	}
	return o
}

// merged flattens allOf into one object schema: the union of properties
// and of required names.
func (k *contract) merged(s obj) obj {
	s = k.resolve(s)
	all, ok := s["allOf"].([]any)
	if !ok {
		return s
	}
	out := obj{"type": "object", "properties": obj{}}
	var req []any
	for _, part := range append([]any{obj{"properties": s["properties"], "required": s["required"], "examples": s["examples"], "additionalProperties": s["additionalProperties"]}}, all...) {
		p := k.merged(k.resolve(part))
		for n, v := range asObj(p["properties"]) {
			out["properties"].(obj)[n] = v
		}
		req = append(req, asSlice(p["required"])...)
		for _, key := range []string{"additionalProperties", "examples"} {
			if v, ok := p[key]; ok && v != nil {
				out[key] = v
			}
		}
	}
	out["required"] = req
	return out
}

func asObj(v any) obj            { o, _ := v.(obj); return o }
func asSlice(v any) []any        { s, _ := v.([]any); return s }
func has(s []any, v string) bool { return slices.Contains(s, any(v)) }

// types lists a schema's JSON types, "null" last.
func (k *contract) types(s obj) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if x != "null" {
				out = append(out, x.(string))
			}
		}
		return out
	}
	for _, alt := range asSlice(s["oneOf"]) {
		if ts := k.types(k.resolve(alt)); len(ts) > 0 {
			return ts
		}
	}
	return nil
}

// fixture is the value for a field that must name an existing record.
func (k *contract) fixture(name string) (any, bool) {
	w := k.e.w
	switch name {
	case "host_organization_id", "organization_id", "owner_organization_id", "organization", "owner_organization":
		return w.gov.ID, true
	case "person_id", "owner_person_id", "owner_person":
		return w.govP.ID, true
	case "meeting_id", "meeting", "follow_up_of":
		return k.meeting, true
	case "follow_up_of_id":
		return nil, true
	case "owner_user_id":
		return must(k.e.st.CallerByEmail(ctx, "admin@example.test")).UserID, true
	}
	return nil, false
}

// value builds a valid value for a field from its schema: a fixture for
// references, else the schema's first example, else its first enum value,
// else the least value its type and bounds allow. Names and emails are made
// unique, since the directory refuses duplicates.
func (k *contract) value(name string, s obj) any {
	s = k.merged(s)
	if v, ok := k.fixture(name); ok {
		return v
	}
	if ex := asSlice(s["examples"]); len(ex) > 0 {
		return k.fill(deepCopy(ex[0]), s)
	}
	if enum := asSlice(s["enum"]); len(enum) > 0 {
		return enum[0]
	}
	ts := k.types(s)
	if len(ts) == 0 {
		return nil
	}
	switch ts[0] {
	case "object":
		out := obj{}
		props := asObj(s["properties"])
		for _, r := range asSlice(s["required"]) {
			out[r.(string)] = k.value(r.(string), asObj(props[r.(string)]))
		}
		return out
	case "array":
		return []any{}
	case "integer", "number":
		if m, ok := s["minimum"].(float64); ok {
			return m
		}
		return 1
	case "boolean":
		return false
	}
	k.seq++
	switch {
	case s["format"] == "email" || name == "email":
		return fmt.Sprintf("contract%d@example.test", k.seq)
	case s["format"] == "date-time":
		return "2024-11-22T15:00:00Z"
	case s["format"] == "date":
		return "2024-12-06"
	}
	str := fmt.Sprintf("Contract %s %d", name, k.seq)
	if n, ok := s["minLength"].(float64); ok && len(str) < int(n) {
		str += strings.Repeat("x", int(n)-len(str))
	}
	return str
}

// fill replaces, in an example, the references by fixtures and the names
// by unique ones.
func (k *contract) fill(v any, s obj) any {
	o, ok := v.(obj)
	if !ok {
		return v
	}
	props := asObj(s["properties"])
	for name, x := range o {
		ps := k.merged(asObj(props[name]))
		if f, ok := k.fixture(name); ok && x != nil {
			o[name] = f
			continue
		}
		switch name {
		case "name", "title", "full_name", "email":
			if str, ok := x.(string); ok {
				k.seq++
				if name == "email" {
					o[name] = fmt.Sprintf("contract%d+%s", k.seq, str)
				} else {
					o[name] = fmt.Sprintf("%s %d", str, k.seq)
				}
			}
		}
		if items := asSlice(x); items != nil {
			is := k.merged(asObj(ps["items"]))
			for i := range items {
				items[i] = k.fill(items[i], is)
			}
		}
	}
	return o
}

func deepCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// operation and parameters of one documented route.
func (k *contract) op(method, path string) (op obj, params []obj) {
	item := asObj(asObj(k.doc["paths"])[path])
	op = asObj(item[strings.ToLower(method)])
	for _, p := range append(asSlice(item["parameters"]), asSlice(op["parameters"])...) {
		params = append(params, k.resolve(p))
	}
	return op, params
}

// csvBody is the example of a text/csv request body, or nil.
func (k *contract) csvBody(op obj) any {
	rb := k.resolve(op["requestBody"])
	if ex := asSlice(asObj(asObj(asObj(rb["content"])["text/csv"])["schema"])["examples"]); len(ex) > 0 {
		return ex[0].(string)
	}
	return nil
}

// requiredQuery is a valid value of every required query parameter but
// except, as a query string.
func (k *contract) requiredQuery(params []obj, except string) string {
	v := url.Values{}
	for _, p := range params {
		if p["in"] == "query" && p["required"] == true && p["name"] != except {
			v.Set(p["name"].(string), fmt.Sprint(k.value(p["name"].(string), k.merged(asObj(p["schema"])))))
		}
	}
	return v.Encode()
}

func (k *contract) bodySchema(op obj) obj {
	rb := k.resolve(op["requestBody"])
	if rb == nil {
		return nil
	}
	return k.merged(asObj(asObj(asObj(rb["content"])["application/json"])["schema"]))
}

// as is the caller of an operation: no one for the public routes, an
// administrator for everything else.
func (k *contract) as(op obj) string {
	if sec, ok := op["security"].([]any); ok && len(sec) == 0 {
		return "public"
	}
	return "admin"
}

// send makes a request and checks the response against the document.
func (k *contract) send(method, path, as string, body any, header map[string]string) resp {
	k.t.Helper()
	return k.e.do(req{method: method, path: "/api/v1" + path, as: as, body: body, header: header})
}

// create makes a new record in a collection (its path as documented, and
// with its parameters filled) and returns its id.
func (k *contract) create(collection, path string) string {
	k.t.Helper()
	if collection == "/public/meetings" {
		collection, path = "/meetings", "/meetings" // the example meeting is TLP:CLEAR
	}
	if collection == "/calendar" { // a feed is a calendar token's secret
		out := k.send("POST", "/me/tokens", "admin", map[string]any{"name": "contract", "scope": "calendar"}, nil)
		return out.obj(k.t)["token"].(string) + ".ics"
	}
	if collection == "/unsubscribe" { // a digest's link names the user's token
		return must(k.e.st.UnsubscribeToken(ctx, must(k.e.st.CallerByEmail(ctx, "viewer@example.test")).UserID))
	}
	if strings.HasSuffix(collection, "/deliveries") { // a test event is a delivery
		out := k.send("POST", strings.TrimSuffix(path, "/deliveries")+"/test", "admin", nil, nil)
		if out.Status != 202 {
			k.t.Fatalf("POST %s/test: %d %s", path, out.Status, out.Body)
		}
		return out.obj(k.t)["id"].(string)
	}
	if collection == "/me/notifications" { // the admin made an item whose owner then changes its status
		item := k.send("POST", "/action-items", "admin", map[string]any{"meeting_id": k.meeting, "title": "Notify the creator",
			"owner_organization_id": k.e.w.telco.ID}, nil).obj(k.t)
		k.send("PATCH", "/action-items/"+item["id"].(string), "insider", map[string]any{"status": "in_progress"}, nil)
		k.e.drainJobs(k.t)
		var page struct{ Items []struct{ ID string } }
		k.send("GET", "/me/notifications?unread=true&limit=1", "admin", nil, nil).json(k.t, &page)
		if len(page.Items) == 0 {
			k.t.Fatal("no notification for the admin")
		}
		return page.Items[0].ID
	}
	op, _ := k.op("POST", collection)
	if op == nil {
		k.t.Fatalf("no POST %s to make a record for a path parameter", collection)
	}
	out := k.send("POST", path, "admin", k.value("", k.bodySchema(op)), nil)
	if out.Status != 201 {
		k.t.Fatalf("POST %s with the document's example: %d %s", path, out.Status, out.Body)
	}
	return out.obj(k.t)["id"].(string)
}

// concrete fills a path's parameters with new records, one per parameter.
func (k *contract) concrete(path string) string {
	tmpl := strings.Split(path, "/")
	parts := slices.Clone(tmpl)
	for i, p := range tmpl {
		if strings.HasPrefix(p, "{") {
			_, suffix, _ := strings.Cut(p, "}") // as in /meetings/{id}.ics
			parts[i] = k.create(strings.Join(tmpl[:i], "/"), strings.Join(parts[:i], "/")) + suffix
		}
	}
	return strings.Join(parts, "/")
}

// lastAudit is the newest audit event's id: bad input must not add one.
func (k *contract) lastAudit() string {
	out := k.send("GET", "/audit-events?limit=1", "admin", nil, nil)
	items := asSlice(out.obj(k.t)["items"])
	if len(items) == 0 {
		return ""
	}
	return items[0].(obj)["id"].(string)
}

func (k *contract) operation(method, path string) {
	t := k.t
	op, params := k.op(method, path)
	as := k.as(op)
	name := method + " " + path
	concrete := k.concrete(path)
	etag := func() string {
		if g, _ := k.op("GET", path); g != nil && method != "GET" {
			return k.send("GET", concrete, as, nil, nil).Header.Get("ETag")
		}
		return ""
	}
	var ifMatch bool
	for _, p := range params {
		ifMatch = ifMatch || p["name"] == "If-Match"
	}
	before := k.lastAudit()

	// Bad input first, while the record is as created.
	if ifMatch {
		cur := etag()
		for _, v := range []string{`"999"`, "W/" + cur} {
			if v == "W/" {
				continue // no ETag to weaken
			}
			body := any(nil)
			if bs := k.bodySchema(op); bs != nil {
				body = k.value("", bs)
			}
			if out := k.send(method, concrete, as, body, map[string]string{"If-Match": v}); out.Status != 412 {
				t.Errorf("%s with If-Match %s: %d, want 412; %s", name, v, out.Status, out.Body)
			}
		}
	}
	if bs := k.bodySchema(op); bs != nil {
		valid := k.value("", bs)
		for _, raw := range []string{"null", "[]", "42", `"x"`} {
			k.refused(name, method, concrete, as, raw, "a body of "+raw)
		}
		withUnknown := deepCopy(valid).(obj)
		withUnknown["zz_not_a_field"] = 1
		k.refused(name, method, concrete, as, withUnknown, "an unknown field")
		for _, v := range k.badBodies(valid, bs, nil) {
			k.refused(name, method, concrete, as, v.body, v.what)
		}
	}
	for _, p := range params {
		if p["in"] != "query" {
			continue
		}
		pn := p["name"].(string)
		k.refusedQuery(name, concrete, as, pn+"=", "an empty "+pn)
		if bad, ok := k.badQueryValue(k.merged(asObj(p["schema"]))); ok {
			k.refusedQuery(name, concrete, as, pn+"="+url.QueryEscape(bad), "a malformed "+pn)
		}
	}
	if path != "/auth/login" { // failed sign-ins are audited on purpose
		if after := k.lastAudit(); after != before {
			t.Errorf("%s: bad input wrote an audit event (%s)", name, after)
		}
	}

	// Then the valid requests.
	switch method {
	case "GET":
		k.ok(name, k.send("GET", concrete+strings.Replace(groupBy(path), "&", "?", 1), as, nil, nil), 200)
		for _, p := range params {
			if p["in"] != "query" || p["name"] == "cursor" {
				continue
			}
			pn := p["name"].(string)
			v := k.value(pn, k.merged(asObj(p["schema"])))
			q := pn + "=" + url.QueryEscape(fmt.Sprint(v))
			if pn == "group_by" || !strings.HasPrefix(path, "/stats/meetings") && !strings.HasPrefix(path, "/stats/action-items") {
				k.ok(name+"?"+q, k.send("GET", concrete+"?"+q, as, nil, nil), 200)
			} else {
				k.ok(name+"?"+q, k.send("GET", concrete+"?group_by=month&"+q, as, nil, nil), 200)
			}
		}
		if hasParam(params, "cursor") {
			first := k.send("GET", concrete+"?limit=1"+groupBy(path), as, nil, nil)
			if c, _ := first.obj(t)["next_cursor"].(string); c != "" {
				k.ok(name+" (next page)", k.send("GET", concrete+"?limit=1&cursor="+url.QueryEscape(c)+groupBy(path), as, nil, nil), 200)
			}
		}
	case "POST":
		want := 201
		switch path {
		case "/auth/login", "/unsubscribe/{token}":
			want = 200
		case "/auth/logout", "/me/notifications/{id}/read":
			want = 204
		case "/me/notifications/read-all", "/webhooks/{id}/rotate-secret":
			want = 200
		case "/webhooks/{id}/test", "/webhooks/{id}/deliveries/{delivery_id}/redeliver":
			want = 202
		}
		var body any
		var hdr map[string]string
		if bs := k.bodySchema(op); bs != nil {
			body = k.value("", bs)
			if path == "/auth/login" {
				body = obj{"email": "admin@example.test", "password": "correct horse battery staple"}
			}
		} else if csv := k.csvBody(op); csv != nil {
			body, hdr = csv, map[string]string{"Content-Type": "text/csv"}
		}
		if q := k.requiredQuery(params, ""); q != "" {
			concrete += "?" + q
		}
		k.ok(name, k.send("POST", concrete, as, body, hdr), want)
	case "PATCH":
		cur := etag()
		out := k.send("PATCH", concrete, as, k.value("", k.bodySchema(op)), map[string]string{"If-Match": cur})
		k.ok(name, out, 200)
		if out.Header.Get("ETag") == cur {
			t.Errorf("%s: the document's example changed nothing (ETag still %s); give the patch schema an example that changes a field", name, cur)
		}
		if again := k.send("PATCH", concrete, as, obj{}, map[string]string{"If-Match": cur}); again.Status != 412 {
			t.Errorf("%s with the replaced ETag %s: %d, want 412", name, cur, again.Status)
		}
	case "DELETE":
		h := map[string]string{}
		if ifMatch {
			if cur := etag(); cur != "" {
				h["If-Match"] = cur
			}
		}
		k.ok(name, k.send("DELETE", concrete, as, nil, h), 204)
	}
}

func hasParam(params []obj, name string) bool {
	return slices.ContainsFunc(params, func(p obj) bool { return p["name"] == name })
}

func groupBy(path string) string {
	if path == "/stats/meetings" || path == "/stats/action-items" {
		return "&group_by=month"
	}
	return ""
}

// ok records an operation as exercised when it answered as it should.
func (k *contract) ok(name string, out resp, want int) {
	k.t.Helper()
	if out.Status != want {
		k.t.Errorf("%s with a valid request: %d, want %d; %s", name, out.Status, want, out.Body)
		return
	}
	op, _, _ := strings.Cut(name, "?")
	op, _, _ = strings.Cut(op, " (")
	k.exercised[op] = true
}

// refused sends a body the document forbids: the server must answer 400 or
// 422, and the document must refuse it too.
func (k *contract) refused(name, method, path, as string, body any, what string) {
	k.t.Helper()
	out := k.send(method, path, as, body, nil)
	if out.Status != 400 && out.Status != 422 {
		k.t.Errorf("%s with %s: %d, want 400 or 422; %s", name, what, out.Status, out.Body)
	}
	var b []byte
	if s, ok := body.(string); ok {
		b = []byte(s)
	} else {
		b, _ = json.Marshal(body)
	}
	hr, _ := http.NewRequest(method, "http://localhost/api/v1"+path, bytes.NewReader(b))
	hr.Header.Set("Content-Type", "application/json")
	if k.specAccepts(hr) {
		k.t.Errorf("%s with %s: the server refuses it (%d) but the document allows it: %.300s", name, what, out.Status, b)
	}
}

func (k *contract) refusedQuery(name, path, as, q, what string) {
	k.t.Helper()
	if strings.HasPrefix(name, "GET /stats/") && !strings.HasPrefix(q, "group_by=") && name != "GET /stats/overview" {
		q = "group_by=month&" + q
	}
	// A POST that takes a query (an import) is sent with its other
	// parameters and its body, valid.
	method, body, hdr := "GET", any(nil), map[string]string(nil)
	if m, _, _ := strings.Cut(name, " "); m == "POST" {
		op, params := k.op("POST", strings.TrimPrefix(name, "POST "))
		pn, _, _ := strings.Cut(q, "=")
		if rest := k.requiredQuery(params, pn); rest != "" {
			q += "&" + rest
		}
		method, body, hdr = "POST", k.csvBody(op), map[string]string{"Content-Type": "text/csv"}
	}
	out := k.send(method, path+"?"+q, as, body, hdr)
	if out.Status != 400 {
		k.t.Errorf("%s?%s (%s): %d, want 400; %s", name, q, what, out.Status, out.Body)
	}
	var rb io.Reader
	if body != nil {
		rb = strings.NewReader(body.(string))
	}
	hr, _ := http.NewRequest(method, "http://localhost/api/v1"+path+"?"+q, rb)
	for h, v := range hdr {
		hr.Header.Set(h, v)
	}
	if k.specAccepts(hr) {
		k.t.Errorf("%s?%s (%s): the server refuses it but the document allows it", name, q, what)
	}
}

func (k *contract) specAccepts(hr *http.Request) bool {
	hr.Header.Set("Authorization", "Bearer "+k.e.tokens["admin"])
	k.e.mu.Lock()
	defer k.e.mu.Unlock()
	ok, _ := spec(k.t).ValidateHttpRequest(hr)
	return ok
}

// badQueryValue is a value the parameter's schema forbids, where it
// forbids any.
func (k *contract) badQueryValue(s obj) (string, bool) {
	switch {
	case s["enum"] != nil:
		return "not-a-value", true
	case s["pattern"] != nil:
		return "not,a;value!", true
	case s["format"] == "date" || s["format"] == "date-time" || s["anyOf"] != nil:
		return "2024-02-30", true
	case slices.Contains(k.types(s), "integer"):
		return "x", true
	}
	return "", false
}

type badBody struct {
	what string
	body any
}

// badBodies derives, from a valid body and its schema, one body per class
// of bad input the schema implies, for every field at every depth: a
// required field left out, "" where a string must not be empty, a value of
// the wrong type, a value outside the enum, an impossible date.
func (k *contract) badBodies(valid any, s obj, at []any) []badBody {
	var out []badBody
	v, ok := valid.(obj)
	if !ok {
		return nil
	}
	props := asObj(s["properties"])
	with := func(name string, x any, remove bool) any {
		root := deepCopy(valid).(obj)
		if remove {
			delete(root, name)
		} else {
			root[name] = x
		}
		return root
	}
	for name, raw := range props {
		ps := k.merged(asObj(raw))
		field := strings.Trim(fmt.Sprint(append(at, name)), "[]")
		if has(asSlice(s["required"]), name) {
			out = append(out, badBody{"no " + field, with(name, nil, true)})
		}
		ts := k.types(ps)
		if len(ts) == 0 {
			continue
		}
		if n, _ := ps["minLength"].(float64); ts[0] == "string" && n >= 1 {
			out = append(out, badBody{`"" for ` + field, with(name, "", false)})
		}
		if ts[0] == "string" && has(asSlice(s["required"]), name) && ps["minLength"] == nil && ps["enum"] == nil && ps["format"] == nil {
			k.t.Errorf("the required string %s has no minLength, though the server refuses \"\"", field)
		}
		wrong := any(42)
		if ts[0] != "string" {
			wrong = "x"
		}
		out = append(out, badBody{"a " + fmt.Sprintf("%T", wrong) + " for " + field, with(name, wrong, false)})
		if ps["enum"] != nil {
			out = append(out, badBody{"an unknown value for " + field, with(name, "not-a-value", false)})
		}
		if ps["format"] == "date" || ps["format"] == "date-time" {
			out = append(out, badBody{"an impossible date for " + field, with(name, "2024-02-30", false)})
		}
		// One level into arrays of objects: the first element's fields.
		if items := asSlice(v[name]); len(items) > 0 && ts[0] == "array" {
			is := k.merged(asObj(ps["items"]))
			for _, inner := range k.badBodies(items[0], is, append(at, name)) {
				root := deepCopy(valid).(obj)
				root[name].([]any)[0] = inner.body
				out = append(out, badBody{inner.what, root})
			}
		}
	}
	slices.SortFunc(out, func(a, b badBody) int { return strings.Compare(a.what, b.what) })
	return out
}
