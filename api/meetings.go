package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"liaison/models"
	"liaison/store"
)

type attendeeRequest struct {
	PersonID          *string `json:"person_id"`
	OrganizationID    string  `json:"organization_id"`
	Role              string  `json:"role"`
	Attendance        string  `json:"attendance"`
	Disclosure        string  `json:"disclosure"`
	WithholdingReason string  `json:"withholding_reason"`
}

func (r attendeeRequest) input() store.AttendeeInput { return store.AttendeeInput(r) }

type actionItemRequest struct {
	MeetingID           string       `json:"meeting_id,omitempty"`
	Title               string       `json:"title"`
	Description         string       `json:"description"`
	OwnerPersonID       *string      `json:"owner_person_id"`
	OwnerOrganizationID *string      `json:"owner_organization_id"`
	DueOn               *models.Date `json:"due_on"`
	Status              string       `json:"status"`
	Priority            string       `json:"priority"`
}

func (r actionItemRequest) input() store.ActionItemInput { return store.ActionItemInput(r) }

// createMeetingRequest is a new meeting. Its rules are checked by the
// store, all at once, so that a form learns every problem in one answer;
// only the sizes of the lists are checked here.
type createMeetingRequest struct {
	Title              string              `json:"title"`
	StartsAt           models.Timestamp    `json:"starts_at"`
	EndsAt             models.Timestamp    `json:"ends_at"`
	Timezone           string              `json:"timezone"`
	Location           string              `json:"location"`
	Modality           string              `json:"modality"`
	Kind               string              `json:"kind"`
	Status             string              `json:"status"`
	TLP                string              `json:"tlp"`
	Summary            string              `json:"summary"`
	PublicReadout      string              `json:"public_readout"`
	HostOrganizationID string              `json:"host_organization_id"`
	FollowUpOfID       *string             `json:"follow_up_of_id"`
	Topics             []string            `json:"topics" validate:"max=50"`
	Attendees          []attendeeRequest   `json:"attendees" validate:"max=500,dive"`
	ActionItems        []actionItemRequest `json:"action_items" validate:"max=200,dive"`
}

func (a *API) listMeetings(c *gin.Context) error {
	q := newQuery(c, "from", "to", "status", "tlp", "kind", "topic", "organization", "sector", "follow_up_of", "q")
	f := store.MeetingFilter{From: q.instant("from"), To: q.instant("to"), Status: q.enum("status", models.MeetingStatuses),
		TLP: q.enum("tlp", models.TLPs), Kind: q.enum("kind", models.MeetingKinds), Topic: q.str("topic"),
		Organization: q.str("organization"), Sector: q.oneOf("sector", models.Sectors), FollowUpOf: q.str("follow_up_of"), Q: q.str("q")}
	p := q.page(store.MeetingSorts())
	if err := q.err(); err != nil {
		return err
	}
	if wantsCSV(c) {
		return writeCSV(c, "meetings", meetingCSVHeader, func(cursor string) ([]store.MeetingView, *string, error) {
			return a.st.ListMeetings(c.Request.Context(), caller(c), f, store.Page{Limit: exportPage, Sort: p.Sort, Cursor: cursor})
		}, meetingCSVRow)
	}
	rows, next, err := a.st.ListMeetings(c.Request.Context(), caller(c), f, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, next, toMeeting))
	return nil
}

func (a *API) createMeeting(c *gin.Context) error {
	var req createMeetingRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	in := store.MeetingInput{Title: req.Title, StartsAt: req.StartsAt.Time, EndsAt: req.EndsAt.Time, Timezone: req.Timezone, Location: req.Location,
		Modality: req.Modality, Kind: req.Kind, Status: req.Status, TLP: req.TLP, Summary: req.Summary, PublicReadout: req.PublicReadout,
		HostOrganizationID: req.HostOrganizationID, FollowUpOfID: req.FollowUpOfID, Topics: req.Topics}
	for _, at := range req.Attendees {
		in.Attendees = append(in.Attendees, at.input())
	}
	for _, it := range req.ActionItems {
		if it.MeetingID != "" {
			return &store.ValidationError{Errors: []store.FieldError{{Field: "action_items[].meeting_id", Message: "must not be given for nested action items"}}}
		}
		in.ActionItems = append(in.ActionItems, it.input())
	}
	m, err := a.st.CreateMeeting(c.Request.Context(), caller(c), in)
	if err != nil {
		return err
	}
	created(c, "/api/v1/meetings/"+m.ID, m.Version, toMeeting(*m))
	return nil
}

func (a *API) getMeeting(c *gin.Context) error {
	// The router cannot tell /meetings/{id}.ics from /meetings/{id}.
	if id, ok := strings.CutSuffix(c.Param("id"), ".ics"); ok {
		return a.getMeetingCalendar(c, id)
	}
	if wantsCalendar(c) {
		return a.getMeetingCalendar(c, c.Param("id"))
	}
	m, err := a.st.GetMeeting(c.Request.Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	ok(c, m.Version, toMeeting(*m))
	return nil
}

func (a *API) updateMeeting(c *gin.Context) error {
	var p store.MeetingPatch
	if err := bindPatch(c, &p, &p.IfVersion); err != nil {
		return err
	}
	m, err := a.st.UpdateMeeting(c.Request.Context(), caller(c), c.Param("id"), p)
	if err != nil {
		return err
	}
	ok(c, m.Version, toMeeting(*m))
	return nil
}

func (a *API) deleteMeeting(c *gin.Context) error { return a.del(c, a.st.DeleteMeeting) }

// Attendance rows of one meeting.

func (a *API) listAttendees(c *gin.Context) error {
	q := newQuery(c)
	q.page(nil)
	if c.Query("cursor") != "" || c.Query("sort") != "" {
		q.fail("cursor", "the attendance of a meeting comes in one page")
	}
	if err := q.err(); err != nil {
		return err
	}
	rows, err := a.st.ListAttendees(c.Request.Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, nil, toAttendee))
	return nil
}

func (a *API) createAttendee(c *gin.Context) error {
	var req attendeeRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	at, err := a.st.CreateAttendee(c.Request.Context(), caller(c), c.Param("id"), req.input())
	if err != nil {
		return err
	}
	created(c, "/api/v1/meetings/"+at.MeetingID+"/attendees/"+at.ID, at.Version, toAttendee(*at))
	return nil
}

func (a *API) getAttendee(c *gin.Context) error {
	at, err := a.st.GetAttendee(c.Request.Context(), caller(c), c.Param("id"), c.Param("attendee_id"))
	if err != nil {
		return err
	}
	ok(c, at.Version, toAttendee(*at))
	return nil
}

func (a *API) updateAttendee(c *gin.Context) error {
	var p store.AttendeePatch
	if err := bindPatch(c, &p, &p.IfVersion); err != nil {
		return err
	}
	at, err := a.st.UpdateAttendee(c.Request.Context(), caller(c), c.Param("id"), c.Param("attendee_id"), p)
	if err != nil {
		return err
	}
	ok(c, at.Version, toAttendee(*at))
	return nil
}

func (a *API) deleteAttendee(c *gin.Context) error {
	ver, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := a.st.DeleteAttendee(c.Request.Context(), caller(c), c.Param("id"), c.Param("attendee_id"), ver); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
