// Package api is Liaison's HTTP interface: the Gin router, its middleware,
// the handlers with their request and response DTOs, problem+json errors and
// the OpenAPI document. Handlers bind and validate, call one store method,
// and map the result; every rule about who sees what lives in the store.
package api

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"liaison/store"
)

// Options configure the API.
type Options struct {
	// SecureCookies marks the session cookie Secure even when the request
	// reached Liaison over plain HTTP (TLS ends at a proxy in front).
	SecureCookies bool
	// TrustedProxies are the addresses whose X-Forwarded-For is believed.
	TrustedProxies []string
	// Frontend is the web UI to serve at /; nil serves nothing there.
	Frontend fs.FS
	// Version is reported by /healthz.
	Version string
	// PublicURL is where people reach Liaison, such as
	// https://liaison.example.gov: absolute links (the Atom feed's) are
	// built from it, never from a request's Host header. Empty: relative.
	PublicURL string
	// EmailConfigured tells the UI whether e-mail reminders can be sent.
	EmailConfigured bool
	// Registry receives the API's Prometheus metrics, for the operator to
	// serve on a listener of its own; nil keeps them unexported. The API's
	// own listener never serves them.
	Registry *prometheus.Registry
}

// API holds the handlers' dependencies.
type API struct {
	st     *store.Store
	opt    Options
	engine *gin.Engine // for idempotent replays, which read the record again
}

// New builds the router.
func New(st *store.Store, opt Options) *gin.Engine {
	gin.SetMode(gin.ReleaseMode) // no route listing or debug warnings on the log
	r := gin.New()
	a := &API{st: st, opt: opt, engine: r}
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	_ = r.SetTrustedProxies(opt.TrustedProxies)

	reg := opt.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(reg)

	r.Use(recovery, requestIDs, securityHeaders, accessLog, m.handle, limitBody)
	r.NoRoute(a.noRoute)
	r.NoMethod(func(c *gin.Context) {
		writeProblem(c, problem(http.StatusMethodNotAllowed, "method-not-allowed", "this route does not take "+c.Request.Method))
	})

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok", "version": opt.Version}) })
	r.GET("/readyz", h(a.ready))

	auth := &authenticator{st: st, cop: http.NewCrossOriginProtection()}
	v1 := r.Group("/api/v1", auth.identify)
	v1.GET("/openapi.json", serveOpenAPI)
	v1.POST("/auth/login", h(a.login))
	v1.GET("/public/meetings", h(a.listPublicMeetings))
	v1.GET("/public/meetings/:id", h(a.getPublicMeeting))
	v1.GET("/public/readouts.atom", h(a.readoutsAtom))
	v1.GET("/calendar/:feed", h(a.calendarFeed))     // its secret is the credential
	v1.POST("/unsubscribe/:token", h(a.unsubscribe)) // so is this token

	// Every POST below runs a.idempotency after its role checks, so that a
	// replay passes them as a fresh request would.
	in := v1.Group("", requireAuth, readOnlyRefusesWrites)
	in.POST("/auth/logout", h(a.logout))
	in.GET("/me", h(a.me))
	in.GET("/me/tokens", h(a.listTokens))
	in.POST("/me/tokens", a.idempotency, h(a.createToken))
	in.DELETE("/me/tokens/:id", h(a.revokeToken))
	// Marking read needs no Idempotency-Key: doing it twice is doing it once.
	in.GET("/me/notifications", h(a.listNotifications))
	in.GET("/me/notifications/unread-count", h(a.unreadNotifications))
	in.POST("/me/notifications/read-all", h(a.readAllNotifications))
	in.POST("/me/notifications/:id/read", h(a.readNotification))
	in.GET("/me/reminders", h(a.getReminders))
	in.PATCH("/me/reminders", h(a.setReminders))

	in.GET("/users", h(a.listUsers))
	in.POST("/users", adminOnly, a.idempotency, h(a.createUser))
	in.GET("/users/:id", h(a.getUser))
	in.PATCH("/users/:id", adminOnly, h(a.updateUser))
	in.DELETE("/users/:id", adminOnly, h(a.deleteUser))

	in.GET("/organizations", h(a.listOrganizations))
	in.POST("/organizations", coordinatorOnly, a.idempotency, h(a.createOrganization))
	in.GET("/organizations/:id", h(a.getOrganization))
	in.PATCH("/organizations/:id", coordinatorOnly, h(a.updateOrganization))
	in.DELETE("/organizations/:id", coordinatorOnly, h(a.deleteOrganization))

	in.GET("/people", h(a.listPeople))
	in.POST("/people", coordinatorOnly, a.idempotency, h(a.createPerson))
	in.GET("/people/:id", h(a.getPerson))
	in.PATCH("/people/:id", coordinatorOnly, h(a.updatePerson))
	in.DELETE("/people/:id", coordinatorOnly, h(a.deletePerson))

	in.GET("/topics", h(a.listTopics))
	in.POST("/topics", coordinatorOnly, a.idempotency, h(a.createTopic))
	in.GET("/topics/:id", h(a.getTopic))
	in.PATCH("/topics/:id", coordinatorOnly, h(a.updateTopic))
	in.DELETE("/topics/:id", coordinatorOnly, h(a.deleteTopic))

	in.GET("/meetings", h(a.listMeetings))
	in.GET("/meetings.csv", asCSV, h(a.listMeetings))
	in.POST("/meetings", coordinatorOnly, a.idempotency, h(a.createMeeting))
	in.GET("/meetings/:id", h(a.getMeeting))
	in.PATCH("/meetings/:id", coordinatorOnly, h(a.updateMeeting))
	in.DELETE("/meetings/:id", coordinatorOnly, h(a.deleteMeeting))
	in.GET("/meetings/:id/attendees", h(a.listAttendees))
	in.POST("/meetings/:id/attendees", coordinatorOnly, a.idempotency, h(a.createAttendee))
	in.GET("/meetings/:id/attendees/:attendee_id", h(a.getAttendee))
	in.PATCH("/meetings/:id/attendees/:attendee_id", coordinatorOnly, h(a.updateAttendee))
	in.DELETE("/meetings/:id/attendees/:attendee_id", coordinatorOnly, h(a.deleteAttendee))
	in.GET("/meetings/:id/action-items", h(a.listActionItems))
	in.POST("/meetings/:id/action-items", coordinatorOnly, a.idempotency, h(a.createActionItem))

	in.GET("/action-items", h(a.listActionItems))
	in.GET("/action-items.csv", asCSV, h(a.listActionItems))
	in.POST("/action-items", coordinatorOnly, a.idempotency, h(a.createActionItem))
	in.GET("/action-items/:id", h(a.getActionItem))
	in.PATCH("/action-items/:id", h(a.updateActionItem))
	in.DELETE("/action-items/:id", coordinatorOnly, h(a.deleteActionItem))
	in.GET("/action-items/:id/updates", h(a.listUpdates))
	in.POST("/action-items/:id/updates", a.idempotency, h(a.createUpdate))

	// An import needs no Idempotency-Key: it is idempotent by source row.
	in.POST("/imports", coordinatorOnly, h(a.createImport))

	// Webhooks (administrators). Sending a test event and redelivering
	// are new attempts each time, and take no Idempotency-Key.
	in.GET("/webhooks", adminOnly, h(a.listWebhooks))
	in.POST("/webhooks", adminOnly, a.idempotency, h(a.createWebhook))
	in.GET("/webhooks/:id", adminOnly, h(a.getWebhook))
	in.PATCH("/webhooks/:id", adminOnly, h(a.updateWebhook))
	in.DELETE("/webhooks/:id", adminOnly, h(a.deleteWebhook))
	in.POST("/webhooks/:id/rotate-secret", adminOnly, h(a.rotateWebhookSecret))
	in.POST("/webhooks/:id/test", adminOnly, h(a.testWebhook))
	in.GET("/webhooks/:id/deliveries", adminOnly, h(a.listDeliveries))
	in.POST("/webhooks/:id/deliveries/:delivery_id/redeliver", adminOnly, h(a.redeliver))

	in.GET("/audit-events", h(a.listAuditEvents))
	in.GET("/stats/overview", h(a.statsOverview))
	in.GET("/stats/meetings", h(a.statsMeetings))
	in.GET("/stats/action-items", h(a.statsActionItems))
	return r
}

// MetricsHandler serves the metrics of reg, for a listener apart from the
// API's (liaison serve --metrics-addr).
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

func (a *API) ready(c *gin.Context) error {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := a.st.Ping(ctx); err != nil {
		return problem(http.StatusServiceUnavailable, "not-ready", "the database does not answer")
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
	return nil
}

// noRoute answers unknown API paths with a problem and everything else with
// the web UI (its index.html for client-side routes).
func (a *API) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, "/api/") || a.opt.Frontend == nil || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
		writeProblem(c, notFound())
		return
	}
	serveFrontend(c, a.opt.Frontend)
}

// recovery turns a panic into a 500 problem without leaking its cause.
func recovery(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			writeProblem(c, panicError{v})
		}
	}()
	c.Next()
}

type panicError struct{ v any }

func (p panicError) Error() string {
	return "panic: " + strings.TrimSpace(strings.SplitN(fmt.Sprint(p.v), "\n", 2)[0])
}
