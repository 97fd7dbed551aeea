package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"

	"liaison/models"
)

func openInternal(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), "sqlite://"+filepath.Join(t.TempDir(), "liaison.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// holdCommitter occupies the committer with a write that runs first (in
// its own batch) and waits until release is closed.
func holdCommitter(t *testing.T, s *Store, first func(tx *gorm.DB) error) (release func(), done <-chan error) {
	t.Helper()
	started, rel, out := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		out <- s.write(context.Background(), func(tx *gorm.DB) error {
			close(started)
			<-rel
			if first != nil {
				return first(tx)
			}
			return nil
		})
	}()
	<-started
	return func() { close(rel) }, out
}

// An action item whose meeting is deleted while its create waits for the
// committer is not written, and the caller is told why, as if the meeting
// had been gone from the start.
func TestCreateActionItemRechecksItsMeetingWhenItWrites(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	org, err := s.CreateOrganization(ctx, System, OrganizationInput{Name: "Host Agency", Kind: "government", Country: "US"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 3, 4, 15, 0, 0, 0, time.UTC)
	m, err := s.CreateMeeting(ctx, System, MeetingInput{Title: "Briefing", StartsAt: start, EndsAt: start.Add(time.Hour),
		Timezone: "UTC", Modality: "virtual", Kind: "briefing", Status: "held", TLP: "GREEN", HostOrganizationID: org.ID})
	if err != nil {
		t.Fatal(err)
	}
	coord := Caller{UserID: "u-coord", Role: models.RoleCoordinator}
	// The held write deletes the meeting; the create, whose own fields are
	// sound, queues behind it.
	release, held := holdCommitter(t, s, func(tx *gorm.DB) error {
		return tx.Exec(`UPDATE meetings SET deleted_at = ? WHERE id = ?`, s.now(), m.ID).Error
	})
	created := make(chan error, 1)
	go func() {
		_, err := s.CreateActionItem(ctx, coord, ActionItemInput{MeetingID: m.ID, Title: "Patch the edge", OwnerOrganizationID: &org.ID})
		created <- err
	}()
	time.Sleep(50 * time.Millisecond)
	release()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	err = <-created
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Field != "meeting_id" {
		t.Fatalf("got %v, want a validation error on meeting_id", err)
	}
	var n int64
	if err := s.r.Raw(`SELECT COUNT(*) FROM action_items WHERE meeting_id = ?`, m.ID).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d items written to a deleted meeting", n)
	}
}
