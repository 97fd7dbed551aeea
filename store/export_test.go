package store

import "context"

// The statistics as a scan of every row the caller may see computes them:
// the summaries must agree with it.

func (s *Store) ScanStatsOverview(ctx context.Context, c Caller, r StatsRange) (*Overview, error) {
	db := s.read(ctx)
	var oc overviewCounts
	if err := s.scanCounts(db, visibleIn(c, r), &oc); err != nil {
		return nil, err
	}
	return s.overview(db, c, r, plan{everyone: span{empty: true}, audiences: span{empty: true}}, &oc)
}

func (s *Store) ScanStatsMeetings(ctx context.Context, c Caller, groupBy string, r StatsRange) ([]Bucket, error) {
	var rows []meetingRow
	if err := s.scanMeetingGroups(s.read(ctx), c, groupBy, visibleIn(c, r), &rows); err != nil {
		return nil, err
	}
	return meetingBuckets(rows, groupBy == "month"), nil
}

func (s *Store) ScanStatsActionItems(ctx context.Context, c Caller, groupBy string, r StatsRange) ([]Bucket, error) {
	var rows []itemRow
	if err := s.scanItemGroups(s.read(ctx), c, groupBy, visibleIn(c, r), &rows); err != nil {
		return nil, err
	}
	return s.itemBuckets(c, r, rows, groupBy == "month"), nil
}

// SetWalkOnly makes lists walk their sort's index whatever their filters.
func (s *Store) SetWalkOnly(on bool) { s.walkOnly = on }
