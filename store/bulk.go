package store

import (
	"context"

	"gorm.io/gorm"
)

// NewID returns a new time-ordered id (UUIDv7), for rows built outside the
// store, such as synthetic volume.
func NewID() string { return newID() }

// BulkInsert writes slices of models in one transaction, in the order given,
// in batches, without auditing: it is for generated data (seed --meetings),
// never for a user's change.
func (s *Store) BulkInsert(ctx context.Context, slices ...any) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		for _, rows := range slices {
			if err := tx.CreateInBatches(rows, 400).Error; err != nil {
				return err
			}
		}
		return nil
	})
}
