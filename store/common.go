package store

import "gorm.io/gorm"

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
func setIf[T any](dst *T, src *T, norm func(T) T) {
	if src == nil {
		return
	}
	v := *src
	if norm != nil {
		v = norm(v)
	}
	*dst = v
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
