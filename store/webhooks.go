package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

// Webhooks send another system what happens to meetings and action items,
// as one user (the endpoint's owner) may see it: an event of a meeting
// that user may not see, or above the endpoint's TLP ceiling, is never
// sent. Administrators manage the endpoints. Each event an endpoint takes
// is a delivery, kept with its attempts' outcome; package jobs sends it.

// Webhook event types.
var WebhookEventTypes = []string{
	"meeting.created", "meeting.updated", "meeting.deleted",
	"attendee.created", "attendee.updated", "attendee.deleted",
	"action_item.created", "action_item.updated", "action_item.status_changed", "action_item.deleted",
	"update.created",
}

// WebhookTestEvent is the type of the event "send test event" sends.
const WebhookTestEvent = "webhook.test"

// WebhookEndpoint is a registered receiver. Its secret is never read back
// after it is made or rotated.
type WebhookEndpoint struct {
	ID                  string
	URL                 string
	EventTypes          []string `gorm:"serializer:json"`
	TLPCeiling          string
	OwnerUserID         string
	Secret              string `json:"-"`
	Enabled             bool
	DisabledReason      string
	ConsecutiveFailures int
	Version             int
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (WebhookEndpoint) TableName() string { return "webhook_endpoints" }

// WebhookDelivery is one event sent, or to be sent, to an endpoint.
type WebhookDelivery struct {
	ID         string
	EndpointID string
	EventID    string
	EventType  string
	Payload    string // as last sent (or first rendered)
	// What the event is of, rendered afresh for each attempt.
	Entity         string // meeting, action_item, update; "" for a deletion or a test
	EntityID       string
	MeetingID      string
	EventAt        time.Time
	State          string // pending, succeeded, failed
	Attempts       int
	ResponseStatus *int
	LatencyMS      *int64
	Error          string
	CreatedAt      time.Time
	LastAttemptAt  *time.Time
}

func (WebhookDelivery) TableName() string { return "webhook_deliveries" }

// WebhookInput registers an endpoint.
type WebhookInput struct {
	URL         string
	EventTypes  []string
	TLPCeiling  string
	OwnerUserID string
}

// WebhookPatch changes an endpoint; enabling it again clears its failures.
type WebhookPatch struct {
	URL         models.Opt[string]   `json:"url"`
	EventTypes  models.Opt[[]string] `json:"event_types"`
	TLPCeiling  models.Opt[string]   `json:"tlp_ceiling"`
	OwnerUserID models.Opt[string]   `json:"owner_user_id"`
	Enabled     models.Opt[bool]     `json:"enabled"`
	IfVersion   *int                 `json:"-"`
}

// AllowPrivateWebhooks lets endpoints name private, loopback and
// link-local addresses (tests, and operators who mean it).
func (s *Store) AllowPrivateWebhooks(allow bool) { s.privateHooks.Store(allow) }

// PrivateWebhooksAllowed reports the setting, for the sender.
func (s *Store) PrivateWebhooksAllowed() bool { return s.privateHooks.Load() }

// ForbiddenAddress reports whether ip is in a range webhooks may not
// reach without the operator's leave: private, loopback, link-local,
// unspecified, multicast, shared (CGNAT) and the like.
func ForbiddenAddress(ip net.IP) bool {
	if ip16 := ip.To16(); ip16 != nil && ip.To4() == nil {
		// IPv6 forms that carry an IPv4 address: IPv4-compatible (::a.b.c.d),
		// NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
		switch {
		case isZero(ip16[:12]) && !isZero(ip16[12:]):
			return ForbiddenAddress(net.IP(ip16[12:16]))
		case ip16[0] == 0x00 && ip16[1] == 0x64 && ip16[2] == 0xff && ip16[3] == 0x9b && isZero(ip16[4:12]):
			return ForbiddenAddress(net.IP(ip16[12:16]))
		case ip16[0] == 0x20 && ip16[1] == 0x02:
			return ForbiddenAddress(net.IP(ip16[2:6]))
		}
	}
	if ip4 := ip.To4(); ip4 != nil {
		ip = ip4
		switch {
		case ip4[0] == 100 && ip4[1]&0xc0 == 64: // 100.64.0.0/10, shared
			return true
		case ip4[0] == 198 && ip4[1]&0xfe == 18: // 198.18.0.0/15, benchmarking
			return true
		case ip4[0] == 192 && ip4[1] == 0 && ip4[2] == 0: // 192.0.0.0/24, protocol assignments
			return true
		case ip4[0] == 0 || ip4[0] >= 240:
			return true
		}
	}
	return ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified()
}

func isZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

func newWebhookSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// checkWebhook validates an endpoint's fields.
func (s *Store) checkWebhook(tx *gorm.DB, e *WebhookEndpoint, ownerSet bool) error {
	var v validator
	u, err := url.Parse(e.URL)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "":
		v.add("url", "must be an http:// or https:// URL without credentials or fragment")
	case len(e.URL) > 2000:
		v.add("url", "must be at most 2000 characters")
	default:
		if ip := net.ParseIP(u.Hostname()); ip != nil && ForbiddenAddress(ip) && !s.PrivateWebhooksAllowed() {
			v.add("url", "names a private, loopback or link-local address, which webhooks may not reach")
		} else if strings.EqualFold(u.Hostname(), "localhost") && !s.PrivateWebhooksAllowed() {
			v.add("url", "names a private, loopback or link-local address, which webhooks may not reach")
		}
	}
	if len(e.EventTypes) == 0 {
		v.add("event_types", "must name at least one event type")
	}
	seen := map[string]bool{}
	for _, t := range e.EventTypes {
		if !slices.Contains(WebhookEventTypes, t) {
			v.add("event_types", "must each be one of %v", WebhookEventTypes)
			break
		}
		if seen[t] {
			v.add("event_types", "must not repeat %s", t)
			break
		}
		seen[t] = true
	}
	v.check(models.OneOf(e.TLPCeiling, models.TLPs), "tlp_ceiling", "must be one of %v", models.TLPs)
	if err := v.err(); err != nil || !ownerSet {
		return err
	}
	var u2 models.User
	if err := tx.Where("id = ?", e.OwnerUserID).Take(&u2).Error; err != nil || u2.Disabled {
		return fieldErr("owner_user_id", "must be an active user")
	}
	return nil
}

// fieldErr is a validation error of one field.
func fieldErr(field, msg string) error {
	var v validator
	v.add(field, "%s", msg)
	return v.err()
}

// CreateWebhook registers an endpoint (administrators) and returns it with
// its secret, which is shown this once.
func (s *Store) CreateWebhook(ctx context.Context, c Caller, in WebhookInput) (*WebhookEndpoint, string, error) {
	if err := requireAdmin(c); err != nil {
		return nil, "", err
	}
	now := s.now()
	e := &WebhookEndpoint{ID: newID(), URL: strings.TrimSpace(in.URL), EventTypes: in.EventTypes, TLPCeiling: in.TLPCeiling,
		OwnerUserID: in.OwnerUserID, Secret: newWebhookSecret(), Enabled: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	if e.TLPCeiling == "" {
		e.TLPCeiling = "GREEN"
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := s.checkWebhook(tx, e, true); err != nil {
			return err
		}
		if err := tx.Create(e).Error; err != nil {
			return err
		}
		return s.audit(tx, c, "create", "webhook_endpoint", e.ID, diff(nil, webhookAudit(e)))
	})
	if err != nil {
		return nil, "", err
	}
	return e, e.Secret, nil
}

// webhookAudit is what the audit trail keeps of an endpoint: not its secret.
func webhookAudit(e *WebhookEndpoint) any {
	return struct {
		URL, TLPCeiling, OwnerUserID string
		EventTypes                   string
		Enabled                      bool
	}{e.URL, e.TLPCeiling, e.OwnerUserID, strings.Join(e.EventTypes, ","), e.Enabled}
}

// ListWebhooks lists the endpoints (administrators).
func (s *Store) ListWebhooks(ctx context.Context, c Caller, p Page) ([]WebhookEndpoint, *string, error) {
	if err := requireAdminRead(c); err != nil {
		return nil, nil, err
	}
	q, _, name, err := applyPage(s.read(ctx).Model(&WebhookEndpoint{}), webhookSorts, p, "webhook_endpoints")
	if err != nil {
		return nil, nil, err
	}
	var rows []WebhookEndpoint
	if err := q.Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(e WebhookEndpoint) (any, string) { return e.CreatedAt, e.ID })
	return rows, next, nil
}

var webhookSorts = newSortSet("created_at", map[string]sortKey{"created_at": {expr: "webhook_endpoints.created_at", isTime: true}})

// requireAdminRead admits administrators, read-only tokens included.
func requireAdminRead(c Caller) error {
	if c.Role != models.RoleAdmin {
		return newErr(ErrForbidden, "only administrators manage webhooks")
	}
	return nil
}

// GetWebhook is one endpoint (administrators).
func (s *Store) GetWebhook(ctx context.Context, c Caller, id string) (*WebhookEndpoint, error) {
	if err := requireAdminRead(c); err != nil {
		return nil, err
	}
	var e WebhookEndpoint
	if err := s.read(ctx).Where("id = ?", id).Take(&e).Error; err != nil {
		return nil, translate(err, "webhook")
	}
	return &e, nil
}

// UpdateWebhook changes an endpoint.
func (s *Store) UpdateWebhook(ctx context.Context, c Caller, id string, p WebhookPatch) (*WebhookEndpoint, error) {
	if err := requireAdmin(c); err != nil {
		return nil, err
	}
	if err := refuseNulls(p); err != nil {
		return nil, err
	}
	var out WebhookEndpoint
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&out).Error; err != nil {
			return translate(err, "webhook")
		}
		if err := checkVersion(p.IfVersion, out.Version, "webhook"); err != nil {
			return err
		}
		before := out
		setIf(&out.URL, p.URL, strings.TrimSpace)
		setIf(&out.EventTypes, p.EventTypes, nil)
		setIf(&out.TLPCeiling, p.TLPCeiling, nil)
		setIf(&out.OwnerUserID, p.OwnerUserID, nil)
		if p.Enabled.Set {
			if p.Enabled.V && !out.Enabled {
				out.ConsecutiveFailures, out.DisabledReason = 0, ""
			}
			if !p.Enabled.V && out.Enabled {
				out.DisabledReason = "disabled by an administrator"
			}
			out.Enabled = p.Enabled.V
		}
		if err := s.checkWebhook(tx, &out, p.OwnerUserID.Set); err != nil {
			return err
		}
		out.Version++
		out.UpdatedAt = s.now()
		if err := saveVersioned(tx, &out, &out.Version, before.Version, out.ID); err != nil {
			return err
		}
		return s.audit(tx, c, "update", "webhook_endpoint", out.ID, diff(webhookAudit(&before), webhookAudit(&out)))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RotateWebhookSecret gives an endpoint a new secret and returns it, once.
func (s *Store) RotateWebhookSecret(ctx context.Context, c Caller, id string) (*WebhookEndpoint, string, error) {
	if err := requireAdmin(c); err != nil {
		return nil, "", err
	}
	var out WebhookEndpoint
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&out).Error; err != nil {
			return translate(err, "webhook")
		}
		before := out.Version
		out.Secret, out.UpdatedAt = newWebhookSecret(), s.now()
		out.Version++
		if err := saveVersioned(tx, &out, &out.Version, before, out.ID); err != nil {
			return err
		}
		return s.audit(tx, c, "rotate_secret", "webhook_endpoint", out.ID, nil)
	})
	if err != nil {
		return nil, "", err
	}
	return &out, out.Secret, nil
}

// DeleteWebhook removes an endpoint and its deliveries.
func (s *Store) DeleteWebhook(ctx context.Context, c Caller, id string, ifVersion *int) error {
	if err := requireAdmin(c); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		var e WebhookEndpoint
		if err := tx.Where("id = ?", id).Take(&e).Error; err != nil {
			return translate(err, "webhook")
		}
		if err := checkVersion(ifVersion, e.Version, "webhook"); err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM webhook_deliveries WHERE endpoint_id = ?", id).Error; err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM webhook_endpoints WHERE id = ?", id).Error; err != nil {
			return err
		}
		return s.audit(tx, c, "delete", "webhook_endpoint", id, diff(webhookAudit(&e), nil))
	})
}

var deliverySorts = newSortSet("-created_at", map[string]sortKey{"created_at": {expr: "webhook_deliveries.created_at", isTime: true}})

// ListDeliveries is an endpoint's delivery log, newest first.
func (s *Store) ListDeliveries(ctx context.Context, c Caller, endpointID string, p Page) ([]WebhookDelivery, *string, error) {
	if _, err := s.GetWebhook(ctx, c, endpointID); err != nil {
		return nil, nil, err
	}
	q, _, name, err := applyPage(s.read(ctx).Model(&WebhookDelivery{}).Where("endpoint_id = ?", endpointID), deliverySorts, p, "webhook_deliveries")
	if err != nil {
		return nil, nil, err
	}
	var rows []WebhookDelivery
	if err := q.Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(d WebhookDelivery) (any, string) { return d.CreatedAt, d.ID })
	return rows, next, nil
}

// Redeliver sends a delivery again, whatever became of it.
func (s *Store) Redeliver(ctx context.Context, c Caller, endpointID, deliveryID string) (*WebhookDelivery, error) {
	if err := requireAdmin(c); err != nil {
		return nil, err
	}
	var d WebhookDelivery
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("id = ? AND endpoint_id = ?", deliveryID, endpointID).Take(&d).Error; err != nil {
			return translate(err, "delivery")
		}
		d.State, d.Error = "pending", ""
		if err := tx.Exec("UPDATE webhook_deliveries SET state = 'pending', error = '' WHERE id = ?", d.ID).Error; err != nil {
			return err
		}
		return s.enqueueDelivery(tx, d.ID)
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// SendTestEvent makes a delivery of a test event to an endpoint, whatever
// the event types it takes.
func (s *Store) SendTestEvent(ctx context.Context, c Caller, endpointID string) (*WebhookDelivery, error) {
	if err := requireAdmin(c); err != nil {
		return nil, err
	}
	var d *WebhookDelivery
	err := s.write(ctx, func(tx *gorm.DB) error {
		var e WebhookEndpoint
		if err := tx.Where("id = ?", endpointID).Take(&e).Error; err != nil {
			return translate(err, "webhook")
		}
		now := s.now()
		payload, _ := json.Marshal(map[string]any{"type": WebhookTestEvent, "timestamp": now.UTC().Format(time.RFC3339Nano),
			"data": map[string]any{"endpoint_id": e.ID}})
		var err error
		d, err = s.addDelivery(tx, &WebhookDelivery{EndpointID: e.ID, EventID: "test:" + newID(), EventType: WebhookTestEvent,
			Payload: string(payload), EventAt: now})
		return err
	})
	return d, err
}

// addDelivery records a delivery and enqueues its sending; an event an
// endpoint already has is not added again (nil).
func (s *Store) addDelivery(tx *gorm.DB, d *WebhookDelivery) (*WebhookDelivery, error) {
	d.ID, d.State, d.CreatedAt = newID(), "pending", s.now()
	res := tx.Exec(`INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, payload, entity, entity_id, meeting_id, event_at, state, attempts, error, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, '', ?) ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
		d.ID, d.EndpointID, d.EventID, d.EventType, d.Payload, d.Entity, d.EntityID, d.MeetingID, d.EventAt, d.CreatedAt)
	if res.Error != nil || res.RowsAffected == 0 {
		return nil, res.Error
	}
	return d, s.enqueueDelivery(tx, d.ID)
}

// enqueueDelivery enqueues a delivery's sending, inside tx.
func (s *Store) enqueueDelivery(tx *gorm.DB, id string) error {
	q, sqlTx, err := s.queueTx(tx)
	if err != nil {
		return err
	}
	if q == nil {
		return errors.New("webhooks need the job queue, which is not running")
	}
	return q.Deliver(tx.Statement.Context, sqlTx, id)
}

// hasWebhooks reports, inside tx, whether any endpoint is enabled: only
// then does a change need a job.
func (s *Store) hasWebhooks(tx *gorm.DB) (bool, error) {
	var n int64
	err := tx.Raw("SELECT COUNT(*) FROM (SELECT 1 FROM webhook_endpoints WHERE enabled = " + s.boolSQL(true) + " LIMIT 1) x").Scan(&n).Error
	return n > 0, err
}

func (s *Store) boolSQL(b bool) string {
	switch {
	case s.dialect == Postgres && b:
		return "TRUE"
	case s.dialect == Postgres:
		return "FALSE"
	case b:
		return "1"
	}
	return "0"
}

// Render shows a record to a caller as the API would: entity is
// "meeting", "action_item" or "update"; a record the caller may not see is
// an ErrNotFound.
type Render func(ctx context.Context, c Caller, entity, id string) (any, error)

// CallerByUserID is the caller of an active user.
func (s *Store) CallerByUserID(ctx context.Context, id string) (Caller, error) {
	var u models.User
	if err := s.read(ctx).Where("id = ?", id).Take(&u).Error; err != nil {
		return Caller{}, translate(err, "user")
	}
	if u.Disabled {
		return Caller{}, newErr(ErrForbidden, "the user is disabled")
	}
	return s.userCaller(s.read(ctx), &u)
}

// webhookEvent is what a change sends: its types, its meeting, and what
// each endpoint's owner is shown of it.
type webhookEvent struct {
	types     []string
	meetingID string
	entity    string // what render shows: meeting, action_item or update; "" for a deletion
	id        string
}

// webhookData is what the owner of endpoint e is sent of an event of the
// meeting meetingID (deleted or not), rendered now, or why nothing is:
// an event of a meeting the owner may not see is never sent, whether or
// not they own an item of it, and only then is the meeting's TLP held
// against the endpoint's ceiling (so that no delivery tells of a hidden
// meeting's TLP).
func (s *Store) webhookData(ctx context.Context, owner Caller, e *WebhookEndpoint, meetingID, entity, id string, render Render) (any, string, error) {
	cond, args := visibleSQL(s.dialect, owner)
	var m struct {
		TLP       string
		DeletedAt *time.Time
	}
	q := s.read(ctx).Table("meetings").Select("tlp, deleted_at").Where("meetings.id = ?", meetingID).Where(cond, args...)
	if err := q.Take(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, "not sent: the endpoint's owner may not see the meeting", nil
		}
		return nil, "", err
	}
	if slices.Index(models.TLPs, m.TLP) > slices.Index(models.TLPs, e.TLPCeiling) {
		return nil, "not sent: the meeting is above the endpoint's TLP ceiling", nil
	}
	if entity == "" { // a deletion: its id alone
		return map[string]any{"id": id}, "", nil
	}
	if m.DeletedAt != nil {
		return nil, "not sent: the meeting was deleted", nil
	}
	data, err := render(ctx, owner, entity, id)
	if errors.Is(err, ErrNotFound) {
		return nil, "not sent: the endpoint's owner may no longer see it", nil
	}
	return data, "", err
}

// QueueWebhooks makes the deliveries of a recorded change to the enabled
// endpoints that take its type and whose owner may see it, and enqueues
// their sending; each attempt renders it again for the owner as they may
// see it then (PrepareDelivery). It may run more than once for a change:
// an endpoint gets each event once.
func (s *Store) QueueWebhooks(ctx context.Context, ev ChangeEvent, render Render) error {
	db := s.read(ctx)
	var endpoints []WebhookEndpoint
	if err := db.Where("enabled = ?", true).Order("id").Find(&endpoints).Error; err != nil || len(endpoints) == 0 {
		return err
	}
	var ae models.AuditEvent
	if err := db.Where("id = ?", ev.AuditID).Take(&ae).Error; err != nil {
		return ignoreNotFound(err)
	}
	var changes map[string]Change
	if err := json.Unmarshal([]byte(ae.Changes), &changes); err != nil {
		return err
	}
	we, err := s.webhookEventOf(db, ev, changes)
	if err != nil || we == nil {
		return err
	}
	var out []*WebhookDelivery
	for i := range endpoints {
		e := &endpoints[i]
		owner, err := s.CallerByUserID(ctx, e.OwnerUserID)
		if err != nil {
			continue // a disabled or deleted owner sees nothing
		}
		data, why, err := s.webhookData(ctx, owner, e, we.meetingID, we.entity, we.id, render)
		if err != nil {
			return err
		}
		if why != "" {
			continue
		}
		for _, t := range we.types {
			if !slices.Contains(e.EventTypes, t) {
				continue
			}
			payload, err := webhookPayload(t, ae.At, data)
			if err != nil {
				return err
			}
			out = append(out, &WebhookDelivery{EndpointID: e.ID, EventID: ev.AuditID + ":" + t, EventType: t, Payload: string(payload),
				Entity: we.entity, EntityID: we.id, MeetingID: we.meetingID, EventAt: ae.At})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		for _, d := range out {
			if _, err := s.addDelivery(tx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func webhookPayload(eventType string, at time.Time, data any) ([]byte, error) {
	return json.Marshal(map[string]any{"type": eventType, "timestamp": at.UTC().Format(time.RFC3339Nano), "data": data})
}

// webhookEventOf is the webhook event of a change, or nil.
func (s *Store) webhookEventOf(db *gorm.DB, ev ChangeEvent, changes map[string]Change) (*webhookEvent, error) {
	verb := map[string]string{"create": "created", "update": "updated", "delete": "deleted"}[ev.Action]
	if verb == "" {
		return nil, nil
	}
	we := &webhookEvent{id: ev.EntityID}
	switch ev.EntityType {
	case "meeting":
		we.types, we.meetingID, we.entity = []string{"meeting." + verb}, ev.EntityID, "meeting"
	case "attendee":
		// The meeting as its owner sees it now, attendance redacted: an
		// attendee's own id would tell of a withheld attendee.
		mid, _ := changes["meeting_id"].After.(string)
		if mid == "" {
			mid, _ = changes["meeting_id"].Before.(string)
		}
		if mid == "" {
			if err := db.Table("attendees").Select("meeting_id").Where("id = ?", ev.EntityID).Scan(&mid).Error; err != nil {
				return nil, err
			}
		}
		return &webhookEvent{types: []string{"attendee." + verb}, meetingID: mid, entity: "meeting", id: mid}, nil
	case "action_item":
		var it models.ActionItem
		if err := db.Where("id = ?", ev.EntityID).Take(&it).Error; err != nil {
			return nil, ignoreNotFound(err)
		}
		we.types, we.meetingID, we.entity = []string{"action_item." + verb}, it.MeetingID, "action_item"
		if _, ok := changes["status"]; ok && ev.Action == "update" {
			we.types = append(we.types, "action_item.status_changed")
		}
	case "action_item_update":
		var u models.ActionItemUpdate
		if err := db.Where("id = ?", ev.EntityID).Take(&u).Error; err != nil {
			return nil, ignoreNotFound(err)
		}
		var it models.ActionItem
		if err := db.Where("id = ?", u.ActionItemID).Take(&it).Error; err != nil {
			return nil, ignoreNotFound(err)
		}
		we.types, we.meetingID, we.entity = []string{"update.created"}, it.MeetingID, "update"
	default:
		return nil, nil
	}
	if ev.Action == "delete" {
		we.entity = ""
	}
	return we, nil
}

// Outgoing is a delivery ready to send: its payload rendered now.
type Outgoing struct {
	ID, URL, Secret string
	Payload         []byte
}

// PrepareDelivery renders a delivery for its endpoint's owner as they may
// see it now. It returns nil and why when it is not to be sent (any
// more): the endpoint is disabled or no longer takes the event, its owner
// is disabled or may no longer see the meeting, the meeting is above the
// ceiling; nil and "" when it was sent already.
func (s *Store) PrepareDelivery(ctx context.Context, id string, render Render) (*Outgoing, string, error) {
	db := s.read(ctx)
	var d WebhookDelivery
	if err := db.Where("id = ?", id).Take(&d).Error; err != nil {
		return nil, "", translate(err, "delivery")
	}
	var e WebhookEndpoint
	if err := db.Where("id = ?", d.EndpointID).Take(&e).Error; err != nil {
		return nil, "", translate(err, "webhook")
	}
	out := &Outgoing{ID: d.ID, URL: e.URL, Secret: e.Secret, Payload: []byte(d.Payload)}
	switch {
	case d.State == "succeeded":
		return nil, "", nil
	case !e.Enabled:
		return nil, "not sent: the endpoint is disabled", nil
	case d.EventType == WebhookTestEvent:
		return out, "", nil
	case !slices.Contains(e.EventTypes, d.EventType):
		return nil, "not sent: the endpoint no longer takes this event", nil
	}
	owner, err := s.CallerByUserID(ctx, e.OwnerUserID)
	if err != nil {
		return nil, "not sent: the endpoint's owner is disabled", nil
	}
	data, why, err := s.webhookData(ctx, owner, &e, d.MeetingID, d.Entity, d.EntityID, render)
	if err != nil || why != "" {
		return nil, why, err
	}
	if out.Payload, err = webhookPayload(d.EventType, d.EventAt, data); err != nil {
		return nil, "", err
	}
	return out, "", nil
}

// AbandonDelivery ends a delivery that will not be sent, with why.
func (s *Store) AbandonDelivery(ctx context.Context, id, why string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		return tx.Exec("UPDATE webhook_deliveries SET state = 'failed', error = ? WHERE id = ? AND state = 'pending'", why, id).Error
	})
}

// DeliveryAttempt is the outcome of one attempt to send a delivery.
type DeliveryAttempt struct {
	Payload []byte // what was sent
	Status  *int   // the response's status, if one came
	Latency time.Duration
	Err     string // why it failed; "" when it succeeded
	Final   bool   // no attempt follows: a failure is the delivery's end
}

// RecordDeliveryAttempt keeps an attempt's outcome. A delivery that fails
// its last attempt disables its endpoint, whose receiver has then failed
// for about a day.
func (s *Store) RecordDeliveryAttempt(ctx context.Context, id string, a DeliveryAttempt) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var d WebhookDelivery
		if err := tx.Where("id = ?", id).Take(&d).Error; err != nil {
			return ignoreNotFound(err) // the endpoint was deleted meanwhile
		}
		state := "pending"
		switch {
		case a.Err == "":
			state = "succeeded"
		case a.Final:
			state = "failed"
		}
		ms := a.Latency.Milliseconds()
		now := s.now()
		if err := tx.Exec(`UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, response_status = ?, latency_ms = ?, error = ?, last_attempt_at = ?, payload = ? WHERE id = ?`,
			state, a.Status, ms, a.Err, now, string(a.Payload), id).Error; err != nil {
			return err
		}
		switch state {
		case "succeeded":
			return tx.Exec("UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = ?", d.EndpointID).Error
		case "failed":
			return tx.Exec(`UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1, enabled = ?,
				disabled_reason = 'a delivery failed every attempt for about a day: enable the endpoint again once its receiver works', updated_at = ?, version = version + 1
				WHERE id = ?`, false, now, d.EndpointID).Error
		}
		return nil
	})
}

// GetUpdate is one entry of an item's follow-up log as the caller may see
// it, with its item's id.
func (s *Store) GetUpdate(ctx context.Context, c Caller, id string) (*UpdateView, error) {
	var u models.ActionItemUpdate
	if err := s.read(ctx).Where("id = ?", id).Take(&u).Error; err != nil {
		return nil, translate(err, "update")
	}
	p := Page{Limit: 200}
	for {
		rows, next, err := s.ListUpdates(ctx, c, u.ActionItemID, p)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			if rows[i].ID == id {
				return &rows[i], nil
			}
		}
		if next == nil {
			return nil, newErr(ErrNotFound, "update not found")
		}
		p.Cursor = *next
	}
}
