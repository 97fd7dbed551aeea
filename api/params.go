package api

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"liaison/models"
	"liaison/store"
)

// query reads a list's query parameters from an allowlist: an unknown
// parameter, a repeated or empty one or a bad value is a 400, never ignored.
type query struct {
	c    *gin.Context
	errs []store.FieldError
	used map[string]bool
}

func newQuery(c *gin.Context, allowed ...string) *query {
	q := &query{c: c, used: map[string]bool{}}
	allowed = append(allowed, "limit", "cursor", "sort")
	values, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		q.fail("query", "is not a well-formed query string (use & between parameters and percent-encode the rest)")
	}
	for name, vals := range values {
		if !slices.Contains(allowed, name) {
			q.fail(name, "is not a parameter of this list; allowed: "+strings.Join(allowed, ", "))
		} else if len(vals) > 1 {
			q.fail(name, "is given more than once")
		} else if vals[0] == "" {
			q.fail(name, "is empty; give a value or leave the parameter out")
		}
	}
	return q
}

func (q *query) fail(name, msg string) {
	q.errs = append(q.errs, store.FieldError{Field: name, Message: msg})
}

func (q *query) str(name string) string { return q.c.Query(name) }

// enum reads a comma-separated list of allowed values.
func (q *query) enum(name string, allowed []string) []string {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	parts := strings.Split(v, ",")
	for _, p := range parts {
		if !slices.Contains(allowed, p) {
			q.fail(name, fmt.Sprintf("%q is not one of %s", p, strings.Join(allowed, ", ")))
		}
	}
	return parts
}

// match reads a value that must match re.
func (q *query) match(name string, re *regexp.Regexp, msg string) string {
	v := q.c.Query(name)
	if v != "" && !re.MatchString(v) {
		q.fail(name, msg)
	}
	return v
}

var countryParam = regexp.MustCompile(`^[A-Za-z]{2}$`)

func (q *query) oneOf(name string, allowed []string) string {
	v := q.c.Query(name)
	if v != "" && !slices.Contains(allowed, v) {
		q.fail(name, fmt.Sprintf("must be one of %s", strings.Join(allowed, ", ")))
	}
	return v
}

func (q *query) boolean(name string) bool {
	switch q.c.Query(name) {
	case "", "false":
		return false
	case "true":
		return true
	}
	q.fail(name, "must be true or false")
	return false
}

// instant reads RFC 3339 or YYYY-MM-DD (midnight UTC).
func (q *query) instant(name string) *time.Time {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return &t
	}
	if d, err := models.ParseDate(v); err == nil {
		return &d.Time
	}
	q.fail(name, "must be an RFC 3339 timestamp or a date YYYY-MM-DD")
	return nil
}

func (q *query) date(name string) *models.Date {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	d, err := models.ParseDate(v)
	if err != nil {
		q.fail(name, "must be a date YYYY-MM-DD")
		return nil
	}
	return &d
}

// page reads limit (default 50, 1..200, never clamped), cursor and sort.
func (q *query) page(sorts []string) store.Page {
	p := store.Page{Limit: 50, Cursor: q.c.Query("cursor"), Sort: q.c.Query("sort")}
	if v := q.c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			q.fail("limit", "must be a whole number from 1 to 200")
		} else {
			p.Limit = n
		}
	}
	if p.Sort != "" && sorts != nil && !slices.Contains(sorts, p.Sort) {
		slices.Sort(sorts)
		q.fail("sort", "must be one of "+strings.Join(sorts, ", "))
	}
	return p
}

func (q *query) err() error {
	if len(q.errs) == 0 {
		return nil
	}
	slices.SortFunc(q.errs, func(a, b store.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return badRequest("the query has invalid parameters", q.errs...)
}

// ifMatch reads If-Match: absent or * means "whatever the current version";
// otherwise it is a list of entity tags compared strongly (RFC 9110
// 13.1.1), so a weak tag never matches and the write is a 412. A header
// that is not a list of entity tags is a 400.
func ifMatch(c *gin.Context) (*int, error) {
	v := strings.TrimSpace(c.GetHeader("If-Match"))
	if v == "" || v == "*" {
		return nil, nil
	}
	tags, ok := parseETags(v)
	if !ok {
		return nil, badRequest(`If-Match must be * or entity tags in quotes, such as "3"`, store.FieldError{Field: "If-Match", Message: `must be * or entity tags in quotes, such as "3"`})
	}
	var strong []int
	for _, t := range tags {
		if n, err := strconv.Atoi(t); err == nil && n >= 1 {
			strong = append(strong, n)
		}
	}
	switch len(strong) {
	case 0:
		return nil, problem(412, "stale-version", "If-Match names no current version of this resource (weak tags never match)")
	case 1:
		return &strong[0], nil
	}
	return nil, badRequest("If-Match must name one version of this resource", store.FieldError{Field: "If-Match", Message: "must name one version"})
}

// parseETags splits a list of entity tags ("3", W/"3") into their opaque
// values, with weak ones keeping their W/ prefix; ok is false for anything
// that is not such a list.
func parseETags(v string) (tags []string, ok bool) {
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		weak := strings.HasPrefix(part, "W/")
		part = strings.TrimPrefix(part, "W/")
		if len(part) < 2 || part[0] != '"' || part[len(part)-1] != '"' || strings.Contains(part[1:len(part)-1], `"`) {
			return nil, false
		}
		t := part[1 : len(part)-1]
		if weak {
			t = "W/" + t
		}
		tags = append(tags, t)
	}
	return tags, len(tags) > 0
}

func setETag(c *gin.Context, version int) {
	c.Header("ETag", `"`+strconv.Itoa(version)+`"`)
}

// bindPatch decodes a PATCH body and reads its If-Match version.
func bindPatch(c *gin.Context, req any, ifVersion **int) error {
	if err := bindJSON(c, req); err != nil {
		return err
	}
	v, err := ifMatch(c)
	*ifVersion = v
	return err
}
