package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"liaison/models"
	"liaison/store"
)

// The directory: organisations, people and topics. Every signed-in user
// reads it; coordinators and admins change it.

type organizationRequest struct {
	Name    string `json:"name" validate:"required,max=200"`
	Kind    string `json:"kind" validate:"required"`
	Sector  string `json:"sector"`
	Country string `json:"country" validate:"max=2"`
}

func (a *API) listOrganizations(c *gin.Context) error {
	q := newQuery(c, "kind", "sector", "country", "q")
	f := store.OrganizationFilter{Kind: q.oneOf("kind", models.OrganizationKinds), Sector: q.oneOf("sector", models.Sectors), Country: q.match("country", countryParam, "must be an ISO 3166-1 alpha-2 code such as US"), Q: q.str("q")}
	p := q.page([]string{"name", "-name", "created_at", "-created_at"})
	if err := q.err(); err != nil {
		return err
	}
	rows, next, err := a.st.ListOrganizations(c.Request.Context(), caller(c), f, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, next, toOrganization))
	return nil
}

func (a *API) createOrganization(c *gin.Context) error {
	var req organizationRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	o, err := a.st.CreateOrganization(c.Request.Context(), caller(c), store.OrganizationInput(req))
	if err != nil {
		return err
	}
	created(c, "/api/v1/organizations/"+o.ID, o.Version, toOrganization(*o))
	return nil
}

func (a *API) getOrganization(c *gin.Context) error {
	o, err := a.st.GetOrganization(c.Request.Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	ok(c, o.Version, toOrganization(*o))
	return nil
}

func (a *API) updateOrganization(c *gin.Context) error {
	var p store.OrganizationPatch
	if err := bindPatch(c, &p, &p.IfVersion); err != nil {
		return err
	}
	o, err := a.st.UpdateOrganization(c.Request.Context(), caller(c), c.Param("id"), p)
	if err != nil {
		return err
	}
	ok(c, o.Version, toOrganization(*o))
	return nil
}

func (a *API) deleteOrganization(c *gin.Context) error {
	return a.del(c, a.st.DeleteOrganization)
}

// del runs a delete that honours If-Match and answers 204.
func (a *API) del(c *gin.Context, fn func(ctx context.Context, cl store.Caller, id string, ver *int) error) error {
	ver, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := fn(c.Request.Context(), caller(c), c.Param("id"), ver); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (a *API) deletePerson(c *gin.Context) error { return a.del(c, a.st.DeletePerson) }
func (a *API) deleteTopic(c *gin.Context) error  { return a.del(c, a.st.DeleteTopic) }

type personRequest struct {
	FullName       string `json:"full_name" validate:"required,max=200"`
	JobTitle       string `json:"job_title" validate:"max=200"`
	Email          string `json:"email" validate:"omitempty,email,max=320"`
	OrganizationID string `json:"organization_id" validate:"required"`
}

func (a *API) listPeople(c *gin.Context) error {
	q := newQuery(c, "organization", "q")
	f := store.PersonFilter{OrganizationID: q.str("organization"), Q: q.str("q")}
	p := q.page([]string{"full_name", "-full_name", "created_at", "-created_at"})
	if err := q.err(); err != nil {
		return err
	}
	rows, next, err := a.st.ListPeople(c.Request.Context(), caller(c), f, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, next, toPerson))
	return nil
}

func (a *API) createPerson(c *gin.Context) error {
	var req personRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	x, err := a.st.CreatePerson(c.Request.Context(), caller(c), store.PersonInput(req))
	if err != nil {
		return err
	}
	created(c, "/api/v1/people/"+x.ID, x.Version, toPerson(*x))
	return nil
}

func (a *API) getPerson(c *gin.Context) error {
	x, err := a.st.GetPerson(c.Request.Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	ok(c, x.Version, toPerson(*x))
	return nil
}

func (a *API) updatePerson(c *gin.Context) error {
	var p store.PersonPatch
	if err := bindPatch(c, &p, &p.IfVersion); err != nil {
		return err
	}
	x, err := a.st.UpdatePerson(c.Request.Context(), caller(c), c.Param("id"), p)
	if err != nil {
		return err
	}
	ok(c, x.Version, toPerson(*x))
	return nil
}

type topicRequest struct {
	Name        string `json:"name" validate:"required,max=200"`
	Kind        string `json:"kind"`
	Reference   string `json:"reference" validate:"max=200"`
	Description string `json:"description" validate:"max=10000"`
}

func (a *API) listTopics(c *gin.Context) error {
	q := newQuery(c, "kind", "q")
	f := store.TopicFilter{Kind: q.oneOf("kind", models.TopicKinds), Q: q.str("q")}
	p := q.page([]string{"name", "-name", "created_at", "-created_at"})
	if err := q.err(); err != nil {
		return err
	}
	rows, next, err := a.st.ListTopics(c.Request.Context(), caller(c), f, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, next, toTopic))
	return nil
}

func (a *API) createTopic(c *gin.Context) error {
	var req topicRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Kind == "" {
		req.Kind = "subject"
	}
	t, err := a.st.CreateTopic(c.Request.Context(), caller(c), store.TopicInput(req))
	if err != nil {
		return err
	}
	created(c, "/api/v1/topics/"+t.ID, t.Version, toTopic(*t))
	return nil
}

func (a *API) getTopic(c *gin.Context) error {
	t, err := a.st.GetTopic(c.Request.Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	ok(c, t.Version, toTopic(*t))
	return nil
}

func (a *API) updateTopic(c *gin.Context) error {
	var p store.TopicPatch
	if err := bindPatch(c, &p, &p.IfVersion); err != nil {
		return err
	}
	t, err := a.st.UpdateTopic(c.Request.Context(), caller(c), c.Param("id"), p)
	if err != nil {
		return err
	}
	ok(c, t.Version, toTopic(*t))
	return nil
}
