package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"liaison/store"
)

// captureWriter keeps a copy of the response body.
type captureWriter struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (w *captureWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

// idempotency answers a POST that repeats the Idempotency-Key and body of
// one the same user made within 24 hours without running it again; the
// same key with another body is a 422. It runs after the route's role and
// scope checks, and a replay is answered as a fresh request would be seen
// now: with the created record read again as the caller may see it (a 404
// when they no longer may), never from a kept body. A created token's
// secret is shown once, so its replay is a 409. The keys live in the
// database, so every server of a deployment answers alike.
func (a *API) idempotency(c *gin.Context) {
	key := c.GetHeader("Idempotency-Key")
	if c.Request.Method != http.MethodPost || key == "" {
		c.Next()
		return
	}
	if len(key) > 200 {
		writeProblem(c, badRequest("Idempotency-Key must be at most 200 characters"))
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		writeProblem(c, decodeProblem(err))
		return
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(append([]byte(c.Request.Method+" "+c.Request.URL.Path+"\n"), body...))
	hash := hex.EncodeToString(sum[:])
	cl := caller(c)
	prev, err := a.st.FindIdempotent(c.Request.Context(), cl.UserID, key)
	switch {
	case err == nil && prev.BodyHash != hash:
		writeProblem(c, problem(http.StatusUnprocessableEntity, "idempotency-key-reused", "this Idempotency-Key was used with another request"))
		return
	case err == nil:
		a.replay(c, prev)
		c.Abort()
		return
	case !errors.Is(err, store.ErrNotFound):
		writeProblem(c, err)
		return
	}
	w := &captureWriter{ResponseWriter: c.Writer}
	c.Writer = w
	c.Next()
	// Only successes are remembered: a failed request changed nothing, and
	// its retry is simply run again.
	if st := w.Status(); st >= 200 && st < 300 {
		kept := ""
		if isUpdatePost(c.Request.URL.Path) {
			kept = w.buf.String() // an update has no route of its own to read it again
		}
		_ = a.st.SaveIdempotent(c.Request.Context(), &store.IdempotentResponse{UserID: cl.UserID, Key: key, Method: c.Request.Method,
			Path: c.Request.URL.Path, BodyHash: hash, Status: st, Location: w.Header().Get("Location"), Response: kept})
	}
}

func isUpdatePost(path string) bool {
	return strings.HasPrefix(path, "/api/v1/action-items/") && strings.HasSuffix(path, "/updates")
}

// replay answers a repeated POST. The record it created is read again
// through the router as the caller, so authentication, visibility and
// redaction apply as they do now.
func (a *API) replay(c *gin.Context, prev *store.IdempotentResponse) {
	switch {
	case prev.Path == "/api/v1/me/tokens":
		writeProblem(c, problem(http.StatusConflict, "idempotency-key-used",
			"this Idempotency-Key already created a token, whose secret was shown once and is not kept; revoke it at "+prev.Location+
				" if the secret was lost, and create another with a new key"))
		return
	case isUpdatePost(prev.Path):
		// The update stands if its item may still be read and changed.
		status, body := a.internalGet(c, strings.TrimSuffix(prev.Path, "/updates"))
		if status != http.StatusOK {
			c.Data(status, "application/problem+json", body)
			return
		}
		var item struct {
			CanEdit bool `json:"can_edit"`
		}
		if json.Unmarshal(body, &item) != nil || !item.CanEdit {
			writeProblem(c, problem(http.StatusForbidden, "forbidden", "you may no longer add updates to this action item"))
			return
		}
		c.Header("Location", prev.Location)
		c.Header("Idempotent-Replayed", "true")
		c.Data(prev.Status, "application/json; charset=utf-8", []byte(prev.Response))
		return
	case prev.Location == "":
		c.Header("Idempotent-Replayed", "true")
		c.Status(prev.Status)
		return
	}
	status, body := a.internalGet(c, prev.Location)
	if status != http.StatusOK {
		c.Data(status, "application/problem+json", body)
		return
	}
	c.Header("Location", prev.Location)
	c.Header("Idempotent-Replayed", "true")
	c.Data(prev.Status, "application/json; charset=utf-8", body)
}

// internalGet reads path through the router with the request's
// credentials, and returns the status and body.
func (a *API) internalGet(c *gin.Context, path string) (int, []byte) {
	r, err := http.NewRequestWithContext(c.Request.Context(), http.MethodGet, path, nil)
	if err != nil {
		return http.StatusNotFound, nil
	}
	r.RemoteAddr = c.Request.RemoteAddr
	for _, h := range []string{"Authorization", "Cookie"} {
		if v := c.Request.Header.Get(h); v != "" {
			r.Header.Set(h, v)
		}
	}
	r.Header.Set("X-Request-ID", requestID(c))
	rec := httptest.NewRecorder()
	a.engine.ServeHTTP(rec, r)
	if etag := rec.Header().Get("ETag"); etag != "" && rec.Code == http.StatusOK {
		c.Header("ETag", etag)
	}
	return rec.Code, rec.Body.Bytes()
}
