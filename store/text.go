package store

import (
	"strconv"
	"strings"
)

// likePattern turns user text into a LIKE pattern that matches it anywhere,
// with the wildcards % and _ escaped (every query uses ESCAPE '\').
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}

// like is the case-insensitive match operator of the dialect.
func (s *Store) like() string {
	if s.dialect == Postgres {
		return "ILIKE"
	}
	return "LIKE" // case-insensitive for ASCII in SQLite
}

func itoa(i int) string { return strconv.Itoa(i) }
