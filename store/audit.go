package store

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode"

	"gorm.io/gorm"

	"liaison/models"
)

// Change is one field's value before and after a write.
type Change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// secretFields never enter the audit trail, and bookkeeping fields are noise.
var skipAuditFields = map[string]bool{
	"password_hash": true, "secret_hash": true, "version": true,
	"created_at": true, "updated_at": true, "deleted_at": true, "name_key": true,
}

// diff compares two values of the same struct type (either may be nil) and
// returns the changed fields by their column names.
func diff(before, after any) map[string]Change {
	out := map[string]Change{}
	bv, av := structValue(before), structValue(after)
	var t reflect.Type
	switch {
	case av.IsValid():
		t = av.Type()
	case bv.IsValid():
		t = bv.Type()
	default:
		return out
	}
	for i, name := range columnNames(t) {
		if skipAuditFields[name] {
			continue
		}
		var b, a any
		if bv.IsValid() {
			b = plain(bv.Field(i))
		}
		if av.IsValid() {
			a = plain(av.Field(i))
		}
		if !reflect.DeepEqual(b, a) {
			out[name] = Change{Before: b, After: a}
		}
	}
	return out
}

func structValue(v any) reflect.Value {
	if v == nil {
		return reflect.Value{}
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return reflect.Value{}
		}
		rv = rv.Elem()
	}
	return rv
}

// plain turns a field into a JSON-friendly value: pointers are followed,
// times are RFC 3339, dates YYYY-MM-DD.
func plain(v reflect.Value) any {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch x := v.Interface().(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case models.Date:
		return x.String()
	case models.TLP:
		return string(x)
	case models.Role:
		return string(x)
	case models.Disclosure:
		return string(x)
	}
	return v.Interface()
}

// fieldColumns caches columnNames by struct type.
var fieldColumns sync.Map // reflect.Type → []string

// columnNames is the column name of each field of the struct type t.
func columnNames(t reflect.Type) []string {
	if names, ok := fieldColumns.Load(t); ok {
		return names.([]string)
	}
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = snake(t.Field(i).Name)
	}
	fieldColumns.Store(t, names)
	return names
}

// snake turns a Go field name into its column name: OrganizationID →
// organization_id, TLP → tlp.
func snake(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		if unicode.IsUpper(c) {
			if i > 0 && (unicode.IsLower(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(c))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// audit appends one event inside the caller's transaction, so that the
// record of a change commits or rolls back with the change itself.
func (s *Store) audit(tx *gorm.DB, c Caller, action, entityType, entityID string, changes map[string]Change) error {
	if changes == nil {
		changes = map[string]Change{}
	}
	b, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	return s.auditJSON(tx, c, action, entityType, entityID, b)
}

// auditJSON is audit with the changes already encoded (outside the
// transaction, where that is possible).
func (s *Store) auditJSON(tx *gorm.DB, c Caller, action, entityType, entityID string, changes []byte) error {
	id, at := newID(), s.now()
	if _, err := s.execTx(tx, `INSERT INTO audit_events (id, at, actor_id, action, entity_type, entity_id, changes, request_id, client_addr)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, at, c.actor(), action, entityType, entityID, string(changes), c.RequestID, c.ClientAddr); err != nil {
		return err
	}
	return s.changed(tx, ChangeEvent{AuditID: id, Action: action, EntityType: entityType, EntityID: entityID}, c.UserID, changes, at)
}

// AuditFilter narrows the audit trail.
type AuditFilter struct {
	EntityType string
	EntityID   string
	ActorID    string
	Action     string
	From, To   *time.Time
}

var auditSorts = newSortSet("-at", map[string]sortKey{"at": {expr: "audit_events.at", isTime: true}})

// ListAuditEvents pages through the audit trail (admins and coordinators).
func (s *Store) ListAuditEvents(ctx context.Context, c Caller, f AuditFilter, p Page) ([]models.AuditEvent, *string, error) {
	if !c.Privileged() {
		return nil, nil, newErr(ErrForbidden, "only administrators and coordinators may read the audit trail")
	}
	q := s.read(ctx).Model(&models.AuditEvent{})
	if f.EntityType != "" {
		q = q.Where("entity_type = ?", f.EntityType)
	}
	if f.EntityID != "" {
		q = q.Where("entity_id = ?", f.EntityID)
	}
	if f.ActorID != "" {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.From != nil {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("at < ?", f.To.UTC())
	}
	q, _, name, err := applyPage(q, auditSorts, p, "audit_events")
	if err != nil {
		return nil, nil, err
	}
	var rows []models.AuditEvent
	if err := q.Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(e models.AuditEvent) (any, string) { return e.At, e.ID })
	return rows, next, nil
}

// AuditActorEmails maps the actors of events to their users' e-mail
// addresses, so that the trail names people rather than ids.
func (s *Store) AuditActorEmails(ctx context.Context, c Caller, events []models.AuditEvent) (map[string]string, error) {
	if !c.Privileged() {
		return nil, newErr(ErrForbidden, "only administrators and coordinators may read the audit trail")
	}
	var ids []string
	for _, e := range events {
		if e.ActorID != nil {
			ids = append(ids, *e.ActorID)
		}
	}
	emails := map[string]string{}
	if len(ids) == 0 {
		return emails, nil
	}
	var users []models.User
	if err := s.read(ctx).Select("id", "email").Where("id IN ?", ids).Find(&users).Error; err != nil {
		return nil, err
	}
	for _, u := range users {
		emails[u.ID] = u.Email
	}
	return emails, nil
}
