package models

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Opt is a field of a patch that cannot be cleared: absent (Set is
// false) leaves it as it is, a value replaces it. A JSON null is kept as
// Null so that NullFields can refuse it by the field's name.
type Opt[T any] struct {
	Set  bool
	Null bool
	V    T
}

// Some is an Opt holding v.
func Some[T any](v T) Opt[T] { return Opt[T]{Set: true, V: v} }

// UnmarshalJSON is only called when the field is present.
func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.V)
}

func (o Opt[T]) isNull() bool { return o.Null }

// Nullable is a field of a patch that may be cleared: absent (Set is
// false) leaves it as it is, null (V nil) clears it, a value replaces it.
type Nullable[T any] struct {
	Set bool
	V   *T
}

// SomeOrNull is a Nullable holding v, or clearing the field when v is nil.
func SomeOrNull[T any](v *T) Nullable[T] { return Nullable[T]{Set: true, V: v} }

// UnmarshalJSON is only called when the field is present.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if string(b) == "null" {
		n.V = nil
		return nil
	}
	n.V = new(T)
	return json.Unmarshal(b, n.V)
}

// NullFields names, by their JSON names, the Opt fields of the patch
// struct p that hold a null.
func NullFields(p any) []string {
	v := reflect.Indirect(reflect.ValueOf(p))
	var out []string
	for i := range v.NumField() {
		if !v.Field(i).CanInterface() {
			continue
		}
		o, ok := v.Field(i).Interface().(interface{ isNull() bool })
		if ok && o.isNull() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
	}
	return out
}

// Timestamp is an RFC 3339 instant in a request body. Unlike time.Time it
// reports a bad value as a type error, so the problem names the field.
type Timestamp struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "non-string", Type: reflect.TypeFor[Timestamp]()}
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: reflect.TypeFor[Timestamp]()}
	}
	t.Time = v
	return nil
}
