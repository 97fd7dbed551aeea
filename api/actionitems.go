package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"liaison/models"
	"liaison/store"
)

func (a *API) listActionItems(c *gin.Context) error {
	allowed := []string{"status", "owner", "owner_organization", "owner_person", "overdue", "due_before", "due_after", "priority", "q"}
	meetingID := c.Param("id")
	if meetingID == "" {
		allowed = append(allowed, "meeting")
	}
	q := newQuery(c, allowed...)
	f := store.ActionItemFilter{Status: q.enum("status", models.ActionStatuses), Priority: q.enum("priority", models.Priorities),
		OwnerMe: q.oneOf("owner", []string{"me"}) == "me", OwnerOrganization: q.str("owner_organization"), OwnerPerson: q.str("owner_person"),
		MeetingID: q.str("meeting"), Overdue: q.boolean("overdue"), DueBefore: q.date("due_before"), DueAfter: q.date("due_after"), Q: q.str("q")}
	if meetingID != "" {
		f.MeetingID = meetingID
	}
	p := q.page(store.ActionItemSorts())
	if err := q.err(); err != nil {
		return err
	}
	if wantsCSV(c) {
		return writeCSV(c, "action-items", actionItemCSVHeader, func(cursor string) ([]store.ActionItemView, *string, error) {
			return a.st.ListActionItems(c.Request.Context(), caller(c), f, store.Page{Limit: exportPage, Sort: p.Sort, Cursor: cursor})
		}, actionItemCSVRow)
	}
	rows, next, err := a.st.ListActionItems(c.Request.Context(), caller(c), f, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, next, toActionItem))
	return nil
}

func (a *API) createActionItem(c *gin.Context) error {
	var req actionItemRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if id := c.Param("id"); id != "" {
		if req.MeetingID != "" && req.MeetingID != id {
			return &store.ValidationError{Errors: []store.FieldError{{Field: "meeting_id", Message: "must be left out or match the meeting in the path"}}}
		}
		req.MeetingID = id
		// The meeting in the path must be visible, or the route is a 404.
		if _, err := a.st.GetMeeting(c.Request.Context(), caller(c), id); err != nil {
			return err
		}
	}
	it, err := a.st.CreateActionItem(c.Request.Context(), caller(c), req.input())
	if err != nil {
		return err
	}
	created(c, "/api/v1/action-items/"+it.ID, it.Version, toActionItem(*it))
	return nil
}

func (a *API) getActionItem(c *gin.Context) error {
	it, err := a.st.GetActionItem(c.Request.Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	ok(c, it.Version, toActionItem(*it))
	return nil
}

func (a *API) updateActionItem(c *gin.Context) error {
	var p store.ActionItemPatch
	if err := bindPatch(c, &p, &p.IfVersion); err != nil {
		return err
	}
	it, err := a.st.UpdateActionItem(c.Request.Context(), caller(c), c.Param("id"), p)
	if err != nil {
		return err
	}
	ok(c, it.Version, toActionItem(*it))
	return nil
}

func (a *API) deleteActionItem(c *gin.Context) error { return a.del(c, a.st.DeleteActionItem) }

type updateRequest struct {
	Body   string  `json:"body" validate:"required,max=10000"`
	Status *string `json:"status"`
}

func (a *API) listUpdates(c *gin.Context) error {
	q := newQuery(c)
	p := q.page([]string{"created_at", "-created_at"})
	if err := q.err(); err != nil {
		return err
	}
	rows, next, err := a.st.ListUpdates(c.Request.Context(), caller(c), c.Param("id"), p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, next, toUpdate))
	return nil
}

func (a *API) createUpdate(c *gin.Context) error {
	var req updateRequest
	var ver *int
	if err := bindPatch(c, &req, &ver); err != nil { // the body, and the item's version from If-Match
		return err
	}
	u, err := a.st.CreateUpdate(c.Request.Context(), caller(c), c.Param("id"), store.UpdateInput{Body: req.Body, Status: req.Status, IfVersion: ver})
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/action-items/"+u.ActionItemID+"/updates")
	c.JSON(http.StatusCreated, toUpdate(store.UpdateView{ActionItemUpdate: *u}))
	return nil
}

func (a *API) listAuditEvents(c *gin.Context) error {
	q := newQuery(c, "entity_type", "entity_id", "actor", "action", "from", "to")
	f := store.AuditFilter{EntityType: q.str("entity_type"), EntityID: q.str("entity_id"), ActorID: q.str("actor"),
		Action: q.str("action"), From: q.instant("from"), To: q.instant("to")}
	p := q.page([]string{"at", "-at"})
	if err := q.err(); err != nil {
		return err
	}
	rows, next, err := a.st.ListAuditEvents(c.Request.Context(), caller(c), f, p)
	if err != nil {
		return err
	}
	emails, err := a.st.AuditActorEmails(c.Request.Context(), caller(c), rows)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, next, func(e models.AuditEvent) auditEventDTO { return toAuditEvent(e, emails) }))
	return nil
}
