package api

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"
	"github.com/gin-gonic/gin"
)

// Calendars (RFC 5545): one meeting as an .ics file, and each user's feed
// at a secret URL that calendar apps subscribe to without a cookie. Both
// are made from the JSON's DTOs, redacted for the caller as the JSON is.

const mimeCalendar = "text/calendar"

// getMeetingCalendar answers GET /meetings/{id}.ics, or the meeting asked
// for with Accept: text/calendar.
func (a *API) getMeetingCalendar(c *gin.Context, id string) error {
	m, err := a.st.GetMeeting(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	cal := newCalendar()
	zones := timezones{}
	a.addMeeting(cal, zones, toMeeting(*m), false)
	zones.add(cal)
	writeCalendar(c, cal, "liaison-meeting-"+m.StartsAt.UTC().Format("2006-01-02")+".ics")
	return nil
}

// calendarFeed answers GET /calendar/{feed}: the feed of the user whose
// calendar secret the path holds, followed by ".ics".
func (a *API) calendarFeed(c *gin.Context) error {
	secret, ok := strings.CutSuffix(c.Param("feed"), ".ics")
	if !ok {
		return notFound()
	}
	who, err := a.st.AuthenticateCalendar(c.Request.Context(), secret)
	if err != nil {
		return err
	}
	feed, err := a.st.CalendarFeed(c.Request.Context(), who)
	if err != nil {
		return err
	}
	cal := newCalendar()
	cal.SetXWRCalName("Liaison")
	cal.SetRefreshInterval("PT1H")
	zones := timezones{}
	for _, m := range feed.Meetings {
		// A RED meeting leaves only its time in a calendar app (which may
		// sync it anywhere) unless the user was in the room.
		a.addMeeting(cal, zones, toMeeting(m.MeetingView), feed.Opaque[m.ID])
	}
	for _, it := range feed.Items {
		// An item of a meeting the user may not see says nothing of it,
		// not even its TLP.
		a.addDueDate(cal, toActionItem(it), feed.Opaque[it.MeetingID] || it.MeetingHidden)
	}
	zones.add(cal)
	c.Header("Cache-Control", "private, no-store")
	writeCalendar(c, cal, "liaison.ics")
	return nil
}

func newCalendar() *ics.Calendar {
	cal := ics.NewCalendarFor("Liaison")
	cal.SetMethod(ics.MethodPublish)
	return cal
}

func writeCalendar(c *gin.Context, cal *ics.Calendar, file string) {
	c.Header("Content-Disposition", `attachment; filename="`+file+`"`)
	c.Data(http.StatusOK, mimeCalendar+"; charset=utf-8", []byte(cal.Serialize(ics.WithNewLineWindows))) // RFC 5545 lines end in CRLF
}

// addMeeting adds the meeting as an event. An opaque one shows its TLP
// and time alone.
func (a *API) addMeeting(cal *ics.Calendar, zones timezones, d meetingDTO, opaque bool) {
	if opaque {
		// The time alone: no id, zone, status or history of the meeting.
		ev := cal.AddEvent(opaqueUID(d.ID))
		ev.SetDtStampTime(d.StartsAt)
		ev.SetStartAt(d.StartsAt)
		ev.SetEndAt(d.EndsAt)
		ev.SetClass(ics.ClassificationConfidential)
		ev.SetSummary("TLP:" + d.TLP + " meeting")
		return
	}
	ev := cal.AddEvent(d.ID + "@liaison")
	ev.SetDtStampTime(d.UpdatedAt)
	ev.SetModifiedAt(d.UpdatedAt)
	ev.SetSequence(d.Version - 1)
	zones.setTime(ev, ics.ComponentPropertyDtStart, d.StartsAt, d.Timezone)
	zones.setTime(ev, ics.ComponentPropertyDtEnd, d.EndsAt, d.Timezone)
	ev.AddCategory("TLP:" + d.TLP)
	ev.SetClass(ics.ClassificationConfidential)
	if d.TLP == "CLEAR" {
		ev.SetClass(ics.ClassificationPublic)
	}
	if d.Status == "cancelled" {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	ev.SetSummary(icsText("[TLP:" + d.TLP + "] " + d.Title))
	if d.Location != "" {
		ev.SetLocation(icsText(d.Location))
	}
	var desc []string
	if d.Host != nil {
		desc = append(desc, "Host: "+d.Host.Name)
	}
	if len(d.Attendees) > 0 {
		names := make([]string, len(d.Attendees))
		for i, at := range d.Attendees {
			names[i] = attendeeCell(at)
		}
		desc = append(desc, "Attendees: "+strings.Join(names, "; "))
	}
	if len(d.Topics) > 0 {
		names := make([]string, len(d.Topics))
		for i, t := range d.Topics {
			names[i] = t.Name
		}
		desc = append(desc, "Topics: "+strings.Join(names, "; "))
	}
	if d.Summary != "" {
		desc = append(desc, "", d.Summary)
	}
	if link := a.link("/meetings/" + d.ID); link != "" {
		ev.SetURL(link)
		desc = append(desc, "", link)
	}
	if len(desc) > 0 {
		ev.SetDescription(icsText(strings.Join(desc, "\n")))
	}
}

// opaqueUID is the UID of an event that shows a meeting's time alone: the
// same in every feed, and naming nothing.
func opaqueUID(id string) string {
	sum := sha256.Sum256([]byte("liaison calendar " + id))
	return hex.EncodeToString(sum[:16]) + "@liaison"
}

// addDueDate adds an action item's due date as an all-day event. An
// opaque one, of a RED meeting the user did not attend or of a meeting
// they may not see, shows its status and date alone.
func (a *API) addDueDate(cal *ics.Calendar, d actionItemDTO, opaque bool) {
	ev := cal.AddEvent(d.ID + "@liaison")
	ev.SetDtStampTime(d.UpdatedAt)
	ev.SetModifiedAt(d.UpdatedAt)
	ev.SetSequence(d.Version - 1)
	ev.SetAllDayStartAt(d.DueOn.Time)
	ev.SetAllDayEndAt(d.DueOn.AddDate(0, 0, 1))
	ev.SetProperty(ics.ComponentPropertyTransp, string(ics.TransparencyTransparent))
	desc := []string{"Status: " + d.Status + ", priority " + d.Priority}
	if opaque && d.MeetingID == nil {
		ev.SetSummary("Due: an action item")
		ev.SetDescription(strings.Join(desc, "\n"))
		return
	}
	if opaque {
		ev.SetSummary("Due: an action item of a TLP:RED meeting")
		ev.SetDescription(strings.Join(desc, "\n"))
		return
	}
	ev.SetSummary(icsText("Due: " + d.Title))
	if d.MeetingTitle != nil {
		desc = append(desc, "Meeting: "+*d.MeetingTitle)
	}
	if link := a.link("/action-items?owner=me"); link != "" {
		ev.SetURL(link)
	}
	ev.SetDescription(icsText(strings.Join(desc, "\n")))
}

// link is the absolute address of a page of the web UI, when Liaison
// knows where it is reached.
func (a *API) link(path string) string {
	if a.opt.PublicURL == "" {
		return ""
	}
	return strings.TrimSuffix(a.opt.PublicURL, "/") + path
}

// icsText keeps a value to the characters a TEXT value may hold: line
// breaks become "\n" (which the library escapes) and other control
// characters go, so that no value can end its line and start another.
func icsText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// timezones collects the time zones of a calendar's events and the span
// each covers, to describe each with a VTIMEZONE.
type timezones map[string]*zoneSpan

type zoneSpan struct {
	loc      *time.Location
	from, to time.Time
}

// setTime sets a date-time property of ev to t in the time zone named tz:
// local time with a TZID, or UTC when the zone is UTC or unknown.
func (z timezones) setTime(ev *ics.VEvent, prop ics.ComponentProperty, t time.Time, tz string) {
	loc, err := time.LoadLocation(tz)
	if tz == "" || tz == "UTC" || err != nil {
		ev.SetProperty(prop, t.UTC().Format("20060102T150405Z"))
		return
	}
	sp := z[tz]
	if sp == nil {
		sp = &zoneSpan{loc: loc, from: t, to: t}
		z[tz] = sp
	}
	if t.Before(sp.from) {
		sp.from = t
	}
	if t.After(sp.to) {
		sp.to = t
	}
	ev.SetProperty(prop, t.In(loc).Format("20060102T150405"), ics.WithTZID(tz))
}

// add writes a VTIMEZONE for every zone used: the offset in force a day
// before its first event, then each change of offset until a day after
// its last, read from the zone database.
func (z timezones) add(cal *ics.Calendar) {
	names := make([]string, 0, len(z))
	for name := range z {
		names = append(names, name)
	}
	slices.Sort(names)
	var vts []ics.Component
	for _, name := range names {
		sp := z[name]
		vt := ics.NewTimezone(name)
		from, to := sp.from.Add(-24*time.Hour), sp.to.Add(24*time.Hour)
		observe := func(at time.Time, before int) {
			at = at.In(sp.loc)
			abbr, off := at.Zone()
			var obs *ics.ComponentBase
			if at.IsDST() {
				d := &ics.Daylight{}
				vt.Components, obs = append(vt.Components, d), &d.ComponentBase
			} else {
				s := ics.NewStandard()
				vt.Components, obs = append(vt.Components, s), &s.ComponentBase
			}
			// The onset is local time as it was before the change.
			obs.AddProperty(ics.ComponentPropertyDtStart, at.UTC().Add(time.Duration(before)*time.Second).Format("20060102T150405"))
			obs.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(before))
			obs.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(off))
			obs.AddProperty(ics.ComponentProperty(ics.PropertyTzname), abbr)
		}
		_, off := from.In(sp.loc).Zone()
		observe(from, off)
		for day := from; day.Before(to); day = day.Add(24 * time.Hour) {
			next := day.Add(24 * time.Hour)
			_, o1 := next.In(sp.loc).Zone()
			if o1 == off {
				continue
			}
			// The change is in this day: find its second.
			lo, hi := day, next
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, o := mid.In(sp.loc).Zone(); o == off {
					lo = mid
				} else {
					hi = mid
				}
			}
			observe(hi.Truncate(time.Second), off)
			off = o1
		}
		vts = append(vts, vt)
	}
	// Zones come before the events that name them.
	cal.Components = append(vts, cal.Components...)
}

// utcOffset formats seconds east of UTC as an iCalendar UTC-OFFSET.
func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	if sec%60 != 0 {
		return fmt.Sprintf("%s%02d%02d%02d", sign, sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
}

// wantsCalendar tells whether a meeting is asked for as iCalendar.
func wantsCalendar(c *gin.Context) bool {
	return c.GetHeader("Accept") != "" && c.NegotiateFormat(gin.MIMEJSON, mimeCalendar) == mimeCalendar
}
