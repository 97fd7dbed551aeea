package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"liaison/store"
)

// Render shows records in webhook payloads exactly as the API shows them
// to a caller: a meeting as GET /meetings/{id}, an action item as
// GET /action-items/{id}, an update with its item.
func Render(st *store.Store) store.Render {
	return func(ctx context.Context, c store.Caller, entity, id string) (any, error) {
		switch entity {
		case "meeting":
			m, err := st.GetMeeting(ctx, c, id)
			if err != nil {
				return nil, err
			}
			return toMeeting(*m), nil
		case "action_item":
			it, err := st.GetActionItem(ctx, c, id)
			if err != nil {
				return nil, err
			}
			return toActionItem(*it), nil
		case "update":
			u, err := st.GetUpdate(ctx, c, id)
			if err != nil {
				return nil, err
			}
			it, err := st.GetActionItem(ctx, c, u.ActionItemID)
			if err != nil {
				return nil, err
			}
			return gin.H{"update": toUpdate(*u), "action_item": toActionItem(*it)}, nil
		}
		return nil, store.ErrNotFound
	}
}

type webhookDTO struct {
	ID                  string    `json:"id"`
	URL                 string    `json:"url"`
	EventTypes          []string  `json:"event_types"`
	TLPCeiling          string    `json:"tlp_ceiling"`
	OwnerUserID         string    `json:"owner_user_id"`
	Enabled             bool      `json:"enabled"`
	DisabledReason      string    `json:"disabled_reason"`
	ConsecutiveFailures int       `json:"consecutive_failures"`
	Version             int       `json:"version"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
	Secret              string    `json:"secret,omitempty"` // only when made or rotated
}

func toWebhook(e store.WebhookEndpoint) webhookDTO {
	return webhookDTO{ID: e.ID, URL: e.URL, EventTypes: e.EventTypes, TLPCeiling: e.TLPCeiling, OwnerUserID: e.OwnerUserID,
		Enabled: e.Enabled, DisabledReason: e.DisabledReason, ConsecutiveFailures: e.ConsecutiveFailures, Version: e.Version,
		CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC()}
}

type deliveryDTO struct {
	ID             string     `json:"id"`
	EventType      string     `json:"event_type"`
	State          string     `json:"state"`
	Attempts       int        `json:"attempts"`
	ResponseStatus *int       `json:"response_status"`
	LatencyMS      *int64     `json:"latency_ms"`
	Error          string     `json:"error"`
	CreatedAt      time.Time  `json:"created_at"`
	LastAttemptAt  *time.Time `json:"last_attempt_at"`
	Payload        rawJSON    `json:"payload"`
}

// rawJSON is JSON kept as text and sent as it is.
type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }

func toDelivery(d store.WebhookDelivery) deliveryDTO {
	out := deliveryDTO{ID: d.ID, EventType: d.EventType, State: d.State, Attempts: d.Attempts, ResponseStatus: d.ResponseStatus,
		LatencyMS: d.LatencyMS, Error: d.Error, CreatedAt: d.CreatedAt.UTC(), LastAttemptAt: d.LastAttemptAt, Payload: rawJSON(d.Payload)}
	if out.LastAttemptAt != nil {
		t := out.LastAttemptAt.UTC()
		out.LastAttemptAt = &t
	}
	return out
}

type createWebhookRequest struct {
	URL         string   `json:"url" validate:"required,max=2000"`
	EventTypes  []string `json:"event_types" validate:"required,min=1,max=20"`
	TLPCeiling  string   `json:"tlp_ceiling"`
	OwnerUserID string   `json:"owner_user_id" validate:"required"`
}

func (a *API) listWebhooks(c *gin.Context) error {
	q := newQuery(c)
	p := q.page([]string{"created_at", "-created_at"})
	if err := q.err(); err != nil {
		return err
	}
	rows, next, err := a.st.ListWebhooks(c.Request.Context(), caller(c), p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, next, toWebhook))
	return nil
}

func (a *API) createWebhook(c *gin.Context) error {
	var req createWebhookRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	e, secret, err := a.st.CreateWebhook(c.Request.Context(), caller(c), store.WebhookInput{URL: req.URL, EventTypes: req.EventTypes,
		TLPCeiling: req.TLPCeiling, OwnerUserID: req.OwnerUserID})
	if err != nil {
		return err
	}
	d := toWebhook(*e)
	d.Secret = secret
	created(c, "/api/v1/webhooks/"+e.ID, e.Version, d)
	return nil
}

func (a *API) getWebhook(c *gin.Context) error {
	e, err := a.st.GetWebhook(c.Request.Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	ok(c, e.Version, toWebhook(*e))
	return nil
}

func (a *API) updateWebhook(c *gin.Context) error {
	var p store.WebhookPatch
	if err := bindPatch(c, &p, &p.IfVersion); err != nil {
		return err
	}
	e, err := a.st.UpdateWebhook(c.Request.Context(), caller(c), c.Param("id"), p)
	if err != nil {
		return err
	}
	ok(c, e.Version, toWebhook(*e))
	return nil
}

func (a *API) deleteWebhook(c *gin.Context) error { return a.del(c, a.st.DeleteWebhook) }

func (a *API) rotateWebhookSecret(c *gin.Context) error {
	e, secret, err := a.st.RotateWebhookSecret(c.Request.Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	d := toWebhook(*e)
	d.Secret = secret
	ok(c, e.Version, d)
	return nil
}

func (a *API) testWebhook(c *gin.Context) error {
	d, err := a.st.SendTestEvent(c.Request.Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, toDelivery(*d))
	return nil
}

func (a *API) listDeliveries(c *gin.Context) error {
	q := newQuery(c)
	p := q.page([]string{"created_at", "-created_at"})
	if err := q.err(); err != nil {
		return err
	}
	rows, next, err := a.st.ListDeliveries(c.Request.Context(), caller(c), c.Param("id"), p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, next, toDelivery))
	return nil
}

func (a *API) redeliver(c *gin.Context) error {
	d, err := a.st.Redeliver(c.Request.Context(), caller(c), c.Param("id"), c.Param("delivery_id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, toDelivery(*d))
	return nil
}
