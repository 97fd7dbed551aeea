package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"liaison/models"
	"liaison/store"
)

type createUserRequest struct {
	Email    string  `json:"email" validate:"required,email,max=320"`
	Password string  `json:"password" validate:"required,min=12,max=256"`
	Role     string  `json:"role" validate:"required,oneof=admin coordinator participant viewer"`
	PersonID *string `json:"person_id"`
}

func (a *API) listUsers(c *gin.Context) error {
	q := newQuery(c, "role", "q")
	f := store.UserFilter{Role: q.oneOf("role", models.Roles), Q: q.str("q")}
	p := q.page([]string{"email", "-email", "created_at", "-created_at"})
	if err := q.err(); err != nil {
		return err
	}
	rows, next, err := a.st.ListUsers(c.Request.Context(), caller(c), f, p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, next, toUser))
	return nil
}

func (a *API) createUser(c *gin.Context) error {
	var req createUserRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, err := a.st.CreateUser(c.Request.Context(), caller(c), store.UserInput{Email: req.Email, Password: req.Password, Role: req.Role, PersonID: req.PersonID})
	if err != nil {
		return err
	}
	created(c, "/api/v1/users/"+u.ID, u.Version, toUser(*u))
	return nil
}

func (a *API) getUser(c *gin.Context) error {
	u, err := a.st.GetUser(c.Request.Context(), caller(c), c.Param("id"))
	if err != nil {
		return err
	}
	ok(c, u.Version, toUser(*u))
	return nil
}

func (a *API) updateUser(c *gin.Context) error {
	var p store.UserPatch
	if err := bindPatch(c, &p, &p.IfVersion); err != nil {
		return err
	}
	u, err := a.st.UpdateUser(c.Request.Context(), caller(c), c.Param("id"), p)
	if err != nil {
		return err
	}
	ok(c, u.Version, toUser(*u))
	return nil
}

func (a *API) deleteUser(c *gin.Context) error { return a.del(c, a.st.DeleteUser) }

// ok sends a single resource with its ETag.
func ok(c *gin.Context, version int, body any) {
	setETag(c, version)
	c.JSON(http.StatusOK, body)
}

// created sends a new resource with its Location and ETag.
func created(c *gin.Context, location string, version int, body any) {
	setETag(c, version)
	c.Header("Location", location)
	c.JSON(http.StatusCreated, body)
}
