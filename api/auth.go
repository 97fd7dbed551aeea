package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"liaison/store"
)

type loginRequest struct {
	Email    string `json:"email" validate:"required,max=320"`
	Password string `json:"password" validate:"required,max=256"`
}

type meResponse struct {
	User           userDTO `json:"user"`
	OrganizationID *string `json:"organization_id"`
	ReadOnly       bool    `json:"read_only"`
}

func (a *API) login(c *gin.Context) error {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, cl, secret, err := a.st.Login(c.Request.Context(), req.Email, req.Password, c.ClientIP(), requestID(c))
	if err != nil {
		return err
	}
	a.setSessionCookie(c, secret, int(store.SessionTTL.Seconds()))
	c.JSON(http.StatusOK, gin.H{"user": toUser(*u), "organization_id": strPtr(cl.OrganizationID)})
	return nil
}

func (a *API) setSessionCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: a.opt.SecureCookies || c.Request.TLS != nil, SameSite: http.SameSiteStrictMode})
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (a *API) logout(c *gin.Context) error {
	if ck, err := c.Cookie(SessionCookie); err == nil && ck != "" {
		if err := a.st.Logout(c.Request.Context(), caller(c), ck); err != nil {
			return err
		}
	}
	a.setSessionCookie(c, "", -1)
	c.Status(http.StatusNoContent)
	return nil
}

func (a *API) me(c *gin.Context) error {
	cl := caller(c)
	u, err := a.st.Me(c.Request.Context(), cl)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, meResponse{User: toUser(*u), OrganizationID: strPtr(cl.OrganizationID), ReadOnly: cl.ReadOnly})
	return nil
}

type createTokenRequest struct {
	Name          string `json:"name" validate:"required,max=100"`
	Scope         string `json:"scope" validate:"required,oneof=read write calendar"`
	ExpiresInDays *int   `json:"expires_in_days" validate:"omitempty,gte=1,lte=3650"`
}

func (a *API) listTokens(c *gin.Context) error {
	q := newQuery(c)
	p := q.page([]string{"created_at", "-created_at"})
	if err := q.err(); err != nil {
		return err
	}
	rows, next, err := a.st.ListTokens(c.Request.Context(), caller(c), p)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, list(rows, next, toToken))
	return nil
}

func (a *API) createToken(c *gin.Context) error {
	var req createTokenRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	t, secret, err := a.st.CreateToken(c.Request.Context(), caller(c), store.TokenInput{Name: req.Name, Scope: req.Scope, ExpiresInDays: req.ExpiresInDays})
	if err != nil {
		return err
	}
	d := toToken(*t)
	d.Token = secret
	c.Header("Location", "/api/v1/me/tokens/"+t.ID)
	c.JSON(http.StatusCreated, d)
	return nil
}

func (a *API) revokeToken(c *gin.Context) error {
	if err := a.st.RevokeToken(c.Request.Context(), caller(c), c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
