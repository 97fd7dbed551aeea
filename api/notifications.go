package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"liaison/store"
)

// notificationDTO is a notification as its recipient may see it now: the
// action item as GET /action-items/{id} would show it to them.
type notificationDTO struct {
	ID         string        `json:"id"`
	Kind       string        `json:"kind"`
	StatusFrom *string       `json:"status_from"`
	StatusTo   *string       `json:"status_to"`
	CreatedAt  time.Time     `json:"created_at"`
	ReadAt     *time.Time    `json:"read_at"`
	ActionItem actionItemDTO `json:"action_item"`
}

func toNotification(n store.NotificationView) notificationDTO {
	return notificationDTO{ID: n.ID, Kind: n.Kind, StatusFrom: n.StatusFrom, StatusTo: n.StatusTo,
		CreatedAt: n.CreatedAt, ReadAt: n.ReadAt, ActionItem: toActionItem(n.Item)}
}

// notificationList is a page of notifications with the caller's unread
// count, which the web UI's bell shows.
type notificationList struct {
	listResponse[notificationDTO]
	Unread int64 `json:"unread"`
}

func (a *API) listNotifications(c *gin.Context) error {
	q := newQuery(c, "unread")
	f := store.NotificationFilter{Unread: q.boolean("unread")}
	p := q.page([]string{"created_at", "-created_at"})
	if err := q.err(); err != nil {
		return err
	}
	ctx := c.Request.Context()
	rows, next, err := a.st.ListNotifications(ctx, caller(c), f, p)
	if err != nil {
		return err
	}
	unread, err := a.st.UnreadNotifications(ctx, caller(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, notificationList{list(rows, next, toNotification), unread})
	return nil
}

func (a *API) unreadNotifications(c *gin.Context) error {
	if err := newQuery(c).err(); err != nil {
		return err
	}
	n, err := a.st.UnreadNotifications(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"unread": n})
	return nil
}

func (a *API) readNotification(c *gin.Context) error {
	if err := a.st.MarkNotificationRead(c.Request.Context(), caller(c), c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (a *API) readAllNotifications(c *gin.Context) error {
	n, err := a.st.MarkAllNotificationsRead(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"marked": n})
	return nil
}

// remindersDTO is the caller's e-mail reminders and whether this server
// sends e-mail at all.
type remindersDTO struct {
	store.ReminderPrefs
	EmailConfigured bool `json:"email_configured"`
}

func (a *API) getReminders(c *gin.Context) error {
	if err := newQuery(c).err(); err != nil {
		return err
	}
	p, err := a.st.Reminders(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	ok(c, p.Version, remindersDTO{*p, a.opt.EmailConfigured})
	return nil
}

func (a *API) setReminders(c *gin.Context) error {
	var p store.ReminderPatch
	if err := bindPatch(c, &p, &p.IfVersion); err != nil {
		return err
	}
	out, err := a.st.SetReminders(c.Request.Context(), caller(c), p)
	if err != nil {
		return err
	}
	ok(c, out.Version, remindersDTO{*out, a.opt.EmailConfigured})
	return nil
}

// unsubscribe is a digest's one-click unsubscribe (RFC 8058): its token
// is the credential, and the body (List-Unsubscribe=One-Click) is not read.
func (a *API) unsubscribe(c *gin.Context) error {
	if err := a.st.Unsubscribe(c.Request.Context(), c.Param("token")); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"reminders": "off"})
	return nil
}
