package store

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Page asks for one page of a list.
type Page struct {
	Limit  int    // 1..200
	Cursor string // opaque, from the previous page's NextCursor
	Sort   string // one of the resource's allowed sorts; "" for its default
}

// sortKey is one allowed ordering: a column expression of the list's main
// table and whether its values are times.
type sortKey struct {
	expr   string
	desc   bool
	isTime bool
}

// dir is the key's direction in SQL.
func (k sortKey) dir() string {
	if k.desc {
		return "DESC"
	}
	return "ASC"
}

// sortSet maps the wire names of a resource's sorts ("-starts_at") to keys.
type sortSet struct {
	def  string
	keys map[string]sortKey
}

func newSortSet(def string, cols map[string]sortKey) sortSet {
	keys := map[string]sortKey{}
	for name, k := range cols {
		keys[name] = k
		d := k
		d.desc = true
		keys["-"+name] = d
	}
	return sortSet{def: def, keys: keys}
}

// Names lists the accepted sort values.
func (s sortSet) Names() []string {
	out := make([]string, 0, len(s.keys))
	for k := range s.keys {
		out = append(out, k)
	}
	return out
}

type cursor struct {
	Sort string `json:"s"`
	Val  string `json:"v"`
	ID   string `json:"i"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ErrBadCursor is returned for a cursor that this list did not issue.
var ErrBadCursor = &ValidationError{InQuery: true, Errors: []FieldError{{Field: "cursor", Message: "is not a cursor of this list with this sort"}}}

// ErrBadSort is returned for a sort this list does not offer.
func errBadSort(set sortSet) error {
	return &ValidationError{InQuery: true, Errors: []FieldError{{Field: "sort", Message: fmt.Sprintf("must be one of %v", set.Names())}}}
}

// applyPage orders q by the page's sort and id, resumes after the cursor,
// and asks for one row more than the limit so that the caller can tell
// whether another page follows. table qualifies the id column.
func applyPage(q *gorm.DB, set sortSet, p Page, table string) (*gorm.DB, sortKey, string, error) {
	q, key, name, err := resumePage(q, set, p, table)
	if err != nil {
		return nil, key, "", err
	}
	q = q.Order(fmt.Sprintf("%s %s, %s.id %s", key.expr, key.dir(), table, key.dir())).Limit(p.Limit + 1)
	return q, key, name, nil
}

// resumePage is applyPage without the order and the limit: it resolves the
// page's sort and restricts q to the rows after the cursor, for a query
// that is one arm of a UNION ordered as a whole.
func resumePage(q *gorm.DB, set sortSet, p Page, table string) (*gorm.DB, sortKey, string, error) {
	name := p.Sort
	if name == "" {
		name = set.def
	}
	key, ok := set.keys[name]
	if !ok {
		return nil, key, "", errBadSort(set)
	}
	if p.Cursor == "" {
		return q, key, name, nil
	}
	v, cid, err := decodeCursor(p.Cursor, name, key.isTime)
	if err != nil {
		return nil, key, "", err
	}
	cmp, id := ">", table+".id"
	if key.desc {
		cmp = "<"
	}
	// A row value: the databases seek the sort's index to the cursor,
	// where "a < ? OR (a = ? AND id < ?)" walks it from its start.
	return q.Where(fmt.Sprintf("(%s, %s) %s (?, ?)", key.expr, id, cmp), v, cid), key, name, nil
}

// decodeCursor reads a cursor that encodeCursor made for the sort name: the
// sort value (a time where isTime) and the id of the last row. Anything
// else is ErrBadCursor.
func decodeCursor(s, name string, isTime bool) (val any, id string, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err != nil || json.Unmarshal(raw, &c) != nil || c.Sort != name || c.ID == "" {
		return nil, "", ErrBadCursor
	}
	if !isTime {
		return c.Val, c.ID, nil
	}
	t, err := time.Parse(time.RFC3339Nano, c.Val)
	if err != nil {
		return nil, "", ErrBadCursor
	}
	return t.UTC(), c.ID, nil
}

// nextCursor trims rows to the limit and returns the cursor of the next page.
func nextCursor[T any](rows []T, p Page, sortName string, val func(T) (any, string)) ([]T, *string) {
	if len(rows) <= p.Limit {
		return rows, nil
	}
	rows = rows[:p.Limit]
	v, id := val(rows[len(rows)-1])
	var s string
	switch x := v.(type) {
	case time.Time:
		s = x.UTC().Format(time.RFC3339Nano)
	case *time.Time:
		if x != nil {
			s = x.UTC().Format(time.RFC3339Nano)
		}
	case *string:
		s = *x
	default:
		s = fmt.Sprint(x)
	}
	c := encodeCursor(cursor{Sort: sortName, Val: s, ID: id})
	return rows, &c
}
