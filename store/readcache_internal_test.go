package store

import (
	"fmt"
	"testing"
	"time"
)

func TestGenCache(t *testing.T) {
	c := newGenCache[int](time.Minute)
	c.put("a", 7, 1, time.Now())
	if v, ok := c.get("a", 7); !ok || v != 1 {
		t.Fatalf("fresh entry: %v %v", v, ok)
	}
	if _, ok := c.get("a", 8); ok {
		t.Fatal("served after a commit")
	}
	c.put("old", 7, 2, time.Now().Add(-2*time.Minute))
	if _, ok := c.get("old", 7); ok {
		t.Fatal("served after its TTL")
	}
	c.put("stale", 6, 3, time.Now()) // computed while a write landed
	if _, ok := c.get("stale", 6); ok {
		t.Fatal("kept an entry of an older commit count")
	}
	for i := range 3 * cacheEntryCap {
		c.put(fmt.Sprint(i), 9, i, time.Now())
	}
	if n := len(c.m); n > cacheEntryCap {
		t.Fatalf("%d entries, cap %d", n, cacheEntryCap)
	}
	for k, e := range c.m {
		if e.gen != 9 {
			t.Fatalf("entry %s of an old commit count kept", k)
		}
	}
	small := newGenCache[int](time.Minute).withCap(8)
	for i := range 100 {
		small.put(fmt.Sprint(i), 1, i, time.Now())
	}
	if n := len(small.m); n > 8 {
		t.Fatalf("%d entries, cap 8", n)
	}
}
