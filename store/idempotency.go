package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// IdempotencyTTL is how long a POST's Idempotency-Key is remembered.
const IdempotencyTTL = 24 * time.Hour

// IdempotentResponse is the first response to a POST with an
// Idempotency-Key, kept in the database so that every server replays it.
type IdempotentResponse struct {
	UserID    string `gorm:"primaryKey"`
	Key       string `gorm:"primaryKey"`
	Method    string
	Path      string
	BodyHash  string
	Status    int
	Location  string
	Response  string
	CreatedAt time.Time
}

// TableName names the table.
func (IdempotentResponse) TableName() string { return "idempotency_keys" }

// FindIdempotent returns the remembered response for the user's key, or
// ErrNotFound when there is none younger than IdempotencyTTL.
func (s *Store) FindIdempotent(ctx context.Context, userID, key string) (*IdempotentResponse, error) {
	var r IdempotentResponse
	err := s.read(ctx).Where("user_id = ? AND key = ? AND created_at > ?", userID, key, s.now().Add(-IdempotencyTTL)).Take(&r).Error
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return &r, nil
}

// SaveIdempotent remembers a response; an expired entry for the same key is
// replaced, a live one kept (the first response wins).
func (s *Store) SaveIdempotent(ctx context.Context, r *IdempotentResponse) error {
	r.CreatedAt = s.now()
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ? AND key = ? AND created_at <= ?", r.UserID, r.Key, s.now().Add(-IdempotencyTTL)).
			Delete(&IdempotentResponse{}).Error; err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(r).Error
	})
}
