package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"liaison/store"
)

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type   string             `json:"type"`
	Title  string             `json:"title"`
	Status int                `json:"status"`
	Detail string             `json:"detail,omitempty"`
	Errors []store.FieldError `json:"errors,omitempty"`
}

func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

func problem(status int, slug, detail string) *Problem {
	return &Problem{Type: "urn:liaison:problem:" + slug, Title: http.StatusText(status), Status: status, Detail: detail}
}

func badRequest(detail string, fields ...store.FieldError) *Problem {
	p := problem(http.StatusBadRequest, "bad-request", detail)
	p.Errors = fields
	return p
}

func notFound() *Problem { return problem(http.StatusNotFound, "not-found", "no such resource") }

// toProblem maps any error to the problem sent to the client. It is the one
// place where store errors become HTTP statuses. Unknown errors become a
// generic 500 whose detail says nothing of the cause.
func toProblem(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var ve *store.ValidationError
	if errors.As(err, &ve) && ve.InQuery {
		return badRequest("the query has invalid parameters", ve.Errors...)
	}
	if errors.As(err, &ve) {
		p := problem(http.StatusUnprocessableEntity, "validation", "the request has invalid fields")
		p.Errors = ve.Errors
		return p
	}
	var se *store.Error
	msg := ""
	if errors.As(err, &se) {
		msg = se.Msg
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return problem(http.StatusNotFound, "not-found", msg)
	case errors.Is(err, store.ErrConflict):
		return problem(http.StatusConflict, "conflict", msg)
	case errors.Is(err, store.ErrPrecondition):
		return problem(http.StatusPreconditionFailed, "stale-version", msg)
	case errors.Is(err, store.ErrForbidden):
		return problem(http.StatusForbidden, "forbidden", msg)
	case errors.Is(err, store.ErrUnauthorized):
		return problem(http.StatusUnauthorized, "unauthorized", msg)
	case errors.Is(err, store.ErrRateLimited):
		return problem(http.StatusTooManyRequests, "rate-limited", msg)
	}
	return problem(http.StatusInternalServerError, "internal", "an internal error occurred; quote the request id when reporting it")
}

// writeProblem renders err as application/problem+json.
func writeProblem(c *gin.Context, err error) {
	p := toProblem(err)
	if p.Status >= 500 {
		slog.Error("request failed", "request_id", requestID(c), "method", c.Request.Method, "route", c.FullPath(), "error", err)
	}
	if p.Status == http.StatusTooManyRequests {
		c.Header("Retry-After", strconv.Itoa(15*60))
	}
	if p.Status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="liaison"`)
	}
	b, _ := json.Marshal(p)
	c.Data(p.Status, "application/problem+json", b)
	c.Abort()
}

// handler is a Gin handler that returns its error instead of writing it.
type handler func(c *gin.Context) error

// h adapts a handler to Gin, sending any error as a problem.
func h(fn handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			writeProblem(c, err)
		}
	}
}
