package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"liaison/store"
)

type overviewDTO struct {
	AsOf     string `json:"as_of"`
	Meetings struct {
		Total    int            `json:"total"`
		ByStatus map[string]int `json:"by_status"`
		ByTLP    map[string]int `json:"by_tlp"`
	} `json:"meetings"`
	Attendees struct {
		Total     *int `json:"total"`
		Disclosed int  `json:"disclosed"`
		Withheld  *int `json:"withheld"`
	} `json:"attendees"`
	ActionItems struct {
		Total             int            `json:"total"`
		ByStatus          map[string]int `json:"by_status"`
		Overdue           int            `json:"overdue"`
		DueNext7Days      int            `json:"due_next_7_days"`
		CompletionRate    float64        `json:"completion_rate"`
		MedianDaysToClose *float64       `json:"median_days_to_close"`
	} `json:"action_items"`
	Organizations int `json:"organizations"`
}

type bucketDTO struct {
	Key     string         `json:"key"`
	Label   *string        `json:"label,omitempty"`
	Count   int            `json:"count"`
	ByTLP   map[string]int `json:"by_tlp,omitempty"`
	Overdue *int           `json:"overdue,omitempty"`
}

type groupedDTO struct {
	GroupBy string      `json:"group_by"`
	Buckets []bucketDTO `json:"buckets"`
}

func statsRange(q *query) store.StatsRange {
	return store.StatsRange{From: q.instant("from"), To: q.instant("to")}
}

func (a *API) statsOverview(c *gin.Context) error {
	q := newQuery(c, "from", "to")
	r := statsRange(q)
	if err := q.err(); err != nil {
		return err
	}
	o, err := a.st.StatsOverview(c.Request.Context(), caller(c), r)
	if err != nil {
		return err
	}
	var d overviewDTO
	d.Meetings.Total, d.Meetings.ByStatus, d.Meetings.ByTLP = o.Meetings.Total, o.Meetings.ByStatus, o.Meetings.ByTLP
	d.Attendees.Disclosed = o.Attendees.Disclosed
	if !o.Attendees.Suppressed {
		d.Attendees.Total, d.Attendees.Withheld = &o.Attendees.Total, &o.Attendees.Withheld
	}
	ai := &d.ActionItems
	ai.Total, ai.ByStatus, ai.Overdue, ai.DueNext7Days = o.ActionItems.Total, o.ActionItems.ByStatus, o.ActionItems.Overdue, o.ActionItems.DueNext7Days
	ai.CompletionRate, ai.MedianDaysToClose = o.ActionItems.CompletionRate, o.ActionItems.MedianDaysToClose
	d.Organizations = o.Organizations
	d.AsOf = o.AsOf.String()
	c.JSON(http.StatusOK, d)
	return nil
}

func (a *API) statsGrouped(c *gin.Context, groups []string, meetings bool) error {
	q := newQuery(c, "group_by", "from", "to")
	by := q.oneOf("group_by", groups)
	if by == "" {
		q.fail("group_by", "is required")
	}
	r := statsRange(q)
	for _, k := range []string{"limit", "cursor", "sort"} {
		if c.Query(k) != "" {
			q.fail(k, "statistics are not paged")
		}
	}
	if err := q.err(); err != nil {
		return err
	}
	var (
		bs  []store.Bucket
		err error
	)
	if meetings {
		bs, err = a.st.StatsMeetings(c.Request.Context(), caller(c), by, r)
	} else {
		bs, err = a.st.StatsActionItems(c.Request.Context(), caller(c), by, r)
	}
	if err != nil {
		return err
	}
	out := groupedDTO{GroupBy: by, Buckets: make([]bucketDTO, len(bs))}
	for i, b := range bs {
		d := bucketDTO{Key: b.Key, Count: b.Count}
		if b.Label != "" {
			l := b.Label
			d.Label = &l
		}
		if meetings {
			d.ByTLP = b.ByTLP
		} else {
			n := b.Overdue
			d.Overdue = &n
		}
		out.Buckets[i] = d
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func (a *API) statsMeetings(c *gin.Context) error {
	return a.statsGrouped(c, store.MeetingGroups, true)
}

func (a *API) statsActionItems(c *gin.Context) error {
	return a.statsGrouped(c, store.ActionItemGroups, false)
}
