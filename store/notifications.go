package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

// Notifications tell a user of action items: one assigned to them or
// their organisation, a status change or an update on one they own or
// created (made in the change's own transaction), one due soon or newly
// overdue (made by the job queue's periodic job). A notification names only its
// item; what a user reads of it is the item as they may see it when they
// read it, and a notification whose item they may no longer see is not
// shown at all, nor counted.

// Notification kinds.
const (
	NotifyAssigned      = "assigned"
	NotifyStatusChanged = "status_changed"
	NotifyUpdateAdded   = "update_added"
	NotifyDueSoon       = "due_soon"
	NotifyOverdue       = "overdue"
)

// NotificationKinds lists the kinds, for the API's filter.
var NotificationKinds = []string{NotifyAssigned, NotifyStatusChanged, NotifyUpdateAdded, NotifyDueSoon, NotifyOverdue}

// DueSoonDays is how many days ahead an open item's due date brings a
// reminder; OverdueDays how many days after it one newly overdue does
// (older ones were overdue before reminders could tell of them).
const (
	DueSoonDays = 3
	OverdueDays = 7
)

// notificationRow is a row of the notifications table. Dedupe makes
// each notification once per user whatever the number of times the job
// that makes it runs.
type notificationRow struct {
	ID           string
	UserID       string
	Kind         string
	ActionItemID string
	StatusFrom   *string
	StatusTo     *string
	Dedupe       string
	CreatedAt    time.Time
	ReadAt       *time.Time
}

func (notificationRow) TableName() string { return "notifications" }

// NotificationView is a notification as its recipient sees it now.
type NotificationView struct {
	ID         string
	Kind       string
	StatusFrom *string
	StatusTo   *string
	CreatedAt  time.Time
	ReadAt     *time.Time
	Item       ActionItemView
}

// NotificationFilter narrows a user's notifications.
type NotificationFilter struct {
	Unread bool
}

var notificationSorts = newSortSet("-created_at", map[string]sortKey{"created_at": {expr: "notifications.created_at", isTime: true}})

// visibleNotifications is the caller's notifications whose items the
// caller may see now.
func (s *Store) visibleNotifications(db *gorm.DB, c Caller) *gorm.DB {
	return s.visibleActionItems(db, c).
		Joins("JOIN notifications ON notifications.action_item_id = action_items.id").
		Where("notifications.user_id = ?", c.UserID)
}

// ListNotifications pages through the caller's notifications, newest
// first.
func (s *Store) ListNotifications(ctx context.Context, c Caller, f NotificationFilter, p Page) ([]NotificationView, *string, error) {
	ctx, end := s.snapshot(ctx)
	defer end()
	if c.UserID == "" {
		return nil, nil, newErr(ErrForbidden, "only a signed-in user has notifications")
	}
	db := s.read(ctx)
	q := s.visibleNotifications(db, c).Select("notifications.*")
	if f.Unread {
		q = q.Where("notifications.read_at IS NULL")
	}
	q, _, name, err := applyPage(q, notificationSorts, p, "notifications")
	if err != nil {
		return nil, nil, err
	}
	var rows []notificationRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(n notificationRow) (any, string) { return n.CreatedAt, n.ID })
	if len(rows) == 0 {
		return []NotificationView{}, next, nil
	}
	ids := make([]string, len(rows))
	for i, n := range rows {
		ids[i] = n.ActionItemID
	}
	var items []models.ActionItem
	if err := s.visibleActionItems(db, c).Select("action_items.*").Where("action_items.id IN ?", ids).Find(&items).Error; err != nil {
		return nil, nil, err
	}
	views, err := s.expandActionItems(db, c, items)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[string]ActionItemView, len(views))
	for _, v := range views {
		byID[v.ID] = v
	}
	out := make([]NotificationView, 0, len(rows))
	for _, n := range rows {
		item, ok := byID[n.ActionItemID]
		if !ok { // gone between the two reads
			continue
		}
		out = append(out, NotificationView{ID: n.ID, Kind: n.Kind, StatusFrom: n.StatusFrom, StatusTo: n.StatusTo,
			CreatedAt: n.CreatedAt, ReadAt: n.ReadAt, Item: item})
	}
	return out, next, nil
}

// UnreadNotifications counts the caller's unread notifications.
func (s *Store) UnreadNotifications(ctx context.Context, c Caller) (int64, error) {
	if c.UserID == "" {
		return 0, nil
	}
	var n int64
	err := s.visibleNotifications(s.read(ctx), c).Where("notifications.read_at IS NULL").Count(&n).Error
	return n, err
}

// MarkNotificationRead marks one of the caller's notifications read; one
// the caller may not see is not found.
func (s *Store) MarkNotificationRead(ctx context.Context, c Caller, id string) error {
	if c.UserID == "" {
		return newErr(ErrNotFound, "notification not found")
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := s.visibleNotifications(tx, c).Where("notifications.id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return newErr(ErrNotFound, "notification not found")
		}
		return tx.Exec("UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL", s.now(), id).Error
	})
}

// MarkAllNotificationsRead marks every notification of the caller read,
// and returns how many it marked.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, c Caller) (int64, error) {
	if c.UserID == "" {
		return 0, nil
	}
	var marked int64
	err := s.write(ctx, func(tx *gorm.DB) error {
		// Only those the caller may see: the count marked must not tell
		// of notifications whose items the caller lost.
		visible := s.visibleNotifications(tx, c).Select("notifications.id").Where("notifications.read_at IS NULL")
		res := tx.Exec("UPDATE notifications SET read_at = ? WHERE id IN (?)", s.now(), visible)
		marked = res.RowsAffected
		return res.Error
	})
	return marked, err
}

// notifyChange makes the notifications a change brings, inside the
// change's transaction tx: actor made it at at; changes is the audit
// trail's JSON of it.
func (s *Store) notifyChange(tx *gorm.DB, ev ChangeEvent, actor string, changes []byte, at time.Time) error {
	type note struct {
		kind     string
		creator  bool // the item's creator is told too
		from, to *string
	}
	var itemID string
	var notes []note
	switch {
	case ev.EntityType == "action_item" && ev.Action == "create":
		itemID = ev.EntityID
		notes = append(notes, note{kind: NotifyAssigned})
	case ev.EntityType == "action_item" && ev.Action == "update":
		var ch map[string]Change
		if err := json.Unmarshal(changes, &ch); err != nil {
			return err
		}
		itemID = ev.EntityID
		_, person := ch["owner_person_id"]
		_, org := ch["owner_organization_id"]
		if person || org {
			notes = append(notes, note{kind: NotifyAssigned})
		}
		if st, ok := ch["status"]; ok {
			from, _ := st.Before.(string)
			to, _ := st.After.(string)
			notes = append(notes, note{kind: NotifyStatusChanged, creator: true, from: &from, to: &to})
		}
	case ev.EntityType == "action_item_update" && ev.Action == "create":
		var u models.ActionItemUpdate
		if err := tx.Where("id = ?", ev.EntityID).Take(&u).Error; err != nil {
			return err
		}
		itemID = u.ActionItemID
		notes = append(notes, note{kind: NotifyUpdateAdded, creator: true})
	}
	if len(notes) == 0 {
		return nil
	}
	var item models.ActionItem
	if err := tx.Where("id = ? AND deleted_at IS NULL", itemID).Take(&item).Error; err != nil {
		return ignoreNotFound(err)
	}
	owners, err := s.ownerUsers(tx, item)
	if err != nil {
		return err
	}
	creator := ""
	if item.CreatedBy != "" && item.CreatedBy != actor {
		// Only a user who is one and active: items made by the command
		// line, or by a user since disabled, tell nobody.
		var ids []string
		if err := tx.Table("users").Where("id = ? AND disabled = ?", item.CreatedBy, false).Pluck("id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 1 {
			creator = ids[0]
		}
	}
	for _, nt := range notes {
		to := owners
		if nt.creator && creator != "" {
			to = append(append([]string{}, owners...), creator)
		}
		seen := map[string]bool{actor: true} // nobody is told of their own change
		for _, u := range to {
			if seen[u] {
				continue
			}
			seen[u] = true
			n := notificationRow{ID: newID(), UserID: u, Kind: nt.kind, ActionItemID: item.ID,
				StatusFrom: nt.from, StatusTo: nt.to, Dedupe: ev.AuditID + ":" + nt.kind, CreatedAt: at}
			if err := s.insertNotification(tx, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// ownerUsers is the users an item's owner is: the user of its owner
// person, or when it names only an organisation, the users of that
// organisation's people. Disabled users are left out.
func (s *Store) ownerUsers(db *gorm.DB, item models.ActionItem) ([]string, error) {
	var ids []string
	q := db.Table("users").Where("users.disabled = ?", false)
	switch {
	case item.OwnerPersonID != nil:
		q = q.Where("users.person_id = ?", *item.OwnerPersonID)
	case item.OwnerOrganizationID != nil:
		q = q.Where("users.person_id IN (SELECT id FROM people WHERE organization_id = ?)", *item.OwnerOrganizationID)
	default:
		return nil, nil
	}
	err := q.Order("users.id").Pluck("users.id", &ids).Error
	return ids, err
}

// insertNotification adds a notification, unless its user has it.
func (s *Store) insertNotification(tx *gorm.DB, n notificationRow) error {
	_, err := s.execTx(tx, `INSERT INTO notifications (id, user_id, kind, action_item_id, status_from, status_to, dedupe, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, dedupe) DO NOTHING`,
		n.ID, n.UserID, n.Kind, n.ActionItemID, n.StatusFrom, n.StatusTo, n.Dedupe, n.CreatedAt)
	return err
}

// NotifyDue tells the owners of open items due in the next DueSoonDays
// days, or overdue since fewer than OverdueDays days, of them: once per
// item, kind and due date. It returns how many notifications it made.
func (s *Store) NotifyDue(ctx context.Context) (int, error) {
	today := s.today()
	db := s.read(ctx)
	type due struct {
		ItemID, UserID string
		DueOn          models.Date
	}
	var rows []notificationRow
	for _, w := range []struct {
		kind     string
		from, to models.Date
	}{
		{NotifyDueSoon, today, today.AddDays(DueSoonDays)},
		{NotifyOverdue, today.AddDays(-OverdueDays), today.AddDays(-1)},
	} {
		var found []due
		err := db.Raw(`SELECT a.id AS item_id, u.id AS user_id, a.due_on AS due_on
			FROM action_items a JOIN meetings m ON m.id = a.meeting_id AND m.deleted_at IS NULL
			JOIN users u ON u.disabled = ? AND (u.person_id = a.owner_person_id
				OR (a.owner_person_id IS NULL AND u.person_id IN (SELECT p.id FROM people p WHERE p.organization_id = a.owner_organization_id)))
			WHERE a.status IN ('open','in_progress','blocked') AND a.due_on >= ? AND a.due_on <= ? AND a.deleted_at IS NULL
			AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.dedupe = CAST(? AS TEXT) || ':' || a.id || ':' || CAST(a.due_on AS TEXT))
			ORDER BY a.due_on, a.id, u.id`, false, w.from, w.to, w.kind).Scan(&found).Error
		if err != nil {
			return 0, err
		}
		for _, f := range found {
			rows = append(rows, notificationRow{ID: newID(), UserID: f.UserID, Kind: w.kind, ActionItemID: f.ItemID,
				Dedupe: w.kind + ":" + f.ItemID + ":" + f.DueOn.String(), CreatedAt: s.now()})
		}
	}
	made := len(rows)
	for len(rows) > 0 {
		batch := rows[:min(len(rows), 500)]
		rows = rows[len(batch):]
		err := s.write(ctx, func(tx *gorm.DB) error {
			for _, n := range batch {
				if err := s.insertNotification(tx, n); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return made, nil
}

func ignoreNotFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	return err
}
