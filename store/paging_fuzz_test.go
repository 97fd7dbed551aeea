package store

import (
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzCursor checks the cursor codec: any string is either read or refused
// with ErrBadCursor, and every cursor the lists issue reads back as it was
// written.
func FuzzCursor(f *testing.F) {
	f.Add("title", "Quarterly briefing", "01a23102-0a41-70a1-919f-e1eb2d14c9e5", false, "")
	f.Add("-starts_at", "2024-11-22T15:00:00.123456Z", "01a23102", true, "eyJzIjoidGl0bGUiLCJ2IjoiIiwiaSI6IngifQ")
	f.Add("due_on", "", "x", false, "not a cursor")
	f.Add("-at", "2024-11-22T15:00:00+01:00", "y", true, "eyJzIjoiLWF0IiwidiI6Im5vdCBhIHRpbWUiLCJpIjoieSJ9")
	f.Add("name", "\u00e9\u0000\"", "z", false, "e30")
	f.Fuzz(func(t *testing.T, sort, val, id string, isTime bool, raw string) {
		if v, gotID, err := decodeCursor(raw, sort, isTime); err != nil {
			if err != ErrBadCursor {
				t.Fatalf("decode %q: %v", raw, err)
			}
		} else if gotID == "" || v == nil {
			t.Fatalf("decode %q: empty id or value", raw)
		}
		if id == "" || !utf8.ValidString(sort) || !utf8.ValidString(val) || !utf8.ValidString(id) {
			return // lists never issue these
		}
		if isTime {
			tm, err := time.Parse(time.RFC3339Nano, val)
			if err != nil {
				return
			}
			val = tm.UTC().Format(time.RFC3339Nano)
		}
		v, gotID, err := decodeCursor(encodeCursor(cursor{Sort: sort, Val: val, ID: id}), sort, isTime)
		if err != nil || gotID != id {
			t.Fatalf("round trip of %q %q %q: %v %q", sort, val, id, err, gotID)
		}
		if tm, ok := v.(time.Time); ok {
			if tm.Format(time.RFC3339Nano) != val {
				t.Fatalf("time %q came back as %v", val, tm)
			}
		} else if v != val {
			t.Fatalf("value %q came back as %v", val, v)
		}
		if _, _, err := decodeCursor(encodeCursor(cursor{Sort: sort, Val: val, ID: id}), sort+"x", isTime); err != ErrBadCursor {
			t.Fatalf("a cursor of sort %q was read for another sort", sort)
		}
	})
}
