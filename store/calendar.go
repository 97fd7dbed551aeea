package store

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"liaison/models"
)

// Calendar feeds: what a user's calendar app shows, read with a secret URL
// instead of a session. The secret is an API token of scope "calendar",
// which opens the feed and nothing else.

// CalendarScope is the scope of a token that reads its user's calendar
// feed and nothing else.
const CalendarScope = "calendar"

const (
	// calendarPast and calendarAhead bound the feed's meetings: a calendar
	// app wants the recent past and what is coming, not years.
	calendarPast  = 180 * 24 * time.Hour
	calendarAhead = 2 * 365 * 24 * time.Hour
	// calendarMax caps each of the feed's lists (of meetings, half ahead
	// of now and half before).
	calendarMax = 500
)

// CalendarMeeting is a meeting of a feed with its user's own attendance.
type CalendarMeeting struct {
	MeetingView
	Attendance string // the user's: invited or attended
}

// CalendarFeed is what a user's calendar shows: the meetings they attend
// or are invited to, and the due dates of the unfinished action items
// they or their organisation own, each redacted for them.
type CalendarFeed struct {
	Meetings []CalendarMeeting
	Items    []ActionItemView
	// Opaque are the RED meetings, of either list, that the user did not
	// attend: a calendar app, which may sync anywhere, shows no more of
	// them than their time.
	Opaque map[string]bool
}

// AuthenticateCalendar resolves the secret of a calendar feed to its
// user, as a read-only caller.
func (s *Store) AuthenticateCalendar(ctx context.Context, secret string) (Caller, error) {
	fail := newErr(ErrNotFound, "no such calendar feed")
	c, scope, touch, err := s.tokenCaller(ctx, secret)
	if err != nil || scope != CalendarScope {
		return Caller{}, fail
	}
	if err := touch(); err != nil {
		return Caller{}, err
	}
	return c, nil
}

// CalendarFeed reads the caller's feed.
func (s *Store) CalendarFeed(ctx context.Context, c Caller) (*CalendarFeed, error) {
	feed := &CalendarFeed{}
	if c.PersonID == "" {
		return feed, nil // only people attend meetings and own items
	}
	// The meetings nearest now: those ahead first, then the recent past.
	now := s.now()
	var ms []models.Meeting
	var attendance []string
	for _, part := range []struct {
		from, to time.Time
		order    string
	}{{now, now.Add(calendarAhead), "ASC"}, {now.Add(-calendarPast), now, "DESC"}} {
		visible, vargs := visibleSQL(s.dialect, c)
		rows, err := s.query(ctx, `SELECT `+meetingColumns+`, a.attendance FROM attendees a JOIN meetings ON meetings.id = a.meeting_id
			WHERE a.person_id = ? AND a.attendance IN `+attendingStatuses+` AND meetings.deleted_at IS NULL
			AND meetings.starts_at >= ? AND meetings.starts_at < ? AND `+visible+` ORDER BY meetings.starts_at `+part.order+`, meetings.id LIMIT ?`,
			append(append([]any{c.PersonID, part.from.UTC(), part.to.UTC()}, vargs...), calendarMax/2)...)
		if err != nil {
			return nil, err
		}
		got, err := scanRows(rows, func(rs *sql.Rows, m *models.Meeting) error {
			var a string
			err := scanMeeting(rs, m, &a)
			attendance = append(attendance, a)
			return err
		})
		if err != nil {
			return nil, err
		}
		ms = append(ms, got...)
	}
	views, err := s.expandMeetings(ctx, c, ms)
	if err != nil {
		return nil, err
	}
	for i, v := range views {
		feed.Meetings = append(feed.Meetings, CalendarMeeting{MeetingView: v, Attendance: attendance[i]})
	}
	// The items: the list's own rules decide what is shown of each.
	f := ActionItemFilter{OwnerMe: true, Status: models.OpenStatuses}
	p := Page{Limit: 200, Sort: "due_on"}
	for len(feed.Items) < calendarMax {
		items, next, err := s.ListActionItems(ctx, c, f, p)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if it.DueOn != nil && len(feed.Items) < calendarMax {
				feed.Items = append(feed.Items, it)
			}
		}
		// Sorted by due date, items without one come last.
		if next == nil || len(items) > 0 && items[len(items)-1].DueOn == nil {
			break
		}
		p.Cursor = *next
	}
	ids := make([]string, 0, len(feed.Meetings)+len(feed.Items))
	for _, m := range feed.Meetings {
		ids = append(ids, m.ID)
	}
	for _, it := range feed.Items {
		ids = append(ids, it.MeetingID)
	}
	feed.Opaque, err = s.redNotAttended(ctx, c, ids)
	return feed, err
}

// redNotAttended tells which of the meetings are RED and not attended by
// the caller's person.
func (s *Store) redNotAttended(ctx context.Context, c Caller, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for chunk := range slices.Chunk(uniq(ids), 256) {
		in, args := inList(chunk)
		rows, err := s.query(ctx, `SELECT id FROM meetings WHERE id IN (`+in+`) AND tlp = 'RED'
			AND NOT EXISTS (SELECT 1 FROM attendees a WHERE a.meeting_id = meetings.id AND a.person_id = ? AND a.attendance = 'attended')`,
			append(args, c.PersonID)...)
		if err != nil {
			return nil, err
		}
		ids, err := scanRows(rows, func(rs *sql.Rows, id *string) error { return rs.Scan(id) })
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out[id] = true
		}
	}
	return out, nil
}
