package store

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"liaison/models"
)

// UpdateInput adds an entry to an action item's follow-up log; a Status
// changes the item's status in the same transaction.
type UpdateInput struct {
	Body   string
	Status *string
	// IfVersion, when set, is the item's version the update was written
	// against: another is a 412, as for a PATCH.
	IfVersion *int
}

// CreateUpdate appends a follow-up entry to an action item the caller may
// change (coordinators, or a participant who owns it).
func (s *Store) CreateUpdate(ctx context.Context, c Caller, itemID string, in UpdateInput) (*models.ActionItemUpdate, error) {
	var out models.ActionItemUpdate
	err := s.write(ctx, func(tx *gorm.DB) error {
		a, err := s.loadEditableItem(tx, c, itemID, true)
		if err != nil {
			return err
		}
		if err := checkVersion(in.IfVersion, a.Version, "action item"); err != nil {
			return err
		}
		var v validator
		body := strings.TrimSpace(in.Body)
		v.check(body != "" && len(body) <= 10000, "body", "must be 1 to 10000 characters")
		if in.Status != nil {
			v.check(models.OneOf(*in.Status, models.ActionStatuses), "status", "must be one of %v", models.ActionStatuses)
		}
		if err := v.err(); err != nil {
			return err
		}
		u := models.ActionItemUpdate{ID: newID(), ActionItemID: a.ID, AuthorID: c.UserID, Body: body, CreatedAt: s.now()}
		if in.Status != nil && *in.Status != a.Status {
			before := *a
			from, to := a.Status, *in.Status
			u.StatusFrom, u.StatusTo = &from, &to
			s.applyStatus(a, to)
			if err := saveVersioned(tx, a, &a.Version, before.Version, a.ID); err != nil {
				return err
			}
			if err := s.audit(tx, c, "update", "action_item", a.ID, diff(&before, a)); err != nil {
				return err
			}
		}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		out = u
		return s.audit(tx, c, "create", "action_item_update", u.ID, diff(nil, &u))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

var updateSorts = newSortSet("created_at", map[string]sortKey{"created_at": {expr: "action_item_updates.created_at", isTime: true}})

// UpdateView is an update as the caller may see it: its author is left out
// where the author attended the item's meeting withheld from the caller,
// since the same author id elsewhere would name them.
type UpdateView struct {
	models.ActionItemUpdate
	AuthorRedacted bool
}

// ListUpdates pages through an action item's follow-up log, oldest first.
func (s *Store) ListUpdates(ctx context.Context, c Caller, itemID string, p Page) ([]UpdateView, *string, error) {
	ctx, end := s.snapshot(ctx)
	defer end()
	db := s.read(ctx)
	var meetingIDs []string
	if err := s.visibleActionItems(db, c).Where("action_items.id = ?", itemID).Pluck("action_items.meeting_id", &meetingIDs).Error; err != nil {
		return nil, nil, err
	}
	if len(meetingIDs) == 0 {
		return nil, nil, newErr(ErrNotFound, "action item not found")
	}
	q := db.Model(&models.ActionItemUpdate{}).Where("action_item_id = ?", itemID)
	q, _, name, err := applyPage(q, updateSorts, p, "action_item_updates")
	if err != nil {
		return nil, nil, err
	}
	var rows []models.ActionItemUpdate
	if err := q.Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	rows, next := nextCursor(rows, p, name, func(u models.ActionItemUpdate) (any, string) { return u.CreatedAt, u.ID })
	out := make([]UpdateView, len(rows))
	for i, u := range rows {
		out[i] = UpdateView{ActionItemUpdate: u}
	}
	if err := s.redactAuthors(db, c, meetingIDs[0], out); err != nil {
		return nil, nil, err
	}
	return out, next, nil
}

// redactAuthors leaves out the authors whose person, or whose person's
// organisation, the meeting withholds from the caller.
func (s *Store) redactAuthors(db *gorm.DB, c Caller, meetingID string, ups []UpdateView) error {
	if c.Privileged() || len(ups) == 0 {
		return nil
	}
	// On an item seen as its owner, the meeting's attendance tells nothing.
	if seen, err := s.visibleMeetingSet(db.Statement.Context, c, []string{meetingID}); err != nil || !seen[meetingID] {
		return err
	}
	w, err := s.withheldOwners(db, c, []string{meetingID})
	if err != nil || (len(w.people) == 0 && len(w.orgs) == 0) {
		return err
	}
	var authors []string
	for _, u := range ups {
		authors = append(authors, u.AuthorID)
	}
	var who []struct{ ID, PersonID, OrganizationID string }
	if err := db.Table("users").Select("users.id, people.id AS person_id, people.organization_id").
		Joins("JOIN people ON people.id = users.person_id").Where("users.id IN ?", uniq(authors)).Scan(&who).Error; err != nil {
		return err
	}
	hidden := map[string]bool{}
	for _, a := range who {
		hidden[a.ID] = a.ID != c.UserID && (w.person(meetingID, a.PersonID) || w.org(meetingID, a.OrganizationID))
	}
	for i := range ups {
		if hidden[ups[i].AuthorID] {
			ups[i].AuthorID, ups[i].AuthorRedacted = "", true
		}
	}
	return nil
}
