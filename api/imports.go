package api

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"liaison/importer"
	"liaison/store"
)

// Imports over HTTP: the importer of `liaison import` for coordinators, with
// the file as a text/csv body (up to MaxBodyBytes; larger files go through
// the command line).

type importRowDTO struct {
	Row       int     `json:"row"`
	Outcome   string  `json:"outcome"`
	Title     string  `json:"title"`
	MeetingID *string `json:"meeting_id"`
}

type rejectionDTO struct {
	Row    int    `json:"row"`
	Reason string `json:"reason"`
}

type createdReusedDTO struct {
	Created int `json:"created"`
	Reused  int `json:"reused"`
}

type importDTO struct {
	Source        string           `json:"source"`
	DryRun        bool             `json:"dry_run"`
	Rows          int              `json:"rows"`
	Created       int              `json:"created"`
	Updated       int              `json:"updated"`
	Unchanged     int              `json:"unchanged"`
	Organizations createdReusedDTO `json:"organizations"`
	People        createdReusedDTO `json:"people"`
	Rejected      []rejectionDTO   `json:"rejected"`
	Meetings      []importRowDTO   `json:"meetings"`
}

func toImport(r *store.ImportResult) importDTO {
	d := importDTO{Source: r.Source, DryRun: r.DryRun, Rows: r.Rows, Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged,
		Organizations: createdReusedDTO{r.OrganizationsCreated, r.OrganizationsReused}, People: createdReusedDTO{r.PeopleCreated, r.PeopleReused},
		Rejected: make([]rejectionDTO, len(r.Rejected)), Meetings: make([]importRowDTO, len(r.Meetings))}
	for i, x := range r.Rejected {
		d.Rejected[i] = rejectionDTO(x)
	}
	for i, m := range r.Meetings {
		d.Meetings[i] = importRowDTO{Row: m.Row, Outcome: m.Outcome, Title: m.Title, MeetingID: strPtr(m.MeetingID)}
	}
	return d
}

func (a *API) createImport(c *gin.Context) error {
	q := newQuery(c, "format", "source", "dry_run")
	format := q.oneOf("format", importer.Formats)
	source := q.str("source")
	dryRun := q.boolean("dry_run")
	if format == "" && c.Query("format") == "" {
		q.fail("format", "is required: one of "+strings.Join(importer.Formats, ", "))
	}
	if source == "" && c.Query("source") == "" {
		q.fail("source", "is required: the name the file's rows are known by when it is imported again, such as its file name")
	}
	if err := q.err(); err != nil {
		return err
	}
	if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || !slices.Contains([]string{"text/csv", "text/plain"}, mt) {
		return problem(http.StatusUnsupportedMediaType, "unsupported-media-type", "send the file as the body, with Content-Type: text/csv")
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return decodeProblem(err)
	}
	recs, rejected, err := importer.Read(format, bytes.NewReader(body))
	if err != nil {
		return &store.ValidationError{Errors: []store.FieldError{{Field: "body", Message: strings.TrimPrefix(err.Error(), "importer: ")}}}
	}
	res, err := a.st.Import(c.Request.Context(), caller(c), recs, rejected, store.ImportOptions{Source: source, Country: importer.HostCountry(format), DryRun: dryRun})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if dryRun || res.Created == 0 {
		status = http.StatusOK
	}
	c.JSON(status, toImport(res))
	return nil
}
