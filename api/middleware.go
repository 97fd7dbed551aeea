package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"liaison/models"
	"liaison/store"
)

const (
	keyCaller    = "liaison.caller"
	keyRequestID = "liaison.request_id"
	keyViaCookie = "liaison.via_cookie"
	// SessionCookie is the name of the browser session cookie.
	SessionCookie = "liaison_session"
)

func requestID(c *gin.Context) string { return c.GetString(keyRequestID) }

// requestIDs gives every request an id, taken from X-Request-ID when it is
// short and plain, and sends it back.
func requestIDs(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		id = uuid.NewString()
	}
	c.Set(keyRequestID, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

// securityHeaders sets the headers every response carries.
func securityHeaders(c *gin.Context) {
	hd := c.Writer.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if strings.HasPrefix(c.Request.URL.Path, "/api/") || c.Request.URL.Path == "/healthz" || c.Request.URL.Path == "/readyz" {
		hd.Set("Cache-Control", "no-store")
	}
	c.Next()
}

// limitBody caps every request body, chunked ones included.
func limitBody(c *gin.Context) {
	if c.Request.ContentLength > MaxBodyBytes {
		writeProblem(c, decodeProblem(&http.MaxBytesError{Limit: MaxBodyBytes}))
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodyBytes)
	c.Next()
}

// accessLog logs one line per request at info level: the route template,
// never the query string or body, which may hold names.
func accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "(unmatched)"
	}
	slog.Info("request", "request_id", requestID(c), "method", c.Request.Method, "route", route,
		"status", c.Writer.Status(), "duration_ms", float64(time.Since(start).Microseconds())/1000)
}

// metrics counts requests and their latency by route template.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "liaison_http_requests_total", Help: "HTTP requests by route and status."}, []string{"method", "route", "status"}),
		latency:  prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "liaison_http_request_duration_seconds", Help: "HTTP request latency by route.", Buckets: prometheus.DefBuckets}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (m *metrics) handle(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
	m.latency.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
}

// authenticator resolves the caller from a bearer token or a session cookie.
type authenticator struct {
	st  *store.Store
	cop *http.CrossOriginProtection
}

// identify sets the caller when credentials are present; wrong credentials
// are a 401 even on routes that do not need them. Cookie-authenticated
// unsafe requests from another origin are refused.
func (a *authenticator) identify(c *gin.Context) {
	var (
		caller store.Caller
		err    error
		found  bool
	)
	if auth := c.GetHeader("Authorization"); auth != "" {
		scheme, secret, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
			writeProblem(c, problem(http.StatusUnauthorized, "unauthorized", "use Authorization: Bearer <token>"))
			return
		}
		caller, err = a.st.AuthenticateToken(c.Request.Context(), strings.TrimSpace(secret))
		found = true
	} else if ck, cerr := c.Cookie(SessionCookie); cerr == nil && ck != "" {
		if err := a.cop.Check(c.Request); err != nil {
			writeProblem(c, problem(http.StatusForbidden, "cross-origin", "cross-origin requests with a session cookie are refused"))
			return
		}
		caller, err = a.st.AuthenticateSession(c.Request.Context(), ck)
		found = true
		c.Set(keyViaCookie, true)
	} else if err := a.cop.Check(c.Request); err != nil {
		writeProblem(c, problem(http.StatusForbidden, "cross-origin", "cross-origin requests are refused"))
		return
	}
	if err != nil {
		writeProblem(c, err)
		return
	}
	if found {
		caller.RequestID, caller.ClientAddr = requestID(c), c.ClientIP()
		c.Set(keyCaller, caller)
	}
	c.Next()
}

// requireAuth refuses requests without credentials.
func requireAuth(c *gin.Context) {
	if _, ok := c.Get(keyCaller); !ok {
		writeProblem(c, problem(http.StatusUnauthorized, "unauthorized", "sign in or send a bearer token"))
		return
	}
	c.Next()
}

// caller returns the request's caller (requireAuth has run).
func caller(c *gin.Context) store.Caller {
	v, _ := c.Get(keyCaller)
	cl, _ := v.(store.Caller)
	return cl
}

// readOnlyRefusesWrites refuses every change a read-only token asks for,
// before anything else looks at the request (signing out excepted). The
// store checks again.
func readOnlyRefusesWrites(c *gin.Context) {
	m := c.Request.Method
	if caller(c).ReadOnly && m != http.MethodGet && m != http.MethodHead && c.FullPath() != "/api/v1/auth/logout" {
		writeProblem(c, problem(http.StatusForbidden, "forbidden", "this token is read-only"))
		return
	}
	c.Next()
}

// coordinatorOnly refuses, before reading the body, writes that only
// administrators and coordinators may make. The store checks again.
func coordinatorOnly(c *gin.Context) {
	if cl := caller(c); !cl.Privileged() || cl.ReadOnly {
		writeProblem(c, problem(http.StatusForbidden, "forbidden", "only administrators and coordinators may change this"))
		return
	}
	c.Next()
}

// adminOnly refuses user management to everyone but administrators.
func adminOnly(c *gin.Context) {
	if cl := caller(c); cl.Role != models.RoleAdmin || (cl.ReadOnly && c.Request.Method != http.MethodGet) {
		writeProblem(c, problem(http.StatusForbidden, "forbidden", "only administrators may do this"))
		return
	}
	c.Next()
}
