package store

import (
	"gorm.io/gorm"
)

// The visibility rules of DESIGN.md, as SQL. Every read of meetings, and of
// anything that hangs off a meeting (attendees, action items, updates,
// statistics, exports), goes through meetingVisible, so that a meeting the
// caller may not see is absent everywhere rather than filtered afterwards.
//
//   CLEAR, GREEN        every signed-in user
//   AMBER, AMBER+STRICT users whose organisation hosted the meeting or is on
//                       its attendance as invited or attended
//   RED                 users whose person is on its attendance as invited
//                       or attended
//
// Administrators and coordinators see everything.

// attendingStatuses are the attendance values that make someone part of a
// meeting: declined and absent people were never in the room.
const attendingStatuses = "('invited','attended')"

// attends is attendingStatuses in Go.
func attends(attendance string) bool { return attendance == "invited" || attendance == "attended" }

// memberSQL is true when the caller's person attends the meeting whose id
// column is given; such a caller sees the meeting's withheld attendees.
func memberSQL(idCol string) string {
	return "EXISTS (SELECT 1 FROM attendees mx WHERE mx.meeting_id = " + idCol +
		" AND mx.person_id = ? AND mx.attendance IN " + attendingStatuses + ")"
}

// visibleSQL is the condition (on the meetings table as "meetings") that
// the caller may see a meeting, and its arguments; "1=1" for privileged
// callers.
//
// The organisation's attendance is found with one seek of the index by
// (organisation, meeting), its few entries then checked for a status:
// written as "attendance IN (…)", SQLite seeks once per status instead.
// Appending the empty string changes no value (attendance is never NULL)
// and keeps the status out of the seek, on SQLite and Postgres alike.
//
// The TLP is read the same way, as a value rather than through the index
// by TLP, in the queries that page through a list: otherwise SQLite
// answers the disjunction with one index lookup per TLP, gathers every
// meeting the caller may see, and sorts them all to return a page,
// rather than walking the list's sort index to the page's end. A TLP
// filter of the caller's own still uses the index.
//
// Postgres plans from statistics, which a value so computed has none of:
// there the columns are named as they are, and it walks the sort's index
// when that is cheaper.
func visibleSQL(d Dialect, c Caller) (string, []any) {
	if c.Privileged() {
		return "1=1", nil
	}
	tlp := asValue(d, "meetings.tlp")
	return "(" + tlp + " IN ('CLEAR','GREEN')" +
			" OR (" + tlp + " IN ('AMBER','AMBER+STRICT') AND (meetings.host_organization_id = ?" +
			" OR EXISTS (SELECT 1 FROM attendees vx WHERE vx.meeting_id = meetings.id AND vx.organization_id = ? AND " + asValue(d, "vx.attendance") + " IN " + attendingStatuses + ")))" +
			" OR (" + tlp + " = 'RED' AND " + memberSQL("meetings.id") + "))",
		[]any{c.OrganizationID, c.OrganizationID, c.PersonID}
}

// meetingVisible restricts q (which has the meetings table as "meetings")
// to the meetings the caller may see.
func meetingVisible(d Dialect, c Caller) func(*gorm.DB) *gorm.DB {
	return restrict(c, func(c Caller) (string, []any) { return visibleSQL(d, c) })
}

// asValue is the column col read as a value on SQLite, so that it is
// checked on each row rather than sought through its index (see
// visibleSQL), and the column itself on Postgres.
func asValue(d Dialect, col string) string {
	if d == Postgres {
		return col
	}
	return "(" + col + " || '')"
}

// live keeps the rows of table (meetings or action_items) that are not
// deleted. Deleting one sets its deleted_at and keeps the row for the
// audit trail; every query that reads them says deleted_at IS NULL itself.
func live(table string) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB { return q.Where(table + ".deleted_at IS NULL") }
}

func restrict(c Caller, rule func(Caller) (string, []any)) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if c.Privileged() {
			return q
		}
		cond, args := rule(c)
		return q.Where(cond, args...)
	}
}

// itemVisible restricts q (action items joined to their live meetings, as
// "meetings") to the items the caller may see: those of meetings the
// caller may see, and those the caller's person or organisation owns
// whatever the meeting. Assigning an item shares the item, not its
// meeting: expandActionItems leaves out the meeting of such an item.
func itemVisible(d Dialect, c Caller) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if c.Privileged() {
			return q
		}
		cond, args := visibleSQL(d, c)
		return q.Where("("+cond+" OR action_items.owner_person_id = ? OR action_items.owner_organization_id = ?)",
			append(args, c.PersonID, c.OrganizationID)...)
	}
}

// topicVisible restricts q (which has the topics table as "topics") to the
// topics the caller may know of: those made in the directory, and those a
// meeting made that some meeting the caller may see uses. A topic that only
// hidden or deleted meetings made and use would tell of them by its name,
// id and creation date. (A directory topic stays listed whatever uses it,
// so that its disappearing tells nothing either.)
func topicVisible(d Dialect, c Caller) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		if c.Privileged() {
			return q
		}
		cond, args := visibleSQL(d, c)
		return q.Where("(NOT topics.from_meeting"+
			" OR EXISTS (SELECT 1 FROM meeting_topics tv JOIN meetings ON meetings.id = tv.meeting_id"+
			" WHERE tv.topic_id = topics.id AND meetings.deleted_at IS NULL AND "+cond+"))", args...)
	}
}

// seesIdentities reports whether the caller sees the withheld attendees of
// a meeting, given whether the caller's person attends it.
func seesIdentities(c Caller, member bool) bool { return c.Privileged() || member }
