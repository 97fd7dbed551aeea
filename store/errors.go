package store

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors the API maps to HTTP statuses in one place.
var (
	// ErrNotFound: the record does not exist or the caller may not see it.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the change would break a uniqueness or reference rule.
	ErrConflict = errors.New("conflict")
	// ErrPrecondition: the caller's version (If-Match) is stale.
	ErrPrecondition = errors.New("precondition failed")
	// ErrForbidden: the caller may see the record but not change it.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthorized: the credentials are wrong, expired or disabled.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrRateLimited: too many failed attempts; try again later.
	ErrRateLimited = errors.New("rate limited")
)

// Error is a store error with a message that is safe to show the caller:
// it never carries SQL, and never a name the caller may not see.
type Error struct {
	Kind error
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

func newErr(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// FieldError is one invalid field of a request, named as on the wire.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every invalid field of a write, or (InQuery) every
// invalid parameter of a read.
type ValidationError struct {
	Errors  []FieldError
	InQuery bool
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, f := range e.Errors {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// validator collects field errors.
type validator struct{ errs []FieldError }

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) check(ok bool, field, format string, args ...any) {
	if !ok {
		v.add(field, format, args...)
	}
}

func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Errors: v.errs}
}
