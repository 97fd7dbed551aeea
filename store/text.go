package store

import (
	"strconv"
	"strings"
	"unicode"

	"gorm.io/gorm"
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

// searchWords are the words of a search, lower-cased: runs of letters and
// digits. Everything else separates words, as it does in the indexes.
func searchWords(q string) []string {
	return strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// maxSearchWords bounds the words of one search, and so its index probes.
const maxSearchWords = 16

// textIndex names a table's word index: on SQLite the FTS4 table fts,
// whose docids are the table's rowids; on Postgres the table's tsvector
// column search. Meetings' topics are searched with them (a column of
// meeting_text; on Postgres, part of search through topics_text).
type textIndex struct{ table, fts string }

var (
	meetingText = textIndex{table: "meetings", fts: "meeting_text"}
	itemText    = textIndex{table: "action_items", fts: "action_item_text"}
)

// textMatch is the condition that every word of q starts a word of the
// record's text, answered from the word index. ok is false when q has no
// words; the caller then matches q as a substring.
func (s *Store) textMatch(db *gorm.DB, q string, t textIndex) (cond string, args []any, ok bool) {
	words := searchWords(q)
	if len(words) == 0 {
		return "", nil, false
	}
	words = words[:min(len(words), maxSearchWords)]
	if s.dialect == Postgres {
		for i, w := range words {
			words[i] = w + ":*"
		}
		return t.table + ".search @@ to_tsquery('simple', ?)", []any{strings.Join(words, " & ")}, true
	}
	for i, w := range words {
		words[i] = w + "*"
	}
	match := strings.Join(words, " ")
	// SQLite cannot tell how many records match. A few are fetched by
	// rowid and sorted; many are better met walking the list's sort
	// index and checking each row against the set (the + keeps SQLite
	// from the rowid lookups), which stops at a page.
	var many int
	if err := db.Raw("SELECT COUNT(*) FROM (SELECT docid FROM "+t.fts+" WHERE "+t.fts+" MATCH ? LIMIT ?)", match, manyMatches).Scan(&many).Error; err == nil && many >= manyMatches {
		return "+" + t.table + ".rowid IN (SELECT docid FROM " + t.fts + " WHERE " + t.fts + " MATCH ?)", []any{match}, true
	}
	return t.table + ".rowid IN (SELECT docid FROM " + t.fts + " WHERE " + t.fts + " MATCH ?)", []any{match}, true
}

// manyMatches is where a search's matches are walked rather than fetched.
const manyMatches = 1000

// manySetMatches is where the caller's own meetings are walked rather than
// fetched (fewMeetings).
const manySetMatches = 4000

// noIndex is expr as a value SQLite will not look up in an index (unary
// plus changes no value), so that a list walks the index of its sort and
// checks expr on each row; Postgres plans from statistics and needs none.
func (s *Store) noIndex(expr string) string {
	if s.dialect == Postgres {
		return expr
	}
	return "+" + expr
}

func itoa(i int) string { return strconv.Itoa(i) }
