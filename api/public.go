package api

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/feeds"

	"liaison/store"
)

// The public readouts: TLP:CLEAR meetings, for anyone, without credentials.

type publicAttendeeDTO struct {
	Name         *string `json:"name"`
	JobTitle     *string `json:"job_title"`
	Organization string  `json:"organization"`
	Role         string  `json:"role"`
}

type sectorCountDTO struct {
	Sector string `json:"sector"`
	Count  int    `json:"count"`
}

type publicMeetingDTO struct {
	ID               string              `json:"id"`
	Title            string              `json:"title"`
	StartsAt         time.Time           `json:"starts_at"`
	EndsAt           time.Time           `json:"ends_at"`
	Timezone         string              `json:"timezone"`
	Host             string              `json:"host"`
	Topics           []string            `json:"topics"`
	PublicReadout    string              `json:"public_readout"`
	Attendees        []publicAttendeeDTO `json:"attendees"`
	WithheldBySector []sectorCountDTO    `json:"withheld_by_sector"`
	WithheldTotal    int                 `json:"withheld_total"`
}

func toPublicMeeting(m store.PublicMeeting) publicMeetingDTO {
	d := publicMeetingDTO{ID: m.ID, Title: m.Title, StartsAt: m.StartsAt.UTC(), EndsAt: m.EndsAt.UTC(), Timezone: m.Timezone,
		Host: m.Host, Topics: m.Topics, PublicReadout: m.PublicReadout, Attendees: make([]publicAttendeeDTO, len(m.Attendees)),
		WithheldBySector: []sectorCountDTO{}}
	for i, a := range m.Attendees {
		d.Attendees[i] = publicAttendeeDTO(a)
	}
	for sec, n := range m.WithheldBySector {
		d.WithheldBySector = append(d.WithheldBySector, sectorCountDTO{Sector: sec, Count: n})
		d.WithheldTotal += n
	}
	sort.Slice(d.WithheldBySector, func(i, j int) bool { return d.WithheldBySector[i].Sector < d.WithheldBySector[j].Sector })
	return d
}

func (a *API) listPublicMeetings(c *gin.Context) error {
	q := newQuery(c, "from", "to", "topic")
	f := store.PublicFilter{From: q.instant("from"), To: q.instant("to"), Topic: q.str("topic")}
	p := q.page([]string{"starts_at", "-starts_at"})
	if err := q.err(); err != nil {
		return err
	}
	rows, next, err := a.st.ListPublicMeetings(c.Request.Context(), f, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, next, toPublicMeeting))
	return nil
}

func (a *API) getPublicMeeting(c *gin.Context) error {
	m, err := a.st.GetPublicMeeting(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toPublicMeeting(*m))
	return nil
}

// readoutsAtom is an Atom feed of the 50 newest public readouts.
func (a *API) readoutsAtom(c *gin.Context) error {
	q := newQuery(c, "topic")
	f := store.PublicFilter{Topic: q.str("topic")}
	if err := q.err(); err != nil {
		return err
	}
	rows, _, err := a.st.ListPublicMeetings(c.Request.Context(), f, store.Page{Limit: 50})
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(a.opt.PublicURL, "/") // never the request's Host: a client would choose the links
	id := base + "/api/v1/public/readouts.atom"
	if base == "" {
		id = "urn:liaison:public-readouts"
	}
	feed := &feeds.Feed{
		Title:       "Liaison public readouts",
		Link:        &feeds.Link{Href: base + "/public"},
		Description: "Readouts of TLP:CLEAR government–industry cyber meetings",
		Id:          id,
		Updated:     time.Unix(0, 0).UTC(),
	}
	for _, m := range rows {
		if m.UpdatedAt.After(feed.Updated) {
			feed.Updated = m.UpdatedAt.UTC()
		}
		dto := toPublicMeeting(m)
		var b strings.Builder
		b.WriteString(m.PublicReadout)
		if dto.WithheldTotal > 0 {
			b.WriteString("\n\nAttendees withheld: ")
			for i, s := range dto.WithheldBySector {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%d (%s)", s.Count, s.Sector)
			}
		}
		feed.Items = append(feed.Items, &feeds.Item{
			Id: "urn:uuid:" + m.ID, Title: m.Title, Link: &feeds.Link{Href: base + "/public/meetings/" + m.ID},
			Author: &feeds.Author{Name: m.Host}, Created: m.StartsAt.UTC(), Updated: m.UpdatedAt.UTC(), Content: b.String(),
		})
	}
	atom, err := feed.ToAtom()
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", []byte(atom))
	return nil
}
