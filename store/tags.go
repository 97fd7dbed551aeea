package store

import (
	"strings"

	"gorm.io/gorm"
)

// meeting_tags (SQLite) holds a row per meeting and organisation it is
// hosted by or has on its attendance ("o:" and the organisation's id), and
// per meeting and topic ("t:" and the topic's id), with the meeting's
// columns that the list filters and sorts by. A list filtered by an
// organisation or a topic walks that tag's index in the sort's order and
// stops at the page's end, as an unfiltered list walks the meetings'
// (tagWalk); without it, it would read all of the tag's meetings, a few
// thousand at 1,000,000 items, to sort them. Triggers keep it in step
// with meetings, attendees and meeting_topics in the writing transaction.
//
// shown says how far an organisation's rows in the meeting show it to one
// outside the room (shownRowSQL): 2 when it hosts or a row is public or
// organisation-only without a person, 1 when its only shown rows are
// organisation-only with a person (shown when it has k people), 0 when it
// is only undisclosed.

// tagColumns are the meeting's columns a tag row copies.
var tagColumns = []string{"starts_at", "created_at", "updated_at", "title", "tlp", "status", "kind", "host_organization_id", "deleted_at"}

// shownSQL is the shown value of organisation org (an SQL expression) in
// meeting m.
func shownSQL(org string) string {
	rows := orgRowsSQL(org)
	return "CASE WHEN m.host_organization_id = " + org + " OR EXISTS (" + rows + " AND (ta.disclosure = 'public' OR ta.disclosure = 'organization_only' AND ta.person_id IS NULL)) THEN 2" +
		" WHEN EXISTS (" + rows + " AND ta.disclosure = 'organization_only') THEN 1 ELSE 0 END"
}

// orgRowsSQL is the attendance rows (ta) of organisation org in meeting m.
func orgRowsSQL(org string) string {
	return "SELECT 1 FROM attendees ta WHERE ta.meeting_id = m.id AND ta.organization_id = " + org
}

// tagOrg is the statements that make the row of organisation org (an SQL
// expression) and meeting id again, or remove it when the organisation no
// longer hosts it or is on its attendance.
func tagOrg(org, id string) []string {
	return []string{
		"DELETE FROM meeting_tags WHERE id = " + id + " AND tag = 'o:' || " + org,
		"INSERT INTO meeting_tags (tag, id, shown, " + strings.Join(tagColumns, ", ") + ") SELECT 'o:' || " + org + ", m.id, " +
			shownSQL(org) + ", m." + strings.Join(tagColumns, ", m.") +
			" FROM meetings m WHERE m.id = " + id + " AND " + org + " IS NOT NULL AND (m.host_organization_id = " + org + " OR EXISTS (" + orgRowsSQL(org) + "))",
	}
}

// tagTopic is the statement that makes the row of topic and meeting id.
func tagTopic(topic, id string) string {
	return "INSERT OR REPLACE INTO meeting_tags (tag, id, shown, " + strings.Join(tagColumns, ", ") + ") SELECT 't:' || " + topic + ", m.id, 2, m." +
		strings.Join(tagColumns, ", m.") + " FROM meetings m WHERE m.id = " + id
}

// trigger is a SQLite trigger of the statements stmts.
func trigger(name, event string, stmts ...string) string {
	return "CREATE TRIGGER " + name + " " + event + " BEGIN\n" + strings.Join(stmts, ";\n") + ";\nEND"
}

// tagRows is every row meeting_tags should hold, made from the meetings,
// their attendance and their topics.
func tagRows() string {
	return "SELECT 'o:' || x.org, m.id, " + shownSQL("x.org") + ", m." + strings.Join(tagColumns, ", m.") +
		" FROM (SELECT host_organization_id AS org, id AS mid FROM meetings UNION SELECT organization_id, meeting_id FROM attendees) x JOIN meetings m ON m.id = x.mid" +
		" UNION ALL SELECT 't:' || mt.topic_id, m.id, 2, m." + strings.Join(tagColumns, ", m.") + " FROM meeting_topics mt JOIN meetings m ON m.id = mt.meeting_id"
}

// meetingTags is the migration that makes and fills meeting_tags, its
// index per meeting sort, and its triggers.
func meetingTags() []string {
	cols := strings.Join(tagColumns, ", ")
	set := make([]string, len(tagColumns))
	for i, c := range tagColumns {
		set[i] = c + " = NEW." + c
	}
	out := []string{
		`CREATE TABLE meeting_tags (
			tag TEXT NOT NULL,
			id TEXT NOT NULL,
			shown INTEGER NOT NULL,
			starts_at DATETIME NOT NULL,
			created_at DATETIME NOT NULL,
			updated_at DATETIME NOT NULL,
			title TEXT NOT NULL,
			tlp TEXT NOT NULL,
			status TEXT NOT NULL,
			kind TEXT NOT NULL,
			host_organization_id TEXT NOT NULL,
			deleted_at DATETIME,
			PRIMARY KEY (id, tag)) WITHOUT ROWID`,
		"INSERT INTO meeting_tags (tag, id, shown, " + cols + ") " + tagRows(),
	}
	// The same columns after the sort as the meetings' own sort indexes
	// (listIndexes), and shown.
	meeting := "deleted_at, tlp, host_organization_id, status, kind"
	out = append(out, "CREATE INDEX meeting_tags_starts_at ON meeting_tags (tag, starts_at, id, "+meeting+", shown)")
	for _, sort := range []string{"title", "created_at", "updated_at"} {
		out = append(out, "CREATE INDEX meeting_tags_"+sort+" ON meeting_tags (tag, "+sort+", id, "+meeting+", starts_at, shown)")
	}
	out = append(out,
		trigger("meeting_tags_meeting_insert", "AFTER INSERT ON meetings", tagOrg("NEW.host_organization_id", "NEW.id")...),
		trigger("meeting_tags_meeting_update", "AFTER UPDATE OF "+cols+" ON meetings",
			"UPDATE meeting_tags SET "+strings.Join(set, ", ")+" WHERE id = NEW.id"),
		trigger("meeting_tags_meeting_host", "AFTER UPDATE OF host_organization_id ON meetings WHEN OLD.host_organization_id IS NOT NEW.host_organization_id",
			append(tagOrg("OLD.host_organization_id", "NEW.id"), tagOrg("NEW.host_organization_id", "NEW.id")...)...),
		trigger("meeting_tags_meeting_delete", "AFTER DELETE ON meetings", "DELETE FROM meeting_tags WHERE id = OLD.id"),
		trigger("meeting_tags_attendee_insert", "AFTER INSERT ON attendees", tagOrg("NEW.organization_id", "NEW.meeting_id")...),
		trigger("meeting_tags_attendee_delete", "AFTER DELETE ON attendees", tagOrg("OLD.organization_id", "OLD.meeting_id")...),
		trigger("meeting_tags_attendee_update", "AFTER UPDATE OF meeting_id, organization_id, person_id, disclosure ON attendees",
			append(tagOrg("OLD.organization_id", "OLD.meeting_id"), tagOrg("NEW.organization_id", "NEW.meeting_id")...)...),
		trigger("meeting_tags_topic_insert", "AFTER INSERT ON meeting_topics", tagTopic("NEW.topic_id", "NEW.meeting_id")),
		trigger("meeting_tags_topic_delete", "AFTER DELETE ON meeting_topics", "DELETE FROM meeting_tags WHERE id = OLD.meeting_id AND tag = 't:' || OLD.topic_id"),
		trigger("meeting_tags_topic_update", "AFTER UPDATE OF meeting_id, topic_id ON meeting_topics",
			"DELETE FROM meeting_tags WHERE id = OLD.meeting_id AND tag = 't:' || OLD.topic_id", tagTopic("NEW.topic_id", "NEW.meeting_id")),
	)
	return out
}

// tagWalk is the tag whose index the list of f walks on SQLite ("o:" and
// the organisation filter's id, else "t:" and the topic's id, else for a
// caller's own meetings "o:" and the caller's organisation), and whether
// there is one. A search or a follow-up filter has its own few rows.
func (s *Store) tagWalk(db *gorm.DB, c Caller, f MeetingFilter) (string, bool) {
	if s.dialect != SQLite || s.walkOnly || f.Q != "" || f.FollowUpOf != "" {
		return "", false
	}
	if f.Organization != "" {
		return "o:" + f.Organization, true
	}
	if f.Topic == "" {
		return s.ownTag(db, c, f)
	}
	// A topic is named by id or name: one topic, or the list has none.
	var ids []string
	if err := db.Raw("SELECT id FROM topics WHERE id = ? UNION SELECT id FROM topics WHERE name_key = ?",
		f.Topic, strings.ToLower(strings.TrimSpace(f.Topic))).Scan(&ids).Error; err != nil || len(ids) > 1 {
		return "", false
	}
	if len(ids) == 0 {
		return "t:", true // no topic's tag: no rows
	}
	return "t:" + ids[0], true
}

// ownTag is the tag of the caller's organisation when f asks only for TLPs
// that a participant sees of their own meetings alone (AMBER and RED): the
// meetings the organisation hosts or is on the attendance of. Those hold
// every meeting the caller may see there unless the caller's person
// attends one for another organisation; then there is no tag to walk.
func (s *Store) ownTag(db *gorm.DB, c Caller, f MeetingFilter) (string, bool) {
	if !ownTLPs(c, f) || c.OrganizationID == "" {
		return "", false
	}
	if c.PersonID != "" {
		var other []int
		if err := db.Raw("SELECT 1 FROM attendees WHERE person_id = ? AND organization_id <> ? LIMIT 1", c.PersonID, c.OrganizationID).
			Scan(&other).Error; err != nil || len(other) > 0 {
			return "", false
		}
	}
	return "o:" + c.OrganizationID, true
}
