package store

import (
	"strconv"
	"strings"

	"gorm.io/gorm"

	"liaison/models"
)

func requireCoordinator(c Caller) error {
	if !c.Privileged() || c.ReadOnly {
		return newErr(ErrForbidden, "only administrators and coordinators may change this")
	}
	return nil
}

func checkVersion(want *int, have int, what string) error {
	if want != nil && *want != have {
		return newErr(ErrPrecondition, "the %s has changed since version %d; it is now at version %d", what, *want, have)
	}
	return nil
}

// setIf copies *src into *dst when src is set, through norm if given.
func setIf[T any](dst *T, o models.Opt[T], norm func(T) T) {
	if !o.Set || o.Null {
		return
	}
	v := o.V
	if norm != nil {
		v = norm(v)
	}
	*dst = v
}

// setNullable applies a field of a patch that null clears.
func setNullable[T any](dst **T, n models.Nullable[T]) {
	if n.Set {
		*dst = n.V
	}
}

// refuseNulls refuses a patch that sets a field to null that cannot be
// cleared (an Opt field), naming each such field.
func refuseNulls(patch any) error {
	var v validator
	for _, name := range models.NullFields(patch) {
		v.add(name, "must not be null")
	}
	return v.err()
}

// saveVersioned writes every column of model, bumping its version, only if
// the row is still at oldVersion: a concurrent change makes it a 412.
func saveVersioned(tx *gorm.DB, model any, version *int, oldVersion int, id string) error {
	*version = oldVersion + 1
	res := tx.Model(model).Where("id = ? AND version = ?", id, oldVersion).Select("*").Omit("created_at").Updates(model)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return newErr(ErrPrecondition, "the record changed while it was being updated; reload and try again")
	}
	return nil
}

// reference is a column of another table that may point at a record.
type reference struct{ table, column, noun, nouns string }

// stillReferenced is a conflict naming what still points at id, or nil when
// nothing does, so that a delete the foreign keys would refuse is a 409
// that says what to remove first. Soft-deleted rows count: their keys hold.
func stillReferenced(tx *gorm.DB, what, id string, refs ...reference) error {
	var parts []string
	for _, r := range refs {
		var n int64
		if err := tx.Table(r.table).Where(r.column+" = ?", id).Count(&n).Error; err != nil {
			return err
		}
		switch {
		case n == 1:
			parts = append(parts, "1 "+r.noun)
		case n > 1:
			parts = append(parts, strconv.FormatInt(n, 10)+" "+r.nouns)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return newErr(ErrConflict, "the %s is still referred to by %s; change or remove those first", what, strings.Join(parts, ", "))
}

// unchanged reports whether a PATCH left every audited field as it was.
// Such a write keeps its version, so other clients' ETags stay good, and
// leaves no audit event.
func unchanged(before, after any) bool { return len(diff(before, after)) == 0 }
