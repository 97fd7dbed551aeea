package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"

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

// idempotency replays the first response to a POST that carries the same
// Idempotency-Key and body from the same user within 24 hours; the same key
// with another body is a 422. The responses live in the database, so every
// server of a deployment answers alike.
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
		if prev.Location != "" {
			c.Header("Location", prev.Location)
		}
		c.Header("Idempotent-Replayed", "true")
		ct := "application/json; charset=utf-8"
		if prev.Status >= 400 {
			ct = "application/problem+json"
		}
		c.Data(prev.Status, ct, []byte(prev.Response))
		c.Abort()
		return
	case !errors.Is(err, store.ErrNotFound):
		writeProblem(c, err)
		return
	}
	w := &captureWriter{ResponseWriter: c.Writer}
	c.Writer = w
	c.Next()
	if st := w.Status(); st < 500 {
		_ = a.st.SaveIdempotent(c.Request.Context(), &store.IdempotentResponse{UserID: cl.UserID, Key: key, Method: c.Request.Method,
			Path: c.Request.URL.Path, BodyHash: hash, Status: st, Location: w.Header().Get("Location"), Response: w.buf.String()})
	}
}
