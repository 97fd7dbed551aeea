package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

// E-mail reminders: each user chooses a digest of the action items they
// own that are due soon or overdue, daily or weekly (Monday), at an hour
// of their own time zone, or none; coordinators and administrators get,
// at the same hour, a weekly digest of overdue items by organisation.
// The queue's periodic job (ScheduleDigests) records each digest once per
// user, kind and period, so it is sent once whatever the number of
// servers and restarts.

// Reminder frequencies.
var ReminderFrequencies = []string{"off", "daily", "weekly"}

// Digest kinds.
const (
	DigestOwner       = "owner"       // the user's own items due soon and overdue
	DigestCoordinator = "coordinator" // overdue items by organisation, weekly
)

// DigestDays is how far ahead an owner's digest looks.
const DigestDays = 7

// ReminderPrefs is a user's choice of e-mail reminders.
type ReminderPrefs struct {
	Frequency string `json:"frequency"`
	Hour      int    `json:"hour"`
	Timezone  string `json:"timezone"`
	Version   int    `json:"-"` // the user's version: the ETag
}

// ReminderPatch changes a user's reminders.
type ReminderPatch struct {
	Frequency models.Opt[string] `json:"frequency"`
	Hour      models.Opt[int]    `json:"hour"`
	Timezone  models.Opt[string] `json:"timezone"`
	IfVersion *int               `json:"-"`
}

type reminderRow struct {
	ID               string
	Email            string
	Role             models.Role
	Disabled         bool
	Reminders        string
	ReminderHour     int
	Timezone         string
	UnsubscribeToken *string
	Version          int
}

// Reminders is the caller's choice of e-mail reminders.
func (s *Store) Reminders(ctx context.Context, c Caller) (*ReminderPrefs, error) {
	if c.UserID == "" {
		return nil, newErr(ErrForbidden, "only a signed-in user has reminders")
	}
	var r reminderRow
	if err := s.read(ctx).Table("users").Where("id = ?", c.UserID).Take(&r).Error; err != nil {
		return nil, translate(err, "user")
	}
	return &ReminderPrefs{Frequency: r.Reminders, Hour: r.ReminderHour, Timezone: r.Timezone, Version: r.Version}, nil
}

// SetReminders changes the caller's reminders.
func (s *Store) SetReminders(ctx context.Context, c Caller, p ReminderPatch) (*ReminderPrefs, error) {
	if c.UserID == "" || c.ReadOnly {
		return nil, newErr(ErrForbidden, "only a signed-in user with a write credential may change their reminders")
	}
	if err := refuseNulls(p); err != nil {
		return nil, err
	}
	cur, err := s.Reminders(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(p.IfVersion, cur.Version, "reminders"); err != nil {
		return nil, err
	}
	setIf(&cur.Frequency, p.Frequency, nil)
	setIf(&cur.Hour, p.Hour, nil)
	setIf(&cur.Timezone, p.Timezone, nil)
	var v validator
	v.check(slices.Contains(ReminderFrequencies, cur.Frequency), "frequency", "must be one of %v", ReminderFrequencies)
	v.check(cur.Hour >= 0 && cur.Hour <= 23, "hour", "must be 0 to 23")
	if _, err := time.LoadLocation(cur.Timezone); err != nil || cur.Timezone == "" || cur.Timezone == "Local" {
		v.add("timezone", "must be an IANA time zone such as Europe/London")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	err = s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("UPDATE users SET reminders = ?, reminder_hour = ?, timezone = ?, version = version + 1 WHERE id = ? AND version = ?",
			cur.Frequency, cur.Hour, cur.Timezone, c.UserID, cur.Version)
		if res.Error == nil && res.RowsAffected == 0 {
			return newErr(ErrPrecondition, "the reminders changed meanwhile; read them again")
		}
		return res.Error
	})
	cur.Version++
	return cur, err
}

// Unsubscribe turns off the reminders of the user whose unsubscribe token
// this is (the one-click link of a digest); an unknown token is not found.
func (s *Store) Unsubscribe(ctx context.Context, token string) error {
	if token == "" {
		return newErr(ErrNotFound, "unknown unsubscribe link")
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("UPDATE users SET reminders = 'off', version = version + 1 WHERE unsubscribe_token = ?", token)
		if res.Error == nil && res.RowsAffected == 0 {
			return newErr(ErrNotFound, "unknown unsubscribe link")
		}
		return res.Error
	})
}

// period is the digest period a moment falls in for a user, and whether
// the digest of that period is due: for daily digests the local date,
// once the local hour is reached; for weekly ones the ISO week, from its
// Monday at that hour.
func period(now time.Time, freq string, hour int, loc *time.Location) (string, bool) {
	local := now.In(loc)
	switch freq {
	case "daily":
		return "d:" + local.Format(models.DateLayout), local.Hour() >= hour
	case "weekly":
		y, w := local.ISOWeek()
		monday := local.AddDate(0, 0, -((int(local.Weekday()) + 6) % 7))
		start := time.Date(monday.Year(), monday.Month(), monday.Day(), hour, 0, 0, 0, loc)
		return fmt.Sprintf("w:%d-W%02d", y, w), !local.Before(start)
	}
	return "", false
}

// ScheduleDigests records the digests due now that have not been, and
// enqueues each in the transaction that records it. It returns how many
// it recorded.
func (s *Store) ScheduleDigests(ctx context.Context) (int, error) {
	var users []reminderRow
	if err := s.read(ctx).Table("users").Where("disabled = ? AND reminders <> 'off'", false).Order("id").Find(&users).Error; err != nil {
		return 0, err
	}
	now := s.now()
	made := 0
	for _, u := range users {
		loc, err := time.LoadLocation(u.Timezone)
		if err != nil {
			loc = time.UTC
		}
		type due struct{ kind, period string }
		var dues []due
		if p, ok := period(now, u.Reminders, u.ReminderHour, loc); ok {
			dues = append(dues, due{DigestOwner, p})
		}
		if u.Role.Privileged() {
			if p, ok := period(now, "weekly", u.ReminderHour, loc); ok {
				dues = append(dues, due{DigestCoordinator, p})
			}
		}
		for _, d := range dues {
			// Most rounds find the period's digest recorded: a read
			// spares them a write.
			var n int64
			if err := s.read(ctx).Table("digests").Where("user_id = ? AND kind = ? AND period = ?", u.ID, d.kind, d.period).Count(&n).Error; err != nil {
				return made, err
			}
			if n > 0 {
				continue
			}
			err := s.write(ctx, func(tx *gorm.DB) error {
				res := tx.Exec(`INSERT INTO digests (user_id, kind, period, state, created_at) VALUES (?, ?, ?, 'pending', ?)
					ON CONFLICT (user_id, kind, period) DO NOTHING`, u.ID, d.kind, d.period, now)
				if res.Error != nil || res.RowsAffected == 0 {
					return res.Error
				}
				made++
				q, sqlTx, err := s.queueTx(tx)
				if err != nil || q == nil {
					return err
				}
				return q.Digest(tx.Statement.Context, sqlTx, u.ID, d.kind, d.period)
			})
			if err != nil {
				return made, err
			}
		}
	}
	return made, nil
}

// Digest is what one digest tells its recipient, as the API would show it
// to them now.
type Digest struct {
	UserID, Email, Kind, Period string
	UnsubscribeToken            string
	Items                       []ActionItemView // owner: due soon and overdue, soonest first; coordinator: the most overdue
	More                        bool             // more items than listed
	Organizations               []Bucket         // coordinator: overdue items by owner organisation
	Today                       models.Date      // in the recipient's zone
}

// DigestFor gathers a digest's content, or nil when it has nothing to
// tell or is no longer wanted (the digest is then marked skipped).
func (s *Store) DigestFor(ctx context.Context, userID, kind, per string) (*Digest, error) {
	var u reminderRow
	if err := s.read(ctx).Table("users").Where("id = ?", userID).Take(&u).Error; err != nil {
		return nil, ignoreNotFound(err)
	}
	if u.Disabled || (kind == DigestOwner && u.Reminders == "off") || (kind == DigestCoordinator && (u.Reminders == "off" || !u.Role.Privileged())) {
		return nil, s.MarkDigest(ctx, userID, kind, per, "skipped")
	}
	c, err := s.CallerByUserID(ctx, userID)
	if err != nil {
		return nil, s.MarkDigest(ctx, userID, kind, per, "skipped")
	}
	loc, err := time.LoadLocation(u.Timezone)
	if err != nil {
		loc = time.UTC
	}
	d := &Digest{UserID: u.ID, Email: u.Email, Kind: kind, Period: per, Today: models.DateOf(s.now().In(loc))}
	switch kind {
	case DigestOwner:
		if c.PersonID == "" {
			return nil, s.MarkDigest(ctx, userID, kind, per, "skipped")
		}
		before := d.Today.AddDays(DigestDays + 1)
		items, next, err := s.ListActionItems(ctx, c, ActionItemFilter{OwnerMe: true, Status: []string{"open", "in_progress", "blocked"}, DueBefore: &before},
			Page{Limit: 50, Sort: "due_on"})
		if err != nil {
			return nil, err
		}
		d.Items, d.More = items, next != nil
	case DigestCoordinator:
		buckets, err := s.StatsActionItems(ctx, c, "owner_organization", StatsRange{})
		if err != nil {
			return nil, err
		}
		for _, b := range buckets {
			if b.Overdue > 0 {
				d.Organizations = append(d.Organizations, b)
			}
		}
		slices.SortStableFunc(d.Organizations, func(a, b Bucket) int { return b.Overdue - a.Overdue })
		items, next, err := s.ListActionItems(ctx, c, ActionItemFilter{Overdue: true}, Page{Limit: 10, Sort: "due_on"})
		if err != nil {
			return nil, err
		}
		d.Items, d.More = items, next != nil
	default:
		return nil, fmt.Errorf("unknown digest kind %q", kind)
	}
	if len(d.Items) == 0 && len(d.Organizations) == 0 {
		return nil, s.MarkDigest(ctx, userID, kind, per, "empty")
	}
	token, err := s.unsubscribeToken(ctx, u)
	if err != nil {
		return nil, err
	}
	d.UnsubscribeToken = token
	return d, nil
}

// DigestState is the state of one digest ("" when none is recorded).
func (s *Store) DigestState(ctx context.Context, userID, kind, per string) (string, error) {
	var state string
	err := s.read(ctx).Table("digests").Select("state").Where("user_id = ? AND kind = ? AND period = ?", userID, kind, per).Scan(&state).Error
	return state, err
}

// MarkDigest sets a digest's state: sent, empty or skipped.
func (s *Store) MarkDigest(ctx context.Context, userID, kind, per, state string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var sent any
		if state == "sent" {
			sent = s.now()
		}
		return tx.Exec("UPDATE digests SET state = ?, sent_at = ? WHERE user_id = ? AND kind = ? AND period = ?", state, sent, userID, kind, per).Error
	})
}

// UnsubscribeToken is a user's one-click unsubscribe token, made on first
// use.
func (s *Store) UnsubscribeToken(ctx context.Context, userID string) (string, error) {
	var u reminderRow
	if err := s.read(ctx).Table("users").Where("id = ?", userID).Take(&u).Error; err != nil {
		return "", translate(err, "user")
	}
	return s.unsubscribeToken(ctx, u)
}

// unsubscribeToken is the user's one-click unsubscribe token, made on
// first use.
func (s *Store) unsubscribeToken(ctx context.Context, u reminderRow) (string, error) {
	if u.UnsubscribeToken != nil && *u.UnsubscribeToken != "" {
		return *u.UnsubscribeToken, nil
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	err := s.write(ctx, func(tx *gorm.DB) error {
		return tx.Exec("UPDATE users SET unsubscribe_token = ? WHERE id = ? AND unsubscribe_token IS NULL", token, u.ID).Error
	})
	if err != nil {
		return "", err
	}
	var got *string
	if err := s.read(ctx).Table("users").Select("unsubscribe_token").Where("id = ?", u.ID).Scan(&got).Error; err != nil || got == nil {
		return "", fmt.Errorf("read the unsubscribe token: %v", err)
	}
	return *got, nil
}
